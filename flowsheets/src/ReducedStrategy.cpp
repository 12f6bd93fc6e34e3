// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The separation-factor model's steady state with the compositions eliminated (docs/model.md):
// where the reduced Newton starts (warm, at the pinches, the theory's, the halved cascade)
// and the order of its fallbacks. The iteration itself is in ReducedNewton.cpp.
#include "CascadeImpl.h"
#include "LumpedStart.h"
#include "PinchStart.h"

namespace reesx {

using namespace cascade_detail;

std::pair<int, int> Cascade::Impl::key_pair(const Eigen::VectorXd& ln_k) const
{
    // The most extractable elements fill the organic product's share f'_A of the feed; the
    // element in which the split falls is the A key if most of it goes to the organic
    // product, the B key otherwise.
    const Eigen::VectorXd feed = feed_mol_per_h_.rowwise().sum();
    const double product_share =
        (solved_stages_ > 0 ? organic_product_re_mol_per_h_ : 0.0) / feed.sum();
    std::vector<int> order(n_);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return ln_k[a] > ln_k[b]; });
    double cumulative = 0.0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const double share = feed[order[k]] / feed.sum();
        if (cumulative + share >= product_share) {
            const bool mostly_up = product_share - cumulative >= 0.5 * share;
            return {mostly_up || k == 0 ? order[k] : order[k - 1],
                    mostly_up && k + 1 < order.size() ? order[k + 1] : order[k]};
        }
        cumulative += share;
    }
    return {order.front(), order.back()};
}

Eigen::VectorXd Cascade::Impl::theory_scale(const Eigen::VectorXd& ln_k) const
{
    // The countercurrent-extraction theory (chemistry.md §3.2, assumption 3): in the
    // extraction section the B key's extraction ratio equals the mixed extraction ratio Y/T,
    // in the scrub section the A key's does.
    const auto [key_a, key_b] = key_pair(ln_k);
    Eigen::VectorXd sigma(solved_stages_);
    for (int j = 0; j < solved_stages_; ++j) {
        const double ln_k_key =
            conditions_[j].section == Section::extraction ? ln_k[key_b] : ln_k[key_a];
        sigma[j] =
            std::log(conditions_[j].organic_re_mol_per_L / aqueous_re_mol_per_L_[j]) - ln_k_key;
    }
    return sigma;
}

solver::SolverReport Cascade::Impl::solve_reduced(Eigen::VectorXd& x,
                                                  const solver::NewtonOptions& options)
{
    // Newton with nonlinear elimination for q_i = D_j K_i c_i: given sigma_j = ln D_j, every
    // element's balances are linear and tridiagonal and are solved exactly (in ln space);
    // only the closure G_j = ln sum_i K_i c_ij + sigma_j - ln Y_j = 0 (the organic holds its
    // fixed RE load) is iterated. The Newton step for sigma is the sigma part of the full
    // (u, sigma) Newton step at a point where the balances hold, so the block-tridiagonal
    // solver is reused with blocks of n + 1.
    const auto start_time = std::chrono::steady_clock::now();
    solver::SolverReport report;
    report.method = "newton-block-tridiagonal (elimination of compositions)";
    const Eigen::VectorXd ln_k = model_.ln_relative_extractability();
    const int stages = solved_stages_;
    Eigen::VectorXd sigma = theory_scale(ln_k);
    if (warm_sigma_.size() == stages) {
        Eigen::VectorXd warm = warm_sigma_;
        solver::NewtonOptions direct = options;
        // Close starts converge in a few iterations; one that is not done after 12 is far
        // (a 1 % change of S alone moves the fronts near the sharp split: 41 iterations
        // against 11 cold when this was 30), and the theory's start goes next.
        direct.max_iterations = std::min(options.max_iterations, 12);
        report.converged =
            newton_on_scale(ln_k, warm, x, direct, report, nullptr, warm_factors_id_);
        if (report.converged) {
            report.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time)
                    .count();
            return report;
        }
    }
    // From the theory's start first (most cascades converge in 5-20 iterations), with the
    // closure in ln form, then in linear form; the continuation and the dynamics when both fail.
    // Long cascades start at their pinches first (below), then from the halved cascade: from
    // the theory's flat start their fronts are far off (a 17 x 1,000 Pr/Nd cascade spent 3.5 s
    // in the two failing attempts and 0.16 s from there on). Up to 600 stages the theory's
    // start converges on that cascade, and three times faster than the halving (17 x 400: 16
    // against 81 ms).
    const Eigen::VectorXd theory = sigma;
    bool tried_shorter = false;
    const auto from_shorter_cascade = [&] {
        tried_shorter = true;
        if (!start_from_shorter_cascade(sigma)) {
            return false;
        }
        linear_closure_ = false;
        solver::NewtonOptions direct = options;
        direct.max_iterations = std::min(options.max_iterations, report.iterations + 60);
        return newton_on_scale(ln_k, sigma, x, direct, report);
    };
    // First from a short cascade lengthened at its pinches (PinchStart.cpp; sections of 200
    // stages and more): the ends and fronts are where the long cascade has them, and one or
    // two iterations finish (17 x 400: 1 iteration against 10 from the theory's start).
    if (!report.converged && options.max_iterations > 0 && start_at_pinch(*this, sigma)) {
        linear_closure_ = false;
        solver::NewtonOptions direct = options;
        direct.max_iterations = std::min(options.max_iterations, report.iterations + 60);
        report.converged = newton_on_scale(ln_k, sigma, x, direct, report);
    }
    // Then from the cascade of its major elements (LumpedStart.cpp; eight elements or more):
    // its fronts are the whole cascade's.
    if (!report.converged && options.max_iterations > 0 &&
        start_from_major_elements(*this, sigma, report)) {
        linear_closure_ = false;
        solver::NewtonOptions direct = options;
        direct.max_iterations = std::min(options.max_iterations, report.iterations + 30);
        report.converged = newton_on_scale(ln_k, sigma, x, direct, report);
    }
    constexpr int kLongCascadeStages = 600;
    if (!report.converged && options.max_iterations > 0 && stages >= kLongCascadeStages) {
        report.converged = from_shorter_cascade();
    }
    for (const bool linear : {false, true}) {
        if (report.converged || options.max_iterations <= 0) {
            break;
        }
        solver::NewtonOptions direct = options;
        direct.max_iterations = std::min(options.max_iterations, report.iterations + 60);
        sigma = theory;
        linear_closure_ = linear;
        report.converged = newton_on_scale(ln_k, sigma, x, direct, report);
    }
    if (!report.converged && options.max_iterations > 0 && !tried_shorter) {
        report.converged = from_shorter_cascade();
    }
    if (!report.converged && options.max_iterations > 0) {
        solver::NewtonOptions limited = options;
        limited.max_iterations = std::min(options.max_iterations, report.iterations + 600);
        report.converged = continue_in_reflux(ln_k, sigma, x, limited, report);
    }
    if (!report.converged && options.max_iterations > 0) {
        linear_closure_ = true;
        sigma = theory;
        solver::NewtonOptions limited = options;
        limited.max_iterations = std::min(options.max_iterations, report.iterations + 300);
        report.converged = continue_in_separation_factors(ln_k, sigma, x, limited, report);
    }
    if (!report.converged && options.max_iterations > 0) {
        linear_closure_ = true;
        sigma = theory;
        solver::NewtonOptions limited = options;  // leaves some for the full system's turn
        limited.max_iterations = std::min(options.max_iterations, report.iterations + 2000);
        report.converged = pseudo_transient_on_scale(ln_k, sigma, x, limited, report);
    }
    linear_closure_ = false;
    // Only when the fallbacks stopped inside the case's budget (a case held to a few
    // iterations is meant to fail): the last resort then has an allowance of its own.
    if (!report.converged && report.iterations < options.max_iterations &&
        best_sigma_.size() == stages) {
        sigma = best_sigma_;
        report.converged = dense_newton_on_scale(ln_k, sigma, x, options, report);
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return report;
}

}  // namespace reesx
