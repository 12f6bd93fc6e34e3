// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Test helper: an independent, deliberately plain steady-state solver for the ideal
// separation-factor (saturated organic) cascade, written from the model's equations
// (docs/model.md, interface.md "The separation-factor model, precisely") and sharing no code
// with reesx's Cascade. Tests compare reesx's products with it.
//
// Scope: extraction + scrub stages 1..N, one aqueous feed, efficiency 1, no strip, draws,
// organic feeds or recycle.
//
// Formulation, in RE fluxes (mol/h) rather than concentrations. The flux bookkeeping fixes the
// organic RE flux leaving every stage: o_j = S = organic flow × loading for j < N, and
// o_N = S − W in the last stage, where the scrub acid strips W = scrub flow × acid / 3 (W = 0
// without a scrub section); the fresh organic brings no RE into stage 1, the scrub liquor none
// into stage N. With l_ij and v_ij the aqueous and organic flux of element i leaving stage j,
// the organic composition q_ij = Y_j K_i c_ij / Σ_k K_k c_kj, multiplied by the organic flow,
// is (the aqueous flow A_j cancels between c_ij = l_ij / A_j and the sum)
//
//     v_ij = s_j K_i l_ij,     s_j = o_j / Σ_k K_k l_kj,
//
// and the balance of element i in stage j is
//
//     (1 + s_j K_i) l_ij − l_i,j+1 − s_{j−1} K_i l_i,j−1 = f_ij      (l_i,N+1 = 0, s_0 = 0).
//
// Phase volumes never enter, only the fluxes o_j and the feed. The unknowns are σ_j = ln s_j:
// with σ frozen every element's balances are linear and tridiagonal and are solved exactly by
// the Thomas algorithm, its pivots written as sums of positive terms (d_j = E_j + g_j, g_1 = 1,
// g_j = g_{j−1} / (g_{j−1} + E_{j−1}), E_j = s_j K_i), so every flux carries a relative error
// of a few ulps times N, traces included (fluxes below ~1e-308 mol/h underflow to 0). What is
// left is one closure per stage, the organic holding its fixed RE flux:
//
//     G_j(σ) = ln(s_j Σ_k K_k l_kj(σ)) − ln o_j = 0.
//
// Method, as for the constant-relative-volatility, constant-molar-overflow distillation column
// this is: bubble-point successive substitution with the θ convergence method of Holland and
// co-workers (C. D. Holland, Fundamentals of Multicomponent Distillation, McGraw-Hill, 1981).
// After each Thomas solve, one θ scales every element's ratio of raffinate to organic product,
// b_i/d_i, so that the products hold the organic product's RE flux, Σ_i d_i = o_N (the sum of
// f_i / (1 + θ b_i/d_i), solved for ln θ by bisection); each element's profile is scaled by its
// corrected/computed raffinate, c_i = θ f_i / (d_i + θ b_i); and each stage's s_j is reset
// from the corrected aqueous composition, s_j = o_j Σ_i c_i l_ij / (a_j Σ_i K_i c_i l_ij), a_j
// the stage's aqueous RE flux from the bookkeeping, relaxed in ln s (weight 0.5, halved down to
// 0.02 whenever a sweep makes the closures worse: the full update can oscillate). Without θ
// the slow mode is the position of the A/B front, which the closures only feel through the
// products' impurities. Successive substitution converges linearly, so once the closures are
// below 1e-6 Newton finishes: a dense N × N Jacobian of G by forward sensitivities (each
// ∂l/∂σ_m is one more tridiagonal solve with the same pivots), solved by a rank-revealing
// complete orthogonal decomposition, the step (at most 2 in ln s) halved until max |G| falls
// or Deuflhard's natural-monotonicity test holds. A stalled Newton hands back to more
// substitution sweeps, for a few rounds.
//
// Whatever the path, a result is accepted only by its residual: converged means every closure
// within the tolerance (1e-13) at the fluxes of the last Thomas solve, whose balances hold
// exactly.
// Otherwise (iteration cap, no decrease, non-finite numbers) the result says so and callers
// skip the case.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace reesx::test {

struct ReferenceSaturatedCase {
    std::vector<double> log10_k;         //!< per component: log10 extractability
    std::vector<double> feed_mol_per_h;  //!< per component: the aqueous feed's RE flux
    int stages = 0;                      //!< N = extraction + scrub stages
    int feed_stage = 0;                  //!< 1-based stage the aqueous feed enters
    double organic_re_mol_per_h = 0.0;   //!< S = organic flow × loading
    double scrub_re_mol_per_h = 0.0;     //!< W = scrub flow × acid / 3 (0 without scrub)
};

struct ReferenceSaturatedOptions {
    double tolerance = 1e-13;   //!< on max_j |G_j| (relative organic RE flux of a stage)
    double newton_from = 1e-6;  //!< max |G| below which Newton takes over
    int sweeps_per_round = 1000;
    int newton_steps_per_round = 20;
    int rounds = 8;
};

struct ReferenceSaturatedResult {
    bool feasible = false;   //!< every stage's aqueous RE flux and o_N positive
    bool converged = false;  //!< closures within the tolerance
    int sweeps = 0;          //!< substitution sweeps done
    int newton_steps = 0;
    int rounds = 0;                 //!< substitution + Newton rounds started
    double closure_residual = 0.0;  //!< max_j |G_j| at the end
    double last_step = 0.0;         //!< max_j |Δσ_j| of the last Newton step
    //! max_j |Σ_i l_ij − a_j| / (S + F) against the bookkeeping's aqueous RE flux a_j: follows
    //! from the balances and closures (a check, not a convergence criterion).
    double aqueous_total_residual = 0.0;
    std::vector<double> raffinate_mol_per_h;             //!< l_i1
    std::vector<double> loaded_organic_mol_per_h;        //!< v_iN
    std::vector<std::vector<double>> aqueous_mol_per_h;  //!< [stage][component], l_ij
    std::vector<double> aqueous_re_mol_per_h;            //!< bookkeeping a_j
};

inline ReferenceSaturatedResult solve_reference_saturated(const ReferenceSaturatedCase& c,
                                                          const ReferenceSaturatedOptions& opt = {})
{
    ReferenceSaturatedResult r;
    const int n = static_cast<int>(c.log10_k.size());
    const int N = c.stages;
    if (n == 0 || N < 1 || c.feed_stage < 1 || c.feed_stage > N ||
        static_cast<int>(c.feed_mol_per_h.size()) != n) {
        return r;
    }
    const auto sz = [](int k) { return static_cast<std::size_t>(k); };
    // K relative to the largest (only ratios matter: s_j absorbs a common factor).
    const double top = *std::max_element(c.log10_k.begin(), c.log10_k.end());
    std::vector<double> k(sz(n));
    for (int i = 0; i < n; ++i) {
        k[sz(i)] = std::pow(10.0, c.log10_k[sz(i)] - top);
    }
    double feed_total = 0.0;
    for (double f : c.feed_mol_per_h) {
        feed_total += f;
    }
    // Bookkeeping (0-based stage j): organic flux o_j, aqueous flux a_j from each stage's RE
    // balance, top down: a_j = a_{j+1} + o_{j−1} + F_j − o_j.
    std::vector<double> o(sz(N), c.organic_re_mol_per_h), a(sz(N), 0.0);
    o[sz(N - 1)] -= c.scrub_re_mol_per_h;
    if (!(o[sz(N - 1)] > 0.0)) {
        return r;
    }
    for (int j = N - 1; j >= 0; --j) {
        const double above = j + 1 < N ? a[sz(j + 1)] : 0.0;
        const double organic_in = j > 0 ? o[sz(j - 1)] : 0.0;
        const double feed = j == c.feed_stage - 1 ? feed_total : 0.0;
        a[sz(j)] = above + organic_in + feed - o[sz(j)];
        if (!(a[sz(j)] > 1e-12 * feed_total)) {
            return r;
        }
    }
    r.feasible = true;
    r.aqueous_re_mol_per_h = a;

    // Start: every stage at the feed composition z, s_j = o_j / (a_j Σ K z).
    double kz = 0.0;
    for (int i = 0; i < n; ++i) {
        kz += k[sz(i)] * c.feed_mol_per_h[sz(i)] / feed_total;
    }
    Eigen::VectorXd sigma(N);
    for (int j = 0; j < N; ++j) {
        sigma[j] = std::log(o[sz(j)] / (a[sz(j)] * kz));
    }
    std::vector<std::vector<double>> l(sz(N), std::vector<double>(sz(n), 0.0));
    std::vector<std::vector<double>> d(sz(n), std::vector<double>(sz(N), 0.0));
    std::vector<double> s(sz(N)), rhs(sz(N));
    const auto feed_at = [&](int i, int j) {
        return j == c.feed_stage - 1 ? c.feed_mol_per_h[sz(i)] : 0.0;
    };

    // One Thomas solve per element at σ (0-based rows j):
    // (1 + E_j) l_j − l_{j+1} − E_{j−1} l_{j−1} = f_j, E_j = s_j K_i. Elimination downwards
    // leaves d_j l_j − l_{j+1} = rhs_j with d_j = E_j + g_j and
    // rhs_j = f_j + E_{j−1} rhs_{j−1} / d_{j−1}; then l_j = (rhs_j + l_{j+1}) / d_j upwards.
    // Returns G and keeps s, l and the pivots d (for the sensitivities).
    const auto closures = [&](const Eigen::VectorXd& at) {
        for (int j = 0; j < N; ++j) {
            s[sz(j)] = std::exp(at[j]);
        }
        for (int i = 0; i < n; ++i) {
            double g = 1.0;
            for (int j = 0; j < N; ++j) {
                const double e = s[sz(j)] * k[sz(i)];
                rhs[sz(j)] = feed_at(i, j);
                if (j > 0) {
                    const double e_below = s[sz(j - 1)] * k[sz(i)];
                    g = g / (g + e_below);
                    rhs[sz(j)] += e_below * rhs[sz(j - 1)] / d[sz(i)][sz(j - 1)];
                }
                d[sz(i)][sz(j)] = e + g;
            }
            double above = 0.0;
            for (int j = N - 1; j >= 0; --j) {
                above = (rhs[sz(j)] + above) / d[sz(i)][sz(j)];
                l[sz(j)][sz(i)] = above;
            }
        }
        Eigen::VectorXd G(N);
        for (int j = 0; j < N; ++j) {
            double weighted = 0.0;
            for (int i = 0; i < n; ++i) {
                weighted += k[sz(i)] * l[sz(j)][sz(i)];
            }
            G[j] = at[j] + std::log(weighted) - std::log(o[sz(j)]);
        }
        return G;
    };
    // Not finite counts as infinitely large.
    const auto size_of = [](const Eigen::VectorXd& G) {
        return G.allFinite() ? G.cwiseAbs().maxCoeff() : HUGE_VAL;
    };

    // Bubble-point sweep with the θ method, from the fluxes of the last closures(sigma); the
    // new ln s_j mixed with the old with weight `relaxation`.
    double relaxation = 0.5;
    std::vector<double> scale(sz(n)), raffinate(sz(n)), product(sz(n));
    const auto substitution_sweep = [&]() {
        for (int i = 0; i < n; ++i) {
            raffinate[sz(i)] = l[0][sz(i)];
            product[sz(i)] = s[sz(N - 1)] * k[sz(i)] * l[sz(N - 1)][sz(i)];
        }
        // Σ_i f_i d_i / (d_i + θ b_i) falls from F to (about) 0 as ln θ goes from −700 to 700.
        const auto products_at = [&](double ln_theta) {
            const double theta = std::exp(ln_theta);
            double sum = 0.0;
            for (int i = 0; i < n; ++i) {
                sum += c.feed_mol_per_h[sz(i)] * product[sz(i)] /
                       (product[sz(i)] + theta * raffinate[sz(i)]);
            }
            return sum;
        };
        const double target = o[sz(N - 1)];
        std::fill(scale.begin(), scale.end(), 1.0);
        if (products_at(-700.0) > target && products_at(700.0) < target) {
            double lo = -700.0, hi = 700.0;
            for (int it = 0; it < 100; ++it) {
                const double mid = 0.5 * (lo + hi);
                (products_at(mid) > target ? lo : hi) = mid;
            }
            const double theta = std::exp(0.5 * (lo + hi));
            for (int i = 0; i < n; ++i) {
                scale[sz(i)] =
                    theta * c.feed_mol_per_h[sz(i)] / (product[sz(i)] + theta * raffinate[sz(i)]);
            }
        }
        for (int j = 0; j < N; ++j) {
            double total = 0.0, weighted = 0.0;
            for (int i = 0; i < n; ++i) {
                total += scale[sz(i)] * l[sz(j)][sz(i)];
                weighted += k[sz(i)] * scale[sz(i)] * l[sz(j)][sz(i)];
            }
            sigma[j] = (1.0 - relaxation) * sigma[j] +
                       relaxation * std::log(o[sz(j)] * total / (a[sz(j)] * weighted));
        }
    };

    // J = ∂G/∂σ at the fluxes of the last closures(sigma). σ_m enters rows m (diagonal term
    // E_m l_m) and m+1 (−E_m l_m), so T_i ∂l_i/∂σ_m = −E_im l_im e_m + E_im l_im e_{m+1}: one
    // solve with the pivots d, zero above row m.
    Eigen::MatrixXd J(N, N);
    std::vector<double> weighted(sz(N));
    const auto jacobian = [&]() {
        J.setIdentity();
        for (int j = 0; j < N; ++j) {
            weighted[sz(j)] = 0.0;
            for (int i = 0; i < n; ++i) {
                weighted[sz(j)] += k[sz(i)] * l[sz(j)][sz(i)];
            }
        }
        for (int i = 0; i < n; ++i) {
            for (int m = 0; m < N; ++m) {
                const double flux = s[sz(m)] * k[sz(i)] * l[sz(m)][sz(i)];
                rhs[sz(m)] = -flux;
                for (int j = m + 1; j < N; ++j) {
                    rhs[sz(j)] = (j == m + 1 ? flux : 0.0) +
                                 s[sz(j - 1)] * k[sz(i)] * rhs[sz(j - 1)] / d[sz(i)][sz(j - 1)];
                }
                double above = 0.0;
                for (int j = N - 1; j >= 0; --j) {
                    above = ((j >= m ? rhs[sz(j)] : 0.0) + above) / d[sz(i)][sz(j)];
                    J(j, m) += k[sz(i)] * above / weighted[sz(j)];
                }
            }
        }
    };

    // One Newton step from sigma; false after a step that decreases nothing (a stall).
    const auto newton_step = [&](Eigen::VectorXd& G, double& size) {
        jacobian();
        // Rank-revealing: at a sharp split with pure products the closures hardly feel where
        // the A/B front sits (only through impurities far below their tolerance), J is
        // singular to working precision, and a plain LU step along that direction is noise.
        // The complete orthogonal decomposition leaves out what is below 1e-12 of the largest
        // pivot (the minimum-norm least-squares step).
        Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> decomposition;
        decomposition.setThreshold(1e-12);
        decomposition.compute(J);
        const Eigen::VectorXd step = decomposition.solve(-G);
        const double step_size = step.cwiseAbs().maxCoeff();
        if (!std::isfinite(step_size)) {
            return false;
        }
        ++r.newton_steps;
        for (double lambda = std::min(1.0, 2.0 / step_size); lambda > 1e-10; lambda /= 2.0) {
            const Eigen::VectorXd trial = sigma + lambda * step;
            const Eigen::VectorXd G_trial = closures(trial);
            const double trial_size = size_of(G_trial);
            if (!std::isfinite(trial_size)) {
                continue;
            }
            if (trial_size < size || decomposition.solve(-G_trial).cwiseAbs().maxCoeff() <=
                                         (1.0 - lambda / 4.0) * step_size) {
                sigma = trial;
                G = G_trial;
                size = trial_size;
                r.last_step = lambda * step_size;
                return true;
            }
        }
        closures(sigma);  // back to the fluxes at sigma
        return false;
    };

    Eigen::VectorXd G = closures(sigma);
    double size = size_of(G);
    Eigen::VectorXd best = sigma;
    double best_size = size;
    for (; r.rounds < opt.rounds && best_size > opt.tolerance; ++r.rounds) {
        // Substitution from the best point so far, until Newton's range or a 100-fold fall.
        sigma = best;
        G = closures(sigma);
        size = best_size;
        const double goal = std::max(opt.tolerance, std::min(opt.newton_from, 0.01 * best_size));
        for (int sweep = 0; sweep < opt.sweeps_per_round && size > goal; ++sweep, ++r.sweeps) {
            const double before = size;
            substitution_sweep();
            G = closures(sigma);
            size = size_of(G);
            // Halved when a sweep makes things worse (an oscillation), regrown slowly.
            relaxation =
                size > before ? std::max(0.02, 0.5 * relaxation) : std::min(0.5, 1.1 * relaxation);
            if (size < best_size) {
                best = sigma;
                best_size = size;
            }
        }
        sigma = best;
        G = closures(sigma);
        size = best_size;
        for (int step = 0; step < opt.newton_steps_per_round && size > opt.tolerance; ++step) {
            if (!newton_step(G, size)) {
                break;
            }
            if (size < best_size) {
                best = sigma;
                best_size = size;
            }
        }
    }
    sigma = best;
    G = closures(sigma);  // the fluxes at the best point
    r.closure_residual = size_of(G);
    if (!(r.closure_residual <= opt.tolerance)) {
        return r;
    }
    r.converged = true;
    // The fluxes are those of the last Thomas solve, at sigma: balances exact, closures within
    // the tolerance.
    for (int j = 0; j < N; ++j) {
        double total = 0.0;
        for (int i = 0; i < n; ++i) {
            total += l[sz(j)][sz(i)];
        }
        r.aqueous_total_residual =
            std::max(r.aqueous_total_residual, std::abs(total - a[sz(j)]) / (o[0] + feed_total));
    }
    r.raffinate_mol_per_h = l[0];
    r.loaded_organic_mol_per_h.assign(sz(n), 0.0);
    for (int i = 0; i < n; ++i) {
        r.loaded_organic_mol_per_h[sz(i)] = s[sz(N - 1)] * k[sz(i)] * l[sz(N - 1)][sz(i)];
    }
    r.aqueous_mol_per_h = l;
    return r;
}

}  // namespace reesx::test
