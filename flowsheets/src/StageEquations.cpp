// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The stage equations of the cascade and their analytic block-tridiagonal Jacobian.
#include "CascadeImpl.h"

namespace reesx {

using namespace cascade_detail;

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
        // e^r - 1 overflows above r = ln(DBL_MAX) = 709.78: a point where one stream is e^709
        // times the other is refused with the row named (the line search then takes a
        // shorter step; a start is reported as not valid, with this reason).
        if (residual[k] > 709.0) {
            throw std::domain_error("the linear form (inflow/outflow - 1) overflows at " +
                                    variable_name(static_cast<int>(k)) +
                                    ": ln(inflow/outflow) = " + fmt(residual[k], 4) +
                                    "; the point is too far from a steady state for it");
        }
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
void Cascade::Impl::balanced_element_rows(int j, const Eigen::VectorXd& x,
                                          solver::BlockTridiagonalMatrix& jacobian)
{
    // Each row is ln(inflow) - ln(outflow); with inflow = outflow every term's weight is the
    // term over the outflow, the same as over the inflow that evaluate_extras divides by
    // (to the rounding of the balance). Outflow: ln(Qa c + Qo q), two terms, one exp and one
    // log per element; inflows: one exp each. Whole stages on Eigen arrays (vectorized exp
    // and log; ln(1 + e) for log1p, which Eigen does not vectorize, exact to ~1e-16 in ln).
    const int stages = solved_stages_;
    const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
    const auto u = x.segment(row0, n_).array();
    // e^t in place, 0 below e^-708 (subnormal, slow in exp and in the arithmetic after), as
    // LogSum. The exp on the whole array first (Eigen vectorizes it; inside a select it
    // does not), the zeros after.
    const auto clamped_exp = [this](Eigen::ArrayXd& t) {
        weight_in_ = t.max(-708.0).exp();
        for (Eigen::Index i = 0; i < t.size(); ++i) {
            t[i] = t[i] < -708.0 ? 0.0 : weight_in_[i];
        }
    };
    weight_aqueous_ = ln_qa_out_[j] + u;                 // ln of the aqueous outflow
    weight_organic_ = ln_qo_out_[j] + ln_q_[j].array();  // ln of the organic outflow
    aqueous_larger_ = weight_aqueous_ >= weight_organic_;
    ln_out_ = weight_aqueous_.max(weight_organic_);
    scratch_ = weight_aqueous_.min(weight_organic_) - ln_out_;
    clamped_exp(scratch_);                // the smaller term over the larger, in [0, 1]
    weight_in_ = 1.0 / (1.0 + scratch_);  // the larger over the sum
    weight_aqueous_ = aqueous_larger_.select(weight_in_, scratch_ * weight_in_);
    weight_organic_ = aqueous_larger_.select(scratch_ * weight_in_, weight_in_);
    ln_out_ += (1.0 + scratch_).log();
    // Column by column (the blocks are column-major): the rows scaled by their weights.
    // The element rows are written whole here (evaluate_extras zeroes only the others).
    auto& diag = jacobian.diag[j];
    diag.topRows(n_).noalias() = -(weight_organic_.matrix().asDiagonal() * chem_[j].d_ln_org);
    diag.diagonal().head(n_) -= weight_aqueous_.matrix();
    if (j + 1 < stages && qa_down_[j + 1] > 0.0) {
        scratch_ = ln_qa_down_[j + 1] + x.segment(row0 + block_, n_).array() - ln_out_;
        clamped_exp(scratch_);
        jacobian.upper[j].diagonal().head(n_) += scratch_.matrix();
    }
    if (j > 0 && qo_up_[j - 1] > 0.0) {
        scratch_ = ln_qo_up_[j - 1] + ln_q_[j - 1].array() - ln_out_;
        clamped_exp(scratch_);
        jacobian.lower[j].topRows(n_).noalias() =
            scratch_.matrix().asDiagonal() * chem_[j - 1].d_ln_org;
    } else if (j > 0) {
        jacobian.lower[j].topRows(n_).setZero();
    }
}
void Cascade::Impl::evaluate_extras(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                                    solver::BlockTridiagonalMatrix* jacobian, bool balanced,
                                    bool chemistry_at_x)
{
    const int stages = solved_stages_;
    for (int j = 0; j < stages && !chemistry_at_x; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        model_.stage_chemistry(conditions_[j], x.segment(row0, n_), x.segment(row0 + n_, m_),
                               chem_[j]);
        ln_q_[j] = chem_[j].ln_org;
    }
    residual.resize(static_cast<Eigen::Index>(stages) * block_);
    if (jacobian && balanced) {
        // balanced_element_rows writes the element rows of diag and lower whole.
        for (int j = 0; j < stages; ++j) {
            jacobian->diag[j].bottomRows(m_).setZero();
            if (j > 0) {
                jacobian->lower[j].bottomRows(m_).setZero();
            }
            if (j + 1 < stages) {
                jacobian->upper[j].setZero();
            }
        }
    } else if (jacobian) {
        jacobian->set_zero();
    }
    std::array<double, 4> w{};
    for (int j = 0; j < stages; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        const bool from_above = j + 1 < stages && qa_down_[j + 1] > 0.0;
        const bool from_below = j > 0 && qo_up_[j - 1] > 0.0;
        // Element balances, as in evaluate(), with ln q depending on (u, w) of the stage.
        if (balanced) {
            residual.segment(row0, n_).setZero();
            if (jacobian) {
                balanced_element_rows(j, x, *jacobian);
            }
        }
        for (int i = 0; i < n_ && !balanced; ++i) {
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

}  // namespace reesx
