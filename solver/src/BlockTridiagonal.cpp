// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/BlockTridiagonal.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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
      pivot_(num_blocks, std::vector<int>(block_size))
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

namespace {

// The kernels below take the block size as a template argument where they can (M > 0, see
// kernels_for): with m known at compile time the column loops unroll and the column being
// updated stays in registers. M = 0 is the same code for any m.

//! In-place LU with partial pivoting of the column-major m × m matrix a (Doolittle, right
//! looking): afterwards a holds L (unit, below the diagonal) and U, and row i of L U is row
//! pivot[i] of the original. False on a zero or non-finite pivot.
template <int M>
bool lu_in_place(double* a, int m_runtime, int* pivot)
{
    const int m = M > 0 ? M : m_runtime;
    for (int i = 0; i < m; ++i) {
        pivot[i] = i;
    }
    for (int j = 0; j < m; ++j) {
        double* col_j = a + static_cast<std::ptrdiff_t>(j) * m;
        int p = j;
        for (int i = j + 1; i < m; ++i) {
            if (std::abs(col_j[i]) > std::abs(col_j[p])) {
                p = i;
            }
        }
        if (!(std::abs(col_j[p]) > 0.0) || !std::isfinite(col_j[p])) {
            return false;
        }
        if (p != j) {
            std::swap(pivot[j], pivot[p]);
            for (int c = 0; c < m; ++c) {
                std::swap(a[static_cast<std::ptrdiff_t>(c) * m + j],
                          a[static_cast<std::ptrdiff_t>(c) * m + p]);
            }
        }
        const double inverse_pivot = 1.0 / col_j[j];
        for (int i = j + 1; i < m; ++i) {
            col_j[i] *= inverse_pivot;
        }
        for (int c = j + 1; c < m; ++c) {
            double* col_c = a + static_cast<std::ptrdiff_t>(c) * m;
            const double factor = col_c[j];
            for (int i = j + 1; i < m; ++i) {
                col_c[i] -= factor * col_j[i];
            }
        }
    }
    return true;
}

//! x = S^{-1} x for S factored by lu_in_place (x of length m).
template <int M>
void lu_solve(const double* lu, const int* pivot, int m_runtime, double* x, double* scratch)
{
    const int m = M > 0 ? M : m_runtime;
    for (int i = 0; i < m; ++i) {
        scratch[i] = x[pivot[i]];
    }
    for (int j = 0; j < m; ++j) {  // L y = P x, column by column
        const double* col = lu + static_cast<std::ptrdiff_t>(j) * m;
        const double yj = scratch[j];
        for (int i = j + 1; i < m; ++i) {
            scratch[i] -= col[i] * yj;
        }
    }
    for (int j = m - 1; j >= 0; --j) {  // U x = y
        const double* col = lu + static_cast<std::ptrdiff_t>(j) * m;
        scratch[j] /= col[j];
        const double xj = scratch[j];
        for (int i = 0; i < j; ++i) {
            scratch[i] -= col[i] * xj;
        }
    }
    std::copy(scratch, scratch + m, x);
}

//! Z = B U^{-1} L^{-1} in place of the column-major m × m matrix b, for S = P^T L U factored
//! by lu_in_place: then B S^{-1} = Z P, whose column pivot[i] is Z's column i (left for the
//! caller to apply). By columns: Y U = B from the first column, Z L = Y from the last;
//! every inner loop runs down a column, accumulated in `column` (registers when M > 0).
template <int M>
void right_lu_solve(const double* lu, int m_runtime, double* b)
{
    const int m = M > 0 ? M : m_runtime;
    const auto col = [m](auto* a, int j) { return a + static_cast<std::ptrdiff_t>(j) * m; };
    double local[M > 0 ? M : 1];
    const auto update = [&](int j, int from, int to, double scale) {
        double* bj = col(b, j);
        double* column = M > 0 ? local : bj;
        for (int r = 0; r < m; ++r) {
            column[r] = bj[r];
        }
        for (int i = from; i < to; ++i) {
            const double factor = col(lu, j)[i];
            const double* bi = col(b, i);
            for (int r = 0; r < m; ++r) {
                column[r] -= factor * bi[r];
            }
        }
        for (int r = 0; r < m; ++r) {
            bj[r] = column[r] * scale;
        }
    };
    for (int j = 0; j < m; ++j) {
        update(j, 0, j, 1.0 / col(lu, j)[j]);  // Y U = B: U's column j above the diagonal
    }
    for (int j = m - 1; j >= 0; --j) {
        update(j, j + 1, m, 1.0);  // Z L = Y: L's column j below the diagonal
    }
}

struct LuKernels {
    bool (*factor)(double*, int, int*);
    void (*solve)(const double*, const int*, int, double*, double*);
    void (*right_solve)(const double*, int, double*);
};

template <int... Ms>
LuKernels pick_kernels(int m, std::integer_sequence<int, Ms...>)
{
    LuKernels chosen{lu_in_place<0>, lu_solve<0>, right_lu_solve<0>};
    ((m == Ms && Ms > 0 ? (chosen = {lu_in_place<Ms>, lu_solve<Ms>, right_lu_solve<Ms>}, 0) : 0),
     ...);
    return chosen;
}

//! Compile-time sizes up to 34: the 17 rare earths, twice with Murphree efficiencies.
LuKernels kernels_for(int m)
{
    return pick_kernels(m, std::make_integer_sequence<int, 35>{});
}

}  // namespace

bool DiagonalUpperBlockTridiagonal::factorize()
{
    const int n = num_blocks(), m = block_size_;
    if (pivot_.size() != static_cast<std::size_t>(n)) {
        pivot_.assign(n, std::vector<int>(m));
    }
    const LuKernels kernels = kernels_for(m);
    for (int k = 0; k < n; ++k) {
        if (k > 0) {
            // X_k = L_k S_{k-1}^{-1} = Z_k P (Z_k kept in lower[k]); S_k = D_k - X_k
            // diag(u_{k-1}), whose column pivot[i] loses Z_k's column i times u_{k-1}[pivot[i]].
            kernels.right_solve(diag[k - 1].data(), m, lower[k].data());
            const std::vector<int>& pivot = pivot_[k - 1];
            for (int i = 0; i < m; ++i) {
                diag[k].col(pivot[i]) -= lower[k].col(i) * upper[k - 1][pivot[i]];
            }
        }
        if (!kernels.factor(diag[k].data(), m, pivot_[k].data())) {
            return false;
        }
    }
    return true;
}

void DiagonalUpperBlockTridiagonal::solve(Eigen::VectorXd& b) const
{
    const int n = num_blocks(), m = block_size_;
    const LuKernels kernels = kernels_for(m);
    const auto block = [&](int k) { return b.segment(static_cast<Eigen::Index>(k) * m, m); };
    constexpr int kInline = 64;  // a stack scratch vector up to this block size
    Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kInline, 1> inline_scratch;
    Eigen::VectorXd heap_scratch;
    const auto substitute = [&](auto& scratch) {
        scratch.resize(m);
        for (int k = 1; k < n; ++k) {  // y_k = b_k - X_k y_{k-1}, X_k = Z_k P
            for (int i = 0; i < m; ++i) {
                scratch[i] = block(k - 1)[pivot_[k - 1][i]];
            }
            block(k).noalias() -= lower[k] * scratch;
        }
        for (int k = n - 1; k >= 0; --k) {  // x_k = S_k^{-1} (y_k - u_k x_{k+1})
            if (k + 1 < n) {
                block(k).array() -= upper[k].array() * block(k + 1).array();
            }
            kernels.solve(diag[k].data(), pivot_[k].data(), m,
                          b.data() + static_cast<std::ptrdiff_t>(k) * m, scratch.data());
        }
    };
    if (m <= kInline) {
        substitute(inline_scratch);
    } else {
        substitute(heap_scratch);
    }
}

}  // namespace reesx::solver
