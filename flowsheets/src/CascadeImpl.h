// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Private to reesx_flowsheets: the cascade's implementation class, shared by the files that
// hold its parts (set-up in Cascade.cpp, stage equations, starting points, the reduced Newton
// of the saturated and acidity models, the solve strategy, results).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Cascade.h"

namespace reesx {
namespace cascade_detail {

inline constexpr double neg_inf = -std::numeric_limits<double>::infinity();

inline double safe_log(double x)
{
    return x > 0.0 ? std::log(x) : neg_inf;
}

//! ln(exp(a) + exp(b)), exact for -inf arguments.
inline double log_add(double a, double b)
{
    if (a < b) {
        std::swap(a, b);
    }
    if (a == neg_inf) {
        return neg_inf;
    }
    // exp(b - a) < 3.3e-308 is below half an ulp of any |a| >= 1e-280, so the sum is a, as
    // the full expression would round it; glibc's exp takes a slow path for results in the
    // subnormal range, which long cascades' profiles (spanning e^-700 and below) reach on
    // most stages.
    const double d = b - a;
    if (d < -708.0 && std::abs(a) >= 1e-280) {
        return a;
    }
    return a + std::log1p(std::exp(d));
}

//! A small log-sum-exp accumulator that also returns each term's weight exp(t - lse).
struct LogSum {
    std::array<double, 4> terms{};
    int count = 0;
    void add(double t)
    {
        if (t != neg_inf) {
            terms[count++] = t;
        }
    }
    double value(std::array<double, 4>& weights) const
    {
        if (count == 0) {
            return neg_inf;
        }
        double top = terms[0];
        for (int k = 1; k < count; ++k) {
            top = std::max(top, terms[k]);
        }
        double sum = 0.0;
        for (int k = 0; k < count; ++k) {
            // A weight below e^-708 (subnormal) is 0 here: it leaves the sum (>= 1) unchanged
            // and spares exp's slow path and subnormal arithmetic in the Jacobian.
            const double d = terms[k] - top;
            weights[k] = d < -708.0 ? 0.0 : std::exp(d);
            sum += weights[k];
        }
        for (int k = 0; k < count; ++k) {
            weights[k] /= sum;
        }
        return top + std::log(sum);
    }
};

//! ln sum_k exp(a_k), without overflow.
inline double log_sum_exp(const Eigen::VectorXd& a)
{
    const double top = a.maxCoeff();
    return top + std::log((a.array() - top).exp().sum());
}

inline std::string fmt(double value, int precision = 4)
{
    std::ostringstream out;
    out.precision(precision);
    out << value;
    return out.str();
}

//! Sets the solver tolerance's scale for a scope and restores the previous one at its end
//! (also when a solve inside throws).
class ToleranceScope {
public:
    ToleranceScope(double& scale, double value) : scale_(scale), saved_(scale) { scale = value; }
    ~ToleranceScope() { scale_ = saved_; }
    ToleranceScope(const ToleranceScope&) = delete;
    ToleranceScope& operator=(const ToleranceScope&) = delete;

private:
    double& scale_;
    double saved_;
};

//! Near the sharp split: the best point along the front direction v (unit) from `from`,
//! G(t) ~ c + b t + h t^2/2 fitted through the closures at t = -scale, 0, scale and |G(t)|^2
//! minimized on a grid; the best evaluated point is kept (docs/model.md, "The sharp split").
//! `closure(sigma, g)` returns max |G| at sigma (it may throw Error: that point counts as
//! infinitely bad). Returns the point's max |G|; trial_sigma and trial_g hold it.
double best_along_front(
    const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& closure,
    const Eigen::VectorXd& from, const Eigen::VectorXd& v, double scale,
    Eigen::VectorXd& trial_sigma, Eigen::VectorXd& trial_g);

}  // namespace cascade_detail

//! The stage chemistry of a cascade's stages (a vector of them), its buffers handed on to
//! the next cascade on the same thread: allocating and first touching them anew for every
//! cascade (glibc returns the freed heap to the system between cold solves) was about 5 % of
//! a 100-stage mass-action solve (docs/performance.md). Keeps up to kKeptDoubles of
//! gradients, so that a 5,000-stage cascade does not pin its buffers to the thread.
class ReusedStageChemistry : public std::vector<StageChemistry> {
public:
    ReusedStageChemistry();
    ~ReusedStageChemistry();
    ReusedStageChemistry(const ReusedStageChemistry&) = default;
    ReusedStageChemistry& operator=(const ReusedStageChemistry&) = default;
};

//! The cascade as a block-tridiagonal nonlinear system (see Cascade.h for the equations).
class Cascade::Impl final : public solver::BlockTridiagonalSystem {
public:
    explicit Impl(const CaseSpec& spec);

    int num_blocks() const override { return solved_stages_; }
    int block_size() const override { return block_; }
    void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                  solver::BlockTridiagonalMatrix* jacobian) override;
    std::string variable_name(int k) const override;
    void take_step(const Eigen::VectorXd& x, const Eigen::VectorXd& dx, double lambda,
                   Eigen::VectorXd& trial) const override;

    //! The steady state, refused (ConvergenceError) when an element balance does not close.
    CascadeResult solve();
    //! solve_once, and the closed organic loop's tear around it.
    CascadeResult solve_with_loop();
    void initial_guess(Eigen::VectorXd& x, int max_sweeps);
    //! One successive-substitution sweep: with the distribution ratios of the current
    //! profile held fixed, each element's balances are linear and tridiagonal; solved in ln
    //! space (no underflow). Returns max |change of u|.
    double substitution_sweep(Eigen::VectorXd& x);
    //! Element balance of component i at stage j, ln(inflow) - ln(outflow), with ln q taken
    //! from ln_q_. w_out: weights of the aqueous (0) and organic (1) outflow terms; w_in: of
    //! the inflow terms, k_above / k_below their positions (-1 when absent).
    double element_balance(int j, int i, const Eigen::VectorXd& x, std::array<double, 4>& w_out,
                           std::array<double, 4>& w_in, int& k_above, int& k_below) const;
    //! With ln D_ij = ln(q_ij / c_ij) fixed, each element's balances are linear and
    //! tridiagonal: solves them for x (the u part) by a Thomas recursion in ln space.
    //! With `holdup`, the balances of one backward-Euler step of the cascade's dynamics
    //! instead (holdup terms on the diagonal and in the source).
    struct Holdup;
    void solve_linear_profiles(const Eigen::MatrixXd& ln_d, Eigen::VectorXd& x,
                               const Holdup* holdup = nullptr) const;
    //! Newton on the per-stage scale of the separation-factor model with the compositions
    //! eliminated exactly (see the definition).
    solver::SolverReport solve_reduced(Eigen::VectorXd& x, const solver::NewtonOptions& options);
    //! The key pair of the product split (A, B: indices of components) for extractabilities
    //! ln_k, and the theory's start of the reduced Newton from it (ReducedStrategy.cpp).
    std::pair<int, int> key_pair(const Eigen::VectorXd& ln_k) const;
    Eigen::VectorXd theory_scale(const Eigen::VectorXd& ln_k) const;
    //! solve_reduced's continuation in the reflux (SaturatedFallbacks.cpp): true when it
    //! reached this cascade's flows and converged there (sigma, x as newton_on_scale's).
    bool continue_in_reflux(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma, Eigen::VectorXd& x,
                            const solver::NewtonOptions& options, solver::SolverReport& report);
    //! The Newton iteration of solve_reduced from sigma (ln D per stage) with relative
    //! extractabilities ln_k; x: the profiles at the final sigma. Adds its work to report;
    //! true when the closures are within options.tolerance.
    //! With `holdup`: of one backward-Euler step of the dynamics instead. With
    //! `start_factors`, the id of factors this thread keeps (CascadeResult::jacobian_factors_id)
    //! of a Jacobian of this size: chord steps on them first.
    bool newton_on_scale(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma, Eigen::VectorXd& x,
                         const solver::NewtonOptions& options, solver::SolverReport& report,
                         const Holdup* holdup = nullptr, std::uint64_t start_factors = 0);
    //! The reduced Newton from a full-system solution x (u part read, x replaced by the
    //! reduced solution): element balances exact where the full system's tolerance bounds
    //! each stage's relative imbalance only.
    solver::SolverReport polish_reduced(Eigen::VectorXd& x, const solver::NewtonOptions& options);
    //! A start for a long cascade: the per-stage scale of the same flows over half the stages
    //! per section, stretched; false where that does not apply or does not solve.
    bool start_from_shorter_cascade(Eigen::VectorXd& sigma) const;
    //! solve_reduced's first fallback: continuation from ln_k = 0 (no separation, closed
    //! form) to ln_k, a Newton corrector at each point.
    bool continue_in_separation_factors(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                                        Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                        solver::SolverReport& report);
    //! solve_reduced's last fallback: the cascade's own dynamics (saturated organic, a residence
    //! time of 1 h per phase and stage) by backward Euler with growing steps from the
    //! profile at sigma, Newton on the steady state once the steps are long.
    bool pseudo_transient_on_scale(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                                   Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                   solver::SolverReport& report);
    //! solve_reduced's last resort (FoldFallback.cpp): Newton from the cascade with the scrub
    //! 1e-6 off; then, for cascades of up to kDenseFoldStages stages, Levenberg–Marquardt
    //! with the dense reduced Jacobian's SVD from sigma (the best iterate of the fallbacks
    //! before it) and the bracketed search along the fold's null direction; x: the profiles
    //! at the final sigma. True when the closures are within options.tolerance (or at their
    //! rounding).
    bool dense_newton_on_scale(const Eigen::VectorXd& ln_k, Eigen::VectorXd& sigma,
                               Eigen::VectorXd& x, const solver::NewtonOptions& options,
                               solver::SolverReport& report);
    static constexpr int kDenseFoldStages = 400;
    //! The sigma with the smallest max |closure| that newton_on_scale has reached on this
    //! cascade's own flows and separation factors (no holdup), and that closure.
    Eigen::VectorXd best_sigma_;
    double best_closure_ = INFINITY;
    //! The separation-factor model with Murphree efficiencies below 1, reduced as
    //! solve_reduced (ReducedMurphree.cpp): Newton on sigma from start_sigma (the ideal-stage
    //! solution), then continuation in the efficiencies from 1; x: (u, v) at the solution.
    solver::SolverReport solve_reduced_murphree(const Eigen::VectorXd& start_sigma,
                                                Eigen::VectorXd& x,
                                                const solver::NewtonOptions& options);
    //! Its Newton iteration with the given efficiency per stage; true when the closures are
    //! within options.tolerance (or at their rounding). Adds its work to report.
    bool murphree_on_scale(Eigen::VectorXd& sigma, Eigen::VectorXd& x,
                           const std::vector<double>& efficiency,
                           const solver::NewtonOptions& options, solver::SolverReport& report);
    //! The last resort of solve_reduced_murphree (FoldFallback.cpp): dense_newton_on_scale's
    //! Levenberg–Marquardt and search along the fold on the Murphree closures, from
    //! best_murphree_sigma_; x: (u, v) at the final sigma. Up to kDenseFoldStages stages.
    bool dense_murphree_on_scale(Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                 solver::SolverReport& report);
    //! The sigma with the smallest max |closure| that murphree_on_scale has evaluated at this
    //! cascade's own efficiencies in the current solve_reduced_murphree, and that closure.
    Eigen::VectorXd best_murphree_sigma_;
    double best_murphree_closure_ = INFINITY;
    //! sigma of the last converged solve_reduced_murphree (empty: none).
    Eigen::VectorXd murphree_sigma_;
    //! Every element's aqueous and organic profiles (u, v in x) of the Murphree stages for
    //! fixed distribution ratios: exact, by a log-space recursion. False where a profile is not
    //! finite. ln_d: ln q*/c per component and stage.
    bool murphree_profiles(const Eigen::MatrixXd& ln_d, const std::vector<double>& efficiency,
                           Eigen::VectorXd& x) const;
    //! For a model with distribution ratios independent of the compositions: the exact
    //! profiles of the Murphree stages (one murphree_profiles); false for any other model.
    bool linear_murphree_start(Eigen::VectorXd& x);
    CascadeResult collect(const Eigen::VectorXd& x, const solver::SolverReport& report);
    //! a/b - 1 form of every row (see the end of evaluate).
    void apply_linear_form(Eigen::VectorXd& residual,
                           solver::BlockTridiagonalMatrix* jacobian) const;

    // Models with extra species per stage (EquilibriumModel::extra_unknowns): unknowns per
    // stage (u (n), w (m)); rows: n element balances, k conserved-quantity balances, m - k
    // local equations of the model.
    //! With `balanced`, x holds every element's balances exactly (the reduced Newton's
    //! linear profiles): the element rows' residuals are left 0 and their Jacobian weights
    //! are taken from the outflow alone (inflow = outflow), on whole stages at a time.
    //! With `chemistry_at_x`, chem_ and ln_q_ already hold the stage chemistry at x (the
    //! last evaluation was at x): the model is not evaluated again.
    void evaluate_extras(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                         solver::BlockTridiagonalMatrix* jacobian, bool balanced = false,
                         bool chemistry_at_x = false);
    //! The element rows of stage j's Jacobian blocks where the balances hold (see
    //! evaluate_extras).
    void balanced_element_rows(int j, const Eigen::VectorXd& x,
                               solver::BlockTridiagonalMatrix& jacobian);
    //! Start: flat aqueous RE, extras from the aqueous march of the conserved quantities,
    //! then `sweeps` rounds of (linear RE profiles at fixed D, march, local completion).
    void initial_guess_extras(Eigen::VectorXd& x, int sweeps);
    //! Start from the separation-factor solution of the same flows with the organic loaded to
    //! its saponified capacity (the textbook limit of a saponified cascade); false when that
    //! model cannot run these flows (no saponification, S >= F + W, ...).
    bool separation_factor_start(Eigen::VectorXd& x);
    //! Aqueous content of the conserved quantities by a march down the aqueous, with the
    //! organic contents `organic` (k × stages).
    Eigen::MatrixXd march_conserved(const Eigen::MatrixXd& organic) const;
    //! Aqueous content of the conserved quantities from the current stage chemistry
    //! (chem_): a quantity that both phases carry in positive amounts is distributed like an
    //! element (ratio organic/aqueous held, balances solved exactly by the log-space Thomas
    //! recursion: trace Na+ in the scrub section spans hundreds of decades); the others
    //! (protons, whose organic content is negative) by the march.
    Eigen::MatrixXd distribute_conserved() const;
    //! solve_linear_profiles for one distributed quantity: ln D and ln feed (mol/h) per stage.
    Eigen::VectorXd linear_profile(const Eigen::VectorXd& ln_d,
                                   const Eigen::VectorXd& ln_feed) const;
    //! Newton (linear form, log form), then pseudo-transient continuation, from x.
    solver::SolverReport solve_extras(Eigen::VectorXd& x, const solver::NewtonOptions& options,
                                      solver::SolverReport& total);
    //! Newton with the compositions eliminated (as solve_reduced for the separation-factor
    //! model): for extras w the distribution ratios ln D = ln q - ln c follow (they do not
    //! depend on c for the mass-action and ph-correlation models), every element's balances
    //! are linear and solved exactly, and only the extras' rows are iterated. The step is the
    //! w part of the full Newton step at a point where the element balances hold.
    //! With `shift` > 0: pseudo-transient continuation on the reduced system instead (the
    //! shift on the extras' diagonal is exactly a shift of the reduced Jacobian), shift
    //! reduced as the residual falls (switched evolution relaxation).
    //! With `newton_iterations` >= 0: the Newton continues as that continuation from where it
    //! stalls (its line search fails, or after that many iterations), up to
    //! options.max_iterations in all.
    solver::SolverReport solve_reduced_extras(Eigen::VectorXd& x,
                                              const solver::NewtonOptions& options,
                                              double shift = 0.0, int newton_iterations = -1);
    //! Organic RE returned to stage 1 by the closed organic loop, mol/h per component.
    void set_recycle(const Eigen::VectorXd& mol_per_h);
    CascadeResult solve_once();
    //! Profiles, electroneutrality, conserved balances and acid flows of a model with extras.
    void collect_extras(const Eigen::VectorXd& x, CascadeResult& r);
    //! Acid and base totals, kg, and per kg of each product.
    void finish_reagents(CascadeResult& r) const;
    CascadeResult solve_with_extras();
    //! Attempts solve_extras has run, and those after the first failed one of each
    //! solve_with_extras (CascadeResult::fallback_attempts).
    int attempts_run_ = 0;
    int fallback_attempts_ = 0;
    Eigen::VectorXd last_x_;  //!< solution of the previous solve (closed-loop warm start)
    //! The separation-factor model's sigma_j = ln D_j of the first `stages` stages of a result
    //! (ln q - ln c - ln K of the element the stage's organic holds most of, the best-resolved
    //! ratio); empty when some stage has none.
    Eigen::VectorXd scale_of(const CascadeResult& r, int stages) const;
    //! A per-stage scale of a cascade with other section sizes (extraction, then scrub
    //! stages) stretched over this one's extraction and scrub sections: linear interpolation
    //! at the same relative position within each section.
    Eigen::VectorXd stretched_scale(const Eigen::VectorXd& from, int from_extraction,
                                    int from_scrub) const;
    //! sigma_j that loads stage j's organic exactly (to Y_j) with the aqueous ln c u.
    double loading_scale(int j, const Eigen::VectorXd& u) const
    {
        return std::log(conditions_[j].organic_re_mol_per_L) -
               cascade_detail::log_sum_exp(model_.ln_relative_extractability() + u);
    }
    //! sigma (ln D per stage) of a previous result to start the reduced Newton from, stretched
    //! section by section when the stage counts differ; empty: a cold start.
    Eigen::VectorXd warm_sigma_;
    //! sigma of the reduced Newton's last converged steady state (empty: none): the organic
    //! of the result is q = exp(sigma) K c, the one its balances were solved with (the
    //! loading Y (K c / sum K c) differs by the closure's residual, up to the tolerance).
    Eigen::VectorXd reduced_sigma_;
    //! The id of previous's Jacobian factors for the warm start's chord steps (same stage
    //! counts only; 0: none), and of the factors the last converged reduced Newton ended with
    //! (0: none kept, e.g. the band LU's or refined ones).
    std::uint64_t warm_factors_id_ = 0;
    std::uint64_t factors_id_ = 0;
    void set_warm_start(const CascadeResult& previous);
    StreamChemistry fresh_organic_stream(double recycled_re_mol_per_h) const;
    //! `last` with the work counts of every attempt (`total`).
    solver::SolverReport total_report(const solver::SolverReport& total,
                                      solver::SolverReport last) const;

    //! Cascade::set_progress's lines; say() writes one when set.
    std::function<void(const std::string&)> progress_;
    void say(const std::string& line) const
    {
        if (progress_) {
            progress_(line);
        }
    }
    const CaseSpec& spec_;
    EquilibriumModel& model_;
    int stages_ = 0;         //!< all stages
    int solved_stages_ = 0;  //!< stages in the Newton system (strip excluded when it is complete)
    int last_scrub_ = 0;     //!< 0-based index of the stage the loaded organic leaves
    int n_ = 0;              //!< components
    bool murphree_ = false;  //!< v unknowns present
    int block_ = 0;

    // Flows, L/h, per 0-based stage.
    std::vector<double> qa_out_, qo_out_;     //!< all of the phase leaving the stage
    std::vector<double> qa_down_, qo_up_;     //!< to stage j-1 / j+1 (0 where it leaves)
    std::vector<double> qo_in_;               //!< organic entering the stage
    Eigen::MatrixXd feed_mol_per_h_;          //!< n × stages, aqueous + organic feeds
    Eigen::MatrixXd organic_feed_mol_per_h_;  //!< n × stages, organic feeds only
    // Logarithms of the flows (ln L/h; -inf where there is none) and of the feeds (ln mol/h),
    // computed once: the hot loops work in ln space.
    std::vector<double> ln_qa_out_, ln_qo_out_, ln_qa_down_, ln_qo_up_, ln_qo_drawn_;
    Eigen::MatrixXd ln_feed_;
    std::vector<StageConditions> conditions_;
    std::vector<double> efficiency_, rho_;
    std::vector<double> aqueous_re_mol_per_L_;   //!< fixed totals, saturated models only
    double strip_re_mol_per_h_ = 0.0;            //!< RE entering a complete strip section
    double organic_product_re_mol_per_h_ = 0.0;  //!< RE leaving in the organic, saturated models
    double organic_re_flux_ = 0.0;               //!< S·F, mol/h, saturated models
    double scrub_reflux_ = 0.0;                  //!< W·F, mol/h, saturated models
    std::vector<std::string> warnings_;
    //! Newton in c (residual in/out - 1, step ln(1 + dx)) when true, in ln c (residual
    //! ln in - ln out, straight step) when false.
    bool linear_form_ = true;
    //! The reduced Newton factorizes into this thread's kept slots (KeptFactors.h): false for
    //! a start's cascade of other elements, whose factors no re-solve can use and which would
    //! take the slot of a previous result's (LumpedStart.cpp).
    bool keep_factors_ = true;
    //! The reduced Newton's closure as sum q / Y - 1 (true) or ln(sum q / Y) (false).
    bool linear_closure_ = false;
    //! Scales solver.tolerance for a second solve when the balances did not close.
    double tolerance_scale_ = 1.0;
    //! A cascade solved on the way of continue_in_reflux (which it does not try itself).
    bool in_reflux_continuation_ = false;

    //! The reduced Newton of the acidity models with the general block LU, the element rows
    //! evaluated in full and ln D from the stage chemistry (its form before the structured
    //! factorization): a fallback when the structured one does not converge.
    bool plain_reduced_ = false;
    int m_ = 0;                           //!< extra unknowns per stage
    bool reducible_extras_ = false;       //!< ln q - ln c independent of ln c (checked)
    double base_excess_mol_per_h_ = 0.0;  //!< saponified base beyond acids + 3 H+ per RE
    int k_ = 0;                           //!< conserved quantities among them
    Eigen::MatrixXd conserved_feed_;      //!< k × stages, mol/h entering with the streams
    Eigen::MatrixXd base_feed_mol_per_h_, base_organic_feed_mol_per_h_;  //!< before recycle
    Eigen::MatrixXd base_conserved_feed_;
    std::vector<double> chloride_mol_per_L_;  //!< aqueous chloride per stage
    ReusedStageChemistry chem_;

    // Per-evaluation scratch.
    std::vector<Eigen::VectorXd> ln_q_star_, ln_q_;
    //! balanced_element_rows' per-element arrays: ln outflow, outflow weights, inflow weights.
    Eigen::ArrayXd ln_out_, weight_aqueous_, weight_organic_, weight_in_, scratch_;
    Eigen::Array<bool, Eigen::Dynamic, 1> aqueous_larger_;
    std::vector<Eigen::MatrixXd> jac_q_star_;
};

//! One backward-Euler step of the saturated cascade's dynamics, in ln form: holdups V_a, V_o
//! (L) per stage, ln(1/dt) (1/h), and the source ln(F + (V_a c_old + V_o q_old) / dt) (mol/h)
//! per component and stage.
struct Cascade::Impl::Holdup {
    Eigen::VectorXd ln_aqueous_L, ln_organic_L;
    double ln_inverse_step = 0.0;
    Eigen::MatrixXd ln_source;
};

}  // namespace reesx
