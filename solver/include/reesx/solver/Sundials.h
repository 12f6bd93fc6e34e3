// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// RAII owners for SUNDIALS 6.4 objects and a checked-call helper. Every SUNDIALS handle
// reesx creates lives in one of these; every return code goes through check(). The context
// is owned by sundials::Context (<sundials/sundials_context.hpp>), which must outlive every
// object created with it: declare it first so that it is destroyed last.
#pragma once

#include <ida/ida.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nonlinearsolver.h>
#include <sundials/sundials_context.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace reesx::solver {

//! A SUNDIALS call or a solver callback failed. A recoverable error thrown from a residual
//! callback asks the solver for a shorter step (IDA reduces the time step) instead of
//! stopping.
class SolverError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    SolverError(const std::string& what, bool recoverable)
        : std::runtime_error(what), recoverable_(recoverable)
    {
    }
    bool recoverable() const noexcept { return recoverable_; }

private:
    bool recoverable_ = false;
};

struct NVectorDeleter {
    void operator()(N_Vector v) const { N_VDestroy(v); }
};
struct MatrixDeleter {
    void operator()(SUNMatrix m) const { SUNMatDestroy(m); }
};
struct LinearSolverDeleter {
    void operator()(SUNLinearSolver s) const { SUNLinSolFree(s); }
};
struct NonlinearSolverDeleter {
    void operator()(SUNNonlinearSolver s) const { SUNNonlinSolFree(s); }
};
struct IdaDeleter {
    void operator()(void* mem) const { IDAFree(&mem); }
};

using NVectorPtr = std::unique_ptr<std::remove_pointer_t<N_Vector>, NVectorDeleter>;
using MatrixPtr = std::unique_ptr<std::remove_pointer_t<SUNMatrix>, MatrixDeleter>;
using LinearSolverPtr =
    std::unique_ptr<std::remove_pointer_t<SUNLinearSolver>, LinearSolverDeleter>;
using NonlinearSolverPtr =
    std::unique_ptr<std::remove_pointer_t<SUNNonlinearSolver>, NonlinearSolverDeleter>;
using IdaPtr = std::unique_ptr<void, IdaDeleter>;

//! Symbolic name of a return flag ("IDA_TOO_MUCH_WORK") when the call that returned it is an
//! IDA one (its name starts with IDA); other calls give "flag <number>".
std::string flag_name(long flag, const char* call);

//! Throws SolverError("<call> failed with <flag name>: <detail>") when flag < 0. `detail`
//! is typically the message SUNDIALS passed to the error handler.
inline void check(int flag, const char* call, const std::string& detail = "")
{
    if (flag < 0) {
        throw SolverError(std::string(call) + " failed with " + flag_name(flag, call) +
                          (detail.empty() ? "" : ": " + detail));
    }
}

//! Throws when a constructor returned null.
template <class T>
T check_created(T handle, const char* call)
{
    if (!handle) {
        throw SolverError(std::string(call) + " returned null (out of memory?)");
    }
    return handle;
}

}  // namespace reesx::solver
