// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Bounded nonlinear least squares (Levenberg–Marquardt), for fitting model parameters to
// data. Knows no chemistry: the caller gives residuals that are already weighted
// (r_k = (y_k - model_k) / sigma_k), so the cost is 1/2 sum r_k^2.
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <vector>

namespace reesx {

struct LeastSquaresProblem {
    //! Weighted residuals at p, and their Jacobian dr/dp (rows: residuals) when `jacobian` is
    //! not null. A problem without an analytic Jacobian sets `analytic_jacobian` false and
    //! ignores the pointer: forward differences are taken.
    std::function<void(const Eigen::VectorXd& p, Eigen::VectorXd& r, Eigen::MatrixXd* jacobian)>
        evaluate;
    bool analytic_jacobian = false;
    Eigen::VectorXd lower, upper;  //!< bounds of each parameter (may be ±infinity)
};

struct LeastSquaresOptions {
    int max_iterations = 200;
    double relative_step_tolerance = 1e-10;  //!< stop when |dp| <= tol (|p| + tol)
    double gradient_tolerance = 1e-12;       //!< stop when max |J^T r| <= tol
    double finite_difference_step = 1e-7;    //!< relative, for forward differences
};

struct LeastSquaresResult {
    Eigen::VectorXd parameters;
    Eigen::VectorXd residuals;  //!< weighted, at the solution
    Eigen::MatrixXd jacobian;   //!< of the weighted residuals, at the solution
    double cost = 0.0;          //!< sum of squared weighted residuals
    int iterations = 0;
    bool converged = false;
    //! Parameters held at a bound at the solution (their row/column of the covariance is 0).
    std::vector<bool> at_bound;
    //! (J^T J)^-1 over the free parameters (0 for those at a bound): the covariance of the
    //! estimates when the weights are 1/sigma with the true sigma; scale by
    //! cost / (residuals - free parameters) when sigma was only relative.
    Eigen::MatrixXd unscaled_covariance;
    //! Number of free parameters the data did not determine (rank deficiency of J).
    int rank_deficiency = 0;
};

//! Minimizes sum r(p)^2 within the bounds from `start` (clamped into them). Steps that leave
//! the box are projected onto it.
LeastSquaresResult levenberg_marquardt(const LeastSquaresProblem& problem,
                                       const Eigen::VectorXd& start,
                                       const LeastSquaresOptions& options = {});

}  // namespace reesx
