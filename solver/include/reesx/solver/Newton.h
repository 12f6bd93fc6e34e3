// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#pragma once

#include <functional>
#include <string>

#include "reesx/solver/BlockTridiagonal.h"

namespace reesx::solver {

struct NewtonOptions {
    double tolerance = 1e-12;  //!< converged when max |F_k| <= tolerance
    int max_iterations = 100;
    double max_step = 10.0;   //!< largest change of any unknown in one step (unknown's units)
    int max_backtracks = 30;  //!< line-search halvings before giving up on a step
    //! Called with one line per iteration (its number, max |F| and the step taken) when set:
    //! the solver's progress for `reesx run --verbose`.
    std::function<void(const std::string&)> monitor;
};

struct SolverReport {
    bool converged = false;
    int iterations = 0;
    int residual_evaluations = 0;
    int jacobian_evaluations = 0;  //!< Jacobians assembled and factorized (chord steps reuse one)
    double residual_norm = 0.0;    //!< max |F_k| at the end
    int worst_index = -1;          //!< unknown with the largest residual at the end
    double seconds = 0.0;
    std::string method;   //!< e.g. "newton-block-tridiagonal"
    std::string message;  //!< why it stopped, when not converged
};

//! Damped Newton on a block-tridiagonal system: analytic Jacobian from the system, block
//! LU solve, step limited to `max_step` per unknown, backtracking on the max-norm of F.
//! Updates x in place; never throws on non-convergence (see the report).
SolverReport solve_newton(BlockTridiagonalSystem& system, Eigen::VectorXd& x,
                          const NewtonOptions& options = {});

//! Pseudo-transient continuation (C. T. Kelley, D. E. Keyes, SIAM J. Numer. Anal. 35 (1998)
//! 508): Newton steps on F(x) + mu (x - x_k) = 0, i.e. (J - mu I) dx = -F, with the shift
//! mu reduced as the residual falls (switched evolution relaxation, mu_k+1 = mu_k |F_k+1| /
//! |F_k|) so that the iteration moves from implicit-Euler time stepping toward Newton. For
//! systems whose Jacobian is dissipative (a cascade relaxing to steady state) it converges
//! from starts where Newton's basin is out of reach. `initial_shift` is mu_0.
SolverReport solve_pseudo_transient(BlockTridiagonalSystem& system, Eigen::VectorXd& x,
                                    const NewtonOptions& options, double initial_shift = 1.0);

}  // namespace reesx::solver
