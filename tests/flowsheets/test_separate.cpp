// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx separate`: the whole plant meets its targets, balances close over the plant, and
// lumping / absent elements behave as documented.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "CaseBuilder.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/PurityBudget.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SeparateResult run_separate(const std::string& yaml)
{
    return separate(parse_separate(InputNode::load_string(yaml, "separate.yaml")));
}

const char* mixed_feed =
    "feed: {name: mixed, concentration: 1.5 mol/L, composition: {La: 0.30, Ce: 0.45, "
    "Pr: 0.06, Nd: 0.16, Sm: 0.02, Gd: 0.005, Dy: 0.003, Y: 0.002}}\n";

TEST(Separate, everyProductMeetsItsTargetAndThePlantBalances)
{
    const SeparateResult r =
        run_separate(std::string("system: p507-hcl\nlump-below: 0.01\n") + mixed_feed);
    // La Ce Pr Nd Sm are products; Gd Dy Y (below 0.01) are lumped into Sm's product.
    ASSERT_EQ(r.products.size(), 5U);
    EXPECT_EQ(r.cascades.size(), 4U);
    EXPECT_EQ(r.products.back().name, "Sm-Y group");
    EXPECT_THAT(r.notes.front(), HasSubstr("lumped"));
    EXPECT_THAT(r.notes.front(), HasSubstr("Gd Dy Y"));
    for (const auto& p : r.products) {
        SCOPED_TRACE(p.name);
        EXPECT_GE(p.purity, 0.9999);
        EXPECT_GT(p.recovery, 0.99);
        EXPECT_LE(p.main_element_purity, p.purity);
    }
    // The group's purity is of Sm + Gd + Dy + Y; its main element Sm is only about
    // 0.02 / 0.03 of it, and is reported beside it.
    const PlantProduct& group = r.products.back();
    EXPECT_EQ(std::string(elements()[group.main_element].symbol), "Sm");
    EXPECT_NEAR(group.main_element_purity, group.mol_per_h[group.main_element] / group.re_mol_per_h,
                1e-15);
    EXPECT_LT(group.main_element_purity, 0.7);
    EXPECT_EQ(r.products.front().main_element_purity, r.products.front().purity);
    EXPECT_LT(r.mass_balance_relative_error, 1e-10);
    // Each cascade's emitted case reproduces its simulation.
    for (const auto& c : r.cascades) {
        const CascadeResult again = test::solve_yaml(c.design.case_yaml);
        EXPECT_EQ(again.products[0].mol_per_h, c.design.simulation.products[0].mol_per_h);
    }
    // The chosen sequence is the cheapest of those listed.
    for (const auto& s : r.sequences) {
        EXPECT_LE(r.sequences.front().objective, s.objective);
    }
}

TEST(Separate, everyElementPresentIsAProductByDefault)
{
    // Pr is 0.4 % of the feed: a product of its own unless lumping is asked for.
    const std::string feed =
        "feed: {name: traces, concentration: 1.5 mol/L, composition: {La: 0.5, Ce: 0.496, "
        "Pr: 0.004}}\n";
    const SeparateResult r = run_separate("system: p507-hcl\n" + feed);
    ASSERT_EQ(r.products.size(), 3U);
    EXPECT_EQ(r.products[2].name, "Pr");
    EXPECT_EQ(r.products[2].elements.size(), 1U);
    for (const auto& p : r.products) {
        EXPECT_GE(p.purity, 0.9999) << p.name;
    }
    const SeparateResult lumped = run_separate("system: p507-hcl\nlump-below: 0.01\n" + feed);
    ASSERT_EQ(lumped.products.size(), 2U);
    EXPECT_EQ(lumped.products[1].name, "Ce-Pr group");
}

TEST(Separate, anOverrideThatReversesTheOrderIsWarned)
{
    const SeparateSpec spec = parse_separate(InputNode::load_string(
        "system: {base: p507-hcl, log10-extractability: {Nd: 0.18}}\n" + std::string(mixed_feed),
        "separate.yaml"));
    ASSERT_EQ(spec.warnings.size(), 1U);
    EXPECT_THAT(spec.warnings[0], HasSubstr("Nd (log10 K 0.18, case file separate.yaml:1)"));
    EXPECT_TRUE(parse_separate(InputNode::load_string(
                                   "system: p507-hcl\n" + std::string(mixed_feed), "separate.yaml"))
                    .warnings.empty());
}

TEST(Separate, lumpBelowAndAbsentElements)
{
    // With lump-below 0.1 (its old name threshold) only La, Ce, Nd are products; Pr lumps
    // with Ce, Sm with Nd.
    const SeparateResult r =
        run_separate(std::string("system: p507-hcl\nthreshold: 0.1\n") + mixed_feed);
    ASSERT_EQ(r.products.size(), 3U);
    EXPECT_EQ(r.products[1].name, "Ce-Pr group");
    // Absent elements (here Pm, Eu, Tb, ...) are in no product and no note.
    for (const auto& p : r.products) {
        for (const int e : p.elements) {
            EXPECT_NE(std::string(elements()[e].symbol), "Pm");
        }
    }
    EXPECT_THAT(r.notes.front(), Not(HasSubstr("Pm")));
    // Fewer than two products: nothing to separate.
    try {
        run_separate("system: p507-hcl\nlump-below: 0.5\n" + std::string(mixed_feed));
        FAIL() << "expected an InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("nothing to separate"));
    }
}

// A product the plant's simulation leaves below the target is warned, never silent (the
// magnet-scrap feed at 99 %: its Sm and Ce traces come out below it, the half-each allowance
// of separate not counting their losses to the neighbouring cuts).
TEST(Separate, everyProductOfAMagnetScrapFeedMeetsItsPurity)
{
    // Sm (0.3 % of the feed) between Nd (60 %) and Gd (11 %): each product's allowance is
    // counted after its losses and no neighbour gives more than its limit, so Sm is not
    // emptied into Nd and every product reaches the purity in the plant's simulation.
    for (const char* purity : {"0.99", "0.999"}) {
        SCOPED_TRACE(purity);
        const SeparateResult r =
            run_separate(std::string("system: p507-hcl\nfeed: ndfeb-scrap\npurity: ") + purity);
        for (const auto& p : r.products) {
            SCOPED_TRACE(p.name);
            EXPECT_GE(p.purity, std::stod(purity));
            EXPECT_GE(p.recovery, 1.0 - 2.0 * max_loss_per_boundary);
        }
        EXPECT_TRUE(r.warnings.empty());
    }
}

TEST(Separate, productsBelowTheTargetAreWarned)
{
    // Cuts designed to leave three times their share of impurity: the plant's simulation finds
    // products below the target, and each is a warning.
    SeparateHooks loose;
    loose.design = [](DesignSpec d) {
        d.purity_a = 1.0 - 3.0 * (1.0 - d.purity_a);
        d.purity_b = 1.0 - 3.0 * (1.0 - d.purity_b);
        return design(d);
    };
    const SeparateResult r = separate(
        parse_separate(InputNode::load_string(
            std::string("system: p507-hcl\npurity: 0.999\n") + mixed_feed, "separate.yaml")),
        {}, loose);
    std::size_t below = 0;
    for (const auto& p : r.products) {
        if (p.purity < 0.999) {
            ++below;
            const bool named = std::any_of(
                r.warnings.begin(), r.warnings.end(),
                [&](const std::string& w) { return w.find("product " + p.name + " (") == 0; });
            EXPECT_TRUE(named) << p.name;
        }
    }
    EXPECT_GT(below, 0U);
    EXPECT_EQ(r.warnings.size(), below);
    EXPECT_TRUE(run_separate(std::string("system: p507-hcl\n") + mixed_feed).warnings.empty());
}

}  // namespace
}  // namespace reesx
