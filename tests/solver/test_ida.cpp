// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// IdaIntegrator on a small semi-explicit DAE with an analytic solution, through both linear
// solvers: the band solver and the system's own solve.
#include <gtest/gtest.h>

#include <cmath>

#include "reesx/solver/Ida.h"

namespace reesx::solver {
namespace {

//! A chain of m tanks: x_i' = k (z_{i-1} - x_i), z_0 = 1, and an algebraic z_i = 2 x_i.
//! Unknowns interleaved (x_1, z_1, x_2, z_2, ...): half-bandwidth 2.
class TankChain final : public DaeSystem {
public:
    TankChain(int tanks, bool structured) : m_(tanks), structured_(structured) {}
    int size() const override { return 2 * m_; }
    int half_bandwidth() const override { return 2; }
    Eigen::VectorXd differential_mask() const override
    {
        Eigen::VectorXd id(size());
        for (int i = 0; i < m_; ++i) {
            id[2 * i] = 1.0;
            id[2 * i + 1] = 0.0;
        }
        return id;
    }
    void residual(double, const double* y, const double* yp, double* f) override
    {
        for (int i = 0; i < m_; ++i) {
            const double upstream = i == 0 ? 1.0 : y[2 * i - 1];
            f[2 * i] = yp[2 * i] - k_ * (upstream - y[2 * i]);
            f[2 * i + 1] = y[2 * i + 1] - 2.0 * y[2 * i];
        }
    }
    bool has_linear_solver() const override { return structured_; }
    void solve_linear(double, const double*, double c_j, const double* r, double* z) override
    {
        // Lower triangular: forward substitution, tank by tank.
        ++solves_;
        for (int i = 0; i < m_; ++i) {
            z[2 * i] = (r[2 * i] + (i == 0 ? 0.0 : k_ * z[2 * i - 1])) / (c_j + k_);
            z[2 * i + 1] = r[2 * i + 1] + 2.0 * z[2 * i];
        }
    }
    long solves_ = 0;

private:
    int m_;
    bool structured_;
    double k_ = 0.5;
};

class IdaLinearSolvers : public ::testing::TestWithParam<bool> {};

TEST_P(IdaLinearSolvers, tankChainFollowsTheAnalyticSolution)
{
    // Two tanks from empty: x_1 = 1 - e^{-kt}; x_2' = k (2 x_1 - x_2) gives
    // x_2 = 2 (1 - e^{-kt} - k t e^{-kt}).
    TankChain chain(2, GetParam());
    IdaOptions options;
    options.relative_tolerance = 1e-10;
    options.absolute_tolerance = 1e-12;
    IdaIntegrator ida(chain, 0.0, Eigen::VectorXd::Zero(4), options);
    ida.correct_initial_conditions(0.1);
    const double k = 0.5;
    for (const double t : {0.5, 2.0, 10.0}) {
        ida.advance_to(t);
        const auto y = ida.state();
        const double e = std::exp(-k * t);
        EXPECT_NEAR(y[0], 1.0 - e, 1e-7) << "t = " << t;
        EXPECT_NEAR(y[1], 2.0 * (1.0 - e), 1e-7) << "t = " << t;
        EXPECT_NEAR(y[2], 2.0 * (1.0 - e - k * t * e), 1e-7) << "t = " << t;
    }
    const IdaStats stats = ida.stats();
    EXPECT_GT(stats.steps, 0);
    EXPECT_EQ(chain.solves_ > 0, GetParam());  // the structured solve is the one used
}

TEST(IdaIntegrator, refusesTolerancesThatGiveNoPositiveErrorWeight)
{
    TankChain chain(2, true);
    IdaOptions options;
    options.relative_tolerance = -1e-6;
    EXPECT_THROW(IdaIntegrator(chain, 0.0, Eigen::VectorXd::Zero(4), options), SolverError);
    // No absolute tolerance and an empty chain: the error weight 1 / (rtol |y| + atol) of a
    // zero unknown is not finite, which IDA reports instead of dividing by it.
    options.relative_tolerance = 1e-6;
    options.absolute_tolerance = 0.0;
    IdaIntegrator ida(chain, 0.0, Eigen::VectorXd::Zero(4), options);
    EXPECT_THROW(ida.correct_initial_conditions(0.1), SolverError);
}

INSTANTIATE_TEST_SUITE_P(BandAndStructured, IdaLinearSolvers, ::testing::Bool());

}  // namespace
}  // namespace reesx::solver
