// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Starting points: the log-space Thomas solve of the element profiles at fixed distribution
// ratios, substitution sweeps, and the separation-factor start of the acidity models.
#include "CascadeImpl.h"
#include "LinearSpaceProfiles.h"

namespace reesx {

using namespace cascade_detail;

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
        // The theory knows the rare earths only: impurity ions are left out of it and start
        // in the aqueous (their profiles follow in the passes below).
        sf_spec.components.clear();
        for (const int e : spec_.components) {
            if (is_rare_earth(e)) {
                sf_spec.components.push_back(e);
            }
        }
        for (auto& f : sf_spec.feeds) {
            f.impurity_mol_per_L.fill(0.0);
        }
        sf_spec.model =
            make_equilibrium_model(InputNode::load_string("separation-factor", spec_.source_file),
                                   sf_spec.components, spec_.system, *spec_.root);
        sf_spec.organic.recycle = false;
        sf_spec.solver.tolerance = 1e-9;
        sf_spec.solver.method = "newton";
        if (sf_spec.strip) {
            // Complete stripping is all the start needs; enough acid for it.
            sf_spec.strip->acid_mol_per_L =
                std::max(sf_spec.strip->acid_mol_per_L,
                         4.0 * spec_.feed_re_mol_per_h() / sf_spec.strip->flow_L_per_h);
        }
        Impl cascade(sf_spec);  // a start: its balances need no certificate
        sf = cascade.solve_with_loop();
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
            if (!is_rare_earth(e)) {
                // An impurity ion: its feed diluted in the aqueous, next to nothing organic.
                const double u = safe_log(feed_mol_per_h_.row(i).sum() / qa_out_[j]);
                x[static_cast<Eigen::Index>(j) * block_ + i] = u;
                ln_org(i, j) = u - 30.0;
                continue;
            }
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
namespace {

//! The recursion's per-element arrays of solve_linear_profiles, kept between calls on a
//! thread (allocated anew for each of a solve's hundreds of evaluations otherwise).
struct ProfileScratch {
    Eigen::ArrayXXd ln_alpha, ln_beta;
    Eigen::ArrayXd prev_ln_beta, ln_a, ln_h, ln_p, t, low, pivot_exp;
    Eigen::Array<bool, Eigen::Dynamic, 1> h_on_top;
    void resize(int n, int stages)
    {
        // Only grown, and from 4,096 stages on (1.1 MB for 17 elements): a long cascade's
        // start solves a sequence of shorter ones, and large blocks freed and taken anew shift
        // glibc's mmap and trim thresholds; the band LU's later allocations then page-faulted
        // (17 x 1,000: 40 % of the time in memset and the kernel).
        if (ln_alpha.rows() != n || ln_alpha.cols() < stages) {
            const int capacity = std::max(stages, 4096);
            ln_alpha.resize(n, capacity);
            ln_beta.resize(n, capacity);
        }
        for (Eigen::ArrayXd* a : {&prev_ln_beta, &ln_a, &ln_h, &ln_p, &t, &low, &pivot_exp}) {
            a->resize(n);
        }
        h_on_top.resize(n);
    }
};

//! log_add element-wise (the same rules for -inf and below e^-708): out = ln(e^a + e^b).
//! log(1 + e^d) in place of log1p (not vectorized for double): its absolute error, ~1e-16,
//! is below the rounding of the sum it is added to for |max| >= 1. Arguments of exp are
//! clamped at -708 where the result is not used: a subnormal result costs a slow path.
template <typename A, typename B>
void log_add_into(const A& a, const B& b, Eigen::ArrayXd& out, Eigen::ArrayXd& low)
{
    low = a.min(b);
    out = a.max(b);
    low -= out;
    out = (low >= -708.0 || out.abs() < 1e-280)
              .select(out + (low.max(-708.0).exp() + 1.0).log(), out);
}

}  // namespace

void Cascade::Impl::solve_linear_profiles(const Eigen::MatrixXd& ln_d, Eigen::VectorXd& x,
                                          const Holdup* holdup) const
{
    // Balance of one element: a_j c_{j-1} - g_j c_j + e_j c_{j+1} = -F_j with
    // a_j = Qo_up(j-1) d(j-1), g_j = Qa_out(j) + Qo_out(j) d(j), e_j = Qa_down(j+1).
    // Eliminating upward gives c_j = alpha_j c_{j+1} + beta_j. The pivots
    // p_j = g_j - a_j alpha_{j-1} are formed as p_j = h_j + Qo_out(j) d(j), with h_j from a
    // recurrence of non-negative terms (the textbook form cancels catastrophically when
    // Qa >> Qo d), and everything that can over- or underflow (d spans e^±700 in long
    // cascades) is carried as a logarithm.
    // All elements at once, stage by stage (the elements' recursions are independent). The
    // exp and log inside Eigen's select are glibc's scalar calls (select is not vectorized);
    // Eigen's SSE2 packets in their place made the portable build's 17 x 100 solve slower.
    // The models with extra species re-solve these profiles at every evaluation of their
    // Newton: for them the recursion runs in scaled concentrations where its range allows
    // (LinearSpaceProfiles.cpp: the same numbers to rounding, about a third of the exp and
    // log). The separation-factor model's Newton has its own linear-space form; its starts
    // and fallbacks keep this one, as their paths on the hardest random cases turn on the
    // rounding (docs/performance.md).
    if (m_ > 0 && !holdup && profiles_in_linear_space(*this, ln_d, x)) {
        return;
    }
    const int stages = solved_stages_;
    static thread_local ProfileScratch s;
    s.resize(n_, stages);
    s.prev_ln_beta.setConstant(neg_inf);
    for (int j = 0; j < stages; ++j) {
        const auto ln_d_j = ln_d.col(j).array();
        if (j > 0) {
            const auto ln_d_prev = ln_d.col(j - 1).array();
            s.ln_a = ln_d_prev + ln_qo_up_[j - 1];
            // The share of stage j-1's outflow that comes down again, (h + Qo_drawn d) / p with
            // p = h + Qo_out d, from that pivot's own e = exp(min - max) of its two terms: no
            // exp of its own (and no log-sum-exp at a stage with a side draw).
            const double drawn_share =
                qo_out_[j - 1] > 0.0 ? (qo_out_[j - 1] - qo_up_[j - 1]) / qo_out_[j - 1] : 0.0;
            for (int i = 0; i < n_; ++i) {
                const double e = s.pivot_exp[i];
                const double ratio = s.h_on_top[i] ? (1.0 + drawn_share * e) / (1.0 + e)
                                                   : (e + drawn_share) / (e + 1.0);
                s.t[i] = ratio * qa_down_[j] + (qa_out_[j] - qa_down_[j]);
            }
            s.ln_h = (s.t > 0.0).select(s.t.log(), neg_inf);
        } else {
            s.ln_a.setConstant(neg_inf);
            s.ln_h.setConstant(safe_log(qa_out_[j]));
        }
        if (holdup) {
            // The holdups' (V_a + V_o d) / dt join the diagonal like an outflow.
            log_add_into(Eigen::ArrayXd::Constant(n_, holdup->ln_aqueous_L[j]),
                         ln_d_j + holdup->ln_organic_L[j], s.t, s.low);
            s.t += holdup->ln_inverse_step;
            log_add_into(s.ln_h, s.t, s.ln_p, s.low);
            s.ln_h = s.ln_p;
        }
        // The pivot p = log_add(ln h, ln d + ln Qo_out), as log_add_into, keeping its e.
        for (int i = 0; i < n_; ++i) {
            const double a = s.ln_h[i], b = ln_d_j[i] + ln_qo_out_[j];
            const double top = std::max(a, b), low = std::min(a, b) - top;
            double e = 0.0;
            s.ln_p[i] = top;
            if (low >= -708.0 || std::abs(top) < 1e-280) {
                e = std::exp(std::max(low, -708.0));
                s.ln_p[i] += std::log(e + 1.0);
            }
            s.pivot_exp[i] = low >= -708.0 ? e : 0.0;
            s.h_on_top[i] = !(a < b);
        }
        s.ln_alpha.col(j) = (j + 1 < stages ? ln_qa_down_[j + 1] : neg_inf) - s.ln_p;
        s.t = s.ln_a + s.prev_ln_beta;
        if (holdup) {
            log_add_into(holdup->ln_source.col(j).array(), s.t, s.prev_ln_beta, s.low);
        } else {
            log_add_into(ln_feed_.col(j).array(), s.t, s.prev_ln_beta, s.low);
        }
        s.prev_ln_beta -= s.ln_p;
        s.ln_beta.col(j) = s.prev_ln_beta;
    }
    s.t = s.ln_beta.col(stages - 1);
    bool finite = s.t.allFinite();
    x.segment(static_cast<Eigen::Index>(stages - 1) * block_, n_) = s.t.matrix();
    for (int j = stages - 2; j >= 0; --j) {
        log_add_into(s.ln_alpha.col(j) + s.t, s.ln_beta.col(j), s.ln_p, s.low);
        s.t = s.ln_p;
        finite = finite && s.t.allFinite();
        x.segment(static_cast<Eigen::Index>(j) * block_, n_) = s.t.matrix();
    }
    if (finite) {
        return;
    }
    for (int i = 0; i < n_; ++i) {
        for (int j = 0; j < stages; ++j) {
            if (!std::isfinite(x[static_cast<Eigen::Index>(j) * block_ + i])) {
                throw ConvergenceError(
                    "linear profile solve: " + species_symbol(spec_.components[i]) +
                    " cannot reach stage " + std::to_string(j + 1));
            }
        }
    }
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

}  // namespace reesx
