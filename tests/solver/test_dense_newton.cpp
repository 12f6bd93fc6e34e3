// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The dense last resort on small systems whose roots are known in closed form.
#include <gtest/gtest.h>

#include <cmath>

#include "reesx/solver/DenseNewton.h"

namespace {

using reesx::solver::DenseNewtonOptions;
using reesx::solver::DenseResidual;
using reesx::solver::SolverReport;

// The fold of the two tests below: along the curve y = 2x, F1 = x^3 - 3x + 2 + delta.
constexpr double delta = 1e-7;

//! x is the fold's one real root, near x = -2 (-2 - delta/9 to first order).
void expect_the_root_beyond_the_fold(const DenseResidual& residual, const Eigen::VectorXd& x,
                                     double tolerance)
{
    Eigen::VectorXd f;
    ASSERT_TRUE(residual(x, f));
    EXPECT_LE(f.cwiseAbs().maxCoeff(), tolerance);
    EXPECT_NEAR(x[0], -2.0 - delta / 9.0, 1e-12);
    EXPECT_NEAR(x[1], 2.0 * x[0], 1e-12);
}

// Rosenbrock's square system: one root at (1, 1), a curved valley from (-1.2, 1).
TEST(DenseNewton, levenbergMarquardtFindsTheRosenbrockRoot)
{
    const DenseResidual residual = [](const Eigen::VectorXd& x, Eigen::VectorXd& f) {
        f.resize(2);
        f << 10.0 * (x[1] - x[0] * x[0]), 1.0 - x[0];
        return true;
    };
    Eigen::VectorXd x(2);
    x << -1.2, 1.0;
    SolverReport report;
    ASSERT_TRUE(reesx::solver::solve_dense_newton(residual, x, DenseNewtonOptions{}, report));
    EXPECT_NEAR(x[0], 1.0, 1e-10);
    EXPECT_NEAR(x[1], 1.0, 1e-10);
    EXPECT_GT(report.iterations, 0);
}

// A fold: along the curve y = 2x, F1 = x^3 - 3x + 2 + delta has a positive local minimum
// (delta) at x = 1, where J is singular with right null vector (1, 2); the one real root is
// near x = -2 (-2 - delta/9 to first order). Levenberg-Marquardt from the fold stalls there;
// the search along the null vector finds the root.
TEST(DenseNewton, foldSearchLeavesALocalMinimumForTheRoot)
{
    const DenseResidual residual = [](const Eigen::VectorXd& x, Eigen::VectorXd& f) {
        f.resize(2);
        f << x[0] * x[0] * x[0] - 3.0 * x[0] + 2.0 + delta, x[1] - 2.0 * x[0];
        return true;
    };
    Eigen::VectorXd x(2);
    x << 1.0, 2.0;
    DenseNewtonOptions options;
    options.max_iterations = 200;
    SolverReport stalled;
    Eigen::VectorXd at_fold = x;
    EXPECT_FALSE(reesx::solver::solve_dense_newton(residual, at_fold, options, stalled));
    SolverReport report;
    ASSERT_TRUE(reesx::solver::solve_dense_fold(residual, x, options, report));
    expect_the_root_beyond_the_fold(residual, x, options.tolerance);
}

// The same fold seen from just right of its minimum, with the residual undefined beyond
// x = 1.2 (as a cascade's profiles are where a front would leave the stages): on the right
// |lambda| grows and the search meets that wall, on the left it falls towards the root. The
// search marches first where |lambda| falls, so the wall costs it nothing (marching right
// first, it spent 40 % of its Jacobians at the wall).
TEST(DenseNewton, foldSearchMarchesFirstWhereTheResidualFalls)
{
    const DenseResidual residual = [](const Eigen::VectorXd& x, Eigen::VectorXd& f) {
        f.resize(2);
        f << x[0] * x[0] * x[0] - 3.0 * x[0] + 2.0 + delta, x[1] - 2.0 * x[0];
        return x[0] <= 1.2;
    };
    Eigen::VectorXd x(2);
    x << 1.01, 2.02;
    DenseNewtonOptions options;
    options.max_iterations = 2000;
    SolverReport report;
    ASSERT_TRUE(reesx::solver::solve_dense_fold(residual, x, options, report));
    expect_the_root_beyond_the_fold(residual, x, options.tolerance);
    // Marching right first took 50 Jacobians (96 iterations), 29 from the left.
    EXPECT_LT(report.jacobian_evaluations, 40);
}

}  // namespace
