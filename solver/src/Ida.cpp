// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/Ida.h"

#include "reesx/solver/FastSerialVector.h"

#include <cmath>
#include <utility>

#include <ida/ida.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunnonlinsol/sunnonlinsol_newton.h>

namespace reesx::solver {
namespace {

//! A SUNLinearSolver that solves J x = b with the system's own solve, called through IDA's
//! preconditioner interface (IDA passes it the current t, y, y' and c_j): an "iterative"
//! solver that is exact in one step, so no Krylov vectors, orthogonalization or J v
//! products are spent on a system that can solve directly.
struct StructuredSolver {
    void* data = nullptr;
    SUNPSetupFn setup = nullptr;
    SUNPSolveFn solve = nullptr;
    int last_flag = SUNLS_SUCCESS;
    N_Vector zero_residual = nullptr;  //!< IDA requires a residual; an exact solve leaves 0

    static StructuredSolver& of(SUNLinearSolver s)
    {
        return *static_cast<StructuredSolver*>(s->content);
    }
    static int flag(SUNLinearSolver s, int user_code, int recoverable, int unrecoverable)
    {
        of(s).last_flag = user_code == 0  ? SUNLS_SUCCESS
                          : user_code > 0 ? recoverable
                                          : unrecoverable;
        return of(s).last_flag;
    }
};

SUNLinearSolver new_structured_solver(N_Vector like, SUNContext context)
{
    SUNLinearSolver s = SUNLinSolNewEmpty(context);
    if (!s) {
        return nullptr;
    }
    auto* content = new StructuredSolver;
    s->content = content;
    s->ops->gettype = [](SUNLinearSolver) { return SUNLINEARSOLVER_ITERATIVE; };
    s->ops->getid = [](SUNLinearSolver) { return SUNLINEARSOLVER_CUSTOM; };
    s->ops->setatimes = [](SUNLinearSolver, void*, SUNATimesFn) { return SUNLS_SUCCESS; };
    s->ops->setscalingvectors = [](SUNLinearSolver, N_Vector, N_Vector) { return SUNLS_SUCCESS; };
    s->ops->setpreconditioner = [](SUNLinearSolver ls, void* data, SUNPSetupFn setup,
                                   SUNPSolveFn solve) {
        StructuredSolver& self = StructuredSolver::of(ls);
        self.data = data;
        self.setup = setup;
        self.solve = solve;
        return SUNLS_SUCCESS;
    };
    s->ops->initialize = [](SUNLinearSolver) { return SUNLS_SUCCESS; };
    s->ops->setup = [](SUNLinearSolver ls, SUNMatrix) {
        const StructuredSolver& self = StructuredSolver::of(ls);
        return StructuredSolver::flag(ls, self.setup ? self.setup(self.data) : 0,
                                      SUNLS_PSET_FAIL_REC, SUNLS_PSET_FAIL_UNREC);
    };
    // IDA solves into its own work vector (IDALsMem::x), never into b: x and b do not alias.
    s->ops->solve = [](SUNLinearSolver ls, SUNMatrix, N_Vector x, N_Vector b, double tolerance) {
        const StructuredSolver& self = StructuredSolver::of(ls);
        if (!self.solve) {
            return static_cast<int>(SUNLS_PSOLVE_NULL);  // IDASetPreconditioner not called
        }
        return StructuredSolver::flag(ls, self.solve(self.data, b, x, tolerance, SUN_PREC_LEFT),
                                      SUNLS_PSOLVE_FAIL_REC, SUNLS_PSOLVE_FAIL_UNREC);
    };
    s->ops->numiters = [](SUNLinearSolver) { return 1; };
    s->ops->resnorm = [](SUNLinearSolver) { return 0.0; };
    s->ops->resid = [](SUNLinearSolver ls) { return StructuredSolver::of(ls).zero_residual; };
    s->ops->lastflag = [](SUNLinearSolver ls) {
        return static_cast<sunindextype>(StructuredSolver::of(ls).last_flag);
    };
    s->ops->free = [](SUNLinearSolver ls) {
        if (ls) {
            auto* solver = static_cast<StructuredSolver*>(ls->content);
            if (solver && solver->zero_residual) {
                N_VDestroy(solver->zero_residual);
            }
            delete solver;
            ls->content = nullptr;
            SUNLinSolFreeEmpty(ls);
        }
        return SUNLS_SUCCESS;
    };
    content->zero_residual = N_VClone(like);
    if (!content->zero_residual) {
        s->ops->free(s);
        return nullptr;
    }
    N_VConst(0.0, content->zero_residual);
    return s;
}

}  // namespace

IdaIntegrator::IdaIntegrator(DaeSystem& system, double t0, const Eigen::VectorXd& y0,
                             const IdaOptions& options)
    : system_(system), options_(options), t_(t0), root_count_(system.root_count())
{
    check_created(static_cast<SUNContext>(context_), "SUNContext_Create");
    const auto n = static_cast<sunindextype>(system.size());
    if (y0.size() != n) {
        throw SolverError("IdaIntegrator: y0 has " + std::to_string(y0.size()) +
                          " entries, the system " + std::to_string(n));
    }
    if (!(options.relative_tolerance >= 0.0) || !(options.absolute_tolerance >= 0.0) ||
        !std::isfinite(options.relative_tolerance) || !std::isfinite(options.absolute_tolerance)) {
        throw SolverError("IdaIntegrator: tolerances must be finite and not negative (relative " +
                          std::to_string(options.relative_tolerance) + ", absolute " +
                          std::to_string(options.absolute_tolerance) + ")");
    }
    y_.reset(check_created(N_VNew_Serial(n, context_), "N_VNew_Serial"));
    yp_.reset(check_created(N_VNew_Serial(n, context_), "N_VNew_Serial"));
    id_.reset(check_created(N_VNew_Serial(n, context_), "N_VNew_Serial"));
    for (N_Vector v : {y_.get(), yp_.get(), id_.get()}) {
        use_fast_operations(v);  // IDA's work vectors are clones of y and inherit them
    }
    Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(y_.get()), n) = y0;
    N_VConst(0.0, yp_.get());
    Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(id_.get()), n) = system.differential_mask();
    if (system.has_linear_solver()) {
        linear_solver_.reset(
            check_created(new_structured_solver(y_.get(), context_), "structured solver"));
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
    check(IDAWFtolerances(ida, error_weights_callback), "IDAWFtolerances", last_message_);
    check(IDASetLinearSolver(ida, linear_solver_.get(), matrix_.get()), "IDASetLinearSolver",
          last_message_);
    if (system.has_linear_solver()) {
        check(IDASetPreconditioner(ida, linear_setup_callback, linear_solve_callback),
              "IDASetPreconditioner", last_message_);
    }
    // IDA's Newton iteration with IDA's convergence test, but for first_correction_trust
    // (convergence_test_callback).
    nonlinear_solver_.reset(
        check_created(SUNNonlinSol_Newton(y_.get(), context_), "SUNNonlinSol_Newton"));
    check(IDASetNonlinearSolver(ida, nonlinear_solver_.get()), "IDASetNonlinearSolver",
          last_message_);
    check(SUNNonlinSolSetConvTestFn(nonlinear_solver_.get(), convergence_test_callback, this),
          "SUNNonlinSolSetConvTestFn", last_message_);
    check(IDASetId(ida, id_.get()), "IDASetId", last_message_);
    check(IDASetSuppressAlg(ida, SUNTRUE), "IDASetSuppressAlg", last_message_);
    check(IDASetMaxNumSteps(ida, options.max_steps), "IDASetMaxNumSteps", last_message_);
    if (root_count_ > 0) {
        check(IDARootInit(ida, root_count_, root_callback), "IDARootInit", last_message_);
    }
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

int IdaIntegrator::error_weights_callback(N_Vector y, N_Vector weights, void* data)
{
    const IdaOptions& options = static_cast<const IdaIntegrator*>(data)->options_;
    return set_error_weights(y, options.relative_tolerance, options.absolute_tolerance, weights)
               ? 0
               : -1;
}

int IdaIntegrator::convergence_test_callback(SUNNonlinearSolver nls, N_Vector, N_Vector correction,
                                             double tolerance, N_Vector weights, void* data)
{
    // IDA's own test (ida_nls.c, idaNlsConvTest): with rate = (|δ_m| / |δ_0|)^(1/m), converged
    // when rate / (1 - rate) |δ_m| <= tolerance, the rate carried over from earlier steps at
    // m = 0 (reset to 20 by a matrix setup and to 100 when c_j changes).
    auto* self = static_cast<IdaIntegrator*>(data);
    int m = 0;
    if (SUNNonlinSolGetCurIter(nls, &m) != SUN_NLS_SUCCESS) {
        return -1;
    }
    const double norm = N_VWrmsNorm(correction, weights);
    if (m == 0) {
        self->first_norm_ = norm;
        if (norm <= 1e-8 * tolerance) {
            return SUN_NLS_SUCCESS;
        }
        // The one change (IdaOptions::first_correction_trust): a first correction this far
        // beyond the tolerance takes a second iteration, whatever the earlier rate.
        if (norm > self->options_.first_correction_trust * tolerance) {
            return SUN_NLS_CONTINUE;
        }
    } else {
        const double rate = std::pow(norm / self->first_norm_, 1.0 / m);
        if (rate > 0.9) {
            return SUN_NLS_CONV_RECVR;
        }
        self->rate_factor_ = rate / (1.0 - rate);
    }
    return self->rate_factor_ * norm <= tolerance ? SUN_NLS_SUCCESS : SUN_NLS_CONTINUE;
}

int IdaIntegrator::root_callback(double t, N_Vector y, N_Vector yp, double* g, void* data)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    return self->guarded(
        [&] { self->system_.roots(t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp), g); });
}

int IdaIntegrator::linear_setup_callback(double t, N_Vector y, N_Vector yp, N_Vector, double c_j,
                                         void* data)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    self->rate_factor_ = 20.0;  // as IDA after a setup
    return self->guarded([&] {
        self->system_.setup_linear_solver(t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp), c_j);
    });
}

int IdaIntegrator::linear_solve_callback(double t, N_Vector y, N_Vector, N_Vector, N_Vector rhs,
                                         N_Vector z, double c_j, double, void* data)
{
    auto* self = static_cast<IdaIntegrator*>(data);
    if (c_j != self->solve_c_j_) {
        self->rate_factor_ = 100.0;  // as IDA when c_j changes
        self->solve_c_j_ = c_j;
    }
    return self->guarded([&] {
        self->system_.solve_linear(t, N_VGetArrayPointer(y), c_j, N_VGetArrayPointer(rhs),
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
    // IDA's Newton iteration for the algebraic unknowns and y' holds the differential
    // unknowns but solves with J = dF/dy + c_j dF/dy', c_j = 1 / (1e-3 (tout1 - t)), as if
    // they moved by O(1 / c_j); a row sensitive to a small holdup (a log-defined one, ln N)
    // then gets a direction the line search rejects. tout1 sets nothing but that c_j, so
    // passing t + 1e-3 (t_next - t) makes it a thousand times larger and those moves
    // negligible (a million times larger spoils the band solver's difference quotients).
    const int flag = IDACalcIC(mem_.get(), IDA_YA_YDP_INIT, t_ + 1e-3 * (t_next - t_));
    rethrow_callback_error();
    check(flag, "IDACalcIC", last_message_);
    check(IDAGetConsistentIC(mem_.get(), y_.get(), yp_.get()), "IDAGetConsistentIC", last_message_);
}

void IdaIntegrator::restart(double t, double t_next)
{
    // IDAReInit zeroes IDA's counters: keep what they had counted.
    counted_before_restarts_ = stats();
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
    // At a root IDA returns IDA_ROOT_RETURN with y at the root; go on from there.
    while (t_ < t_out) {
        double reached = t_;
        const int flag = IDASolve(mem_.get(), t_out, &reached, y_.get(), yp_.get(), IDA_NORMAL);
        rethrow_callback_error();
        check(flag, "IDASolve", last_message_);
        t_ = reached;
        if (flag != IDA_ROOT_RETURN) {
            break;  // IDA_TSTOP_RETURN or IDA_SUCCESS: at t_out
        }
        std::vector<int> found(static_cast<std::size_t>(root_count_));
        check(IDAGetRootInfo(mem_.get(), found.data()), "IDAGetRootInfo", last_message_);
        for (std::size_t i = 0; i < found.size(); ++i) {
            if (found[i] != 0) {
                roots_.push_back({reached, static_cast<int>(i), found[i]});
            }
        }
    }
    t_ = t_out;  // the stop time, exactly
}

std::vector<IdaRoot> IdaIntegrator::take_roots()
{
    return std::exchange(roots_, {});
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
    if (system_.has_linear_solver()) {
        check(IDAGetNumPrecEvals(ida, &s.jacobian_evaluations), "IDAGetNumPrecEvals");
    } else {
        check(IDAGetNumJacEvals(ida, &s.jacobian_evaluations), "IDAGetNumJacEvals");
    }
    check(IDAGetNumLinResEvals(ida, &linear_residuals), "IDAGetNumLinResEvals");
    s.residual_evaluations += linear_residuals;
    check(IDAGetNumErrTestFails(ida, &s.error_test_failures), "IDAGetNumErrTestFails");
    check(IDAGetNumNonlinSolvConvFails(ida, &s.nonlinear_failures), "IDAGetNumNonlinSolvConvFails");
    check(IDAGetLastOrder(ida, &s.last_order), "IDAGetLastOrder");
    const IdaStats& b = counted_before_restarts_;
    s.steps += b.steps;
    s.residual_evaluations += b.residual_evaluations;
    s.jacobian_evaluations += b.jacobian_evaluations;
    s.error_test_failures += b.error_test_failures;
    s.nonlinear_failures += b.nonlinear_failures;
    return s;
}

}  // namespace reesx::solver
