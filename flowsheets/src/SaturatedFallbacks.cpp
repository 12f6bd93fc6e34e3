// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The saturated model's fallbacks when the reduced Newton fails from the theory's start
// (docs/model.md): continuation in the separation factors, the cascade's own dynamics, the
// polish of a full-system solution, and the search along the front direction near the sharp
// split.
#include "CascadeImpl.h"

namespace reesx {

using namespace cascade_detail;

bool Cascade::Impl::start_from_shorter_cascade(Eigen::VectorXd& sigma) const
{
    // Continuation in the stage count: the same flows over half the stages per section
    // (solved the same way, so recursively from shorter still), its per-stage scale stretched
    // over this cascade section by section. The fronts of a long cascade sit where those of
    // the shorter one do, which the theory's flat start does not know.
    const int extraction = spec_.stages_extraction, scrub = spec_.stages_scrub;
    if (!spec_.draws.empty() || solved_stages_ != extraction + scrub || extraction + scrub < 100) {
        return false;
    }
    CaseSpec shorter = spec_;
    shorter.stages_extraction = std::max(1, extraction / 2);
    shorter.stages_scrub = scrub > 0 ? std::max(1, scrub / 2) : 0;
    shorter.efficiency = {1.0, 1.0, 1.0};
    shorter.organic.recycle = false;
    shorter.solver.tolerance = std::max(spec_.solver.tolerance, 1e-9);
    const auto map_stage = [&](int stage) {  // 1-based, extraction or scrub
        if (stage <= extraction) {
            return std::clamp(static_cast<int>(std::lround(static_cast<double>(stage) *
                                                           shorter.stages_extraction / extraction)),
                              1, shorter.stages_extraction);
        }
        return shorter.stages_extraction +
               std::clamp(static_cast<int>(std::lround(static_cast<double>(stage - extraction) *
                                                       shorter.stages_scrub / scrub)),
                          1, shorter.stages_scrub);
    };
    for (auto& feed : shorter.feeds) {
        feed.stage = map_stage(feed.stage);
    }
    CascadeResult r;
    try {
        Impl cascade(shorter);  // a start: its balances need no certificate
        r = cascade.solve_with_loop();
    } catch (const Error&) {
        return false;
    }
    const Eigen::VectorXd short_sigma =
        scale_of(r, shorter.stages_extraction + shorter.stages_scrub);
    if (short_sigma.size() == 0) {
        return false;
    }
    sigma = stretched_scale(short_sigma, shorter.stages_extraction, shorter.stages_scrub);
    return true;
}

bool Cascade::Impl::continue_in_reflux(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                                       Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                       solver::SolverReport& report)
{
    // Continuation in the reflux: the scrub W(t) = t W and the organic S(t) = P + t W, so that
    // the organic product P = S - W stays, from a t where the cascade solves (1/2, 1/4 or 1/8)
    // to t = 1, each corrector from the last scale with the secant predictor. At high reflux
    // the fronts are steep and the theory's flat start far off; at lower reflux they are
    // gentler (a Tm/Er cascade with 9 times its feed in organic failed from the theory's
    // start and converged at a quarter of its scrub in 19 iterations).
    const bool plain = spec_.draws.empty() && !spec_.organic.recycle &&
                       solved_stages_ == spec_.stages_extraction + spec_.stages_scrub &&
                       spec_.scrub && spec_.stages_scrub > 0 && spec_.organic.loading_mol_per_L &&
                       std::all_of(spec_.feeds.begin(), spec_.feeds.end(),
                                   [](const FeedSpec& f) { return f.phase == Phase::aqueous; });
    if (!plain || in_reflux_continuation_) {
        return false;
    }
    const double s = spec_.organic.flow_L_per_h * *spec_.organic.loading_mol_per_L;
    const double w = spec_.scrub->h_mol_per_h() / 3.0;
    if (!(w > 0.0 && s > w)) {
        return false;
    }
    const auto at = [&](double t) {
        CaseSpec c = spec_;
        c.organic.flow_L_per_h *= (s - (1.0 - t) * w) / s;
        c.scrub->flow_L_per_h *= t;
        c.efficiency = {1.0, 1.0, 1.0};
        c.solver.tolerance = std::max(spec_.solver.tolerance, 1e-9);  // loose on the way
        c.solver.max_iterations = std::min(spec_.solver.max_iterations, 400);
        return c;
    };
    const int stages = solved_stages_;
    Eigen::VectorXd current, previous;
    double t = 0.0, previous_t = 0.0;
    for (const double first : {0.5, 0.25, 0.125}) {
        try {
            const CaseSpec c = at(first);
            Impl cascade(c);
            cascade.in_reflux_continuation_ = true;
            current = scale_of(cascade.solve_with_loop(), stages);
        } catch (const Error&) {
            continue;
        }
        if (current.size() == stages) {
            t = first;
            break;
        }
    }
    if (t == 0.0) {
        return false;
    }
    double dt = 0.5 * (1.0 - t);
    solver::NewtonOptions corrector = options;
    corrector.tolerance = std::max(options.tolerance, 1e-9);
    while (t < 1.0 && report.iterations < options.max_iterations) {
        const double next = std::min(1.0, t + dt);
        Eigen::VectorXd trial = current;
        if (previous.size() == stages) {
            trial += (next - t) / (t - previous_t) * (current - previous);
        }
        corrector.max_iterations = std::min(options.max_iterations, report.iterations + 15);
        const int before = report.iterations;
        bool solved = false;
        try {
            const CaseSpec c = at(next);
            Impl cascade(c);
            solved = cascade.newton_on_scale(ln_k, trial, x, corrector, report);
        } catch (const Error&) {
        }
        if (solved) {
            previous = current;
            previous_t = t;
            current = trial;
            t = next;
            if (report.iterations - before <= 5) {
                dt *= 2.0;
            }
        } else if ((dt *= 0.25) < 1e-4) {
            return false;
        }
    }
    if (t < 1.0) {
        return false;
    }
    sigma = current;
    linear_closure_ = false;
    solver::NewtonOptions last = options;
    last.max_iterations = std::min(options.max_iterations, report.iterations + 60);
    return newton_on_scale(ln_k, sigma, x, last, report);
}

bool Cascade::Impl::continue_in_separation_factors(const Eigen::VectorXd& ln_k,
                                                   Eigen::VectorXd& sigma, Eigen::VectorXd& x,
                                                   const solver::NewtonOptions& options,
                                                   solver::SolverReport& report)
{
    // Continuation in the separation factors, ln K(tau) = tau ln K from tau = 0 to 1. At
    // tau = 0 every element behaves alike, so each stage holds the feed's mix at the fixed
    // totals and sigma_j = ln Y_j - ln T_j exactly. Along the path the fronts between elements
    // sharpen where the flows put them (they need not travel, as in time), and each corrector
    // starts from the secant predictor of the last two points.
    const int stages = solved_stages_;
    Eigen::VectorXd current(stages), previous;
    for (int j = 0; j < stages; ++j) {
        current[j] = std::log(conditions_[j].organic_re_mol_per_L / aqueous_re_mol_per_L_[j]);
    }
    double tau = 0.0, previous_tau = 0.0, dtau = 0.25;
    solver::NewtonOptions corrector = options;
    corrector.tolerance = std::max(options.tolerance, 1e-8);  // loose on the way
    while (tau < 1.0 && report.iterations < options.max_iterations) {
        const double next = std::min(1.0, tau + dtau);
        Eigen::VectorXd trial = current;
        if (previous.size() == stages) {
            trial += (next - tau) / (tau - previous_tau) * (current - previous);
        }
        corrector.max_iterations = std::min(options.max_iterations, report.iterations + 12);
        const int before = report.iterations;
        if (newton_on_scale(next * ln_k, trial, x, corrector, report)) {
            previous = current;
            previous_tau = tau;
            current = trial;
            tau = next;
            if (report.iterations - before <= 4) {
                dtau *= 2.0;
            }
        } else if ((dtau *= 0.25) < 1e-4) {
            break;
        }
    }
    sigma = current;
    if (tau < 1.0) {
        report.message = "the continuation in the separation factors stopped at " +
                         std::to_string(tau) + " of them (" + report.message + ")";
        return false;
    }
    // The end point to the case's tolerance.
    return newton_on_scale(ln_k, sigma, x, options, report);
}

bool Cascade::Impl::pseudo_transient_on_scale(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                                              Eigen::VectorXd& x,
                                              const solver::NewtonOptions& options,
                                              solver::SolverReport& report)
{
    // The steady state is where the cascade's own dynamics settle: backward Euler on them
    // (organic saturated at Y_j in every stage, each phase held 1 h per stage) keeps the
    // compositions eliminated (the holdups add positive terms to each element's tridiagonal
    // balances) and leaves a Newton on sigma per step that is easy for short steps. The steps
    // grow fourfold when the last took few iterations; once they are long, Newton on the
    // steady state finishes from there.
    const int stages = solved_stages_;
    Holdup holdup;
    holdup.ln_aqueous_L.resize(stages);
    holdup.ln_organic_L.resize(stages);
    for (int j = 0; j < stages; ++j) {
        holdup.ln_aqueous_L[j] = std::log(std::max(qa_out_[j], 1e-300));
        holdup.ln_organic_L[j] = std::log(std::max(qo_out_[j], 1e-300));
    }
    holdup.ln_source.resize(n_, stages);
    const auto set_source = [&](const Eigen::VectorXd& sig, const Eigen::VectorXd& profile) {
        for (int j = 0; j < stages; ++j) {
            for (int i = 0; i < n_; ++i) {
                const double u = profile[static_cast<Eigen::Index>(j) * block_ + i];
                const double held = log_add(holdup.ln_aqueous_L[j] + u,
                                            holdup.ln_organic_L[j] + u + ln_k[i] + sig[j]);
                holdup.ln_source(i, j) = log_add(ln_feed_(i, j), held + holdup.ln_inverse_step);
            }
        }
    };
    // The start: the compositions of the steady balances' profile at sigma, with every stage
    // at its steady RE totals (aqueous T_j, organic Y_j). The dynamics then keep those totals
    // (the RE flux bookkeeping is stationary), so each step can load the organic.
    Eigen::MatrixXd ln_d(n_, stages);
    for (int j = 0; j < stages; ++j) {
        ln_d.col(j) = ln_k.array() + sigma[j];
    }
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    solve_linear_profiles(ln_d, x);
    for (int j = 0; j < stages; ++j) {
        auto u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
        u.array() += std::log(aqueous_re_mol_per_L_[j]) - log_sum_exp(u);
        sigma[j] = loading_scale(j, u);
    }
    double dt_h = 1e-3;
    solver::NewtonOptions step_options = options;
    step_options.tolerance = std::max(options.tolerance, 1e-6);  // the path need not be exact
    Eigen::VectorXd state = x, trial;
    // Long steps: the steady state itself, from where the dynamics have got to; when Newton
    // fails from there (near the sharp split the front's position is nearly free, and the
    // holdup is what pins it), the steps go on growing and the next try is a hundred times
    // later. A backward Euler step of dt solves F = H dx / dt, so steps of 1e12 h and more
    // leave a steady residual of the order of the tolerance.
    double next_steady_try_h = 1e6;
    for (int steps = 0; steps < 2000 && report.iterations < options.max_iterations; ++steps) {
        if (dt_h > next_steady_try_h) {
            solver::NewtonOptions steady = options;
            steady.max_iterations = report.iterations + 60;
            trial = sigma;
            if (newton_on_scale(ln_k, trial, x, steady, report)) {
                sigma = trial;
                return true;
            }
            x = state;
            next_steady_try_h = 100.0 * dt_h;
            // From here on each step is solved to the case's tolerance: a step whose residual
            // is already below the path's loose tolerance does not move, and at long steps
            // that residual is the steady one, so the dynamics would stop short of it.
            step_options.tolerance = options.tolerance;
        }
        if (!(dt_h < 1e100)) {
            break;  // the steps no longer hold anything back: Newton on the steady state failed
        }
        holdup.ln_inverse_step = -std::log(dt_h);
        set_source(sigma, state);
        trial = sigma;
        step_options.max_iterations = report.iterations + 25;
        const int before = report.iterations;
        if (newton_on_scale(ln_k, trial, x, step_options, report, &holdup)) {
            sigma = trial;
            state = x;
            dt_h *= report.iterations - before <= 5
                        ? 4.0
                        : (report.iterations - before <= 12 ? 2.0 : 1.0);
        } else {
            x = state;
            dt_h *= 0.5;
            if (dt_h < 1e-12) {
                break;
            }
        }
    }
    report.message = "pseudo-transient continuation stopped (" + report.message + ")";
    return false;
}

solver::SolverReport Cascade::Impl::polish_reduced(Eigen::VectorXd& x,
                                                   const solver::NewtonOptions& options)
{
    // sigma_j that loads each stage's organic exactly with the aqueous of x, then Newton.
    const auto start_time = std::chrono::steady_clock::now();
    solver::SolverReport report;
    report.method = "newton-block-tridiagonal (elimination of compositions)";
    const Eigen::VectorXd ln_k = model_.ln_relative_extractability();
    const int stages = solved_stages_;
    Eigen::VectorXd sigma(stages);
    for (int j = 0; j < stages; ++j) {
        sigma[j] = loading_scale(j, x.segment(static_cast<Eigen::Index>(j) * block_, n_));
    }
    report.converged =
        options.max_iterations > 0 && newton_on_scale(ln_k, sigma, x, options, report);
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return report;
}

double cascade_detail::best_along_front(
    const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& closure,
    const Eigen::VectorXd& from, const Eigen::VectorXd& v, double scale,
    Eigen::VectorXd& trial_sigma, Eigen::VectorXd& trial_g)
{
    const auto max_closure = [&](const Eigen::VectorXd& sigma, Eigen::VectorXd& g) {
        try {
            return closure(sigma, g);
        } catch (const Error&) {
            return static_cast<double>(INFINITY);
        }
    };
    std::array<Eigen::VectorXd, 3> at;
    std::array<double, 3> norms{};
    for (int k = 0; k < 3; ++k) {
        at[k].resize(from.size());
        norms[k] = max_closure(from + (k - 1) * scale * v, at[k]);
    }
    double best_t = 0.0;
    if (std::isfinite(norms[0] + norms[1] + norms[2])) {
        const Eigen::VectorXd b = (at[2] - at[0]) / (2.0 * scale);
        const Eigen::VectorXd h = (at[2] - 2.0 * at[1] + at[0]) / (scale * scale);
        double best_model = at[1].squaredNorm();
        for (int k = -400; k <= 400; ++k) {
            const double t = 0.01 * k * scale;
            const double model = (at[1] + t * b + 0.5 * t * t * h).squaredNorm();
            if (model < best_model) {
                best_model = model;
                best_t = t;
            }
        }
    }
    double best_norm = INFINITY;
    if (best_t != 0.0) {
        trial_sigma = from + best_t * v;
        best_norm = max_closure(trial_sigma, trial_g);
    }
    const int best_sample =
        static_cast<int>(std::min_element(norms.begin(), norms.end()) - norms.begin());
    if (!(best_norm <= norms[best_sample]) && std::isfinite(norms[best_sample])) {
        trial_sigma = from + (best_sample - 1) * scale * v;
        best_norm = closure(trial_sigma, trial_g);
    }
    return best_norm;
}

}  // namespace reesx
