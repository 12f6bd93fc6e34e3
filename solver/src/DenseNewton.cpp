// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Levenberg–Marquardt with the SVD of a dense Jacobian (K. Madsen, H. B. Nielsen and
// O. Tingleff, "Methods for non-linear least squares problems", 2nd ed., IMM DTU 2004,
// algorithm 3.16 with Nielsen's damping update, eq. 3.15). In the SVD basis the damped step
// is exact for every damping: d(mu) = -sum_k s_k / (s_k^2 + mu) (u_k . F) v_k, so raising the
// damping after a failed step costs one evaluation and no factorization.
#include "reesx/solver/DenseNewton.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

namespace reesx::solver {
namespace {

std::string short_number(double value)
{
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

//! Central differences column by column; one-sided where F is not defined on one side.
bool difference_jacobian(const DenseResidual& residual, const Eigen::VectorXd& x,
                         const Eigen::VectorXd& f, double step, Eigen::MatrixXd& jacobian,
                         SolverReport& report)
{
    const Eigen::Index n = x.size();
    jacobian.resize(f.size(), n);
    Eigen::VectorXd shifted = x, plus(f.size()), minus(f.size());
    for (Eigen::Index k = 0; k < n; ++k) {
        const double h = step * std::max(1.0, std::abs(x[k]));
        shifted[k] = x[k] + h;
        const double up = shifted[k];
        const bool has_plus = residual(shifted, plus);
        shifted[k] = x[k] - h;
        const double down = shifted[k];
        const bool has_minus = residual(shifted, minus);
        shifted[k] = x[k];
        report.residual_evaluations += 2;
        if (has_plus && has_minus) {
            jacobian.col(k) = (plus - minus) / (up - down);  // the steps as represented
        } else if (has_plus) {
            jacobian.col(k) = (plus - f) / (up - x[k]);
        } else if (has_minus) {
            jacobian.col(k) = (f - minus) / (x[k] - down);
        } else {
            return false;
        }
    }
    ++report.jacobian_evaluations;
    return jacobian.allFinite();
}

//! The point of the curve {G(x) + lambda psi = 0, phi . (x - x0) = eps} (Keller's bordered
//! system: its matrix [J psi; phi^T 0] is regular at a fold, where J is singular with right
//! and left null vectors phi and psi) from x, by Newton with central-difference Jacobians;
//! lambda = -psi . G there. False when it does not converge.
bool on_fold_curve(const DenseResidual& residual, Eigen::VectorXd& x, double& lambda,
                   const Eigen::VectorXd& x0, const Eigen::VectorXd& phi,
                   const Eigen::VectorXd& psi, double eps, const DenseNewtonOptions& options,
                   SolverReport& report)
{
    const Eigen::Index n = x.size();
    Eigen::VectorXd f(n), rhs(n + 1);
    Eigen::MatrixXd jacobian, bordered(n + 1, n + 1);
    Eigen::PartialPivLU<Eigen::MatrixXd> lu;
    for (int iteration = 0; iteration < 12; ++iteration) {
        ++report.residual_evaluations;
        if (!residual(x, f) || !f.allFinite()) {
            return false;
        }
        rhs.head(n) = -(f + lambda * psi);
        rhs[n] = -(phi.dot(x - x0) - eps);
        if (rhs.cwiseAbs().maxCoeff() <= 0.1 * options.tolerance) {
            return true;
        }
        ++report.iterations;
        // Chord steps: the bordered matrix is formed and factorized on the first iteration and
        // again every fourth (2 N evaluations each), its factors reused in between.
        if (iteration % 4 == 0) {
            if (!difference_jacobian(residual, x, f, options.finite_difference_step, jacobian,
                                     report)) {
                return false;
            }
            bordered.topLeftCorner(n, n) = jacobian;
            bordered.topRightCorner(n, 1) = psi;
            bordered.bottomLeftCorner(1, n) = phi.transpose();
            bordered(n, n) = 0.0;
            lu.compute(bordered);
        }
        const Eigen::VectorXd d = lu.solve(rhs);
        if (!d.allFinite()) {
            return false;
        }
        x += d.head(n);
        lambda += d[n];
    }
    return false;
}

}  // namespace

bool solve_dense_fold(const DenseResidual& residual, Eigen::VectorXd& x,
                      const DenseNewtonOptions& options, SolverReport& report)
{
    // The fold's null direction phi parametrizes a curve on which every closure but the one
    // along psi holds (lambda its residual); a root of G is a root of lambda(eps), a scalar
    // function: bracketed by stepping eps outward from 0 in both directions (doubling), then
    // the Illinois variant of regula falsi.
    const Eigen::Index n = x.size();
    Eigen::VectorXd f(n);
    Eigen::MatrixXd jacobian;
    ++report.residual_evaluations;
    if (n == 0 || !residual(x, f) || !f.allFinite() ||
        !difference_jacobian(residual, x, f, options.finite_difference_step, jacobian, report)) {
        return false;
    }
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(jacobian, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd phi = svd.matrixV().col(n - 1), psi = svd.matrixU().col(n - 1);
    const Eigen::VectorXd x0 = x;
    struct Point {
        double eps = 0.0, lambda = 0.0;
        Eigen::VectorXd x;
    };
    const int first_iteration = report.iterations;
    const auto at = [&](double eps, const Point& from, Point& out) {
        if (report.iterations - first_iteration >= options.max_iterations) {
            report.message = "reached the iteration limit";
            return false;
        }
        out.eps = eps;
        out.x = from.x + (eps - from.eps) * phi;
        out.lambda = from.lambda;
        return on_fold_curve(residual, out.x, out.lambda, x0, phi, psi, eps, options, report);
    };
    Point origin;
    origin.x = x0;
    origin.lambda = -psi.dot(f);
    if (!at(0.0, origin, origin)) {
        return false;
    }
    const auto done = [&](const Point& p) {
        x = p.x;
        return residual(x, f) && f.cwiseAbs().maxCoeff() <= options.tolerance;
    };
    if (std::abs(origin.lambda) <= options.tolerance) {
        return done(origin);
    }
    Point low = origin, high;
    bool bracketed = false;
    // The first point on either side (eps = +-1e-3) decides which side is marched first: the
    // one where |lambda| falls. The other side can wander for seconds where the curve turns
    // (two random cases at the sharp split spent 85 % of their solve on the side where
    // |lambda| grew, and found the root on the other within 50 points).
    constexpr double first_step = 1e-3;
    Point first_plus, first_minus;
    const bool has_plus = at(first_step, origin, first_plus);
    const bool has_minus = at(-first_step, origin, first_minus);
    const bool minus_first =
        has_minus && (!has_plus || std::abs(first_minus.lambda) < std::abs(first_plus.lambda));
    for (const double direction : {minus_first ? -1.0 : 1.0, minus_first ? 1.0 : -1.0}) {
        // Continuation in eps: the step doubles after a point that converged and is halved
        // after one that did not; the predictor is the secant through the last two points.
        Point last = origin, previous, next;
        bool has_previous = false;
        double step = first_step;
        const bool has_first = direction > 0.0 ? has_plus : has_minus;
        if (has_first) {  // the probe above is this side's first point
            next = direction > 0.0 ? first_plus : first_minus;
            if ((next.lambda > 0.0) != (origin.lambda > 0.0)) {
                high = next;
                bracketed = true;
                break;
            }
            previous = last;
            has_previous = true;
            last = next;
            step *= 2.0;
        } else {
            step *= 0.25;
        }
        while (!bracketed && std::abs(last.eps) < 10.0 && step > 1e-7) {
            const double eps = last.eps + direction * step;
            Point from = last;
            if (has_previous) {
                from.x += (eps - last.eps) / (last.eps - previous.eps) * (last.x - previous.x);
                from.eps = eps;
            }
            const bool converged = at(eps, from, next);
            if (!converged) {
                step *= 0.25;
                continue;
            }
            // A flat direction, not a fold: where lambda changed so little over |eps| >= 1 that
            // at that rate it would change sign only beyond 10 times the march's bound (a
            // random Murphree case: 4e-7 relative over 2.7, its smallest singular value 1e-13),
            // this side is left.
            if (std::abs(next.eps) >= 1.0 && std::abs(next.lambda - origin.lambda) * 100.0 <
                                                 std::abs(origin.lambda) * std::abs(next.eps)) {
                break;
            }
            if ((next.lambda > 0.0) != (origin.lambda > 0.0)) {
                low = last;
                high = next;
                bracketed = true;
            }
            previous = last;
            has_previous = true;
            last = next;
            step *= 2.0;
        }
        if (bracketed) {
            break;
        }
    }
    if (!bracketed) {
        report.message = "no sign change of the fold's residual along its null direction";
        return false;
    }
    int side = 0;
    for (int iteration = 0; iteration < 60; ++iteration) {
        const double eps =
            (low.eps * high.lambda - high.eps * low.lambda) / (high.lambda - low.lambda);
        Point mid;
        if (!at(eps, std::abs(eps - low.eps) < std::abs(eps - high.eps) ? low : high, mid)) {
            return false;
        }
        if (std::abs(mid.lambda) <= 0.5 * options.tolerance ||
            std::abs(high.eps - low.eps) <= 1e-15 * std::max(1.0, std::abs(eps))) {
            return done(mid);
        }
        if ((mid.lambda > 0.0) == (low.lambda > 0.0)) {
            low = mid;
            if (side == -1) {
                high.lambda *= 0.5;
            }
            side = -1;
        } else {
            high = mid;
            if (side == 1) {
                low.lambda *= 0.5;
            }
            side = 1;
        }
    }
    return false;
}

bool solve_dense_newton(const DenseResidual& residual, Eigen::VectorXd& x,
                        const DenseNewtonOptions& options, SolverReport& report)
{
    const auto start_time = std::chrono::steady_clock::now();
    const auto finish = [&](bool converged, double max_f) {
        report.residual_norm = max_f;
        report.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
        return converged;
    };
    Eigen::VectorXd f(x.size()), trial_f(x.size()), trial, step, g;
    ++report.residual_evaluations;
    if (x.size() == 0 || !residual(x, f) || !f.allFinite()) {
        report.message = "the residual is not defined at the start";
        return finish(false, INFINITY);
    }
    Eigen::MatrixXd jacobian;
    double mu = 0.0, last_max_f = INFINITY;
    int slow = 0;
    for (int iteration = 0;; ++iteration) {
        const double max_f = f.cwiseAbs().maxCoeff();
        if (options.monitor) {
            options.monitor("dense Levenberg-Marquardt iteration " + std::to_string(iteration) +
                            ": max |F| = " + short_number(max_f));
        }
        if (max_f <= options.tolerance) {
            return finish(true, max_f);
        }
        if (iteration >= options.max_iterations) {
            report.message = "reached the iteration limit";
            return finish(false, max_f);
        }
        // Three iterations that took off less than 1 % each: the local minimum of |F| at a
        // fold (solve_dense_fold's case), not worth more Jacobians.
        slow = max_f > 0.99 * last_max_f ? slow + 1 : 0;
        last_max_f = max_f;
        if (slow >= 3) {
            report.message = "the residual no longer falls";
            return finish(false, max_f);
        }
        ++report.iterations;
        if (!difference_jacobian(residual, x, f, options.finite_difference_step, jacobian,
                                 report)) {
            report.message = "the Jacobian is not finite";
            return finish(false, max_f);
        }
        const Eigen::BDCSVD<Eigen::MatrixXd> svd(jacobian,
                                                 Eigen::ComputeThinU | Eigen::ComputeThinV);
        const Eigen::VectorXd& s = svd.singularValues();
        const double s_max = s.size() > 0 ? s[0] : 0.0;
        if (!(s_max > 0.0)) {
            report.message = "the Jacobian is zero";
            return finish(false, max_f);
        }
        g = svd.matrixU().transpose() * f;
        // Each iteration tries the undamped step first: near a fold the smallest singular
        // value is far below any damping scaled to s_max (measured: 4.6e-7 against 40), and a
        // damping of 1e-6 s_max^2 shrinks the step along it by 1e10, below the evaluation's
        // noise. Failed steps raise the damping from the smallest squared singular value.
        mu = 0.0;
        const double s_min = s[s.size() - 1];
        const double first_damping = std::max(s_min * s_min, 1e-30 * s_max * s_max);
        // Directions whose singular value is below the rounding of the Jacobian carry no
        // information: left out of the undamped step.
        const double cutoff = 1e-15 * s_max;
        const double merit = f.squaredNorm();
        bool accepted = false;
        while (!accepted) {
            Eigen::VectorXd scaled(s.size());
            for (Eigen::Index k = 0; k < s.size(); ++k) {
                scaled[k] = (mu == 0.0 && s[k] <= cutoff) ? 0.0 : -s[k] / (s[k] * s[k] + mu) * g[k];
            }
            step = svd.matrixV() * scaled;
            // Predicted merit: |F + J d|^2, by components in U's basis (and F's part outside it).
            double predicted_drop = 0.0;
            for (Eigen::Index k = 0; k < s.size(); ++k) {
                const double after = g[k] + s[k] * scaled[k];
                predicted_drop += g[k] * g[k] - after * after;
            }
            trial = x + step;
            ++report.residual_evaluations;
            const bool defined = residual(trial, trial_f) && trial_f.allFinite();
            const double actual_drop = defined ? merit - trial_f.squaredNorm() : -INFINITY;
            if (defined && actual_drop > 0.0 && predicted_drop > 0.0) {
                const double rho = actual_drop / predicted_drop;
                x = trial;
                f = trial_f;
                (void)rho;
                accepted = true;
            } else {
                mu = mu == 0.0 ? first_damping : mu * 4.0;
                if (!(mu < 1e20 * s_max * s_max) || step.cwiseAbs().maxCoeff() == 0.0) {
                    // No step reduces |F|: a stationary point of |F|^2, or the rounding of F.
                    if (max_f <= options.noise_floor) {
                        return finish(true, max_f);
                    }
                    report.message = "no damped step reduces the residual";
                    return finish(false, max_f);
                }
            }
        }
    }
}

}  // namespace reesx::solver
