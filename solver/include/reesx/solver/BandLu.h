// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// LU with partial pivoting of a block-tridiagonal matrix held as a band (LAPACK's gbtrf
// layout and algorithm, unblocked). Pivoting across blocks makes it stable where the block
// Thomas LU (pivoting only inside each diagonal block) is not: when a Schur complement
// block is nearly singular, block Thomas divides by it, while row interchanges in the band
// take a pivot from the next block. It costs ~8 N m^3 flops against ~2 N m^3.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "reesx/solver/BlockTridiagonal.h"

namespace reesx::solver {

class BandLu {
public:
    //! Copies `a` into band storage and factorizes it; false when a pivot is zero.
    bool factorize(const BlockTridiagonalMatrix& a);
    //! Solves A x = b in place with the factors.
    void solve(Eigen::VectorXd& b) const;

private:
    int n_ = 0, kl_ = 0, ku_ = 0;
    Eigen::MatrixXd ab_;  //!< A(r, c) at ab_(kl_ + ku_ + r - c, c); kl_ rows of fill above
    std::vector<int> pivot_;
};

}  // namespace reesx::solver
