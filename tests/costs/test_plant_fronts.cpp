// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The fronts and the robust optimum of a whole plant (`reesx optimize --plant
// --pareto-recovery, --pareto-capital, --robust`): every product of each recovery point's plant
// meets its purity and recovery when the plant file is re-run; the capital-operating points
// are each a plant no other beats in both; the robust plant's expected cost is at most the
// nominal plant's on the same samples; bad combinations are refused with a clear message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "../RunReesx.h"
#include "reesx/core/Error.h"
#include "reesx/costs/PlantFronts.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/PurityBudget.h"

namespace reesx::costs {
namespace {

using ::testing::HasSubstr;

//! Three products at 99 %: two cascades, a second or so per plant optimization.
SeparateSpec la_ce_pr()
{
    return parse_separate(
        InputNode::load_string("system: p507-hcl\nfeed: {composition: {La: 0.4, Ce: 0.4, Pr: "
                               "0.2}}\npurity: 0.99\nfeed-rate: 50 kg/h REO\n",
                               "separate.yaml"));
}

PlantOptimizeOptions cn_nm()
{
    PlantOptimizeOptions options;
    options.request.countries = {"CN-NM"};
    return options;
}

TEST(PlantFronts, aRecoveryTargetCapsEveryProductsLosses)
{
    const std::vector<double> fraction = {0.05, 0.5, 0.05, 0.4};
    PurityBudget budget;
    const PurityAllowances free = purity_allowances(fraction, 0.99, budget);
    budget.min_recovery = 0.999;
    const PurityAllowances capped = purity_allowances(fraction, 0.99, budget);
    bool binding = false;
    for (std::size_t g = 0; g < fraction.size(); ++g) {
        SCOPED_TRACE(g);
        EXPECT_GE(capped.own[g] / fraction[g], 0.999 - 1e-12);
        // A capped product keeps more; the others may lose a little more to a purer neighbour
        // that keeps more of itself.
        if (free.own[g] / fraction[g] < 0.999) {
            binding = true;
            EXPECT_GT(capped.own[g], free.own[g]);
        }
    }
    EXPECT_TRUE(binding);  // the small products lose more than 0.1 % without the target
}

TEST(PlantFronts, everyRecoveryPointsPlantMeetsItsTargetsWhenRerun)
{
    const SeparateSpec spec = la_ce_pr();
    const std::vector<double> recoveries = {0.999, 0.995};
    PlantFrontsRequest request;
    request.recoveries = recoveries;
    const PlantOptimizeStudy study = run_plant_optimize_study(spec, cn_nm(), request);
    ASSERT_EQ(study.fronts.recovery.size(), 2U);
    EXPECT_EQ(study.fronts.recovery_product, "every");
    EXPECT_EQ(study.fronts.recovery[0].target, 0.995);  // ascending
    EXPECT_EQ(study.fronts.recovery[1].target, 0.999);
    // More recovery is dearer (it makes every neighbour purer).
    EXPECT_GT(study.fronts.recovery[1].cost_usd_per_kg, study.fronts.recovery[0].cost_usd_per_kg);
    for (const auto& point : study.fronts.recovery) {
        SCOPED_TRACE(point.target);
        EXPECT_TRUE(point.meets_targets);
        // The front's plant, optimized again with the recovery target, and its plant file
        // solved from scratch: every product at its purity and recovery.
        PlantOptimizeOptions options = cn_nm();
        options.min_recovery = point.target;
        const PlantOptimizeResult r = optimize_plant(spec, options);
        const PlantCountryOptimum& c = r.countries.front();
        EXPECT_NEAR(c.optimum.cost_usd_per_kg, point.cost_usd_per_kg, 1e-9 * point.cost_usd_per_kg);
        const PlantSpec plant = parse_plant(InputNode::load_string(c.optimum.plant_yaml, "plant"));
        const PlantResult solved = solve_plant(plant);
        ASSERT_EQ(solved.products.size(), 3U);
        for (const auto& p : solved.products) {
            SCOPED_TRACE(p.name);
            std::vector<int> elements;
            for (const auto& designed : c.optimum.design.products) {
                elements = designed.name == p.name ? designed.elements : elements;
            }
            ASSERT_FALSE(elements.empty());
            double own = 0.0, fed = 0.0;
            for (const int e : elements) {
                own += p.value.mol_per_h[e];
                fed += solved.feed_mol_per_h[e];
            }
            EXPECT_GE(p.purity, 0.99);
            EXPECT_GE(own / fed, point.target);
        }
    }
}

TEST(PlantFronts, capitalOperatingPointsAreNotDominatedAndMeetTheirTargets)
{
    PlantFrontsRequest request;
    request.capital_points = 3;
    const PlantOptimizeStudy study = run_plant_optimize_study(la_ce_pr(), cn_nm(), request);
    const auto& front = study.fronts.capital_operating;
    ASSERT_GE(front.size(), 1U);
    bool has_optimum = false;
    for (std::size_t k = 0; k < front.size(); ++k) {
        SCOPED_TRACE(k);
        EXPECT_TRUE(front[k].meets_targets);
        EXPECT_TRUE(std::isfinite(front[k].capital_weight));
        // The cost is the capital charge plus the operating cost, whatever the weight.
        EXPECT_GT(front[k].cost_usd_per_kg, 0.0);
        if (front[k].capital_weight == 1.0) {
            has_optimum = true;
            EXPECT_DOUBLE_EQ(front[k].cost_usd_per_kg,
                             study.result.countries.front().optimum.cost_usd_per_kg);
        }
        if (k > 0) {
            EXPECT_GT(front[k].capex_usd, front[k - 1].capex_usd);
            EXPECT_LT(front[k].opex_usd_per_year, front[k - 1].opex_usd_per_year);
        }
    }
    // The plant asked is on the front unless another plant beats it in both.
    if (!has_optimum) {
        const auto& o = study.result.countries.front().optimum.cost;
        bool beaten = false;
        for (const auto& p : front) {
            beaten = beaten ||
                     (p.capex_usd <= o.capex_usd && p.opex_usd_per_year <= o.opex_usd_per_year);
        }
        EXPECT_TRUE(beaten);
    }
    PlantFrontsRequest one_point;
    one_point.capital_points = 1;
    EXPECT_THROW(run_plant_optimize_study(la_ce_pr(), cn_nm(), one_point), InputError);
    PlantFrontsRequest above_one;
    above_one.recoveries = {1.5};
    EXPECT_THROW(run_plant_optimize_study(la_ce_pr(), cn_nm(), above_one), InputError);
}

TEST(PlantRobust, robustPlantCostsNoMoreThanTheNominalOnTheSameSamples)
{
    PlantOptimizeOptions options = cn_nm();
    options.request.countries = {"CN-NM", "US"};
    PlantFrontsRequest request;
    request.robust.samples = 4;
    request.robust.radius = 1;
    const PlantOptimizeStudy study = run_plant_optimize_study(la_ce_pr(), options, request);
    ASSERT_TRUE(study.robust.has_value());
    ASSERT_EQ(study.robust->countries.size(), 2U);
    for (const auto& c : study.robust->countries) {
        SCOPED_TRACE(c.code);
        ASSERT_EQ(c.cascades.size(), 2U);
        EXPECT_EQ(c.nominal.cost_usd_per_kg.size(), 4U);
        EXPECT_LE(c.robust.infeasible, c.nominal.infeasible);
        if (c.robust.infeasible == c.nominal.infeasible) {
            EXPECT_LE(c.robust.objective, c.nominal.objective);
        }
        // In the nominal world the nominal plant is optimal: the robust one costs no less
        // (up to the reflux search's tolerance).
        EXPECT_GE(c.robust.nominal_world_usd_per_kg, c.nominal.nominal_world_usd_per_kg * 0.999);
        for (const auto& k : c.cascades) {
            EXPECT_GE(k.result.candidates.size(), 4U);  // the box of stage pairs around it
        }
    }
}

TEST(PlantFrontsCli, badCombinationsAreRefused)
{
    const std::string plant =
        "optimize --plant --system p507-hcl --feed \"La:0.4,Ce:0.4,Pr:0.2\" --purity 0.99 "
        "--feed-rate \"50 kg/h REO\" -q ";
    // Each combination, and what its error names.
    const std::pair<std::string, std::string> refused[] = {
        {"--robust 4 --robust-reflux fixed", "--robust-reflux"},
        {"--percentile 90", "--robust"},
        {"--pareto-recovery 1.5", "--pareto-recovery"},
        {"--pareto-capital 3 -o fronts.txt", "CSV"},
    };
    for (const auto& [options, named] : refused) {
        const auto r = test::run_reesx(plant + options);
        EXPECT_EQ(r.status, 1) << options;
        EXPECT_THAT(r.out, HasSubstr(named)) << options;
    }
}

}  // namespace
}  // namespace reesx::costs
