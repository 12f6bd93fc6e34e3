// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Sensitivity (tornado) and Monte Carlo uncertainty of the costs (docs/costs.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reesx/costs/CostModel.h"

namespace reesx::costs {

//! One bar of a tornado: $/kg REO fed with one parameter at the ends of its range, every
//! other parameter nominal.
struct TornadoBar {
    std::string key;    //!< parameter key, e.g. "electricity-price"
    std::string label;  //!< description
    bool regional = false;
    double low = 0.0, high = 0.0;                  //!< parameter range
    double cost_at_low = 0.0, cost_at_high = 0.0;  //!< USD/kg REO fed
    double swing() const { return std::abs(cost_at_high - cost_at_low); }
};

//! Tornado for one region, bars sorted by swing (largest first); parameters without a range
//! are left out.
std::vector<TornadoBar> sensitivity(const CostModel& model, const Region& region);

struct MonteCarloOptions {
    int samples = 1000;
    std::uint64_t seed = 1;
    int threads = 0;         //!< 0: every hardware thread
    bool resimulate = true;  //!< sample the system's log10-extractability ranges and re-solve
    bool progress = false;   //!< progress bar on stderr
    //! Index of the first sample: a run of samples [first_sample, first_sample + samples) is
    //! one chunk of a longer run, sample for sample (chunks spread over a cluster).
    std::uint64_t first_sample = 0;
};

struct Percentiles {
    double p5 = 0.0, p50 = 0.0, p95 = 0.0, mean = 0.0;
};
//! Percentiles (linear interpolation between order statistics) of the finite values.
Percentiles percentiles(std::vector<double> values);

struct MonteCarloCountry {
    std::string code;
    Percentiles cost_usd_per_kg, capex_usd, opex_usd_per_year, energy_kwh_per_kg, co2_kg_per_kg,
        ratio_to_first;
};

struct MonteCarloResult {
    int samples = 0;
    int failed = 0;  //!< re-simulations that did not converge or were infeasible
    std::uint64_t seed = 0;
    int threads = 0;
    bool resimulated = false;
    double seconds = 0.0;
    std::vector<std::string> failure_messages;  //!< the first few
    std::vector<MonteCarloCountry> countries;
    //! Every sample, [sample][country] (NaN for a failed sample): USD/kg REO fed, capital USD,
    //! operating cost USD/year, kWh and kg CO2 per kg REO fed.
    std::vector<std::vector<double>> cost_usd_per_kg, capex_usd, opex_usd_per_year,
        energy_kwh_per_kg, co2_kg_per_kg;
};

//! Samples every parameter range (triangular, mode at the nominal value) and, with
//! `resimulate`, the system's log10-extractabilities as its data say (sample_system in
//! thermo/SystemSampling.h: a fitted system's values from the fit's covariance, every other
//! value uniform in its range read as the range of its pair with the next-lower element in
//! extraction order, the convention of the built-in system files), re-solving the cascade per
//! sample. Sample i uses its own
//! generator seeded from (seed, i), so results do not depend on the thread count.
MonteCarloResult monte_carlo(const CaseSpec& spec, const CostModel& model,
                             const std::vector<std::string>& countries,
                             const MonteCarloOptions& options);

//! Fills `result.countries` (the percentiles of each country) from its sample matrices, as
//! monte_carlo does: for a result joined from chunks run apart.
void summarize_monte_carlo(MonteCarloResult& result, const std::vector<std::string>& countries);

//! Sample `index` of the separation factors and of every cost parameter of one region, drawn
//! in monte_carlo's order (system, plant-wide parameters, the region's), so that sample i is
//! sample i of a one-country `cost --monte-carlo` with the same seed.
struct SampledWorld {
    ExtractionSystem system;
    ParamValues values;
};
SampledWorld sample_world(const ExtractionSystem& system, const CostModel& model,
                          const Region& region, std::uint64_t seed, std::uint64_t index);

//! Sample `index` for several regions at once, in monte_carlo's order (system, plant-wide
//! parameters, each region's in turn): sample i is sample i of a `cost --monte-carlo` of these
//! countries with the same seed, the same separation factors and plant-wide parameters in every
//! country (common random numbers), and the first region's values those of sample_world.
struct SampledWorlds {
    ExtractionSystem system;
    std::vector<ParamValues> values;  //!< per region, in the order given
};
SampledWorlds sample_worlds(const ExtractionSystem& system, const CostModel& model,
                            const std::vector<const Region*>& regions, std::uint64_t seed,
                            std::uint64_t index);

//! The extraction system of sample `index` (exposed for tests).
ExtractionSystem sample_system(const ExtractionSystem& system, std::uint64_t seed,
                               std::uint64_t index);

}  // namespace reesx::costs
