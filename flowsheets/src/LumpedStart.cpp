// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The start of a many-element cascade: the same cascade with its minor elements lumped into
// the major ones, solved (docs/model.md, "The reduced Newton's start").
#include "LumpedStart.h"

namespace reesx::cascade_detail {

namespace {

//! An element is major from this share of the feed's rare earths on.
constexpr double kMajorShare = 0.01;
//! Only cascades of this many elements or more, with at most half of them major: below, the
//! lumped cascade costs too large a part of the whole one for the iterations it saves.
constexpr int kLeastElements = 8;
//! The lumped cascade's solve: a start needs no more (the 17 x 100 Pr/Nd cascade: two of the
//! lumped cascade's iterations fewer than to 1e-6, one chord step more of the whole one).
constexpr double kLumpedTolerance = 1e-3;
constexpr int kLumpedIterations = 30;

}  // namespace

bool start_from_major_elements(const Cascade::Impl& cascade, Eigen::VectorXd& sigma,
                               solver::SolverReport& report)
{
    // The front of the key pair (where the extraction section's composition turns) is set
    // by the major elements: from the theory's flat start the 17-element Pr/Nd cascade spent
    // five of its twelve iterations walking it into place, three stages per iteration. The
    // minor elements change the loading little; given to their nearest major neighbour on
    // the same side of the cut, they leave the products' split and flows as they are. The
    // lumped cascade's iterations cost a fraction of the whole one's (blocks of 7 against 18).
    const CaseSpec& spec = cascade.spec_;
    const int n = cascade.n_;
    if (n < kLeastElements || cascade.murphree_ || spec.organic.recycle || !spec.draws.empty()) {
        return false;
    }
    for (const int e : spec.components) {
        if (!is_rare_earth(e)) {
            return false;
        }
    }
    for (const FeedSpec& feed : spec.feeds) {
        if (feed.phase != Phase::aqueous) {
            return false;
        }
    }
    const Eigen::VectorXd ln_k = cascade.model_.ln_relative_extractability();
    const Eigen::VectorXd feed = cascade.feed_mol_per_h_.rowwise().sum();
    const auto [key_a, key_b] = cascade.key_pair(ln_k);
    std::vector<bool> major(n);
    int majors = 0;
    for (int i = 0; i < n; ++i) {
        major[i] = feed[i] >= kMajorShare * feed.sum() || i == key_a || i == key_b;
        majors += major[i] ? 1 : 0;
    }
    if (2 * majors > n) {
        return false;
    }
    // A side: at least as extractable as the A key; B side: at most as the B key.
    const auto on_a_side = [&](int i) { return ln_k[i] >= ln_k[key_a]; };
    CaseSpec lumped = spec;
    for (int i = 0; i < n; ++i) {
        if (major[i]) {
            continue;
        }
        int into = -1;
        for (int t = 0; t < n; ++t) {
            if (major[t] && on_a_side(t) == on_a_side(i) &&
                (into < 0 || std::abs(ln_k[t] - ln_k[i]) < std::abs(ln_k[into] - ln_k[i]))) {
                into = t;
            }
        }
        if (into < 0) {
            return false;
        }
        const auto from = static_cast<std::size_t>(spec.components[i]);
        const auto to = static_cast<std::size_t>(spec.components[into]);
        for (FeedSpec& f : lumped.feeds) {
            f.mole_fraction[to] += f.mole_fraction[from];
            f.mole_fraction[from] = 0.0;
        }
    }
    try {
        set_components(lumped);
        Cascade::Impl short_list(lumped);
        if (short_list.solved_stages_ != cascade.solved_stages_) {
            return false;
        }
        const Eigen::VectorXd lumped_ln_k = short_list.model_.ln_relative_extractability();
        Eigen::VectorXd lumped_sigma = short_list.theory_scale(lumped_ln_k);
        solver::NewtonOptions options;
        options.tolerance = kLumpedTolerance;
        options.max_iterations = kLumpedIterations;
        short_list.keep_factors_ = false;
        solver::SolverReport lumped_report;
        Eigen::VectorXd x;
        const bool converged =
            short_list.newton_on_scale(lumped_ln_k, lumped_sigma, x, options, lumped_report);
        // Its work counts as the solve's (smaller iterations, of 7 unknowns per stage here).
        report.iterations += lumped_report.iterations;
        report.residual_evaluations += lumped_report.residual_evaluations;
        report.jacobian_evaluations += lumped_report.jacobian_evaluations;
        if (!converged) {
            return false;
        }
        sigma = lumped_sigma;
    } catch (const Error&) {
        return false;
    }
    return sigma.allFinite();
}

}  // namespace reesx::cascade_detail
