// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: the C++ library as Python sees it. Inputs are YAML documents parsed by the
// library's own parser (so that errors keep their file, line and column), results keep the
// library's structures and give the same JSON summaries as the command line. Every solve
// runs with the GIL released. The user-facing API is the pure-Python package around it.#include
// <pybind11/pybind11.h>

#include "Bindings.h"

namespace py = pybind11;

PYBIND11_MODULE(_core, m)
{
    m.doc() = "reesx's C++ core; use the `reesx` package.";
    m.attr("__version__") = REESX_VERSION;
    reesx::python::bind_errors(m);
    reesx::python::bind_cases(m);
    reesx::python::bind_design(m);
    reesx::python::bind_dynamic(m);
    reesx::python::bind_costs(m);
    reesx::python::bind_fit(m);
    reesx::python::bind_plant_optimize(m);
    reesx::python::bind_data(m);
}
