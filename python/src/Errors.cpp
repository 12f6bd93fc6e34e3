// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The exception classes of reesx._core.
#include "Bindings.h"
#include "reesx/core/Error.h"

namespace py = pybind11;

void reesx::python::bind_errors(py::module_& m)
{
    // Python classes by exit code of the command line: 1 input, 2 no solution (infeasible or
    // not converged), 3 anything else reesx raises.
    static py::exception<reesx::Error> error(m, "Error", PyExc_RuntimeError);
    static py::exception<reesx::InputError> input(m, "InputError", error.ptr());
    static py::handle no_solution =
        PyErr_NewExceptionWithDoc("reesx._core.NoSolutionError",
                                  "The problem has no solution as stated or the solver "
                                  "did not converge (exit 2).",
                                  error.ptr(), nullptr);
    m.attr("NoSolutionError") = no_solution;
    static py::exception<reesx::InfeasibleError> infeasible(m, "InfeasibleError",
                                                            no_solution.ptr());
    static py::exception<reesx::ConvergenceError> convergence(m, "ConvergenceError",
                                                              no_solution.ptr());
    error.attr("exit_code") = static_cast<int>(reesx::ExitCode::internal);
    input.attr("exit_code") = static_cast<int>(reesx::ExitCode::bad_input);
    no_solution.attr("exit_code") = static_cast<int>(reesx::ExitCode::no_solution);
    // One translator: the most specific class first.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (const reesx::InputError& e) {
            input(e.what());
        } catch (const reesx::InfeasibleError& e) {
            infeasible(e.what());
        } catch (const reesx::ConvergenceError& e) {
            convergence(e.what());
        } catch (const reesx::Error& e) {
            error(e.what());
        }
    });
}
