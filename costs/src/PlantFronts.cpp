// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/PlantFronts.h"

#include <algorithm>
#include <cmath>
#include <functional>
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

namespace {

//! A plant optimized with a weight on its capital charge, priced at weight 1: the cost is the
//! capital charge plus the operating cost over the kg REO in the products.
FrontPoint capital_point(double weight, const PlantCountryOptimum& optimum)
{
    FrontPoint f = plant_front_point(0.0, optimum);
    const PricedPlant& p = optimum.optimum;
    double kg = 0.0;
    for (const auto& q : p.products) {
        kg += q.reo_kg_per_year;
    }
    if (weight != 1.0) {
        f.cost_usd_per_kg =
            kg > 0.0 ? (p.cost.capital_charge_usd_per_year + p.cost.opex_usd_per_year) / kg
                     : std::numeric_limits<double>::infinity();
    }
    f.baseline_cost_usd_per_kg = std::numeric_limits<double>::quiet_NaN();
    f.capital_weight = weight;
    return f;
}

}  // namespace

PlantOptimizeStudy run_plant_optimize_study(const SeparateSpec& spec,
                                            const PlantOptimizeOptions& options,
                                            const std::vector<double>& purities,
                                            const std::function<void(const std::string&)>& progress)
{
    PlantFrontsRequest fronts;
    fronts.purities = purities;
    return run_plant_optimize_study(spec, options, fronts, progress);
}

PlantOptimizeStudy run_plant_optimize_study(const SeparateSpec& spec,
                                            const PlantOptimizeOptions& options,
                                            const PlantFrontsRequest& fronts,
                                            const std::function<void(const std::string&)>& progress)
{
    const std::vector<double>& purities = fronts.purities;
    for (const double recovery : fronts.recoveries) {
        if (!(recovery > 0.0 && recovery < 1.0)) {
            throw InputError("--pareto-recovery: a recovery must lie between 0 and 1, found " +
                             report_format::fmt("%.6g", recovery));
        }
    }
    if (fronts.capital_points == 1 || fronts.capital_points < 0) {
        throw InputError(
            "--pareto-capital: give at least 2 capital-charge weights, e.g. --pareto-capital 6");
    }
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
    std::vector<double> recoveries = fronts.recoveries;
    std::sort(recoveries.begin(), recoveries.end());
    study.fronts.recovery_product = "every";
    for (const double recovery : recoveries) {
        PlantOptimizeOptions one = options;
        one.request.countries = {first.code};
        one.min_recovery = recovery;
        if (progress) {
            progress("plant front: recovery " + report_format::fmt("%.6g", recovery));
        }
        study.fronts.recovery.push_back(
            plant_front_point(recovery, optimize_plant(spec, one).countries.front()));
    }
    if (fronts.capital_points >= 2) {
        std::vector<FrontPoint> points = {capital_point(1.0, first)};
        for (int k = 0; k < fronts.capital_points; ++k) {
            // 1/4 to 4 times the capital charge, evenly in the logarithm.
            const double weight = 0.25 * std::pow(16.0, k / (fronts.capital_points - 1.0));
            if (std::abs(weight - 1.0) < 1e-9) {
                continue;  // the plant asked, already in
            }
            PlantOptimizeOptions one = options;
            one.request.countries = {first.code};
            one.request.capital_charge_weight = weight;
            if (progress) {
                progress("plant front: capital charge weighted " +
                         report_format::fmt("%.3g", weight));
            }
            points.push_back(capital_point(weight, optimize_plant(spec, one).countries.front()));
        }
        study.fronts.capital_operating = non_dominated(std::move(points));
    }
    if (fronts.robust.samples > 0) {
        if (progress) {
            progress("robust plant: " + std::to_string(fronts.robust.samples) + " samples");
        }
        study.robust = robust_plant(spec, options, study.result, fronts.robust);
    }
    return study;
}

nlohmann::json plant_optimize_study_json(const SeparateSpec& spec, const PlantOptimizeStudy& s)
{
    nlohmann::json j = plant_optimize_summary(spec, s.result);
    if (!s.fronts.purity.empty() || !s.fronts.recovery.empty() ||
        !s.fronts.capital_operating.empty()) {
        j["pareto"] = fronts_json(s.fronts);
    }
    if (s.robust) {
        j["robust"] = plant_robust_json(*s.robust);
    }
    return j;
}

std::string format_plant_optimize_study(const SeparateSpec& spec, const PlantOptimizeStudy& s)
{
    std::string out = format_plant_optimize(spec, s.result);
    std::ostringstream o;
    char buf[220];
    const auto table = [&](const std::string& title, const char* first,
                           const std::vector<FrontPoint>& points,
                           const std::function<std::string(const FrontPoint&)>& label) {
        if (points.empty()) {
            return;
        }
        o << "\n" << title << ", " << s.fronts.country << ":\n";
        std::snprintf(buf, sizeof buf, "  %12s %8s %13s %17s %16s %16s %6s\n", first, "stages",
                      "capital, MUSD", "operating, MUSD/y", "optimum, USD/kg", "default, USD/kg",
                      "meets");
        o << buf;
        for (const auto& p : points) {
            std::snprintf(buf, sizeof buf, "  %12s %8d %13.3f %17.3f %16.4f %16s %6s\n",
                          label(p).c_str(), p.n + p.m, p.capex_usd / 1e6, p.opex_usd_per_year / 1e6,
                          p.cost_usd_per_kg,
                          report_format::fmt("%.4f", p.baseline_cost_usd_per_kg).c_str(),
                          p.meets_targets ? "yes" : "no");
            o << buf;
        }
    };
    const auto percent = [](const FrontPoint& p) {
        return report_format::fmt("%.6g", 100.0 * p.target);
    };
    table("cost against the purity of every product (the plant optimized at each)", "purity, %",
          s.fronts.purity, percent);
    table("cost against the recovery of every product (the plant optimized at each, purity " +
              report_format::fmt("%.6g", 100.0 * s.result.purity) + " %)",
          "recovery, %", s.fronts.recovery, percent);
    table(
        "capital against operating cost (the plant optimized with the capital charge "
        "weighted; the plants no other beats in both)",
        "weight", s.fronts.capital_operating,
        [](const FrontPoint& p) { return report_format::fmt("%.3g", p.capital_weight); });
    return out + o.str() + (s.robust ? format_plant_robust(*s.robust) : std::string());
}

}  // namespace reesx::costs
