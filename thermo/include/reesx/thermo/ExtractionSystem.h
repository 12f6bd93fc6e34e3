// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// An extraction system (extractant + medium): one log10 relative extractability per element,
// log10 K_i, so that the separation factor of any pair is beta(A/B) = 10^(log10 K_A - log10 K_B).
// Every value carries its range and its source; design estimates say so.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "reesx/core/Embedded.h"
#include "reesx/core/Input.h"
#include "reesx/thermo/Elements.h"

namespace reesx {

struct Extractability {
    double log10_k = 0.0;       //!< log10 relative extractability (dimensionless, La = 0 usually)
    double log10_k_low = 0.0;   //!< lower end of the reported/plausible range
    double log10_k_high = 0.0;  //!< upper end
    std::string source;         //!< citation or derivation of this value
    bool design_estimate = false;  //!< true where no measured value backs the number
    bool from_beta = false;        //!< set by a separation factor (`beta:`), not a log10 K
};

//! One absolute constant of a system (mass-action model), with its source.
struct Anchor {
    double value = 0.0;
    std::string source;
    std::optional<double> residual;  //!< rms residual of the fit it came from, where fitted
    bool design_estimate = false;
};

//! Where a system's values were fitted (`reesx fit`): the covariance of the fitted values,
//! for sampling them (`design --uncertainty`), and the data they came from.
struct SystemFit {
    std::string model;  //!< the fit's equilibrium model
    std::string data;   //!< the data file, its checksum, points and sources
    //! What each row of the covariance is: an element symbol (its log10-extractability) or
    //! "log10-kex-reference".
    std::vector<std::string> parameters;
    std::vector<std::vector<double>> covariance;
    double rms_log10_d = 0.0;
};

struct ExtractionSystem {
    std::string name;         //!< "p507-hcl"
    std::string description;  //!< one line: extractant, diluent, medium
    std::string conditions;   //!< the conditions the values hold for
    //! RE capacity per mol of extractant per unit saponification degree (mol/mol). The capacity
    //! rule C_RE,org = s * C_HA / 3 gives 1/3 (chemistry.md §2.2).
    double loading_per_extractant = 1.0 / 3.0;
    std::string loading_source;
    std::array<std::optional<Extractability>, num_elements> extractability;
    //! log10 Kex (dimensionless) of an element with log10 K = 0 for
    //! Ln3+ + 3 (HA)2 = Ln(A.HA)3 + 3 H+: Kex_i = 10^(reference + log10 K_i).
    std::optional<Anchor> log10_kex_reference;
    //! log10 K of Na+ + 1/2 (HA)2 = NaA + H+ (saponified form), (mol/L)^-1/2.
    std::optional<Anchor> log10_k_saponified;
    std::vector<std::string> sources;  //!< full references used in this system
    std::optional<SystemFit> fit;      //!< set for a system written by `reesx fit`
    std::string origin;                //!< "built-in" or the file name it came from
    //! For a system modified from a built-in one (`base:`): the base's name and values, kept
    //! to warn when an override reverses the base's extraction order.
    std::string base_name;
    std::array<std::optional<double>, num_elements> base_log10_k;

    bool has(int element) const { return extractability[element].has_value(); }
    //! log10 K of an element; throws InputError-free std::out_of_range if missing.
    double log10_k(int element) const;
    //! Separation factor beta(a/b) = K_a / K_b.
    double beta(int a, int b) const;
    //! Element indices with a value, in extraction order (weakest first).
    std::vector<int> extraction_order() const;
};

//! Warnings for a modified system whose overrides reverse the base system's extraction order
//! among `components` (all elements with a value when empty): one line per moved element,
//! saying where it was set and the `beta:` the user probably meant.
std::vector<std::string> extraction_order_reversals(const ExtractionSystem& system,
                                                    const std::vector<int>& components);

//! Names of the built-in systems ("p507-hcl", ...), sorted.
std::vector<std::string> builtin_system_names();
//! Built-in system by name; InputError listing the valid names if unknown.
ExtractionSystem builtin_system(const std::string& name);
//! A system from a YAML mapping (the inline `system:` of a case file, a system file, or a
//! built-in data file). Keys: name, description, conditions, loading-per-extractant,
//! log10-extractability {El: value or {value, range: [lo, hi], source, design-estimate}},
//! beta {A/B: value or {value, range, source}} (A set relative to B; chains allowed),
//! sources, fit {model, data, parameters, covariance, rms-log10-d} (what `reesx fit` writes).
//! When `base` is given the mapping overrides it (values not given are kept).
ExtractionSystem parse_system(const InputNode& node, const ExtractionSystem* base = nullptr);
//! A system from a YAML file (`--system FILE.yaml`).
ExtractionSystem load_system_file(const std::string& path);

}  // namespace reesx
