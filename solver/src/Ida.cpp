// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/Ida.h"

#include <ida/ida.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_band.h>

namespace reesx::solver {

IdaIntegrator::IdaIntegrator(DaeSystem& system, double t0, const Eigen::VectorXd& y0,
                             const IdaOptions& options)
    : system_(system), t_(t0)
{
    check_created(static_cast<SUNContext>(context_), "SUNContext_Create");
    const auto n = static_cast<sunindextype>(system.size());
    if (y0.size() != n) {
        throw SolverError("IdaIntegrator: y0 has " + std::to_string(y0.size()) +
                          " entries, the system " + std::to_string(n));
    }
    y_.reset(check_created(N_VNew_Serial(n, context_), "N_VNew_Serial"));
    yp_.reset(check_created(N_VNew_Serial(n, context_), "N_VNew_Serial"));
    id_.reset(check_created(N_VNew_Serial(n, context_), "N_VNew_Serial"));
    Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(y_.get()), n) = y0;
    N_VConst(0.0, yp_.get());
    Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(id_.get()), n) = system.differential_mask();
    if (system.has_preconditioner()) {
        // IDA preconditions on the left only; 5 Krylov vectors are plenty when the
        // preconditioner is the (lagged) iteration matrix itself.
        constexpr int max_krylov_dimension = 5;
        linear_solver_.reset(
            check_created(SUNLinSol_SPGMR(y_.get(), SUN_PREC_LEFT, max_krylov_dimension, context_),
                          "SUNLinSol_SPGMR"));
    } else {
        const sunindextype half = system.half_bandwidth();
        matrix_.reset(check_created(SUNBandMatrix(n, half, half, context_), "SUNBandMatrix"));
        linear_solver_.reset(
            check_created(SUNLinSol_Band(y_.get(), matrix_.get(), context_), "SUNLinSol_Band"));
    }
    mem_.reset(check_created(IDACreate(context_), "IDACreate"));
    void* ida = mem_.get();
    check(IDASetErrHandlerFn(ida, error_handler, this), "IDASetErrHandlerFn");
    check(IDAInit(ida, residual_callback, t0, y_.get(), yp_.get()), "IDAInit", last_message_);
    check(IDASetUserData(ida, this), "IDASetUserData", last_message_);
    check(IDASStolerances(ida, options.relative_tolerance, options.absolute_tolerance),
          "IDASStolerances", last_message_);
    check(IDASetLinearSolver(ida, linear_solver_.get(), matrix_.get()), "IDASetLinearSolver",
          last_message_);
    if (system.has_preconditioner()) {
        check(
            IDASetPreconditioner(ida, preconditioner_setup_callback, preconditioner_solve_callback),
            "IDASetPreconditioner", last_message_);
        check(IDASetJacTimes(ida, nullptr, jacobian_times_callback), "IDASetJacTimes",
              last_message_);
    }
    check(IDASetId(ida, id_.get()), "IDASetId", last_message_);
    check(IDASetMaxNumSteps(ida, options.max_steps), "IDASetMaxNumSteps", last_message_);
}

template <class Body>
int IdaIntegrator::guarded(Body&& body)
{
    try {
        body();
        return 0;
    } catch (const SolverError& e) {
        if (e.recoverable()) {
            return 1;  // IDA retries with a shorter step
        }
        callback_error_ = std::current_exception();
        return -1;
    } catch (...) {
        callback_error_ = std::current_exception();
        return -1;
    }
}

int IdaIntegrator::residual_callback(double t, N_Vector y, N_Vector yp, N_Vector f, void* data)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    return self->guarded([&] {
        self->system_.residual(t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp),
                               N_VGetArrayPointer(f));
    });
}

int IdaIntegrator::preconditioner_setup_callback(double t, N_Vector y, N_Vector yp, N_Vector,
                                                 double c_j, void* data)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    return self->guarded([&] {
        self->system_.setup_preconditioner(t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp), c_j);
    });
}

int IdaIntegrator::preconditioner_solve_callback(double, N_Vector y, N_Vector, N_Vector,
                                                 N_Vector rhs, N_Vector z, double c_j, double,
                                                 void* data)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    return self->guarded([&] {
        self->system_.solve_preconditioner(N_VGetArrayPointer(y), c_j, N_VGetArrayPointer(rhs),
                                           N_VGetArrayPointer(z));
    });
}

void IdaIntegrator::error_handler(int, const char* module, const char* function, char* message,
                                  void* data)
{
    static_cast<IdaIntegrator*>(data)->last_message_ = std::string(module ? module : "IDA") +
                                                       "::" + (function ? function : "?") + ": " +
                                                       (message ? message : "");
}

void IdaIntegrator::rethrow_callback_error()
{
    if (callback_error_) {
        std::exception_ptr error = callback_error_;
        callback_error_ = nullptr;
        std::rethrow_exception(error);
    }
}

void IdaIntegrator::correct_initial_conditions(double t_next)
{
    const int flag = IDACalcIC(mem_.get(), IDA_YA_YDP_INIT, t_next);
    rethrow_callback_error();
    check(flag, "IDACalcIC", last_message_);
    check(IDAGetConsistentIC(mem_.get(), y_.get(), yp_.get()), "IDAGetConsistentIC", last_message_);
}

void IdaIntegrator::restart(double t, double t_next)
{
    t_ = t;
    check(IDAReInit(mem_.get(), t, y_.get(), yp_.get()), "IDAReInit", last_message_);
    correct_initial_conditions(t_next);
}

void IdaIntegrator::advance_to(double t_out)
{
    if (t_out <= t_) {
        return;
    }
    check(IDASetStopTime(mem_.get(), t_out), "IDASetStopTime", last_message_);
    double reached = t_;
    const int flag = IDASolve(mem_.get(), t_out, &reached, y_.get(), yp_.get(), IDA_NORMAL);
    rethrow_callback_error();
    check(flag, "IDASolve", last_message_);
    t_ = reached;
}

int IdaIntegrator::jacobian_times_callback(double t, N_Vector y, N_Vector yp, N_Vector, N_Vector v,
                                           N_Vector jv, double c_j, void* data, N_Vector, N_Vector)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    return self->guarded([&] {
        self->system_.multiply_iteration_matrix(t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp),
                                                c_j, N_VGetArrayPointer(v), N_VGetArrayPointer(jv));
    });
}

Eigen::Map<const Eigen::VectorXd> IdaIntegrator::state() const
{
    return {N_VGetArrayPointer(y_.get()), static_cast<Eigen::Index>(system_.size())};
}

IdaStats IdaIntegrator::stats() const
{
    IdaStats s;
    void* ida = mem_.get();
    long linear_residuals = 0;
    check(IDAGetNumSteps(ida, &s.steps), "IDAGetNumSteps");
    check(IDAGetNumResEvals(ida, &s.residual_evaluations), "IDAGetNumResEvals");
    if (system_.has_preconditioner()) {
        check(IDAGetNumPrecEvals(ida, &s.jacobian_evaluations), "IDAGetNumPrecEvals");
        check(IDAGetNumLinIters(ida, &s.linear_iterations), "IDAGetNumLinIters");
    } else {
        check(IDAGetNumJacEvals(ida, &s.jacobian_evaluations), "IDAGetNumJacEvals");
    }
    check(IDAGetNumLinResEvals(ida, &linear_residuals), "IDAGetNumLinResEvals");
    s.residual_evaluations += linear_residuals;
    check(IDAGetNumErrTestFails(ida, &s.error_test_failures), "IDAGetNumErrTestFails");
    check(IDAGetNumNonlinSolvConvFails(ida, &s.nonlinear_failures), "IDAGetNumNonlinSolvConvFails");
    check(IDAGetLastOrder(ida, &s.last_order), "IDAGetLastOrder");
    return s;
}

}  // namespace reesx::solver
