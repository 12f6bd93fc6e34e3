// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Newton on the per-stage scale of the separation-factor model with Murphree efficiencies
// below 1 and the compositions eliminated (docs/model.md, "Murphree stages, reduced"): for
// a fixed scale sigma each element's stage relations are linear (two unknowns per stage,
// aqueous and organic leaving) and are solved exactly by a log-space recursion of
// non-negative terms; only the loading closure per stage is iterated.
#include "CascadeImpl.h"
#include "reesx/solver/BandLu.h"

namespace reesx {

using namespace cascade_detail;

namespace {

//! ln(e^a + e^b) element-wise, -inf where both are -inf (weights below e^-708 are 0, as in
//! LogSum: they cannot change a sum >= 1 and would cost subnormal arithmetic).
Eigen::ArrayXd log_add_array(const Eigen::ArrayXd& a, const Eigen::ArrayXd& b)
{
    Eigen::ArrayXd out(a.size());
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        out[i] = log_add(a[i], b[i]);
    }
    return out;
}

//! exp(a) with arguments below -708 (subnormal results) taken as 0.
Eigen::ArrayXd weight(const Eigen::ArrayXd& a)
{
    return (a < -708.0).select(0.0, a.max(-708.0).exp());
}

}  // namespace

bool Cascade::Impl::murphree_profiles(const Eigen::MatrixXd& ln_d,
                                      const std::vector<double>& efficiency,
                                      Eigen::VectorXd& x) const
{
    // Per element, with d_j its distribution ratio at stage j (q* = d c), mu_j = (1 - E_j) rho_j /
    // Qo_in(j) and kappa_j = 1 - Qo_out(j) mu_j:
    //   balance   Qa_out c_j + Qo_out q_j = Qa_down(j+1) c_j+1 + Qo_up(j-1) q_j-1 + F_j
    //   Murphree  q_j = E_j d_j c_j + mu_j (Qo_up(j-1) q_j-1 + Fo_j)
    // Eliminating upward, q_j-1 = A_j-1 c_j + G_j-1 and c_j = alpha_j c_j+1 + beta_j with
    //   N_j = E_j d_j + mu_j Qo_up(j-1) A_j-1      (organic leaving per unit c_j)
    //   P_j = H_j + Qo_out(j) N_j,  H_j = Qa_out(j) - Qo_up(j-1) A_j-1
    //   H_j = (Qa_out(j) - Qa_down(j)) + Qa_down(j) (H_j-1 + Qo_drawn(j-1) N_j-1) / P_j-1
    //   alpha_j = Qa_down(j+1) / P_j,  A_j = N_j alpha_j
    //   beta_j = (kappa_j Qo_up(j-1) G_j-1 + F_j - (1 - kappa_j) Fo_j) / P_j
    //   G_j = N_j beta_j + mu_j (Qo_up(j-1) G_j-1 + Fo_j)
    // Every term is non-negative (kappa_j >= E_j since rho_j <= 1 where E_j < 1), so the
    // recursion is carried in logarithms without cancellation, as the E = 1 recursion of
    // solve_linear_profiles (to which it reduces for E = 1).
    const int stages = solved_stages_;
    Eigen::ArrayXXd ln_alpha(n_, stages), ln_beta(n_, stages), ln_a(n_, stages), ln_g(n_, stages);
    Eigen::ArrayXd ln_n(n_), ln_h(n_), ln_p(n_), prev_ln_n(n_), prev_ln_h(n_), prev_ln_p(n_);
    for (int j = 0; j < stages; ++j) {
        const double e = efficiency[j];
        const double mixed = (1.0 - e) * rho_[j];
        const double kappa = 1.0 - mixed * qo_out_[j] / qo_in_[j];
        if (!(kappa >= 0.0)) {
            return false;  // an organic that gains RE across a Murphree stage: not this form
        }
        const double ln_mu = mixed > 0.0 ? std::log(mixed / qo_in_[j]) : neg_inf;
        const Eigen::ArrayXd ln_fo =
            organic_feed_mol_per_h_.col(j).array().unaryExpr([](double f) { return safe_log(f); });
        Eigen::ArrayXd source(n_);
        for (int i = 0; i < n_; ++i) {
            source[i] = safe_log(std::max(
                0.0, feed_mol_per_h_(i, j) - (1.0 - kappa) * organic_feed_mol_per_h_(i, j)));
        }
        const Eigen::ArrayXd ln_eq = ln_d.col(j).array() + std::log(e);
        if (j == 0) {
            ln_n = ln_eq;
            ln_h.setConstant(safe_log(qa_out_[j]));
        } else {
            ln_n = log_add_array(ln_eq, ln_mu + ln_qo_up_[j - 1] + ln_a.col(j - 1));
            const Eigen::ArrayXd t =
                weight(log_add_array(prev_ln_h, prev_ln_n + ln_qo_drawn_[j - 1]) - prev_ln_p) *
                    qa_down_[j] +
                (qa_out_[j] - qa_down_[j]);
            ln_h = (t > 0.0).select(t.log(), neg_inf);
        }
        ln_p = log_add_array(ln_h, ln_n + ln_qo_out_[j]);
        ln_alpha.col(j) = (j + 1 < stages ? ln_qa_down_[j + 1] : neg_inf) - ln_p;
        ln_a.col(j) = ln_n + ln_alpha.col(j);
        const Eigen::ArrayXd ln_carried = j > 0 ? Eigen::ArrayXd(ln_qo_up_[j - 1] + ln_g.col(j - 1))
                                                : Eigen::ArrayXd::Constant(n_, neg_inf);
        ln_beta.col(j) = log_add_array(std::log(kappa) + ln_carried, source) - ln_p;
        ln_g.col(j) =
            log_add_array(ln_n + ln_beta.col(j), ln_mu + log_add_array(ln_carried, ln_fo));
        prev_ln_n = ln_n;
        prev_ln_h = ln_h;
        prev_ln_p = ln_p;
    }
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    Eigen::ArrayXd u = ln_beta.col(stages - 1), v = ln_g.col(stages - 1);
    bool finite = u.allFinite() && v.allFinite();
    for (int j = stages - 1; j >= 0; --j) {
        if (j + 1 < stages) {
            v = log_add_array(ln_a.col(j) + u, ln_g.col(j));
            u = log_add_array(ln_alpha.col(j) + u, ln_beta.col(j));
            finite = finite && u.allFinite() && v.allFinite();
        }
        x.segment(static_cast<Eigen::Index>(j) * block_, n_) = u.matrix();
        x.segment(static_cast<Eigen::Index>(j) * block_ + n_, n_) = v.matrix();
    }
    return finite;
}

bool Cascade::Impl::murphree_on_scale(Eigen::VectorXd& sigma, Eigen::VectorXd& x,
                                      const std::vector<double>& efficiency,
                                      const solver::NewtonOptions& options,
                                      solver::SolverReport& report)
{
    // Newton on G_j(sigma) = ln sum_i K_i c_ij + sigma_j - ln Y_j (the equilibrium organic
    // holds the stage's fixed load) with (c, q) eliminated by murphree_profiles. Its step is
    // the sigma part of the Newton step of the whole (u = ln c, v = ln q, sigma) system at a
    // point where the balances and Murphree relations hold exactly, solved with the
    // cascade's block structure (upper blocks diagonal: the aqueous from the stage above).
    const int stages = solved_stages_, m = 2 * n_ + 1;
    const Eigen::ArrayXd ln_k = model_.ln_relative_extractability().array();
    Eigen::VectorXd ln_y(stages), g(stages), trial_sigma, trial_g(stages);
    for (int j = 0; j < stages; ++j) {
        ln_y[j] = std::log(conditions_[j].organic_re_mol_per_L);
    }
    Eigen::MatrixXd ln_d(n_, stages);
    // Points of this cascade's own efficiencies are the last resort's starts (best_murphree_).
    const bool own_efficiencies = efficiency == efficiency_;
    const auto profiles_and_closure = [&](const Eigen::VectorXd& s, Eigen::VectorXd& out) {
        ++report.residual_evaluations;
        for (int j = 0; j < stages; ++j) {
            ln_d.col(j) = (ln_k + s[j]).matrix();
        }
        if (!murphree_profiles(ln_d, efficiency, x)) {
            return static_cast<double>(INFINITY);
        }
        for (int j = 0; j < stages; ++j) {
            out[j] = log_sum_exp(model_.ln_relative_extractability() +
                                 x.segment(static_cast<Eigen::Index>(j) * block_, n_)) +
                     s[j] - ln_y[j];
        }
        const double norm = out.cwiseAbs().maxCoeff();
        if (own_efficiencies && norm < best_murphree_closure_) {
            best_murphree_closure_ = norm;
            best_murphree_sigma_ = s;
        }
        return std::isfinite(norm) ? norm : static_cast<double>(INFINITY);
    };
    // Jacobian coefficients per element and stage (rows in ln form: ln in - ln out for the
    // balance, ln mix - v for the Murphree relation; each weight is a term over its sum).
    Eigen::ArrayXXd w_aq(n_, stages), w_org(n_, stages), from_above(n_, stages),
        from_below(n_, stages), w_star(n_, stages), w_link(n_, stages), w_closure(n_, stages);
    const auto jacobian = [&] {
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index r0 = static_cast<Eigen::Index>(j) * block_;
            const Eigen::ArrayXd u = x.segment(r0, n_).array(), v = x.segment(r0 + n_, n_).array();
            const Eigen::ArrayXd ln_out = log_add_array(u + ln_qa_out_[j], v + ln_qo_out_[j]);
            w_aq.col(j) = weight(u + ln_qa_out_[j] - ln_out);
            w_org.col(j) = weight(v + ln_qo_out_[j] - ln_out);
            Eigen::ArrayXd ln_in = ln_feed_.col(j).array();
            Eigen::ArrayXd above = Eigen::ArrayXd::Constant(n_, neg_inf), below = above;
            if (j + 1 < stages && qa_down_[j + 1] > 0.0) {
                above = x.segment(r0 + block_, n_).array() + ln_qa_down_[j + 1];
                ln_in = log_add_array(ln_in, above);
            }
            if (j > 0 && qo_up_[j - 1] > 0.0) {
                below = x.segment(r0 - block_ + n_, n_).array() + ln_qo_up_[j - 1];
                ln_in = log_add_array(ln_in, below);
            }
            from_above.col(j) = weight(above - ln_in);
            from_below.col(j) = weight(below - ln_in);
            // Murphree: mix = (1 - E) rho (Qo_up q_j-1 + Fo) / Qo_in + E d c.
            const double e = efficiency[j], mixed = (1.0 - e) * rho_[j];
            const Eigen::ArrayXd star = ln_k + (sigma[j] + std::log(e)) + u;
            Eigen::ArrayXd link = Eigen::ArrayXd::Constant(n_, neg_inf);
            if (mixed > 0.0 && j > 0 && qo_up_[j - 1] > 0.0) {
                link = below + std::log(mixed / qo_in_[j]);
            }
            const Eigen::ArrayXd ln_fo = organic_feed_mol_per_h_.col(j).array().unaryExpr(
                [](double f) { return safe_log(f); });
            Eigen::ArrayXd ln_mix = log_add_array(star, link);
            if (mixed > 0.0) {
                ln_mix = log_add_array(ln_mix, ln_fo + std::log(mixed / qo_in_[j]));
            }
            w_star.col(j) = weight(star - ln_mix);
            w_link.col(j) = weight(link - ln_mix);
            const Eigen::ArrayXd a = ln_k + u;
            w_closure.col(j) = weight(a - log_sum_exp(a.matrix()));
        }
    };
    // J v, block-major (u, v, sigma) per stage; with sign = 1 and |v|: |J| |v|.
    const auto jacobian_times = [&](const Eigen::VectorXd& in, double sign = -1.0) {
        Eigen::VectorXd out(in.size());
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index b = static_cast<Eigen::Index>(j) * m;
            const Eigen::ArrayXd u = in.segment(b, n_).array(), v = in.segment(b + n_, n_).array();
            const double s = in[b + 2 * n_];
            Eigen::ArrayXd balance = sign * (w_aq.col(j) * u + w_org.col(j) * v);
            Eigen::ArrayXd murphree = sign * v + w_star.col(j) * (u + s);
            if (j + 1 < stages) {
                balance += from_above.col(j) * in.segment(b + m, n_).array();
            }
            if (j > 0) {
                const Eigen::ArrayXd v_below = in.segment(b - m + n_, n_).array();
                balance += from_below.col(j) * v_below;
                murphree += w_link.col(j) * v_below;
            }
            out.segment(b, n_) = balance.matrix();
            out.segment(b + n_, n_) = murphree.matrix();
            out[b + 2 * n_] = (w_closure.col(j) * u).sum() + s;
        }
        return out;
    };
    static thread_local solver::DiagonalUpperBlockTridiagonal structured;
    if (structured.num_blocks() != stages || structured.block_size() != m) {
        structured.resize(stages, m);
    }
    solver::BandLu band;
    bool banded = false;
    // The same Jacobian with full blocks, for the band LU (from the coefficients: the
    // structured matrix holds its factors once factorized).
    const auto diagonal_block = [&](int j, auto&& d) {
        d.setZero();
        d.diagonal().head(n_) = -w_aq.col(j).matrix();
        d.diagonal().segment(n_, n_).setConstant(-1.0);
        for (int i = 0; i < n_; ++i) {
            d(i, n_ + i) = -w_org(i, j);
            d(n_ + i, i) = w_star(i, j);
            d(n_ + i, 2 * n_) = w_star(i, j);
            d(2 * n_, i) = w_closure(i, j);
        }
        d(2 * n_, 2 * n_) = 1.0;
    };
    const auto lower_block = [&](int j, auto&& l) {
        l.setZero();
        for (int i = 0; i < n_; ++i) {
            l(i, n_ + i) = from_below(i, j);
            l(n_ + i, n_ + i) = w_link(i, j);
        }
    };
    const auto general_jacobian = [&] {
        solver::BlockTridiagonalMatrix a(stages, m);
        a.set_zero();
        for (int j = 0; j < stages; ++j) {
            diagonal_block(j, a.diag[j]);
            if (j > 0) {
                lower_block(j, a.lower[j]);
            }
            if (j + 1 < stages) {
                a.upper[j].diagonal().head(n_) = from_above.col(j).matrix();
            }
        }
        return a;
    };
    // Solves J v = b (b in v), checked against J: refined with the same factors, and the
    // band LU with partial pivoting across blocks where that does not reach 1e-10 |b|.
    const auto solve = [&](Eigen::VectorXd& v) {
        if (banded) {
            band.solve(v);
            return true;
        }
        const Eigen::VectorXd b = v;
        structured.solve(v);
        const double bound = 1e-10 * std::max(1.0, b.cwiseAbs().maxCoeff());
        for (int k = 0; k < 3; ++k) {
            Eigen::VectorXd correction = b - jacobian_times(v);
            if (correction.allFinite() && correction.cwiseAbs().maxCoeff() <= bound) {
                return true;
            }
            if (!v.allFinite() || !correction.allFinite()) {
                break;
            }
            structured.solve(correction);
            v += correction;
        }
        banded = band.factorize(general_jacobian());
        if (banded) {
            v = b;
            band.solve(v);
        }
        return banded && v.allFinite();
    };
    Eigen::VectorXd rhs(static_cast<Eigen::Index>(stages) * m), step(stages);
    const auto sigma_part = [&](const Eigen::VectorXd& r, Eigen::VectorXd& s) {
        for (int j = 0; j < stages; ++j) {
            s[j] = r[static_cast<Eigen::Index>(j) * m + 2 * n_];
        }
    };
    const auto closure_rhs = [&](const Eigen::VectorXd& closure) {
        rhs.setZero();
        for (int j = 0; j < stages; ++j) {
            rhs[static_cast<Eigen::Index>(j) * m + 2 * n_] = -closure[j];
        }
    };
    double norm = profiles_and_closure(sigma, g);
    const auto rounding_floor = [&] {
        // The rounding of the closure itself (a sum of terms as large as |sigma| and |ln Y|).
        return 1e3 * std::numeric_limits<double>::epsilon() *
               (1.0 + sigma.cwiseAbs().maxCoeff() + ln_y.cwiseAbs().maxCoeff());
    };
    // Near the sharp split the last closure is implied by the RE conservation of the whole
    // cascade up to impurity-level terms, and the step carries an arbitrary multiple of the
    // direction v that moves no other closure (newton_on_scale, "near_singular"). When the
    // line search stalls, the step is taken without its v component, then the best point
    // along v from a quadratic model of G (three evaluations); the best evaluated point is
    // kept.
    bool near_singular = false;
    const auto singular_step = [&](Eigen::VectorXd& d) {
        rhs.setZero();
        rhs[static_cast<Eigen::Index>(stages - 1) * m + 2 * n_] = 1.0;
        Eigen::VectorXd v(stages);
        if (!solve(rhs)) {
            return static_cast<double>(INFINITY);
        }
        sigma_part(rhs, v);
        v.normalize();
        if (!v.allFinite() || !d.allFinite()) {
            return static_cast<double>(INFINITY);
        }
        d -= v.dot(d) * v;
        return best_along_front(profiles_and_closure, sigma + d, v, std::max(std::sqrt(norm), 1e-6),
                                trial_sigma, trial_g);
    };
    double lambda = 1.0;
    while (!(norm <= options.tolerance)) {
        say("reduced Newton with Murphree stages, iteration " + std::to_string(report.iterations) +
            ": max |closure| = " + fmt(norm, 3));
        if (!std::isfinite(norm) || report.iterations >= options.max_iterations) {
            report.message =
                std::isfinite(norm) ? "reached the iteration limit" : "the closure is not finite";
            break;
        }
        ++report.iterations;
        ++report.jacobian_evaluations;
        jacobian();
        for (int j = 0; j < stages; ++j) {
            diagonal_block(j, structured.diag(j));
            if (j + 1 < stages) {
                structured.upper[j].setZero();
                structured.upper[j].head(n_) = from_above.col(j).matrix();
            }
            if (j > 0) {
                lower_block(j, structured.lower(j));
            }
        }
        banded = false;
        if (!structured.factorize()) {
            banded = band.factorize(general_jacobian());
            if (!banded) {
                report.message = "the Jacobian is singular";
                break;
            }
        }
        closure_rhs(g);
        if (!solve(rhs)) {
            report.message = "the Jacobian is singular";
            break;
        }
        sigma_part(rhs, step);
        if (near_singular) {
            const double trial_norm = singular_step(step);
            if (trial_norm < norm) {
                sigma = trial_sigma;
                g = trial_g;
                norm = trial_norm;
                continue;
            }
            profiles_and_closure(sigma, g);  // restore x for sigma
            if (norm <= rounding_floor()) {
                report.residual_norm = norm;
                return true;
            }
            report.message = "no step across or along the front direction reduces the closure";
            break;
        }
        // Deuflhard's natural monotonicity test (as newton_on_scale): the simplified
        // correction at the trial point, with the same factors, must shrink.
        const double full_norm = step.cwiseAbs().maxCoeff();
        const double limit = full_norm > options.max_step ? options.max_step / full_norm : 1.0;
        step *= limit;
        bool accepted = false;
        lambda = std::min(1.0, 4.0 * lambda);
        Eigen::VectorXd simplified_step(stages);
        for (int back = 0; back <= options.max_backtracks; ++back, lambda *= 0.5) {
            trial_sigma = sigma + lambda * step;
            const double trial_norm = profiles_and_closure(trial_sigma, trial_g);
            if (!std::isfinite(trial_norm)) {
                continue;
            }
            bool passes = trial_norm <= options.tolerance;
            if (!passes) {
                closure_rhs(trial_g);
                if (!solve(rhs)) {
                    continue;
                }
                sigma_part(rhs, simplified_step);
                // The closure itself may not grow much either: near the sharp split the
                // simplified correction shrinks along the front direction while G jumps.
                passes = simplified_step.cwiseAbs().maxCoeff() <=
                             (1.0 - 0.25 * lambda * limit) * full_norm &&
                         trial_norm < 2.0 * norm;
            }
            if (passes) {
                sigma = trial_sigma;
                g = trial_g;
                norm = trial_norm;
                accepted = true;
                break;
            }
        }
        if (!accepted) {
            profiles_and_closure(sigma, g);  // restore x for sigma
        }
        if ((!accepted || lambda * limit < 1e-3) && norm < 1e-3) {
            near_singular = true;  // Newton stalls: the front direction apart from here on
        } else if (!accepted) {
            report.message = "the line search could not reduce the closure residual";
            break;
        }
    }
    report.residual_norm = norm;
    return norm <= options.tolerance;
}

solver::SolverReport Cascade::Impl::solve_reduced_murphree(const Eigen::VectorXd& start_sigma,
                                                           Eigen::VectorXd& x,
                                                           const solver::NewtonOptions& given)
{
    // At most 100 iterations here in all: on the seeded random set the continuation converged
    // within 83 where it converged before the full Newton did; one that took 482 (99 stages,
    // near the sharp split) spent 8.8 s where the full Newton after it needs 1.2 s.
    solver::NewtonOptions options = given;
    options.max_iterations = std::min(given.max_iterations, 100);
    const auto start_time = std::chrono::steady_clock::now();
    solver::SolverReport report;
    report.method = "newton-block-tridiagonal (elimination of compositions, Murphree stages)";
    const int stages = solved_stages_;
    const auto finish = [&](bool converged) {
        report.converged = converged;
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
        say(std::string("reduced Newton with Murphree stages ") +
            (converged ? "converged" : "stopped (" + report.message + ")") +
            ": max |closure| = " + fmt(report.residual_norm, 3) + " after " +
            std::to_string(report.iterations) + " iterations");
        return report;
    };
    murphree_sigma_.resize(0);
    if (start_sigma.size() != stages) {
        report.message = "no start";
        return finish(false);
    }
    best_murphree_sigma_.resize(0);
    best_murphree_closure_ = INFINITY;
    // Directly from the start (the ideal-stage solution, whose fronts are near).
    Eigen::VectorXd sigma = start_sigma;
    solver::NewtonOptions direct = options;
    direct.max_iterations = std::min(options.max_iterations, 40);
    if (murphree_on_scale(sigma, x, efficiency_, direct, report)) {
        murphree_sigma_ = sigma;
        return finish(true);
    }
    // Continuation in the efficiencies from the ideal stages, E(t) = 1 - t (1 - E), each
    // point solved by the same Newton from the last; the step in t halves when a point does
    // not converge and grows after one that does. Every point is a steady state of a
    // feasible cascade (the same flows, other efficiencies), and the solution moves
    // continuously with t.
    sigma = start_sigma;
    double t = 0.0, dt = 0.25;
    std::vector<double> efficiency(efficiency_.size());
    while (t < 1.0 && dt > 1.0 / 1024.0 && report.iterations < options.max_iterations) {
        const double next = std::min(1.0, t + dt);
        for (std::size_t j = 0; j < efficiency.size(); ++j) {
            efficiency[j] = 1.0 - next * (1.0 - efficiency_[j]);
        }
        Eigen::VectorXd trial = sigma;
        solver::NewtonOptions point = options;
        // A point at a fold of the front (near the sharp split) converges only linearly.
        point.max_iterations = std::min(options.max_iterations, report.iterations + 60);
        if (murphree_on_scale(trial, x, efficiency, point, report)) {
            sigma = trial;
            t = next;
            dt = std::min(0.5, 2.0 * dt);
        } else {
            dt *= 0.5;
        }
    }
    if (t < 1.0) {
        report.message = "the continuation in the efficiencies stalled at " + fmt(t, 3);
        // Near the sharp split the last resort (FoldFallback.cpp), with an allowance of its
        // own as for the ideal stages, from the best point of this cascade's efficiencies.
        if (report.iterations < given.max_iterations && dense_murphree_on_scale(x, given, report)) {
            return finish(true);
        }
        return finish(false);
    }
    // The last point used `efficiency`, equal to efficiency_ at t = 1: x holds its profiles.
    murphree_sigma_ = sigma;
    return finish(true);
}

bool Cascade::Impl::linear_murphree_start(Eigen::VectorXd& x)
{
    // A model whose distribution ratios do not depend on the compositions (constant-
    // distribution): ln q* - ln c is the same at two profiles, and then one linear solve is
    // the steady state with Murphree stages as with ideal ones.
    const int stages = solved_stages_;
    Eigen::MatrixXd ln_d(n_, stages);
    for (int j = 0; j < stages; ++j) {
        for (const double at : {0.0, -2.3}) {
            const Eigen::VectorXd u =
                Eigen::VectorXd::Constant(n_, at) + Eigen::VectorXd::LinSpaced(n_, 0.0, 0.7 * at);
            model_.equilibrium(conditions_[j], u, ln_q_star_[j], jac_q_star_[j]);
            const Eigen::VectorXd d = ln_q_star_[j] - u;
            if (at == 0.0) {
                ln_d.col(j) = d;
            } else if (!d.isApprox(ln_d.col(j), 1e-14) || !d.allFinite()) {
                return false;
            }
        }
    }
    Eigen::VectorXd profiles;
    if (!murphree_profiles(ln_d, efficiency_, profiles)) {
        return false;
    }
    x = profiles;
    return true;
}

}  // namespace reesx
