// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/BlockTridiagonal.h"

namespace reesx::solver {

BlockTridiagonalMatrix::BlockTridiagonalMatrix(int num_blocks, int block_size)
    : lower(num_blocks), diag(num_blocks), upper(num_blocks), block_size_(block_size)
{
    for (int k = 0; k < num_blocks; ++k) {
        diag[k].setZero(block_size, block_size);
        if (k > 0) {
            lower[k].setZero(block_size, block_size);
        }
        if (k + 1 < num_blocks) {
            upper[k].setZero(block_size, block_size);
        }
    }
}

void BlockTridiagonalMatrix::set_zero()
{
    for (std::size_t k = 0; k < diag.size(); ++k) {
        diag[k].setZero();
        lower[k].setZero();
        upper[k].setZero();
    }
}

Eigen::VectorXd BlockTridiagonalMatrix::multiply(const Eigen::VectorXd& x) const
{
    const int n = num_blocks(), m = block_size_;
    Eigen::VectorXd y = Eigen::VectorXd::Zero(x.size());
    for (int k = 0; k < n; ++k) {
        auto yk = y.segment(static_cast<Eigen::Index>(k) * m, m);
        yk.noalias() += diag[k] * x.segment(static_cast<Eigen::Index>(k) * m, m);
        if (k > 0) {
            yk.noalias() += lower[k] * x.segment(static_cast<Eigen::Index>(k - 1) * m, m);
        }
        if (k + 1 < n) {
            yk.noalias() += upper[k] * x.segment(static_cast<Eigen::Index>(k + 1) * m, m);
        }
    }
    return y;
}

bool BlockTridiagonalMatrix::factorize_and_solve(Eigen::VectorXd& b)
{
    // Block Thomas: S_0 = D_0; S_k = D_k - L_k S_{k-1}^{-1} U_{k-1}. The products
    // G_k = S_k^{-1} U_k overwrite upper[k], the modified right-hand sides overwrite b.
    const int n = num_blocks(), m = block_size_;
    if (lu_.size() != static_cast<std::size_t>(n)) {
        lu_.assign(n, Eigen::PartialPivLU<Eigen::MatrixXd>(m));
    }
    for (int k = 0; k < n; ++k) {
        auto bk = b.segment(static_cast<Eigen::Index>(k) * m, m);
        if (k > 0) {
            diag[k].noalias() -= lower[k] * upper[k - 1];
            bk.noalias() -= lower[k] * b.segment(static_cast<Eigen::Index>(k - 1) * m, m);
        }
        lu_[k].compute(diag[k]);
        // PartialPivLU does not report singularity; a zero or non-finite pivot shows in U.
        const auto u_diag = lu_[k].matrixLU().diagonal();
        const double largest = u_diag.cwiseAbs().maxCoeff();
        if (!(largest > 0.0) || !std::isfinite(largest) ||
            u_diag.cwiseAbs().minCoeff() <= largest * 1e-300) {
            return false;
        }
        bk = lu_[k].solve(bk);
        if (k + 1 < n) {
            upper[k] = lu_[k].solve(upper[k]);
        }
    }
    for (int k = n - 2; k >= 0; --k) {
        b.segment(static_cast<Eigen::Index>(k) * m, m).noalias() -=
            upper[k] * b.segment(static_cast<Eigen::Index>(k + 1) * m, m);
    }
    return b.allFinite();
}

void BlockTridiagonalMatrix::solve_factored(Eigen::VectorXd& b) const
{
    const int n = num_blocks(), m = block_size_;
    for (int k = 0; k < n; ++k) {
        auto bk = b.segment(static_cast<Eigen::Index>(k) * m, m);
        if (k > 0) {
            bk.noalias() -= lower[k] * b.segment(static_cast<Eigen::Index>(k - 1) * m, m);
        }
        bk = lu_[k].solve(bk);
    }
    for (int k = n - 2; k >= 0; --k) {
        b.segment(static_cast<Eigen::Index>(k) * m, m).noalias() -=
            upper[k] * b.segment(static_cast<Eigen::Index>(k + 1) * m, m);
    }
}

}  // namespace reesx::solver
