// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Warm re-solves that start with chord steps on the Jacobian factors of the solve they start
// from (CascadeResult::jacobian_factors_id): they end at the cold solve's steady state, and a
// start far from it still converges (the chord steps' contraction test falls back to a new
// factorization).
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "CaseBuilder.h"

namespace reesx {
namespace {

// The 17-element Pr/Nd cut of the benchmarks (tests/benchmarks/bench_cascade.cpp), 50 + 50
// stages, at S = factor × S_min on the sharp split (W = S - f_A).
std::string pr_nd_case(double factor)
{
    const double f_a = 1.0 - 0.27 - 0.4907 - 0.05;
    const auto system = builtin_system("p507-hcl");
    const double beta = system.beta(*element_index("Nd"), *element_index("Pr"));
    const double s = factor * (f_a + 1.0 / (beta - 1.0));
    std::ostringstream y;
    y.precision(17);
    y << "system: p507-hcl\nstages: {extraction: 50, scrub: 50}\nfeed: {flow: 1 L/h, "
         "concentration: 1 mol/L, composition: {Sc: 0.0002, Y: 0.012, La: 0.27, Ce: 0.4907, "
         "Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, Gd: 0.005, Tb: 0.0008, Dy: "
         "0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, Lu: 0.0001}}\norganic: {flow: "
      << s << " L/h, loading: 1 mol/L}\nscrub: {flow: " << s - f_a
      << " L/h, acid: 3 mol/L}\nsolver: {tolerance: 1e-10}\n";
    return y.str();
}

// Every element of every product within `relative` of the cold solve's (relative to that
// product's rare earths: trace elements there are far below any digit of the major ones).
void expect_same_products(const CascadeResult& warm, const CascadeResult& cold, double relative)
{
    ASSERT_EQ(warm.products.size(), cold.products.size());
    for (std::size_t p = 0; p < cold.products.size(); ++p) {
        for (int e = 0; e < num_elements; ++e) {
            EXPECT_NEAR(warm.products[p].mol_per_h[e], cold.products[p].mol_per_h[e],
                        relative * cold.products[p].re_mol_per_h)
                << cold.products[p].name << " " << elements()[e].symbol;
        }
    }
}

TEST(WarmResolve, chordStepsOnTheKeptFactorsEndAtTheColdSteadyState)
{
    const CaseSpec before = test::case_from_yaml(pr_nd_case(1.1));
    Cascade first(before);  // keeps a reference to its case
    const CascadeResult previous = first.solve();
    ASSERT_NE(previous.jacobian_factors_id, 0u);
    const CaseSpec after = test::case_from_yaml(pr_nd_case(1.1 * 1.01));
    Cascade cold_cascade(after);
    const CascadeResult cold = cold_cascade.solve();
    // The cold solve factorized into the other slot: previous's factors are still kept.
    Cascade warm_cascade(after);
    const CascadeResult warm = warm_cascade.solve(previous);
    ASSERT_TRUE(warm.solver.converged);
    EXPECT_LT(warm.solver.jacobian_evaluations, cold.solver.jacobian_evaluations);
    EXPECT_LT(warm.solver.iterations, cold.solver.iterations);
    expect_same_products(warm, cold, 1e-10);
    // A second re-solve from the same result starts from the same factors and repeats the
    // first exactly.
    Cascade again_cascade(after);
    const CascadeResult again = again_cascade.solve(previous);
    EXPECT_EQ(again.solver.jacobian_evaluations, warm.solver.jacobian_evaluations);
    EXPECT_EQ(again.solver.iterations, warm.solver.iterations);
    expect_same_products(again, warm, 0.0);
}

TEST(WarmResolve, factorsOfAnotherThreadAreNotUsed)
{
    const CaseSpec before = test::case_from_yaml(pr_nd_case(1.1));
    Cascade first(before);  // keeps a reference to its case
    const CascadeResult previous = first.solve();
    const CaseSpec after = test::case_from_yaml(pr_nd_case(1.1 * 1.01));
    Cascade here(after);
    const CascadeResult warm_here = here.solve(previous);
    CascadeResult warm_there;
    std::thread other([&] {
        Cascade there(after);
        warm_there = there.solve(previous);
    });
    other.join();
    ASSERT_TRUE(warm_there.solver.converged);
    // Without the factors the other thread's Newton factorizes at its first iteration.
    EXPECT_GT(warm_there.solver.jacobian_evaluations, warm_here.solver.jacobian_evaluations);
    expect_same_products(warm_there, warm_here, 1e-10);
}

TEST(WarmResolve, aFarStartFallsBackToNewFactorizations)
{
    const CaseSpec before = test::case_from_yaml(pr_nd_case(1.1));
    Cascade first(before);  // keeps a reference to its case
    const CascadeResult previous = first.solve();
    const CaseSpec after = test::case_from_yaml(pr_nd_case(1.1 * 1.3));
    Cascade cold_cascade(after), warm_cascade(after);
    const CascadeResult cold = cold_cascade.solve();
    const CascadeResult warm = warm_cascade.solve(previous);
    ASSERT_TRUE(warm.solver.converged);
    EXPECT_GT(warm.solver.jacobian_evaluations, 0);
    expect_same_products(warm, cold, 1e-10);
}

}  // namespace
}  // namespace reesx
