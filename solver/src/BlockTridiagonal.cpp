// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/BlockTridiagonal.h"

#include "Vec4.h"

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

namespace {

// The kernels below take the block size M as a template argument where they can (M > 0, see
// kernels_for): with m known at compile time the loops unroll and a column lives in
// registers. M = 0 is the same code for any m. Blocks are stored column-major with their
// columns padded to P rows (P = m rounded up to 4 doubles, one AVX2 register, with zero
// padding rows), so every column operation runs over whole registers.

constexpr int padded(int m)
{
    return (m + 3) / 4 * 4;
}

//! Column j of a block with columns ld apart, as ld / 4 vectors.
inline Vec4* vectors(double* block, int ld, int j)
{
    return reinterpret_cast<Vec4*>(block + static_cast<std::ptrdiff_t>(j) * ld);
}
inline const Vec4* vectors(const double* block, int ld, int j)
{
    return reinterpret_cast<const Vec4*>(block + static_cast<std::ptrdiff_t>(j) * ld);
}

//! In-place inverse of the column-major m × m matrix a (columns `ld` apart, padding rows zero)
//! by Gauss-Jordan elimination with partial pivoting: each pivot is one rank-one update of
//! whole columns (Press et al., Numerical Recipes, 2nd ed., section 2.1, with the row
//! interchanges undone as column interchanges at the end). False on a zero or non-finite
//! pivot.
template <int M>
REESX_VECTOR_CLONES bool invert_in_place(double* a, int m_runtime, int ld_runtime, int* swaps)
{
    constexpr int kP = padded(M);
    const int m = M > 0 ? M : m_runtime, ld = M > 0 ? kP : ld_runtime, nv = ld / 4;
    Vec4 local[M > 0 ? kP / 4 : 1];
    for (int j = 0; j < m; ++j) {
        double* col_j = a + static_cast<std::ptrdiff_t>(j) * ld;
        int p = j;
        for (int i = j + 1; i < m; ++i) {
            if (std::abs(col_j[i]) > std::abs(col_j[p])) {
                p = i;
            }
        }
        if (!(std::abs(col_j[p]) > 0.0) || !std::isfinite(col_j[p])) {
            return false;
        }
        swaps[j] = p;
        if (p != j) {
            for (int c = 0; c < m; ++c) {
                std::swap(a[static_cast<std::ptrdiff_t>(c) * ld + j],
                          a[static_cast<std::ptrdiff_t>(c) * ld + p]);
            }
        }
        // v: the pivot column before this step (M > 0: in registers).
        const Vec4* v = vectors(col_j, ld, 0);
        if constexpr (M > 0) {
            for (int i = 0; i < nv; ++i) {
                local[i] = v[i];
            }
            v = local;
        }
        const double inverse_pivot = 1.0 / col_j[j];
        for (int c = 0; c < m; ++c) {
            if (c == j) {
                continue;
            }
            Vec4* col_c = vectors(a, ld, c);
            const double factor = a[static_cast<std::ptrdiff_t>(c) * ld + j] * inverse_pivot;
            for (int i = 0; i < nv; ++i) {
                col_c[i] -= factor * v[i];
            }
            a[static_cast<std::ptrdiff_t>(c) * ld + j] = factor;
        }
        Vec4* pivot_column = vectors(col_j, ld, 0);
        for (int i = 0; i < nv; ++i) {
            pivot_column[i] *= -inverse_pivot;
        }
        col_j[j] = inverse_pivot;
    }
    for (int j = m - 1; j >= 0; --j) {
        if (swaps[j] != j) {
            std::swap_ranges(a + static_cast<std::ptrdiff_t>(j) * ld,
                             a + static_cast<std::ptrdiff_t>(j + 1) * ld,
                             a + static_cast<std::ptrdiff_t>(swaps[j]) * ld);
        }
    }
    return true;
}

//! y (length ld, padding zero) = a x (a: m × m, columns ld apart; x of length m).
template <int M>
REESX_VECTOR_CLONES void multiply_vector(const double* a, const double* x, int m_runtime,
                                         int ld_runtime, double* y)
{
    constexpr int kP = padded(M);
    const int m = M > 0 ? M : m_runtime, ld = M > 0 ? kP : ld_runtime, nv = ld / 4;
    Vec4 local[M > 0 ? kP / 4 : 1];
    Vec4* acc = M > 0 ? local : reinterpret_cast<Vec4*>(y);
    for (int i = 0; i < nv; ++i) {
        acc[i] = Vec4{};
    }
    for (int l = 0; l < m; ++l) {
        const Vec4* a_l = vectors(a, ld, l);
        for (int i = 0; i < nv; ++i) {
            acc[i] += x[l] * a_l[i];
        }
    }
    if constexpr (M > 0) {
        for (int i = 0; i < nv; ++i) {
            reinterpret_cast<Vec4*>(y)[i] = acc[i];
        }
    }
}

//! x = b c (b, c and x m × m with columns ld apart), two columns of x at a time so that each
//! column of b is loaded once for both.
template <int M>
REESX_VECTOR_CLONES void multiply_blocks(const double* b, const double* c, int m_runtime,
                                         int ld_runtime, double* x)
{
    constexpr int kP = padded(M);
    const int m = M > 0 ? M : m_runtime, ld = M > 0 ? kP : ld_runtime, nv = ld / 4;
    int j = 0;
    for (; j + 1 < m; j += 2) {
        Vec4 first[M > 0 ? kP / 4 : 1], second[M > 0 ? kP / 4 : 1];
        Vec4* acc0 = M > 0 ? first : vectors(x, ld, j);
        Vec4* acc1 = M > 0 ? second : vectors(x, ld, j + 1);
        for (int i = 0; i < nv; ++i) {
            acc0[i] = Vec4{};
            acc1[i] = Vec4{};
        }
        const double* c0 = c + static_cast<std::ptrdiff_t>(j) * ld;
        const double* c1 = c0 + ld;
        for (int l = 0; l < m; ++l) {
            const Vec4* b_l = vectors(b, ld, l);
            const double f0 = c0[l], f1 = c1[l];
            for (int i = 0; i < nv; ++i) {
                acc0[i] += f0 * b_l[i];
                acc1[i] += f1 * b_l[i];
            }
        }
        if constexpr (M > 0) {
            for (int i = 0; i < nv; ++i) {
                vectors(x, ld, j)[i] = acc0[i];
                vectors(x, ld, j + 1)[i] = acc1[i];
            }
        }
    }
    if (j < m) {  // an odd last column
        multiply_vector<M>(b, c + static_cast<std::ptrdiff_t>(j) * ld, m, ld,
                           x + static_cast<std::ptrdiff_t>(j) * ld);
    }
}

//! X = (diag(a) + l r^T) S^{-1} from S^{-1} (m × m, columns ld apart; a, l, r of length ld,
//! padding zero), column j being a ∘ S^{-1}_j + l (r · S^{-1}_j); and S -= X diag(u), or,
//! with `d` (three vectors ld apart: D = diag(d_0) + d_1 d_2^T), S = D - X diag(u) formed
//! here, so that D is never written out on its own.
template <int M>
REESX_VECTOR_CLONES void rank_one_product(const double* a, const double* l, const double* r,
                                          const double* inverse, const double* u, const double* d,
                                          int m_runtime, int ld_runtime, double* x, double* s)
{
    constexpr int kP = padded(M);
    const int m = M > 0 ? M : m_runtime, ld = M > 0 ? kP : ld_runtime, nv = ld / 4;
    const Vec4* av = vectors(a, ld, 0);
    const Vec4* lv = vectors(l, ld, 0);
    const Vec4* rv = vectors(r, ld, 0);
    for (int j = 0; j < m; ++j) {
        const Vec4* column = vectors(inverse, ld, j);
        Vec4 partial{};
        for (int i = 0; i < nv; ++i) {
            partial += rv[i] * column[i];
        }
        const double dot = partial[0] + partial[1] + partial[2] + partial[3];
        Vec4* x_j = vectors(x, ld, j);
        Vec4* s_j = vectors(s, ld, j);
        if (d) {
            const Vec4* d_left = vectors(d, ld, 1);
            const double d_right = d[2 * ld + j];
            for (int i = 0; i < nv; ++i) {
                const Vec4 product = av[i] * column[i] + lv[i] * dot;
                x_j[i] = product;
                s_j[i] = d_left[i] * d_right - product * u[j];
            }
            s[static_cast<std::ptrdiff_t>(j) * ld + j] += d[j];
        } else {
            for (int i = 0; i < nv; ++i) {
                const Vec4 product = av[i] * column[i] + lv[i] * dot;
                x_j[i] = product;
                s_j[i] -= product * u[j];
            }
        }
    }
}

//! X = L S^{-1} for an arrowhead L (m × m, columns ld apart; off its diagonal, nonzero only
//! in rows and columns from f on) from S^{-1}: column j of X is diag(L)_{<f} ∘ S^{-1}_j plus
//! the full columns of L weighted by S^{-1}_{c j} (c >= f), plus, in the full rows, their
//! first f entries dotted with S^{-1}_j. For ld <= kMaxArrowheadLd and at most
//! kMaxArrowheadRows full rows (factorize_from checks).
constexpr int kMaxArrowheadLd = 64, kMaxArrowheadRows = 8;
template <int M>
REESX_VECTOR_CLONES void arrowhead_product(const double* lower, const double* inverse, int f,
                                           int m_runtime, int ld_runtime, double* x)
{
    constexpr int kP = padded(M);
    constexpr int kNv = M > 0 ? kP / 4 : kMaxArrowheadLd / 4;
    const int m = M > 0 ? M : m_runtime, ld = M > 0 ? kP : ld_runtime, nv = ld / 4;
    const int full_rows = m - f;
    // L's diagonal in rows < f, and its full rows' first f entries, as padded vectors.
    Vec4 diagonal[kNv], rows[kMaxArrowheadRows][kNv];
    auto* d = reinterpret_cast<double*>(diagonal);
    for (int i = 0; i < nv; ++i) {
        diagonal[i] = Vec4{};
        for (int r = 0; r < full_rows; ++r) {
            rows[r][i] = Vec4{};
        }
    }
    for (int c = 0; c < f; ++c) {
        d[c] = lower[static_cast<std::ptrdiff_t>(c) * ld + c];
        for (int r = 0; r < full_rows; ++r) {
            reinterpret_cast<double*>(rows[r])[c] =
                lower[static_cast<std::ptrdiff_t>(c) * ld + f + r];
        }
    }
    for (int j = 0; j < m; ++j) {
        const Vec4* s_j = vectors(inverse, ld, j);
        Vec4 acc[kNv];
        for (int i = 0; i < nv; ++i) {
            acc[i] = diagonal[i] * s_j[i];
        }
        for (int c = f; c < m; ++c) {
            const double weight = inverse[static_cast<std::ptrdiff_t>(j) * ld + c];
            const Vec4* l_c = vectors(lower, ld, c);
            for (int i = 0; i < nv; ++i) {
                acc[i] += weight * l_c[i];
            }
        }
        auto* a = reinterpret_cast<double*>(acc);
        for (int r = 0; r < full_rows; ++r) {
            Vec4 dot{};
            for (int i = 0; i < nv; ++i) {
                dot += rows[r][i] * s_j[i];
            }
            a[f + r] += dot[0] + dot[1] + dot[2] + dot[3];
        }
        for (int i = 0; i < nv; ++i) {
            vectors(x, ld, j)[i] = acc[i];
        }
    }
}

struct BlockKernels {
    bool (*invert)(double*, int, int, int*);
    void (*multiply)(const double*, const double*, int, int, double*);
    void (*multiply_vector)(const double*, const double*, int, int, double*);
    void (*rank_one_product)(const double*, const double*, const double*, const double*,
                             const double*, const double*, int, int, double*, double*);
    void (*arrowhead_product)(const double*, const double*, int, int, int, double*);
};

template <int... Ms>
BlockKernels pick_kernels(int m, std::integer_sequence<int, Ms...>)
{
    BlockKernels chosen{invert_in_place<0>, multiply_blocks<0>, multiply_vector<0>,
                        rank_one_product<0>, arrowhead_product<0>};
    ((m == Ms && Ms > 0 ? (chosen = {invert_in_place<Ms>, multiply_blocks<Ms>, multiply_vector<Ms>,
                                     rank_one_product<Ms>, arrowhead_product<Ms>},
                           0)
                        : 0),
     ...);
    return chosen;
}

//! Compile-time sizes up to 34: the 17 rare earths, twice with Murphree efficiencies.
BlockKernels kernels_for(int m)
{
    return pick_kernels(m, std::make_integer_sequence<int, 35>{});
}

}  // namespace

DiagonalUpperBlockTridiagonal::DiagonalUpperBlockTridiagonal(int num_blocks, int block_size)
{
    resize(num_blocks, block_size);
}

void DiagonalUpperBlockTridiagonal::resize(int num_blocks, int block_size)
{
    upper.assign(num_blocks, Eigen::VectorXd::Zero(block_size));
    num_blocks_ = num_blocks;
    block_size_ = block_size;
    padded_rows_ = padded(block_size);
    const std::size_t doubles = static_cast<std::size_t>(num_blocks) * block_doubles();
    diag_.assign(doubles, 0.0);
    lower_.assign(doubles, 0.0);
    product_.assign(doubles, 0.0);
    lower_is_rank_one_.assign(num_blocks, false);
    lower_full_from_.assign(num_blocks, 0);
    rank_one_.assign(3 * num_blocks * padded_rows_, 0.0);
    diagonal_is_rank_one_.assign(num_blocks, false);
    diagonal_factors_.assign(3 * num_blocks * padded_rows_, 0.0);
    swaps_.assign(block_size, 0);
}

void DiagonalUpperBlockTridiagonal::set_lower_diagonal_plus_rank_one(
    int k, const Eigen::Ref<const Eigen::VectorXd>& diagonal,
    const Eigen::Ref<const Eigen::VectorXd>& left, const Eigen::Ref<const Eigen::VectorXd>& right)
{
    set_factors(rank_one_.data() + 3 * k * padded_rows_, diagonal, left, right);
    lower_is_rank_one_[k] = true;
}

void DiagonalUpperBlockTridiagonal::set_diagonal_plus_rank_one(
    int k, const Eigen::Ref<const Eigen::VectorXd>& diagonal,
    const Eigen::Ref<const Eigen::VectorXd>& left, const Eigen::Ref<const Eigen::VectorXd>& right)
{
    set_factors(diagonal_factors_.data() + 3 * k * padded_rows_, diagonal, left, right);
    diagonal_is_rank_one_[k] = true;
}

void DiagonalUpperBlockTridiagonal::set_factors(double* a,
                                                const Eigen::Ref<const Eigen::VectorXd>& diagonal,
                                                const Eigen::Ref<const Eigen::VectorXd>& left,
                                                const Eigen::Ref<const Eigen::VectorXd>& right)
{
    for (int v = 0; v < 3; ++v) {
        Eigen::Map<Eigen::VectorXd>(a + v * padded_rows_, block_size_) =
            v == 0 ? diagonal : (v == 1 ? left : right);
    }
}

void DiagonalUpperBlockTridiagonal::form_diagonal(int k)
{
    const int m = block_size_, ld = padded_rows_, nv = ld / 4;
    const double* a = diagonal_factors_.data() + 3 * k * ld;
    double* d = diag_.data() + k * block_doubles();
    const Vec4* l = vectors(a, ld, 1);
    for (int j = 0; j < m; ++j) {
        Vec4* column = vectors(d, ld, j);
        for (int i = 0; i < nv; ++i) {
            column[i] = l[i] * a[2 * ld + j];
        }
        d[static_cast<std::ptrdiff_t>(j) * ld + j] += a[j];
    }
}

Eigen::MatrixXd DiagonalUpperBlockTridiagonal::diag_matrix(int k) const
{
    return diagonal_is_rank_one_[k] ? from_factors(diagonal_factors_.data() + 3 * k * padded_rows_)
                                    : Eigen::MatrixXd(block(diag_, k));
}

Eigen::MatrixXd DiagonalUpperBlockTridiagonal::lower_matrix(int k) const
{
    return lower_is_rank_one_[k] ? from_factors(rank_one(k)) : Eigen::MatrixXd(block(lower_, k));
}

Eigen::MatrixXd DiagonalUpperBlockTridiagonal::from_factors(const double* a) const
{
    const int m = block_size_, ld = padded_rows_;
    using Vector = Eigen::Map<const Eigen::VectorXd>;
    Eigen::MatrixXd full = Vector(a + ld, m) * Vector(a + 2 * ld, m).transpose();
    full.diagonal() += Vector(a, m);
    return full;
}

Eigen::VectorXd DiagonalUpperBlockTridiagonal::multiply(const Eigen::VectorXd& x) const
{
    const int n = num_blocks(), m = block_size_;
    Eigen::VectorXd y(x.size());
    for (int k = 0; k < n; ++k) {
        auto yk = y.segment(static_cast<Eigen::Index>(k) * m, m);
        yk.noalias() = diag_matrix(k) * x.segment(static_cast<Eigen::Index>(k) * m, m);
        if (k > 0) {
            yk.noalias() += lower_matrix(k) * x.segment(static_cast<Eigen::Index>(k - 1) * m, m);
        }
        if (k + 1 < n) {
            yk.array() +=
                upper[k].array() * x.segment(static_cast<Eigen::Index>(k + 1) * m, m).array();
        }
    }
    return y;
}

bool DiagonalUpperBlockTridiagonal::factorize_from(int first)
{
    const int n = num_blocks(), m = block_size_, ld = padded_rows_;
    const std::size_t size = block_doubles();
    const BlockKernels kernels = kernels_for(m);
    for (int k = first; k < n; ++k) {
        double* s = diag_.data() + k * size;
        const bool fused = k > 0 && lower_is_rank_one_[k] && diagonal_is_rank_one_[k];
        if (diagonal_is_rank_one_[k] && !fused) {
            form_diagonal(k);
        }
        if (k > 0) {
            // X_k = L_k S_{k-1}^{-1}; S_k = D_k - X_k diag(u_{k-1}).
            double* x = product_.data() + k * size;
            const double* inverse = diag_.data() + (k - 1) * size;
            const double* u = upper[k - 1].data();
            if (lower_is_rank_one_[k]) {
                const double* a = rank_one(k);
                kernels.rank_one_product(a, a + ld, a + 2 * ld, inverse, u,
                                         fused ? diagonal_factors_.data() + 3 * k * ld : nullptr, m,
                                         ld, x, s);
            } else {
                // The arrowhead's product where it is worth it and fits its scratch.
                const int f = lower_full_from_[k];
                if (f > 0 && ld <= kMaxArrowheadLd && m - f <= kMaxArrowheadRows &&
                    2 * (m - f) + 1 < m) {
                    kernels.arrowhead_product(lower_.data() + k * size, inverse, f, m, ld, x);
                } else {
                    kernels.multiply(lower_.data() + k * size, inverse, m, ld, x);
                }
                for (int j = 0; j < m; ++j) {
                    for (int i = 0; i < ld; ++i) {
                        s[j * ld + i] -= x[j * ld + i] * u[j];
                    }
                }
            }
        }
        if (!kernels.invert(s, m, ld, swaps_.data())) {
            return false;
        }
    }
    return true;
}

void DiagonalUpperBlockTridiagonal::solve(Eigen::VectorXd& b) const
{
    const int n = num_blocks(), m = block_size_, ld = padded_rows_;
    const std::size_t size = block_doubles();
    const BlockKernels kernels = kernels_for(m);
    const auto segment = [&](int k) { return b.data() + static_cast<std::ptrdiff_t>(k) * m; };
    constexpr int kInline = 64;  // stack scratch vectors up to this block size
    const auto substitute = [&](double* product) {
        for (int k = 1; k < n; ++k) {  // y_k = b_k - X_k y_{k-1}
            kernels.multiply_vector(product_.data() + k * size, segment(k - 1), m, ld, product);
            for (int i = 0; i < m; ++i) {
                segment(k)[i] -= product[i];
            }
        }
        for (int k = n - 1; k >= 0; --k) {  // x_k = S_k^{-1} (y_k - u_k x_{k+1})
            if (k + 1 < n) {
                for (int i = 0; i < m; ++i) {
                    segment(k)[i] -= upper[k][i] * segment(k + 1)[i];
                }
            }
            kernels.multiply_vector(diag_.data() + k * size, segment(k), m, ld, product);
            std::copy(product, product + m, segment(k));
        }
    };
    if (ld <= kInline) {
        alignas(32) double product[kInline];
        substitute(product);
    } else {
        std::vector<double> product(ld);
        substitute(product.data());
    }
}

}  // namespace reesx::solver
