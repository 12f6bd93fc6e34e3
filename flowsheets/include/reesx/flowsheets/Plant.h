// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A plant: several cascades (each a case, Case.h) connected by streams: an outlet of one
// cascade (raffinate, loaded or stripped organic, strip liquor, a side draw), whole or in part,
// feeds an inlet of another (its aqueous feed, organic feed or scrub liquor). Recycles are
// allowed. Solved sequential-modular: the cascades in a calculation order, the streams that
// close a loop torn and converged by Wegstein's method (or plain substitution) to a stated
// tolerance (docs/plants.md, "Plant files").
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reesx/flowsheets/Cascade.h"

namespace reesx {

enum class Inlet { feed, organic_feed, scrub };
std::string_view inlet_name(Inlet inlet);

struct PlantStreamSpec {
    int from = -1;  //!< cascade index
    std::string outlet;
    int to = -1;  //!< cascade index
    Inlet inlet = Inlet::feed;
    int stage = 0;  //!< 1-based stage it enters (the inlet's default when not given)
    //! Share of the outlet taken: a fraction, or a flow (L/h); neither: all of it.
    std::optional<double> fraction, flow_L_per_h;
    std::string label;  //!< "c1.raffinate -> c2.feed"
    std::optional<InputNode> node;
};

struct PlantProductSpec {
    std::string name;
    int cascade = -1;
    std::string outlet;
    std::vector<int> elements;     //!< empty: the product's main element
    std::optional<double> purity;  //!< target, checked and reported
};

struct PlantSpec {
    std::string name, source_file;
    std::vector<std::string> cascade_names;
    //! Each cascade's case as parsed, with its own feeds only (streams are added per solve).
    std::vector<CaseSpec> cascades;
    std::vector<PlantStreamSpec> streams;
    std::vector<PlantProductSpec> products;
    //! Per cascade, its `ion-outlets:` (impurity species -> outlet): a cascade whose model
    //! carries no ions (separation-factor) passes the ions its inlets bring, unsimulated,
    //! each whole to the outlet named (a sharp split). Empty: the model takes them.
    std::vector<std::map<int, std::string>> ion_outlets;
    double tolerance = 1e-12;  //!< tear streams: |change| <= tolerance x scale (see docs)
    int max_iterations = 200;
    std::string method = "wegstein";  //!< or "substitution"
    //! The plant's `cost:` mapping (`reesx cost PLANT.yaml`: the case's `cost:` keys).
    std::optional<InputNode> cost;
};

//! What one stream carries: volumetric flow, RE per element, impurity ions, free acid
//! (aqueous: H+ not bound to metal, HSO4- included in a sulfate medium).
struct StreamValue {
    Phase phase = Phase::aqueous;
    double flow_L_per_h = 0.0;
    std::array<double, num_elements> mol_per_h{};
    //! Impurity ions (Species.h), by impurity index.
    std::array<double, num_impurities> impurity_mol_per_h{};
    double acid_mol_per_h = 0.0;
    double re_mol_per_h() const;
    double impurities_mol_per_h() const;  //!< all impurity ions together
    //! Every amount (RE, impurities, acid) and the flow times `factor`: a share of the stream.
    void scale(double factor);
};

//! A part of an outlet that leaves the plant.
struct PlantProductResult {
    std::string name;  //!< the name given under products:, or "cascade.outlet"
    int cascade = -1;
    std::string outlet;
    StreamValue value;
    std::array<double, num_elements> composition{};
    std::vector<int> elements;  //!< the elements its purity counts
    double purity = 0.0;
    std::optional<double> target;
    std::array<double, num_elements> recovery{};  //!< of the plant feed, per element
    //! With impurity ions: the purity over all metal ions (RE and impurities), each ion as its
    //! spec oxide in ppm of the product's REO, and its share of the plant's feed of it.
    double metal_purity = 0.0;
    std::array<double, num_impurities> impurity_ppm_reo{};
    std::array<double, num_impurities> impurity_recovery{};
};

struct PlantResult {
    std::vector<CaseSpec> specs;  //!< each cascade as last solved (with its stream feeds)
    std::vector<CascadeResult> cascades;
    std::vector<StreamValue> streams;  //!< the value each stream carried in the last pass
    std::vector<PlantProductResult> products;
    std::vector<int> order;  //!< calculation order (cascade indices)
    std::vector<int> tears;  //!< torn streams (indices into spec.streams)
    std::array<double, num_elements> feed_mol_per_h{};  //!< the cascades' own feeds
    std::array<double, num_elements> product_mol_per_h{};
    std::array<double, num_elements> balance_relative_error{};
    //! Impurity ions, by impurity index (zero without them): the cascades' own feeds, the
    //! products, and each ion's balance (in the largest balance error below too).
    std::array<double, num_impurities> impurity_feed_mol_per_h{};
    std::array<double, num_impurities> impurity_product_mol_per_h{};
    std::array<double, num_impurities> impurity_balance_relative_error{};
    double mass_balance_relative_error = 0.0;
    bool has_impurities() const;  //!< some cascade's own feed carries impurity ions
    int iterations = 0;           //!< passes through the calculation order
    double tear_change = 0.0;     //!< largest scaled tear change of the last pass
    int cascade_solves =
        0;  //!< cascade simulations (a cascade whose inlets did not change is not re-solved)
    double base_mol_per_h = 0.0;          //!< saponification base
    double scrub_acid_h_mol_per_h = 0.0;  //!< H+ of the scrub acids
    double strip_acid_h_mol_per_h = 0.0;  //!< H+ of the strip acids
    double product_kg_reo_per_h = 0.0;    //!< products that carry RE
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! A YAML document is a plant file when its top level has `plant:` or `cascades:`.
bool is_plant_file(const InputNode& root);

//! The case of a command that takes one cascade (`reesx dynamic`, `reesx cost`); a plant file
//! is an InputError that says which command takes it.
CaseSpec parse_one_cascade(const InputNode& root, const std::string& command);

//! Parses and checks a plant file (cascades, streams, products, solver); located InputErrors.
PlantSpec parse_plant(const InputNode& root);

//! Solves the plant. ConvergenceError (exit 2) when the tear streams do not converge,
//! InfeasibleError when a cascade cannot run the flows it receives (naming the cascade).
PlantResult solve_plant(const PlantSpec& spec,
                        const std::function<void(const std::string&)>& progress = {});

}  // namespace reesx
