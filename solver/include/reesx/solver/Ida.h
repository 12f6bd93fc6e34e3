// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A semi-explicit index-1 DAE F(t, y, y') = 0 integrated with SUNDIALS IDA (variable order,
// variable step BDF). Linear solves: a band solver with IDA's difference-quotient band
// Jacobian, or the system's own solve with its iteration matrix. Knows no chemistry.
#pragma once

#include <Eigen/Dense>
#include <exception>
#include <limits>
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
    //! the band solver cannot see) returns true: IDA then calls setup_linear_solver when it
    //! refreshes its Jacobian and solve_linear for every Newton correction, with its current
    //! y and c_j, instead of the band solver and its difference-quotient Jacobian. The solve
    //! should be exact for that y and c_j (or for the setup's y at that c_j: IDA's modified
    //! Newton); solve_linear's t is the step's time, so a system can keep one matrix per step.
    //! r and z of solve_linear never alias. Both may throw as residual.
    virtual bool has_linear_solver() const { return false; }
    virtual void setup_linear_solver(double /*t*/, const double* /*y*/, const double* /*yp*/,
                                     double /*c_j*/)
    {
    }
    virtual void solve_linear(double /*t*/, const double* /*y*/, double /*c_j*/,
                              const double* /*r*/, double* /*z*/)
    {
    }

    //! Root functions g(t, y, y') whose sign changes IDA locates (IDARootInit): their number,
    //! read when the integrator is made, and their values. May throw as residual.
    virtual int root_count() const { return 0; }
    virtual void roots(double /*t*/, const double* /*y*/, const double* /*yp*/, double* /*g*/) {}
};

//! A root of DaeSystem::roots that IDA located: its time, its index and whether g rose
//! through zero (+1) or fell (-1).
struct IdaRoot {
    double t = 0.0;
    int index = 0;
    int direction = 0;
};

struct IdaOptions {
    double relative_tolerance = 1e-6;
    double absolute_tolerance = 1e-14;
    long max_steps = 1000000;
    //! IDA accepts a step's first Newton correction δ when r / (1 - r) |δ| <= ε (ε: its
    //! Newton tolerance, |δ|: weighted RMS), with the rate r measured in earlier steps. Where
    //! the iteration's rate changes from step to step (a strongly nonlinear algebraic part),
    //! that accepts corrections far beyond ε with no error test to catch the algebraic
    //! unknowns left off; a first correction above first_correction_trust × ε then takes a
    //! second iteration, which measures the rate. Infinite: IDA's own test.
    double first_correction_trust = std::numeric_limits<double>::infinity();
};

struct IdaStats {
    long steps = 0, residual_evaluations = 0, jacobian_evaluations = 0;
    long error_test_failures = 0, nonlinear_failures = 0;
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
    //! Integrates to t_out exactly (stop time), recording the roots of the system's root
    //! functions passed on the way (take_roots).
    void advance_to(double t_out);
    //! The roots located since the last call, in time order.
    std::vector<IdaRoot> take_roots();

    double time() const { return t_; }
    Eigen::Map<const Eigen::VectorXd> state() const;
    //! Counts since construction (over restarts); last_order is the current one.
    IdaStats stats() const;

private:
    DaeSystem& system_;
    IdaOptions options_;
    sundials::Context context_;
    NVectorPtr y_, yp_, id_;
    MatrixPtr matrix_;
    LinearSolverPtr linear_solver_;
    NonlinearSolverPtr nonlinear_solver_;
    IdaPtr mem_;
    double t_ = 0.0;
    IdaStats counted_before_restarts_;  //!< IDAReInit zeroes IDA's own counters
    double first_norm_ = 0.0, rate_factor_ = 20.0, solve_c_j_ = 0.0;  //!< convergence test
    int root_count_ = 0;                                              //!< the system's, when made
    std::vector<IdaRoot> roots_;
    std::exception_ptr callback_error_;
    std::string last_message_;

    static int residual_callback(double t, N_Vector y, N_Vector yp, N_Vector f, void* data);
    //! IDA's error weights from the scalar tolerances (set_error_weights); -1 where a weight
    //! would not be positive.
    static int error_weights_callback(N_Vector y, N_Vector weights, void* data);
    //! IDA's Newton convergence test (ida_nls.c) with first_correction_trust; the state IDA
    //! keeps for it: the first correction's norm in this step, the rate factor
    //! rate / (1 - rate) (carried over steps, reset by a matrix setup or a new c_j), and
    //! the c_j of the last solve.
    static int convergence_test_callback(SUNNonlinearSolver nls, N_Vector ycor, N_Vector correction,
                                         double tolerance, N_Vector weights, void* data);
    static int root_callback(double t, N_Vector y, N_Vector yp, double* g, void* data);
    static int linear_setup_callback(double t, N_Vector y, N_Vector yp, N_Vector r, double c_j,
                                     void* data);
    static int linear_solve_callback(double t, N_Vector y, N_Vector yp, N_Vector r, N_Vector rhs,
                                     N_Vector z, double c_j, double delta, void* data);
    //! Runs a callback body; C return code: 0, 1 (recoverable: IDA retries) or -1 (stop, the
    //! exception kept for rethrow_callback_error).
    template <class Body>
    int guarded(Body&& body);
    static void error_handler(int code, const char* module, const char* function, char* message,
                              void* data);
    void rethrow_callback_error();
};

}  // namespace reesx::solver
