// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the acidity models need for impurity ions and sulfate liquors: the extraction of each
// impurity by a system (a pH half-value, built-in data by system or a case's
// `impurity-ph-half`), and the aqueous medium (chloride, or sulfate with the bisulfate
// equilibrium HSO4- = H+ + SO4^2- in the proton balance).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/thermo/ExtractionSystem.h"
#include "reesx/thermo/Species.h"

namespace reesx {

//! Extraction of one impurity ion M^z+ + z (HA)2 = M(A.HA)z + z H+, as its pH½ at a reference
//! extractant concentration (trace loading, O/A 1).
struct ImpurityExtraction {
    int species = 0;
    int charge = 0;
    double ph_half = 0.0;
    double ph_half_low = 0.0, ph_half_high = 0.0;
    double extractant_mol_per_L = 0.6;  //!< HA (monomer basis) the pH½ holds for
    std::string source;
    bool design_estimate = false;
    //! log10 Kex = -z (pH½ + log10(extractant / 2)) (dimensionless, concentration basis).
    double log10_kex() const;
};

//! Systems with built-in impurity data ("p204-hcl", "p507-hcl").
std::vector<std::string> impurity_data_systems();
//! The built-in extraction data of the impurity `species` for the system named `system_name`
//! (one of impurity_data_systems()); nullopt when it has none.
std::optional<ImpurityExtraction> builtin_impurity_extraction(const std::string& system_name,
                                                              int species);
//! The impurity `species` (index >= num_elements) with `system` (its own name, else its base's
//! built-in data), overridden by the case's `impurity-ph-half: {Fe3+: 1.2}` or
//! `{Fe3+: {ph-half: 1.2, extractant: 0.6 mol/L, source: "..."}}`. Missing: InputError at the
//! case's `system` saying how to give it.
ImpurityExtraction impurity_extraction(const ExtractionSystem& system, const InputNode& case_root,
                                       int species);
//! Checks the keys of a case's `impurity-ph-half` (unknown species, ranges); InputError.
void check_impurity_overrides(const InputNode& case_root);

//! The aqueous medium of a case: `medium: chloride` (default) or `medium: sulfate`, or
//! `medium: {name: sulfate, pka-bisulfate: 1.99, ionic-strength: 0.5 mol/L}`.
struct Medium {
    bool sulfate = false;
    //! Concentration constant of HSO4- = H+ + SO4^2-, mol/L: 10^-pKa2 at infinite dilution
    //! (pKa2 = 1.99 at 25 °C), corrected to `ionic-strength` by the Davies equation.
    double ka_bisulfate_mol_per_L = 0.0;
    double pka_bisulfate = 1.99;
    double ionic_strength_mol_per_L = 0.0;
    std::string name() const { return sulfate ? "sulfate" : "chloride"; }
};
Medium parse_medium(const InputNode& case_root);

//! [HSO4-] for free [H+] = h and total sulfate `sulfate` (mol/L): S h / (h + Ka).
double bisulfate_mol_per_L(double h, double sulfate, double ka);
//! d [HSO4-] / d ln h = S h Ka / (h + Ka)^2.
double d_bisulfate_d_ln_h(double h, double sulfate, double ka);

}  // namespace reesx
