// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx optimize --plant` prints and writes: the side-by-side table on stdout and the
// JSON summary (interface.md, `optimize --plant`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/costs/PlantOptimize.h"

namespace reesx::costs {

//! Per country: the optimal plant and separate's default (sequence, stages, capital,
//! operating cost, USD/kg), the saving, each product's USD/kg, the gap to the reference
//! country split into prices and design; warnings last.
std::string format_plant_optimize(const SeparateSpec& spec, const PlantOptimizeResult& result);

//! The `optimize --plant` JSON summary: reesx_version, command, mode ("plant"), system, feed,
//! purity, objective, objective_unit, country_order, countries {CODE: {name, optimum,
//! baseline, cost_usd_per_kg, saving_usd_per_kg, saving_fraction, baseline_returned,
//! simulations, seconds, warnings}}, reference_country, comparison, warnings, seconds.
nlohmann::json plant_optimize_summary(const SeparateSpec& spec, const PlantOptimizeResult& result);

}  // namespace reesx::costs
