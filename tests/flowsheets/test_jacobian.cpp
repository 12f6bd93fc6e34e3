// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The analytic Jacobian of the cascade equations against central finite differences, for
// each model, with and without Murphree efficiency and side draws.
#include <gtest/gtest.h>

#include "CaseBuilder.h"

using namespace reesx;

// Central differences with h = 1e-6 on O(1) entries: truncation ~h^2, rounding ~1e-10.
TEST(Jacobian, separationFactorMatchesFiniteDifferences)
{
    EXPECT_LT(test::max_jacobian_error(test::binary_case(1.5, 0.75, 6, 6, 4.09, 3.34)), 1e-7);
}

TEST(Jacobian, separationFactorWithMurphreeAndDraws)
{
    EXPECT_LT(test::max_jacobian_error(test::binary_case(
                  1.5, 0.75, 6, 6, 4.09, 3.34,
                  "efficiency: {extraction: 0.8, scrub: 0.9}\n"
                  "draws: [{name: side, phase: aqueous, stage: 4, flow: 0.2 L/h}]\n")),
              1e-7);
}

TEST(Jacobian, constantDistributionWithStripAndMurphree)
{
    const std::string yaml = R"(system: p507-hcl
model: constant-distribution
stages: {extraction: 4, scrub: 3, strip: 3}
feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {La: 0.3, Ce: 0.5, Nd: 0.2}}
organic: {flow: 120 L/h}
scrub: {flow: 20 L/h}
strip: {flow: 30 L/h}
efficiency: 0.7
distribution:
  extraction: {La: 0.5, Ce: 2.0, Nd: 4.0}
  scrub: {La: 0.4, Ce: 1.5, Nd: 3.0}
  strip: {La: 0.01, Ce: 0.02, Nd: 0.05}
)";
    EXPECT_LT(test::max_jacobian_error(yaml), 1e-7);
}
