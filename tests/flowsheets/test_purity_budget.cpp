// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The purity budget of a plant (PurityBudget.h): every product meets its purity after its
// losses when each boundary leaves exactly its allowance, the end products give their one
// boundary the whole allowance, and a cut's group purities leave the boundary's impurities.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "reesx/flowsheets/PurityBudget.h"

namespace reesx {
namespace {

// Mountain Pass-like shares of five products (La, Ce, Pr, Nd, Sm).
const std::vector<double> fractions{0.337, 0.488, 0.043, 0.122, 0.010};

//! The purity product g reaches when every boundary leaves its allowance.
double product_purity(const PurityAllowances& a, std::size_t g)
{
    double impurity = 0.0;
    if (g > 0) {
        impurity += a.into_upper[g - 1];
    }
    if (g + 1 < a.own.size()) {
        impurity += a.into_lower[g];
    }
    return a.own[g] / (a.own[g] + impurity);
}

TEST(PurityBudget, everyProductMeetsItsPurityAfterItsLosses)
{
    for (const double purity : {0.99, 0.999, 0.9999}) {
        for (const double share : {0.2, 0.5, 0.8}) {
            PurityBudget budget;
            budget.lower_share.assign(fractions.size(), share);
            const PurityAllowances a = purity_allowances(fractions, purity, budget);
            for (std::size_t g = 0; g < fractions.size(); ++g) {
                SCOPED_TRACE(g);
                EXPECT_NEAR(product_purity(a, g), purity, 1e-12);
                // What is left of the product is its share less its losses to both sides.
                double lost = 0.0;
                if (g + 1 < fractions.size()) {
                    lost += a.into_upper[g];
                }
                if (g > 0) {
                    lost += a.into_lower[g - 1];
                }
                EXPECT_NEAR(a.own[g], fractions[g] - lost, 1e-15);
                EXPECT_LT(a.own[g], fractions[g]);
            }
        }
    }
}

TEST(PurityBudget, endProductsGiveTheirOneBoundaryTheWholeAllowance)
{
    const double purity = 0.999, ratio = (1.0 - purity) / purity;
    PurityBudget budget;
    budget.lower_share.assign(fractions.size(), 0.5);
    const PurityAllowances a = purity_allowances(fractions, purity, budget);
    EXPECT_NEAR(a.into_lower.front(), ratio * a.own.front(), 1e-15);  // La: all from Ce
    EXPECT_NEAR(a.into_upper.back(), ratio * a.own.back(), 1e-15);    // Sm: all from Nd
    // An interior product: half from each side.
    EXPECT_NEAR(a.into_upper[1], 0.5 * ratio * a.own[2], 1e-15);  // Ce into Pr
    EXPECT_NEAR(a.into_lower[2], 0.5 * ratio * a.own[2], 1e-15);  // Nd into Pr
}

TEST(PurityBudget, sharesAndScaleMoveTheAllowances)
{
    const double purity = 0.999;
    PurityBudget half, more_below, tighter;
    half.lower_share.assign(fractions.size(), 0.5);
    more_below = half;
    more_below.lower_share[2] = 0.8;  // Pr takes more Ce, less Nd
    tighter = half;
    tighter.scale.assign(fractions.size(), 1.0);
    tighter.scale[2] = 0.5;
    const PurityAllowances a = purity_allowances(fractions, purity, half);
    const PurityAllowances b = purity_allowances(fractions, purity, more_below);
    const PurityAllowances c = purity_allowances(fractions, purity, tighter);
    EXPECT_GT(b.into_upper[1], a.into_upper[1]);
    EXPECT_LT(b.into_lower[2], a.into_lower[2]);
    EXPECT_NEAR(product_purity(b, 2), purity, 1e-12);
    EXPECT_GT(product_purity(c, 2), purity);  // half the allowance: purer
    EXPECT_NEAR((1.0 - product_purity(c, 2)) / product_purity(c, 2), 0.5 * (1.0 - purity) / purity,
                1e-12);
}

TEST(PurityBudget, aSmallProductBesideALargeOneIsNotEmptied)
{
    // End-of-life magnets (La, Ce, Pr, Nd, Sm, Gd, Dy): half of Nd's allowance at 99 % is 90 %
    // of the Sm beside it, a quarter of Gd's half of it again.
    const std::vector<double> magnet{0.042, 0.0058, 0.199, 0.598, 0.0033, 0.110, 0.043};
    const double purity = 0.99;
    const PurityAllowances a = purity_allowances(magnet, purity, {});
    for (std::size_t g = 0; g < magnet.size(); ++g) {
        SCOPED_TRACE(g);
        if (g + 1 < magnet.size()) {
            EXPECT_LE(a.into_upper[g], max_loss_per_boundary * a.own[g] * (1 + 1e-12));
        }
        if (g > 0) {
            EXPECT_LE(a.into_lower[g - 1], max_loss_per_boundary * a.own[g] * (1 + 1e-12));
        }
        EXPECT_GE(a.own[g], (1.0 - 2.0 * max_loss_per_boundary) * magnet[g]);
        // What Sm cannot give, Nd takes from Pr, and Gd from Dy: every product is still at
        // the purity exactly.
        EXPECT_NEAR(product_purity(a, g), purity, 1e-12);
    }
    const double ratio = (1.0 - purity) / purity;
    EXPECT_GT(a.into_upper[2], 0.5 * ratio * a.own[3]);  // Pr into Nd: over Nd's half
    EXPECT_GT(a.into_lower[5], 0.5 * ratio * a.own[5]);  // Dy into Gd: over Gd's half
}

TEST(PurityBudget, aProductNeitherNeighbourCanFillComesOutPurer)
{
    // A large product between two small ones: its neighbours give their limit and no more.
    const std::vector<double> fractions_small_large_small{0.001, 0.998, 0.001};
    const PurityAllowances a = purity_allowances(fractions_small_large_small, 0.99, {});
    EXPECT_NEAR(a.into_upper[0], max_loss_per_boundary * a.own[0], 1e-15);
    EXPECT_NEAR(a.into_lower[1], max_loss_per_boundary * a.own[2], 1e-15);
    EXPECT_GT(product_purity(a, 1), 0.999);
}

TEST(PurityBudget, cutPuritiesLeaveTheBoundarysImpurities)
{
    // The first cut of a sequence, La-Ce / Pr-Sm: its A side receives Pr, Nd, Sm whole, and
    // loses to B what the Ce|Pr boundary sends down.
    const double purity = 0.99;
    const PurityAllowances a = purity_allowances(fractions, purity, {});
    const auto [purity_a, purity_b] = budget_cut_purities(a, 0, 4, 1);
    const double own_a = fractions[2] + fractions[3] + fractions[4] - a.into_lower[1];
    const double own_b = fractions[0] + fractions[1] - a.into_upper[1];
    EXPECT_NEAR(1.0 - purity_a, a.into_upper[1] / (own_a + a.into_upper[1]), 1e-15);
    EXPECT_NEAR(1.0 - purity_b, a.into_lower[1] / (own_b + a.into_lower[1]), 1e-15);
    // A cut below it (Pr / Nd-Sm, fed the A side) receives Pr less what it lost to Ce.
    const auto [pa2, pb2] = budget_cut_purities(a, 2, 4, 2);
    const double own_b2 = fractions[2] - a.into_lower[1] - a.into_upper[2];
    EXPECT_NEAR(1.0 - pb2, a.into_lower[2] / (own_b2 + a.into_lower[2]), 1e-15);
    EXPECT_GT(pa2, 0.0);
    EXPECT_LT(pa2, 1.0);
}

}  // namespace
}  // namespace reesx
