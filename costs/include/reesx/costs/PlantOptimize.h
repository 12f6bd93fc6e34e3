// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost-optimal whole plant, country by country (`reesx optimize --plant`,
// docs/optimize.md, "Whole plants"): `reesx separate`'s dynamic programme over contiguous
// groups, each cut priced with the country's costs (the theory's short-cut design at the
// cheapest reflux, costed by the cost model) instead of the fixed stage/reagent weights; every
// cascade of the chosen sequence then optimized for the country (Optimize.h) on the feed the
// simulated cascade above sends it; the plant priced as `reesx cost PLANT.yaml` prices it,
// beside separate's default plant priced in the same country (the baseline).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "reesx/costs/ExtractionSide.h"
#include "reesx/costs/Optimize.h"
#include "reesx/costs/Report.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx::costs {

struct PlantOptimizeOptions {
    //! Countries (empty: the first of the data) and scenario, as `reesx cost` takes them.
    CostRequest request;
    double reflux_tolerance = 1e-3;  //!< of every cascade's search (OptimizeOptions)
    int threads = 0;                 //!< countries optimized at once; 0: one per country
    //! Each optimized cascade's scrub and strip acid and saponification chosen within `bounds`
    //! (ExtractionSide.h); else design's values.
    bool extraction_side = true;
    ExtractionBounds bounds;
    //! Each interior product's allowance shared between its two cuts by the sequence's
    //! short-cut cost (PlantBudget.h); else half each. Either way net of the products' losses,
    //! the end products' whole allowance at their one cut.
    bool choose_budget = true;
    //! Rebuilds with the allowance of a product short of its purity in the plant's
    //! simulation tightened (PlantBudget.h), at most this many.
    int budget_corrections = 2;
    //! Every product also keeps at least this share of its elements in the plant feed (0: no
    //! recovery target): its losses to its neighbours are capped (PurityBudget::min_recovery)
    //! and the plant's simulation checks it.
    double min_recovery = 0.0;
};

//! The purity budget a country's plant was built with (PurityBudget.h).
struct PlantBudgetReport {
    std::vector<std::string> products;  //!< in extraction order
    std::vector<double> lower_share;    //!< of each product's allowance, to its lower cut
    std::vector<double> scale;          //!< factor on its allowance (1: the whole)
    bool chosen = false;                //!< shares chosen by the short-cut cost, else half
    int corrections = 0;                //!< rebuilds after a product fell short
};

//! A final product's share of the plant's annual cost: each cascade's annual cost is shared by
//! the final products that pass through it, in proportion to their REO mass, so that a product
//! made by many cuts carries them all and the products' costs add up to the plant's.
struct PlantProductCost {
    std::string name;
    //! In the plant's simulation; recovery: of its elements from the plant feed.
    double purity = 0.0, recovery = 0.0;
    double target = 0.0;           //!< the purity asked
    double recovery_target = 0.0;  //!< the recovery asked (0: none)
    double reo_kg_per_year = 0.0;
    double annual_cost_usd_per_year = 0.0;
    double cost_usd_per_kg = 0.0;
    int cascades = 0;  //!< cascades it passes through
};

struct PlantCascadeCost {
    std::string split;
    double s = 0.0, s_over_s_min = 0.0;
    int n = 0, m = 0, strip = 0;
    double purity_a = 0.0, purity_b = 0.0, target_a = 0.0, target_b = 0.0;
    double annual_cost_usd_per_year = 0.0;                    //!< as costed in the plant
    double scrub_acid_mol_per_L = 0.0, saponification = 0.0;  //!< of its case
    double strip_acid_mol_per_L = 0.0;  //!< of its case; 0 without a strip section
    double extractant_mol_per_L = 0.0;  //!< of its case; 0 when given as a loading
    std::string case_yaml;              //!< `reesx run` reproduces it
};

//! A designed plant priced in one country.
struct PricedPlant {
    std::string sequence;  //!< the cuts in design order
    std::vector<PlantCascadeCost> cascades;
    std::vector<PlantProductCost> products;
    int total_stages = 0;
    CountryCost cost;              //!< the plant's sums (as `reesx cost PLANT.yaml`)
    double cost_usd_per_kg = 0.0;  //!< annual cost / kg REO in the products
    //! Every product at its purity (and recovery target) in the plant's simulation.
    bool meets_targets = false;
    std::string plant_yaml;  //!< the plant file (`reesx run`, `reesx cost`)
    bool linked = false;     //!< designed with separate's `linked` rule
    SeparateResult design;   //!< what separate's builder made
};

//! Whether linking pays: the optimized plant as independent cascades and, where some
//! cascade's more extractable side is split again, as linked cascades (separate's rule).
struct PlantLinking {
    bool linkable = false;  //!< some cascade's more extractable side is split again
    double independent_usd_per_kg = 0.0;
    double linked_usd_per_kg = 0.0;  //!< 0 when not linkable
    bool independent_meets_targets = false, linked_meets_targets = false;
    bool linked_chosen = false;  //!< the cheaper of the two that meet their purities
};

struct PlantCountryOptimum {
    std::string code, name;
    PricedPlant optimum;
    PricedPlant baseline;            //!< `reesx separate`'s default plant priced here
    bool baseline_returned = false;  //!< nothing found was cheaper (never happened in tests)
    PlantLinking linking;
    PlantBudgetReport budget;
    int simulations = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

struct PlantOptimizeResult {
    double purity = 0.0;
    double min_recovery = 0.0;     //!< of every product; 0: none asked
    bool extraction_side = false;  //!< scrub, strip acid, saponification chosen in `bounds`
    ExtractionBounds bounds;
    std::vector<PlantCountryOptimum> countries;  //!< in the order asked
    std::string reference;                       //!< CN-NM when asked, else the first
    std::vector<CostGap> gaps;                   //!< per country (Optimize.h)
    std::vector<std::string> warnings;
    double seconds = 0.0;
};

//! The short-cut annual cost (USD/y) of a cut in a country: the theory's stages at each reflux
//! of a grid above S_min, the flows of design's case at that reflux, costed; the cheapest.
//! Infinity when the theory cannot make the cut. Exposed for tests.
double shortcut_cut_cost(const SequenceCut& cut, const CostModel& model, const Region& region);

//! Optimizes the plant of `spec` for each country; InputError for an unknown country,
//! InfeasibleError when no sequence reaches the purities. `progress` (may be empty) receives
//! one line per cascade and per country, from the calling thread.
PlantOptimizeResult optimize_plant(const SeparateSpec& spec, const PlantOptimizeOptions& options,
                                   const std::function<void(const std::string&)>& progress = {});

}  // namespace reesx::costs
