// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/OptimizeStudy.h"

#include <thread>

#include "reesx/core/Error.h"
#include "reesx/costs/ExtractionSide.h"
#include "reesx/costs/FrontsReport.h"
#include "reesx/costs/OptimizeReport.h"
#include "reesx/costs/SampledCostsReport.h"

namespace reesx::costs {

OptimizeStudy run_optimize_study(const DesignSpec& spec, const OptimizeOptions& options,
                                 const OptimizeStudyRequest& request,
                                 const std::function<void(const std::string&)>& progress)
{
    if (request.percentile && request.robust_samples == 0) {
        throw InputError(
            "the percentile sets the objective of the robust optimum: ask for "
            "robust samples too");
    }
    OptimizeStudy study;
    study.result = optimize(spec, options, progress);
    const CountryOptimum& first = study.result.countries.front();
    // The fronts and the robust optimum hold the first country's solutions (scrub and strip
    // acid, saponification, extractant), so that they compare with its optimum.
    const DesignSpec held = with_solutions(spec, first.optimum);
    study.fronts.country = first.code;
    study.fronts.recovery_product = std::string(1, spec.recovery_product);
    if (!request.pareto_purities.empty()) {
        study.purity_front = pareto_purity(held, options, first.code, request.pareto_purities);
        for (const auto& p : study.purity_front) {
            study.fronts.purity.push_back(front_point(p.purity, p.optimum));
        }
    }
    if (!request.pareto_recoveries.empty()) {
        study.fronts.recovery =
            pareto_recovery(held, options, first.code, request.pareto_recoveries);
    }
    if (request.pareto_capital > 0) {
        study.fronts.capital_operating =
            pareto_capital_operating(held, options, first.code, first, request.pareto_capital);
    }
    if (request.robust_samples > 0) {
        RobustOptions ro;
        ro.samples = request.robust_samples;
        ro.seed = request.seed;
        ro.radius = request.robust_radius;
        ro.threads = request.threads;
        ro.percentile = request.percentile;
        ro.fixed_reflux = request.robust_fixed_reflux;
        study.robust = robust_optima(held, options.setup, study.result.countries, ro);
    }
    if (request.uncertainty > 0) {
        const int threads = request.threads > 0
                                ? request.threads
                                : static_cast<int>(std::thread::hardware_concurrency());
        study.uncertainty = optimize_uncertainty(spec, options, study.result, request.uncertainty,
                                                 request.seed, threads);
    }
    return study;
}

nlohmann::json optimize_study_json(const DesignSpec& spec, const OptimizeStudy& study)
{
    nlohmann::json j = optimize_summary(spec, study.result);
    const ParetoFronts& fronts = study.fronts;
    if (!study.purity_front.empty() || !fronts.recovery.empty() ||
        !fronts.capital_operating.empty()) {
        j["pareto"] = fronts_json(fronts);
        if (!study.purity_front.empty()) {
            j["pareto"]["purity"] = pareto_json(study.purity_front);
        }
    }
    if (!study.robust.empty()) {
        j["robust"] = robust_countries_json(study.robust);
    }
    if (study.uncertainty) {
        j["uncertainty"] = optimize_uncertainty_json(*study.uncertainty);
        for (const auto& w : study.uncertainty->warnings) {
            j["warnings"].push_back(w);
        }
    }
    return j;
}

std::string format_optimize_study(const DesignSpec& spec, const OptimizeStudy& study)
{
    std::string out = format_optimize(spec, study.result);
    if (!study.purity_front.empty()) {
        out += format_pareto(study.fronts.country, study.purity_front);
    }
    out += format_fronts(study.fronts);
    for (const auto& r : study.robust) {
        out += format_robust(r);
    }
    if (study.uncertainty) {
        out += format_optimize_uncertainty(*study.uncertainty);
    }
    return out;
}

}  // namespace reesx::costs
