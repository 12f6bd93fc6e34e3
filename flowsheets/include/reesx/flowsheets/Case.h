// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A case file (interface.md, "Case file (YAML), core keys") parsed and checked into typed
// form. Every value is in reesx's internal units: L/h, mol/L, mol/h.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/thermo/Elements.h"
#include "reesx/thermo/EquilibriumModel.h"
#include "reesx/thermo/ExtractionSystem.h"
#include "reesx/thermo/Impurities.h"
#include "reesx/thermo/Species.h"

namespace reesx {

enum class Phase { aqueous, organic };
std::string_view phase_name(Phase phase);
std::string_view section_name(Section section);

struct FeedSpec {
    Phase phase = Phase::aqueous;
    int stage = 0;  //!< 1-based stage number
    double flow_L_per_h = 0.0;
    double concentration_mol_per_L = 0.0;              //!< total rare earths
    std::array<double, num_elements> mole_fraction{};  //!< RE mole fractions, sum 1
    double acid_mol_per_L = 0.0;  //!< free HCl of an aqueous feed (models with acidity)
    //! Impurity ions of an aqueous feed (`impurities:`), mol/L, by impurity index.
    std::array<double, num_impurities> impurity_mol_per_L{};
    double re_mol_per_h() const { return flow_L_per_h * concentration_mol_per_L; }
    //! mol/h of a species (rare earth or impurity) this feed brings.
    double mol_per_h_of(int species) const
    {
        return is_rare_earth(species)
                   ? re_mol_per_h() * mole_fraction[static_cast<std::size_t>(species)]
                   : flow_L_per_h *
                         impurity_mol_per_L[static_cast<std::size_t>(species - num_elements)];
    }
    //! Charge equivalents of the impurity ions, eq/L.
    double impurity_charge_eq_per_L() const
    {
        double eq = 0.0;
        for (int k = 0; k < num_impurities; ++k) {
            eq +=
                species_charge(num_elements + k) * impurity_mol_per_L[static_cast<std::size_t>(k)];
        }
        return eq;
    }
};

//! A side draw: part of one phase's outflow from one stage, taken out as a product.
struct DrawSpec {
    std::string name;
    Phase phase = Phase::aqueous;
    int stage = 0;  //!< 1-based
    double flow_L_per_h = 0.0;
};

struct OrganicSpec {
    double flow_L_per_h = 0.0;
    std::optional<double> extractant_mol_per_L;
    std::optional<double> saponification;     //!< fraction of extractant in the Na/NH4 form
    std::optional<double> loading_mol_per_L;  //!< RE capacity of the organic (saturated)
    //! Closed organic loop: the organic leaving the last stage (stripped organic) is
    //! re-saponified and returns to stage 1 with the RE it still carries.
    bool recycle = false;
    std::string base = "NaOH";  //!< saponification base: NaOH or NH3
};

struct AcidStreamSpec {
    double flow_L_per_h = 0.0;
    double acid_mol_per_L = 0.0;  //!< HCl
    double h_mol_per_h() const { return flow_L_per_h * acid_mol_per_L; }
};

//! `reflux:` of a case: the organic and scrub flows given as the theory's reflux ratios.
struct RefluxSpec {
    double S = 0.0;           //!< organic RE flux per feed RE, mol/mol
    std::optional<double> W;  //!< scrub reflux per feed RE, mol/mol (with a scrub section)
    std::string location;     //!< "file:line:column" of the key, for infeasible-flow messages
};

struct SolverSpec {
    double tolerance = 1e-12;  //!< max scaled residual (relative element imbalance per stage)
    int max_iterations = 3000;
    std::string method = "newton";  //!< "newton" (block-tridiagonal), the only method
};

struct CaseSpec {
    std::string name;
    std::string source_file;
    ExtractionSystem system;
    std::string model_name;
    int stages_extraction = 0;
    int stages_scrub = 0;
    int stages_strip = 0;
    std::vector<FeedSpec> feeds;
    OrganicSpec organic;
    std::optional<AcidStreamSpec> scrub;
    std::optional<AcidStreamSpec> strip;
    std::array<double, 3> efficiency{1.0, 1.0, 1.0};  //!< Murphree, by Section
    //! Set when the organic (and scrub) flows were derived from `reflux:`.
    std::optional<RefluxSpec> reflux;
    std::vector<DrawSpec> draws;
    SolverSpec solver;
    //! Species with a non-zero feed, in species order (Species.h: the rare earths, then the
    //! impurity ions, index >= num_elements): the components solved for.
    std::vector<int> components;
    //! The aqueous medium (`medium:`): chloride (HCl) by default, or sulfate (H2SO4).
    Medium medium;
    std::shared_ptr<EquilibriumModel> model;
    //! The input file as parsed (for model-specific keys and for storing with results).
    std::optional<InputNode> root;
    //! Conditions worth a user's attention that do not stop the run.
    std::vector<std::string> warnings;

    int num_stages() const { return stages_extraction + stages_scrub + stages_strip; }
    Section section_of(int stage_index) const;  //!< 0-based stage index
    double feed_re_mol_per_h() const;
    //! The organic's RE capacity when saturated, mol/L (loading, or s * C_HA * ratio).
    std::optional<double> organic_capacity_mol_per_L() const;
};

//! The `system:` of a case or design file: a built-in name, a system file (relative to
//! `relative_to_dir`), or an inline mapping (optionally with `base:`).
ExtractionSystem parse_system_reference(const InputNode& node, const std::string& relative_to_dir);

//! `efficiency:` of a case or design file: one Murphree efficiency in (0, 1] or a mapping
//! per section {extraction, scrub, strip}; by Section.
std::array<double, 3> parse_efficiency(const InputNode& node);

//! Inlets of a case that a flowsheet (a plant file) feeds with streams: such a case may leave
//! out its own `feed`, and its `scrub` acid when a stream brings the scrub liquor.
struct CaseInlets {
    bool feed = false;   //!< some stream feeds this cascade (aqueous or organic feed)
    bool scrub = false;  //!< a stream is the scrub liquor
    bool plant = false;  //!< a cascade of a plant file (which may route ions: `ion-outlets`)
};

//! Parses and checks a case; every problem is an InputError located in the file.
CaseSpec parse_case(const InputNode& root, const CaseInlets& inlets = {});

//! Sets `components` (the elements of spec.feeds, in element order) and rebuilds the
//! equilibrium model for them: after a flowsheet adds the feeds its streams bring.
void set_components(CaseSpec& spec);
CaseSpec load_case(const std::string& path);

}  // namespace reesx
