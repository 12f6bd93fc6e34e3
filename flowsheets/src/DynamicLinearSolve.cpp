// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The dynamic cascade's solves with IDA's iteration matrix J = dF/dy + c_j dF/dy', reduced
// to a block-tridiagonal system in the mixer concentrations (docs/dynamics.md, "Linear
// solves").
#include <algorithm>
#include <cmath>

#include "DynamicCascade.h"

namespace reesx {

void DynamicCascade::separation_factor_jacobian(int j, const double* c,
                                                Eigen::Ref<Eigen::VectorXd> diagonal,
                                                Eigen::Ref<Eigen::VectorXd> left,
                                                Eigen::Ref<Eigen::VectorXd> right) const
{
    const double y_re = conditions_[j].organic_re_mol_per_L;
    const double d = saturated_scale(j, c);
    const double d_squared_over_y = y_re > 0.0 ? d * d / y_re : 0.0;
    for (int k = 0; k < n_; ++k) {
        diagonal[k] = d * relative_k_[k];
        left[k] = -relative_k_[k] * c[k];
        right[k] = std::copysign(relative_k_[k], c[k]) * d_squared_over_y;
    }
}

double DynamicCascade::rank_one_change(int j, const Eigen::VectorXd& diagonal,
                                       const Eigen::VectorXd& left,
                                       const Eigen::VectorXd& right) const
{
    const double r_norm = dq_dc_right_.col(j).lpNorm<1>();
    const double dr_norm = (right - dq_dc_right_.col(j)).lpNorm<1>();
    double worst = 0.0;
    for (int k = 0; k < n_; ++k) {
        const double old_l = dq_dc_left_(k, j);
        const double change = std::abs(diagonal[k] - dq_dc_diagonal_(k, j)) +
                              std::abs(left[k] - old_l) * r_norm + std::abs(old_l) * dr_norm;
        const double size = std::abs(dq_dc_diagonal_(k, j)) + std::abs(old_l) * r_norm;
        worst = std::max(worst, change / std::max(size, 1e-300));
    }
    return worst;
}

void DynamicCascade::update_rank_one_matrix(const double* y, double c_j)
{
    constexpr double kRefactorTolerance = 3e-2;
    int first = factored_ && c_j == c_j_ ? stages_ : 0;
    Eigen::VectorXd diagonal(n_), left(n_), right(n_);
    for (int j = 0; j < stages_; ++j) {
        separation_factor_jacobian(j, y + c_index(j, 0), diagonal, left, right);
        if (first == stages_ && rank_one_change(j, diagonal, left, right) <= kRefactorTolerance) {
            continue;
        }
        first = std::min(first, j);
        dq_dc_diagonal_.col(j) = diagonal;
        dq_dc_left_.col(j) = left;
        dq_dc_right_.col(j) = right;
    }
    if (first < stages_) {
        build_matrix(c_j, first);
    }
}

void DynamicCascade::organic_jacobian(int j, const double* c, Eigen::MatrixXd& dq_dc)
{
    if (relative_k_.size() > 0) {
        separation_factor_jacobian(j, c, dq_dc_diagonal_.col(j), dq_dc_left_.col(j),
                                   dq_dc_right_.col(j));
        dq_dc.noalias() = dq_dc_left_.col(j) * dq_dc_right_.col(j).transpose();
        dq_dc.diagonal() += dq_dc_diagonal_.col(j);
        return;
    }
    equilibrium_jacobian(j, c, dq_dc);
}

void DynamicCascade::equilibrium_jacobian(int j, const double* c, Eigen::MatrixXd& dq_dc) const
{
    const Eigen::VectorXd ln_c = ln_magnitudes(c);
    Eigen::VectorXd ln_q(n_);
    model_.equilibrium(conditions_[j], ln_c, ln_q, dq_dc);
    // q_k / c_m = D_k c_k / c_m with D_k = q_k / |c_k| (and c_m at least 1e-300).
    Eigen::VectorXd d(n_), c_clamped(n_);
    for (int k = 0; k < n_; ++k) {
        d[k] = std::exp(ln_q[k] - ln_c[k]);
        c_clamped[k] = std::copysign(std::exp(ln_c[k]), c[k]);
    }
    for (int m = 0; m < n_; ++m) {
        for (int k = 0; k < n_; ++k) {
            dq_dc(k, m) *= k == m ? d[k] : d[k] * c[k] / c_clamped[m];
        }
    }
}

void DynamicCascade::setup_linear_solver(double t, const double* y, const double*, double c_j)
{
    factored_ = false;
    refresh_matrix(t, y, c_j);
}

void DynamicCascade::refresh_matrix(double t, const double* y, double c_j)
{
    setup_t_ = t;
    if (m_ > 0) {
        for (int j = 0; j < stages_; ++j) {
            content_jacobians(j, y);
        }
        build_extras_matrix(c_j);
        return;
    }
    if (rank_one_dq_dc()) {
        update_rank_one_matrix(y, c_j);
        return;
    }
    for (int j = 0; j < stages_; ++j) {
        organic_jacobian(j, y + c_index(j, 0), dq_dc_[j]);
        if (murphree_) {
            murphree_target(j, y, nullptr, &entering_[j]);
        }
    }
    build_matrix(c_j);
}

void DynamicCascade::set_settler_gains(double c_j)
{
    c_j_ = c_j;
    const auto gain = [&](double flow, double volume) {
        if (!(flow > 0.0)) {
            return 0.0;
        }
        const double per_cell = flow / (c_j * volume + flow);
        double g = 1.0;  // per_cell^cells (a few cells: no call to pow)
        for (int cell = 0; cell < cells_; ++cell) {
            g *= per_cell;
        }
        return g;
    };
    for (int j = 0; j < stages_; ++j) {
        aq_gain_[j] = gain(q_aq_[j], settler_aq_L_[j]);
        org_gain_[j] = gain(q_org_[j], settler_org_L_[j]);
    }
}

void DynamicCascade::reduced_rhs(int j, const double* r, int count, double* out,
                                 const double* gain) const
{
    // Locals: a store through `out` could alias the flows as far as the compiler knows.
    const double c_j = c_j_;
    const double from_above = j + 1 < stages_ ? aq_down(j + 1) : 0.0;
    const double from_below = j > 0 ? org_up(j - 1) : 0.0;
    const double* above = aq_offset_.col(std::min(j + 1, stages_ - 1)).data();
    const double* below = org_offset_.col(std::max(j - 1, 0)).data();
    const double* __restrict r_holdup = r + n_index(j, 0);
    const double* __restrict r_definition = r + definition_row(j, 0);
    for (int i = 0; i < count; ++i) {
        const double definition = gain ? gain[i] * r_definition[i] : r_definition[i];
        out[i] = r_holdup[i] - c_j * definition + from_above * above[i] + from_below * below[i];
    }
}

void DynamicCascade::build_matrix(double c_j, int first)
{
    set_settler_gains(c_j);
    for (int j = first; j < stages_; ++j) {
        if (j + 1 < stages_) {
            matrix_.upper[j].setZero();
            matrix_.upper[j].head(n_).setConstant(-aq_down(j + 1) * aq_gain_[j + 1]);
        }
        if (rank_one_dq_dc()) {
            const double org_scale = c_j * mixer_org_L_[j] + q_org_[j];
            diagonal_scratch_ =
                org_scale * dq_dc_diagonal_.col(j).array() + (c_j * mixer_aq_L_[j] + q_aq_[j]);
            left_scratch_ = org_scale * dq_dc_left_.col(j);
            matrix_.set_diagonal_plus_rank_one(j, diagonal_scratch_, left_scratch_,
                                               dq_dc_right_.col(j));
            if (j > 0) {
                const double scale = -org_up(j - 1) * org_gain_[j - 1];
                matrix_.set_lower_diagonal_plus_rank_one(j, scale * dq_dc_diagonal_.col(j - 1),
                                                         scale * dq_dc_left_.col(j - 1),
                                                         dq_dc_right_.col(j - 1));
            }
            continue;
        }
        auto d = matrix_.diag(j);
        if (!murphree_) {
            d = (c_j * mixer_org_L_[j] + q_org_[j]) * dq_dc_[j];
            d.diagonal().array() += c_j * mixer_aq_L_[j] + q_aq_[j];
            if (j > 0) {
                matrix_.lower(j) = -org_up(j - 1) * org_gain_[j - 1] * dq_dc_[j - 1];
            }
            continue;
        }
        // Unknowns [c; m] (m: the mixer's organic). Holdup rows: (c_j V_a + Q_a) δc +
        // (c_j V_o + Q_o) δm; Murphree rows: δm - E ∂q*/∂c δc - (what enters) δm_(j-1).
        d.setZero();
        d.topLeftCorner(n_, n_).diagonal().setConstant(c_j * mixer_aq_L_[j] + q_aq_[j]);
        d.topRightCorner(n_, n_).diagonal().setConstant(c_j * mixer_org_L_[j] + q_org_[j]);
        d.bottomLeftCorner(n_, n_) = -efficiency_[j] * dq_dc_[j];
        d.bottomRightCorner(n_, n_).setIdentity();
        if (j > 0) {
            auto l = matrix_.lower(j);
            l.setZero();
            l.topRightCorner(n_, n_).diagonal().setConstant(-org_up(j - 1) * org_gain_[j - 1]);
            l.bottomRightCorner(n_, n_) = -org_gain_[j - 1] * entering_[j];
        }
    }
    factored_ = false;
    if (!matrix_.factorize_from(first)) {
        throw solver::SolverError("singular stage block in the dynamic iteration matrix", true);
    }
    factored_ = true;
}

void DynamicCascade::solve_linear(double t, const double* y, double c_j, const double* r, double* z)
{
    // dq/dc moves fast enough during a start-up that a matrix kept over several steps
    // costs more steps than refactoring does (17 x 20 start-up: 6,600 steps against
    // 5,100), so it is refreshed at every step's first Newton iterate (IDA's t changes)
    // and whenever c_j changes; within a step that matrix converges as well as the exact
    // one (2,499 steps against 2,504) at a third less time.
    if (c_j != c_j_ || t != setup_t_) {
        refresh_matrix(t, y, c_j);
    }
    if (m_ > 0) {
        solve_extras(r, z);
        return;
    }
    for (int j = 0; j < stages_; ++j) {
        settler_offsets(j, r);
    }
    const int b = matrix_.block_size();
    for (int j = 0; j < stages_; ++j) {
        reduced_rhs(j, r, n_, work_.data() + j * b);
        if (murphree_) {
            auto bottom = work_.segment(j * b + n_, n_);
            bottom = Eigen::Map<const Eigen::VectorXd>(r + m_index(j, 0), n_);
            if (j > 0) {
                bottom.noalias() += entering_[j] * org_offset_.col(j - 1);
            }
        }
    }
    matrix_.solve(work_);
    // Back-substitution: holdups, settler cells, amounts left.
    Eigen::VectorXd dq(n_);
    for (int j = 0; j < stages_; ++j) {
        const auto dc = work_.segment(j * b, n_);
        if (murphree_) {
            dq = work_.segment(j * b + n_, n_);
            Eigen::Map<Eigen::VectorXd>(z + m_index(j, 0), n_) = dq;
        } else if (rank_one_dq_dc()) {
            dq = dq_dc_diagonal_.col(j).cwiseProduct(dc) +
                 dq_dc_left_.col(j) * dq_dc_right_.col(j).dot(dc);
        } else {
            dq.noalias() = dq_dc_[j] * dc;
        }
        for (int k = 0; k < n_; ++k) {
            z[c_index(j, k)] = dc[k];
        }
        back_substitute(j, r, dc, dq, z);
    }
}

//! What the settler residuals alone move the concentration leaving stage j's last
//! aqueous and organic cells by (the δ at zero mixer change), into aq_offset_/org_offset_.
void DynamicCascade::settler_offsets(int j, const double* r)
{
    const double q_aq = q_aq_[j], q_org = q_org_[j];
    const double per_aq = 1.0 / (c_j_ * settler_aq_L_[j] + q_aq);
    const double per_org = 1.0 / (c_j_ * settler_org_L_[j] + q_org);
    double* __restrict aq = aq_offset_.col(j).data();
    double* __restrict org = org_offset_.col(j).data();
    for (int i = 0; i < t_; ++i) {
        aq[i] = 0.0;
        org[i] = 0.0;
    }
    for (int cell = 0; cell < cells_; ++cell) {
        const double* __restrict r_aq = r + cs_index(j, cell, 0);
        const double* __restrict r_org = r + qs_index(j, cell, 0);
        for (int i = 0; i < t_; ++i) {
            aq[i] = (r_aq[i] + q_aq * aq[i]) * per_aq;
            org[i] = (r_org[i] + q_org * org[i]) * per_org;
        }
    }
}

void DynamicCascade::content_jacobians(int j, const double* y)
{
    Eigen::VectorXd q(n_);
    mixer_chemistry(j, y + c_index(j, 0), y + x_index(j, 0), chem_, q);
    Eigen::VectorXd per_c(n_ + m_);
    per_c.setOnes();
    for (int m = 0; m < n_; ++m) {
        const double c = y[c_index(j, m)];
        per_c[m] = 1.0 / std::copysign(std::max(std::abs(c), 1e-300), c);
    }
    Eigen::MatrixXd& a = aq_content_jac_[j];
    Eigen::MatrixXd& o = org_content_jac_[j];
    a.setZero();
    for (int k = 0; k < n_; ++k) {
        a(k, k) = 1.0;
        o.row(k) = q[k] * chem_.d_ln_org.row(k);
    }
    a.bottomRows(k_) = chem_.d_aqueous;
    o.bottomRows(k_) = chem_.d_organic;
    local_jac_[j] = chem_.d_local;
    for (int m = 0; m < n_; ++m) {
        o.col(m) *= per_c[m];
        a.col(m).tail(k_) *= per_c[m];
        local_jac_[j].col(m) *= per_c[m];
    }
    // A log-defined holdup row, ln N⁺(N) − ln S(u) with S = V_a A + V_o O, linearizes to
    // δN = g r + (g / S) dS/du δu with g = N⁺ / N⁺' (soft_positive).
    for (const int i : log_rows_) {
        const double held =
            mixer_aq_L_[j] * chem_.aqueous[i - n_] + mixer_org_L_[j] * chem_.organic[i - n_];
        definition_gain_(i, j) = soft_positive(y[n_index(j, i)], holdup_floor_mol_[j]).gain;
        holdup_scale_(i, j) = definition_gain_(i, j) / held;
    }
}

DynamicCascade::SoftHoldup DynamicCascade::soft_positive(double n, double floor)
{
    if (n >= floor) {
        return {n, n};
    }
    const double gap = 2.0 * floor - n;  // N⁺' = ε² / gap²
    return {floor * floor / gap, gap};
}

void DynamicCascade::build_extras_matrix(double c_j)
{
    set_settler_gains(c_j);
    for (int j = 0; j < stages_; ++j) {
        Eigen::MatrixXd& d = extras_matrix_.diag[j];
        // Holdup rows: c_j (scaled for log-defined quantities) d(V_a A + V_o O)/du plus
        // what the mixer's outflows carry.
        d.topRows(t_) =
            (c_j * holdup_scale_.col(j)).asDiagonal() *
                (mixer_aq_L_[j] * aq_content_jac_[j] + mixer_org_L_[j] * org_content_jac_[j]) +
            q_aq_[j] * aq_content_jac_[j] + q_org_[j] * org_content_jac_[j];
        d.bottomRows(m_ - k_) = local_jac_[j];
        if (j + 1 < stages_) {
            extras_matrix_.upper[j].setZero();
            extras_matrix_.upper[j].topRows(t_) =
                -aq_down(j + 1) * aq_gain_[j + 1] * aq_content_jac_[j + 1];
        }
        if (j > 0) {
            extras_matrix_.lower[j].setZero();
            extras_matrix_.lower[j].topRows(t_) =
                -org_up(j - 1) * org_gain_[j - 1] * org_content_jac_[j - 1];
        }
    }
    work_.setZero();  // factorize_and_solve factorizes while it solves
    if (!extras_matrix_.factorize_and_solve(work_)) {
        throw solver::SolverError("singular stage block in the dynamic iteration matrix", true);
    }
}

void DynamicCascade::solve_extras(const double* r, double* z)
{
    for (int j = 0; j < stages_; ++j) {
        settler_offsets(j, r);
    }
    const int b = n_ + m_;
    for (int j = 0; j < stages_; ++j) {
        reduced_rhs(j, r, t_, work_.data() + j * b, definition_gain_.col(j).data());
        for (int l = 0; l < m_ - k_; ++l) {
            work_[j * b + t_ + l] = r[x_index(j, k_ + l)];
        }
    }
    extras_matrix_.solve_factored(work_);
    Eigen::VectorXd d_aq(t_), d_org(t_);
    for (int j = 0; j < stages_; ++j) {
        const auto du = work_.segment(j * b, b);
        for (int k = 0; k < n_; ++k) {
            z[c_index(j, k)] = du[k];
        }
        for (int e = 0; e < m_; ++e) {
            z[x_index(j, e)] = du[n_ + e];
        }
        d_aq.noalias() = aq_content_jac_[j] * du;
        d_org.noalias() = org_content_jac_[j] * du;
        back_substitute(j, r, d_aq, d_org, z, definition_gain_.col(j).data(),
                        holdup_scale_.col(j).data());
    }
}

void DynamicCascade::back_substitute(int j, const double* r,
                                     const Eigen::Ref<const Eigen::VectorXd>& d_aq,
                                     const Eigen::Ref<const Eigen::VectorXd>& d_org, double* z,
                                     const double* gain, const double* scale) const
{
    // Locals: a store through z could alias the flows as far as the compiler knows.
    const double q_aq = q_aq_[j], q_org = q_org_[j];
    const double v_aq = mixer_aq_L_[j], v_org = mixer_org_L_[j], per_c_j = 1.0 / c_j_;
    const double per_aq = 1.0 / (c_j_ * settler_aq_L_[j] + q_aq);
    const double per_org = 1.0 / (c_j_ * settler_org_L_[j] + q_org);
    const double aq_leaving = q_aq - aq_down(j), org_leaving = q_org - org_up(j);
    const int count = static_cast<int>(d_aq.size());
    const double* __restrict d_aq_data = d_aq.data();
    const double* __restrict d_org_data = d_org.data();
    const double* __restrict r_definition = r + definition_row(j, 0);
    double* __restrict z_holdup = z + n_index(j, 0);
    for (int i = 0; i < count; ++i) {
        const double held = v_aq * d_aq_data[i] + v_org * d_org_data[i];
        z_holdup[i] = gain ? gain[i] * r_definition[i] + scale[i] * held : r_definition[i] + held;
    }
    // Cell by cell down each settler, from the change leaving the mixer.
    const double* aq = d_aq_data;
    const double* org = d_org_data;
    for (int cell = 0; cell < cells_; ++cell) {
        const double* __restrict r_aq = r + cs_index(j, cell, 0);
        const double* __restrict r_org = r + qs_index(j, cell, 0);
        double* __restrict z_aq = z + cs_index(j, cell, 0);
        double* __restrict z_org = z + qs_index(j, cell, 0);
        for (int i = 0; i < count; ++i) {
            z_aq[i] = (r_aq[i] + q_aq * aq[i]) * per_aq;
            z_org[i] = (r_org[i] + q_org * org[i]) * per_org;
        }
        aq = z_aq;
        org = z_org;
    }
    const double* __restrict r_left = r + out_index(j, 0);
    double* __restrict z_left = z + out_index(j, 0);
    for (int i = 0; i < count; ++i) {
        z_left[i] = (r_left[i] + aq_leaving * aq[i] + org_leaving * org[i]) * per_c_j;
    }
}

}  // namespace reesx
