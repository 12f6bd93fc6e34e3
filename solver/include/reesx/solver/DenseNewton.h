// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Levenberg–Marquardt on a small square system F(x) = 0 with a dense Jacobian and its
// singular value decomposition: the last resort where the structured Newton stalls at a
// near-singular Jacobian (a fold, where the root is double). Knows no chemistry.
#pragma once

#include <Eigen/Dense>
#include <functional>

#include "reesx/solver/Newton.h"

namespace reesx::solver {

struct DenseNewtonOptions {
    double tolerance = 1e-12;  //!< converged when max |F_k| <= tolerance
    //! Also converged when no step reduces |F| and max |F_k| is below this (the rounding of
    //! the evaluation of F itself: no solver in double precision can show a better x).
    double noise_floor = 0.0;
    int max_iterations = 60;
    //! Central differences: h_k = step max(1, |x_k|) (eps^(1/3), the step that balances the
    //! truncation error h^2 F''' against the rounding eps F / h).
    double finite_difference_step = 6e-6;
    std::function<void(const std::string&)> monitor;
};

//! F(x) into f; false when F is not defined at x (not finite, or the model refuses it).
using DenseResidual = std::function<bool(const Eigen::VectorXd& x, Eigen::VectorXd& f)>;

//! Minimizes |F(x)|_2^2 from x by Levenberg–Marquardt steps computed from the SVD of the
//! Jacobian (central differences), the damping raised until a step reduces |F|_2 and lowered
//! after each success (Nielsen's rule). Updates x in place (to the best point found); adds its
//! work to `report` (iterations, evaluations, Jacobians) and returns whether it converged.
bool solve_dense_newton(const DenseResidual& residual, Eigen::VectorXd& x,
                        const DenseNewtonOptions& options, SolverReport& report);

//! At a fold (J singular with a one-dimensional null space, where solve_dense_newton stalls
//! at a local minimum of |F| along the left null vector): a root on the curve of points where
//! F vanishes in every other direction, by a bracketed scalar search along the right null
//! vector (Keller's bordered system for each point), in at most options.max_iterations
//! Newton iterations. Updates x (to the root when found).
bool solve_dense_fold(const DenseResidual& residual, Eigen::VectorXd& x,
                      const DenseNewtonOptions& options, SolverReport& report);

}  // namespace reesx::solver
