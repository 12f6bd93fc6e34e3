// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Damped Newton with Deuflhard's natural monotonicity test (P. Deuflhard, Newton Methods for
// Nonlinear Problems, Springer 2004, §3.3): a trial step x + λΔx is accepted when the
// simplified Newton correction at the trial point, Δx̄ = -J(x)^{-1} F(x + λΔx) with the old
// factors, is smaller than Δx. The test is affine invariant, so it is not fooled by
// ill-conditioning: in long cascades near minimum reflux a tiny residual can sit far from
// the solution, where a residual-norm line search crawls with short steps.
#include "reesx/solver/Newton.h"

#include <chrono>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include "reesx/solver/BandLu.h"

namespace reesx::solver {
namespace {

//! max |v_k|, infinite when an entry is NaN or infinite (maxCoeff alone may skip a NaN);
//! `where` gets the worst entry, the first non-finite one if any.
double max_norm(const Eigen::VectorXd& v, int* where = nullptr)
{
    Eigen::Index at = 0;
    double norm = 0.0;
    if (v.allFinite()) {
        norm = v.size() ? v.cwiseAbs().maxCoeff(&at) : 0.0;
    } else {
        norm = INFINITY;
        while (std::isfinite(v[at])) {
            ++at;
        }
    }
    if (where) {
        *where = v.size() ? static_cast<int>(at) : -1;
    }
    return norm;
}

//! The linear solves of one Newton iteration: block Thomas, checked against a copy of the
//! matrix; when its residual is not small (block Thomas pivots only inside each diagonal
//! block, and on long or sharply separating cascades a Schur complement can lose all
//! accuracy), the band LU with partial pivoting across blocks instead. Later solves with the
//! same factors (simplified corrections) use whichever factorization was kept.
class CheckedLinearSolve {
public:
    //! Factorizes `a` (overwritten) and solves a x = b in place; false when singular.
    bool factorize_and_solve(BlockTridiagonalMatrix& a, Eigen::VectorXd& b)
    {
        copy_ = a;
        const Eigen::VectorXd rhs = b;
        banded_ = false;
        const bool solved = a.factorize_and_solve(b);
        const double scale = std::max(1.0, rhs.cwiseAbs().maxCoeff());
        if (solved && b.allFinite() &&
            (copy_.multiply(b) - rhs).cwiseAbs().maxCoeff() <= 1e-10 * scale) {
            thomas_ = &a;
            return true;
        }
        if (!band_.factorize(copy_)) {
            return false;
        }
        banded_ = true;
        b = rhs;
        band_.solve(b);
        return b.allFinite();
    }
    void solve_factored(Eigen::VectorXd& b) const
    {
        if (banded_) {
            band_.solve(b);
        } else {
            thomas_->solve_factored(b);
        }
    }

private:
    BlockTridiagonalMatrix copy_;
    BandLu band_;
    bool banded_ = false;
    BlockTridiagonalMatrix* thomas_ = nullptr;
};

std::string format_number(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
    return buffer;
}

//! " at <name of unknown k>" for messages, empty when k is not an index.
std::string where(const BlockTridiagonalSystem& system, int k)
{
    return k >= 0 ? " at " + system.variable_name(k) : "";
}

}  // namespace

SolverReport solve_newton(BlockTridiagonalSystem& system, Eigen::VectorXd& x,
                          const NewtonOptions& options)
{
    const auto start = std::chrono::steady_clock::now();
    SolverReport report;
    report.method = "newton-block-tridiagonal";
    const auto finish = [&](bool converged, std::string message) {
        report.converged = converged;
        report.message = std::move(message);
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return report;
    };

    BlockTridiagonalMatrix jacobian(system.num_blocks(), system.block_size());
    CheckedLinearSolve linear;
    Eigen::VectorXd residual, trial_residual, step, simplified, trial;
    report.residual_norm = INFINITY;  // until the start is evaluated
    ++report.residual_evaluations;
    try {
        system.evaluate(x, residual, &jacobian);
    } catch (const std::exception& e) {
        return finish(false, std::string("the starting point is not valid: ") + e.what());
    }
    double norm = max_norm(residual, &report.worst_index);
    report.residual_norm = norm;
    if (!std::isfinite(norm)) {
        return finish(false, "the residual at the starting point is not finite");
    }
    double lambda = 1.0;
    while (norm > options.tolerance) {
        if (report.iterations >= options.max_iterations) {
            return finish(false, "reached the iteration limit (" +
                                     std::to_string(options.max_iterations) + ")");
        }
        ++report.iterations;
        step = -residual;
        ++report.jacobian_evaluations;
        if (!linear.factorize_and_solve(jacobian, step)) {
            return finish(false,
                          "the Jacobian is singular (block LU found a singular pivot "
                          "block or a non-finite step)");
        }
        // The monotonicity test compares with the full Newton step; a step limited to
        // max_step is that step times `limit`.
        const double step_norm = max_norm(step);
        const double limit = step_norm > options.max_step ? options.max_step / step_norm : 1.0;
        step *= limit;
        // Start from a full step, or from the last accepted damping grown fourfold.
        lambda = std::min(1.0, 4.0 * lambda);
        bool accepted = false;
        std::string trial_error;
        for (int back = 0; back <= options.max_backtracks; ++back, lambda *= 0.5) {
            system.take_step(x, step, lambda, trial);
            ++report.residual_evaluations;
            try {
                system.evaluate(trial, trial_residual, nullptr);
            } catch (const std::exception& e) {
                trial_error = e.what();
                continue;  // a domain error: a shorter step
            }
            const double trial_norm = max_norm(trial_residual);
            if (!std::isfinite(trial_norm)) {
                trial_error = "the residual is not finite";
                continue;
            }
            if (trial_norm <= options.tolerance) {
                accepted = true;
                break;
            }
            simplified = -trial_residual;
            linear.solve_factored(simplified);
            if (max_norm(simplified) <= (1.0 - 0.25 * lambda * limit) * step_norm) {
                accepted = true;
                break;
            }
        }
        if (!accepted) {
            return finish(false, "no damped step passed the monotonicity test (max |F| = " +
                                     std::to_string(norm) + where(system, report.worst_index) +
                                     (trial_error.empty() ? "" : "; last trial: " + trial_error) +
                                     ")");
        }
        x = trial;
        try {
            system.evaluate(x, residual, &jacobian);
        } catch (const std::exception& e) {
            return finish(false,
                          std::string("evaluation failed at an accepted point: ") + e.what());
        }
        ++report.residual_evaluations;
        norm = max_norm(residual, &report.worst_index);
        report.residual_norm = norm;
        if (options.monitor) {
            options.monitor(report.method + " iteration " + std::to_string(report.iterations) +
                            ": max |F| = " + format_number(norm) + ", step " +
                            format_number(lambda * limit) + " of Newton's");
        }
    }
    return finish(true, "");
}

SolverReport solve_pseudo_transient(BlockTridiagonalSystem& system, Eigen::VectorXd& x,
                                    const NewtonOptions& options, double initial_shift)
{
    const auto start = std::chrono::steady_clock::now();
    SolverReport report;
    report.method = "pseudo-transient-newton";
    double norm = INFINITY;  // max |F| at x
    const auto finish = [&](bool converged, std::string message) {
        report.converged = converged;
        report.residual_norm = norm;
        report.message = std::move(message);
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return report;
    };
    BlockTridiagonalMatrix jacobian(system.num_blocks(), system.block_size());
    CheckedLinearSolve linear;
    Eigen::VectorXd residual, trial_residual, step, trial;
    ++report.residual_evaluations;
    try {
        system.evaluate(x, residual, &jacobian);
    } catch (const std::exception& e) {
        return finish(false, std::string("the starting point is not valid: ") + e.what());
    }
    norm = max_norm(residual, &report.worst_index);
    if (!std::isfinite(norm)) {
        return finish(false, "the residual at the starting point is not finite");
    }
    double shift = initial_shift;
    while (norm > options.tolerance) {
        if (report.iterations >= options.max_iterations) {
            return finish(false, "reached the iteration limit (" +
                                     std::to_string(options.max_iterations) + ")");
        }
        ++report.iterations;
        for (auto& block : jacobian.diag) {
            block.diagonal().array() -= shift;
        }
        step = -residual;
        ++report.jacobian_evaluations;
        if (!linear.factorize_and_solve(jacobian, step)) {
            return finish(false, "the shifted Jacobian is singular");
        }
        const double step_norm = max_norm(step);
        if (step_norm > options.max_step) {
            step *= options.max_step / step_norm;
        }
        system.take_step(x, step, 1.0, trial);
        double trial_norm = INFINITY;
        ++report.residual_evaluations;
        try {
            system.evaluate(trial, trial_residual, nullptr);
            trial_norm = max_norm(trial_residual);
        } catch (const std::exception&) {
        }
        if (!std::isfinite(trial_norm)) {
            // A shorter pseudo-time step: a larger shift; the factorization overwrote the
            // Jacobian, so evaluate it again at x (valid: it was accepted before).
            shift = std::max(10.0 * shift, 1e-3);
            try {
                system.evaluate(x, residual, &jacobian);
            } catch (const std::exception& e) {
                return finish(false,
                              std::string("evaluation failed at an accepted point: ") + e.what());
            }
            ++report.residual_evaluations;
            continue;
        }
        x = trial;
        try {
            system.evaluate(x, residual, &jacobian);
        } catch (const std::exception& e) {
            return finish(false,
                          std::string("evaluation failed at an accepted point: ") + e.what());
        }
        ++report.residual_evaluations;
        const double new_norm = max_norm(residual, &report.worst_index);
        shift *= new_norm / norm;
        norm = new_norm;
        if (options.monitor) {
            options.monitor(report.method + " iteration " + std::to_string(report.iterations) +
                            ": max |F| = " + format_number(norm) + ", shift " +
                            format_number(shift));
        }
    }
    return finish(true, "");
}

}  // namespace reesx::solver
