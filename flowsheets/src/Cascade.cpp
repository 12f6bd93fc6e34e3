// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Cascade.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <sstream>

#include "reesx/core/Error.h"

namespace reesx {
namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();

double safe_log(double x)
{
    return x > 0.0 ? std::log(x) : neg_inf;
}

//! ln(exp(a) + exp(b)), exact for -inf arguments.
double log_add(double a, double b)
{
    if (a < b) {
        std::swap(a, b);
    }
    if (a == neg_inf) {
        return neg_inf;
    }
    return a + std::log1p(std::exp(b - a));
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
            weights[k] = std::exp(terms[k] - top);
            sum += weights[k];
        }
        for (int k = 0; k < count; ++k) {
            weights[k] /= sum;
        }
        return top + std::log(sum);
    }
};

std::string fmt(double value, int precision = 4)
{
    std::ostringstream out;
    out.precision(precision);
    out << value;
    return out.str();
}

}  // namespace

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

    CascadeResult solve();
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
    void solve_linear_profiles(const Eigen::MatrixXd& ln_d, Eigen::VectorXd& x) const;
    //! Newton on the per-stage scale of the separation-factor model with the compositions
    //! eliminated exactly (see the definition).
    solver::SolverReport solve_reduced(Eigen::VectorXd& x, const solver::NewtonOptions& options);
    CascadeResult collect(const Eigen::VectorXd& x, const solver::SolverReport& report);
    //! a/b - 1 form of every row (see the end of evaluate).
    void apply_linear_form(Eigen::VectorXd& residual,
                           solver::BlockTridiagonalMatrix* jacobian) const;

    // Models with extra species per stage (EquilibriumModel::extra_unknowns): unknowns per
    // stage (u (n), w (m)); rows: n element balances, k conserved-quantity balances, m - k
    // local equations of the model.
    void evaluate_extras(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                         solver::BlockTridiagonalMatrix* jacobian);
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
    solver::SolverReport solve_reduced_extras(Eigen::VectorXd& x,
                                              const solver::NewtonOptions& options,
                                              double shift = 0.0);
    //! Organic RE returned to stage 1 by the closed organic loop, mol/h per component.
    void set_recycle(const Eigen::VectorXd& mol_per_h);
    CascadeResult solve_once();
    //! Profiles, electroneutrality, conserved balances and acid flows of a model with extras.
    void collect_extras(const Eigen::VectorXd& x, CascadeResult& r);
    //! Acid and base totals, kg, and per kg of each product.
    void finish_reagents(CascadeResult& r) const;
    CascadeResult solve_with_extras();
    Eigen::VectorXd last_x_;  //!< solution of the previous solve (closed-loop warm start)
    StreamChemistry fresh_organic_stream(double recycled_re_mol_per_h) const;
    //! `last` with the work counts of every attempt (`total`).
    solver::SolverReport total_report(const solver::SolverReport& total,
                                      solver::SolverReport last) const;

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

    int m_ = 0;                           //!< extra unknowns per stage
    bool reducible_extras_ = false;       //!< ln q - ln c independent of ln c (checked)
    double base_excess_mol_per_h_ = 0.0;  //!< saponified base beyond acids + 3 H+ per RE
    int k_ = 0;                           //!< conserved quantities among them
    Eigen::MatrixXd conserved_feed_;      //!< k × stages, mol/h entering with the streams
    Eigen::MatrixXd base_feed_mol_per_h_, base_organic_feed_mol_per_h_;  //!< before recycle
    Eigen::MatrixXd base_conserved_feed_;
    std::vector<double> chloride_mol_per_L_;  //!< aqueous chloride per stage
    std::vector<StageChemistry> chem_;

    // Per-evaluation scratch.
    std::vector<Eigen::VectorXd> ln_q_star_, ln_q_;
    std::vector<Eigen::MatrixXd> jac_q_star_;
};

Cascade::Impl::Impl(const CaseSpec& spec) : spec_(spec), model_(*spec.model)
{
    stages_ = spec.num_stages();
    n_ = static_cast<int>(spec.components.size());
    last_scrub_ = spec.stages_extraction + spec.stages_scrub - 1;
    const int first_strip = last_scrub_ + 1;
    const bool has_strip = spec.stages_strip > 0;
    solved_stages_ = (has_strip && model_.strips_completely()) ? first_strip : stages_;

    const auto draws_at = [&](Phase phase, int j) {
        double flow = 0.0;
        for (const auto& d : spec.draws) {
            flow += (d.phase == phase && d.stage - 1 == j) ? d.flow_L_per_h : 0.0;
        }
        return flow;
    };
    const auto stage_label = [](int j) { return "stage " + std::to_string(j + 1); };

    // Aqueous flows, from the top of the cascade down.
    qa_out_.assign(stages_, 0.0);
    qa_down_.assign(stages_, 0.0);
    std::vector<double> aqueous_feed_flow(stages_, 0.0), organic_feed_flow(stages_, 0.0);
    feed_mol_per_h_ = Eigen::MatrixXd::Zero(n_, stages_);
    organic_feed_mol_per_h_ = Eigen::MatrixXd::Zero(n_, stages_);
    for (const auto& feed : spec.feeds) {
        const int j = feed.stage - 1;
        (feed.phase == Phase::aqueous ? aqueous_feed_flow : organic_feed_flow)[j] +=
            feed.flow_L_per_h;
        for (int i = 0; i < n_; ++i) {
            const double mol = feed.re_mol_per_h() * feed.mole_fraction[spec.components[i]];
            feed_mol_per_h_(i, j) += mol;
            if (feed.phase == Phase::organic) {
                organic_feed_mol_per_h_(i, j) += mol;
            }
        }
    }
    for (int j = stages_ - 1; j >= 0; --j) {
        const bool from_above = j + 1 < stages_ && j + 1 != first_strip;
        double in = from_above ? qa_down_[j + 1] : 0.0;
        in += aqueous_feed_flow[j];
        if (spec.scrub && j == last_scrub_ && spec.stages_scrub > 0) {
            in += spec.scrub->flow_L_per_h;
        }
        if (spec.strip && has_strip && j == stages_ - 1) {
            in += spec.strip->flow_L_per_h;
        }
        qa_out_[j] = in;
        if (in <= 0.0) {
            throw InfeasibleError(
                stage_label(j) +
                " receives no aqueous phase: nothing enters above it (the "
                "aqueous feed enters at stage " +
                std::to_string(spec.feeds.front().stage) +
                "). Feed the aqueous at the last extraction stage or add a scrub section.");
        }
        const double drawn = draws_at(Phase::aqueous, j);
        if (drawn >= in) {
            throw InfeasibleError("the aqueous side draws at " + stage_label(j) + " take " +
                                  fmt(drawn) + " L/h but only " + fmt(in) +
                                  " L/h of aqueous leaves that stage");
        }
        const bool leaves = j == 0 || j == first_strip;
        qa_down_[j] = leaves ? 0.0 : in - drawn;
    }
    // Organic flows, from stage 1 up.
    qo_out_.assign(stages_, 0.0);
    qo_up_.assign(stages_, 0.0);
    qo_in_.assign(stages_, 0.0);
    for (int j = 0; j < stages_; ++j) {
        qo_in_[j] = (j == 0 ? spec.organic.flow_L_per_h : qo_up_[j - 1]) + organic_feed_flow[j];
        qo_out_[j] = qo_in_[j];
        const double drawn = draws_at(Phase::organic, j);
        if (drawn >= qo_out_[j]) {
            throw InfeasibleError("the organic side draws at " + stage_label(j) + " take " +
                                  fmt(drawn) + " L/h but only " + fmt(qo_out_[j]) +
                                  " L/h of organic leaves that stage");
        }
        qo_up_[j] = j + 1 < stages_ ? qo_out_[j] - drawn : 0.0;
    }

    const auto logs = [](const std::vector<double>& v) {
        std::vector<double> out(v.size());
        std::transform(v.begin(), v.end(), out.begin(), safe_log);
        return out;
    };
    ln_qa_out_ = logs(qa_out_);
    ln_qo_out_ = logs(qo_out_);
    ln_qa_down_ = logs(qa_down_);
    ln_qo_up_ = logs(qo_up_);
    std::vector<double> qo_drawn(stages_);
    for (int j = 0; j < stages_; ++j) {
        qo_drawn[j] = j + 1 < stages_ ? qo_out_[j] - qo_up_[j] : 0.0;
    }
    ln_qo_drawn_ = logs(qo_drawn);
    ln_feed_ = feed_mol_per_h_.unaryExpr([](double f) { return safe_log(f); });

    conditions_.resize(stages_);
    efficiency_.resize(stages_);
    rho_.assign(stages_, 1.0);
    for (int j = 0; j < stages_; ++j) {
        conditions_[j].section = spec.section_of(j);
        efficiency_[j] = spec.efficiency[static_cast<int>(conditions_[j].section)];
    }

    if (model_.saturated_organic()) {
        // The bookkeeping of the countercurrent-extraction theory (interface.md, "The
        // separation-factor model, precisely"): the organic loads to capacity in stage 1 and
        // keeps that RE flux; the scrub acid strips W = flow·acid/3 in the last scrub stage.
        const double capacity = *spec.organic_capacity_mol_per_L();
        const double feed_total = spec.feed_re_mol_per_h();
        organic_re_flux_ = spec.organic.flow_L_per_h * capacity;
        scrub_reflux_ =
            (spec.scrub && spec.stages_scrub > 0) ? spec.scrub->h_mol_per_h() / 3.0 : 0.0;
        std::vector<double> organic_re_out(stages_, 0.0), organic_re_in(stages_, 0.0);
        // Fresh organic carries no RE into stage 1 but loads S there.
        double carried = 0.0;  // organic RE flux entering from below
        for (int j = 0; j <= last_scrub_; ++j) {
            double in = carried;
            for (const auto& feed : spec.feeds) {
                if (feed.phase == Phase::organic && feed.stage - 1 == j) {
                    if (feed.concentration_mol_per_L > capacity * (1.0 + 1e-12)) {
                        throw InfeasibleError(
                            "the organic feed at " + stage_label(j) + " carries " +
                            fmt(feed.concentration_mol_per_L) +
                            " mol/L of RE, more than the organic capacity of " + fmt(capacity) +
                            " mol/L: the separation-factor model assumes a saturated organic "
                            "that cannot hold more. Dilute the organic feed or raise the "
                            "loading.");
                    }
                    in += feed.re_mol_per_h();
                }
            }
            organic_re_in[j] = in;
            double out = j == 0 ? in + organic_re_flux_ : in;
            if (j == last_scrub_) {
                out -= scrub_reflux_;
                if (out <= 0.0) {
                    throw InfeasibleError(
                        "the scrub acid strips W = " + fmt(scrub_reflux_) +
                        " mol/h of RE (flow × acid / 3) but the organic brings only " + fmt(in) +
                        " mol/h to " + stage_label(j) +
                        " (W ≥ S): the loaded organic would carry no RE. Lower the scrub "
                        "flow or acid, or raise the organic flow.");
                }
            }
            organic_re_out[j] = out;
            carried = out * qo_up_[j] / qo_out_[j];
            conditions_[j].organic_re_mol_per_L = out / qo_out_[j];
            rho_[j] = in > 0.0 ? out / in : 1.0;
        }
        // Aqueous RE totals follow from the RE balance of each stage, top down.
        aqueous_re_mol_per_L_.assign(stages_, 0.0);
        double from_above = 0.0;
        for (int j = last_scrub_; j >= 0; --j) {
            double aqueous_in = from_above;
            for (const auto& feed : spec.feeds) {
                if (feed.phase == Phase::aqueous && feed.stage - 1 == j) {
                    aqueous_in += feed.re_mol_per_h();
                }
            }
            const double out = aqueous_in + organic_re_in[j] - organic_re_out[j];
            if (out <= 1e-12 * feed_total) {
                if (j == 0) {
                    throw InfeasibleError(
                        "the organic takes up S = " + fmt(organic_re_flux_) +
                        " mol/h of RE (organic flow × loading) but only " +
                        fmt(organic_re_out[0] + out) +
                        " mol/h reach stage 1 (feed + scrub reflux W): S ≥ F + W leaves "
                        "nothing for the raffinate. Lower the organic flow or loading, or raise "
                        "the feed or the scrub reflux.");
                }
                throw InfeasibleError(
                    stage_label(j) + " would need " + fmt(out) +
                    " mol/h of aqueous RE: the organic there must hold more RE than the stage "
                    "receives, which the saturated-organic model cannot satisfy. Check the "
                    "feed stage, organic feed and scrub flows.");
            }
            aqueous_re_mol_per_L_[j] = out / qa_out_[j];
            from_above = out * qa_down_[j] / qa_out_[j];
            if (aqueous_re_mol_per_L_[j] < 1e-3) {
                warnings_.push_back(
                    stage_label(j) + ": aqueous RE is only " + fmt(aqueous_re_mol_per_L_[j]) +
                    " mol/L; a real organic is unlikely to stay saturated at such low aqueous "
                    "loading (the separation-factor model assumes it does)");
            }
        }
        organic_product_re_mol_per_h_ =
            organic_re_out[last_scrub_] *
            (1.0 - draws_at(Phase::organic, last_scrub_) / qo_out_[last_scrub_]);
        if (has_strip) {
            strip_re_mol_per_h_ =
                organic_re_out[last_scrub_] * qo_up_[last_scrub_] / qo_out_[last_scrub_];
            const double h_needed = 3.0 * strip_re_mol_per_h_;
            if (spec.strip->h_mol_per_h() < h_needed) {
                throw InfeasibleError(
                    "the strip acid supplies " + fmt(spec.strip->h_mol_per_h()) +
                    " mol/h of H+ but stripping " + fmt(strip_re_mol_per_h_) +
                    " mol/h of RE completely needs 3 H+ per RE = " + fmt(h_needed) +
                    " mol/h. Raise the strip flow or acid (partial stripping needs the "
                    "mass-action model).");
            }
        }
        // A saturated organic carries the composition it had; with no RE entering stage 1
        // (fresh organic) the Murphree relation has nothing to mix with: that stage loads
        // to equilibrium.
        efficiency_[0] = 1.0;
    }

    murphree_ = false;
    for (int j = 0; j < solved_stages_; ++j) {
        murphree_ = murphree_ || efficiency_[j] < 1.0;
    }
    block_ = murphree_ ? 2 * n_ : n_;
    m_ = static_cast<int>(model_.extra_unknowns().size());
    k_ = static_cast<int>(model_.conserved_quantities().size());
    if (m_ > 0) {
        if (murphree_) {
            throw InfeasibleError("Murphree efficiencies below 1 are not available with the " +
                                  model_.name() + " model; use efficiency: 1.0");
        }
        block_ = n_ + m_;
        chem_.resize(stages_);
        // Elimination of the compositions needs ln q - ln c independent of ln c: d ln q /
        // d ln c = identity (checked at two points).
        reducible_extras_ = true;
        for (const double at : {0.0, -1.3}) {
            model_.stage_chemistry(conditions_[0], Eigen::VectorXd::Constant(n_, at),
                                   Eigen::VectorXd::Constant(m_, at), chem_[0]);
            reducible_extras_ =
                reducible_extras_ &&
                (chem_[0].d_ln_org.leftCols(n_) - Eigen::MatrixXd::Identity(n_, n_)).isZero(0.0);
        }
        // What every stream brings of the conserved quantities (protons, cation), and the
        // chloride that rides with the aqueous (RECl3 + HCl) for the electroneutrality check.
        conserved_feed_ = Eigen::MatrixXd::Zero(k_, stages_);
        std::vector<double> chloride_in(stages_, 0.0);
        const auto add_stream = [&](int j, double flow, const StreamChemistry& st) {
            conserved_feed_.col(j) += flow * model_.stream_content(st);
            if (!st.organic) {
                chloride_in[j] += flow * (st.acid_mol_per_L + 3.0 * st.re_mol_per_L);
            }
        };
        for (const auto& feed : spec.feeds) {
            StreamChemistry st;
            st.organic = feed.phase == Phase::organic;
            st.acid_mol_per_L = feed.acid_mol_per_L;
            st.re_mol_per_L = feed.concentration_mol_per_L;
            add_stream(feed.stage - 1, feed.flow_L_per_h, st);
        }
        if (spec.scrub && spec.stages_scrub > 0) {
            add_stream(last_scrub_, spec.scrub->flow_L_per_h,
                       StreamChemistry{false, spec.scrub->acid_mol_per_L, 0.0, false});
        }
        if (spec.strip && has_strip) {
            add_stream(stages_ - 1, spec.strip->flow_L_per_h,
                       StreamChemistry{false, spec.strip->acid_mol_per_L, 0.0, false});
        }
        base_conserved_feed_ = conserved_feed_;
        conserved_feed_.col(0) +=
            spec.organic.flow_L_per_h * model_.stream_content(fresh_organic_stream(0.0));
        chloride_mol_per_L_.assign(stages_, 0.0);
        for (int j = stages_ - 1; j >= 0; --j) {
            const bool from_above = j + 1 < stages_ && qa_down_[j + 1] > 0.0;
            const double in =
                chloride_in[j] + (from_above ? qa_down_[j + 1] * chloride_mol_per_L_[j + 1] : 0.0);
            chloride_mol_per_L_[j] = in / qa_out_[j];
        }
    }
    base_feed_mol_per_h_ = feed_mol_per_h_;
    base_organic_feed_mol_per_h_ = organic_feed_mol_per_h_;
    if (m_ > 0) {
        // Protons (relative to the fully protonated extractant) fed to the extraction and
        // scrub sections, plus 3 per RE of the feed: below zero, the saponified base exceeds
        // what their acids and a complete RE loading can take up, and the excess leaves as
        // Na/NH4 form on the organic to the strip, or as a basic raffinate (which the model,
        // without OH-, does not describe); such cascades are hard to converge.
        const auto names = model_.conserved_quantities();
        for (int k = 0; k < k_; ++k) {
            if (names[k] != "protons") {
                continue;
            }
            // Extraction and scrub sections only: the strip acid meets the organic after.
            const double margin =
                conserved_feed_.row(k).head(last_scrub_ + 1).sum() + 3.0 * spec.feed_re_mol_per_h();
            if (margin < 0.0) {
                base_excess_mol_per_h_ = -margin;
                warnings_.push_back(
                    "the saponified base fed (" + fmt(spec.organic.flow_L_per_h) +
                    " L/h of organic) exceeds the feed and scrub acid plus 3 H+ per RE of the "
                    "feed by " +
                    fmt(-margin) +
                    " mol/h: the organic cannot exchange all of its Na/NH4 form before the "
                    "strip. Lower the saponification or the organic flow, or raise the scrub "
                    "acid.");
            }
        }
    }
    ln_q_star_.assign(solved_stages_, Eigen::VectorXd(n_));
    ln_q_.assign(solved_stages_, Eigen::VectorXd(n_));
    jac_q_star_.assign(solved_stages_, Eigen::MatrixXd(n_, n_));
}

StreamChemistry Cascade::Impl::fresh_organic_stream(double recycled_re_mol_per_h) const
{
    StreamChemistry st;
    st.organic = true;
    st.fresh_organic = true;
    st.re_mol_per_L = recycled_re_mol_per_h / spec_.organic.flow_L_per_h;
    return st;
}

void Cascade::Impl::set_recycle(const Eigen::VectorXd& mol_per_h)
{
    feed_mol_per_h_ = base_feed_mol_per_h_;
    organic_feed_mol_per_h_ = base_organic_feed_mol_per_h_;
    feed_mol_per_h_.col(0) += mol_per_h;
    organic_feed_mol_per_h_.col(0) += mol_per_h;
    ln_feed_ = feed_mol_per_h_.unaryExpr([](double f) { return safe_log(f); });
    if (m_ > 0) {
        conserved_feed_ = base_conserved_feed_;
        conserved_feed_.col(0) += spec_.organic.flow_L_per_h *
                                  model_.stream_content(fresh_organic_stream(mol_per_h.sum()));
    }
}

std::string Cascade::Impl::variable_name(int k) const
{
    const int j = k / block_;
    const int r = k % block_;
    if (m_ > 0 && r >= n_) {
        return "stage " + std::to_string(j + 1) + ", " + model_.extra_unknowns()[r - n_];
    }
    const int i = r % n_;
    const char* what = r < n_ ? "ln c (aqueous) of " : "ln q (organic) of ";
    return "stage " + std::to_string(j + 1) + ", " + what +
           std::string(elements()[spec_.components[i]].symbol);
}

double Cascade::Impl::element_balance(int j, int i, const Eigen::VectorXd& x,
                                      std::array<double, 4>& w_out, std::array<double, 4>& w_in,
                                      int& k_above, int& k_below) const
{
    const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
    const int stages = solved_stages_;
    // Outflow: aqueous (term 0) and organic (term 1).
    LogSum out;
    out.add(ln_qa_out_[j] + x[row0 + i]);
    out.add(ln_qo_out_[j] + ln_q_[j][i]);
    const double ln_out = out.value(w_out);
    // Inflow: aqueous from above, organic from below, feeds (in that order, each only when
    // present).
    LogSum in;
    k_above = k_below = -1;
    if (j + 1 < stages && qa_down_[j + 1] > 0.0) {
        k_above = in.count;
        in.add(ln_qa_down_[j + 1] + x[row0 + block_ + i]);
    }
    if (j > 0 && qo_up_[j - 1] > 0.0) {
        k_below = in.count;
        in.add(ln_qo_up_[j - 1] + ln_q_[j - 1][i]);
    }
    in.add(ln_feed_(i, j));
    const double ln_in = in.value(w_in);
    if (ln_in == neg_inf) {
        throw std::domain_error("no inflow of a component at a stage");
    }
    return ln_in - ln_out;
}

void Cascade::Impl::evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                             solver::BlockTridiagonalMatrix* jacobian)
{
    if (m_ > 0) {
        evaluate_extras(x, residual, jacobian);
        return;
    }
    const int stages = solved_stages_;
    for (int j = 0; j < stages; ++j) {
        const Eigen::VectorXd u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
        model_.equilibrium(conditions_[j], u, ln_q_star_[j], jac_q_star_[j]);
        ln_q_[j] = murphree_
                       ? Eigen::VectorXd(x.segment(static_cast<Eigen::Index>(j) * block_ + n_, n_))
                       : ln_q_star_[j];
    }
    residual.resize(static_cast<Eigen::Index>(stages) * block_);
    if (jacobian) {
        jacobian->set_zero();
    }
    std::array<double, 4> w{};
    for (int j = 0; j < stages; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
        for (int i = 0; i < n_; ++i) {
            std::array<double, 4> w_out{};
            int k_above = -1, k_below = -1;
            residual[row0 + i] = element_balance(j, i, x, w_out, w, k_above, k_below);
            if (!jacobian) {
                continue;
            }
            // Outflow: w_out[0] on u_ij; w_out[1] on ln q_ij.
            auto& diag = jacobian->diag[j];
            diag(i, i) -= w_out[0];
            if (murphree_) {
                diag(i, n_ + i) -= w_out[1];
            } else {
                diag.row(i).head(n_) -= w_out[1] * jac_q_star_[j].row(i);
            }
            if (k_above >= 0) {
                jacobian->upper[j](i, i) += w[k_above];
            }
            if (k_below >= 0) {
                if (murphree_) {
                    jacobian->lower[j](i, n_ + i) += w[k_below];
                } else {
                    jacobian->lower[j].row(i).head(n_) += w[k_below] * jac_q_star_[j - 1].row(i);
                }
            }
        }
        if (!murphree_) {
            continue;
        }
        // Murphree rows: v = ln((1-E) rho q_in + E q*), organic side, per component.
        const double e = efficiency_[j];
        const double ln_in_organic = from_below ? std::log(qo_up_[j - 1] / qo_in_[j]) : 0.0;
        for (int i = 0; i < n_; ++i) {
            LogSum q_in;
            int k_link = -1;
            if (from_below) {
                k_link = 0;
                q_in.add(ln_in_organic + x[row0 - block_ + n_ + i]);
            }
            q_in.add(safe_log(organic_feed_mol_per_h_(i, j) / qo_in_[j]));
            std::array<double, 4> w_in{};
            const double ln_q_in = q_in.value(w_in);
            LogSum mix;
            const bool has_in = e < 1.0 && ln_q_in != neg_inf;
            if (has_in) {
                mix.add(std::log1p(-e) + std::log(rho_[j]) + ln_q_in);
            }
            const int k_star = mix.count;
            mix.add(std::log(e) + ln_q_star_[j][i]);
            const double ln_mix = mix.value(w);
            residual[row0 + n_ + i] = ln_mix - x[row0 + n_ + i];
            if (!jacobian) {
                continue;
            }
            auto& diag = jacobian->diag[j];
            diag(n_ + i, n_ + i) -= 1.0;
            diag.row(n_ + i).head(n_) += w[k_star] * jac_q_star_[j].row(i);
            if (has_in && k_link >= 0) {
                jacobian->lower[j](n_ + i, n_ + i) += w[0] * w_in[k_link];
            }
        }
    }
    apply_linear_form(residual, jacobian);
}

void Cascade::Impl::apply_linear_form(Eigen::VectorXd& residual,
                                      solver::BlockTridiagonalMatrix* jacobian) const
{
    const int stages = solved_stages_;
    // Every row so far is ln(a) - ln(b). Newton works on a/b - 1 instead: the same root, but
    // linear in the concentrations for constant D, which widens the basin of Newton's method
    // far beyond that of the log form (take_step below completes the change of variables).
    for (Eigen::Index k = 0; linear_form_ && k < residual.size(); ++k) {
        const double ratio_minus_one = std::expm1(residual[k]);
        residual[k] = ratio_minus_one;
        if (jacobian) {
            const int j = static_cast<int>(k / block_), r = static_cast<int>(k % block_);
            const double scale = 1.0 + ratio_minus_one;
            jacobian->diag[j].row(r) *= scale;
            if (j > 0) {
                jacobian->lower[j].row(r) *= scale;
            }
            if (j + 1 < stages) {
                jacobian->upper[j].row(r) *= scale;
            }
        }
    }
}

void Cascade::Impl::evaluate_extras(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                                    solver::BlockTridiagonalMatrix* jacobian)
{
    const int stages = solved_stages_;
    for (int j = 0; j < stages; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        model_.stage_chemistry(conditions_[j], x.segment(row0, n_), x.segment(row0 + n_, m_),
                               chem_[j]);
        ln_q_[j] = chem_[j].ln_org;
    }
    residual.resize(static_cast<Eigen::Index>(stages) * block_);
    if (jacobian) {
        jacobian->set_zero();
    }
    std::array<double, 4> w{};
    for (int j = 0; j < stages; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        const bool from_above = j + 1 < stages && qa_down_[j + 1] > 0.0;
        const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
        // Element balances, as in evaluate(), with ln q depending on (u, w) of the stage.
        for (int i = 0; i < n_; ++i) {
            std::array<double, 4> w_out{};
            int k_above = -1, k_below = -1;
            residual[row0 + i] = element_balance(j, i, x, w_out, w, k_above, k_below);
            if (!jacobian) {
                continue;
            }
            auto& diag = jacobian->diag[j];
            diag(i, i) -= w_out[0];
            diag.row(i) -= w_out[1] * chem_[j].d_ln_org.row(i);
            if (k_above >= 0) {
                jacobian->upper[j](i, i) += w[k_above];
            }
            if (k_below >= 0) {
                jacobian->lower[j].row(i) += w[k_below] * chem_[j - 1].d_ln_org.row(i);
            }
        }
        // Conserved quantities: in - out = 0 written as ln(positive terms) - ln(negative
        // terms), a relative imbalance like the element rows (contents may be negative).
        for (int k = 0; k < k_; ++k) {
            const Eigen::Index r = n_ + k;
            double pos = 0.0, neg = 0.0;
            const auto add = [&](double t) { (t >= 0.0 ? pos : neg) += std::abs(t); };
            const double t_above = from_above ? qa_down_[j + 1] * chem_[j + 1].aqueous[k] : 0.0;
            const double t_below = from_below ? qo_up_[j - 1] * chem_[j - 1].organic[k] : 0.0;
            const double t_feed = conserved_feed_(k, j);
            const double t_out_a = -qa_out_[j] * chem_[j].aqueous[k];
            const double t_out_o = -qo_out_[j] * chem_[j].organic[k];
            add(t_above);
            add(t_below);
            add(t_feed);
            add(t_out_a);
            add(t_out_o);
            constexpr double tiny = 1e-300;
            pos = std::max(pos, tiny);
            neg = std::max(neg, tiny);
            residual[row0 + r] = std::log(pos) - std::log(neg);
            if (!jacobian) {
                continue;
            }
            const auto weight = [&](double t) { return t >= 0.0 ? 1.0 / pos : 1.0 / neg; };
            auto& diag = jacobian->diag[j];
            diag.row(r) -= weight(t_out_a) * qa_out_[j] * chem_[j].d_aqueous.row(k);
            diag.row(r) -= weight(t_out_o) * qo_out_[j] * chem_[j].d_organic.row(k);
            if (from_above) {
                jacobian->upper[j].row(r) +=
                    weight(t_above) * qa_down_[j + 1] * chem_[j + 1].d_aqueous.row(k);
            }
            if (from_below) {
                jacobian->lower[j].row(r) +=
                    weight(t_below) * qo_up_[j - 1] * chem_[j - 1].d_organic.row(k);
            }
        }
        // Local equations of the model.
        for (int l = 0; l < m_ - k_; ++l) {
            const Eigen::Index r = n_ + k_ + l;
            residual[row0 + r] = chem_[j].local[l];
            if (jacobian) {
                jacobian->diag[j].row(r) += chem_[j].d_local.row(l);
            }
        }
    }
    apply_linear_form(residual, jacobian);
}

Eigen::MatrixXd Cascade::Impl::march_conserved(const Eigen::MatrixXd& organic) const
{
    const int stages = solved_stages_;
    Eigen::MatrixXd aqueous(k_, stages);
    for (int j = stages - 1; j >= 0; --j) {
        const bool from_above = j + 1 < stages && qa_down_[j + 1] > 0.0;
        const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
        for (int k = 0; k < k_; ++k) {
            double in = conserved_feed_(k, j);
            in += from_above ? qa_down_[j + 1] * aqueous(k, j + 1) : 0.0;
            in += from_below ? qo_up_[j - 1] * organic(k, j - 1) : 0.0;
            in -= qo_out_[j] * organic(k, j);
            aqueous(k, j) = std::max(in / qa_out_[j], 1e-9);
        }
    }
    return aqueous;
}

solver::SolverReport Cascade::Impl::solve_reduced_extras(Eigen::VectorXd& x,
                                                         const solver::NewtonOptions& options,
                                                         double shift)
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
            model_.stage_chemistry(conditions_[j], xx.segment(row0, n_), xx.segment(row0 + n_, m_),
                                   chem_[j]);
            ln_d.col(j) = chem_[j].ln_org - xx.segment(row0, n_);
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
    solver::BlockTridiagonalMatrix jacobian(stages, block_), trial_jacobian(stages, block_);
    Eigen::VectorXd f, step, trial, trial_f;
    double norm = INFINITY;
    try {
        profiles(x);
        evaluate(x, f, &jacobian);
        ++report.residual_evaluations;
        norm = extras_norm(f);
    } catch (const Error&) {
    } catch (const std::domain_error&) {
    }
    double lambda = 1.0;
    while (!(norm <= options.tolerance)) {
        if (!std::isfinite(norm) || report.iterations >= options.max_iterations) {
            report.message =
                std::isfinite(norm) ? "reached the iteration limit" : "the residual is not finite";
            break;
        }
        ++report.iterations;
        if (shift > 0.0) {
            // Pseudo-transient step: (J - shift I) dx = -F on the iterated unknowns, taken
            // whole; a non-finite or failed trial raises the shift.
            solver::BlockTridiagonalMatrix shifted = jacobian;
            for (int j = 0; j < stages; ++j) {
                for (int r = 0; r < m_; ++r) {
                    if (iterated[r]) {
                        shifted.diag[j](n_ + r, n_ + r) -= shift;
                    }
                }
            }
            step = -f;
            double trial_norm = INFINITY;
            if (shifted.factorize_and_solve(step)) {
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
                    evaluate(trial, trial_f, &jacobian);
                    ++report.residual_evaluations;
                    trial_norm = extras_norm(trial_f);
                } catch (const Error&) {
                } catch (const std::domain_error&) {
                }
            }
            if (!std::isfinite(trial_norm)) {
                shift *= 10.0;
                profiles(x);
                evaluate(x, f, &jacobian);
                continue;
            }
            shift *= trial_norm / norm;
            x = trial;
            f = trial_f;
            norm = trial_norm;
            continue;
        }
        step = -f;
        if (!jacobian.factorize_and_solve(step)) {
            report.message = "the Jacobian is singular";
            break;
        }
        const double full = w_norm(step);
        const double limit = full > options.max_step ? options.max_step / full : 1.0;
        step *= limit;
        bool accepted = false;
        lambda = std::min(1.0, 4.0 * lambda);
        for (int back = 0; back <= options.max_backtracks; ++back, lambda *= 0.5) {
            trial = x;
            for (int j = 0; j < stages; ++j) {
                const Eigen::Index w0 = static_cast<Eigen::Index>(j) * block_ + n_;
                for (int r = 0; r < m_; ++r) {
                    trial[w0 + r] += iterated[r] ? lambda * step[w0 + r] : 0.0;
                }
            }
            double trial_norm = INFINITY;
            try {
                profiles(trial);
                // With the Jacobian: the first trial is usually accepted and needs it next.
                evaluate(trial, trial_f, &trial_jacobian);
                ++report.residual_evaluations;
                trial_norm = extras_norm(trial_f);
            } catch (const Error&) {
                continue;
            } catch (const std::domain_error&) {
                continue;
            }
            if (!std::isfinite(trial_norm)) {
                continue;
            }
            bool passes =
                trial_norm <= options.tolerance || trial_norm < (1.0 - 1e-4 * lambda) * norm;
            if (passes) {
                x = trial;
                norm = trial_norm;
                f = trial_f;
                std::swap(jacobian, trial_jacobian);
                accepted = true;
                break;
            }
        }
        if (!accepted) {
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

Eigen::VectorXd Cascade::Impl::linear_profile(const Eigen::VectorXd& ln_d,
                                              const Eigen::VectorXd& ln_feed) const
{
    // The recursion of solve_linear_profiles, for one quantity.
    const int stages = solved_stages_;
    std::vector<double> ln_alpha(stages), ln_beta(stages);
    Eigen::VectorXd ln_c(stages);
    double prev_ln_p = 0.0, prev_h = 0.0, prev_ln_beta = neg_inf;
    for (int j = 0; j < stages; ++j) {
        double h = qa_out_[j];
        double ln_a = neg_inf;
        if (j > 0) {
            ln_a = ln_qo_up_[j - 1] + ln_d[j - 1];
            const double ln_drawn = ln_qo_drawn_[j - 1] + ln_d[j - 1];
            const double ratio = std::exp(log_add(safe_log(prev_h), ln_drawn) - prev_ln_p);
            h = (qa_out_[j] - qa_down_[j]) + qa_down_[j] * ratio;
        }
        const double ln_p = log_add(safe_log(h), ln_qo_out_[j] + ln_d[j]);
        ln_alpha[j] = (j + 1 < stages ? ln_qa_down_[j + 1] : neg_inf) - ln_p;
        ln_beta[j] = log_add(ln_feed[j], ln_a + prev_ln_beta) - ln_p;
        prev_ln_p = ln_p;
        prev_h = h;
        prev_ln_beta = ln_beta[j];
    }
    ln_c[stages - 1] = ln_beta[stages - 1];
    for (int j = stages - 2; j >= 0; --j) {
        ln_c[j] = log_add(ln_alpha[j] + ln_c[j + 1], ln_beta[j]);
    }
    return ln_c;
}

Eigen::MatrixXd Cascade::Impl::distribute_conserved() const
{
    const int stages = solved_stages_;
    Eigen::MatrixXd organic(k_, stages);
    for (int j = 0; j < stages; ++j) {
        organic.col(j) = chem_[j].organic;
    }
    Eigen::MatrixXd aqueous = march_conserved(organic);
    for (int k = 0; k < k_; ++k) {
        bool distributed = true;
        for (int j = 0; j < stages && distributed; ++j) {
            distributed = chem_[j].organic[k] > 0.0 && chem_[j].aqueous[k] > 0.0 &&
                          conserved_feed_(k, j) >= 0.0;
        }
        if (!distributed) {
            continue;
        }
        Eigen::VectorXd ln_d(stages), ln_feed(stages);
        for (int j = 0; j < stages; ++j) {
            ln_d[j] = std::log(chem_[j].organic[k]) - std::log(chem_[j].aqueous[k]);
            ln_feed[j] = safe_log(conserved_feed_(k, j));
        }
        const Eigen::VectorXd ln_c = linear_profile(ln_d, ln_feed);
        for (int j = 0; j < stages; ++j) {
            aqueous(k, j) = std::max(std::exp(ln_c[j]), 1e-300);
        }
    }
    return aqueous;
}

bool Cascade::Impl::separation_factor_start(Eigen::VectorXd& x)
{
    const auto capacity = spec_.organic_capacity_mol_per_L();
    if (!capacity || *capacity <= 0.0 || spec_.organic.loading_mol_per_L) {
        return false;
    }
    CascadeResult sf;
    try {
        CaseSpec sf_spec = spec_;
        sf_spec.model_name = "separation-factor";
        sf_spec.model =
            make_equilibrium_model(InputNode::load_string("separation-factor", spec_.source_file),
                                   spec_.components, spec_.system, *spec_.root);
        sf_spec.organic.recycle = false;
        sf_spec.solver.tolerance = 1e-9;
        sf_spec.solver.method = "newton";
        if (sf_spec.strip) {
            // Complete stripping is all the start needs; enough acid for it.
            sf_spec.strip->acid_mol_per_L =
                std::max(sf_spec.strip->acid_mol_per_L,
                         4.0 * spec_.feed_re_mol_per_h() / sf_spec.strip->flow_L_per_h);
        }
        Cascade cascade(sf_spec);
        sf = cascade.solve();
    } catch (const Error& e) {
        return false;
    }
    const int stages = solved_stages_;
    const double ln10 = std::log(10.0);
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    Eigen::MatrixXd ln_org(n_, stages);
    const int first_strip = last_scrub_ + 1;
    for (int j = 0; j < stages; ++j) {
        for (int i = 0; i < n_; ++i) {
            const int e = spec_.components[i];
            double u = sf.aqueous_log10(j, e) * ln10;
            double v = sf.organic_log10(j, e) * ln10;
            if (j > first_strip) {
                // Beyond the first strip stage the theory has nothing: an organic stripped by
                // a factor e^3 per stage, aqueous in proportion.
                u = sf.aqueous_log10(first_strip, e) * ln10 - 3.0 * (j - first_strip);
                v = sf.organic_log10(last_scrub_, e) * ln10 - 3.0 * (j - last_scrub_);
            } else if (j == first_strip) {
                v = sf.organic_log10(last_scrub_, e) * ln10 - 3.0;
            }
            if (!std::isfinite(u) || !std::isfinite(v)) {
                return false;
            }
            x[static_cast<Eigen::Index>(j) * block_ + i] = u;
            ln_org(i, j) = v;
        }
    }
    // Passes: extras with no organic content known, then with the contents distributed.
    Eigen::MatrixXd organic = Eigen::MatrixXd::Zero(k_, stages);
    Eigen::VectorXd extra(m_);
    Eigen::MatrixXd ln_d(n_, stages);
    for (int pass = 0; pass < 5; ++pass) {
        if (pass > 0) {
            // RE profiles at the distribution ratios of the current extras: unchanged where
            // the extras reproduce the theory's organic, and the strip section's steep
            // profile (D ~ 1e-9 in strong acid) where the theory has none.
            for (int j = 0; j < stages; ++j) {
                ln_d.col(j) =
                    chem_[j].ln_org - x.segment(static_cast<Eigen::Index>(j) * block_, n_);
            }
            solve_linear_profiles(ln_d, x);
        }
        const Eigen::MatrixXd aqueous =
            pass == 0 ? march_conserved(organic) : distribute_conserved();
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
            if (j < first_strip) {
                model_.start_extras_from_organic(conditions_[j], x.segment(row0, n_), ln_org.col(j),
                                                 aqueous.col(j), extra);
            } else {
                model_.start_extras(conditions_[j], x.segment(row0, n_), aqueous.col(j), extra);
            }
            x.segment(row0 + n_, m_) = extra;
            model_.stage_chemistry(conditions_[j], x.segment(row0, n_), extra, chem_[j]);
            organic.col(j) = chem_[j].organic;
        }
    }
    return true;
}

void Cascade::Impl::initial_guess_extras(Eigen::VectorXd& x, int sweeps)
{
    const int stages = solved_stages_;
    const Eigen::VectorXd feed = feed_mol_per_h_.rowwise().sum();
    const Eigen::VectorXd ln_z = (feed / feed.sum()).array().log();
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    for (int j = 0; j < stages; ++j) {
        x.segment(static_cast<Eigen::Index>(j) * block_, n_) =
            ln_z.array() + std::log(spec_.feeds[0].concentration_mol_per_L);
    }
    // Aqueous content of the conserved quantities by a march down the aqueous, with the
    // organic contents of `organic` (zero at first: everything entering goes to the aqueous).
    Eigen::MatrixXd organic = Eigen::MatrixXd::Zero(k_, stages);
    Eigen::MatrixXd aqueous(k_, stages);
    const auto march = [&]() {
        for (int j = stages - 1; j >= 0; --j) {
            const bool from_above = j + 1 < stages && qa_down_[j + 1] > 0.0;
            const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
            for (int k = 0; k < k_; ++k) {
                double in = conserved_feed_(k, j);
                in += from_above ? qa_down_[j + 1] * aqueous(k, j + 1) : 0.0;
                in += from_below ? qo_up_[j - 1] * organic(k, j - 1) : 0.0;
                in -= qo_out_[j] * organic(k, j);
                aqueous(k, j) = std::max(in / qa_out_[j], 1e-9);
            }
        }
    };
    const auto complete = [&]() {
        Eigen::VectorXd extra(m_);
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
            model_.start_extras(conditions_[j], x.segment(row0, n_), aqueous.col(j), extra);
            x.segment(row0 + n_, m_) = extra;
        }
    };
    march();
    complete();
    Eigen::MatrixXd ln_d(n_, stages);
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
            model_.stage_chemistry(conditions_[j], x.segment(row0, n_), x.segment(row0 + n_, m_),
                                   chem_[j]);
            ln_d.col(j) = chem_[j].ln_org - x.segment(row0, n_);
        }
        solve_linear_profiles(ln_d, x);
        for (int j = 0; j < stages; ++j) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
            model_.stage_chemistry(conditions_[j], x.segment(row0, n_), x.segment(row0 + n_, m_),
                                   chem_[j]);
            organic.col(j) = chem_[j].organic;
        }
        march();
        complete();
    }
}

solver::SolverReport Cascade::Impl::solve_extras(Eigen::VectorXd& x,
                                                 const solver::NewtonOptions& options,
                                                 solver::SolverReport& total)
{
    // Each attempt from the same start (attempt numbers: 0 continuation in ln c, 1 Newton in
    // c, 2 Newton in ln c, 3 continuation in c, 4 reduced Newton, 5 reduced continuation).
    const Eigen::VectorXd start = x;
    solver::NewtonOptions first = options;
    first.max_iterations = std::min(options.max_iterations, 40);
    solver::SolverReport report;
    // Newton with the compositions eliminated; the same as pseudo-transient continuation;
    // then on the full system: continuation in ln c, Newton in ln c, Newton in c,
    // continuation in c.
    const std::vector<int> order = {4, 5, 0, 2, 1, 3};
    for (const int attempt : order) {
        x = start;
        linear_form_ = attempt == 1 || attempt == 3;
        if ((attempt == 4 || attempt == 5) && !reducible_extras_) {
            continue;
        }
        try {
            if (attempt == 4) {
                report = solve_reduced_extras(x, first);
            } else if (attempt == 5) {
                solver::NewtonOptions patient = options;
                patient.max_iterations = std::max(options.max_iterations, 150);
                report = solve_reduced_extras(x, patient, 0.1);
            } else if (attempt == 1 || attempt == 2) {
                report = solver::solve_newton(*this, x, first);
            } else {
                solver::NewtonOptions patient = options;
                patient.max_iterations = std::max(options.max_iterations, 500);
                report = solver::solve_pseudo_transient(*this, x, patient, 1.0);
            }
        } catch (const std::domain_error& e) {
            report = solver::SolverReport{};
            report.message = e.what();
        }
        total.iterations += report.iterations;
        total.residual_evaluations += report.residual_evaluations;
        total.seconds += report.seconds;
        total.method = report.method;
        if (report.converged) {
            return report;
        }
    }
    return report;
}

void Cascade::Impl::take_step(const Eigen::VectorXd& x, const Eigen::VectorXd& dx, double lambda,
                              Eigen::VectorXd& trial) const
{
    // dx is a Newton step in ln c; read it as the relative change of c that Newton in c would
    // take (ln(1 + dx), exact to second order), so that the iteration is Newton in c while c
    // stays positive. Where Newton in c would cut a concentration by more than half (or
    // below zero), continue with the slope at -1/2 in ln space: trace elements then fall by
    // orders of magnitude per step instead of going negative.
    trial.resize(x.size());
    for (Eigen::Index k = 0; k < x.size(); ++k) {
        const double d = lambda * dx[k];
        if (!linear_form_) {
            trial[k] = x[k] + d;
            continue;
        }
        trial[k] = x[k] + (d >= -0.5 ? std::log1p(d) : std::log(0.5) + 2.0 * (d + 0.5));
    }
}

double Cascade::Impl::substitution_sweep(Eigen::VectorXd& x)
{
    const int stages = solved_stages_;
    Eigen::MatrixXd ln_d(n_, stages);
    for (int j = 0; j < stages; ++j) {
        const Eigen::VectorXd u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
        model_.equilibrium(conditions_[j], u, ln_q_star_[j], jac_q_star_[j]);
        ln_d.col(j) = ln_q_star_[j] - u;
    }
    const Eigen::VectorXd before = x;
    solve_linear_profiles(ln_d, x);
    if (model_.saturated_organic()) {
        // Wang–Henke normalization: the stage totals are known; rescale each stage to them.
        for (int j = 0; j < stages; ++j) {
            auto u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
            const double top = u.maxCoeff();
            const double ln_total = top + std::log((u.array() - top).exp().sum());
            u.array() += std::log(aqueous_re_mol_per_L_[j]) - ln_total;
        }
    }
    return (x - before).cwiseAbs().maxCoeff();
}

void Cascade::Impl::solve_linear_profiles(const Eigen::MatrixXd& ln_d, Eigen::VectorXd& x) const
{
    // Balance of one element: a_j c_{j-1} - g_j c_j + e_j c_{j+1} = -F_j with
    // a_j = Qo_up(j-1) d(j-1), g_j = Qa_out(j) + Qo_out(j) d(j), e_j = Qa_down(j+1).
    // Eliminating upward gives c_j = alpha_j c_{j+1} + beta_j. The pivots
    // p_j = g_j - a_j alpha_{j-1} are formed as p_j = h_j + Qo_out(j) d(j), with h_j from a
    // recurrence of non-negative terms (the textbook form cancels catastrophically when
    // Qa >> Qo d), and everything that can over- or underflow (d spans e^±700 in long
    // cascades) is carried as a logarithm.
    const int stages = solved_stages_;
    std::vector<double> ln_alpha(stages), ln_beta(stages), ln_c(stages);
    for (int i = 0; i < n_; ++i) {
        double prev_ln_p = 0.0, prev_h = 0.0, prev_ln_beta = neg_inf;
        for (int j = 0; j < stages; ++j) {
            double h = qa_out_[j];
            double ln_a = neg_inf;
            if (j > 0) {
                ln_a = ln_qo_up_[j - 1] + ln_d(i, j - 1);
                const double ln_drawn = ln_qo_drawn_[j - 1] + ln_d(i, j - 1);
                const double ratio = std::exp(log_add(safe_log(prev_h), ln_drawn) - prev_ln_p);
                h = (qa_out_[j] - qa_down_[j]) + qa_down_[j] * ratio;
            }
            const double ln_p = log_add(safe_log(h), ln_qo_out_[j] + ln_d(i, j));
            ln_alpha[j] = (j + 1 < stages ? ln_qa_down_[j + 1] : neg_inf) - ln_p;
            ln_beta[j] = log_add(ln_feed_(i, j), ln_a + prev_ln_beta) - ln_p;
            prev_ln_p = ln_p;
            prev_h = h;
            prev_ln_beta = ln_beta[j];
        }
        ln_c[stages - 1] = ln_beta[stages - 1];
        for (int j = stages - 2; j >= 0; --j) {
            ln_c[j] = log_add(ln_alpha[j] + ln_c[j + 1], ln_beta[j]);
        }
        for (int j = 0; j < stages; ++j) {
            if (!std::isfinite(ln_c[j])) {
                throw ConvergenceError(
                    "linear profile solve: " + std::string(elements()[spec_.components[i]].symbol) +
                    " cannot reach stage " + std::to_string(j + 1));
            }
            x[static_cast<Eigen::Index>(j) * block_ + i] = ln_c[j];
        }
    }
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
    const int stages = solved_stages_, m = n_ + 1;
    Eigen::VectorXd sigma(stages), ln_y(stages), g(stages), trial_sigma, trial_g(stages);
    const Eigen::VectorXd feed = feed_mol_per_h_.rowwise().sum();
    Eigen::VectorXd weights(n_);
    const auto lse = [&](const Eigen::VectorXd& a) {
        const double top = a.maxCoeff();
        weights = (a.array() - top).exp();
        const double sum = weights.sum();
        weights /= sum;
        return top + std::log(sum);
    };
    // Start from the countercurrent-extraction theory (chemistry.md §3.2, assumption 3): in
    // the extraction section the B key's extraction ratio equals the mixed extraction ratio
    // Y/T, in the scrub section the A key's does. The keys follow from the product split:
    // the most extractable elements fill the organic product's share f'_A of the feed.
    const double product_share = (stages > 0 ? organic_product_re_mol_per_h_ : 0.0) / feed.sum();
    std::vector<int> order(n_);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return ln_k[a] > ln_k[b]; });
    // The element in which the split falls is the A key if most of it goes to the organic
    // product, the B key otherwise.
    double cumulative = 0.0;
    int key_a = order.front(), key_b = order.back();
    for (std::size_t k = 0; k < order.size(); ++k) {
        const double share = feed[order[k]] / feed.sum();
        if (cumulative + share >= product_share) {
            const bool mostly_up = product_share - cumulative >= 0.5 * share;
            key_a = mostly_up || k == 0 ? order[k] : order[k - 1];
            key_b = mostly_up && k + 1 < order.size() ? order[k + 1] : order[k];
            break;
        }
        cumulative += share;
    }
    for (int j = 0; j < stages; ++j) {
        ln_y[j] = std::log(conditions_[j].organic_re_mol_per_L);
        const double ln_k_key =
            conditions_[j].section == Section::extraction ? ln_k[key_b] : ln_k[key_a];
        sigma[j] = ln_y[j] - std::log(aqueous_re_mol_per_L_[j]) - ln_k_key;
    }
    x.resize(static_cast<Eigen::Index>(stages) * block_);
    Eigen::MatrixXd ln_d(n_, stages);
    const auto profiles_and_closure = [&](const Eigen::VectorXd& sig, Eigen::VectorXd& out) {
        for (int j = 0; j < stages; ++j) {
            ln_d.col(j) = ln_k.array() + sig[j];
        }
        solve_linear_profiles(ln_d, x);
        for (int j = 0; j < stages; ++j) {
            out[j] =
                lse(ln_k + x.segment(static_cast<Eigen::Index>(j) * block_, n_)) + sig[j] - ln_y[j];
        }
        ++report.residual_evaluations;
        return g.size() ? out.cwiseAbs().maxCoeff() : 0.0;
    };
    solver::BlockTridiagonalMatrix jacobian(stages, m);
    Eigen::VectorXd rhs(static_cast<Eigen::Index>(stages) * m);
    double norm = profiles_and_closure(sigma, g);
    double lambda = 1.0;
    // When the last full step contracted strongly, its simplified correction (computed by the
    // monotonicity test with the old factors) is the next step: a chord step costs one
    // evaluation and one back-substitution instead of a new Jacobian and factorization.
    constexpr double chord_contraction = 0.1;
    Eigen::VectorXd step(stages);
    bool reuse_factors = false;
    while (!(norm <= options.tolerance)) {
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
            jacobian.set_zero();
            for (int j = 0; j < stages; ++j) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(j) * m;
                const bool from_above = j + 1 < stages && qa_down_[j + 1] > 0.0;
                const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
                for (int i = 0; i < n_; ++i) {
                    const double u_ij = x[static_cast<Eigen::Index>(j) * block_ + i];
                    std::array<double, 4> w_out{}, w_in{};
                    LogSum out;
                    out.add(ln_qa_out_[j] + u_ij);
                    out.add(ln_qo_out_[j] + u_ij + ln_k[i] + sigma[j]);
                    out.value(w_out);
                    LogSum in;
                    int k_above = -1, k_below = -1;
                    if (from_above) {
                        k_above = in.count;
                        in.add(ln_qa_down_[j + 1] +
                               x[static_cast<Eigen::Index>(j + 1) * block_ + i]);
                    }
                    if (from_below) {
                        k_below = in.count;
                        in.add(ln_qo_up_[j - 1] + x[static_cast<Eigen::Index>(j - 1) * block_ + i] +
                               ln_k[i] + sigma[j - 1]);
                    }
                    in.add(ln_feed_(i, j));
                    // The balances hold by construction (exact linear solve): their residual is
                    // rounding, which must not leak into the step for sigma.
                    in.value(w_in);
                    rhs[r0 + i] = 0.0;
                    jacobian.diag[j](i, i) = -1.0;
                    jacobian.diag[j](i, n_) = -w_out[1];
                    if (k_above >= 0) {
                        jacobian.upper[j](i, i) = w_in[k_above];
                    }
                    if (k_below >= 0) {
                        jacobian.lower[j](i, i) = w_in[k_below];
                        jacobian.lower[j](i, n_) = w_in[k_below];
                    }
                }
                lse(ln_k + x.segment(static_cast<Eigen::Index>(j) * block_, n_));
                jacobian.diag[j].row(n_).head(n_) = weights.transpose();
                jacobian.diag[j](n_, n_) = 1.0;
                rhs[r0 + n_] = -g[j];
            }
            ++report.jacobian_evaluations;
            if (!jacobian.factorize_and_solve(rhs)) {
                report.message = "the Jacobian is singular";
                break;
            }
            for (int j = 0; j < stages; ++j) {
                step[j] = rhs[static_cast<Eigen::Index>(j) * m + n_];
            }
        }
        // Deuflhard's natural monotonicity test on sigma (as in solver::solve_newton): the
        // simplified correction at the trial point, with the old factors, must shrink.
        const double full_norm = step.cwiseAbs().maxCoeff();
        const double limit = full_norm > options.max_step ? options.max_step / full_norm : 1.0;
        step *= limit;
        bool accepted = false;
        lambda = std::min(1.0, 4.0 * lambda);
        for (int back = 0; back <= options.max_backtracks; ++back, lambda *= 0.5) {
            trial_sigma = sigma + lambda * step;
            double trial_norm = INFINITY;
            try {
                trial_norm = profiles_and_closure(trial_sigma, trial_g);
            } catch (const Error&) {
                continue;
            }
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
                jacobian.solve_factored(rhs);
                simplified = 0.0;
                for (int j = 0; j < stages; ++j) {
                    simplified =
                        std::max(simplified, std::abs(rhs[static_cast<Eigen::Index>(j) * m + n_]));
                }
                passes = simplified <= (1.0 - 0.25 * lambda * limit) * full_norm;
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
        if (!accepted && reuse_factors) {
            reuse_factors = false;  // the old factors no longer point downhill: refactor
            profiles_and_closure(sigma, g);
            continue;
        }
        if (!accepted) {
            profiles_and_closure(sigma, g);  // restore x for sigma
            report.message = "the line search could not reduce the closure residual";
            break;
        }
    }
    report.converged = norm <= options.tolerance;
    report.residual_norm = norm;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return report;
}

void Cascade::Impl::initial_guess(Eigen::VectorXd& x, int max_sweeps)
{
    const int stages = solved_stages_;
    if (x.size() != static_cast<Eigen::Index>(stages) * block_) {
        // Flat start: every stage at the overall feed composition.
        x.resize(static_cast<Eigen::Index>(stages) * block_);
        const Eigen::VectorXd feed = feed_mol_per_h_.rowwise().sum();
        const Eigen::VectorXd ln_z = (feed / feed.sum()).array().log();
        for (int j = 0; j < stages; ++j) {
            const double total = model_.saturated_organic()
                                     ? aqueous_re_mol_per_L_[j]
                                     : spec_.feeds[0].concentration_mol_per_L;
            x.segment(static_cast<Eigen::Index>(j) * block_, n_) = ln_z.array() + std::log(total);
        }
    }
    for (int sweep = 0; sweep < max_sweeps; ++sweep) {
        if (substitution_sweep(x) < 1e-3) {
            break;
        }
    }
    if (murphree_) {
        for (int j = 0; j < stages; ++j) {
            const Eigen::VectorXd u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
            model_.equilibrium(conditions_[j], u, ln_q_star_[j], jac_q_star_[j]);
            x.segment(static_cast<Eigen::Index>(j) * block_ + n_, n_) = ln_q_star_[j];
        }
    }
}

CascadeResult Cascade::Impl::solve()
{
    CascadeResult r = solve_once();
    if (!spec_.organic.recycle || spec_.stages_strip == 0) {
        return r;
    }
    // Closed organic loop: the stripped organic returns to stage 1 (re-saponified) with the
    // RE it still carries; a tear on that RE, by successive substitution. It contracts by the
    // fraction of the organic RE the strip section leaves, usually far below 1.
    const auto recycled = [&](const CascadeResult& result) {
        Eigen::VectorXd mol(n_);
        for (const auto& p : result.products) {
            if (p.name != "stripped_organic") {
                continue;
            }
            const double share = std::min(1.0, spec_.organic.flow_L_per_h / p.flow_L_per_h);
            for (int i = 0; i < n_; ++i) {
                mol[i] = share * p.mol_per_h[spec_.components[i]];
            }
        }
        return mol;
    };
    // Broyden's method on F(x) = g(x) - x (x: recycled RE per component, g: what the strip
    // returns for it), B_0 = -I so that the first step is plain substitution. Substitution
    // alone contracts by the fraction of RE the strip leaves on the organic, close to 1 for
    // a weak strip; Broyden learns that slope.
    Eigen::VectorXd current = Eigen::VectorXd::Zero(n_);
    Eigen::MatrixXd inverse = -Eigen::MatrixXd::Identity(n_, n_);  // B^-1
    Eigen::VectorXd f_old, x_old;
    const double feed_total = spec_.feed_re_mol_per_h();
    for (int loop = 1; loop <= 200; ++loop) {
        const Eigen::VectorXd f = recycled(r) - current;
        if (f.cwiseAbs().maxCoeff() <= 1e-13 * feed_total) {
            r.recycle_iterations = loop;
            return r;
        }
        if (f_old.size() == n_) {
            // "Good" Broyden update of the inverse (Sherman-Morrison).
            const Eigen::VectorXd dx = current - x_old, df = f - f_old;
            const Eigen::VectorXd h_df = inverse * df;
            const double denom = dx.dot(h_df);
            if (std::abs(denom) > 1e-300) {
                inverse += (dx - h_df) * (dx.transpose() * inverse) / denom;
            }
        }
        x_old = current;
        f_old = f;
        Eigen::VectorXd next = current - inverse * f;
        if (!next.allFinite()) {
            next = current + f;
            inverse = -Eigen::MatrixXd::Identity(n_, n_);
        }
        current = next.cwiseMax(0.0);
        set_recycle(current);
        r = solve_once();
    }
    throw ConvergenceError(
        "the closed organic loop (organic.recycle) did not settle in 200 passes: the strip "
        "section leaves too much RE on the organic. Raise the strip acid or add strip stages.");
}

CascadeResult Cascade::Impl::solve_with_extras()
{
    solver::NewtonOptions options;
    options.tolerance = spec_.solver.tolerance;
    options.max_iterations = spec_.solver.max_iterations;
    solver::SolverReport total;
    Eigen::VectorXd x;
    solver::SolverReport report;
    if (last_x_.size() == static_cast<Eigen::Index>(solved_stages_) * block_) {
        x = last_x_;
        report = solve_extras(x, options, total);
    }
    if (!report.converged && separation_factor_start(x)) {
        report = solve_extras(x, options, total);
    }
    if (!report.converged) {
        initial_guess_extras(x, 4);
        report = solve_extras(x, options, total);
    }
    if (!report.converged) {
        std::ostringstream msg;
        msg << "the cascade did not converge with the " << model_.name()
            << " model: Newton and pseudo-transient continuation stopped with max scaled "
               "residual "
            << report.residual_norm << " at " << variable_name(std::max(0, report.worst_index))
            << " (" << report.message
            << "). Check the acid strengths and flows (a section whose acid cannot strip, or "
               "an organic with no free extractant left), or raise solver.max-iterations.";
        if (base_excess_mol_per_h_ > 0.0) {
            msg << " Likely cause: the saponified base exceeds the feed and scrub acid plus 3 "
                   "H+ per RE of the feed by "
                << fmt(base_excess_mol_per_h_)
                << " mol/h; lower the saponification or organic flow, or raise the scrub acid.";
        }
        throw ConvergenceError(msg.str());
    }
    last_x_ = x;
    return collect(x, total_report(total, report));
}

CascadeResult Cascade::Impl::solve_once()
{
    if (m_ > 0) {
        return solve_with_extras();
    }
    solver::NewtonOptions options;
    options.tolerance = spec_.solver.tolerance;
    options.max_iterations = spec_.solver.max_iterations;
    solver::SolverReport total;
    const auto add = [&](const solver::SolverReport& r) {
        total.iterations += r.iterations;
        total.residual_evaluations += r.residual_evaluations;
        total.jacobian_evaluations += r.jacobian_evaluations;
        total.seconds += r.seconds;
        total.method = r.method;
    };
    Eigen::VectorXd start;
    const bool reducible = model_.ln_relative_extractability().size() > 0;
    if (reducible && spec_.solver.method == "newton") {
        // Separation-factor model: Newton on the per-stage scale with the compositions
        // eliminated, from the theory's start. With Murphree efficiencies its (ideal-stage)
        // solution is the start of the full Newton below.
        solver::SolverReport report = solve_reduced(start, options);
        add(report);
        if (report.converged && !murphree_) {
            report.iterations = total.iterations;
            return collect(start, report);
        }
        if (!report.converged) {
            start.resize(0);
        }
    }
    if (start.size() == 0 && reducible && spec_.solver.method == "kinsol") {
        // The theory's start: compositions from the key-element scales, no iteration.
        solver::NewtonOptions none = options;
        none.max_iterations = 0;
        solve_reduced(start, none);
        initial_guess(start, 0);
    } else if (start.size() == 0) {
        initial_guess(start, 8);
    } else {
        initial_guess(start, 0);  // fills the organic unknowns of the Murphree system
    }
    if (spec_.solver.method == "kinsol") {
        Eigen::VectorXd x = start;
        linear_form_ = false;
        const solver::SolverReport report = solver::solve_kinsol(*this, x, options);
        add(report);
        if (!report.converged) {
            throw ConvergenceError("KINSOL did not converge: " + report.message +
                                   "; the default solver (solver.method: newton) may");
        }
        return collect(x, total_report(total, report));
    }
    // Full Newton on the stage equations: in c first (nearly linear for the major
    // elements), then in ln c (trace elements move by orders of magnitude per step), and as
    // the last resort pseudo-transient continuation in c.
    solver::NewtonOptions first = options;
    first.max_iterations = std::min(options.max_iterations, 30);
    solver::SolverReport report;
    Eigen::VectorXd x;
    for (const int attempt : {0, 1, 2}) {
        x = start;
        linear_form_ = attempt != 1;
        if (attempt < 2) {
            report = solver::solve_newton(*this, x, first);
        } else {
            solver::NewtonOptions patient = options;
            patient.max_iterations = std::max(options.max_iterations, 500);
            report = solver::solve_pseudo_transient(*this, x, patient, 1.0);
        }
        add(report);
        if (report.converged) {
            return collect(x, total_report(total, report));
        }
    }
    std::ostringstream msg;
    msg << "the cascade did not converge: Newton and pseudo-transient continuation stopped "
        << "with max scaled residual " << report.residual_norm << " at "
        << variable_name(std::max(0, report.worst_index)) << " (" << report.message
        << "). Check that the flows are inside the operating range (reesx check), or raise "
        << "solver.max-iterations.";
    throw ConvergenceError(msg.str());
}

solver::SolverReport Cascade::Impl::total_report(const solver::SolverReport& total,
                                                 solver::SolverReport last) const
{
    last.iterations = total.iterations;
    last.residual_evaluations = total.residual_evaluations;
    last.jacobian_evaluations = total.jacobian_evaluations;
    last.seconds = total.seconds;
    return last;
}

CascadeResult Cascade::Impl::collect(const Eigen::VectorXd& x, const solver::SolverReport& report)
{
    CascadeResult r;
    r.num_stages = stages_;
    r.solver = report;
    r.warnings = spec_.warnings;
    r.warnings.insert(r.warnings.end(), warnings_.begin(), warnings_.end());
    r.aqueous_log10 = Eigen::MatrixXd::Constant(stages_, num_elements, neg_inf);
    r.organic_log10 = r.aqueous_log10;
    const double ln10 = std::log(10.0);
    for (int j = 0; j < solved_stages_; ++j) {
        for (int i = 0; i < n_; ++i) {
            const int e = spec_.components[i];
            r.aqueous_log10(j, e) = x[static_cast<Eigen::Index>(j) * block_ + i] / ln10;
            r.organic_log10(j, e) = ln_q_[j][i] / ln10;
        }
    }
    // ln_q_ holds the last evaluation; recompute for the final x to be exact.
    {
        Eigen::VectorXd scratch_q(n_);
        Eigen::MatrixXd scratch_j(n_, n_);
        for (int j = 0; j < solved_stages_; ++j) {
            const Eigen::VectorXd u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
            if (m_ > 0) {
                model_.stage_chemistry(conditions_[j], u,
                                       x.segment(static_cast<Eigen::Index>(j) * block_ + n_, m_),
                                       chem_[j]);
                for (int i = 0; i < n_; ++i) {
                    r.organic_log10(j, spec_.components[i]) = chem_[j].ln_org[i] / ln10;
                }
                continue;
            }
            model_.equilibrium(conditions_[j], u, scratch_q, scratch_j);
            for (int i = 0; i < n_; ++i) {
                const double v =
                    murphree_ ? x[static_cast<Eigen::Index>(j) * block_ + n_ + i] : scratch_q[i];
                r.organic_log10(j, spec_.components[i]) = v / ln10;
            }
        }
    }
    if (solved_stages_ < stages_) {
        // Complete stripping: all RE of the entering organic leaves in the first strip
        // stage's aqueous; the organic leaves the strip section empty.
        const int first = solved_stages_;
        const double ln_ratio = std::log(qo_up_[last_scrub_] / qa_out_[first]);
        for (int i = 0; i < n_; ++i) {
            const int e = spec_.components[i];
            r.aqueous_log10(first, e) = r.organic_log10(last_scrub_, e) + ln_ratio / ln10;
        }
    }
    r.aqueous_mol_per_L = r.aqueous_log10.unaryExpr([](double v) { return std::pow(10.0, v); });
    r.organic_mol_per_L = r.organic_log10.unaryExpr([](double v) { return std::pow(10.0, v); });
    r.aqueous_flow_L_per_h = qa_out_;
    r.organic_flow_L_per_h = qo_out_;
    for (int j = 0; j < stages_; ++j) {
        r.sections.push_back(conditions_[j].section);
    }

    // Products.
    const auto add_product = [&](const std::string& name, Phase phase, int j, double flow) {
        ProductResult p;
        p.name = name;
        p.phase = phase;
        p.stage = j + 1;
        p.flow_L_per_h = flow;
        const auto& conc = phase == Phase::aqueous ? r.aqueous_mol_per_L : r.organic_mol_per_L;
        for (int e = 0; e < num_elements; ++e) {
            p.mol_per_h[e] = flow * conc(j, e);
            p.re_mol_per_h += p.mol_per_h[e];
        }
        for (int e = 0; e < num_elements; ++e) {
            p.composition[e] = p.re_mol_per_h > 0.0 ? p.mol_per_h[e] / p.re_mol_per_h : 0.0;
            if (p.main_element < 0 || p.composition[e] > p.purity) {
                p.main_element = e;
                p.purity = p.composition[e];
            }
        }
        r.products.push_back(p);
    };
    const auto drawn = [&](Phase phase, int j) {
        double flow = 0.0;
        for (const auto& d : spec_.draws) {
            flow += (d.phase == phase && d.stage - 1 == j) ? d.flow_L_per_h : 0.0;
        }
        return flow;
    };
    add_product("raffinate", Phase::aqueous, 0, qa_out_[0] - drawn(Phase::aqueous, 0));
    if (spec_.stages_strip > 0) {
        const int first = last_scrub_ + 1;
        add_product("strip_liquor", Phase::aqueous, first,
                    qa_out_[first] - drawn(Phase::aqueous, first));
        add_product("stripped_organic", Phase::organic, stages_ - 1,
                    qo_out_[stages_ - 1] - drawn(Phase::organic, stages_ - 1));
    } else {
        add_product("loaded_organic", Phase::organic, last_scrub_,
                    qo_out_[last_scrub_] - drawn(Phase::organic, last_scrub_));
    }
    for (const auto& d : spec_.draws) {
        add_product(d.name, d.phase, d.stage - 1, d.flow_L_per_h);
    }

    for (int i = 0; i < n_; ++i) {
        // Fresh feeds only: RE returned by a closed organic loop is internal.
        r.feed_mol_per_h[spec_.components[i]] = base_feed_mol_per_h_.row(i).sum();
    }
    r.recovery.assign(r.products.size(), {});
    for (std::size_t p = 0; p < r.products.size(); ++p) {
        for (int e = 0; e < num_elements; ++e) {
            r.recovery[p][e] =
                r.feed_mol_per_h[e] > 0.0 ? r.products[p].mol_per_h[e] / r.feed_mol_per_h[e] : 0.0;
        }
    }
    for (int e = 0; e < num_elements; ++e) {
        if (r.feed_mol_per_h[e] <= 0.0) {
            continue;
        }
        double out = 0.0;
        for (const auto& p : r.products) {
            const bool returns = spec_.organic.recycle && p.name == "stripped_organic";
            out += returns ? 0.0 : p.mol_per_h[e];
        }
        r.balance_relative_error[e] = std::abs(r.feed_mol_per_h[e] - out) / r.feed_mol_per_h[e];
        r.mass_balance_relative_error =
            std::max(r.mass_balance_relative_error, r.balance_relative_error[e]);
    }

    const double feed_total = spec_.feed_re_mol_per_h();
    if (model_.saturated_organic()) {
        r.reflux_S = organic_re_flux_ / feed_total;
        r.reflux_W = scrub_reflux_ / feed_total;
    }
    const auto& org = spec_.organic;
    if (org.extractant_mol_per_L && org.saponification) {
        r.reagents.saponification_base_mol_per_h =
            org.flow_L_per_h * *org.extractant_mol_per_L * *org.saponification;
    } else if (model_.saturated_organic()) {
        r.reagents.saponification_base_mol_per_h = 3.0 * organic_re_flux_;
    }
    if (spec_.scrub && spec_.stages_scrub > 0) {
        r.reagents.scrub_acid_h_mol_per_h = spec_.scrub->h_mol_per_h();
    }
    if (spec_.strip && spec_.stages_strip > 0) {
        r.reagents.strip_acid_h_mol_per_h = spec_.strip->h_mol_per_h();
        r.reagents.strip_acid_consumed_h_mol_per_h = 3.0 * r.products[1].re_mol_per_h;
    }
    r.organic_re_mol_per_L.resize(stages_);
    for (int j = 0; j < stages_; ++j) {
        r.organic_re_mol_per_L[j] = r.organic_mol_per_L.row(j).sum();
    }
    for (const auto& feed : spec_.feeds) {
        if (feed.phase == Phase::aqueous) {
            r.reagents.feed_acid_h_mol_per_h += feed.flow_L_per_h * feed.acid_mol_per_L;
        }
    }
    if (m_ > 0) {
        collect_extras(x, r);
    } else {
        // Models without acidity: the feed acid passes to the raffinate, the scrub acid is
        // used up stripping the reflux (W = acid/3), the strip acid beyond 3 H+ per RE is left.
        r.reagents.raffinate_acid_h_mol_per_h = r.reagents.feed_acid_h_mol_per_h;
        r.reagents.scrub_acid_consumed_h_mol_per_h = r.reagents.scrub_acid_h_mol_per_h;
        r.reagents.strip_liquor_acid_h_mol_per_h = std::max(
            0.0, r.reagents.strip_acid_h_mol_per_h - r.reagents.strip_acid_consumed_h_mol_per_h);
    }
    finish_reagents(r);
    return r;
}

void Cascade::Impl::collect_extras(const Eigen::VectorXd& x, CascadeResult& r)
{
    // chem_ holds the final x (collect evaluated every stage).
    r.profile_names = model_.profile_names();
    r.profiles.resize(stages_, static_cast<Eigen::Index>(r.profile_names.size()));
    r.extras.resize(stages_, m_);
    r.chloride_mol_per_L = chloride_mol_per_L_;
    for (int j = 0; j < stages_; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        r.extras.row(j) = x.segment(row0 + n_, m_).transpose();
        const auto values = model_.profile_values(x.segment(row0, n_), x.segment(row0 + n_, m_));
        for (std::size_t p = 0; p < values.size(); ++p) {
            r.profiles(j, static_cast<Eigen::Index>(p)) = values[p];
        }
        const double charge = 3.0 * r.aqueous_mol_per_L.row(j).sum() +
                              model_.extra_aqueous_charge_eq_per_L(x.segment(row0 + n_, m_));
        r.electroneutrality_relative_error =
            std::max(r.electroneutrality_relative_error,
                     std::abs(charge - chloride_mol_per_L_[j]) / chloride_mol_per_L_[j]);
    }
    r.conserved_names = model_.conserved_quantities();
    for (int k = 0; k < k_; ++k) {
        double in = 0.0, scale = 0.0;
        for (int j = 0; j < stages_; ++j) {
            in += conserved_feed_(k, j);
            scale += std::abs(conserved_feed_(k, j));
        }
        double out = 0.0;
        for (const auto& p : r.products) {
            const auto& c = chem_[p.stage - 1];
            const double t =
                p.flow_L_per_h * (p.phase == Phase::aqueous ? c.aqueous[k] : c.organic[k]);
            out += t;
            scale += std::abs(t);
        }
        r.conserved_balance_relative_error.push_back(std::abs(in - out) / scale);
    }
    const auto h_of = [&](int j) {
        return model_.aqueous_h_mol_per_L(
            x.segment(static_cast<Eigen::Index>(j) * block_ + n_, m_));
    };
    auto& g = r.reagents;
    for (const auto& p : r.products) {
        if (p.name == "raffinate") {
            g.raffinate_acid_h_mol_per_h = p.flow_L_per_h * h_of(p.stage - 1);
        } else if (p.name == "strip_liquor") {
            g.strip_liquor_acid_h_mol_per_h = p.flow_L_per_h * h_of(p.stage - 1);
        }
    }
    g.scrub_acid_consumed_h_mol_per_h =
        g.feed_acid_h_mol_per_h + g.scrub_acid_h_mol_per_h - g.raffinate_acid_h_mol_per_h;
    if (spec_.stages_strip > 0) {
        g.strip_acid_consumed_h_mol_per_h =
            g.strip_acid_h_mol_per_h - g.strip_liquor_acid_h_mol_per_h;
    }
}

void Cascade::Impl::finish_reagents(CascadeResult& r) const
{
    // Molar masses, g/mol (IUPAC 2021 standard atomic weights).
    constexpr double hcl_g_per_mol = 36.46, naoh_g_per_mol = 40.00, nh3_g_per_mol = 17.03;
    auto& g = r.reagents;
    g.base = spec_.organic.base;
    g.base_kg_per_h = g.saponification_base_mol_per_h *
                      (g.base == "NH3" ? nh3_g_per_mol : naoh_g_per_mol) / 1000.0;
    g.scrub_acid_excess_h_mol_per_h = g.raffinate_acid_h_mol_per_h;
    g.strip_acid_excess_h_mol_per_h = g.strip_liquor_acid_h_mol_per_h;
    g.hcl_fed_mol_per_h =
        g.feed_acid_h_mol_per_h + g.scrub_acid_h_mol_per_h + g.strip_acid_h_mol_per_h;
    g.hcl_consumed_mol_per_h =
        g.hcl_fed_mol_per_h - g.raffinate_acid_h_mol_per_h - g.strip_liquor_acid_h_mol_per_h;
    g.hcl_fed_kg_per_h = g.hcl_fed_mol_per_h * hcl_g_per_mol / 1000.0;
    g.hcl_consumed_kg_per_h = g.hcl_consumed_mol_per_h * hcl_g_per_mol / 1000.0;
    g.per_product.clear();
    double total_reo_kg_per_h = 0.0;
    for (const auto& p : r.products) {
        for (int e = 0; e < num_elements; ++e) {
            total_reo_kg_per_h +=
                p.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1000.0;
        }
    }
    for (const auto& p : r.products) {
        Reagents::PerProduct pp;
        pp.product = p.name;
        for (int e = 0; e < num_elements; ++e) {
            pp.reo_kg_per_h +=
                p.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1000.0;
        }
        // Per kg only for products that carry RE (not an emptied stripped organic).
        if (pp.reo_kg_per_h > 1e-9 * total_reo_kg_per_h) {
            pp.base_kg_per_kg = g.base_kg_per_h / pp.reo_kg_per_h;
            pp.hcl_fed_kg_per_kg = g.hcl_fed_kg_per_h / pp.reo_kg_per_h;
            pp.hcl_consumed_kg_per_kg = g.hcl_consumed_kg_per_h / pp.reo_kg_per_h;
        }
        g.per_product.push_back(pp);
    }
}

Cascade::Cascade(const CaseSpec& spec) : impl_(std::make_unique<Impl>(spec)) {}
Cascade::~Cascade() = default;
CascadeResult Cascade::solve()
{
    return impl_->solve();
}
solver::BlockTridiagonalSystem& Cascade::equations()
{
    return *impl_;
}
Eigen::VectorXd Cascade::starting_point()
{
    Eigen::VectorXd x;
    if (impl_->m_ > 0) {
        if (!impl_->separation_factor_start(x)) {
            impl_->initial_guess_extras(x, 4);
        }
    } else {
        impl_->initial_guess(x, 8);
    }
    return x;
}
const std::vector<StageConditions>& Cascade::stage_conditions() const
{
    return impl_->conditions_;
}
const Eigen::MatrixXd& Cascade::conserved_feed_mol_per_h() const
{
    return impl_->conserved_feed_;
}
int Cascade::num_unknowns() const
{
    return impl_->solved_stages_ * impl_->block_;
}
int Cascade::num_equations() const
{
    return impl_->solved_stages_ * impl_->block_;
}

std::vector<std::string> Cascade::structure_summary() const
{
    const Impl& m = *impl_;
    std::vector<std::string> lines;
    lines.push_back(std::to_string(m.stages_) + " stages (" +
                    std::to_string(m.spec_.stages_extraction) + " extraction, " +
                    std::to_string(m.spec_.stages_scrub) + " scrub, " +
                    std::to_string(m.spec_.stages_strip) + " strip)");
    std::string comps;
    for (int e : m.spec_.components) {
        if (!comps.empty()) {
            comps += ' ';
        }
        comps += elements()[e].symbol;
    }
    lines.push_back(std::to_string(m.n_) + " components: " + comps);
    std::string model = "model ";
    model += m.model_.name();
    if (m.murphree_) {
        model += ", Murphree efficiency < 1 (organic unknowns added)";
    }
    lines.push_back(model);
    if (m.m_ > 0) {
        std::string extras;
        for (const auto& e : m.model_.extra_unknowns()) {
            extras += (extras.empty() ? "" : ", ") + e;
        }
        lines.push_back("extra unknowns per stage: " + extras + " (" + std::to_string(m.k_) +
                        " set by balances of conserved quantities, " + std::to_string(m.m_ - m.k_) +
                        " by local equations)");
    }
    lines.push_back("stages solved by Newton: " + std::to_string(m.solved_stages_) +
                    (m.solved_stages_ < m.stages_ ? " (strip section strips completely)" : ""));
    lines.push_back("unknowns: " + std::to_string(m.solved_stages_ * m.block_) +
                    ", equations: " + std::to_string(m.solved_stages_ * m.block_) + " (" +
                    std::to_string(m.block_) + " per stage, block-tridiagonal)");
    return lines;
}

}  // namespace reesx
