// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/BlockTridiagonal.h"

#include <cmath>

namespace reesx::solver {
namespace {

using Lu = Eigen::PartialPivLU<Eigen::MatrixXd>;

//! False when a pivot of the factors is zero or not finite. PartialPivLU does not report
//! singularity itself. No threshold relative to the largest pivot: rows of a scaled
//! system may differ by many orders of magnitude and still solve accurately.
bool pivots_usable(const Lu& lu)
{
    const Eigen::MatrixXd& factors = lu.matrixLU();
    for (Eigen::Index i = 0; i < factors.rows(); ++i) {
        const double pivot = std::abs(factors(i, i));
        if (!(pivot > 0.0) || !std::isfinite(pivot)) {
            return false;
        }
    }
    return true;
}

}  // namespace

BlockTridiagonalMatrix::BlockTridiagonalMatrix(int num_blocks, int block_size)
    : lower(num_blocks),
      diag(num_blocks),
      upper(num_blocks),
      block_size_(block_size),
      lu_(num_blocks, Lu(block_size)),
      work_(block_size, block_size),
      work_vector_(block_size)
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
        Eigen::VectorBlock<Eigen::VectorXd> yk = y.segment(static_cast<Eigen::Index>(k) * m, m);
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
    // No heap allocation after the first call: the LU objects keep their storage, G_k
    // overwrites U_k, and the small products run on stack buffers.
    const int n = num_blocks(), m = block_size_;
    if (lu_.size() != static_cast<std::size_t>(n) || work_.rows() != m) {
        lu_.assign(n, Lu(m));
        work_.resize(m, m);
        work_vector_.resize(m);
    }
    for (int k = 0; k < n; ++k) {
        Eigen::VectorBlock<Eigen::VectorXd> bk = b.segment(static_cast<Eigen::Index>(k) * m, m);
        if (k > 0) {
            diag[k].noalias() -= lower[k] * upper[k - 1];
            bk.noalias() -= lower[k] * b.segment(static_cast<Eigen::Index>(k - 1) * m, m);
        }
        lu_[k].compute(diag[k]);
        if (!pivots_usable(lu_[k])) {
            return false;
        }
        // Out of place: lu.solve into its own argument permutes through a heap-allocated
        // mask on every call. The swap exchanges storage, no copy.
        work_vector_.noalias() = lu_[k].solve(bk);
        bk = work_vector_;
        if (k + 1 < n) {
            work_.noalias() = lu_[k].solve(upper[k]);
            upper[k].swap(work_);
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
    // A local scratch vector keeps this const (and safe to call from several threads);
    // up to kInline unknowns per block it lives on the stack.
    constexpr int kInline = 64;
    const auto substitute = [&](auto& solved) {
        for (int k = 0; k < n; ++k) {
            Eigen::VectorBlock<Eigen::VectorXd> bk = b.segment(static_cast<Eigen::Index>(k) * m, m);
            if (k > 0) {
                bk.noalias() -= lower[k] * b.segment(static_cast<Eigen::Index>(k - 1) * m, m);
            }
            solved.noalias() = lu_[k].solve(bk);
            bk = solved;
        }
        for (int k = n - 2; k >= 0; --k) {
            b.segment(static_cast<Eigen::Index>(k) * m, m).noalias() -=
                upper[k] * b.segment(static_cast<Eigen::Index>(k + 1) * m, m);
        }
    };
    if (m <= kInline) {
        Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kInline, 1> solved(m);
        substitute(solved);
    } else {
        Eigen::VectorXd solved(m);
        substitute(solved);
    }
}

DiagonalUpperBlockTridiagonal::DiagonalUpperBlockTridiagonal(int num_blocks, int block_size)
    : lower(num_blocks, Eigen::MatrixXd::Zero(block_size, block_size)),
      diag(num_blocks, Eigen::MatrixXd::Zero(block_size, block_size)),
      upper(num_blocks, Eigen::VectorXd::Zero(block_size)),
      block_size_(block_size),
      lu_(num_blocks, Lu(block_size)),
      work_(block_size, block_size)
{
}

Eigen::VectorXd DiagonalUpperBlockTridiagonal::multiply(const Eigen::VectorXd& x) const
{
    const int n = num_blocks(), m = block_size_;
    Eigen::VectorXd y(x.size());
    for (int k = 0; k < n; ++k) {
        auto yk = y.segment(static_cast<Eigen::Index>(k) * m, m);
        yk.noalias() = diag[k] * x.segment(static_cast<Eigen::Index>(k) * m, m);
        if (k > 0) {
            yk.noalias() += lower[k] * x.segment(static_cast<Eigen::Index>(k - 1) * m, m);
        }
        if (k + 1 < n) {
            yk.array() +=
                upper[k].array() * x.segment(static_cast<Eigen::Index>(k + 1) * m, m).array();
        }
    }
    return y;
}

bool DiagonalUpperBlockTridiagonal::factorize()
{
    const int n = num_blocks();
    for (int k = 0; k < n; ++k) {
        if (k > 0) {
            // X_k = L_k S_{k-1}^{-1}, from S_{k-1}^T X_k^T = L_k^T.
            work_.noalias() = lu_[k - 1].transpose().solve(lower[k].transpose());
            lower[k] = work_.transpose();
            diag[k].noalias() -= lower[k] * upper[k - 1].asDiagonal();
        }
        lu_[k].compute(diag[k]);
        if (!pivots_usable(lu_[k])) {
            return false;
        }
    }
    return true;
}

void DiagonalUpperBlockTridiagonal::solve(Eigen::VectorXd& b) const
{
    const int n = num_blocks(), m = block_size_;
    const auto block = [&](int k) { return b.segment(static_cast<Eigen::Index>(k) * m, m); };
    for (int k = 1; k < n; ++k) {
        block(k).noalias() -= lower[k] * block(k - 1);
    }
    constexpr int kInline = 64;  // a stack scratch vector up to this block size
    Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kInline, 1> inline_scratch;
    Eigen::VectorXd heap_scratch;
    const auto back_substitute = [&](auto& solved) {
        solved.resize(m);
        for (int k = n - 1; k >= 0; --k) {
            if (k + 1 < n) {
                block(k).array() -= upper[k].array() * block(k + 1).array();
            }
            solved.noalias() = lu_[k].solve(block(k));
            block(k) = solved;
        }
    };
    if (m <= kInline) {
        back_substitute(inline_scratch);
    } else {
        back_substitute(heap_scratch);
    }
}

}  // namespace reesx::solver
