// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Cascade.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <limits>
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
    CascadeResult collect(const Eigen::VectorXd& x, const solver::SolverReport& report) const;

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
    std::vector<StageConditions> conditions_;
    std::vector<double> efficiency_, rho_;
    std::vector<double> aqueous_re_mol_per_L_;  //!< fixed totals, saturated models only
    double strip_re_mol_per_h_ = 0.0;           //!< RE entering a complete strip section
    double organic_re_flux_ = 0.0;              //!< S·F, mol/h, saturated models
    double scrub_reflux_ = 0.0;                 //!< W·F, mol/h, saturated models
    std::vector<std::string> warnings_;

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
    ln_q_star_.assign(solved_stages_, Eigen::VectorXd(n_));
    ln_q_.assign(solved_stages_, Eigen::VectorXd(n_));
    jac_q_star_.assign(solved_stages_, Eigen::MatrixXd(n_, n_));
}

std::string Cascade::Impl::variable_name(int k) const
{
    const int j = k / block_;
    const int r = k % block_;
    const int i = r % n_;
    const char* what = r < n_ ? "ln c (aqueous) of " : "ln q (organic) of ";
    return "stage " + std::to_string(j + 1) + ", " + what +
           std::string(elements()[spec_.components[i]].symbol);
}

void Cascade::Impl::evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                             solver::BlockTridiagonalMatrix* jacobian)
{
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
        const double ln_qa_out = std::log(qa_out_[j]);
        const double ln_qo_out = std::log(qo_out_[j]);
        const bool from_above = j + 1 < stages && qa_down_[j + 1] > 0.0;
        const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
        const double ln_qa_above = from_above ? std::log(qa_down_[j + 1]) : 0.0;
        const double ln_qo_below = from_below ? std::log(qo_up_[j - 1]) : 0.0;
        for (int i = 0; i < n_; ++i) {
            const double u_ij = x[row0 + i];
            // Outflow: aqueous (term 0) and organic (term 1).
            LogSum out;
            out.add(ln_qa_out + u_ij);
            out.add(ln_qo_out + ln_q_[j][i]);
            std::array<double, 4> w_out{};
            const double ln_out = out.value(w_out);
            // Inflow: aqueous from above, organic from below, feeds (in that order, each
            // only when present).
            LogSum in;
            int k_above = -1, k_below = -1;
            if (from_above) {
                k_above = in.count;
                in.add(ln_qa_above + x[row0 + block_ + i]);
            }
            if (from_below) {
                k_below = in.count;
                in.add(ln_qo_below + ln_q_[j - 1][i]);
            }
            in.add(safe_log(feed_mol_per_h_(i, j)));
            const double ln_in = in.value(w);
            if (ln_in == neg_inf) {
                throw std::domain_error("no inflow of a component at a stage");
            }
            residual[row0 + i] = ln_in - ln_out;
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
    // Every row so far is ln(a) - ln(b). Newton works on a/b - 1 instead: the same root, but
    // linear in the concentrations for constant D, which widens the basin of Newton's method
    // far beyond that of the log form (take_step below completes the change of variables).
    const int variant = std::getenv("REESX_VARIANT") ? std::atoi(std::getenv("REESX_VARIANT")) : 1;
    for (Eigen::Index k = 0; variant != 0 && k < residual.size(); ++k) {
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
        const int variant = std::getenv("REESX_VARIANT") ? std::atoi(std::getenv("REESX_VARIANT")) : 1;
        if (variant != 1) { trial[k] = x[k] + d; continue; }
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
    std::vector<double> alpha(stages), ln_beta(stages), ln_c(stages);
    const Eigen::VectorXd before = x;
    for (int i = 0; i < n_; ++i) {
        // Balance: a_j c_{j-1} - g_j c_j + e_j c_{j+1} = -F_j with a_j = Qo_up(j-1) d(j-1),
        // g_j = Qa_out(j) + Qo_out(j) d(j), e_j = Qa_down(j+1); eliminate upward to
        // c_j = alpha_j c_{j+1} + beta_j. The pivots p_j = g_j - a_j alpha_{j-1} are formed as
        // p_j = h_j + Qo_out(j) d(j) from the recurrence for h_j below, a sum of non-negative
        // terms: the textbook form cancels catastrophically when Qa >> Qo d.
        double prev_p = 1.0, prev_h = 0.0, prev_ln_beta = neg_inf;
        for (int j = 0; j < stages; ++j) {
            const double d = std::exp(ln_d(i, j));
            const double a = j > 0 ? qo_up_[j - 1] * std::exp(ln_d(i, j - 1)) : 0.0;
            const double e = (j + 1 < stages) ? qa_down_[j + 1] : 0.0;
            double h = qa_out_[j];
            if (j > 0) {
                const double organic_drawn = (qo_out_[j - 1] - qo_up_[j - 1]) * std::exp(ln_d(i, j - 1));
                h = (qa_out_[j] - qa_down_[j]) + qa_down_[j] * (prev_h + organic_drawn) / prev_p;
            }
            const double p = h + qo_out_[j] * d;
            alpha[j] = e / p;
            ln_beta[j] = log_add(safe_log(feed_mol_per_h_(i, j)), safe_log(a) + prev_ln_beta) -
                         std::log(p);
            prev_p = p;
            prev_h = h;
            prev_ln_beta = ln_beta[j];
        }
        ln_c[stages - 1] = ln_beta[stages - 1];
        for (int j = stages - 2; j >= 0; --j) {
            ln_c[j] = log_add(safe_log(alpha[j]) + ln_c[j + 1], ln_beta[j]);
        }
        for (int j = 0; j < stages; ++j) {
            if (!std::isfinite(ln_c[j])) {
                if (std::getenv("REESX_DEBUG")) for (int jj = std::max(0, j - 3); jj <= std::min(stages - 1, j + 1); ++jj) std::fprintf(stderr, "j %d alpha %g ln_beta %g ln_c %g ln_d %g\n", jj, alpha[jj], ln_beta[jj], ln_c[jj], ln_d(i, jj));
                throw ConvergenceError(
                    "substitution start: " + std::string(elements()[spec_.components[i]].symbol) +
                    " cannot reach stage " + std::to_string(j + 1));
            }
            double& u = x[static_cast<Eigen::Index>(j) * block_ + i];
            u = ln_c[j];
        }
    }
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
        const double ch = substitution_sweep(x);
        if (std::getenv("REESX_DEBUG")) std::fprintf(stderr, "sweep %d change %.3e\n", sweep, ch);
        if (ch < 1e-3) {
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
    solver::NewtonOptions options;
    options.tolerance = spec_.solver.tolerance;
    options.max_iterations = spec_.solver.max_iterations;
    const auto run = [&](Eigen::VectorXd& x) {
        return spec_.solver.method == "kinsol" ? solver::solve_kinsol(*this, x, options)
                                               : solver::solve_newton(*this, x, options);
    };
    Eigen::VectorXd x;
    model_.set_separation_scale(1.0);
    initial_guess(x, std::getenv("SWEEPS") ? std::atoi(std::getenv("SWEEPS")) : 8);
    solver::SolverReport report = run(x);
    if (!report.converged) {
        // Robust start: continuation in the separation, from no separation (lambda = 0,
        // a flat profile the substitution sweeps find at once) to the model as given.
        solver::SolverReport total = report;
        double lambda = 0.0, step = 0.25;
        Eigen::VectorXd x_ok;
        x.resize(0);
        while (lambda < 1.0) {
            const double next = std::min(1.0, lambda + step);
            model_.set_separation_scale(next);
            Eigen::VectorXd trial = x_ok;
            initial_guess(trial, 30);
            report = run(trial);
            total.iterations += report.iterations;
            total.residual_evaluations += report.residual_evaluations;
            total.seconds += report.seconds;
            if (report.converged) {
                lambda = next;
                x_ok = trial;
                step = std::min(0.5, 2.0 * step);
            } else if ((step *= 0.5) < 1.0 / 256.0) {
                break;
            }
        }
        model_.set_separation_scale(1.0);
        if (lambda < 1.0) {
            std::ostringstream msg;
            msg << "the cascade did not converge: Newton stopped with max scaled residual "
                << report.residual_norm << " at " << variable_name(std::max(0, report.worst_index))
                << " (" << report.message << "), and continuation in the separation factors "
                << "stalled at " << lambda * 100 << " % of their values. Check that the flows "
                << "are not far outside the operating range, or raise solver.max-iterations.";
            throw ConvergenceError(msg.str());
        }
        x = x_ok;
        report.iterations = total.iterations;
        report.residual_evaluations = total.residual_evaluations;
        report.seconds = total.seconds;
        report.message = "converged after continuation in the separation factors";
    }
    return collect(x, report);
}

CascadeResult Cascade::Impl::collect(const Eigen::VectorXd& x,
                                     const solver::SolverReport& report) const
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
        r.feed_mol_per_h[spec_.components[i]] = feed_mol_per_h_.row(i).sum();
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
            out += p.mol_per_h[e];
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
    return r;
}

Cascade::Cascade(const CaseSpec& spec) : impl_(std::make_unique<Impl>(spec)) {}
Cascade::~Cascade() = default;
CascadeResult Cascade::solve()
{
    return impl_->solve();
}
solver::BlockTridiagonalSystem& Cascade::equations() { return *impl_; }
Eigen::VectorXd Cascade::starting_point()
{
    Eigen::VectorXd x;
    impl_->initial_guess(x, 8);
    return x;
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
        comps += (comps.empty() ? "" : " ") + std::string(elements()[e].symbol);
    }
    lines.push_back(std::to_string(m.n_) + " components: " + comps);
    std::string model = "model ";
    model += m.model_.name();
    if (m.murphree_) {
        model += ", Murphree efficiency < 1 (organic unknowns added)";
    }
    lines.push_back(model);
    lines.push_back("stages solved by Newton: " + std::to_string(m.solved_stages_) +
                    (m.solved_stages_ < m.stages_ ? " (strip section strips completely)" : ""));
    lines.push_back("unknowns: " + std::to_string(m.solved_stages_ * m.block_) +
                    ", equations: " + std::to_string(m.solved_stages_ * m.block_) + " (" +
                    std::to_string(m.block_) + " per stage, block-tridiagonal)");
    return lines;
}

}  // namespace reesx
