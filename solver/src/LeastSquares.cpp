// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Levenberg–Marquardt with Marquardt's diagonal scaling (Moré, "The Levenberg–Marquardt
// algorithm: implementation and theory", Lecture Notes in Mathematics 630, 1978) and bounds by
// projection: a parameter at a bound that the gradient pushes outward is held for the step
// (a simple active set), the others take the damped Gauss–Newton step, clamped to the box.
#include "reesx/solver/LeastSquares.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace reesx {
namespace {

void evaluate_with_jacobian(const LeastSquaresProblem& problem, const Eigen::VectorXd& p,
                            const LeastSquaresOptions& options, Eigen::VectorXd& r,
                            Eigen::MatrixXd& jacobian)
{
    if (problem.analytic_jacobian) {
        problem.evaluate(p, r, &jacobian);
        return;
    }
    problem.evaluate(p, r, nullptr);
    jacobian.resize(r.size(), p.size());
    Eigen::VectorXd shifted = p, r_shifted;
    for (Eigen::Index j = 0; j < p.size(); ++j) {
        double h = options.finite_difference_step * std::max(1.0, std::abs(p[j]));
        if (p[j] + h > problem.upper[j]) {
            h = -h;  // step inside the box
        }
        shifted[j] = p[j] + h;
        problem.evaluate(shifted, r_shifted, nullptr);
        jacobian.col(j) = (r_shifted - r) / h;
        shifted[j] = p[j];
    }
}

//! Pseudo-inverse of the symmetric positive semi-definite `a`, after scaling to unit diagonal
//! (the rank test is then independent of the parameters' units); `deficiency` counts the
//! directions dropped.
Eigen::MatrixXd scaled_pseudo_inverse(const Eigen::MatrixXd& a, int& deficiency)
{
    const Eigen::Index n = a.rows();
    deficiency = 0;
    if (n == 0) {
        return {};
    }
    Eigen::VectorXd scale(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        scale[i] = a(i, i) > 0.0 ? 1.0 / std::sqrt(a(i, i)) : 0.0;
    }
    const Eigen::MatrixXd b = scale.asDiagonal() * a * scale.asDiagonal();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(b);
    const Eigen::VectorXd& values = eig.eigenvalues();
    const double largest = std::max(values.maxCoeff(), 0.0);
    Eigen::VectorXd inverse(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        if (values[i] > 1e-12 * largest && values[i] > 0.0) {
            inverse[i] = 1.0 / values[i];
        } else {
            inverse[i] = 0.0;
            ++deficiency;
        }
    }
    const Eigen::MatrixXd pinv =
        eig.eigenvectors() * inverse.asDiagonal() * eig.eigenvectors().transpose();
    return scale.asDiagonal() * pinv * scale.asDiagonal();
}

}  // namespace

LeastSquaresResult levenberg_marquardt(const LeastSquaresProblem& problem,
                                       const Eigen::VectorXd& start,
                                       const LeastSquaresOptions& options)
{
    const Eigen::Index n = start.size();
    LeastSquaresResult out;
    Eigen::VectorXd p = start.cwiseMax(problem.lower).cwiseMin(problem.upper);
    Eigen::VectorXd r, r_trial;
    Eigen::MatrixXd jacobian;
    evaluate_with_jacobian(problem, p, options, r, jacobian);
    double cost = r.squaredNorm();
    double lambda = 1e-3;
    std::vector<bool> held(static_cast<std::size_t>(n), false);

    const auto hold = [&](const Eigen::VectorXd& gradient) {
        for (Eigen::Index i = 0; i < n; ++i) {
            held[static_cast<std::size_t>(i)] = (p[i] <= problem.lower[i] && gradient[i] > 0.0) ||
                                                (p[i] >= problem.upper[i] && gradient[i] < 0.0);
        }
    };

    for (out.iterations = 0; out.iterations < options.max_iterations; ++out.iterations) {
        const Eigen::VectorXd gradient = jacobian.transpose() * r;
        const Eigen::MatrixXd normal = jacobian.transpose() * jacobian;
        hold(gradient);
        double free_gradient = 0.0;
        for (Eigen::Index i = 0; i < n; ++i) {
            if (!held[static_cast<std::size_t>(i)]) {
                free_gradient = std::max(free_gradient, std::abs(gradient[i]));
            }
        }
        if (free_gradient <= options.gradient_tolerance * std::max(1.0, cost)) {
            out.converged = true;
            break;
        }
        const double largest_diagonal = std::max(normal.diagonal().maxCoeff(), 1e-300);
        bool accepted = false;
        bool small_step = false;
        while (!accepted) {
            Eigen::MatrixXd a = normal;
            Eigen::VectorXd rhs = -gradient;
            for (Eigen::Index i = 0; i < n; ++i) {
                if (held[static_cast<std::size_t>(i)]) {
                    a.row(i).setZero();
                    a.col(i).setZero();
                    a(i, i) = 1.0;
                    rhs[i] = 0.0;
                } else {
                    a(i, i) += lambda * std::max(normal(i, i), 1e-12 * largest_diagonal);
                }
            }
            const Eigen::VectorXd step = a.ldlt().solve(rhs);
            const Eigen::VectorXd trial =
                (p + step).cwiseMax(problem.lower).cwiseMin(problem.upper);
            const Eigen::VectorXd taken = trial - p;
            small_step = taken.norm() <= options.relative_step_tolerance *
                                             (p.norm() + options.relative_step_tolerance);
            problem.evaluate(trial, r_trial, nullptr);
            const double trial_cost = r_trial.allFinite() ? r_trial.squaredNorm()
                                                          : std::numeric_limits<double>::infinity();
            if (trial_cost <= cost) {
                p = trial;
                const double previous = cost;
                evaluate_with_jacobian(problem, p, options, r, jacobian);
                cost = r.squaredNorm();
                lambda = std::max(lambda / 3.0, 1e-12);
                accepted = true;
                if (small_step || previous - cost <= 1e-15 * previous) {
                    out.converged = true;
                }
            } else {
                lambda *= 4.0;
                if (lambda > 1e16 || small_step) {
                    // No step lowers the cost: a minimum to working precision.
                    out.converged = true;
                    break;
                }
            }
        }
        if (out.converged) {
            break;
        }
    }

    out.parameters = p;
    out.residuals = r;
    out.jacobian = jacobian;
    out.cost = cost;
    const Eigen::VectorXd gradient = jacobian.transpose() * r;
    hold(gradient);
    out.at_bound.assign(held.begin(), held.end());
    Eigen::MatrixXd normal = jacobian.transpose() * jacobian;
    for (Eigen::Index i = 0; i < n; ++i) {
        if (held[static_cast<std::size_t>(i)]) {
            normal.row(i).setZero();
            normal.col(i).setZero();
        }
    }
    int deficiency = 0;
    out.unscaled_covariance = scaled_pseudo_inverse(normal, deficiency);
    const auto held_count = std::count(held.begin(), held.end(), true);
    out.rank_deficiency = std::max(0, deficiency - static_cast<int>(held_count));
    return out;
}

}  // namespace reesx
