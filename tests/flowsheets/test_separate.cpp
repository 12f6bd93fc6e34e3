// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx separate`: the whole plant meets its targets, balances close over the plant, and
// lumping / absent elements behave as documented.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "CaseBuilder.h"
#include "reesx/core/Error.h"
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
    const SeparateResult r = run_separate(std::string("system: p507-hcl\n") + mixed_feed);
    // La Ce Pr Nd Sm are products; Gd Dy Y (below 0.01) are lumped into Sm's product.
    ASSERT_EQ(r.products.size(), 5U);
    EXPECT_EQ(r.cascades.size(), 4U);
    EXPECT_EQ(r.products.back().name, "Sm-Y");
    EXPECT_THAT(r.notes.front(), HasSubstr("lumped"));
    EXPECT_THAT(r.notes.front(), HasSubstr("Gd Dy Y"));
    for (const auto& p : r.products) {
        SCOPED_TRACE(p.name);
        EXPECT_GE(p.purity, 0.9999);
        EXPECT_GT(p.recovery, 0.99);
    }
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

TEST(Separate, thresholdAndAbsentElements)
{
    // With threshold 0.1 only La, Ce, Nd are products; Pr lumps with Ce, Sm with Nd.
    const SeparateResult r =
        run_separate(std::string("system: p507-hcl\nthreshold: 0.1\n") + mixed_feed);
    ASSERT_EQ(r.products.size(), 3U);
    EXPECT_EQ(r.products[1].name, "Ce-Pr");
    // Absent elements (here Pm, Eu, Tb, ...) are in no product and no note.
    for (const auto& p : r.products) {
        for (const int e : p.elements) {
            EXPECT_NE(std::string(elements()[e].symbol), "Pm");
        }
    }
    EXPECT_THAT(r.notes.front(), Not(HasSubstr("Pm")));
    // Fewer than two products: nothing to separate.
    try {
        run_separate("system: p507-hcl\nthreshold: 0.5\n" + std::string(mixed_feed));
        FAIL() << "expected an InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("nothing to separate"));
    }
}

}  // namespace
}  // namespace reesx
