// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Everything `reesx optimize --plant` computes (docs/optimize.md, "Whole plants"): the optimal
// plant per country and, where asked, the front of cost per kg against the purity asked of
// every product (the whole plant optimized again at each purity for the first country). The
// command line and the Python package both run it, so their summaries agree.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reesx/costs/Pareto.h"
#include "reesx/costs/PlantOptimize.h"
#include "reesx/costs/PlantRobust.h"

namespace reesx::costs {

struct PlantOptimizeStudy {
    PlantOptimizeResult result;
    //! purity (every product), recovery (of every product, recovery_product "every") and
    //! capital_operating, each point a whole plant optimized again.
    ParetoFronts fronts;
    std::optional<PlantRobustResult> robust;  //!< with robust samples asked
};

//! The fronts asked of a plant (empty or 0: not asked).
struct PlantFrontsRequest {
    std::vector<double> purities;    //!< --pareto: purities of every product
    std::vector<double> recoveries;  //!< --pareto-recovery: recoveries of every product
    int capital_points = 0;          //!< --pareto-capital: capital-charge weights
    RobustOptions robust;            //!< --robust: samples 0: no robust plant
};

//! The plant optimized at `purity` (every product) in country `code` as a front point: its
//! stages summed over the cascades (extraction, scrub), capital, operating cost, USD/kg,
//! separate's default plant at that purity as the baseline; no reflux (NaN, a plant has one
//! per cascade) and no product purities (NaN; `meets_targets` says whether each product met
//! its purity in the plant's simulation).
FrontPoint plant_front_point(double purity, const PlantCountryOptimum& optimum);

//! Optimizes the plant of `spec` for `options`' countries, then, when `purities` are given,
//! the plant of the first country again at each (ascending). InputError for a purity outside
//! (0.5, 1).
PlantOptimizeStudy run_plant_optimize_study(
    const SeparateSpec& spec, const PlantOptimizeOptions& options,
    const std::vector<double>& purities,
    const std::function<void(const std::string&)>& progress = {});

//! The same with every front asked: the purity front as above; the recovery front, the first
//! country's plant optimized again with every product at least at each recovery (ascending;
//! the purity the spec's); the capital-against-operating front, the plant optimized again
//! with the capital charge weighted by `capital_points` weights from 1/4 to 4 (evenly in the
//! logarithm; PlantOptimizeOptions::request), each priced at weight 1, the plant at weight 1
//! added, the points no other beats in both capital and operating cost kept. InputError for
//! a recovery outside (0, 1) or fewer than 2 capital points. With robust samples, the robust
//! plant of every country (PlantRobust.h).
PlantOptimizeStudy run_plant_optimize_study(
    const SeparateSpec& spec, const PlantOptimizeOptions& options, const PlantFrontsRequest& fronts,
    const std::function<void(const std::string&)>& progress = {});

//! The `--json` summary: plant_optimize_summary with `pareto` {country, purity, recovery
//! {product: "every", points}, capital_operating} when fronts were asked (the layout of a
//! cut's fronts, FrontsReport.h) and `robust` (plant_robust_json) when asked.
nlohmann::json plant_optimize_study_json(const SeparateSpec& spec, const PlantOptimizeStudy& s);

//! The tables `reesx optimize --plant` prints.
std::string format_plant_optimize_study(const SeparateSpec& spec, const PlantOptimizeStudy& s);

}  // namespace reesx::costs
