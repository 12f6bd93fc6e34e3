// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Cascades the steady-state solve used to give up on: exactly at the sharp split (S - W =
// f_A), where the reduced Jacobian is singular at the solution (docs/model.md).
#include <gtest/gtest.h>

#include "CaseBuilder.h"

namespace reesx {
namespace {

// Binary Ce/Sm at the sharp split: S = 151.2, W = 49.2, f_A F = 102 mol/h (it solved with the
// scrub at 36.8 or 37.0 L/h, not at 36.9).
TEST(CascadeRobustness, binaryAtTheSharpSplit)
{
    const CascadeResult r = test::solve_yaml(R"(
schema: 1
system: p507-hcl
model: separation-factor
stages: {extraction: 15, scrub: 11, strip: 0}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Ce: 0.32, Sm: 0.68}}
organic: {flow: 840 L/h, loading: 0.18 mol/L}
scrub: {flow: 36.9 L/h, acid: 4.0 mol/L}
)");
    ASSERT_TRUE(r.solver.converged);
    EXPECT_LE(r.mass_balance_relative_error, 1e-12);
    const auto& raffinate =
        r.products[static_cast<std::size_t>(test::product_index(r, "raffinate"))];
    const auto& loaded =
        r.products[static_cast<std::size_t>(test::product_index(r, "loaded_organic"))];
    EXPECT_EQ(raffinate.main_element, *element_index("Ce"));
    EXPECT_EQ(loaded.main_element, *element_index("Sm"));
    // At the sharp split the organic takes exactly Sm's feed: what Sm the raffinate loses
    // equals the Ce the organic carries.
    EXPECT_NEAR(loaded.re_mol_per_h, 102.0, 1e-9);
    EXPECT_NEAR(raffinate.mol_per_h[*element_index("Sm")], loaded.mol_per_h[*element_index("Ce")],
                1e-9);
}

// 16 elements (La-Lu with Y) in equal shares, split in half: S - W = F / 2 exactly. It
// solved at 10 + 10 stages and failed from 15 + 15.
TEST(CascadeRobustness, sixteenElementsAtTheSharpSplit)
{
    const CascadeResult r = test::solve_yaml(R"(
schema: 1
system: p507-hcl
model: separation-factor
stages: {extraction: 20, scrub: 20}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {La: 0.0625, Ce: 0.0625, Pr: 0.0625, Nd: 0.0625, Pm: 0.0625, Sm: 0.0625, Eu: 0.0625, Gd: 0.0625, Tb: 0.0625, Dy: 0.0625, Ho: 0.0625, Y: 0.0625, Er: 0.0625, Tm: 0.0625, Yb: 0.0625, Lu: 0.0625}}
organic: {flow: 1250 L/h, loading: 0.18 mol/L}
scrub: {flow: 112.5 L/h, acid: 4.0 mol/L}
)");
    ASSERT_TRUE(r.solver.converged);
    EXPECT_LE(r.mass_balance_relative_error, 1e-12);
    const auto& loaded =
        r.products[static_cast<std::size_t>(test::product_index(r, "loaded_organic"))];
    EXPECT_NEAR(loaded.re_mol_per_h, 75.0, 1e-9);
}

}  // namespace
}  // namespace reesx
