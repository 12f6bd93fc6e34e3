// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The nonlinear solvers of solver/ (damped Newton with the block LU, pseudo-transient
// continuation) on small block-tridiagonal problems:
//  - CoupledCubic: F_k = x_k^3 + A x_k - 0.5 (tanh x_{k-1} + tanh x_{k+1}) - r_k with a
//    dense m x m block A and r built from a chosen root x*, so the root is known exactly;
//  - Bratu: -u'' = lambda e^u on (0, 1), u(0) = u(1) = 0, by central differences (m = 1);
//    the continuous solution is known in closed form;
//  - NoRoot: x^2 + 1 = 0, which has no real root.
// Newton must converge quadratically to the known roots, recover from trial points where
// the residual throws a domain error, and report failure without throwing.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "reesx/solver/Newton.h"
#include "reesx/solver/Sundials.h"

using namespace reesx::solver;

namespace {

//! Options for the problem's residual to fail on purpose.
enum class Failure { none, domain_error };

class CoupledCubic : public BlockTridiagonalSystem {
public:
    CoupledCubic(int blocks, int m) : blocks_(blocks), m_(m), a_(m, m), root_(blocks * m)
    {
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < m; ++j) {
                a_(i, j) = 0.2 * std::sin(1.0 + 3.0 * i + 7.0 * j);
            }
            a_(i, i) += 2.0;
        }
        for (int k = 0; k < blocks * m; ++k) {
            root_[k] = 1.0 + 0.5 * std::sin(0.7 * k);
        }
        rhs_ = Eigen::VectorXd::Zero(blocks * m);
        Eigen::VectorXd f;
        evaluate(root_, f, nullptr);
        rhs_ = f;
        evaluations_ = throws_ = 0;
    }
    int num_blocks() const override { return blocks_; }
    int block_size() const override { return m_; }
    void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f,
                  BlockTridiagonalMatrix* jacobian) override
    {
        ++evaluations_;
        if (failure != Failure::none && evaluations_ > fail_after &&
            (x.minCoeff() < fail_below || x.maxCoeff() > fail_above)) {
            ++throws_;
            throw std::domain_error("x outside the domain");
        }
        const int m = m_;
        f.resize(x.size());
        for (int k = 0; k < blocks_; ++k) {
            const Eigen::Index at = static_cast<Eigen::Index>(k) * m;
            Eigen::VectorBlock<Eigen::VectorXd> fk = f.segment(at, m);
            fk = x.segment(at, m).array().cube().matrix() + a_ * x.segment(at, m);
            if (k > 0) {
                fk -= 0.5 * x.segment(at - m, m).array().tanh().matrix();
            }
            if (k + 1 < blocks_) {
                fk -= 0.5 * x.segment(at + m, m).array().tanh().matrix();
            }
        }
        f -= rhs_;
        if (jacobian) {
            jacobian->set_zero();
            for (int k = 0; k < blocks_; ++k) {
                const Eigen::Index at = static_cast<Eigen::Index>(k) * m;
                jacobian->diag[k] = a_;
                jacobian->diag[k].diagonal().array() += 3.0 * x.segment(at, m).array().square();
                if (k > 0) {
                    jacobian->lower[k].diagonal() =
                        -0.5 / x.segment(at - m, m).array().cosh().square();
                }
                if (k + 1 < blocks_) {
                    jacobian->upper[k].diagonal() =
                        -0.5 / x.segment(at + m, m).array().cosh().square();
                }
            }
        }
    }
    std::string variable_name(int k) const override
    {
        return "block " + std::to_string(k / m_) + ", x" + std::to_string(k % m_);
    }
    const Eigen::VectorXd& root() const { return root_; }
    int throws() const { return throws_; }

    Failure failure = Failure::none;
    double fail_below = -INFINITY;  //!< fail when any unknown is below this
    double fail_above = INFINITY;   //!< or above this
    int fail_after = 0;             //!< but only after this many evaluations

private:
    int blocks_, m_;
    Eigen::MatrixXd a_;
    Eigen::VectorXd root_, rhs_;
    int evaluations_ = 0, throws_ = 0;
};

//! -(u_{k-1} - 2 u_k + u_{k+1}) / h^2 - lambda e^{u_k} = 0, k = 1..N, u_0 = u_{N+1} = 0,
//! scaled by h^2.
class Bratu : public BlockTridiagonalSystem {
public:
    Bratu(int n, double lambda) : n_(n), lambda_(lambda), h_(1.0 / (n + 1)) {}
    int num_blocks() const override { return n_; }
    int block_size() const override { return 1; }
    void evaluate(const Eigen::VectorXd& u, Eigen::VectorXd& f,
                  BlockTridiagonalMatrix* jacobian) override
    {
        f.resize(n_);
        const double h2 = h_ * h_;
        for (int k = 0; k < n_; ++k) {
            const double left = k > 0 ? u[k - 1] : 0.0, right = k + 1 < n_ ? u[k + 1] : 0.0;
            f[k] = 2.0 * u[k] - left - right - h2 * lambda_ * std::exp(u[k]);
            if (jacobian) {
                jacobian->diag[k](0, 0) = 2.0 - h2 * lambda_ * std::exp(u[k]);
                if (k > 0) {
                    jacobian->lower[k](0, 0) = -1.0;
                }
                if (k + 1 < n_) {
                    jacobian->upper[k](0, 0) = -1.0;
                }
            }
        }
    }
    std::string variable_name(int k) const override
    {
        // Appended, not "u" + ...: GCC 12 warns falsely (-Wrestrict) on the inlined operator+.
        return std::string("u").append(std::to_string(k + 1));
    }
    //! The lower-branch solution of the continuous problem: u = -2 ln(cosh((x - 1/2) θ/2) /
    //! cosh(θ/4)) with θ = sqrt(2 λ) cosh(θ/4) (smaller root).
    double exact(int k) const
    {
        double theta = 1.0;
        for (int i = 0; i < 200; ++i) {
            theta = std::sqrt(2.0 * lambda_) * std::cosh(theta / 4.0);
        }
        const double x = (k + 1) * h_;
        return -2.0 * std::log(std::cosh((x - 0.5) * theta / 2.0) / std::cosh(theta / 4.0));
    }

private:
    int n_;
    double lambda_, h_;
};

class NoRoot : public BlockTridiagonalSystem {
public:
    int num_blocks() const override { return 3; }
    int block_size() const override { return 1; }
    void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f,
                  BlockTridiagonalMatrix* jacobian) override
    {
        f = x.array().square() + 1.0;
        if (jacobian) {
            jacobian->set_zero();
            for (int k = 0; k < 3; ++k) {
                jacobian->diag[k](0, 0) = 2.0 * x[k];
            }
        }
    }
    std::string variable_name(int k) const override
    {
        return std::string("x").append(std::to_string(k));
    }
};

//! Passes through to a system and records max |F| at every point where the Jacobian is
//! asked for: solve_newton's accepted iterates.
class Recorder : public BlockTridiagonalSystem {
public:
    explicit Recorder(BlockTridiagonalSystem& inner) : inner_(inner) {}
    int num_blocks() const override { return inner_.num_blocks(); }
    int block_size() const override { return inner_.block_size(); }
    void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f,
                  BlockTridiagonalMatrix* jacobian) override
    {
        inner_.evaluate(x, f, jacobian);
        if (jacobian) {
            norms.push_back(f.lpNorm<Eigen::Infinity>());
        }
    }
    std::string variable_name(int k) const override { return inner_.variable_name(k); }
    std::vector<double> norms;

private:
    BlockTridiagonalSystem& inner_;
};

//! Largest difference between the analytic Jacobian and central differences, relative to
//! the largest entry.
double jacobian_error(BlockTridiagonalSystem& system, const Eigen::VectorXd& x)
{
    const int n = system.num_blocks(), m = system.block_size();
    BlockTridiagonalMatrix jacobian(n, m);
    Eigen::VectorXd f, plus, minus;
    system.evaluate(x, f, &jacobian);
    Eigen::MatrixXd analytic = Eigen::MatrixXd::Zero(n * m, n * m);
    for (int k = 0; k < n; ++k) {
        analytic.block(k * m, k * m, m, m) = jacobian.diag[k];
        if (k > 0) {
            analytic.block(k * m, (k - 1) * m, m, m) = jacobian.lower[k];
        }
        if (k + 1 < n) {
            analytic.block(k * m, (k + 1) * m, m, m) = jacobian.upper[k];
        }
    }
    Eigen::MatrixXd numeric(n * m, n * m);
    const double h = 1e-6;
    for (int j = 0; j < n * m; ++j) {
        Eigen::VectorXd xp = x, xm = x;
        xp[j] += h;
        xm[j] -= h;
        system.evaluate(xp, plus, nullptr);
        system.evaluate(xm, minus, nullptr);
        numeric.col(j) = (plus - minus) / (2.0 * h);
    }
    return (analytic - numeric).cwiseAbs().maxCoeff() / analytic.cwiseAbs().maxCoeff();
}

}  // namespace

// A wrong analytic Jacobian would still let Newton converge, linearly, and hide a broken
// convergence test below. Central differences with h = 1e-6 are accurate to ~1e-9 here.
TEST(Newton, testProblemJacobiansMatchFiniteDifferences)
{
    CoupledCubic cubic(4, 3);
    EXPECT_LT(jacobian_error(cubic, cubic.root().array() + 0.1), 1e-8);
    Bratu bratu(6, 1.0);
    EXPECT_LT(jacobian_error(bratu, Eigen::VectorXd::Constant(6, 0.2)), 1e-8);
}

TEST(Newton, convergesQuadraticallyToKnownRoot)
{
    CoupledCubic cubic(30, 5);
    Recorder system(cubic);
    Eigen::VectorXd x = cubic.root().array() + 0.3;
    const SolverReport r = solve_newton(system, x);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_EQ(r.method, "newton-block-tridiagonal");
    EXPECT_LE(r.iterations, 6);
    EXPECT_LE(r.residual_norm, NewtonOptions{}.tolerance);
    EXPECT_GE(r.residual_evaluations, r.iterations + 1);
    EXPECT_GE(r.worst_index, 0);
    EXPECT_GE(r.seconds, 0.0);
    // The root is well conditioned (J is diagonally dominant), so |x - x*| ~ |F|.
    EXPECT_LT((x - cubic.root()).lpNorm<Eigen::Infinity>(), 1e-12);
    // Quadratic: once |F| is small, |F_{k+1}| <= C |F_k|^2 with C of order |J^-1| |F''|;
    // the last point is at rounding level and says nothing.
    ASSERT_EQ(system.norms.size(), static_cast<std::size_t>(r.iterations) + 1);
    int checked = 0;
    for (std::size_t i = 0; i + 2 < system.norms.size(); ++i) {
        if (system.norms[i] < 0.1) {
            EXPECT_LT(system.norms[i + 1], 10.0 * system.norms[i] * system.norms[i])
                << "iteration " << i;
            ++checked;
        }
    }
    EXPECT_GE(checked, 1);
}

TEST(Newton, exactStartTakesNoIteration)
{
    CoupledCubic system(5, 2);
    Eigen::VectorXd x = system.root();
    const SolverReport r = solve_newton(system, x);
    EXPECT_TRUE(r.converged);
    EXPECT_EQ(r.iterations, 0);
    EXPECT_EQ(r.residual_evaluations, 1);
}

// The discrete Bratu solution differs from the continuous one by O(h^2): about 1e-5 at
// h = 1/101 (u'''' ~ 1 here, error ~ h^2 max|u''''| / 12).
TEST(Newton, solvesBratu)
{
    Bratu system(100, 1.0);
    Eigen::VectorXd u = Eigen::VectorXd::Zero(100);
    const SolverReport r = solve_newton(system, u);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_LE(r.iterations, 6);
    for (int k = 0; k < 100; ++k) {
        EXPECT_NEAR(u[k], system.exact(k), 1e-4) << system.variable_name(k);
    }
}

// The roots lie in [0.5, 1.5]. From 0.5 the full Newton step overshoots the convex cubic
// to about 2.4; trial points above 2 throw, and the line search must shorten the step.
TEST(Newton, recoversFromDomainErrorsInTrialPoints)
{
    CoupledCubic system(10, 2);
    system.failure = Failure::domain_error;
    system.fail_above = 2.0;
    Eigen::VectorXd x = Eigen::VectorXd::Constant(20, 0.5);
    const SolverReport r = solve_newton(system, x);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_GT(system.throws(), 0) << "the test no longer exercises the domain error";
    EXPECT_LT((x - system.root()).lpNorm<Eigen::Infinity>(), 1e-12);
}

TEST(Newton, reportsNoRootWithoutThrowing)
{
    NoRoot system;
    Eigen::VectorXd x = Eigen::VectorXd::Constant(3, 0.5);
    SolverReport r;
    EXPECT_NO_THROW(r = solve_newton(system, x));
    EXPECT_FALSE(r.converged);
    EXPECT_FALSE(r.message.empty());
    EXPECT_GE(r.residual_norm, 1.0);  // x^2 + 1 >= 1 everywhere
    EXPECT_GE(r.worst_index, 0);
    EXPECT_LT(r.worst_index, 3);
}

TEST(Newton, namesASingularJacobian)
{
    NoRoot system;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(3);  // J = 2x = 0
    const SolverReport r = solve_newton(system, x);
    EXPECT_FALSE(r.converged);
    EXPECT_NE(r.message.find("Jacobian is singular"), std::string::npos) << r.message;
}

TEST(Newton, reportsAnInvalidStart)
{
    CoupledCubic system(3, 2);
    system.failure = Failure::domain_error;
    system.fail_below = 10.0;  // everywhere below 10
    Eigen::VectorXd x = Eigen::VectorXd::Ones(6);
    const SolverReport r = solve_newton(system, x);
    EXPECT_FALSE(r.converged);
    EXPECT_NE(r.message.find("outside the domain"), std::string::npos) << r.message;
    EXPECT_EQ(r.residual_evaluations, 1);
    EXPECT_FALSE(std::isfinite(r.residual_norm));
}

TEST(Newton, stopsAtTheIterationLimit)
{
    CoupledCubic system(10, 3);
    Eigen::VectorXd x = system.root().array() + 0.3;
    NewtonOptions options;
    options.max_iterations = 1;
    const SolverReport r = solve_newton(system, x, options);
    EXPECT_FALSE(r.converged);
    EXPECT_EQ(r.iterations, 1);
    EXPECT_NE(r.message.find("iteration limit"), std::string::npos) << r.message;
}

TEST(PseudoTransient, convergesFromAFarStart)
{
    CoupledCubic system(20, 3);
    Eigen::VectorXd x = Eigen::VectorXd::Constant(60, 30.0);
    NewtonOptions options;
    options.max_iterations = 300;
    const SolverReport r = solve_pseudo_transient(system, x, options, 1.0);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_LE(r.residual_norm, options.tolerance);
    EXPECT_LT((x - system.root()).lpNorm<Eigen::Infinity>(), 1e-10);
}

// check() and flag_name(), used for every SUNDIALS call of the IDA wrapper.
TEST(Sundials, checkNamesTheCallAndTheFlag)
{
    try {
        check(IDA_ILL_INPUT, "IDASStolerances", "reltol < 0");
        FAIL() << "check did not throw";
    } catch (const SolverError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("IDASStolerances"), std::string::npos) << what;
        EXPECT_NE(what.find("IDA_ILL_INPUT"), std::string::npos) << what;
        EXPECT_NE(what.find("reltol < 0"), std::string::npos) << what;
        EXPECT_FALSE(e.recoverable());
    }
    EXPECT_NO_THROW(check(IDA_SUCCESS, "IDASolve"));
    EXPECT_NO_THROW(check(IDA_TSTOP_RETURN, "IDASolve"));  // positive: not a failure
    EXPECT_EQ(flag_name(IDA_TOO_MUCH_WORK, "IDASolve"), "IDA_TOO_MUCH_WORK");
    // Flags SUNDIALS 6.4.1's own name function answers "NONE" for.
    EXPECT_EQ(flag_name(IDA_NLS_INIT_FAIL, "IDASolve"), "IDA_NLS_INIT_FAIL");
    EXPECT_EQ(flag_name(IDA_VECTOROP_ERR, "IDASolve"), "IDA_VECTOROP_ERR");
    EXPECT_EQ(flag_name(-1, "SUNLinSolSetup"), "flag -1");
    EXPECT_TRUE(SolverError("x", true).recoverable());
}
