// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx optimize` writes for its Pareto fronts and its robust optimum: tables on
// stdout, JSON, CSV (`-o fronts.csv`) and HDF5 groups (`-o optimize.h5`); docs/interface.md,
// `optimize`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/costs/Pareto.h"
#include "reesx/costs/Robust.h"
#include "reesx/io/Csv.h"
#include "reesx/io/Hdf5.h"

namespace reesx::costs {

//! The `pareto` JSON of the fronts asked: {country, purity, recovery {product, points},
//! capital_operating}, each front a list of front_json points (fronts not asked left out).
nlohmann::json fronts_json(const ParetoFronts& fronts);
//! One point: {target, S_over_S_min, stages {extraction, scrub, total}, capex_usd,
//! opex_usd_per_year, cost_usd_per_kg, baseline_cost_usd_per_kg, purity {A, B},
//! recovery {A, B}, meets_targets, warnings}; numbers that are not known are null.
nlohmann::json front_json(const FrontPoint& p);

//! The recovery and capital-operating fronts as tables (the purity front: format_pareto).
std::string format_fronts(const ParetoFronts& fronts);

//! Every front in one CSV table: a row per point, its `front` (purity, recovery,
//! capital_operating) first.
io::CsvTable fronts_csv(const ParetoFronts& fronts);

//! /pareto/FRONT/{target, S_over_S_min, extraction_stages, scrub_stages, capex_usd,
//! opex_usd_per_year, cost_usd_per_kg, baseline_cost_usd_per_kg, meets_targets} [point] for
//! each front asked, with the country as an attribute of /pareto.
void write_fronts_hdf5(io::Hdf5Writer& h5, const ParetoFronts& fronts);

//! The `robust` JSON: {country, samples, seed, objective ("mean" or "percentile"),
//! percentile, nominal, robust (each {stages, objective_usd_per_kg, mean_usd_per_kg,
//! mean_S_over_S_min, infeasible_samples}), premium {nominal_world_usd_per_kg,
//! expected_usd_per_kg}, nominal_world {nominal_usd_per_kg, robust_usd_per_kg,
//! robust_S_over_S_min}, candidates, simulations, seconds, warnings, reflux ("retuned" or
//! "fixed"), nominal_off_spec_samples (fixed: samples where the nominal optimum held at its
//! reflux misses the targets; else null)}; with a fixed reflux each candidate also has
//! fixed_S_over_S_min.
nlohmann::json robust_json(const RobustResult& r);

//! The `robust` JSON of a run: the first country's robust_json and, with more than one
//! country, `country_order` and `countries` {code: robust_json} of every country.
nlohmann::json robust_countries_json(const std::vector<RobustResult>& results);
std::string format_robust(const RobustResult& r);

}  // namespace reesx::costs
