// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Newton with the compositions eliminated for the acidity models (mass-action,
// ph-correlation): the extra species per stage are iterated, every element's balances solved
// exactly at their distribution ratios.
#include "CascadeImpl.h"

#include <bit>
#include <cstdint>

namespace reesx {

using namespace cascade_detail;

namespace {

// The reduced Newton's two block-tridiagonal matrices, kept per thread between solves of
// the same size: allocating and first touching their blocks per solve was about 14 % of a
// cold 100-stage mass-action solve (perf, docs/performance.md). Systems above kCachedDoubles
// (16 MiB for the two) are allocated per solve, so that a 5,000-stage cascade does
// not pin its matrices to the thread.
struct NewtonMatrices {
    solver::BlockTridiagonalMatrix jacobian, factored;
    //! The factors when every block above the diagonal is diagonal (see structured_step).
    solver::DiagonalUpperBlockTridiagonal structured;
    bool in_use = false;  // a nested solve on the same thread takes its own
};

//! True when the first `size` rows and columns of `block` are diagonal among themselves.
//! An OR of the entries' bits (the sign shifted out, so -0 counts as 0) that the compiler
//! vectorizes: a comparison per entry was about 2 % of a 23 × 100 solve.
bool diagonal_within(const Eigen::MatrixXd& block, int size)
{
    std::uint64_t bits = 0;
    for (int c = 0; c < size; ++c) {
        const double* column = block.data() + static_cast<Eigen::Index>(c) * block.rows();
        for (int r = 0; r < c; ++r) {
            bits |= std::bit_cast<std::uint64_t>(column[r]) << 1;
        }
        for (int r = c + 1; r < size; ++r) {
            bits |= std::bit_cast<std::uint64_t>(column[r]) << 1;
        }
    }
    return bits == 0;
}

//! True when every block above the diagonal of `a` is diagonal. It is for the mass-action
//! and ph-correlation models: the rows of stage j see stage j+1 only through the aqueous
//! that flows down from it, each element through its own ln c and each conserved quantity
//! through the one extra that sets its aqueous content (ln [H+], ln [Na+]).
bool upper_blocks_diagonal(const solver::BlockTridiagonalMatrix& a)
{
    for (int k = 0; k + 1 < a.num_blocks(); ++k) {
        if (!diagonal_within(a.upper[k], a.block_size())) {
            return false;
        }
    }
    return true;
}

//! Factorizes `a` into `factors` (the block LU for a diagonal-upper matrix: one block
//! product and one Gauss-Jordan inversion of padded blocks per stage, with the solver's
//! vector kernels, where the general block LU needs a product, an LU and a solve with m
//! right-hand sides of Eigen's dynamic-size blocks) and solves a x = b in place. Lower
//! blocks whose first `elements` rows and columns are diagonal go in as arrowheads (their
//! product with S^{-1} a third of a full one's at 17 elements and 4 extras). `a` is not
//! changed. False where a pivot block is singular or the solution is not finite.
bool structured_factorize_and_solve(const solver::BlockTridiagonalMatrix& a, int elements,
                                    solver::DiagonalUpperBlockTridiagonal& factors,
                                    Eigen::VectorXd& b)
{
    const int n = a.num_blocks(), m = a.block_size();
    if (factors.num_blocks() != n || factors.block_size() != m) {
        factors.resize(n, m);
    }
    for (int k = 0; k < n; ++k) {
        factors.diag(k) = a.diag[k];
        if (k > 0 && diagonal_within(a.lower[k], elements)) {
            // A stage's elements see the stage before only through their own organic content
            // and the extras that set it.
            factors.lower_arrowhead(k, elements) = a.lower[k];
        } else if (k > 0) {
            factors.lower(k) = a.lower[k];
        }
        if (k + 1 < n) {
            factors.upper[k] = a.upper[k].diagonal();
        }
    }
    if (!factors.factorize()) {
        return false;
    }
    factors.solve(b);
    return b.allFinite();
}
constexpr std::size_t kCachedDoubles = std::size_t{2} << 20;
//! The pseudo-transient shift a stalled Newton continues with (the reduced continuation's).
constexpr double kStalledShift = 0.1;

}  // namespace

solver::SolverReport Cascade::Impl::solve_reduced_extras(Eigen::VectorXd& x,
                                                         const solver::NewtonOptions& options,
                                                         double shift, int newton_iterations)
{
    const auto start_time = std::chrono::steady_clock::now();
    solver::SolverReport report;
    report.method = "newton-block-tridiagonal (elimination of compositions)";
    linear_form_ = false;
    const int stages = solved_stages_;
    Eigen::MatrixXd ln_d(n_, stages);
    // Species carried like elements (the saponification cation) are eliminated too: their
    // balance and ratio rows hold by construction, their slots are not iterated.
    const auto distributed = model_.distributed_species();
    std::vector<bool> eliminated_row(m_, false), iterated(m_, true);
    for (const auto& d : distributed) {
        eliminated_row[d.conserved] = true;
        eliminated_row[k_ + d.local_row] = true;
        iterated[d.aqueous_slot] = false;
        iterated[d.organic_slot] = false;
    }
    Eigen::VectorXd ln_d_species(stages), ln_feed_species(stages);
    const auto profiles = [&](Eigen::VectorXd& xx) {
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
            // The ratios alone where the model gives them (evaluate_extras computes the stage's
            // chemistry at the new profiles next).
            if (plain_reduced_ || !model_.ln_distribution_ratios(
                                      conditions_[j], xx.segment(row0 + n_, m_), ln_d.col(j))) {
                model_.stage_chemistry(conditions_[j], xx.segment(row0, n_),
                                       xx.segment(row0 + n_, m_), chem_[j]);
                ln_d.col(j) = chem_[j].ln_org - xx.segment(row0, n_);
            }
        }
        solve_linear_profiles(ln_d, xx);
        for (std::size_t s = 0; s < distributed.size(); ++s) {
            const auto& d = distributed[s];
            for (int j = 0; j < stages; ++j) {
                ln_d_species[j] = model_.distributed_ln_d(
                    static_cast<int>(s),
                    xx.segment(static_cast<Eigen::Index>(j) * block_ + n_, m_));
                ln_feed_species[j] = safe_log(conserved_feed_(d.conserved, j));
            }
            const Eigen::VectorXd ln_c = linear_profile(ln_d_species, ln_feed_species);
            for (int j = 0; j < stages; ++j) {
                const Eigen::Index w0 = static_cast<Eigen::Index>(j) * block_ + n_;
                xx[w0 + d.aqueous_slot] = ln_c[j];
                xx[w0 + d.organic_slot] = ln_c[j] + ln_d_species[j];
            }
        }
    };
    // Max |F| over the iterated rows; the eliminated rows zeroed (rounding only).
    const auto extras_norm = [&](Eigen::VectorXd& f) {
        double norm = 0.0;
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
            f.segment(row0, n_).setZero();
            for (int r = 0; r < m_; ++r) {
                if (eliminated_row[r]) {
                    f[row0 + n_ + r] = 0.0;
                }
                norm = std::max(norm, std::abs(f[row0 + n_ + r]));
            }
        }
        return norm;
    };
    const auto w_norm = [&](const Eigen::VectorXd& v) {
        double norm = 0.0;
        for (int j = 0; j < stages; ++j) {
            for (int r = 0; r < m_; ++r) {
                if (iterated[r]) {
                    norm =
                        std::max(norm, std::abs(v[static_cast<Eigen::Index>(j) * block_ + n_ + r]));
                }
            }
        }
        return norm;
    };
    // `factored` holds the factors of the last Jacobian factorized; the two matrices trade
    // places by swaps (no copies of the blocks).
    thread_local NewtonMatrices cached;
    NewtonMatrices own;
    const std::size_t doubles = std::size_t{6} * static_cast<std::size_t>(stages) *
                                static_cast<std::size_t>(block_) * static_cast<std::size_t>(block_);
    NewtonMatrices& matrices = !cached.in_use && doubles <= kCachedDoubles ? cached : own;
    const struct Release {
        bool& flag;
        ~Release() { flag = false; }
    } release{matrices.in_use};
    matrices.in_use = true;
    for (auto* matrix : {&matrices.jacobian, &matrices.factored}) {
        if (matrix->num_blocks() != stages || matrix->block_size() != block_) {
            *matrix = solver::BlockTridiagonalMatrix(stages, block_);
        }
    }
    solver::BlockTridiagonalMatrix& jacobian = matrices.jacobian;
    solver::BlockTridiagonalMatrix& factored = matrices.factored;
    Eigen::VectorXd f, step, trial, trial_f, chord;
    // The w-norm of the last step taken whole, and whether `factored` may give the next one.
    double last_full_step = INFINITY;
    bool chord_ready = false;
    // Whether the last factors are in matrices.structured (else in `factored`).
    bool structured_factors = false;
    double norm = INFINITY;
    try {
        profiles(x);
        evaluate_extras(x, f, &jacobian, !plain_reduced_);
        ++report.residual_evaluations;
        norm = extras_norm(f);
    } catch (const Error&) {
    } catch (const std::domain_error&) {
    }
    // Whether `jacobian` is the Jacobian at x: trial points are evaluated without one (most
    // are rejected by the line search or followed by a chord step), and the Jacobian of the
    // point accepted is assembled only when a Newton step needs it.
    bool jacobian_at_x = std::isfinite(norm);
    // Whether chem_ holds the stage chemistry at x (the last point evaluated was x): the
    // Jacobian assembled there then does not evaluate the model again.
    bool chemistry_at_x = jacobian_at_x;
    double lambda = 1.0;
    // One line per iteration for --verbose: the residual, where it is largest, and how the
    // step was taken (its size: max change of an iterated unknown).
    const auto tell = [&](const std::string& how, double step_size) {
        if (options.monitor) {
            Eigen::Index worst = 0;
            f.cwiseAbs().maxCoeff(&worst);
            options.monitor("reduced Newton (acidity model) iteration " +
                            std::to_string(report.iterations) + ": max |F| = " + fmt(norm, 3) +
                            " at " + variable_name(static_cast<int>(worst)) + ", " + how + " " +
                            fmt(step_size, 3));
        }
    };
    // Where the Newton stalls (its line search finds no lower max |F|, or it has used its
    // newton_iterations), the pseudo-transient continuation below goes on from there instead
    // of giving up: near-singular reduced Jacobians give Newton steps along a strongly
    // curved direction, and the shifted steps leave it.
    const auto continue_from_here = [&] {
        newton_iterations = -1;
        shift = kStalledShift;
        profiles(x);
        evaluate_extras(x, f, &jacobian, !plain_reduced_);
        ++report.residual_evaluations;
        norm = extras_norm(f);
        if (options.monitor) {
            options.monitor("reduced Newton (acidity model) stalled at max |F| = " + fmt(norm, 3) +
                            ": pseudo-transient continuation from here (shift " + fmt(shift, 3) +
                            ")");
        }
    };
    while (!(norm <= options.tolerance)) {
        if (!std::isfinite(norm) || report.iterations >= options.max_iterations) {
            report.message =
                std::isfinite(norm) ? "reached the iteration limit" : "the residual is not finite";
            break;
        }
        if (shift == 0.0 && newton_iterations >= 0 && report.iterations >= newton_iterations) {
            continue_from_here();
        }
        ++report.iterations;
        if (shift > 0.0) {
            // Pseudo-transient step: (J - shift I) dx = -F on the iterated unknowns, taken
            // whole; a non-finite or failed trial raises the shift. (`factored` holds the
            // shifted copy: no allocation per step.)
            solver::BlockTridiagonalMatrix& shifted = factored;
            shifted = jacobian;
            for (int j = 0; j < stages; ++j) {
                for (int r = 0; r < m_; ++r) {
                    if (iterated[r]) {
                        shifted.diag[j](n_ + r, n_ + r) -= shift;
                    }
                }
            }
            step = -f;
            double trial_norm = INFINITY;
            // The shift keeps the upper blocks diagonal: the structured block LU applies.
            const bool solved =
                !plain_reduced_ && upper_blocks_diagonal(shifted)
                    ? structured_factorize_and_solve(shifted, n_, matrices.structured, step)
                    : shifted.factorize_and_solve(step);
            if (solved) {
                const double full = w_norm(step);
                step *= full > options.max_step ? options.max_step / full : 1.0;
                trial = x;
                for (int j = 0; j < stages; ++j) {
                    const Eigen::Index w0 = static_cast<Eigen::Index>(j) * block_ + n_;
                    for (int r = 0; r < m_; ++r) {
                        trial[w0 + r] += iterated[r] ? step[w0 + r] : 0.0;
                    }
                }
                try {
                    profiles(trial);
                    evaluate_extras(trial, trial_f, &jacobian, !plain_reduced_);
                    ++report.residual_evaluations;
                    trial_norm = extras_norm(trial_f);
                } catch (const Error&) {
                } catch (const std::domain_error&) {
                }
            }
            if (!std::isfinite(trial_norm)) {
                shift *= 10.0;
                profiles(x);
                evaluate_extras(x, f, &jacobian, !plain_reduced_);
                continue;
            }
            const double shift_taken = shift;
            shift *= trial_norm / norm;
            x = trial;
            f = trial_f;
            norm = trial_norm;
            tell("pseudo-transient step (shift " + fmt(shift_taken, 3) + ")", w_norm(step));
            continue;
        }
        // The residual at x + lambda step (iterated unknowns only), with its Jacobian: the
        // first trial is usually accepted and needs it next. INFINITY where not defined.
        const auto try_step = [&](double lambda_try, const Eigen::VectorXd& dx) {
            trial = x;
            for (int j = 0; j < stages; ++j) {
                const Eigen::Index w0 = static_cast<Eigen::Index>(j) * block_ + n_;
                for (int r = 0; r < m_; ++r) {
                    trial[w0 + r] += iterated[r] ? lambda_try * dx[w0 + r] : 0.0;
                }
            }
            double trial_norm = INFINITY;
            chemistry_at_x = false;
            try {
                profiles(trial);
                evaluate_extras(trial, trial_f, nullptr, !plain_reduced_);
                ++report.residual_evaluations;
                trial_norm = extras_norm(trial_f);
            } catch (const Error&) {
            } catch (const std::domain_error&) {
            }
            return std::isfinite(trial_norm) ? trial_norm : INFINITY;
        };
        const auto accept = [&](double trial_norm) {
            x.swap(trial);
            norm = trial_norm;
            f.swap(trial_f);
            jacobian_at_x = false;
            chemistry_at_x = true;  // the trial just evaluated
        };
        // Chord step (Deuflhard's simplified Newton correction): after a whole step, the
        // correction with the old factors is the next step when it is below 0.1 of that
        // step, taken whole if it lowers the residual; the block LU (most of an iteration's
        // cost) is then skipped. Otherwise, or if it does not lower the residual, a Newton
        // step with a fresh factorization as before. The separation-factor reduced Newton
        // does the same (docs/performance.md).
        if (chord_ready) {
            chord_ready = false;
            chord = -f;
            if (structured_factors) {
                matrices.structured.solve(chord);
            } else {
                factored.solve_factored(chord);
            }
            const double chord_size = chord.allFinite() ? w_norm(chord) : INFINITY;
            if (chord_size <= 0.1 * last_full_step) {
                const double trial_norm = try_step(1.0, chord);
                if (trial_norm <= options.tolerance || trial_norm < (1.0 - 1e-4) * norm) {
                    accept(trial_norm);
                    last_full_step = chord_size;
                    chord_ready = true;
                    tell("chord step", chord_size);
                    continue;
                }
            }
        }
        if (!jacobian_at_x) {
            // The same residual again (the evaluation is deterministic), with its Jacobian.
            evaluate_extras(x, f, &jacobian, !plain_reduced_, chemistry_at_x);
            extras_norm(f);
            jacobian_at_x = chemistry_at_x = true;
        }
        step = -f;
        ++report.jacobian_evaluations;  // counts the block factorizations
        structured_factors = !plain_reduced_ && upper_blocks_diagonal(jacobian);
        bool factorized = false;
        if (structured_factors) {
            factorized = structured_factorize_and_solve(jacobian, n_, matrices.structured, step);
        } else {
            std::swap(factored, jacobian);
            jacobian_at_x = false;
            factorized = factored.factorize_and_solve(step);
        }
        if (!factorized) {
            report.message = "the Jacobian is singular";
            break;
        }
        const double full = w_norm(step);
        const double limit = full > options.max_step ? options.max_step / full : 1.0;
        step *= limit;
        bool accepted = false;
        lambda = std::min(1.0, 4.0 * lambda);
        for (int back = 0; back <= options.max_backtracks; ++back, lambda *= 0.5) {
            const double trial_norm = try_step(lambda, step);
            if (trial_norm <= options.tolerance || trial_norm < (1.0 - 1e-4 * lambda) * norm) {
                accept(trial_norm);
                accepted = true;
                if (lambda == 1.0 && limit == 1.0) {
                    last_full_step = full;
                    chord_ready = true;
                }
                tell(back == 0 ? "Newton step" : "damped Newton step", lambda * limit * full);
                break;
            }
        }
        if (!accepted && newton_iterations >= 0) {
            continue_from_here();
        } else if (!accepted) {
            report.message = "the line search could not reduce the residual";
            break;
        }
    }
    // The element rows hold to rounding; check the full residual as the other solvers do.
    if (std::isfinite(norm)) {
        evaluate(x, f, nullptr);
        Eigen::Index worst = 0;
        norm = f.cwiseAbs().maxCoeff(&worst);
        report.worst_index = static_cast<int>(worst);
    }
    report.converged = norm <= options.tolerance;
    report.residual_norm = norm;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return report;
}

}  // namespace reesx
