// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx dynamic` with impurity ions (a sulfate leachate with Fe, Al, Ca, Mg and Th on
// D2EHPA): the ions are carried like the rare earths, their inventories close, a run started
// at `reesx run`'s steady state stays there, and a start-up from the feed reaches it.
#include <gtest/gtest.h>

#include "DynamicRun.h"

namespace reesx {
namespace {

std::string sulfate_example(const std::string& dynamic)
{
    return test::example_text("sulfate-d2ehpa-impurities.yaml") + dynamic;
}

const ProductResult& steady_product(const DynamicResult& r, const std::string& name)
{
    for (const auto& p : r.steady_state.products) {
        if (p.name == name) {
            return p;
        }
    }
    throw std::runtime_error("no steady product " + name);
}

TEST(DynamicImpurities, aRunStartedAtTheSteadyStateStaysThereIonsIncluded)
{
    const DynamicResult r = test::run_dynamic(
        sulfate_example("dynamic: {hours: 2, start: steady-state, outputs: 4}\n"));
    EXPECT_LT(r.conservation_relative_error, 1e-8);
    // Compared over every species, the impurity ions among them.
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    int ions = 0;
    for (const char* name : {"raffinate", "strip_liquor"}) {
        SCOPED_TRACE(name);
        const ProductSeries& series = test::product(r, name);
        const ProductResult& steady = steady_product(r, name);
        EXPECT_NEAR(series.re_mol_per_h.back(), steady.re_mol_per_h, 1e-6 * steady.re_mol_per_h);
        for (int k = 0; k < num_impurities; ++k) {
            const auto& ion = series.impurity_mol_per_h[static_cast<std::size_t>(k)];
            const double expected = steady.mol_per_h[num_elements + k];
            if (expected <= 0.0) {
                continue;
            }
            ++ions;
            ASSERT_EQ(ion.size(), r.times_h.size());
            EXPECT_NEAR(ion.back(), expected, 1e-6 * expected + 1e-15)
                << species_symbol(num_elements + k);
        }
    }
    EXPECT_GE(ions, 5);  // Fe, Al, Ca, Mg, Th leave in the raffinate at least
}

TEST(DynamicImpurities, aStartUpFromFeedReachesTheSteadyStateIonsIncluded)
{
    const DynamicResult r =
        test::run_dynamic(sulfate_example("dynamic: {hours: 200, start: feed, outputs: 4}\n"));
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    const ProductSeries& series = test::product(r, "raffinate");
    const ProductResult& steady = steady_product(r, "raffinate");
    // Calcium (pH½ 2.1, the feed at pH 1.5) is barely extracted: the raffinate carries
    // nearly all the calcium fed (1000 L/h at 300 mg/L), as `reesx run` says.
    const int ca = *species_index("Ca2+");
    const auto& calcium = series.impurity_mol_per_h[static_cast<std::size_t>(ca - num_elements)];
    ASSERT_EQ(calcium.size(), r.times_h.size());
    EXPECT_NEAR(calcium.back(), steady.mol_per_h[ca], 1e-6 * steady.mol_per_h[ca]);
    const double fed = 1000.0 * 0.3 / species_g_per_mol(ca);
    EXPECT_GT(calcium.back(), 0.9 * fed);
    EXPECT_LE(calcium.back(), fed * (1.0 + 1e-9));
}

}  // namespace
}  // namespace reesx
