// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A semi-explicit index-1 DAE F(t, y, y') = 0 integrated with SUNDIALS IDA (variable order,
// variable step BDF). Linear solves: a band solver with IDA's difference-quotient band
// Jacobian, or, for a system that can solve with its own iteration matrix, GMRES
// preconditioned by that solve (one Krylov iteration when it is exact). Knows no chemistry.
#pragma once

#include <Eigen/Dense>
#include <exception>
#include <vector>

#include "reesx/solver/Sundials.h"

namespace reesx::solver {

class DaeSystem {
public:
    virtual ~DaeSystem() = default;
    virtual int size() const = 0;
    //! Upper = lower half-bandwidth of dF/dy (stage-major ordering keeps it small).
    virtual int half_bandwidth() const = 0;
    //! 1 for differential unknowns, 0 for algebraic ones.
    virtual Eigen::VectorXd differential_mask() const = 0;
    //! F(t, y, y'). May throw: the step is retried shorter (recoverable SolverError) or the
    //! integration stops and the exception is rethrown.
    virtual void residual(double t, const double* y, const double* yp, double* f) = 0;

    //! A system that can solve with its iteration matrix J = dF/dy + c_j dF/dy' (structure
    //! the band solver cannot see) and multiply by it returns true: IDA then runs GMRES,
    //! left-preconditioned with that solve, instead of the band solver. setup_preconditioner
    //! is called when IDA refreshes its Jacobian; solve_preconditioner and
    //! multiply_iteration_matrix at every linear iteration, with IDA's current c_j. When both
    //! use the Jacobian data of the last setup at the current c_j, GMRES converges in one
    //! iteration and this is IDA's modified Newton with a direct solver. (IDA's own
    //! difference-quotient J v would not do: it loses digits on unknowns of very different
    //! magnitudes, trace elements next to major ones, and GMRES stalls at that noise.)
    //! All may throw as residual.
    virtual bool has_preconditioner() const { return false; }
    virtual void setup_preconditioner(double /*t*/, const double* /*y*/, const double* /*yp*/,
                                      double /*c_j*/)
    {
    }
    virtual void multiply_iteration_matrix(double /*t*/, const double* /*y*/, const double* /*yp*/,
                                           double /*c_j*/, const double* /*v*/, double* /*jv*/)
    {
    }
    virtual void solve_preconditioner(const double* /*y*/, double /*c_j*/, const double* /*r*/,
                                      double* /*z*/)
    {
    }
};

struct IdaOptions {
    double relative_tolerance = 1e-8;
    double absolute_tolerance = 1e-14;
    long max_steps = 1000000;
};

struct IdaStats {
    long steps = 0, residual_evaluations = 0, jacobian_evaluations = 0;
    long error_test_failures = 0, nonlinear_failures = 0;
    long linear_iterations = 0;  //!< GMRES iterations (preconditioned systems only)
    int last_order = 0;
};

class IdaIntegrator {
public:
    IdaIntegrator(DaeSystem& system, double t0, const Eigen::VectorXd& y0,
                  const IdaOptions& options);
    IdaIntegrator(const IdaIntegrator&) = delete;
    IdaIntegrator& operator=(const IdaIntegrator&) = delete;

    //! Consistent initial conditions (IDACalcIC, IDA_YA_YDP_INIT): the algebraic unknowns
    //! and y' from the differential ones; `t_next` is the first output time.
    void correct_initial_conditions(double t_next);
    //! Restarts from the current state at time t (after a scheduled change of the system):
    //! new consistent conditions from the current differential unknowns.
    void restart(double t, double t_next);
    //! Integrates to t_out exactly (stop time) and returns the state there.
    void advance_to(double t_out);

    double time() const { return t_; }
    Eigen::Map<const Eigen::VectorXd> state() const;
    IdaStats stats() const;

private:
    DaeSystem& system_;
    sundials::Context context_;
    NVectorPtr y_, yp_, id_;
    MatrixPtr matrix_;
    LinearSolverPtr linear_solver_;
    IdaPtr mem_;
    double t_ = 0.0;
    std::exception_ptr callback_error_;
    std::string last_message_;

    static int residual_callback(double t, N_Vector y, N_Vector yp, N_Vector f, void* data);
    static int preconditioner_setup_callback(double t, N_Vector y, N_Vector yp, N_Vector r,
                                             double c_j, void* data);
    static int preconditioner_solve_callback(double t, N_Vector y, N_Vector yp, N_Vector r,
                                             N_Vector rhs, N_Vector z, double c_j, double delta,
                                             void* data);
    static int jacobian_times_callback(double t, N_Vector y, N_Vector yp, N_Vector r, N_Vector v,
                                       N_Vector jv, double c_j, void* data, N_Vector, N_Vector);
    //! Runs a callback body; C return code: 0, 1 (recoverable: IDA retries) or -1 (stop, the
    //! exception kept for rethrow_callback_error).
    template <class Body>
    int guarded(Body&& body);
    static void error_handler(int code, const char* module, const char* function, char* message,
                              void* data);
    void rethrow_callback_error();
};

}  // namespace reesx::solver
