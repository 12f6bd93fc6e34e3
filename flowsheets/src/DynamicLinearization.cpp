// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The slowest time constant of the dynamic cascade, from its linearization at a state
// (docs/dynamics.md, "Slowest time constant").
#include <Eigen/Eigenvalues>
#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "DynamicCascade.h"

namespace reesx {
namespace {

//! The eigenvalue of smallest magnitude of a block-tridiagonal A by shift-invert Arnoldi at
//! 0 (Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., §4.1 and §8.1): the
//! Krylov space of A⁻¹ from a fixed start, fully reorthogonalized (twice), until the Ritz
//! value θ of largest magnitude has a residual |h_(k+1,k) s_k| below 1e-10 |θ| (s its Ritz
//! vector in the Krylov basis) or the space is invariant; λ = 1 / θ. Zero when A is
//! singular to its block LU.
std::complex<double> smallest_eigenvalue(solver::BlockTridiagonalMatrix& a)
{
    const Eigen::Index n = static_cast<Eigen::Index>(a.num_blocks()) * a.block_size();
    const Eigen::Index most = std::min<Eigen::Index>(n, 80);
    // The basis grows vector by vector: a few are usually enough (9 for the 17 × 100
    // benchmark cascade), and memory touched costs page faults.
    std::vector<Eigen::VectorXd> v(1, Eigen::VectorXd(n));
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(most + 1, most);
    // A start with every component (a mode orthogonal to it would be missed).
    for (Eigen::Index i = 0; i < n; ++i) {
        v[0][i] = 1.0 + 0.5 * std::sin(1.0 + static_cast<double>(i));
    }
    v[0].normalize();
    std::complex<double> theta = 0.0;
    for (Eigen::Index k = 0; k < most; ++k) {
        Eigen::VectorXd w = v.back();
        if (k == 0) {
            if (!a.factorize_and_solve(w)) {
                return 0.0;
            }
        } else {
            a.solve_factored(w);
        }
        if (!w.allFinite()) {
            return 0.0;
        }
        for (int pass = 0; pass < 2; ++pass) {
            for (Eigen::Index i = 0; i <= k; ++i) {
                const double c = v[static_cast<std::size_t>(i)].dot(w);
                w -= c * v[static_cast<std::size_t>(i)];
                h(i, k) += c;
            }
        }
        h(k + 1, k) = w.norm();
        const bool invariant = h(k + 1, k) <= 1e-14 * h.col(k).head(k + 1).norm();
        const Eigen::EigenSolver<Eigen::MatrixXd> ritz(h.topLeftCorner(k + 1, k + 1));
        Eigen::Index largest = 0;
        ritz.eigenvalues().cwiseAbs().maxCoeff(&largest);
        theta = ritz.eigenvalues()[largest];
        const std::complex<double> last = ritz.eigenvectors()(k, largest);
        if (invariant || h(k + 1, k) * std::abs(last) <= 1e-10 * std::abs(theta)) {
            break;
        }
        v.emplace_back(w / h(k + 1, k));
    }
    return theta == 0.0 ? std::complex<double>(0.0) : 1.0 / theta;
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
    // Unknowns per stage: holdups N (rows 0..n−1), then the aqueous and the organic settler
    // cells (n each); the mixer's c and q follow from N: dc/dN = (V_a I + V_o dq/dc)⁻¹,
    // dq/dN = dq/dc dc/dN. The amounts left only integrate outflows and are left out. Each
    // stage depends on its neighbours only: a block-tridiagonal matrix.
    const int n = n_;
    const auto aq_cell = [&](int cell) { return (1 + cell) * n; };
    const auto org_cell = [&](int cell) { return (1 + cells_ + cell) * n; };
    std::vector<Eigen::MatrixXd> dc_dn(stages_), dq_dn(stages_);
    Eigen::MatrixXd dq_dc(n, n);
    Eigen::VectorXd diagonal(n), left(n), right(n);
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
    solver::BlockTridiagonalMatrix jacobian(stages_, n * (1 + 2 * cells_));
    jacobian.set_zero();
    const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
    for (int j = 0; j < stages_; ++j) {
        Eigen::MatrixXd& d = jacobian.diag[j];
        // dN/dt = inflows − Q_a c − Q_o q (residual): the mixer's own outflows ...
        d.topLeftCorner(n, n) = -(q_aq_[j] * dc_dn[j] + q_org_[j] * dq_dn[j]);
        // ... and what enters from the neighbours' settlers (or mixers, without cells).
        if (j + 1 < stages_) {
            jacobian.upper[j].block(0, cells_ > 0 ? aq_cell(cells_ - 1) : 0, n, n) =
                aq_down(j + 1) * (cells_ > 0 ? identity : dc_dn[j + 1]);
        }
        if (j > 0) {
            jacobian.lower[j].block(0, cells_ > 0 ? org_cell(cells_ - 1) : 0, n, n) =
                org_up(j - 1) * (cells_ > 0 ? identity : dq_dn[j - 1]);
        }
        // Settler cells: V dc_k/dt = Q (c_(k−1) − c_k), the first fed by the mixer.
        const double aq_rate = cells_ > 0 ? q_aq_[j] / settler_aq_L_[j] : 0.0;
        const double org_rate = cells_ > 0 ? q_org_[j] / settler_org_L_[j] : 0.0;
        for (int cell = 0; cell < cells_; ++cell) {
            d.block(aq_cell(cell), cell == 0 ? 0 : aq_cell(cell - 1), n, n) =
                aq_rate * (cell == 0 ? dc_dn[j] : identity);
            d.block(org_cell(cell), cell == 0 ? 0 : org_cell(cell - 1), n, n) =
                org_rate * (cell == 0 ? dq_dn[j] : identity);
            d.block(aq_cell(cell), aq_cell(cell), n, n).diagonal().setConstant(-aq_rate);
            d.block(org_cell(cell), org_cell(cell), n, n).diagonal().setConstant(-org_rate);
        }
    }
    const std::complex<double> lambda = smallest_eigenvalue(jacobian);
    return lambda.real() == 0.0 ? std::numeric_limits<double>::infinity() : -1.0 / lambda.real();
}

}  // namespace reesx
