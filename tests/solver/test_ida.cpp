// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// IdaIntegrator on a small semi-explicit DAE with an analytic solution, through both linear
// solvers: the band solver and the system's own solve.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

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
    //! Root functions x_1 − 1/2 and z_1 − 3/2 (x_1 = 3/4); throws when `throwing`.
    int root_count() const override { return roots_ ? 2 : 0; }
    void roots(double, const double* y, const double*, double* g) override
    {
        if (throwing_) {
            throw std::runtime_error("root function failed");
        }
        g[0] = y[0] - 0.5;
        g[1] = y[1] - 1.5;
    }
    long solves_ = 0;
    bool roots_ = false, throwing_ = false;

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

TEST(IdaIntegrator, locatesRootsAndRethrowsWhatTheRootFunctionThrows)
{
    // x_1 = 1 − e^{−kt} passes 1/2 at ln 2 / k and 3/4 at ln 4 / k, both rising; advance_to
    // goes on to its stop time past them.
    TankChain chain(2, true);
    chain.roots_ = true;
    IdaOptions options;
    options.relative_tolerance = 1e-10;
    options.absolute_tolerance = 1e-12;
    IdaIntegrator ida(chain, 0.0, Eigen::VectorXd::Zero(4), options);
    ida.correct_initial_conditions(0.1);
    ida.advance_to(10.0);
    EXPECT_EQ(ida.time(), 10.0);
    const std::vector<IdaRoot> roots = ida.take_roots();
    ASSERT_EQ(roots.size(), 2u);
    const double k = 0.5;
    EXPECT_EQ(roots[0].index, 0);
    EXPECT_NEAR(roots[0].t, std::log(2.0) / k, 1e-8);
    EXPECT_EQ(roots[0].direction, 1);
    EXPECT_EQ(roots[1].index, 1);
    EXPECT_NEAR(roots[1].t, std::log(4.0) / k, 1e-8);
    EXPECT_TRUE(ida.take_roots().empty());
    // An exception in the root function stops the integration and comes back out of it.
    chain.throwing_ = true;
    EXPECT_THROW(ida.advance_to(20.0), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(BandAndStructured, IdaLinearSolvers, ::testing::Bool());

}  // namespace
}  // namespace reesx::solver
