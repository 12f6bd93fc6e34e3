// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx cost` and `reesx countries` print and write: side-by-side tables on stdout and
// the JSON summary (interface.md, `cost`).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reesx/costs/Uncertainty.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/io/Csv.h"
#include "reesx/io/Hdf5.h"

namespace reesx::costs {

struct CostRun {
    std::vector<CountryCost> countries;            //!< nominal costing, first = the reference
    std::vector<std::vector<TornadoBar>> tornado;  //!< per country, when --sensitivity
    std::optional<MonteCarloResult> monte_carlo;
};

//! Costs every country of `codes` at nominal values (and the tornado when asked).
CostRun run_costs(const CostModel& model, const std::vector<std::string>& codes,
                  bool with_sensitivity);

//! What `reesx cost` is asked beyond the case: the countries (empty: the case's
//! `cost.countries`), the capital scenario (empty: the case's), the tornado, and the Monte
//! Carlo samples (none when `monte_carlo.samples` is 0).
struct CostRequest {
    std::vector<std::string> countries;
    std::string scenario;
    bool sensitivity = false;
    MonteCarloOptions monte_carlo{.samples = 0};
    //! A plant's aqueous streams between cascades brought to this RE concentration (mol/L);
    //! unset: the case's or plant's cost.intermediate-concentration, if any.
    std::optional<double> intermediate_concentration_mol_per_L;
    //! The capital charge's weight in the annual cost (CostOptions); unset: 1.
    std::optional<double> capital_charge_weight;
};

//! A costed case: its steady state, the cost model of its streams, and the costing.
struct CostStudy {
    CascadeResult cascade;
    CostModel model;
    CostRun run;
};

//! Solves the case and costs it as `request` asks; located InputError for an unknown scenario
//! or country, or when no country is given.
//! The request's countries and scenario over the case's own (InputError for an unknown
//! scenario or no country at all).
void apply_request(CostSetup& setup, const CostRequest& request);
CostStudy cost_study(const CaseSpec& spec, const CostRequest& request);

//! The whole `cost` JSON summary: reesx_version, command, input, converged,
//! mass_balance_relative_error, then cost_json.
nlohmann::json cost_summary(const CaseSpec& spec, const CostStudy& study);

//! `cost --csv DIR`: cost_items.csv (one row per item of the summary's countries, named by its
//! JSON path such as "opex_breakdown_usd_per_year.hcl", with its unit and one column per
//! country) and, with Monte Carlo, monte_carlo_samples.csv (sample, country and each sampled
//! quantity; empty cells for a failed sample).
std::vector<io::CsvTable> cost_csv(const nlohmann::json& summary, const CostRun& run);

//! `cost -o OUT.h5`: the result file's root attributes (io::write_result_header), /countries,
//! /cost/{capex_usd, opex_usd_per_year, cost_usd_per_kg, energy_kwh_per_kg, co2_kg_per_kg}
//! (per country, per kg REO fed), /cost/opex_breakdown [country × item] with
//! /cost/opex_items, and with Monte Carlo /monte_carlo/<quantity> [sample × country] (NaN for
//! a failed sample, flagged in /monte_carlo/failed); written atomically.
void write_cost_hdf5(const std::string& path, const CaseSpec& spec, const CostRun& run);
//! The same with the costed cascade's steady state in the layout of `run` (/stages, /products,
//! ...) beside the costs.
void write_cost_hdf5(const std::string& path, const CaseSpec& spec, const CostRun& run,
                     const CascadeResult* cascade);
//! The /countries, /cost and /monte_carlo groups of write_cost_hdf5, into an open file.
void write_cost_groups(io::Hdf5Writer& h5, const CostRun& run);

//! Side-by-side table: sizing, capex and opex by item, USD/kg, kWh/kg, kg CO2/kg, ratio to
//! the first country; the tornado's largest bars and the Monte Carlo percentiles when present;
//! the unverified inputs used.
std::string format_cost(const CaseSpec& spec, const CostModel& model, const CostRun& run);
//! The same under another title (a plant's name).
std::string format_cost(const std::string& title, const CostModel& model, const CostRun& run);

//! The `cost` JSON summary (without reesx_version, command and input, which the caller adds).
nlohmann::json cost_json(const CostModel& model, const CostRun& run);

//! A costing's energy item by item (docs/costs.md, "Energy"): {on_site_kwh_per_year,
//! embodied_kwh_per_year, kwh_per_year {item}, kwh_per_kg_reo_fed {item}}; the on-site items
//! sum to on_site_kwh_per_year (the electricity priced), the embodied ones to
//! embodied_kwh_per_year.
nlohmann::json energy_json(const CountryCost& c);

//! What item `item` (an OpexItem, or num_opex_items for the capital charge) adds to the USD/kg
//! REO fed of `c` over `reference`; the items sum to the difference of their USD/kg.
double gap_per_kg(const CountryCost& c, const CountryCost& reference, int item);

//! The cost data as JSON: currency, cost_year, scenarios {name: description}, regions {code:
//! {name, currency, inherits, inputs {key: {value, range, unit, year, source, confidence}}}}
//! in file order (`country_order`), and global_inputs.
nlohmann::json countries_json(const CostData& data);

//! `reesx countries`: one line per region; with a code, every value with range and source.
std::string format_countries(const CostData& data, const std::string& code);

}  // namespace reesx::costs
