// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A block-tridiagonal system solved by SUNDIALS KINSOL (line-search Newton) with a band
// linear solver filled from the system's analytic Jacobian blocks.
#include <sunlinsol/sunlinsol_band.h>
#include <sunmatrix/sunmatrix_band.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "reesx/solver/Newton.h"
#include "reesx/solver/Sundials.h"

namespace reesx::solver {
namespace {

//! What the C callbacks reach through user_data.
struct Callbacks {
    BlockTridiagonalSystem* system = nullptr;
    BlockTridiagonalMatrix jacobian;
    Eigen::VectorXd x, f;
    std::string last_error;    //!< message of the last exception caught in a callback
    std::string kinsol_error;  //!< KINSOL's own last message
};

//! Maps the exception in flight to a KINSOL return code and keeps its message: 1 asks
//! KINSOL for a shorter step, -1 stops the solve. Must be called inside a catch block.
int recover(Callbacks& cb)
{
    try {
        throw;
    } catch (const std::domain_error& e) {
        cb.last_error = e.what();
        return 1;
    } catch (const SolverError& e) {
        cb.last_error = e.what();
        return e.recoverable() ? 1 : -1;
    } catch (const std::exception& e) {
        cb.last_error = e.what();
        return -1;
    } catch (...) {
        cb.last_error = "unknown exception in the residual";
        return -1;
    }
}

void evaluate_at(Callbacks& cb, N_Vector u, BlockTridiagonalMatrix* jacobian)
{
    const auto n = static_cast<Eigen::Index>(N_VGetLength(u));
    cb.x = Eigen::Map<const Eigen::VectorXd>(N_VGetArrayPointer(u), n);
    cb.system->evaluate(cb.x, cb.f, jacobian);
    if (cb.f.size() != n) {
        throw SolverError("the residual has " + std::to_string(cb.f.size()) +
                          " entries, expected " + std::to_string(n));
    }
}

// Trampolines: exceptions never cross into C.
int residual_callback(N_Vector u, N_Vector fval, void* data)
{
    auto& cb = *static_cast<Callbacks*>(data);
    try {
        evaluate_at(cb, u, nullptr);
        if (!cb.f.allFinite()) {
            // Like a domain error: a shorter step may land where F is defined.
            cb.last_error = "the residual is not finite";
            return 1;
        }
        Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(fval), cb.f.size()) = cb.f;
        return 0;
    } catch (...) {
        return recover(cb);
    }
}

int jacobian_callback(N_Vector u, N_Vector, SUNMatrix band, void* data, N_Vector, N_Vector)
{
    auto& cb = *static_cast<Callbacks*>(data);
    try {
        evaluate_at(cb, u, &cb.jacobian);
        check(SUNMatZero(band), "SUNMatZero");
        // Column by column: the blocks are column-major, and a band column is contiguous.
        const BlockTridiagonalMatrix& j = cb.jacobian;
        const int blocks = j.num_blocks(), m = j.block_size();
        for (int k = 0; k < blocks; ++k) {
            for (int c = 0; c < m; ++c) {
                const sunindextype col = static_cast<sunindextype>(k) * m + c;
                sunrealtype* column = SUNBandMatrix_Column(band, col);
                const sunindextype row0 = static_cast<sunindextype>(k) * m;
                for (int r = 0; r < m; ++r) {
                    SM_COLUMN_ELEMENT_B(column, row0 + r, col) = j.diag[k](r, c);
                }
                if (k > 0) {  // rows of block k-1 see block k through upper[k-1]
                    for (int r = 0; r < m; ++r) {
                        SM_COLUMN_ELEMENT_B(column, row0 - m + r, col) = j.upper[k - 1](r, c);
                    }
                }
                if (k + 1 < blocks) {  // rows of block k+1 see block k through lower[k+1]
                    for (int r = 0; r < m; ++r) {
                        SM_COLUMN_ELEMENT_B(column, row0 + m + r, col) = j.lower[k + 1](r, c);
                    }
                }
            }
        }
        return 0;
    } catch (...) {
        return recover(cb);
    }
}

void error_handler(int, const char* module, const char* function, char* message, void* data)
{
    static_cast<Callbacks*>(data)->kinsol_error = std::string(module ? module : "KINSOL") +
                                                  "::" + (function ? function : "?") + ": " +
                                                  (message ? message : "");
}

}  // namespace

SolverReport solve_kinsol(BlockTridiagonalSystem& system, Eigen::VectorXd& x,
                          const NewtonOptions& options)
{
    const auto start = std::chrono::steady_clock::now();
    SolverReport report;
    report.method = "kinsol-band";
    const int blocks = system.num_blocks(), m = system.block_size();
    const auto n = static_cast<sunindextype>(blocks) * m;
    if (x.size() != n) {
        throw SolverError("solve_kinsol: x has " + std::to_string(x.size()) +
                          " entries, the system " + std::to_string(n));
    }

    // Declared first, destroyed last: everything below is created with it.
    sundials::Context context;
    check_created(static_cast<SUNContext>(context), "SUNContext_Create");
    Callbacks cb;
    cb.system = &system;
    cb.jacobian = BlockTridiagonalMatrix(blocks, m);
    NVectorPtr u(check_created(N_VNew_Serial(n, context), "N_VNew_Serial"));
    NVectorPtr scale(check_created(N_VNew_Serial(n, context), "N_VNew_Serial"));
    Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(u.get()), n) = x;
    // Unit scaling: KINSOL's fnormtol is then max |F|, the same test as solve_newton.
    N_VConst(1.0, scale.get());
    // Half-bandwidth 2m-1 reaches from the first unknown of a block to the last of its
    // neighbour; SUNDIALS 6 sizes the band LU's fill-in storage itself.
    const sunindextype half = 2 * static_cast<sunindextype>(m) - 1;
    MatrixPtr band(check_created(SUNBandMatrix(n, half, half, context), "SUNBandMatrix"));
    LinearSolverPtr linear(
        check_created(SUNLinSol_Band(u.get(), band.get(), context), "SUNLinSol_Band"));
    KinsolPtr mem(check_created(KINCreate(context), "KINCreate"));
    void* kin = mem.get();
    check(KINSetErrHandlerFn(kin, error_handler, &cb), "KINSetErrHandlerFn");
    check(KINInit(kin, residual_callback, u.get()), "KINInit", cb.kinsol_error);
    check(KINSetUserData(kin, &cb), "KINSetUserData", cb.kinsol_error);
    check(KINSetLinearSolver(kin, linear.get(), band.get()), "KINSetLinearSolver", cb.kinsol_error);
    check(KINSetJacFn(kin, jacobian_callback), "KINSetJacFn", cb.kinsol_error);
    check(KINSetFuncNormTol(kin, options.tolerance), "KINSetFuncNormTol", cb.kinsol_error);
    // Effectively off: with unit scaling KINSOL measures steps against |u| + 1, and the
    // unknowns of a trace element can be far below 1, where a step of 1e-16 still matters.
    // Convergence is judged on max |F| alone, as in solve_newton.
    check(KINSetScaledStepTol(kin, 1e-300), "KINSetScaledStepTol", cb.kinsol_error);
    // KINSOL reads 0 as "use the default (200)".
    check(KINSetNumMaxIters(kin, std::max(1, options.max_iterations)), "KINSetNumMaxIters",
          cb.kinsol_error);
    // The Jacobian is cheap next to a line search on a stale one: refresh it every step.
    check(KINSetMaxSetupCalls(kin, 1), "KINSetMaxSetupCalls", cb.kinsol_error);
    // KINSOL bounds the scaled 2-norm of the step; a step moving every unknown by max_step
    // has 2-norm max_step sqrt(n), the bound closest to solve_newton's max-norm limit.
    check(KINSetMaxNewtonStep(kin, options.max_step * std::sqrt(static_cast<double>(n))),
          "KINSetMaxNewtonStep", cb.kinsol_error);

    const int flag = KINSol(kin, u.get(), KIN_LINESEARCH, scale.get(), scale.get());
    x = Eigen::Map<const Eigen::VectorXd>(N_VGetArrayPointer(u.get()), n);
    long iterations = 0, evaluations = 0;
    check(KINGetNumNonlinSolvIters(kin, &iterations), "KINGetNumNonlinSolvIters");
    check(KINGetNumFuncEvals(kin, &evaluations), "KINGetNumFuncEvals");
    report.iterations = static_cast<int>(iterations);
    report.residual_evaluations = static_cast<int>(evaluations);
    // Judge the result ourselves, with the same max-norm test as solve_newton.
    Eigen::VectorXd f;
    try {
        system.evaluate(x, f, nullptr);
        ++report.residual_evaluations;
        Eigen::Index worst = 0;
        report.residual_norm = f.size() ? f.cwiseAbs().maxCoeff(&worst) : 0.0;
        report.worst_index = static_cast<int>(worst);
        if (!f.allFinite()) {
            report.residual_norm = INFINITY;
        }
    } catch (const std::exception& e) {
        report.residual_norm = INFINITY;
        cb.last_error = e.what();
    }
    report.converged = flag >= 0 && report.residual_norm <= options.tolerance;
    if (!report.converged) {
        report.message = "KINSol returned " + flag_name(flag, "KINSol");
        if (flag >= 0) {
            report.message += " with max |F| = " + std::to_string(report.residual_norm);
        }
        if (!cb.kinsol_error.empty()) {
            report.message += "; " + cb.kinsol_error;
        }
        if (!cb.last_error.empty()) {
            report.message += "; last residual error: " + cb.last_error;
        }
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace reesx::solver
