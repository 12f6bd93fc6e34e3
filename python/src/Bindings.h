// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The parts of the module reesx._core, each registered by its own file from Module.cpp.
#pragma once

#include <pybind11/pybind11.h>

namespace reesx::python {

//! The solves run without the GIL (call_guard): parsing, solving and building the C++
//! results touch no Python object; the results are converted once the GIL is back.
using release_gil = pybind11::call_guard<pybind11::gil_scoped_release>;

//! The exception classes, by exit code of the command line (Errors.cpp).
void bind_errors(pybind11::module_& m);
//! Document, run and its results (CaseBindings.cpp).
void bind_cases(pybind11::module_& m);
//! design and separate (DesignBindings.cpp).
void bind_design(pybind11::module_& m);
//! dynamic (DynamicBindings.cpp).
void bind_dynamic(pybind11::module_& m);
//! optimize, cost and validate (CostBindings.cpp).
void bind_costs(pybind11::module_& m);
//! fit: equilibrium parameters fitted to batch data (FitBindings.cpp).
void bind_fit(pybind11::module_& m);
//! optimize_plant (PlantOptimizeBindings.cpp).
void bind_plant_optimize(pybind11::module_& m);
//! The built-in elements, systems, feeds and countries (DataBindings.cpp).
void bind_data(pybind11::module_& m);

}  // namespace reesx::python
