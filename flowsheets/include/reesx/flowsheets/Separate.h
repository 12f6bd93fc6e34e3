// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Full separation of a feed into single-element (or lumped) products (`reesx separate`): the
// sequence of cuts is chosen by dynamic programming over contiguous groups of the extraction
// order, priced with the countercurrent-extraction theory's short-cut; the chosen plant is
// then designed cascade by cascade (Design.h) from the top, each cascade's feed being the
// simulated product of the one before, so that purities, recoveries and balances are those
// of the stage-by-stage simulation of every element.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/PurityBudget.h"
#include "reesx/flowsheets/SeparateImpurities.h"

namespace reesx {

struct SeparateSpec {
    ExtractionSystem system;
    std::string system_reference;  //!< built-in name, or "" to write the system inline
    FeedComposition feed;
    double feed_re_mol_per_h = 1500.0;
    double feed_concentration_mol_per_L = 1.5;  //!< every cascade's aqueous feed (see docs)
    double purity = 0.9999;                     //!< of every final product
    //! Elements whose mole fraction in the feed is below this are not made into products of
    //! their own: they are lumped with their neighbour in the extraction order. 0: every
    //! element present is a product (lumping only on request).
    double lump_below = 0.0;
    double stage_weight = 1.0;     //!< objective: stages x this ...
    double reagent_weight = 10.0;  //!< ... + (base + acid, mol per mol feed RE) x this
    int strip_stages = 2;          //!< strip section of every cascade (products as liquors)
    //! Linked cascades: a cascade whose more extractable side is split further sends its
    //! loaded organic, unstripped, to that cascade as its organic feed (docs/plants.md).
    bool linked = false;
    //! The separate input it was read from (errors in derived cases point there).
    std::optional<InputNode> root;
    //! Input conditions worth a warning (a modified system that reverses the base's order).
    std::vector<std::string> warnings;
    //! Impurity ions of the feed and their limit in the products (SeparateImpurities.h).
    std::optional<SeparateImpurities> impurities;
};

struct PlantProduct {
    std::string name;           //!< "Nd", or "Tb-Lu group" for a lumped group
    std::vector<int> elements;  //!< the elements this product is for
    int main_element = 0;       //!< the element with the largest share of the product
    std::string stream;         //!< "cascade 3 raffinate"
    int cascade = 0;            //!< 1-based index of the cascade it leaves
    std::string outlet;         //!< raffinate, strip_liquor or loaded_organic
    std::array<double, num_elements> mol_per_h{};
    double re_mol_per_h = 0.0, kg_reo_per_h = 0.0;
    double purity = 0.0;               //!< mole fraction of `elements` in the product
    double main_element_purity = 0.0;  //!< mole fraction of `main_element` in the product
    double recovery = 0.0;             //!< of `elements` from the plant feed
};

struct PlantCascade {
    int index = 0;            //!< 1-based, in design order
    std::string split;        //!< "La-Nd/Sm-Lu"
    std::string feed_from;    //!< "plant feed" or "cascade 1 raffinate"
    int feed_cascade = 0;     //!< 1-based index of the cascade that feeds it, 0 for the plant feed
    std::string feed_outlet;  //!< that cascade's outlet
    std::string product_a_to, product_b_to;
    double purity_target = 0.0;  //!< group purity asked of this cut
    DesignSpec spec;             //!< what was designed (its feed the upstream product)
    DesignResult design;
};

struct SequenceOption {
    std::string cuts;  //!< the cuts in design order, e.g. "La-Nd/Sm-Lu, La/Ce-Nd, ..."
    double objective = 0.0;
    double shortcut_stages = 0.0;
    double reagent_mol_per_mol = 0.0;  //!< base + acid per mol plant feed RE (short-cut)
};

//! Reagents and stages of a designed plant.
struct PlantTotals {
    int total_stages = 0;
    double base_mol_per_h = 0.0, hcl_mol_per_h = 0.0;  //!< saponification base; scrub + strip H+
};

struct SeparateResult {
    std::vector<std::vector<int>> product_groups;  //!< in extraction order
    std::vector<PlantCascade> cascades;
    std::vector<PlantProduct> products;
    std::vector<SequenceOption> sequences;  //!< chosen first, then the runners-up
    int total_stages = 0;
    double base_mol_per_h = 0.0, hcl_mol_per_h = 0.0;
    double base_mol_per_kg_product = 0.0, hcl_mol_per_kg_product = 0.0;  //!< per kg REO
    std::array<double, num_elements> balance_relative_error{};
    double mass_balance_relative_error = 0.0;
    std::vector<std::string> notes;
    //! Products below the target purity in the plant's simulation, one line each.
    std::vector<std::string> warnings;
    //! With `linked`: the same sequence designed as independent cascades, for comparison.
    std::optional<PlantTotals> independent;
    int simulations = 0;
    double seconds = 0.0;
    //! With impurities in the feed: the removal step ahead of the cuts and where each ion
    //! leaves.
    std::optional<ImpurityRemoval> impurity_removal;
};

//! One cut of the sequence problem (products `first`..`last` of the extraction order split
//! between `cut` and `cut` + 1), for a caller that prices cuts its own way.
struct SequenceCut {
    int first = 0, last = 0, cut = 0;
    double share_of_feed = 0.0;  //!< of the plant feed RE
    theory::Targets targets;     //!< the theory's pseudo-binary problem (key elements)
    //! The cut as a design: fed with the plant feed's elements of products first..last (as a
    //! perfect upstream separation would send them), at the purity budget's group purities.
    DesignSpec design;
};

//! What `reesx optimize` changes in `separate` (empty members: separate's own way).
struct SeparateHooks {
    //! The objective of a cut (summed over a plant's cuts; infinity: the cut cannot be made),
    //! replacing stage-weight x stages + reagent-weight x reagents.
    std::function<double(const SequenceCut&)> cut_cost;
    //! Designs each cascade of the chosen plant, replacing `design`.
    std::function<DesignResult(const DesignSpec&)> design;
    //! The note that says how the sequence was chosen (replacing the weights' note).
    std::string sequence_note;
    //! With `linked`: also design the sequence as independent cascades, for the totals'
    //! comparison (`independent`); false for a caller that builds that plant itself.
    bool compare_independent = true;
    //! The products' purity allowances shared as this says (PurityBudget.h), each product's
    //! net of its losses; empty: separate's rule, the default PurityBudget (interior products
    //! give half their allowance to each boundary, the two end products all to their one).
    std::optional<PurityBudget> budget;
};

//! Keys: system, feed, feed-rate, purity, lump-below (alias threshold), objective
//! {stage-weight, reagent-weight}, strip-stages, linked, impurities, impurity-limit.
SeparateSpec parse_separate(const InputNode& root);

SeparateResult separate(const SeparateSpec& spec,
                        const std::function<void(const std::string&)>& progress = {},
                        const SeparateHooks& hooks = {});

//! The cuts of the sequence `separate` chooses for `spec` (its dynamic programming over the
//! short-cut costs, in design order, as SequenceOption::cuts), without designing it; "" when
//! no sequence reaches the purities. Cheap: no simulation.
std::string chosen_sequence(const SeparateSpec& spec);

//! The cuts of the sequence `separate` chooses with `hooks` (its cut_cost and budget), in
//! design order, without designing them; empty when no sequence reaches the purities.
std::vector<SequenceCut> chosen_cuts(const SeparateSpec& spec, const SeparateHooks& hooks);

//! The cut that splits products i..j between k and k + 1 at the purities of `hooks`' budget
//! (or separate's rule), as chosen_cuts returns it.
SequenceCut sequence_cut(const SeparateSpec& spec, const SeparateHooks& hooks, int i, int j, int k);

//! The plant as a plant file (docs/plants.md, "Plant files"): every cascade's case, the
//! streams between them, the products with their purity targets; `reesx run` solves it.
std::string plant_file_yaml(const SeparateSpec& spec, const SeparateResult& result);
//! The same with the impurity removal `removal` (nullptr: none) in place of
//! result.impurity_removal: the step as the first cascade, feeding the first cut, and each
//! cut's `ion-outlets` as `separate` routes the ions (docs/plants.md).
std::string plant_file_yaml(const SeparateSpec& spec, const SeparateResult& result,
                            const ImpurityRemoval* removal);

//! The plant as a Graphviz DOT graph: the feed, the cascades, the products, and on each arrow
//! the stream's flow (L/h) and main elements (dot_stream_label).
std::string plant_dot(const SeparateSpec& spec, const SeparateResult& result);

//! A DOT edge label (escaped for a quoted DOT string): `name`, the flow ("120 L/h") and the
//! main elements (mole fractions of at least 1 %, largest first, at most three: "Pr 0.9999"),
//! one per line.
std::string dot_stream_label(const std::string& name, double flow_L_per_h,
                             const std::array<double, num_elements>& composition);

}  // namespace reesx
