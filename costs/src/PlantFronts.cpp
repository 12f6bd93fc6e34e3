// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/PlantFronts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "ReportFormat.h"
#include "reesx/core/Error.h"
#include "reesx/costs/FrontsReport.h"
#include "reesx/costs/PlantOptimizeReport.h"

namespace reesx::costs {

FrontPoint plant_front_point(double purity, const PlantCountryOptimum& optimum)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const PricedPlant& p = optimum.optimum;
    FrontPoint f;
    f.target = purity;
    f.s_over_s_min = nan;
    for (const auto& c : p.cascades) {
        f.n += c.n;
        f.m += c.m;
    }
    f.capex_usd = p.cost.capex_usd;
    f.opex_usd_per_year = p.cost.opex_usd_per_year;
    f.cost_usd_per_kg = p.cost_usd_per_kg;
    f.baseline_cost_usd_per_kg = optimum.baseline.cost_usd_per_kg;
    f.purity_a = f.purity_b = f.recovery_a = f.recovery_b = nan;
    f.meets_targets = p.meets_targets;
    f.warnings = optimum.warnings;
    return f;
}

PlantOptimizeStudy run_plant_optimize_study(const SeparateSpec& spec,
                                            const PlantOptimizeOptions& options,
                                            const std::vector<double>& purities,
                                            const std::function<void(const std::string&)>& progress)
{
    for (const double purity : purities) {
        if (!(purity > 0.5 && purity < 1.0)) {
            throw InputError("--pareto: a purity must lie between 0.5 and 1, found " +
                             report_format::fmt("%.6g", purity));
        }
    }
    PlantOptimizeStudy study;
    study.result = optimize_plant(spec, options, progress);
    const PlantCountryOptimum& first = study.result.countries.front();
    study.fronts.country = first.code;
    std::vector<double> sorted = purities;
    std::sort(sorted.begin(), sorted.end());
    for (const double purity : sorted) {
        SeparateSpec at = spec;
        at.purity = purity;
        PlantOptimizeOptions one = options;
        one.request.countries = {first.code};
        if (progress) {
            progress("plant front: purity " + report_format::fmt("%.6g", purity));
        }
        // The plant asked at this purity is the one already optimized: not optimized twice.
        const PlantCountryOptimum point =
            purity == spec.purity ? first : optimize_plant(at, one).countries.front();
        study.fronts.purity.push_back(plant_front_point(purity, point));
    }
    return study;
}

nlohmann::json plant_optimize_study_json(const SeparateSpec& spec, const PlantOptimizeStudy& s)
{
    nlohmann::json j = plant_optimize_summary(spec, s.result);
    if (!s.fronts.purity.empty()) {
        j["pareto"] = fronts_json(s.fronts);
    }
    return j;
}

std::string format_plant_optimize_study(const SeparateSpec& spec, const PlantOptimizeStudy& s)
{
    std::string out = format_plant_optimize(spec, s.result);
    if (s.fronts.purity.empty()) {
        return out;
    }
    std::ostringstream o;
    o << "\ncost against the purity of every product (the plant optimized at each), "
      << s.fronts.country << ":\n";
    char buf[220];
    std::snprintf(buf, sizeof buf, "  %10s %8s %13s %17s %16s %16s %6s\n", "purity, %", "stages",
                  "capital, MUSD", "operating, MUSD/y", "optimum, USD/kg", "default, USD/kg",
                  "meets");
    o << buf;
    for (const auto& p : s.fronts.purity) {
        std::snprintf(buf, sizeof buf, "  %10s %8d %13.3f %17.3f %16.4f %16s %6s\n",
                      report_format::fmt("%.6g", 100.0 * p.target).c_str(), p.n + p.m,
                      p.capex_usd / 1e6, p.opex_usd_per_year / 1e6, p.cost_usd_per_kg,
                      report_format::fmt("%.4f", p.baseline_cost_usd_per_kg).c_str(),
                      p.meets_targets ? "yes" : "no");
        o << buf;
    }
    return out + o.str();
}

}  // namespace reesx::costs
