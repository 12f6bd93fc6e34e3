// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Pareto fronts of a cut (Pareto.h, docs/optimize.md). Cost against recovery re-runs the
// optimizer at each recovery, as cost against purity does at each purity. Capital against
// operating cost needs no optimizer: along the designs of fewest stages at a reflux, more
// reflux buys fewer stages (less capital) with more base and acid (more operating cost); the
// designs that no other beats in both are the front.
#include "reesx/costs/Pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {

FrontPoint front_point(double target, const CountryOptimum& optimum)
{
    const PricedDesign& d = optimum.optimum;
    FrontPoint p;
    p.target = target;
    p.s_over_s_min = d.s_over_s_min;
    p.n = d.n;
    p.m = d.m;
    p.capex_usd = d.cost.capex_usd;
    p.opex_usd_per_year = d.cost.opex_usd_per_year;
    p.cost_usd_per_kg = d.cost_usd_per_kg;
    p.baseline_cost_usd_per_kg = optimum.baseline.cost_usd_per_kg;
    p.purity_a = d.purity_a;
    p.purity_b = d.purity_b;
    p.recovery_a = d.recovery_a;
    p.recovery_b = d.recovery_b;
    p.meets_targets = d.meets_targets;
    p.warnings = optimum.warnings;
    return p;
}

std::vector<FrontPoint> pareto_recovery(const DesignSpec& spec, const OptimizeOptions& options,
                                        const std::string& code,
                                        const std::vector<double>& recoveries)
{
    std::vector<double> sorted = recoveries;
    std::sort(sorted.begin(), sorted.end());
    std::vector<FrontPoint> front;
    for (const double recovery : sorted) {
        if (!(recovery > 0.0 && recovery < 1.0)) {
            throw InputError("--pareto-recovery: a recovery must lie between 0 and 1, found " +
                             std::to_string(recovery));
        }
        DesignSpec at = spec;
        at.recovery = recovery;
        at.tradeoff_points = 0;
        const DesignResult baseline = design(at);
        front.push_back(front_point(recovery, optimize_country(at, options.setup, code, baseline,
                                                               options.reflux_tolerance)));
    }
    return front;
}

std::vector<FrontPoint> non_dominated(std::vector<FrontPoint> points)
{
    std::sort(points.begin(), points.end(), [](const FrontPoint& a, const FrontPoint& b) {
        return a.capex_usd != b.capex_usd ? a.capex_usd < b.capex_usd
                                          : a.opex_usd_per_year < b.opex_usd_per_year;
    });
    // By ascending capital, a point stays only when it runs cheaper than every point before it.
    std::vector<FrontPoint> front;
    double best_opex = std::numeric_limits<double>::infinity();
    for (auto& p : points) {
        if (p.opex_usd_per_year < best_opex) {
            best_opex = p.opex_usd_per_year;
            front.push_back(std::move(p));
        }
    }
    return front;
}

std::vector<FrontPoint> pareto_capital_operating(const DesignSpec& spec,
                                                 const OptimizeOptions& options,
                                                 const std::string& code,
                                                 const CountryOptimum& optimum, int points)
{
    if (points < 2) {
        throw InputError("the capital-against-operating front needs at least 2 refluxes");
    }
    DesignSpec at = spec;
    at.tradeoff_points = 0;
    CutSizer sizer(at);
    const int limit = std::max(100, 3 * (optimum.baseline.n + optimum.baseline.m));
    sizer.set_section_limit(limit);
    const double s_floor =
        at.feed_phase == theory::FeedPhase::aqueous ? sizer.theory().f_a_product : 0.0;
    const double s_min = sizer.theory().s_min;
    const double above = optimum.optimum.s - s_floor;
    const CostModel model(options.setup, optimum.optimum.streams);
    const Region& region = model.region(code);

    std::vector<FrontPoint> all = {front_point(0.0, optimum)};
    for (int k = 0; k < points; ++k) {
        // 0.5 to 4 times the optimum's reflux above its floor, evenly in the logarithm.
        const double s = s_floor + above * 0.5 * std::pow(8.0, k / (points - 1.0));
        std::pair<int, int> stages;
        try {
            stages = sizer.fewest_stages(s);
        } catch (const InfeasibleError&) {
            continue;  // too little reflux for any stage count searched
        }
        const auto [n, m] = stages;
        CascadeResult r;
        try {
            r = sizer.simulate(n, m, s);
        } catch (const ConvergenceError&) {
            continue;
        }
        const double w = sizer.w_for(s);
        const CaseSpec c = parse_design_case(at, design_case_yaml(at, n, m, s, w), "front case");
        const CountryCost cost = model.evaluate(region, model.nominal(region), plant_streams(c, r));
        FrontPoint p;
        p.s_over_s_min = s / s_min;
        p.n = n;
        p.m = m;
        p.capex_usd = cost.capex_usd;
        p.opex_usd_per_year = cost.opex_usd_per_year;
        p.cost_usd_per_kg = levelized_usd_per_kg(cost);
        p.baseline_cost_usd_per_kg = std::numeric_limits<double>::quiet_NaN();
        // Group purities are design's to compute (a cold re-run each); the sizer's search
        // already checked the targets at these stages.
        p.purity_a = p.purity_b = p.recovery_a = p.recovery_b =
            std::numeric_limits<double>::quiet_NaN();
        p.meets_targets = sizer.meets_targets(n, m, s);
        all.push_back(std::move(p));
    }
    return non_dominated(std::move(all));
}

}  // namespace reesx::costs
