// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The slowest time constant of the dynamic cascade, from its linearization at a state
// (docs/dynamics.md, "Slowest time constant").
#include <Eigen/Eigenvalues>
#include <Eigen/Sparse>
#include <cmath>
#include <complex>
#include <limits>

#include "DynamicCascade.h"

namespace reesx {
namespace {

//! The eigenvalue of smallest magnitude of a sparse A by shift-invert Arnoldi at 0 (Saad,
//! "Numerical Methods for Large Eigenvalue Problems", 2nd ed., §4.1 and §8.1): the Krylov
//! space of A⁻¹ from a fixed start, fully reorthogonalized (twice), its Ritz value θ of
//! largest magnitude gives λ = 1 / θ. Zero when A is singular to its LU.
std::complex<double> smallest_eigenvalue(const Eigen::SparseMatrix<double>& a)
{
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    lu.compute(a);
    if (lu.info() != Eigen::Success) {
        return 0.0;
    }
    const Eigen::Index n = a.rows();
    const Eigen::Index m = std::min<Eigen::Index>(n, 60);
    Eigen::MatrixXd v = Eigen::MatrixXd::Zero(n, m + 1), h = Eigen::MatrixXd::Zero(m + 1, m);
    // A start with every component (a mode orthogonal to it would be missed).
    for (Eigen::Index i = 0; i < n; ++i) {
        v(i, 0) = 1.0 + 0.5 * std::sin(1.0 + static_cast<double>(i));
    }
    v.col(0).normalize();
    Eigen::Index size = m;
    for (Eigen::Index k = 0; k < m; ++k) {
        Eigen::VectorXd w = lu.solve(v.col(k));
        if (lu.info() != Eigen::Success || !w.allFinite()) {
            return 0.0;
        }
        for (int pass = 0; pass < 2; ++pass) {
            const Eigen::VectorXd c = v.leftCols(k + 1).transpose() * w;
            w -= v.leftCols(k + 1) * c;
            h.col(k).head(k + 1) += c;
        }
        h(k + 1, k) = w.norm();
        if (h(k + 1, k) <= 1e-14 * h.col(k).head(k + 1).norm()) {
            size = k + 1;  // an invariant subspace: its Ritz values are exact
            break;
        }
        v.col(k + 1) = w / h(k + 1, k);
    }
    const Eigen::EigenSolver<Eigen::MatrixXd> ritz(h.topLeftCorner(size, size), false);
    std::complex<double> largest = 0.0;
    for (Eigen::Index i = 0; i < size; ++i) {
        if (std::abs(ritz.eigenvalues()[i]) > std::abs(largest)) {
            largest = ritz.eigenvalues()[i];
        }
    }
    return largest == 0.0 ? std::complex<double>(0.0) : 1.0 / largest;
}

}  // namespace

double DynamicCascade::slowest_time_constant_h(const Eigen::VectorXd& y) const
{
    constexpr double not_computed = std::numeric_limits<double>::quiet_NaN();
    if (m_ > 0 || murphree_) {
        return not_computed;
    }
    for (int j = 0; j < stages_; ++j) {
        if (!(q_aq_[j] > 0.0 && q_org_[j] > 0.0)) {
            return not_computed;  // a phase without flow has no volume, its cells no dynamics
        }
    }
    // Unknowns per stage: holdups N (n), aqueous settler cells, organic settler cells (cells
    // × n each); the mixer's c and q follow from N: dc/dN = (V_a I + V_o dq/dc)⁻¹, dq/dN =
    // dq/dc dc/dN. The amounts left only integrate outflows and are left out.
    const int per_stage = n_ * (1 + 2 * cells_);
    const auto holdup = [&](int j, int k) { return j * per_stage + k; };
    const auto aq_cell = [&](int j, int cell, int k) {
        return j * per_stage + (1 + cell) * n_ + k;
    };
    const auto org_cell = [&](int j, int cell, int k) {
        return j * per_stage + (1 + cells_ + cell) * n_ + k;
    };
    std::vector<Eigen::MatrixXd> dc_dn(stages_), dq_dn(stages_);
    Eigen::MatrixXd dq_dc(n_, n_);
    Eigen::VectorXd diagonal(n_), left(n_), right(n_);
    for (int j = 0; j < stages_; ++j) {
        const double* c = y.data() + c_index(j, 0);
        if (relative_k_.size() > 0) {
            separation_factor_jacobian(j, c, diagonal, left, right);
            dq_dc = left * right.transpose();
            dq_dc.diagonal() += diagonal;
        } else {
            equilibrium_jacobian(j, c, dq_dc);
        }
        Eigen::MatrixXd holdup_per_c = mixer_org_L_[j] * dq_dc;
        holdup_per_c.diagonal().array() += mixer_aq_L_[j];
        dc_dn[j] = holdup_per_c.partialPivLu().inverse();
        dq_dn[j] = dq_dc * dc_dn[j];
    }
    std::vector<Eigen::Triplet<double>> entries;
    const auto add_block = [&](int row, int col, const Eigen::MatrixXd& block, double scale) {
        for (int k = 0; k < n_; ++k) {
            for (int l = 0; l < n_; ++l) {
                if (block(k, l) != 0.0) {
                    entries.emplace_back(row + k, col + l, scale * block(k, l));
                }
            }
        }
    };
    const auto add_diagonal = [&](int row, int col, double value) {
        for (int k = 0; k < n_; ++k) {
            entries.emplace_back(row + k, col + k, value);
        }
    };
    for (int j = 0; j < stages_; ++j) {
        // dN/dt = inflows − Q_a c − Q_o q (residual): the mixer's own outflows ...
        add_block(holdup(j, 0), holdup(j, 0), q_aq_[j] * dc_dn[j] + q_org_[j] * dq_dn[j], -1.0);
        // ... and what enters from the neighbours' settlers (or mixers, without cells).
        if (j + 1 < stages_ && aq_down(j + 1) > 0.0) {
            if (cells_ > 0) {
                add_diagonal(holdup(j, 0), aq_cell(j + 1, cells_ - 1, 0), aq_down(j + 1));
            } else {
                add_block(holdup(j, 0), holdup(j + 1, 0), dc_dn[j + 1], aq_down(j + 1));
            }
        }
        if (j > 0 && org_up(j - 1) > 0.0) {
            if (cells_ > 0) {
                add_diagonal(holdup(j, 0), org_cell(j - 1, cells_ - 1, 0), org_up(j - 1));
            } else {
                add_block(holdup(j, 0), holdup(j - 1, 0), dq_dn[j - 1], org_up(j - 1));
            }
        }
        // Settler cells: V dc_k/dt = Q (c_(k−1) − c_k), the first fed by the mixer.
        for (int cell = 0; cell < cells_; ++cell) {
            const double aq_rate = q_aq_[j] / settler_aq_L_[j];
            const double org_rate = q_org_[j] / settler_org_L_[j];
            if (cell == 0) {
                add_block(aq_cell(j, 0, 0), holdup(j, 0), dc_dn[j], aq_rate);
                add_block(org_cell(j, 0, 0), holdup(j, 0), dq_dn[j], org_rate);
            } else {
                add_diagonal(aq_cell(j, cell, 0), aq_cell(j, cell - 1, 0), aq_rate);
                add_diagonal(org_cell(j, cell, 0), org_cell(j, cell - 1, 0), org_rate);
            }
            add_diagonal(aq_cell(j, cell, 0), aq_cell(j, cell, 0), -aq_rate);
            add_diagonal(org_cell(j, cell, 0), org_cell(j, cell, 0), -org_rate);
        }
    }
    Eigen::SparseMatrix<double> jacobian(stages_ * per_stage, stages_ * per_stage);
    jacobian.setFromTriplets(entries.begin(), entries.end());
    const std::complex<double> lambda = smallest_eigenvalue(jacobian);
    return lambda.real() == 0.0 ? std::numeric_limits<double>::infinity() : -1.0 / lambda.real();
}

}  // namespace reesx
