// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Three-outlet designs (`reesx design` with a split A/B/C): the designed cascade re-run from
// its own case text meets the reported purities, closes its element balance over three
// outlets, draws the middle product at the stage where the middle group peaks in the
// organic, and an unreachable middle purity is an InfeasibleError that says why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/Design.h"

namespace reesx {
namespace {

using ::testing::HasSubstr;

DesignSpec three_way(const std::string& extra)
{
    return parse_design(
        InputNode::load_string("schema: 1\nsystem: p507-hcl\n"
                               "feed: {name: la-ce-pr, composition: {La: 0.4, Ce: 0.4, Pr: 0.2}}\n"
                               "split: La/Ce/Pr\npurity: 0.999\ntradeoff: false\n" +
                                   extra,
                               "three-outlet test"));
}

double group_purity(const ProductResult& p, const std::vector<int>& group)
{
    double own = 0.0;
    for (const int e : group) {
        own += p.mol_per_h[e];
    }
    return own / p.re_mol_per_h;
}

TEST(ThreeOutlet, designReRunsToItsPuritiesAtThePeak)
{
    const DesignSpec spec = three_way("middle-product: {purity: 0.99}\n");
    const DesignResult design_result = design(spec);
    ASSERT_TRUE(design_result.three_outlet);
    const ThreeOutletResult& r = *design_result.three_outlet;

    // Re-run the written case as `reesx run` does.
    const CaseSpec c = parse_case(InputNode::load_string(r.case_yaml, "designed case"));
    ASSERT_EQ(c.draws.size(), 1U);
    EXPECT_EQ(c.draws[0].phase, Phase::organic);
    EXPECT_EQ(c.draws[0].stage, r.draw_stage);
    const CascadeResult run = Cascade(c).solve();

    const std::array<std::string, 3> names = {"raffinate", "middle", "loaded_organic"};
    for (int g = 0; g < 3; ++g) {
        const ProductResult* p = nullptr;
        for (const auto& q : run.products) {
            p = q.name == names[g] ? &q : p;
        }
        ASSERT_NE(p, nullptr) << names[g];
        const double purity = group_purity(*p, r.groups[g]);
        EXPECT_NEAR(purity, r.products[g].purity, 1e-12) << names[g];
        EXPECT_GE(purity, r.products[g].target) << names[g];
    }
    EXPECT_DOUBLE_EQ(r.products[1].target, 0.99);
    EXPECT_DOUBLE_EQ(r.products[0].target, 0.999);

    // Three outlets carry everything the feed brings, element by element.
    EXPECT_EQ(run.products.size(), 3U);
    for (int e = 0; e < num_elements; ++e) {
        double out = 0.0;
        for (const auto& p : run.products) {
            out += p.mol_per_h[e];
        }
        EXPECT_NEAR(out, run.feed_mol_per_h[e], 1e-10 * run.feed_mol_per_h[e] + 1e-300)
            << elements()[e].symbol;
    }

    // The draw is where Ce's organic concentration is highest (stages that pass organic on).
    int peak = 0;
    double highest = -1.0;
    for (int j = 0; j + 1 < c.num_stages(); ++j) {
        const double ce = run.organic_mol_per_L(j, *element_index("Ce"));
        if (ce > highest) {
            highest = ce;
            peak = j + 1;
        }
    }
    EXPECT_EQ(peak, r.draw_stage);
    EXPECT_EQ(r.peak_stage, r.draw_stage);

    // The reflux bound the design sizes S with: below the draw the organic can be no purer
    // than the pinch, so the La in the middle product is at least f'_C / ((beta - 1) S).
    const ProductResult* raffinate = &run.products[0];
    const ProductResult* middle = &run.products[2];
    ASSERT_EQ(raffinate->name, "raffinate");
    ASSERT_EQ(middle->name, "middle");
    const double f_c_product = raffinate->re_mol_per_h / spec.feed_re_mol_per_h;
    EXPECT_GE(middle->composition[*element_index("La")],
              f_c_product / ((r.beta_low - 1.0) * r.s) * (1.0 - 1e-9));

    // The two-outlet alternatives were designed and meet their targets too.
    ASSERT_EQ(r.alternatives.size(), 2U);
    for (const auto& a : r.alternatives) {
        EXPECT_TRUE(a.error.empty()) << a.error;
        EXPECT_GT(a.total_stages, 0);
        EXPECT_GT(a.base_mol_per_h, 0.0);
    }
}

TEST(ThreeOutlet, unreachableMiddlePurityIsInfeasible)
{
    const DesignSpec spec = three_way("middle-product: {purity: 0.99999999}\n");
    try {
        design(spec);
        FAIL() << "expected an InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("middle product"));
    }
}

TEST(ThreeOutlet, middleRecoveryAboveWhatTheOuterPuritiesLeaveIsInfeasible)
{
    // At 99.9 % outer purities the raffinate and the loaded organic may hold 0.00056 mol Ce
    // per mol feed, so a 90 % middle product recovers 0.99861 of the Ce: 0.9999 cannot be
    // met, 0.99 can (the design then runs).
    try {
        design(three_way("middle-product: {purity: 0.9, recovery: 0.9999}\n"));
        FAIL() << "expected an InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("recovers 0.99861"));
    }
    const DesignResult r = design(three_way("middle-product: {purity: 0.9, recovery: 0.99}\n"));
    ASSERT_TRUE(r.three_outlet);
    EXPECT_GE(r.three_outlet->products[1].recovery, 0.99);
    EXPECT_GE(r.three_outlet->products[1].purity, 0.9);
}

TEST(ThreeOutlet, middleProductNeedsThreeGroups)
{
    EXPECT_THROW(parse_design(InputNode::load_string(
                     "schema: 1\nsystem: p507-hcl\nfeed: {name: x, composition: {La: 0.5, "
                     "Ce: 0.5}}\nsplit: La/Ce\nmiddle-product: {purity: 0.99}\n",
                     "t")),
                 InputError);
    EXPECT_THROW(three_way("reflux: {max-stages: 40}\n"), InputError);
}

}  // namespace
}  // namespace reesx
