// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/BandLu.h"

#include <algorithm>
#include <cmath>

namespace reesx::solver {

bool BandLu::factorize(const BlockTridiagonalMatrix& a)
{
    const int blocks = a.num_blocks(), m = a.block_size();
    n_ = blocks * m;
    kl_ = ku_ = 2 * m - 1;
    const int kv = kl_ + ku_;  // row of the diagonal in ab_
    ab_.setZero(2 * kl_ + ku_ + 1, n_);
    pivot_.assign(static_cast<std::size_t>(n_), 0);
    const auto put = [&](const Eigen::MatrixXd& block, int row0, int col0) {
        for (int c = 0; c < block.cols(); ++c) {
            for (int r = 0; r < block.rows(); ++r) {
                ab_(kv + row0 + r - (col0 + c), col0 + c) = block(r, c);
            }
        }
    };
    for (int k = 0; k < blocks; ++k) {
        put(a.diag[k], k * m, k * m);
        if (k > 0) {
            put(a.lower[k], k * m, (k - 1) * m);
        }
        if (k + 1 < blocks) {
            put(a.upper[k], k * m, (k + 1) * m);
        }
    }
    int ju = 0;  // last column that row interchanges have reached
    for (int j = 0; j < n_; ++j) {
        const int km = std::min(kl_, n_ - 1 - j);
        int p = 0;
        double largest = std::abs(ab_(kv, j));
        for (int i = 1; i <= km; ++i) {
            if (std::abs(ab_(kv + i, j)) > largest) {
                largest = std::abs(ab_(kv + i, j));
                p = i;
            }
        }
        pivot_[static_cast<std::size_t>(j)] = j + p;
        if (!(largest > 0.0) || !std::isfinite(largest)) {
            return false;
        }
        ju = std::max(ju, std::min(j + ku_ + p, n_ - 1));
        if (p != 0) {
            for (int c = j; c <= ju; ++c) {
                std::swap(ab_(kv + j + p - c, c), ab_(kv + j - c, c));
            }
        }
        const double inverse = 1.0 / ab_(kv, j);
        for (int i = 1; i <= km; ++i) {
            ab_(kv + i, j) *= inverse;
        }
        for (int c = j + 1; c <= ju; ++c) {
            const double u = ab_(kv + j - c, c);
            if (u == 0.0) {
                continue;
            }
            for (int i = 1; i <= km; ++i) {
                ab_(kv + j + i - c, c) -= ab_(kv + i, j) * u;
            }
        }
    }
    return true;
}

void BandLu::solve(Eigen::VectorXd& b) const
{
    const int kv = kl_ + ku_;
    for (int j = 0; j < n_; ++j) {
        const int p = pivot_[static_cast<std::size_t>(j)];
        if (p != j) {
            std::swap(b[j], b[p]);
        }
        const int km = std::min(kl_, n_ - 1 - j);
        for (int i = 1; i <= km; ++i) {
            b[j + i] -= ab_(kv + i, j) * b[j];
        }
    }
    for (int j = n_ - 1; j >= 0; --j) {
        b[j] /= ab_(kv, j);
        for (int r = std::max(0, j - kv); r < j; ++r) {
            b[r] -= ab_(kv + r - j, j) * b[j];
        }
    }
}

}  // namespace reesx::solver
