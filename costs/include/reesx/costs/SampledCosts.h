// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Costs under uncertainty of the system (`reesx optimize --uncertainty N`,
// `reesx separate --countries ... --uncertainty N`; docs/optimize.md and docs/plants.md,
// "Uncertainty"): each sample of the system (sample_system) re-sized by design's search and
// priced at nominal prices, so the spread is that of the chemistry alone (prices have their
// own, `reesx cost --monte-carlo`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reesx/costs/Optimize.h"
#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/flowsheets/SeparateUncertainty.h"

namespace reesx::costs {

//! The streams of a sized design (the case design writes for it and its kept simulation).
PlantStreams sized_streams(const DesignSpec& spec, const DesignSizing& sized);

//! What separate_uncertainty sums over a plant's cascades: per country of `codes` (in order),
//! the cascade's annual cost (capital charge + operating cost) per kg REO the plant is fed,
//! `plant_feed_reo_kg_per_h`; the sum is the plant's USD/kg REO fed.
CascadeCosting plant_share_costing(const CostSetup& setup, const std::vector<std::string>& codes,
                                   double plant_feed_reo_kg_per_h);

//! One country's optimum under uncertainty: the optimum's reflux rule (its S/S_min, the S_min
//! of each sample's own beta) and the fewest stages meeting the targets there, priced at the
//! country's nominal prices.
struct CountrySpread {
    std::string code;
    double s_over_s_min = 0.0;
    PricedDesign nominal;  //!< the country's optimum
    int failed = 0;
    //! P10/P50/P90 (reesx::Percentiles, DesignUncertainty.h), named in full: costs has a
    //! Percentiles of its own (Uncertainty.h), which would be taken where that is included
    //! first, and the struct would differ between files.
    ::reesx::Percentiles extraction_stages, scrub_stages, total_stages, s, cost_usd_per_kg;
};

struct OptimizeUncertainty {
    int samples = 0;
    std::string basis;
    std::uint64_t seed = 1;
    int threads = 1;
    std::vector<CountrySpread> countries;  //!< in the order of the result
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! Samples the spec's system `samples` times (seeded; the same systems for every country) and
//! sizes and prices each at every country's optimum reflux rule, on `threads` threads.
OptimizeUncertainty optimize_uncertainty(const DesignSpec& spec, const OptimizeOptions& options,
                                         const OptimizeResult& result, int samples,
                                         std::uint64_t seed = 1, int threads = 1);

}  // namespace reesx::costs
