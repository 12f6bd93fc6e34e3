// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// BlockTridiagonalMatrix: the block LU (block Thomas) solve and the product against the
// same matrix assembled densely and solved by Eigen's partial-pivoting LU, on random
// systems with and without diagonal dominance, for block counts and sizes down to 1 x 1;
// singular pivot blocks must be reported, not solved. Matrices come from Eigen's Random
// (std::rand) after a fixed std::srand seed, so every run sees the same systems.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "reesx/solver/BandLu.h"
#include "reesx/solver/BlockTridiagonal.h"

using reesx::solver::BlockTridiagonalMatrix;

namespace {

//! Entries uniform in [-1, 1]; `shift` is added to the diagonal of every diagonal block.
BlockTridiagonalMatrix random_matrix(int blocks, int m, double shift, unsigned seed)
{
    std::srand(seed);
    BlockTridiagonalMatrix a(blocks, m);
    for (int k = 0; k < blocks; ++k) {
        a.diag[k] = Eigen::MatrixXd::Random(m, m);
        a.diag[k].diagonal().array() += shift;
        if (k > 0) {
            a.lower[k] = Eigen::MatrixXd::Random(m, m);
        }
        if (k + 1 < blocks) {
            a.upper[k] = Eigen::MatrixXd::Random(m, m);
        }
    }
    return a;
}

Eigen::MatrixXd dense(const BlockTridiagonalMatrix& a)
{
    const int n = a.num_blocks(), m = a.block_size();
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(n * m, n * m);
    for (int k = 0; k < n; ++k) {
        d.block(k * m, k * m, m, m) = a.diag[k];
        if (k > 0) {
            d.block(k * m, (k - 1) * m, m, m) = a.lower[k];
        }
        if (k + 1 < n) {
            d.block(k * m, (k + 1) * m, m, m) = a.upper[k];
        }
    }
    return d;
}

double relative_error(const Eigen::VectorXd& x, const Eigen::VectorXd& reference)
{
    return (x - reference).lpNorm<Eigen::Infinity>() / reference.lpNorm<Eigen::Infinity>();
}

//! |A x - b| / (|A| |x|) in the max norm: the normwise backward error of x.
double relative_residual(const Eigen::MatrixXd& a, const Eigen::VectorXd& x,
                         const Eigen::VectorXd& b)
{
    return (a * x - b).lpNorm<Eigen::Infinity>() /
           (a.lpNorm<Eigen::Infinity>() * x.lpNorm<Eigen::Infinity>());
}

}  // namespace

TEST(BlockTridiagonal, constructorShapesTheBlocks)
{
    const BlockTridiagonalMatrix a(4, 3);
    EXPECT_EQ(a.num_blocks(), 4);
    EXPECT_EQ(a.block_size(), 3);
    EXPECT_EQ(a.lower[0].size(), 0);  // no block to the left of the first
    EXPECT_EQ(a.upper[3].size(), 0);  // nor to the right of the last
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(a.diag[k].rows(), 3);
        EXPECT_EQ(a.diag[k].cols(), 3);
        EXPECT_TRUE(a.diag[k].isZero());
    }
    EXPECT_EQ(a.lower[1].rows(), 3);
    EXPECT_EQ(a.upper[2].cols(), 3);
}

TEST(BlockTridiagonal, multiplyMatchesDense)
{
    for (const int blocks : {1, 2, 5}) {
        for (const int m : {1, 4}) {
            const BlockTridiagonalMatrix a = random_matrix(blocks, m, 1.0, 3u + blocks * 10u + m);
            const Eigen::VectorXd x = Eigen::VectorXd::Random(blocks * m);
            // Sums of at most 3m products in a different order: a few ulps of |A| |x|.
            EXPECT_LT((a.multiply(x) - dense(a) * x).lpNorm<Eigen::Infinity>(), 1e-14)
                << blocks << " blocks of " << m;
        }
    }
}

TEST(BlockTridiagonal, setZeroKeepsShapes)
{
    BlockTridiagonalMatrix a = random_matrix(3, 2, 1.0, 1u);
    a.set_zero();
    EXPECT_TRUE(dense(a).isZero());
    EXPECT_EQ(a.lower[0].size(), 0);
    EXPECT_EQ(a.diag[1].rows(), 2);
}

// Diagonal blocks shifted by 6m: every row and column of the whole matrix is strictly
// diagonally dominant (at most 3m - 1 off-diagonal entries of magnitude <= 1), so block
// elimination without pivoting between blocks is stable (growth factor <= 2: Demmel,
// Higham & Schreiber, Numer. Linear Algebra Appl. 2 (1995) 173) and the condition number
// is about 2. Both solves are then within a few ulps of the exact solution (the errors
// seen are ~1e-15); 1e-12 leaves room for accumulation over 680 unknowns, while any error
// in the block bookkeeping shows as an O(1) difference.
TEST(BlockTridiagonal, matchesDenseSolveWhenDiagonallyDominant)
{
    for (const int blocks : {1, 2, 7, 40}) {
        for (const int m : {1, 2, 5, 17}) {
            BlockTridiagonalMatrix a = random_matrix(blocks, m, 6.0 * m, 7u + blocks * 100u + m);
            const Eigen::PartialPivLU<Eigen::MatrixXd> lu(dense(a));
            const Eigen::VectorXd b = Eigen::VectorXd::Random(blocks * m);
            const Eigen::VectorXd expected = lu.solve(b);
            Eigen::VectorXd x = b;
            ASSERT_TRUE(a.factorize_and_solve(x)) << blocks << " blocks of " << m;
            EXPECT_LT(relative_error(x, expected), 1e-12) << blocks << " blocks of " << m;
            // A second right-hand side with the kept factors.
            const Eigen::VectorXd b2 = Eigen::VectorXd::Random(blocks * m);
            Eigen::VectorXd y = b2;
            a.solve_factored(y);
            EXPECT_LT(relative_error(y, lu.solve(b2)), 1e-12);
        }
    }
}

// Entries uniform in [-1, 1] with no shift: no dominance, so the pivot blocks are fixed by
// the block structure, not chosen by size, and the Schur complements can grow. The solve
// is then judged by its relative residual (backward error), the quantity an algorithm
// controls whatever the conditioning: <= 1e-12 for these sizes (<= 7e-13 seen over many
// seeds). The forward error against the dense solve may be larger by the condition number
// kappa (up to ~1e6 here), so it is held to kappa * 1e-12, the error that backward error
// allows. The systems are nonsingular: Eigen's estimate of 1/kappa is checked.
TEST(BlockTridiagonal, matchesDenseSolveWithoutDominance)
{
    const std::pair<int, int> sizes[] = {{1, 1},  {1, 3},  {1, 17}, {2, 1}, {2, 3},
                                         {2, 5},  {2, 17}, {7, 1},  {7, 3}, {7, 5},
                                         {7, 17}, {20, 1}, {20, 3}, {20, 5}};
    for (const auto& [blocks, m] : sizes) {
        BlockTridiagonalMatrix a = random_matrix(blocks, m, 0.0, 11u + blocks * 100u + m);
        const Eigen::MatrixXd d = dense(a);
        const Eigen::PartialPivLU<Eigen::MatrixXd> lu(d);
        ASSERT_GT(lu.rcond(), 1e-8) << "test matrix too close to singular";
        const Eigen::VectorXd b = Eigen::VectorXd::Random(blocks * m);
        Eigen::VectorXd x = b;
        ASSERT_TRUE(a.factorize_and_solve(x)) << blocks << " blocks of " << m;
        EXPECT_LT(relative_residual(d, x, b), 1e-12) << blocks << " blocks of " << m;
        EXPECT_LT(relative_error(x, lu.solve(b)), 1e-12 / lu.rcond())
            << blocks << " blocks of " << m;
    }
}

// Without pivoting between blocks the growth compounds along the chain: on random
// 40 x 17 systems the backward error reaches ~2e-10. This records the limitation (the
// cascade's Jacobians are far closer to the dominant case) and that nothing worse happens.
TEST(BlockTridiagonal, longNonDominantChainStaysUsable)
{
    BlockTridiagonalMatrix a = random_matrix(40, 17, 0.0, 4017u);
    const Eigen::MatrixXd d = dense(a);
    const Eigen::VectorXd b = Eigen::VectorXd::Random(40 * 17);
    Eigen::VectorXd x = b;
    ASSERT_TRUE(a.factorize_and_solve(x));
    EXPECT_LT(relative_residual(d, x, b), 1e-8);
}

TEST(BlockTridiagonal, singleScalarBlock)
{
    BlockTridiagonalMatrix a(1, 1);
    a.diag[0](0, 0) = 2.0;
    Eigen::VectorXd b(1);
    b << 6.0;
    ASSERT_TRUE(a.factorize_and_solve(b));
    EXPECT_DOUBLE_EQ(b[0], 3.0);
}

// The matrix is refilled and factorized again through the same object (the LU objects and
// work storage are reused): the second solve must not see the first factors.
TEST(BlockTridiagonal, refactorizesAfterRefill)
{
    BlockTridiagonalMatrix a = random_matrix(6, 4, 24.0, 21u);
    Eigen::VectorXd x = Eigen::VectorXd::Ones(24);
    ASSERT_TRUE(a.factorize_and_solve(x));
    const BlockTridiagonalMatrix fresh = random_matrix(6, 4, 24.0, 22u);
    a = fresh;
    const Eigen::VectorXd b = Eigen::VectorXd::Random(24);
    x = b;
    ASSERT_TRUE(a.factorize_and_solve(x));
    EXPECT_LT(relative_error(x, dense(fresh).partialPivLu().solve(b)), 1e-12);
    EXPECT_LT((fresh.multiply(x) - b).lpNorm<Eigen::Infinity>(), 1e-13);
}

TEST(BlockTridiagonal, detectsSingularFirstBlock)
{
    BlockTridiagonalMatrix a = random_matrix(4, 3, 10.0, 5u);
    a.diag[0].setZero();
    Eigen::VectorXd b = Eigen::VectorXd::Ones(12);
    EXPECT_FALSE(a.factorize_and_solve(b));
}

// D_0 = U_0 = L_1 = D_1 = I: the blocks are regular, but the Schur complement
// S_1 = D_1 - L_1 D_0^{-1} U_0 vanishes (the dense matrix is singular too).
TEST(BlockTridiagonal, detectsSingularSchurComplement)
{
    BlockTridiagonalMatrix a(3, 2);
    for (int k = 0; k < 3; ++k) {
        a.diag[k].setIdentity();
    }
    a.upper[0].setIdentity();
    a.lower[1].setIdentity();
    Eigen::VectorXd b = Eigen::VectorXd::Ones(6);
    EXPECT_FALSE(a.factorize_and_solve(b));
}

TEST(BlockTridiagonal, detectsNonFiniteEntries)
{
    BlockTridiagonalMatrix a = random_matrix(3, 2, 6.0, 9u);
    a.diag[1](0, 1) = std::numeric_limits<double>::quiet_NaN();
    Eigen::VectorXd b = Eigen::VectorXd::Ones(6);
    EXPECT_FALSE(a.factorize_and_solve(b));

    BlockTridiagonalMatrix c = random_matrix(3, 2, 6.0, 9u);
    Eigen::VectorXd infinite_rhs = Eigen::VectorXd::Ones(6);
    infinite_rhs[2] = std::numeric_limits<double>::infinity();
    EXPECT_FALSE(c.factorize_and_solve(infinite_rhs));
}

namespace {

using reesx::solver::DiagonalUpperBlockTridiagonal;

//! Random blocks in [-1, 1], diagonal upper blocks; `shift` added to the diagonal blocks'.
//! With `rank_one_lower` most blocks below and every second diagonal block are a random
//! diagonal plus a random rank-one matrix.
DiagonalUpperBlockTridiagonal random_diagonal_upper(int blocks, int m, double shift, unsigned seed,
                                                    bool rank_one_lower = false)
{
    std::srand(seed);
    DiagonalUpperBlockTridiagonal a(blocks, m);
    for (int k = 0; k < blocks; ++k) {
        // Diagonal plus rank one: every second diagonal block (its factorization with the
        // block below formed in one pass, or on its own at k = 0 and where L_k is full), and
        // the blocks below but every fourth.
        if (rank_one_lower && k % 2 == 0) {
            const Eigen::VectorXd left = Eigen::VectorXd::Random(m);
            a.set_diagonal_plus_rank_one(k, Eigen::VectorXd::Random(m).array() + shift, left,
                                         Eigen::VectorXd::Random(m));
        } else {
            a.diag(k) = Eigen::MatrixXd::Random(m, m);
            a.diag(k).diagonal().array() += shift;
        }
        if (k > 0 && rank_one_lower && k % 4 != 2) {
            a.set_lower_diagonal_plus_rank_one(k, Eigen::VectorXd::Random(m),
                                               Eigen::VectorXd::Random(m),
                                               Eigen::VectorXd::Random(m));
        } else if (k > 0) {
            a.lower(k) = Eigen::MatrixXd::Random(m, m);
        }
        if (k + 1 < blocks) {
            a.upper[k] = Eigen::VectorXd::Random(m);
        }
    }
    return a;
}

Eigen::MatrixXd dense(const DiagonalUpperBlockTridiagonal& a)
{
    const int n = a.num_blocks(), m = a.block_size();
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(n * m, n * m);
    for (int k = 0; k < n; ++k) {
        d.block(k * m, k * m, m, m) = a.diag_matrix(k);
        if (k > 0) {
            d.block(k * m, (k - 1) * m, m, m) = a.lower_matrix(k);
        }
        if (k + 1 < n) {
            d.block(k * m, (k + 1) * m, m, m) = a.upper[k].asDiagonal();
        }
    }
    return d;
}

}  // namespace

// The same judgement as the general block Thomas above: within a few ulps of the dense
// solve when diagonally dominant (condition number about 2), backward error <= 1e-12
// without dominance; two right-hand sides through one factorization; and the product; with
// full blocks below the diagonal and with diagonal-plus-rank-one ones.
TEST(DiagonalUpperBlockTridiagonal, matchesDenseSolveAndProduct)
{
    for (const int blocks : {1, 2, 7, 40}) {
        for (const int m : {1, 2, 5, 17, 40}) {  // 40: above the compile-time kernel sizes
            for (const double shift : {0.0, 6.0 * m}) {
                for (const bool rank_one : {false, true}) {
                    DiagonalUpperBlockTridiagonal a =
                        random_diagonal_upper(blocks, m, shift, 5u + blocks * 100u + m, rank_one);
                    const Eigen::MatrixXd d = dense(a);
                    const Eigen::VectorXd x0 = Eigen::VectorXd::Random(blocks * m);
                    // Sums of at most 3m products in another order: ulps of ||A|| |x|.
                    const double row_norm = d.cwiseAbs().rowwise().sum().maxCoeff();
                    EXPECT_LT((a.multiply(x0) - d * x0).lpNorm<Eigen::Infinity>(),
                              1e-15 * row_norm * x0.lpNorm<Eigen::Infinity>());
                    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(d);
                    if (shift == 0.0 && lu.rcond() < 1e-8) {
                        continue;  // too close to singular to judge the forward error
                    }
                    ASSERT_TRUE(a.factorize()) << blocks << " blocks of " << m;
                    for (int rhs = 0; rhs < 2; ++rhs) {
                        const Eigen::VectorXd b = Eigen::VectorXd::Random(blocks * m);
                        Eigen::VectorXd x = b;
                        a.solve(x);
                        const double limit =
                            shift > 0.0 ? 1e-12 : 1e-8;  // long non-dominant chains
                        EXPECT_LT(relative_residual(d, x, b), limit)
                            << blocks << " blocks of " << m;
                        if (shift > 0.0) {
                            EXPECT_LT(relative_error(x, lu.solve(b)), 1e-12);
                        }
                    }
                }
            }
        }
    }
}

// After blocks first.. change (D_k, L_k, u_k), refactorizing from `first` keeps the factors of
// the blocks before it and solves the new matrix.
TEST(DiagonalUpperBlockTridiagonal, refactorizesFromTheFirstChangedBlock)
{
    const int blocks = 9, m = 17;
    for (const bool rank_one : {false, true}) {
        for (const int first : {0, 1, 4, 8}) {
            const unsigned seed = 40u + static_cast<unsigned>(first);
            DiagonalUpperBlockTridiagonal a =
                random_diagonal_upper(blocks, m, 6.0 * m, seed, rank_one);
            DiagonalUpperBlockTridiagonal now =
                random_diagonal_upper(blocks, m, 6.0 * m, seed, rank_one);
            const DiagonalUpperBlockTridiagonal changed =
                random_diagonal_upper(blocks, m, 6.0 * m, seed + 100u, rank_one);
            ASSERT_TRUE(a.factorize());
            for (int k = first; k < blocks; ++k) {
                for (DiagonalUpperBlockTridiagonal* target : {&a, &now}) {
                    target->diag(k) = changed.diag_matrix(k);
                    target->upper[k] = changed.upper[k];
                    if (k > 0) {
                        target->lower(k) = changed.lower_matrix(k);
                    }
                }
            }
            const Eigen::MatrixXd d = dense(now);
            ASSERT_TRUE(a.factorize_from(first));
            const Eigen::VectorXd b = Eigen::VectorXd::Random(blocks * m);
            Eigen::VectorXd x = b;
            a.solve(x);
            EXPECT_LT(relative_error(x, d.partialPivLu().solve(b)), 1e-12) << first;
        }
    }
}

TEST(DiagonalUpperBlockTridiagonal, diagonalPlusRankOneBlocksAreThoseMatrices)
{
    for (const int m : {1, 5, 17, 40}) {
        DiagonalUpperBlockTridiagonal a(2, m);
        const Eigen::VectorXd diagonal = Eigen::VectorXd::Random(m),
                              left = Eigen::VectorXd::Random(m), right = Eigen::VectorXd::Random(m);
        a.set_diagonal_plus_rank_one(1, diagonal, left, right);
        a.set_lower_diagonal_plus_rank_one(1, diagonal, left, right);
        Eigen::MatrixXd expected = left * right.transpose();
        expected.diagonal() += diagonal;
        EXPECT_LT((a.diag_matrix(1) - expected).lpNorm<Eigen::Infinity>(), 1e-15) << m;
        EXPECT_LT((a.lower_matrix(1) - expected).lpNorm<Eigen::Infinity>(), 1e-15) << m;
    }
}

// Lower blocks declared arrowheads (a cascade's elements coupled through the extras after
// them) solve as the same blocks given in full: the same answer to rounding, and the dense
// solve's; at compile-time kernel sizes, above them (40), and where the structure is not worth
// using (few rows before the full ones).
TEST(DiagonalUpperBlockTridiagonal, arrowheadLowerBlocksSolveAsFullOnes)
{
    const int blocks = 30;
    for (const int m : {3, 17, 27, 40}) {
        for (const int full : {1, 4}) {
            const int f = std::max(0, m - full);
            DiagonalUpperBlockTridiagonal given_full =
                random_diagonal_upper(blocks, m, 6.0 * m, 70u + static_cast<unsigned>(m));
            DiagonalUpperBlockTridiagonal arrowhead =
                random_diagonal_upper(blocks, m, 6.0 * m, 70u + static_cast<unsigned>(m));
            for (int k = 1; k < blocks; ++k) {
                Eigen::MatrixXd l = given_full.lower_matrix(k);
                for (int c = 0; c < f; ++c) {
                    for (int r = 0; r < f; ++r) {
                        l(r, c) = r == c ? l(r, c) : 0.0;
                    }
                }
                given_full.lower(k) = l;
                arrowhead.lower_arrowhead(k, f) = l;
            }
            const Eigen::MatrixXd d = dense(given_full);
            ASSERT_TRUE(given_full.factorize());
            ASSERT_TRUE(arrowhead.factorize());
            const Eigen::VectorXd b = Eigen::VectorXd::Random(blocks * m);
            Eigen::VectorXd x_full = b, x_arrowhead = b;
            given_full.solve(x_full);
            arrowhead.solve(x_arrowhead);
            EXPECT_LT(relative_error(x_arrowhead, x_full), 1e-13) << m << ", " << full;
            EXPECT_LT(relative_error(x_arrowhead, d.partialPivLu().solve(b)), 1e-12) << m;
        }
    }
}

TEST(DiagonalUpperBlockTridiagonal, detectsASingularPivotBlock)
{
    DiagonalUpperBlockTridiagonal a = random_diagonal_upper(3, 2, 4.0, 9u);
    // S_1 = D_1 - L_1 D_0^{-1} diag(u_0) is exactly 0 for D_0 = I, u_0 = 1, D_1 = L_1.
    a.diag(0).setIdentity();
    a.upper[0].setOnes();
    a.diag(1) = a.lower(1);
    EXPECT_FALSE(a.factorize());
}

// The band LU with partial pivoting across blocks: the same answers as a dense LU, and an
// answer where block Thomas has none (a singular diagonal block that the next block's rows
// can pivot around).
TEST(BandLu, matchesDenseSolve)
{
    for (const double shift : {0.0, 5.0}) {
        const BlockTridiagonalMatrix a = random_matrix(40, 5, shift, 11u);
        const Eigen::MatrixXd d = dense(a);
        const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(200, -1.0, 2.0);
        reesx::solver::BandLu lu;
        ASSERT_TRUE(lu.factorize(a));
        Eigen::VectorXd x = b;
        lu.solve(x);
        EXPECT_LT(relative_residual(d, x, b), 1e-14);
        EXPECT_LT(relative_error(x, d.fullPivLu().solve(b)), 1e-9);
    }
}

TEST(BandLu, pivotsAcrossBlocksWhereBlockThomasCannot)
{
    BlockTridiagonalMatrix a = random_matrix(6, 3, 0.0, 7u);
    a.diag[0].setZero();  // block Thomas divides by D_0
    const Eigen::MatrixXd d = dense(a);
    const Eigen::VectorXd b = Eigen::VectorXd::Ones(18);
    Eigen::VectorXd thomas = b;
    EXPECT_FALSE(BlockTridiagonalMatrix(a).factorize_and_solve(thomas));
    reesx::solver::BandLu lu;
    ASSERT_TRUE(lu.factorize(a));
    Eigen::VectorXd x = b;
    lu.solve(x);
    EXPECT_LT(relative_residual(d, x, b), 1e-14);
}

TEST(BandLu, reportsASingularMatrix)
{
    BlockTridiagonalMatrix a(3, 2);
    for (int k = 0; k < 3; ++k) {
        a.diag[k].setIdentity();
    }
    a.upper[0].setIdentity();
    a.lower[1].setIdentity();
    reesx::solver::BandLu lu;
    EXPECT_FALSE(lu.factorize(a));
}
