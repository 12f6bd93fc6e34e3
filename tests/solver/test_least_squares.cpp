// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Bounded Levenberg–Marquardt (solver/LeastSquares.h) on problems with known answers.
#include <gtest/gtest.h>

#include <cmath>

#include "reesx/solver/LeastSquares.h"

namespace {

//! y = a exp(b x) sampled exactly at x = 0..9.
reesx::LeastSquaresProblem exponential(double a, double b, double a_max)
{
    reesx::LeastSquaresProblem p;
    p.lower = Eigen::Vector2d(-10.0, -10.0);
    p.upper = Eigen::Vector2d(a_max, 10.0);
    p.evaluate = [a, b](const Eigen::VectorXd& x, Eigen::VectorXd& r, Eigen::MatrixXd*) {
        r.resize(10);
        for (int i = 0; i < 10; ++i) {
            r[i] = a * std::exp(b * 0.1 * i) - x[0] * std::exp(x[1] * 0.1 * i);
        }
    };
    return p;
}

}  // namespace

TEST(LeastSquares, RecoversExactParametersFromFarStart)
{
    const auto result =
        reesx::levenberg_marquardt(exponential(2.5, -1.3, 10.0), Eigen::Vector2d(0.1, 2.0));
    EXPECT_TRUE(result.converged);
    EXPECT_NEAR(result.parameters[0], 2.5, 1e-7);
    EXPECT_NEAR(result.parameters[1], -1.3, 1e-7);
    EXPECT_LT(result.cost, 1e-14);
    EXPECT_EQ(result.rank_deficiency, 0);
}

TEST(LeastSquares, HoldsParameterAtActiveBound)
{
    // The best a (2.5) lies above the bound 2: a stops at 2 and is reported at its bound, with
    // no variance; b is fitted given a = 2.
    const auto result =
        reesx::levenberg_marquardt(exponential(2.5, -1.3, 2.0), Eigen::Vector2d(1.0, 0.0));
    EXPECT_DOUBLE_EQ(result.parameters[0], 2.0);
    EXPECT_TRUE(result.at_bound[0]);
    EXPECT_FALSE(result.at_bound[1]);
    EXPECT_EQ(result.unscaled_covariance(0, 0), 0.0);
    EXPECT_GT(result.unscaled_covariance(1, 1), 0.0);
}

TEST(LeastSquares, LinearProblemCovarianceIsInverseNormalMatrix)
{
    // r = y - (p0 + p1 x): (J^T J)^-1 in closed form for x = 0, 1, 2, 3.
    reesx::LeastSquaresProblem p;
    p.lower = Eigen::Vector2d::Constant(-1e9);
    p.upper = Eigen::Vector2d::Constant(1e9);
    p.evaluate = [](const Eigen::VectorXd& x, Eigen::VectorXd& r, Eigen::MatrixXd*) {
        const double y[4] = {1.0, 3.1, 4.9, 7.2};
        r.resize(4);
        for (int i = 0; i < 4; ++i) {
            r[i] = y[i] - (x[0] + x[1] * i);
        }
    };
    const auto result = reesx::levenberg_marquardt(p, Eigen::Vector2d::Zero());
    // Normal matrix [[4, 6], [6, 14]], determinant 20.
    EXPECT_NEAR(result.unscaled_covariance(0, 0), 14.0 / 20.0, 1e-6);
    EXPECT_NEAR(result.unscaled_covariance(0, 1), -6.0 / 20.0, 1e-6);
    EXPECT_NEAR(result.unscaled_covariance(1, 1), 4.0 / 20.0, 1e-6);
    EXPECT_NEAR(result.parameters[1], 2.04, 1e-8);
}
