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

//! The cost-against-purity front of one country as a table.
std::string format_pareto(const std::string& code, const std::vector<ParetoPoint>& front);

//! The front as JSON: a list of {purity, S_over_S_min, stages, capex_usd, opex_usd_per_year,
//! cost_usd_per_kg, baseline_cost_usd_per_kg, meets_targets, warnings}.
nlohmann::json pareto_json(const std::vector<ParetoPoint>& front);

//! `comparison` of optimize's JSON (one cut or a plant): per country the gap to the reference
//! country, split into prices and design.
nlohmann::json cost_gaps_json(const std::vector<CostGap>& gaps);

}  // namespace reesx::costs
