// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx optimize` prints and writes: the side-by-side table on stdout and the JSON
// summary (interface.md, `optimize`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/costs/Optimize.h"

namespace reesx::costs {

//! Per country: the optimum and design's default (stages, reflux, purities, capital,
//! operating cost, USD/kg), the saving, and the gap to the reference country split into prices
//! and design; warnings last.
std::string format_optimize(const DesignSpec& spec, const OptimizeResult& result);

//! The `optimize` JSON summary: reesx_version, command, split, objective, targets, theory,
//! country_order, countries {CODE: {name, optimum, baseline, saving_usd_per_kg, search, ...}},
//! reference_country, comparison {CODE: {gap, prices, design, ratio}}, warnings.
nlohmann::json optimize_summary(const DesignSpec& spec, const OptimizeResult& result);

}  // namespace reesx::costs
