// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Block-tridiagonal systems: N blocks of size m, unknowns ordered block-major (stage-major
// in a cascade), block k coupled only to blocks k-1 and k+1. This is all solver/ knows of the
// problems it solves: no chemistry here.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

namespace reesx::solver {

//! Dense blocks of a block-tridiagonal matrix: row block k holds lower[k] (columns of block
//! k-1, empty for k = 0), diag[k], upper[k] (columns of block k+1, empty for the last).
class BlockTridiagonalMatrix {
public:
    BlockTridiagonalMatrix() = default;
    BlockTridiagonalMatrix(int num_blocks, int block_size);

    int num_blocks() const { return static_cast<int>(diag.size()); }
    int block_size() const { return block_size_; }
    void set_zero();
    //! y = A x (for tests and residual checks).
    Eigen::VectorXd multiply(const Eigen::VectorXd& x) const;
    //! Solves A x = b in place by block LU (block Thomas) with partial pivoting inside the
    //! diagonal blocks. Overwrites the matrix with its factors; returns false if a pivot block
    //! is singular.
    bool factorize_and_solve(Eigen::VectorXd& b);
    //! Solves again with the factors of the last factorize_and_solve (O(N m^2)).
    void solve_factored(Eigen::VectorXd& b) const;

    std::vector<Eigen::MatrixXd> lower, diag, upper;

private:
    int block_size_ = 0;
    std::vector<Eigen::PartialPivLU<Eigen::MatrixXd>> lu_;  //!< reused between solves
    Eigen::MatrixXd work_;         //!< S_k^{-1} U_k before it swaps into upper[k]
    Eigen::VectorXd work_vector_;  //!< S_k^{-1} b_k before it is copied back into b
};

//! A block-tridiagonal matrix whose blocks above the diagonal are diagonal (upper[k] holds
//! their diagonals): the form of a countercurrent cascade's iteration matrix when one phase
//! carries each component to the next block on its own. The LU then needs one product of two
//! full blocks per block: A = L U with L unit block-lower-bidiagonal (X_k = L_k S_{k-1}^{-1}
//! below the diagonal) and U block-upper-bidiagonal (S_k = D_k - X_k diag(u_{k-1}) on it, the
//! diagonal u_k above).
class DiagonalUpperBlockTridiagonal {
public:
    //! A block in the matrix's own storage: columns padded to a multiple of 4 rows.
    using Block = Eigen::Map<Eigen::MatrixXd, Eigen::Unaligned, Eigen::OuterStride<>>;
    using ConstBlock = Eigen::Map<const Eigen::MatrixXd, Eigen::Unaligned, Eigen::OuterStride<>>;

    DiagonalUpperBlockTridiagonal() = default;
    DiagonalUpperBlockTridiagonal(int num_blocks, int block_size);
    //! As constructed anew, reusing the storage when it is large enough (no allocation, so
    //! no page faults when a solver keeps one matrix for systems of varying sizes).
    void resize(int num_blocks, int block_size);
    int num_blocks() const { return num_blocks_; }
    int block_size() const { return block_size_; }
    //! D_k and L_k (columns of block k-1; unused for k = 0), filled by the caller; factorize
    //! overwrites D_k. Taking diag(k) or lower(k) to fill makes that block full again.
    Block diag(int k)
    {
        diagonal_is_rank_one_[k] = false;
        return block(diag_, k);
    }
    Block lower(int k)
    {
        lower_is_rank_one_[k] = false;
        lower_full_from_[k] = 0;
        return block(lower_, k);
    }
    //! L_k to fill, declared an arrowhead: off its diagonal, nonzero entries only in the rows
    //! and columns from `full_from` on (a cascade stage's elements coupled only through the
    //! extra species after them). X_k = L_k S_{k-1}^{-1} then takes about
    //! (1 + 2 (m - full_from)) m^2 flops instead of m^3. The caller guarantees the zeros.
    Block lower_arrowhead(int k, int full_from)
    {
        lower_is_rank_one_[k] = false;
        lower_full_from_[k] = full_from;
        return block(lower_, k);
    }
    //! D_k and L_k as full matrices, whichever way they were given (D_k: before factorize).
    Eigen::MatrixXd diag_matrix(int k) const;
    Eigen::MatrixXd lower_matrix(int k) const;
    //! L_k = diag(diagonal) + left right^T (a cascade's organic carrying an equilibrium stage's
    //! dq/dc, which is a diagonal less a rank-one matrix): X_k = L_k S_{k-1}^{-1} then takes
    //! O(m^2) flops instead of a product of full blocks.
    void set_lower_diagonal_plus_rank_one(int k, const Eigen::Ref<const Eigen::VectorXd>& diagonal,
                                          const Eigen::Ref<const Eigen::VectorXd>& left,
                                          const Eigen::Ref<const Eigen::VectorXd>& right);
    //! D_k = diag(diagonal) + left right^T, kept as its factors: with a diagonal-plus-rank-one
    //! L_k too, the factorization forms S_k = D_k - X_k diag(u_{k-1}) in one pass.
    void set_diagonal_plus_rank_one(int k, const Eigen::Ref<const Eigen::VectorXd>& diagonal,
                                    const Eigen::Ref<const Eigen::VectorXd>& left,
                                    const Eigen::Ref<const Eigen::VectorXd>& right);
    //! y = A x (for tests; call before factorize).
    Eigen::VectorXd multiply(const Eigen::VectorXd& x) const;
    //! Factorizes, replacing D_k with S_k^{-1} and keeping X_k; false if a pivot block is
    //! singular. S_k^{-1} comes from Gauss-Jordan elimination with partial pivoting: at a
    //! cascade's block sizes (≤ 34) its whole-column updates of padded blocks, with solves as
    //! products, took 225 µs where a triangular LU and solves took 377 µs (100 blocks of 17,
    //! docs/performance.md).
    bool factorize() { return factorize_from(0); }
    //! Refactorizes blocks first..n-1 only, when blocks before `first` (D_k, L_k, u_k) are
    //! as they were at the last factorization: their S_k^{-1} and X_k are kept.
    bool factorize_from(int first);
    //! Solves A x = b in place with the factors.
    void solve(Eigen::VectorXd& b) const;
    std::vector<Eigen::VectorXd> upper;  //!< the diagonals of the blocks above

private:
    using AlignedDoubles = std::vector<double, Eigen::aligned_allocator<double>>;
    int num_blocks_ = 0, block_size_ = 0, padded_rows_ = 0;
    //! D_k (then S_k^{-1}), L_k and X_k, column-major, padding rows zero.
    AlignedDoubles diag_, lower_, product_;
    //! Blocks whose L_k is diag(a) + l r^T: a, l, r in rank_one_ (ld apart, padding zero).
    std::vector<bool> lower_is_rank_one_;
    //! Per block: L_k's full rows and columns start here (0: L_k is full; see lower_arrowhead).
    std::vector<int> lower_full_from_;
    AlignedDoubles rank_one_;
    //! Likewise the blocks whose D_k is given as diag(a) + l r^T.
    std::vector<bool> diagonal_is_rank_one_;
    AlignedDoubles diagonal_factors_;
    std::vector<int> swaps_;  //!< the row interchanges of one inversion

    std::size_t block_doubles() const
    {
        return static_cast<std::size_t>(block_size_) * padded_rows_;
    }
    Block block(AlignedDoubles& storage, int k)
    {
        return {storage.data() + k * block_doubles(), block_size_, block_size_,
                Eigen::OuterStride<>(padded_rows_)};
    }
    const double* rank_one(int k) const { return rank_one_.data() + 3 * k * padded_rows_; }
    //! a, l, r (ld apart, padding zero) into storage a.
    void set_factors(double* a, const Eigen::Ref<const Eigen::VectorXd>& diagonal,
                     const Eigen::Ref<const Eigen::VectorXd>& left,
                     const Eigen::Ref<const Eigen::VectorXd>& right);
    //! D_k from its factors into diag_.
    void form_diagonal(int k);
    //! diag(a) + l r^T as a full matrix, from a, l, r stored ld apart at a.
    Eigen::MatrixXd from_factors(const double* a) const;
    ConstBlock block(const AlignedDoubles& storage, int k) const
    {
        return {storage.data() + k * block_doubles(), block_size_, block_size_,
                Eigen::OuterStride<>(padded_rows_)};
    }
};

//! A nonlinear system F(x) = 0 with a block-tridiagonal Jacobian.
class BlockTridiagonalSystem {
public:
    virtual ~BlockTridiagonalSystem() = default;
    virtual int num_blocks() const = 0;
    virtual int block_size() const = 0;
    //! Residual F(x) and, when `jacobian` is not null, its blocks. Throws on a domain error.
    virtual void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& residual,
                          BlockTridiagonalMatrix* jacobian) = 0;
    //! The trial point of a Newton step: x + lambda·dx by default. A system whose unknowns
    //! are logarithms may map the step instead (see Cascade).
    virtual void take_step(const Eigen::VectorXd& x, const Eigen::VectorXd& dx, double lambda,
                           Eigen::VectorXd& trial) const
    {
        trial = x + lambda * dx;
    }
    //! Name of unknown k, for diagnostics ("stage 12, ln c(Nd)").
    virtual std::string variable_name(int k) const = 0;
};

}  // namespace reesx::solver
