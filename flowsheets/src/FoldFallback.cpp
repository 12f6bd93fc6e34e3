// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The separation-factor model's last resort near the sharp split (docs/model.md, fallback 6):
// Levenberg–Marquardt on the per-stage closures with the dense reduced Jacobian and its SVD,
// from the best iterate of the fallbacks before it.
#include "CascadeImpl.h"
#include "reesx/solver/DenseNewton.h"

namespace reesx {

using namespace cascade_detail;

namespace {

//! Nesting of the nearby cascades' solves (from_nearby_scrub, nearby_murphree_sigma): a
//! nearby cascade does not look for a nearby one itself.
thread_local int nearby_depth = 0;

//! Whether the cascade has a nearby one with the scrub slightly off to start from: not from
//! inside one, and only with a scrub, an open organic and no strip section solved.
bool has_nearby_scrub(const Cascade::Impl& impl)
{
    return nearby_depth == 0 && impl.spec_.scrub && impl.spec_.scrub->flow_L_per_h > 0.0 &&
           !impl.spec_.organic.recycle &&
           impl.solved_stages_ == impl.spec_.stages_extraction + impl.spec_.stages_scrub;
}

//! The steady state from that of the same cascade with the scrub slightly off (see the
//! comment inside); true when Newton converged from there (sigma, x as newton_on_scale's).
bool from_nearby_scrub(Cascade::Impl& impl, const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                       Eigen::VectorXd& x, const solver::NewtonOptions& options,
                       solver::SolverReport& report)
{
    // Exactly at the sharp split (S - W = f_A) the reduced Newton can stall at a point where
    // max |G| has a local minimum of 1e-7 (G along the left singular vector of a fold with
    // no root on this side of it: measured s_min 4.6e-7 against s_max 40, and G doubling
    // over 0.5 in sigma along the null direction), while the cascades with the scrub 1e-8 off
    // it converge in 0.3 s and their products differ from each other by 1e-6 relative: the
    // steady state moves continuously with W through the split. So: the same cascade with the
    // scrub 1e-6 off, in either direction, and Newton from its sigma.
    const int stages = impl.solved_stages_;
    if (!has_nearby_scrub(impl)) {
        return false;
    }
    ++nearby_depth;
    struct Leave {
        ~Leave() { --nearby_depth; }
    } const leave;
    for (const double delta : {1e-6, -1e-6}) {
        if (report.iterations >= options.max_iterations) {
            break;
        }
        CaseSpec nearby = impl.spec_;
        nearby.scrub->flow_L_per_h *= 1.0 + delta;
        nearby.efficiency = {1.0, 1.0, 1.0};
        Eigen::VectorXd start;
        try {
            Cascade::Impl cascade(nearby);  // a start: its balances need no certificate
            const CascadeResult r = cascade.solve_with_loop();
            start = cascade.reduced_sigma_.size() == stages ? cascade.reduced_sigma_
                                                            : impl.scale_of(r, stages);
        } catch (const Error&) {
            continue;
        }
        if (start.size() != stages) {
            continue;
        }
        solver::NewtonOptions direct = options;
        direct.max_iterations = std::min(options.max_iterations, report.iterations + 60);
        impl.linear_closure_ = false;
        Eigen::VectorXd trial = start;
        const bool converged = impl.newton_on_scale(ln_k, trial, x, direct, report);
        impl.say(std::string("reduced Newton from the cascade with the scrub ") + fmt(delta, 2) +
                 " off " + (converged ? "converged" : "stopped"));
        if (converged) {
            sigma = trial;
            return true;
        }
    }
    return false;
}

//! mol/h between the organic product's RE and the nearest sharp split: the feed of the k
//! most extractable elements, for any k.
double distance_to_sharp_split(const Cascade::Impl& impl)
{
    const Eigen::VectorXd ln_k = impl.model_.ln_relative_extractability();
    const Eigen::VectorXd feed = impl.feed_mol_per_h_.rowwise().sum();
    std::vector<int> order(static_cast<std::size_t>(ln_k.size()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return ln_k[a] > ln_k[b]; });
    double above = 0.0, distance = impl.organic_product_re_mol_per_h_;
    for (const int i : order) {
        above += feed[i];
        distance = std::min(distance, std::abs(impl.organic_product_re_mol_per_h_ - above));
    }
    return distance;
}

//! The Murphree closures' sigma (murphree_on_scale's) of the same cascade with the scrub
//! `delta` (relative) off, its efficiencies kept; empty where that does not apply or solve.
Eigen::VectorXd nearby_murphree_sigma(const Cascade::Impl& impl, double delta)
{
    const int stages = impl.solved_stages_;
    if (!has_nearby_scrub(impl)) {
        return {};
    }
    ++nearby_depth;
    struct Leave {
        ~Leave() { --nearby_depth; }
    } const leave;
    CaseSpec nearby = impl.spec_;
    nearby.scrub->flow_L_per_h *= 1.0 + delta;
    try {
        // A start only: the reduced Newtons with a few hundred iterations, not the fallbacks
        // after them (a case far from the split spent 0.7 s per nearby cascade in them).
        Cascade::Impl cascade(nearby);
        if (!(distance_to_sharp_split(impl) <= std::abs(cascade.organic_product_re_mol_per_h_ -
                                                        impl.organic_product_re_mol_per_h_))) {
            return {};  // on the same side of every cut as this cascade: no other steady state
        }
        solver::NewtonOptions options;
        options.tolerance = impl.tolerance_scale_ * impl.spec_.solver.tolerance;
        options.max_iterations = std::min(impl.spec_.solver.max_iterations, 300);
        Eigen::VectorXd x;
        if (cascade.m_ == 0 && cascade.solve_reduced(x, options).converged &&
            cascade.reduced_sigma_.size() == stages &&
            cascade.solve_reduced_murphree(cascade.reduced_sigma_, x, options).converged &&
            cascade.murphree_sigma_.size() == stages) {
            return cascade.murphree_sigma_;
        }
    } catch (const Error&) {
    }
    return {};
}

//! The closures G_j = ln sum_i K_i c_ij + sigma_j - ln Y_j of the profiles x at the scales s;
//! false where one is not finite.
bool closures_of_profiles(const Cascade::Impl& impl, const Eigen::VectorXd& ln_k,
                          const Eigen::VectorXd& s, const Eigen::VectorXd& x,
                          const Eigen::VectorXd& ln_y, Eigen::VectorXd& g)
{
    const auto stages = s.size();
    g.resize(stages);
    for (Eigen::Index j = 0; j < stages; ++j) {
        g[j] = log_sum_exp(ln_k + x.segment(j * impl.block_, impl.n_)) + s[j] - ln_y[j];
    }
    return g.allFinite();
}

//! Levenberg–Marquardt with the dense Jacobian's SVD from sigma, then the bracketed search
//! along the fold's null direction (solver/DenseNewton.h) on `closure`; true when either
//! converged (sigma then the solution).
bool dense_then_fold(const Cascade::Impl& impl, const solver::DenseResidual& closure,
                     Eigen::VectorXd& sigma, double max_ln_y, const solver::NewtonOptions& options,
                     solver::SolverReport& report)
{
    solver::DenseNewtonOptions dense;
    dense.tolerance = options.tolerance;
    // The closure sums terms as large as |sigma| and |ln Y| (as newton_on_scale's floor).
    dense.noise_floor = 1e3 * std::numeric_limits<double>::epsilon() *
                        (1.0 + sigma.cwiseAbs().maxCoeff() + max_ln_y);
    // The last resort has an allowance of its own, solver.max-iterations again (the fallbacks
    // before it have spent the case's): the search along the fold took 2,400 iterations on
    // the 91-stage case of docs/model.md.
    dense.max_iterations = std::min(60, options.max_iterations);
    if (options.monitor) {
        dense.monitor = [&impl](const std::string& line) { impl.say(line); };
    }
    bool converged = solver::solve_dense_newton(closure, sigma, dense, report);
    solver::DenseNewtonOptions fold = dense;
    fold.max_iterations = options.max_iterations;
    if (!converged && fold.max_iterations > 0) {
        Eigen::VectorXd on_curve = sigma;
        if (solver::solve_dense_fold(closure, on_curve, fold, report)) {
            sigma = on_curve;
            converged = true;
        }
        impl.say("search along the fold's null direction " +
                 std::string(converged ? "converged" : "stopped (" + report.message + ")"));
    }
    return converged;
}

}  // namespace

bool Cascade::Impl::dense_newton_on_scale(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                                          Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                          solver::SolverReport& report)
{
    // At the sharp split the reduced Jacobian is singular at the solution (a fold, the root
    // double): the block LU's Schur complements and the structured Newton's monotonicity test
    // then stall at closures of 1e-12-1e-6 while G itself is exact to 1e-14. Here the
    // Jacobian is formed densely (central differences of G, whose own evaluation is exact:
    // the profiles are solved, not iterated), and the step is taken from its SVD, damped by
    // the Levenberg–Marquardt rule on |G|^2: near the fold the undamped step along the null
    // direction halves the distance to the double root each time, while the other directions
    // converge quadratically. Its cost (2 N evaluations and an N x N SVD per iteration) limits
    // it to kDenseFoldStages stages, and it runs only where every other path has failed.
    const int stages = solved_stages_;
    if (from_nearby_scrub(*this, ln_k, sigma, x, options, report)) {
        return true;
    }
    if (stages > kDenseFoldStages || sigma.size() != stages) {
        return false;
    }
    Eigen::VectorXd ln_y(stages);
    for (int j = 0; j < stages; ++j) {
        ln_y[j] = std::log(conditions_[j].organic_re_mol_per_L);
    }
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    Eigen::MatrixXd ln_d(n_, stages);
    const auto closure = [&](const Eigen::VectorXd& s, Eigen::VectorXd& g) {
        for (int j = 0; j < stages; ++j) {
            ln_d.col(j) = ln_k.array() + s[j];
        }
        try {
            solve_linear_profiles(ln_d, x);
        } catch (const Error&) {
            return false;
        }
        return closures_of_profiles(*this, ln_k, s, x, ln_y, g);
    };
    solver::NewtonOptions own = options;
    own.monitor = progress_;
    const bool converged =
        dense_then_fold(*this, closure, sigma, ln_y.cwiseAbs().maxCoeff(), own, report);
    Eigen::VectorXd g;
    if (closure(sigma, g)) {  // x holds the profiles at sigma
        report.residual_norm = g.cwiseAbs().maxCoeff();
    }
    say(std::string("dense Levenberg-Marquardt on the closures ") +
        (converged ? "converged" : "stopped (" + report.message + ")") +
        ": max |closure| = " + fmt(report.residual_norm, 3));
    if (converged) {
        reduced_sigma_ = sigma;
    }
    return converged;
}

bool Cascade::Impl::dense_murphree_on_scale(Eigen::VectorXd& x,
                                            const solver::NewtonOptions& options,
                                            solver::SolverReport& report)
{
    // The Murphree closures (murphree_on_scale's G) have the same fold at the sharp split: the
    // front's position is free to first order, and its reduced Newton and the continuation in
    // the efficiencies stall there (random cases with spans of 10^7-10^10) as the ideal stages'
    // Newton does. The same dense last resort on them, the profiles by murphree_profiles.
    const int stages = solved_stages_;
    if (stages > kDenseFoldStages || nearby_depth > 0) {  // a nearby cascade is only a start
        return false;
    }
    const Eigen::VectorXd ln_k = model_.ln_relative_extractability();
    Eigen::VectorXd ln_y(stages);
    for (int j = 0; j < stages; ++j) {
        ln_y[j] = std::log(conditions_[j].organic_re_mol_per_L);
    }
    Eigen::MatrixXd ln_d(n_, stages);
    const auto closure = [&](const Eigen::VectorXd& s, Eigen::VectorXd& g) {
        for (int j = 0; j < stages; ++j) {
            ln_d.col(j) = ln_k.array() + s[j];
        }
        if (!murphree_profiles(ln_d, efficiency_, x)) {
            return false;
        }
        return closures_of_profiles(*this, ln_k, s, x, ln_y, g);
    };
    solver::NewtonOptions own = options;
    own.monitor = progress_;
    solver::SolverReport dense;
    bool converged = false;
    Eigen::VectorXd sigma;
    const Eigen::VectorXd best = best_murphree_sigma_;  // before murphree_on_scale moves it
    const double best_closure = best_murphree_closure_;
    // Exactly at the sharp split a trace between the keys can make the closures flat along
    // a direction (smallest singular value 1e-13, the next 0.4) with a residual along it
    // that no point near the ideal stages' solution removes, while the cascades with the
    // scrub 1e-6 off converge directly, their steady states next to this one's (the steady
    // state moves continuously with W): first the reduced Newton from theirs (a few
    // iterations where it converges, against seconds for the dense search), then the dense
    // last resort from the best point (its allowance as before), then from theirs with what
    // is left of it.
    std::vector<Eigen::VectorXd> nearby;
    for (const double delta : {1e-6, -1e-6}) {
        if (converged) {
            break;
        }
        Eigen::VectorXd from = nearby_murphree_sigma(*this, delta);
        Eigen::VectorXd g;
        if (from.size() != stages || !closure(from, g)) {
            continue;
        }
        solver::NewtonOptions direct = options;
        direct.max_iterations = dense.iterations + std::min(options.max_iterations, 60);
        sigma = from;
        converged = murphree_on_scale(sigma, x, efficiency_, direct, dense);
        say("reduced Newton with Murphree stages from the cascade with the scrub " + fmt(delta, 2) +
            " off " + (converged ? "converged" : "stopped"));
        nearby.push_back(std::move(from));
    }
    if (!converged && best.size() == stages) {
        sigma = best;
        say("dense last resort on the Murphree closures from max |closure| = " +
            fmt(best_closure, 3));
        converged = dense_then_fold(*this, closure, sigma, ln_y.cwiseAbs().maxCoeff(), own, dense);
    }
    for (const Eigen::VectorXd& from : nearby) {
        own.max_iterations = options.max_iterations - dense.iterations;
        if (converged || own.max_iterations <= 0) {
            break;
        }
        sigma = from;
        converged = dense_then_fold(*this, closure, sigma, ln_y.cwiseAbs().maxCoeff(), own, dense);
    }
    if (sigma.size() != stages) {
        return false;
    }
    report.iterations += dense.iterations;
    report.residual_evaluations += dense.residual_evaluations;
    report.jacobian_evaluations += dense.jacobian_evaluations;
    Eigen::VectorXd g;
    if (closure(sigma, g)) {  // x holds the profiles at sigma
        report.residual_norm = g.cwiseAbs().maxCoeff();
    }
    say(std::string("dense last resort on the Murphree closures ") +
        (converged ? "converged" : "stopped (" + dense.message + ")") +
        ": max |closure| = " + fmt(report.residual_norm, 3));
    if (converged && g.allFinite()) {
        murphree_sigma_ = sigma;
        return true;
    }
    return false;
}

}  // namespace reesx
