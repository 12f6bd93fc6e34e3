// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The purity budget of `reesx optimize --plant` (PlantBudget.h): at 99 % and 99.9 % the
// optimized Mountain Pass plant is cheaper than separate's default and every product meets
// its purity when the plant file is re-run; the shares follow the cuts' costs; a product
// short of its purity gets a smaller allowance and nothing else changes.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "reesx/core/Error.h"
#include "reesx/costs/PlantBudget.h"
#include "reesx/costs/PlantOptimize.h"
#include "reesx/flowsheets/Plant.h"

namespace reesx::costs {
namespace {

SeparateSpec mountain_pass(double purity)
{
    return parse_separate(InputNode::load_string(
        "system: p507-hcl\nfeed: mountain-pass\npurity: " + std::to_string(purity) + "\n",
        "separate.yaml"));
}

TEST(PlantBudget, mountainPassOptimumIsCheaperAndMeetsEveryPurityWhenRerun)
{
    for (const double purity : {0.99, 0.999}) {
        SCOPED_TRACE(purity);
        PlantOptimizeOptions options;
        options.request.countries = {"CN-NM"};
        const PlantOptimizeResult r = optimize_plant(mountain_pass(purity), options);
        ASSERT_EQ(r.countries.size(), 1U);
        const PlantCountryOptimum& c = r.countries.front();
        EXPECT_FALSE(c.baseline_returned);
        EXPECT_TRUE(c.optimum.meets_targets);
        EXPECT_LT(c.optimum.cost_usd_per_kg, c.baseline.cost_usd_per_kg);
        // The plant file, solved again from scratch, makes every product at its purity.
        const PlantSpec plant =
            parse_plant(InputNode::load_string(c.optimum.plant_yaml, "optimized plant"));
        const PlantResult solved = solve_plant(plant);
        ASSERT_EQ(solved.products.size(), 5U);
        for (const auto& p : solved.products) {
            EXPECT_GE(p.purity, purity) << p.name;
        }
        // The budget it was built with: the end products' whole allowance at their one cut.
        ASSERT_EQ(c.budget.products.size(), 5U);
        EXPECT_EQ(c.budget.lower_share.front(), 0.0);
        EXPECT_EQ(c.budget.lower_share.back(), 1.0);
        EXPECT_TRUE(c.budget.chosen);
    }
}

//! Mountain Pass's five products, each cut priced by how pure its two sides must be, the
//! Pr|Nd boundary's impurities `weight` times dearer than the others'.
double synthetic_cost(const SequenceCut& cut, double weight)
{
    const double w = cut.cut == 2 ? weight : 1.0;  // products La, Ce, Pr, Nd, Sm: 2 is Pr|Nd
    return w * (-std::log(1.0 - cut.targets.purity_a) - std::log(1.0 - cut.targets.purity_b));
}

TEST(PlantBudget, sharesMoveTowardsTheDearerCut)
{
    const SeparateSpec spec = mountain_pass(0.999);
    SeparateHooks hooks;
    hooks.budget = PurityBudget{};
    hooks.cut_cost = [](const SequenceCut& cut) { return synthetic_cost(cut, 1.0); };
    const PurityBudget even = choose_purity_budget(spec, hooks);
    hooks.cut_cost = [](const SequenceCut& cut) { return synthetic_cost(cut, 10.0); };
    const PurityBudget skewed = choose_purity_budget(spec, hooks);
    ASSERT_EQ(skewed.lower_share.size(), 5U);
    // A dear Pr|Nd cut gets more of the allowance on both its sides: Pr's upper share (its
    // lower share falls) and Nd's lower share rise.
    EXPECT_LT(skewed.lower_share[2], even.lower_share[2]);
    EXPECT_GT(skewed.lower_share[3], even.lower_share[3]);
    for (const double s : skewed.lower_share) {
        EXPECT_GE(s, 0.0);
        EXPECT_LE(s, 1.0);
    }
    // And the chosen shares price the sequence no dearer than half each.
    const auto total = [&](const PurityBudget& b) {
        SeparateHooks h = hooks;
        h.budget = b;
        double sum = 0.0;
        for (const auto& cut : chosen_cuts(spec, h)) {
            sum += h.cut_cost(cut);
        }
        return sum;
    };
    EXPECT_LT(total(skewed), total(PurityBudget{}));
}

TEST(PlantBudget, onlyTheProductShortOfItsPurityIsTightened)
{
    const std::vector<std::vector<int>> groups{{0}, {1}, {2}};
    PurityBudget budget;
    const int tightened = tighten_purity_budget(
        budget, groups,
        {{.elements = {0}, .purity = 0.9995, .target = 0.999},
         {.elements = {1}, .purity = 0.998, .target = 0.999},  // twice the impurity allowed
         {.elements = {2}, .purity = 0.999, .target = 0.999}});
    EXPECT_EQ(tightened, 1);
    ASSERT_EQ(budget.scale.size(), 3U);
    EXPECT_EQ(budget.scale[0], 1.0);
    EXPECT_EQ(budget.scale[2], 1.0);
    EXPECT_LT(budget.scale[1], 0.5 * 1.001);
    EXPECT_GT(budget.scale[1], 0.4);
    EXPECT_EQ(tighten_purity_budget(budget, groups,
                                    {{.elements = {0}, .purity = 0.9995, .target = 0.999}}),
              0);
}

}  // namespace
}  // namespace reesx::costs
