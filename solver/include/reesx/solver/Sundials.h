// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// RAII owners for SUNDIALS 6.4 objects and a checked-call helper. Every SUNDIALS handle
// reesx creates lives in one of these; every return code goes through check().
#pragma once

#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>
#include <sundials/sundials_context.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace reesx::solver {

//! A SUNDIALS call failed (flag name and SUNDIALS' own message).
class SolverError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
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
struct KinsolDeleter {
    void operator()(void* mem) const { KINFree(&mem); }
};

using NVectorPtr = std::unique_ptr<std::remove_pointer_t<N_Vector>, NVectorDeleter>;
using MatrixPtr = std::unique_ptr<std::remove_pointer_t<SUNMatrix>, MatrixDeleter>;
using LinearSolverPtr =
    std::unique_ptr<std::remove_pointer_t<SUNLinearSolver>, LinearSolverDeleter>;
using KinsolPtr = std::unique_ptr<void, KinsolDeleter>;

//! Throws SolverError("<call> failed: <detail>") when flag < 0.
inline void check(int flag, const char* call, const std::string& detail = "")
{
    if (flag < 0) {
        throw SolverError(std::string(call) + " failed with flag " + std::to_string(flag) +
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
