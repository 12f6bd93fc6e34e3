// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// solver/: block-tridiagonal factorization against a dense solve, and the nonlinear solvers
// (damped Newton, pseudo-transient continuation, KINSOL) on small problems with known roots.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <stdexcept>

#include "reesx/solver/Newton.h"

using namespace reesx::solver;

namespace {

BlockTridiagonalMatrix random_matrix(int blocks, int m, double diagonal_shift, unsigned seed)
{
    std::srand(seed);
    BlockTridiagonalMatrix a(blocks, m);
    for (int k = 0; k < blocks; ++k) {
        a.diag[k] =
            Eigen::MatrixXd::Random(m, m) + diagonal_shift * Eigen::MatrixXd::Identity(m, m);
        if (k > 0) {
            a.lower[k] = Eigen::MatrixXd::Random(m, m);
        }
        if (k + 1 < blocks) {
            a.upper[k] = Eigen::MatrixXd::Random(m, m);
        }
    }
    return a;
}

Eigen::MatrixXd dense(const BlockTridiagonalMatrix& a)
{
    const int n = a.num_blocks(), m = a.block_size();
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(n * m, n * m);
    for (int k = 0; k < n; ++k) {
        d.block(k * m, k * m, m, m) = a.diag[k];
        if (k > 0) {
            d.block(k * m, (k - 1) * m, m, m) = a.lower[k];
        }
        if (k + 1 < n) {
            d.block(k * m, (k + 1) * m, m, m) = a.upper[k];
        }
    }
    return d;
}

//! F_k(x) = x_k^3 + x_k - 0.5 (x_{k-1} + x_{k+1}) - rhs_k, blocks of m unknowns coupled
//! through the neighbours' same component; rhs from a chosen root x*.
class CubicChain : public BlockTridiagonalSystem {
public:
    CubicChain(int blocks, int m) : blocks_(blocks), m_(m), root_(blocks * m)
    {
        for (int k = 0; k < blocks * m; ++k) {
            root_[k] = 1.0 + 0.5 * std::sin(0.7 * k);
        }
        rhs_ = Eigen::VectorXd::Zero(blocks * m);
        evaluate_raw(root_, rhs_);
    }
    int num_blocks() const override { return blocks_; }
    int block_size() const override { return m_; }
    void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f, BlockTridiagonalMatrix* j) override
    {
        if (throw_below_ && x.minCoeff() < *throw_below_) {
            throw std::domain_error("below the domain");
        }
        f.resize(x.size());
        evaluate_raw(x, f);
        f -= rhs_;
        if (j) {
            j->set_zero();
            for (int b = 0; b < blocks_; ++b) {
                for (int i = 0; i < m_; ++i) {
                    const int k = b * m_ + i;
                    j->diag[b](i, i) = 3 * x[k] * x[k] + 1.0 + 0.1 * (i + 1 < m_);
                    if (i + 1 < m_) {
                        j->diag[b](i, i + 1) = -0.1;
                    }
                    if (b > 0) {
                        j->lower[b](i, i) = -0.5;
                    }
                    if (b + 1 < blocks_) {
                        j->upper[b](i, i) = -0.5;
                    }
                }
            }
        }
    }
    std::string variable_name(int k) const override { return std::to_string(k); }
    const Eigen::VectorXd& root() const { return root_; }
    std::optional<double> throw_below_;

private:
    void evaluate_raw(const Eigen::VectorXd& x, Eigen::VectorXd& f) const
    {
        f.resize(x.size());
        for (int b = 0; b < blocks_; ++b) {
            for (int i = 0; i < m_; ++i) {
                const int k = b * m_ + i;
                double v = x[k] * x[k] * x[k] + x[k];
                if (i + 1 < m_) {
                    v -= 0.1 * (x[k + 1] - x[k]);
                }
                if (b > 0) {
                    v -= 0.5 * x[k - m_];
                }
                if (b + 1 < blocks_) {
                    v -= 0.5 * x[k + m_];
                }
                f[k] = v;
            }
        }
    }
    int blocks_, m_;
    Eigen::VectorXd root_, rhs_;
};

//! x^2 + 1 = 0 per unknown: no real root.
class NoRoot : public BlockTridiagonalSystem {
public:
    int num_blocks() const override { return 3; }
    int block_size() const override { return 1; }
    void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f, BlockTridiagonalMatrix* j) override
    {
        f = x.array().square() + 1.0;
        if (j) {
            j->set_zero();
            for (int k = 0; k < 3; ++k) {
                j->diag[k](0, 0) = 2 * x[k];
            }
        }
    }
    std::string variable_name(int k) const override { return std::to_string(k); }
};

}  // namespace

// The block LU has no pivoting between blocks; on these well-conditioned systems its error
// should stay within a few hundred ulps of the dense partial-pivoting solve.
TEST(BlockTridiagonal, matchesDenseSolve)
{
    for (const int blocks : {1, 2, 7, 40}) {
        for (const int m : {1, 3, 17}) {
            for (const double shift : {0.0, 4.0 * m}) {
                BlockTridiagonalMatrix a = random_matrix(blocks, m, shift, 7u + blocks + m);
                const Eigen::MatrixXd d = dense(a);
                const Eigen::VectorXd b = Eigen::VectorXd::Random(blocks * m);
                const Eigen::VectorXd expected = d.fullPivLu().solve(b);
                Eigen::VectorXd x = b;
                EXPECT_EQ(a.multiply(expected).size(), b.size());
                ASSERT_TRUE(a.factorize_and_solve(x));
                const double cond_guess = 1.0 + expected.cwiseAbs().maxCoeff();
                EXPECT_LT((x - expected).cwiseAbs().maxCoeff(), 1e-10 * cond_guess)
                    << blocks << " blocks of " << m << ", shift " << shift;
                // A second right-hand side with the kept factors.
                Eigen::VectorXd y = 2.0 * b;
                a.solve_factored(y);
                EXPECT_LT((y - 2.0 * expected).cwiseAbs().maxCoeff(), 2e-10 * cond_guess);
            }
        }
    }
}

TEST(BlockTridiagonal, multiplyMatchesDense)
{
    const BlockTridiagonalMatrix a = random_matrix(5, 4, 1.0, 3u);
    const Eigen::VectorXd x = Eigen::VectorXd::Random(20);
    EXPECT_LT((a.multiply(x) - dense(a) * x).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(BlockTridiagonal, detectsSingularBlock)
{
    BlockTridiagonalMatrix a = random_matrix(4, 3, 10.0, 5u);
    a.diag[0].setZero();
    a.upper[0].setZero();
    Eigen::VectorXd b = Eigen::VectorXd::Ones(12);
    EXPECT_FALSE(a.factorize_and_solve(b));
}

TEST(Newton, convergesQuadraticallyToKnownRoot)
{
    CubicChain system(30, 4);
    Eigen::VectorXd x = system.root().array() + 0.3;
    const SolverReport r = solve_newton(system, x);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_LE(r.iterations, 8);
    EXPECT_LT((x - system.root()).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LE(r.residual_norm, NewtonOptions{}.tolerance);
}

TEST(Newton, exactStartTakesNoIteration)
{
    CubicChain system(5, 2);
    Eigen::VectorXd x = system.root();
    EXPECT_EQ(solve_newton(system, x).iterations, 0);
}

TEST(Newton, recoversFromDomainErrorsInTrialPoints)
{
    CubicChain system(10, 2);
    system.throw_below_ = -0.5;
    Eigen::VectorXd x = Eigen::VectorXd::Constant(20, 8.0);  // full steps overshoot below
    const SolverReport r = solve_newton(system, x);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_LT((x - system.root()).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(Newton, reportsFailureWithoutThrowing)
{
    NoRoot system;
    Eigen::VectorXd x = Eigen::VectorXd::Constant(3, 0.5);
    const SolverReport r = solve_newton(system, x);
    EXPECT_FALSE(r.converged);
    EXPECT_FALSE(r.message.empty());
}

TEST(PseudoTransient, convergesFromAFarStart)
{
    CubicChain system(20, 3);
    Eigen::VectorXd x = Eigen::VectorXd::Constant(60, 30.0);
    NewtonOptions options;
    options.max_iterations = 300;
    const SolverReport r = solve_pseudo_transient(system, x, options, 1.0);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_LT((x - system.root()).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(Kinsol, agreesWithNewton)
{
    CubicChain system(25, 3);
    Eigen::VectorXd x = system.root().array() + 0.2;
    const SolverReport r = solve_kinsol(system, x);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_EQ(r.method, "kinsol-band");
    EXPECT_LT((x - system.root()).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(Kinsol, reportsFailureWithFlagName)
{
    NoRoot system;
    Eigen::VectorXd x = Eigen::VectorXd::Constant(3, 0.5);
    NewtonOptions options;
    options.max_iterations = 20;
    const SolverReport r = solve_kinsol(system, x, options);
    EXPECT_FALSE(r.converged);
    EXPECT_NE(r.message.find("KIN_"), std::string::npos) << r.message;
}
