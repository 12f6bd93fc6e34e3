// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Newton on the per-stage scale of the separation-factor model with the compositions
// eliminated (docs/model.md): one run of the iteration from a given start (the starts and
// the order of the fallbacks are in ReducedStrategy.cpp).
#include "CascadeImpl.h"
#include "KeptFactors.h"
#include "LinearSpaceProfiles.h"
#include "reesx/solver/BandLu.h"

namespace reesx {

using namespace cascade_detail;

namespace {

//! newton_on_scale's arrays of the cascade's size (per element and stage, per unknown).
//! Above kMaxKeptStages stages they are kept per thread, as the block LU's storage
//! (KeptFactors.cpp): allocated per solve, their first touches (page faults, after glibc
//! returned the freed top of the heap) were about a third of a one-off 17 x 1,000 solve.
//! Up to that size they are allocated per call: kept, they took the memory that the
//! results then reused, and 17 x 400 had 110 page faults per solve against 67.
struct NewtonScratch {
    Eigen::MatrixXd lse_weights, ln_d, out_sigma, from_above, from_below, closure_weights,
        weights_at_sigma;
    Eigen::VectorXd ln_y, g, trial_sigma, trial_g, ln_sum, step, closure_scale, rhs, b, refine_b,
        correction, product, magnitudes, x_at_sigma;
    int n = 0, stages = 0;
    bool in_use = false;
};

//! This thread's kept arrays for a long cascade of n elements and `stages` stages, resized;
//! `local` for a shorter one, or while the kept ones are in use.
NewtonScratch& newton_scratch(int n, int stages, NewtonScratch& local)
{
    static thread_local NewtonScratch kept;
    NewtonScratch& s = stages > kMaxKeptStages && !kept.in_use ? kept : local;
    if (s.n != n || s.stages != stages) {
        s.n = n;
        s.stages = stages;
        for (Eigen::MatrixXd* a : {&s.lse_weights, &s.ln_d, &s.out_sigma, &s.from_above,
                                   &s.from_below, &s.closure_weights}) {
            a->resize(n, stages);
        }
        for (Eigen::VectorXd* v :
             {&s.ln_y, &s.g, &s.trial_g, &s.ln_sum, &s.step, &s.closure_scale}) {
            v->resize(stages);
        }
    }
    return s;
}

}  // namespace

bool Cascade::Impl::newton_on_scale(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                                    Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                    solver::SolverReport& report, const Holdup* holdup,
                                    std::uint64_t start_factors)
{
    const int stages = solved_stages_, m = n_ + 1;
    NewtonScratch local_scratch;
    NewtonScratch& scratch = newton_scratch(n_, stages, local_scratch);
    const struct Release {
        bool& flag;
        ~Release() { flag = false; }
    } release{scratch.in_use};
    scratch.in_use = true;
    Eigen::VectorXd &ln_y = scratch.ln_y, &g = scratch.g, &trial_sigma = scratch.trial_sigma,
                    &trial_g = scratch.trial_g;
    for (int j = 0; j < stages; ++j) {
        ln_y[j] = std::log(conditions_[j].organic_re_mol_per_L);
    }
    // The closure's log-sum-exp at stage j of the profile in x; its weights (the organic's
    // composition, the closure row of the Jacobian) are kept per stage for the Jacobian at the
    // last evaluated point, which is the one x holds.
    Eigen::ArrayXd terms(n_);
    Eigen::MatrixXd& lse_weights = scratch.lse_weights;
    const auto lse = [&](int j) {
        terms = ln_k.array() + x.segment(static_cast<Eigen::Index>(j) * block_, n_).array();
        const double top = terms.maxCoeff();
        auto weights = lse_weights.col(j).array();
        weights = (terms - top).exp();
        const double sum = weights.sum();
        weights /= sum;
        return top + std::log(sum);
    };
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    Eigen::MatrixXd& ln_d = scratch.ln_d;
    Eigen::VectorXd& ln_sum = scratch.ln_sum;
    const bool linear_closure = linear_closure_;
    // A chord step's evaluation (defer_ln) in linear space leaves x stale: the closure needs no
    // logarithms, and they are taken (ensure_x) only where a Jacobian or the caller needs
    // them, not at each chord step (a warm re-solve's four chord steps took them at every
    // step, a tenth of its instructions).
    bool x_stale = false, defer_ln = false;
    const auto ensure_x = [&] {
        if (x_stale) {
            ln_of_deferred_profiles(x);
            x_stale = false;
        }
    };
    const auto profiles_and_closure = [&](const Eigen::VectorXd& sig, Eigen::VectorXd& out) {
        const bool linear_space =
            !holdup && profiles_in_linear_space(*this, ln_k, sig, defer_ln ? nullptr : &x,
                                                lse_weights, ln_sum);
        x_stale = linear_space && defer_ln;
        if (!linear_space) {
            for (int j = 0; j < stages; ++j) {
                ln_d.col(j) = ln_k.array() + sig[j];
            }
            solve_linear_profiles(ln_d, x, holdup);
            for (int j = 0; j < stages; ++j) {
                ln_sum[j] = lse(j);
            }
        }
        for (int j = 0; j < stages; ++j) {
            out[j] = ln_sum[j] + sig[j] - ln_y[j];
            if (linear_closure)
                out[j] = std::expm1(out[j]);
        }
        ++report.residual_evaluations;
        return g.size() ? out.cwiseAbs().maxCoeff() : 0.0;
    };
    // The Jacobian in (u, sigma) by its nonzero coefficients, per element and stage: balance
    // row (i, j) has -1 on u_ij, -out_sigma on sigma_j, from_above on u_i,j+1 and from_below
    // on u_i,j-1 and sigma_j-1; closure row j has closure_weights on u_.j and closure_scale
    // on sigma_j.
    Eigen::MatrixXd &out_sigma = scratch.out_sigma, &from_above = scratch.from_above,
                    &from_below = scratch.from_below, &closure_weights = scratch.closure_weights;
    Eigen::VectorXd& closure_scale = scratch.closure_scale;
    // A balance row's weights at a stage without holdup, by elements at once. With
    // z = ln(Qo_out d / Qa_out) and e_z = exp(-|z|), the organic share of the outflow is
    // sigmoid(z) and ln(Qa_out + Qo_out d) = ln Qa_out + max(z, 0) + log1p(e_z) (u cancels in
    // the shares); since the balances hold (exact linear solve), each inflow's weight is that
    // inflow over the outflow. Three exp and one log1p per element where the two log-sum-exps
    // took five exp and two log. Weights below e^-708 are 0, as in LogSum.
    Eigen::ArrayXd z(n_), e_z(n_), ln_out(n_), arg(n_);
    const auto share = [&] { return (arg < -708.0).select(0.0, arg.max(-708.0).exp()); };
    const auto outflow_weights = [&](int j, bool above, bool below) {
        const auto u = [&](int stage) {
            return x.segment(static_cast<Eigen::Index>(stage) * block_, n_).array();
        };
        z = ln_k.array() + (ln_qo_out_[j] + sigma[j] - ln_qa_out_[j]);
        e_z = (z.abs() > 708.0).select(0.0, (-z.abs()).max(-708.0).exp());
        out_sigma.col(j) = (z >= 0.0).select((1.0 + e_z).inverse(), e_z / (1.0 + e_z));
        ln_out = u(j) + (z.max(0.0) + e_z.log1p() + ln_qa_out_[j]);
        if (above) {
            arg = (u(j + 1) + ln_qa_down_[j + 1]) - ln_out;
            from_above.col(j) = share();
        }
        if (below) {
            arg = (u(j - 1) + ln_k.array() + (ln_qo_up_[j - 1] + sigma[j - 1])) - ln_out;
            from_below.col(j) = share();
        }
    };
    // With diagonal_sign = 1 and v = |x|: |J| |x| (every other coefficient is >= 0).
    // Into scratch.product, which it returns.
    const auto jacobian_times = [&](const Eigen::VectorXd& v,
                                    double diagonal_sign = -1.0) -> const Eigen::VectorXd& {
        Eigen::VectorXd& product = scratch.product;
        product.resize(v.size());
        for (int j = 0; j < stages; ++j) {
            const auto vj = v.segment(static_cast<Eigen::Index>(j) * m, m);
            auto pj = product.segment(static_cast<Eigen::Index>(j) * m, m);
            pj.head(n_) = diagonal_sign * (vj.head(n_) + out_sigma.col(j) * vj[n_]);
            if (j + 1 < stages) {
                pj.head(n_) += from_above.col(j).cwiseProduct(
                    v.segment(static_cast<Eigen::Index>(j + 1) * m, n_));
            }
            if (j > 0) {
                const auto below = v.segment(static_cast<Eigen::Index>(j - 1) * m, m);
                pj.head(n_).array() +=
                    from_below.col(j).array() * (below.head(n_).array() + below[n_]);
            }
            pj[n_] = closure_weights.col(j).dot(vj.head(n_)) + closure_scale[j] * vj[n_];
        }
        return product;
    };
    const auto general_jacobian = [&] {
        solver::BlockTridiagonalMatrix a(stages, m);
        a.set_zero();
        for (int j = 0; j < stages; ++j) {
            a.diag[j].diagonal().head(n_).setConstant(-1.0);
            a.diag[j].col(n_).head(n_) = -out_sigma.col(j);
            a.diag[j].row(n_).head(n_) = closure_weights.col(j).transpose();
            a.diag[j](n_, n_) = closure_scale[j];
            if (j + 1 < stages) {
                a.upper[j].diagonal().head(n_) = from_above.col(j);
            }
            if (j > 0) {
                a.lower[j].diagonal().head(n_) = from_below.col(j);
                a.lower[j].col(n_).head(n_) = from_below.col(j);
            }
        }
        return a;
    };
    // The block LU pivots only inside each diagonal block; on long or sharply
    // separating cascades its Schur complements can lose all accuracy (a step of 1e7 where
    // the dense LU gives 5). Each solve is checked against the matrix and, when its residual
    // is not small, refined with the same factors (one product with the Jacobian and one
    // back-substitution per step); only when that does not reach the bound is the Jacobian
    // factorized again as a band with partial pivoting. On the 17 x 1,000 Pr/Nd cascade the
    // band LU's factorization and solves were 41 % of the time, where two refinement steps
    // pass the same bound.
    solver::BandLu band;
    bool banded = false, refine = false;
    // The block LU in the structure of a cascade (upper blocks diagonal, lower blocks
    // diagonal plus rank one): one inversion of a block per stage, no product of full blocks.
    // Its storage and factors are kept per thread (KeptFactors.h): a warm re-solve starts
    // with chord steps on the factors of the result it starts from (start_factors) and
    // factorizes into the other slot.
    const FactorSlots slots =
        keep_factors_ ? factor_slots(stages, m, holdup ? 0 : start_factors) : FactorSlots{};
    KeptFactors local;
    KeptFactors& own = slots.own ? *slots.own : local;
    solver::DiagonalUpperBlockTridiagonal& structured = own.matrix;
    if (structured.num_blocks() != stages || structured.block_size() != m) {
        structured.resize(stages, m);
    }
    // The factors chord steps use until the first factorization here: start_factors's.
    const solver::DiagonalUpperBlockTridiagonal* chord_factors =
        slots.start ? &slots.start->matrix : nullptr;
    std::uint64_t factors_in_use = slots.start ? start_factors : 0;
    Eigen::VectorXd lower_diagonal = Eigen::VectorXd::Zero(m), lower_right = lower_diagonal;
    lower_right[n_] = 1.0;
    // Solves J v = b (b given in v) with the structured factors and up to kRefinements steps
    // of iterative refinement while the residual falls. Returns the steps it took to come
    // within min(1e-10 max(1, |b|), 1e-3 |b|), the bound the band LU's fallback is taken for, or -1
    // when it did not. With no step (the block LU accurate by itself) it is the plain block solve.
    // Where refinement stalls above that bound, the solve is accepted if every row's residual
    // is within the rounding of its own evaluation, gamma (|b| + |J| |v|) with gamma = (n + 4)
    // eps for the row's n + 3 products (Higham, Accuracy and Stability of Numerical
    // Algorithms, 2nd ed., sections 3.1 and 12.1): then the computed residual cannot tell v
    // from the exact solution, and no solver in double precision does better. Long cascades'
    // steps (17 x 500 stages: |v| ~ 1e5 and more) stall there, at 5e-10 against the bound's
    // 1.7e-10.
    constexpr int kRefinements = 4;
    Eigen::VectorXd &refine_b = scratch.refine_b, &correction = scratch.correction;
    const auto refined_solve = [&](Eigen::VectorXd& v) {
        refine_b = v;
        structured.solve(v);
        // Relative to b as well near convergence: an inexact Newton step needs |J v - b| well
        // below |b| (Dembo, Eisenstat and Steihaug 1982), which 1e-10 alone does not say once
        // max |G| is below it.
        const double b_max = refine_b.cwiseAbs().maxCoeff();
        const double bound = std::min(1e-10 * std::max(1.0, b_max), 1e-3 * b_max);
        double previous = INFINITY;
        for (int k = 0;; ++k) {
            correction = refine_b - jacobian_times(v);
            const double residual = correction.cwiseAbs().maxCoeff();
            if (residual <= bound) {
                return k;
            }
            const bool last = k == kRefinements || !(residual < 0.1 * previous);
            if (!std::isfinite(residual)) {
                return -1;
            }
            // The floor is checked before the first refinement step too: long cascades' solves
            // start at it (17 x 1,000: the step did not reduce the residual), and a solve
            // accepted there leaves the later solves with these factors unrefined.
            if (k == 0 || last) {
                const double gamma = (n_ + 4) * std::numeric_limits<double>::epsilon();
                scratch.magnitudes = v.cwiseAbs();
                const auto floor =
                    gamma * (refine_b.cwiseAbs() + jacobian_times(scratch.magnitudes, 1.0));
                if ((correction.cwiseAbs().array() <= floor.array()).all()) {
                    return k;
                }
                if (last) {
                    return -1;
                }
            }
            previous = residual;
            structured.solve(correction);
            v += correction;
        }
    };
    const auto band_solve = [&](Eigen::VectorXd& v, const Eigen::VectorXd& b) {
        banded = band.factorize(general_jacobian());
        if (banded) {
            v = b;
            band.solve(v);
        }
        return banded;
    };
    const auto factored_solve = [&](Eigen::VectorXd& v) {
        if (chord_factors) {
            chord_factors->solve(v);
        } else if (banded) {
            band.solve(v);
        } else if (refine) {
            Eigen::VectorXd& b = scratch.b;
            b = v;
            if (refined_solve(v) < 0) {
                band_solve(v, b);  // when even the band LU fails, the refined solve stands
            }
        } else {
            structured.solve(v);
        }
    };
    Eigen::VectorXd& rhs = scratch.rhs;
    rhs.resize(static_cast<Eigen::Index>(stages) * m);
    Eigen::VectorXd& x_at_sigma = scratch.x_at_sigma;
    Eigen::MatrixXd& weights_at_sigma = scratch.weights_at_sigma;
    double norm = INFINITY;
    try {
        defer_ln = chord_factors != nullptr;  // a warm start's chord steps
        norm = profiles_and_closure(sigma, g);
        defer_ln = false;
    } catch (const Error& e) {
        report.message = e.what();
        return false;
    }
    double lambda = 1.0;
    Eigen::VectorXd& step = scratch.step;
    bool reuse_factors = false;
    if (chord_factors && !(norm <= options.tolerance)) {
        // The warm start's first step: a chord step on the previous solve's factors (their
        // correction for this closure is in rhs, as a simplified correction would be).
        rhs.setZero();
        for (int j = 0; j < stages; ++j) {
            rhs[static_cast<Eigen::Index>(j) * m + n_] = -g[j];
        }
        chord_factors->solve(rhs);
        reuse_factors = rhs.allFinite();
    }
    if (!reuse_factors) {
        chord_factors = nullptr;
    }
    // When the last full step contracted strongly, its simplified correction (computed by the
    // monotonicity test with the old factors) is the next step: a chord step costs one
    // evaluation and one back-substitution instead of a new Jacobian and factorization.
    constexpr double chord_contraction = 0.1;
    // A chord step is accepted only when it takes the closure below this fraction of where it
    // was (and passes the monotonicity test), at its full length; otherwise the Jacobian is
    // factorized where the step started (Shamanskii's method with a contraction test: Kelley,
    // Solving Nonlinear Equations with Newton's Method, SIAM 2003, section 2.3.3).
    constexpr double chord_closure_contraction = 0.5;
    // Near the sharp split (S - W = f_A) both products are pinned by the feed (all of A goes
    // up, all of B down) whatever the profile, so the last stage's closure is implied by the
    // RE conservation of the whole cascade up to impurity-level terms: its row of the reduced
    // Jacobian is ~1e-17, the block elimination leaves rounding in its place, and Newton's
    // step carries an arbitrary multiple of the direction v that moves no other closure (the
    // position of the A/B front, which the dynamics settle only as 1/t). No damping of such
    // a step passes the monotonicity test. When Newton stalls, near_singular takes the step
    // without its v component (v = J^-1 e_last: zero in every other row), then the best
    // point along v from a quadratic model of G.
    bool near_singular = false, stalled_at_rounding = false;
    const auto reduced_solve = [&](const Eigen::VectorXd& r) {
        rhs.setZero();
        for (int j = 0; j < stages; ++j) {
            rhs[static_cast<Eigen::Index>(j) * m + n_] = r[j];
        }
        factored_solve(rhs);
        Eigen::VectorXd out(stages);
        for (int j = 0; j < stages; ++j) {
            out[j] = rhs[static_cast<Eigen::Index>(j) * m + n_];
        }
        return out;
    };
    // The step without its v component, then the best point along v (best_along_front).
    // Returns its max |G| (trial_sigma, trial_g and x hold it).
    const auto singular_step = [&](Eigen::VectorXd& d) {
        Eigen::VectorXd v = Eigen::VectorXd::Zero(stages);
        v[stages - 1] = 1.0;
        v = reduced_solve(v);
        v.normalize();
        if (!v.allFinite() || !d.allFinite()) {
            return static_cast<double>(INFINITY);
        }
        d -= v.dot(d) * v;
        return best_along_front(profiles_and_closure, sigma + d, v, std::max(std::sqrt(norm), 1e-6),
                                trial_sigma, trial_g);
    };
    const char* what = holdup ? "pseudo-transient step (reduced)" : "reduced Newton";
    while (!(norm <= options.tolerance)) {
        if (progress_ && !holdup) {
            say(std::string(what) + " iteration " + std::to_string(report.iterations) +
                ": max |closure| = " + fmt(norm, 3));
        }
        if (!std::isfinite(norm) || report.iterations >= options.max_iterations) {
            report.message =
                std::isfinite(norm) ? "reached the iteration limit" : "the closure is not finite";
            break;
        }
        ++report.iterations;
        if (reuse_factors) {
            for (int j = 0; j < stages; ++j) {
                step[j] = rhs[static_cast<Eigen::Index>(j) * m + n_];
            }
        } else {
            // Jacobian of the balances (ln in - ln out) and closures in (u, sigma).
            ensure_x();
            from_above.setZero();
            from_below.setZero();
            for (int j = 0; j < stages; ++j) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(j) * m;
                const bool above = j + 1 < stages && qa_down_[j + 1] > 0.0;
                const bool below = j > 0 && qo_up_[j - 1] > 0.0;
                rhs.segment(r0, n_).setZero();
                if (!holdup && std::isfinite(ln_qa_out_[j]) && std::isfinite(ln_qo_out_[j])) {
                    outflow_weights(j, above, below);
                    continue;
                }
                for (int i = 0; i < n_; ++i) {
                    const double u_ij = x[static_cast<Eigen::Index>(j) * block_ + i];
                    std::array<double, 4> w_out{}, w_in{};
                    LogSum out;
                    out.add(ln_qa_out_[j] + u_ij);
                    out.add(ln_qo_out_[j] + u_ij + ln_k[i] + sigma[j]);
                    if (holdup) {
                        out.add(holdup->ln_aqueous_L[j] + holdup->ln_inverse_step + u_ij);
                        out.add(holdup->ln_organic_L[j] + holdup->ln_inverse_step + u_ij + ln_k[i] +
                                sigma[j]);
                    }
                    out.value(w_out);
                    LogSum in;
                    int k_above = -1, k_below = -1;
                    if (above) {
                        k_above = in.count;
                        in.add(ln_qa_down_[j + 1] +
                               x[static_cast<Eigen::Index>(j + 1) * block_ + i]);
                    }
                    if (below) {
                        k_below = in.count;
                        in.add(ln_qo_up_[j - 1] + x[static_cast<Eigen::Index>(j - 1) * block_ + i] +
                               ln_k[i] + sigma[j - 1]);
                    }
                    in.add(holdup ? holdup->ln_source(i, j) : ln_feed_(i, j));
                    // The balances hold by construction (exact linear solve): their residual is
                    // rounding, which must not leak into the step for sigma.
                    in.value(w_in);
                    out_sigma(i, j) = w_out[1] + (holdup ? w_out[3] : 0.0);
                    if (k_above >= 0) {
                        from_above(i, j) = w_in[k_above];
                    }
                    if (k_below >= 0) {
                        from_below(i, j) = w_in[k_below];
                    }
                }
            }
            for (int j = 0; j < stages; ++j) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(j) * m;
                const double row_scale = linear_closure ? 1.0 + g[j] : 1.0;
                closure_weights.col(j) = row_scale * lse_weights.col(j);
                closure_scale[j] = row_scale;
                rhs[r0 + n_] = -g[j];
            }
            ++report.jacobian_evaluations;
            chord_factors = nullptr;
            own.id = 0;
            for (int j = 0; j < stages; ++j) {
                auto block = structured.diag(j);
                block.setZero();
                block.diagonal().head(n_).setConstant(-1.0);
                block.col(n_).head(n_) = -out_sigma.col(j);
                block.row(n_).head(n_) = closure_weights.col(j).transpose();
                block(n_, n_) = closure_scale[j];
                if (j + 1 < stages) {
                    structured.upper[j].head(n_) = from_above.col(j);
                }
                if (j > 0) {
                    lower_diagonal.head(n_) = from_below.col(j);
                    structured.set_lower_diagonal_plus_rank_one(j, lower_diagonal, lower_diagonal,
                                                                lower_right);
                }
            }
            Eigen::VectorXd& b = scratch.b;
            b = rhs;
            banded = false;
            // Later solves with these factors (simplified corrections, chord steps) are
            // refined too when this one needed it.
            const int refinements = structured.factorize() ? refined_solve(rhs) : -1;
            refine = refinements > 0;
            if (refinements < 0 && !band_solve(rhs, b)) {
                report.message = "the Jacobian is singular";
                break;
            }
            // Factors a later warm re-solve can start from: structured ones solving alone.
            if (refinements == 0 && slots.own) {
                own.id = next_factors_id();
            }
            factors_in_use = own.id;
            for (int j = 0; j < stages; ++j) {
                step[j] = rhs[static_cast<Eigen::Index>(j) * m + n_];
            }
        }
        if (near_singular) {
            const double trial_norm = singular_step(step);
            if (trial_norm < norm) {
                sigma = trial_sigma;
                g = trial_g;
                norm = trial_norm;
                continue;
            }
            profiles_and_closure(sigma, g);  // restore x for sigma
            // Stalled at the rounding of the closure itself (ln sum K c + sigma - ln Y is a sum
            // of terms as large as |sigma| and |ln Y|): that is the steady state; the balance
            // certificate (Impl::solve) still decides whether it is reported.
            const double rounding_floor =
                1e3 * std::numeric_limits<double>::epsilon() *
                (1.0 + sigma.cwiseAbs().maxCoeff() + ln_y.cwiseAbs().maxCoeff());
            if (norm <= rounding_floor) {
                stalled_at_rounding = true;
                break;
            }
            report.message = "no step across or along the front direction reduces the closure";
            break;
        }
        // Deuflhard's natural monotonicity test on sigma (as in solver::solve_newton): the
        // simplified correction at the trial point, with the old factors, must shrink.
        const double full_norm = step.cwiseAbs().maxCoeff();
        const double limit = full_norm > options.max_step ? options.max_step / full_norm : 1.0;
        step *= limit;
        bool accepted = false;
        const bool chord = reuse_factors;
        lambda = chord ? 1.0 : std::min(1.0, 4.0 * lambda);
        // The profiles at sigma, for a step that is not taken (re-evaluating them cost an
        // evaluation of the closure).
        const bool stale_at_sigma = x_stale;
        if (x_stale) {
            save_deferred_profiles();
        } else {
            x_at_sigma = x;
        }
        weights_at_sigma = lse_weights;
        for (int back = 0; back <= (chord ? 0 : options.max_backtracks); ++back, lambda *= 0.5) {
            trial_sigma = sigma + lambda * step;
            double trial_norm = INFINITY;
            defer_ln = chord;
            try {
                trial_norm = profiles_and_closure(trial_sigma, trial_g);
            } catch (const Error&) {
                defer_ln = false;
                continue;
            }
            defer_ln = false;
            if (!std::isfinite(trial_norm)) {
                continue;
            }
            bool passes = trial_norm <= options.tolerance;
            double simplified = INFINITY;
            if (!passes) {
                rhs.setZero();
                for (int j = 0; j < stages; ++j) {
                    rhs[static_cast<Eigen::Index>(j) * m + n_] = -trial_g[j];
                }
                factored_solve(rhs);
                simplified = 0.0;
                for (int j = 0; j < stages; ++j) {
                    simplified =
                        std::max(simplified, std::abs(rhs[static_cast<Eigen::Index>(j) * m + n_]));
                }
                // In the fallbacks' linear form, the residual itself must fall, too.
                passes =
                    simplified <= (1.0 - 0.25 * lambda * limit) * full_norm &&
                    (!linear_closure || trial_norm < norm) &&
                    (!chord || (limit == 1.0 && trial_norm <= chord_closure_contraction * norm));
            }
            if (passes) {
                sigma = trial_sigma;
                g = trial_g;
                norm = trial_norm;
                accepted = true;
                reuse_factors =
                    lambda * limit == 1.0 && simplified <= chord_contraction * full_norm;
                break;
            }
        }
        if (!accepted) {
            // restore the profiles (and closure weights) of sigma
            x_stale = stale_at_sigma;
            if (x_stale) {
                restore_deferred_profiles(stages);
            } else {
                x = x_at_sigma;
            }
            lse_weights = weights_at_sigma;
        }
        if (!accepted && chord) {
            reuse_factors = false;  // the old factors do not contract enough: refactor
            continue;
        }
        if ((!accepted || lambda * limit < 1e-3) && norm < 1e-3) {
            near_singular = true;  // Newton stalls: the front direction apart from here on
            reuse_factors = false;
        } else if (!accepted) {
            report.message = "the line search could not reduce the closure residual";
            break;
        }
    }
    ensure_x();
    report.residual_norm = norm;
    if (!holdup && norm < best_closure_ && sigma.size() == stages &&
        ln_k == model_.ln_relative_extractability()) {
        best_closure_ = norm;  // the last resort's start (dense_newton_on_scale)
        best_sigma_ = sigma;
    }
    const bool converged = norm <= options.tolerance || stalled_at_rounding;
    if (progress_) {
        say(std::string(what) + (converged ? " converged" : " stopped (" + report.message + ")") +
            ": max |closure| = " + fmt(norm, 3) + " after " + std::to_string(report.iterations) +
            " iterations in all");
    }
    if (converged && !holdup) {
        reduced_sigma_ = sigma;
        // The factors it ended with, unless the band LU's or refined ones were last.
        factors_id_ = banded || refine ? 0 : factors_in_use;
    }
    return converged;
}

}  // namespace reesx
