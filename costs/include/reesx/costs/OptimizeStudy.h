// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Everything `reesx optimize` computes for one cut (docs/interface.md, `optimize`): the optima
// per country and, where asked, the Pareto fronts, the robust optimum and the uncertainty of
// the optimum. The command line and the Python package both run it, so their summaries agree.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reesx/costs/Optimize.h"
#include "reesx/costs/Pareto.h"
#include "reesx/costs/Robust.h"
#include "reesx/costs/SampledCosts.h"

namespace reesx::costs {

//! What to compute beside the optima; each part is left out when not asked.
struct OptimizeStudyRequest {
    std::vector<double> pareto_purities;    //!< the cost-against-purity front, first country
    std::vector<double> pareto_recoveries;  //!< the cost-against-recovery front
    int pareto_capital = 0;                 //!< refluxes of the capital-operating front; 0: none
    int robust_samples = 0;                 //!< the robust optimum's samples; 0: none
    std::optional<double> percentile;       //!< the robust objective; empty: the mean
    int robust_radius = 2;
    bool robust_fixed_reflux = false;  //!< the robust optimum with its reflux held
    std::uint64_t seed = 1;            //!< of the robust optimum and the uncertainty
    int uncertainty = 0;               //!< samples of the system's values; 0: none
    int threads = 0;                   //!< 0: every hardware thread
};

struct OptimizeStudy {
    OptimizeResult result;
    std::vector<ParetoPoint> purity_front;
    ParetoFronts fronts;  //!< the purity front as front points, the recovery and capital fronts
    std::vector<RobustResult> robust;  //!< per country of the result, in order; empty: not asked
    std::optional<OptimizeUncertainty> uncertainty;
};

//! Optimizes `spec` for `options`' countries, then the parts `request` asks for: the fronts
//! for the first country, the robust optimum for every country (one run, the same samples).
//! InputError for a percentile without robust samples; the parts' own errors as their functions
//! throw them.
OptimizeStudy run_optimize_study(const DesignSpec& spec, const OptimizeOptions& options,
                                 const OptimizeStudyRequest& request,
                                 const std::function<void(const std::string&)>& progress = {});

//! The `--json` summary: optimize_summary with `pareto`, `robust` and `uncertainty` where
//! computed, and the uncertainty's warnings appended to `warnings`.
nlohmann::json optimize_study_json(const DesignSpec& spec, const OptimizeStudy& study);

//! The tables `reesx optimize` prints.
std::string format_optimize_study(const DesignSpec& spec, const OptimizeStudy& study);

}  // namespace reesx::costs
