// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A block-tridiagonal system solved by SUNDIALS KINSOL (line-search Newton) with a band
// linear solver filled from the system's analytic Jacobian blocks.
#include <sunlinsol/sunlinsol_band.h>
#include <sunmatrix/sunmatrix_band.h>

#include <chrono>
#include <cstdlib>

#include "reesx/solver/Newton.h"
#include "reesx/solver/Sundials.h"

namespace reesx::solver {
namespace {

struct Callbacks {
    BlockTridiagonalSystem* system = nullptr;
    BlockTridiagonalMatrix jacobian;
    Eigen::VectorXd x, f;
    std::string last_error;    //!< message of the last exception caught in a callback
    std::string kinsol_error;  //!< KINSOL's own last message
};

// Trampolines: exceptions never cross into C. A domain error is recoverable (KINSOL
// shortens the step); anything else stops the solve.
int residual_callback(N_Vector u, N_Vector fval, void* data)
{
    auto* cb = static_cast<Callbacks*>(data);
    try {
        const auto n = static_cast<Eigen::Index>(N_VGetLength(u));
        cb->x = Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(u), n);
        cb->system->evaluate(cb->x, cb->f, nullptr);
        Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(fval), n) = cb->f;
        return cb->f.allFinite() ? 0 : 1;
    } catch (const std::domain_error& e) {
        cb->last_error = e.what();
        return 1;
    } catch (const std::exception& e) {
        cb->last_error = e.what();
        return -1;
    }
}

int jacobian_callback(N_Vector u, N_Vector, SUNMatrix band, void* data, N_Vector, N_Vector)
{
    auto* cb = static_cast<Callbacks*>(data);
    try {
        const auto n = static_cast<Eigen::Index>(N_VGetLength(u));
        cb->x = Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(u), n);
        cb->system->evaluate(cb->x, cb->f, &cb->jacobian);
        SUNMatZero(band);
        const int blocks = cb->jacobian.num_blocks(), m = cb->jacobian.block_size();
        for (int k = 0; k < blocks; ++k) {
            for (int r = 0; r < m; ++r) {
                const sunindextype row = static_cast<sunindextype>(k) * m + r;
                for (int c = 0; c < m; ++c) {
                    const sunindextype col = static_cast<sunindextype>(k) * m + c;
                    SM_ELEMENT_B(band, row, col) = cb->jacobian.diag[k](r, c);
                    if (k > 0) {
                        SM_ELEMENT_B(band, row, col - m) = cb->jacobian.lower[k](r, c);
                    }
                    if (k + 1 < blocks) {
                        SM_ELEMENT_B(band, row, col + m) = cb->jacobian.upper[k](r, c);
                    }
                }
            }
        }
        return 0;
    } catch (const std::domain_error& e) {
        cb->last_error = e.what();
        return 1;
    } catch (const std::exception& e) {
        cb->last_error = e.what();
        return -1;
    }
}

void error_handler(int, const char* module, const char* function, char* message, void* data)
{
    static_cast<Callbacks*>(data)->kinsol_error =
        std::string(module) + "::" + function + ": " + message;
}

std::string flag_name(long flag)
{
    char* name = KINGetReturnFlagName(flag);
    std::string out = name ? name : "unknown flag";
    std::free(name);  // SUNDIALS 6.4 returns a malloc'ed string
    return out;
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

    sundials::Context context;
    Callbacks cb;
    cb.system = &system;
    cb.jacobian = BlockTridiagonalMatrix(blocks, m);
    NVectorPtr u(check_created(N_VNew_Serial(n, context), "N_VNew_Serial"));
    NVectorPtr scale(check_created(N_VNew_Serial(n, context), "N_VNew_Serial"));
    Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(u.get()), n) = x;
    N_VConst(1.0, scale.get());
    // Half-bandwidth 2m-1 covers the neighbouring blocks; the band LU needs mu + ml storage.
    const sunindextype half = 2 * static_cast<sunindextype>(m) - 1;
    MatrixPtr band(check_created(SUNBandMatrix(n, half, half, context), "SUNBandMatrix"));
    LinearSolverPtr linear(
        check_created(SUNLinSol_Band(u.get(), band.get(), context), "SUNLinSol_Band"));
    KinsolPtr mem(check_created(KINCreate(context), "KINCreate"));
    void* kin = mem.get();
    check(KINSetErrHandlerFn(kin, error_handler, &cb), "KINSetErrHandlerFn");
    check(KINInit(kin, residual_callback, u.get()), "KINInit");
    check(KINSetUserData(kin, &cb), "KINSetUserData");
    check(KINSetLinearSolver(kin, linear.get(), band.get()), "KINSetLinearSolver");
    check(KINSetJacFn(kin, jacobian_callback), "KINSetJacFn");
    check(KINSetFuncNormTol(kin, options.tolerance), "KINSetFuncNormTol");
    check(KINSetScaledStepTol(kin, 1e-300), "KINSetScaledStepTol");
    check(KINSetNumMaxIters(kin, options.max_iterations), "KINSetNumMaxIters");
    check(KINSetMaxSetupCalls(kin, 1), "KINSetMaxSetupCalls");  // fresh Jacobian each step
    check(KINSetMaxNewtonStep(kin, options.max_step * std::sqrt(static_cast<double>(n))),
          "KINSetMaxNewtonStep");

    const int flag = KINSol(kin, u.get(), KIN_LINESEARCH, scale.get(), scale.get());
    x = Eigen::Map<Eigen::VectorXd>(N_VGetArrayPointer(u.get()), n);
    long iterations = 0, evaluations = 0;
    check(KINGetNumNonlinSolvIters(kin, &iterations), "KINGetNumNonlinSolvIters");
    check(KINGetNumFuncEvals(kin, &evaluations), "KINGetNumFuncEvals");
    report.iterations = static_cast<int>(iterations);
    report.residual_evaluations = static_cast<int>(evaluations);
    Eigen::VectorXd f;
    try {
        system.evaluate(x, f, nullptr);
        Eigen::Index worst = 0;
        report.residual_norm = f.size() ? f.cwiseAbs().maxCoeff(&worst) : 0.0;
        report.worst_index = static_cast<int>(worst);
    } catch (const std::exception& e) {
        report.residual_norm = INFINITY;
        cb.last_error = e.what();
    }
    report.converged = flag >= 0 && report.residual_norm <= options.tolerance;
    if (!report.converged) {
        report.message = flag_name(flag) + (cb.kinsol_error.empty() ? "" : "; " + cb.kinsol_error) +
                         (cb.last_error.empty() ? "" : "; " + cb.last_error);
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace reesx::solver
