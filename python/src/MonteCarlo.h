// The cost Monte Carlo in chunks (reesx.cost(..., executor=...)): the samples of one chunk as
// Python values that travel to and from workers, and the chunks joined into one result.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "reesx/costs/Uncertainty.h"

namespace reesx::python {

//! {"cost_usd_per_kg", "capex_usd", "opex_usd_per_year", "energy_kwh_per_kg",
//! "co2_kg_per_kg": samples × countries arrays, "failed": int, "failure_messages": [str]}.
pybind11::dict monte_carlo_samples(const costs::MonteCarloResult& result);

//! The chunks (dicts of monte_carlo_samples, in sample order) as one result: the samples one
//! after the other, the failures counted, the first three messages, the percentiles of each
//! country computed as one run computes them.
costs::MonteCarloResult join_monte_carlo(const pybind11::list& chunks,
                                         const std::vector<std::string>& countries,
                                         std::uint64_t seed, bool resimulated, int threads,
                                         double seconds);

}  // namespace reesx::python
