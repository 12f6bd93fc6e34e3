// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Everything `reesx optimize --plant` computes (docs/optimize.md, "Whole plants"): the optimal
// plant per country and, where asked, the front of cost per kg against the purity asked of
// every product (the whole plant optimized again at each purity for the first country). The
// command line and the Python package both run it, so their summaries agree.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reesx/costs/Pareto.h"
#include "reesx/costs/PlantOptimize.h"

namespace reesx::costs {

struct PlantOptimizeStudy {
    PlantOptimizeResult result;
    ParetoFronts fronts;  //!< only `purity` is computed for a plant
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

//! The `--json` summary: plant_optimize_summary with `pareto` {country, purity: [front
//! points]} when the front was asked (the layout of a cut's fronts, FrontsReport.h).
nlohmann::json plant_optimize_study_json(const SeparateSpec& spec, const PlantOptimizeStudy& s);

//! The tables `reesx optimize --plant` prints.
std::string format_plant_optimize_study(const SeparateSpec& spec, const PlantOptimizeStudy& s);

}  // namespace reesx::costs
