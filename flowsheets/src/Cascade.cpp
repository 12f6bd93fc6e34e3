// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Set-up of a cascade (flows, stage conditions, feasibility) and the public Cascade API.
#include "CascadeImpl.h"

namespace reesx {

using namespace cascade_detail;

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
            const double mol = feed.mol_per_h_of(spec.components[i]);
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
                        "flow below " +
                        fmt(3.0 * in / spec.scrub->acid_mol_per_L) +
                        " L/h at this acid (or its acid below " +
                        fmt(3.0 * in / spec.scrub->flow_L_per_h) +
                        " mol/L), or raise the organic flow.");
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
                        "nothing for the raffinate. Lower the organic flow below " +
                        fmt((organic_re_out[0] + out) / capacity) +
                        " L/h at this loading, or raise the feed or the scrub reflux.");
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
        // Anion equivalents ride with the aqueous: Cl- of HCl and RECl3, or in a sulfate
        // medium 2 SO4 per H2SO4 and sum z c / 2 SO4 of the metal sulfates.
        std::vector<double> chloride_in(stages_, 0.0);
        const double acid_eq = spec.medium.sulfate ? 2.0 : 1.0;
        const auto add_stream = [&](int j, double flow, const StreamChemistry& st,
                                    double impurity_eq_per_L = 0.0) {
            conserved_feed_.col(j) += flow * model_.stream_content(st);
            if (!st.organic) {
                chloride_in[j] += flow * (acid_eq * st.acid_mol_per_L + 3.0 * st.re_mol_per_L) +
                                  flow * impurity_eq_per_L;
            }
        };
        for (const auto& feed : spec.feeds) {
            StreamChemistry st;
            st.organic = feed.phase == Phase::organic;
            st.acid_mol_per_L = feed.acid_mol_per_L;
            st.re_mol_per_L = feed.concentration_mol_per_L;
            if (st.organic) {
                // A loaded organic from another cascade (a plant stream) may hold impurity
                // ions: each charge took the place of one H+ as a rare earth's three did.
                st.re_mol_per_L += feed.impurity_charge_eq_per_L() / 3.0;
            }
            add_stream(feed.stage - 1, feed.flow_L_per_h, st,
                       st.organic ? 0.0 : feed.impurity_charge_eq_per_L());
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
            conditions_[j].sulfate_mol_per_L =
                spec.medium.sulfate ? 0.5 * chloride_mol_per_L_[j] : 0.0;
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
            double impurity_eq_mol_per_h = 0.0;
            for (const auto& feed : spec.feeds) {
                impurity_eq_mol_per_h += feed.flow_L_per_h * feed.impurity_charge_eq_per_L();
            }
            const double margin = conserved_feed_.row(k).head(last_scrub_ + 1).sum() +
                                  3.0 * spec.feed_re_mol_per_h() + impurity_eq_mol_per_h;
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
    // Sized by their first use (model_.equilibrium): the reduced Newton of the separation-factor
    // model uses none, and n x n per stage is 11 MB to allocate and touch at 17 x 5,000.
    jac_q_star_.assign(solved_stages_, Eigen::MatrixXd());
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
    return "stage " + std::to_string(j + 1) + ", " + what + species_symbol(spec_.components[i]);
}
Cascade::Cascade(const CaseSpec& spec)
try : impl_(std::make_unique<Impl>(spec)) {
} catch (const InfeasibleError& e) {
    if (!spec.reflux) {
        throw;
    }
    // The messages name the flows that would work; say which flows the reflux gave.
    std::string given = "reflux S = " + fmt(spec.reflux->S);
    std::string flows = "organic flow " + fmt(spec.organic.flow_L_per_h) + " L/h";
    if (spec.reflux->W) {
        given += ", W = " + fmt(*spec.reflux->W);
        flows += " and scrub flow " + fmt(spec.scrub->flow_L_per_h) + " L/h";
    }
    throw InfeasibleError(spec.reflux->location + ": " + given + " (mol RE per mol feed RE) " +
                          "sets the " + flows + ": " + e.what());
}
Cascade::~Cascade() = default;
Eigen::VectorXd Cascade::Impl::scale_of(const CascadeResult& r, int stages) const
{
    const Eigen::VectorXd ln_k = model_.ln_relative_extractability();
    Eigen::VectorXd sigma(stages);
    for (int j = 0; j < stages; ++j) {
        int top = 0;
        for (int i = 1; i < n_; ++i) {
            if (r.organic_log10(j, spec_.components[i]) >
                r.organic_log10(j, spec_.components[top])) {
                top = i;
            }
        }
        const int e = spec_.components[top];
        sigma[j] = (r.organic_log10(j, e) - r.aqueous_log10(j, e)) * std::log(10.0) - ln_k[top];
    }
    return sigma.allFinite() ? sigma : Eigen::VectorXd();
}

Eigen::VectorXd Cascade::Impl::stretched_scale(const Eigen::VectorXd& from, int from_extraction,
                                               int from_scrub) const
{
    const int extraction = spec_.stages_extraction, scrub = spec_.stages_scrub;
    Eigen::VectorXd sigma(extraction + scrub);
    const auto stretch = [&](int first, int count, int from_first, int from_count) {
        for (int j = 0; j < count; ++j) {
            const double at = std::clamp((j + 0.5) * from_count / count - 0.5, 0.0,
                                         static_cast<double>(from_count - 1));
            const int below = std::min(static_cast<int>(at), from_count - 1);
            const int above = std::min(below + 1, from_count - 1);
            const double w = at - below;
            sigma[first + j] = (1.0 - w) * from[from_first + below] + w * from[from_first + above];
        }
    };
    stretch(0, extraction, 0, from_extraction);
    if (scrub > 0) {
        stretch(extraction, scrub, from_extraction, from_scrub);
    }
    return sigma;
}

void Cascade::Impl::set_warm_start(const CascadeResult& previous)
{
    warm_sigma_.resize(0);
    warm_factors_id_ = 0;
    if (model_.ln_relative_extractability().size() == 0) {
        return;
    }
    const auto count = [&](Section section) {
        return static_cast<int>(
            std::count(previous.sections.begin(), previous.sections.end(), section));
    };
    const int from_extraction = count(Section::extraction), from_scrub = count(Section::scrub);
    if (previous.num_stages == stages_ && from_extraction == spec_.stages_extraction &&
        from_scrub == spec_.stages_scrub) {
        warm_sigma_ = scale_of(previous, solved_stages_);
        warm_factors_id_ = warm_sigma_.size() > 0 ? previous.jacobian_factors_id : 0;
        return;
    }
    // Other stage counts (a design's trials): the previous scale stretched section by section
    // over this cascade, when both solve only their extraction and scrub stages.
    const bool scrub_matches = (from_scrub > 0) == (spec_.stages_scrub > 0);
    if (solved_stages_ != spec_.stages_extraction + spec_.stages_scrub || from_extraction == 0 ||
        !scrub_matches || !spec_.draws.empty()) {
        return;
    }
    const Eigen::VectorXd from = scale_of(previous, from_extraction + from_scrub);
    if (from.size() > 0) {
        warm_sigma_ = stretched_scale(from, from_extraction, from_scrub);
    }
}

CascadeResult Cascade::solve()
{
    impl_->warm_sigma_.resize(0);
    impl_->warm_factors_id_ = 0;
    return impl_->solve();
}
void Cascade::set_progress(std::function<void(const std::string&)> progress)
{
    impl_->progress_ = std::move(progress);
}
CascadeResult Cascade::solve(const CascadeResult& previous)
{
    impl_->set_warm_start(previous);
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
        comps += species_symbol(e);
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
