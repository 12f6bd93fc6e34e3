// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Results as numpy arrays and lists, by component (the rare earths, then the impurity ions).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "reesx/flowsheets/Case.h"

namespace reesx::python {

//! The symbols of the case's components, impurity ions after the rare earths.
std::vector<std::string> component_symbols(const CaseSpec& spec);

//! Stages × components of a stages × species matrix.
pybind11::array_t<double> component_columns(const CaseSpec& spec, const Eigen::MatrixXd& m);

//! The case's components of an array by species.
template <typename Array>
pybind11::array_t<double> components_of(const CaseSpec& spec, const Array& values)
{
    namespace py = pybind11;
    py::array_t<double> out(static_cast<py::ssize_t>(spec.components.size()));
    auto view = out.mutable_unchecked<1>();
    for (std::size_t k = 0; k < spec.components.size(); ++k) {
        // Arrays by rare earth (compositions) have no impurity entries: 0 there.
        const auto e = static_cast<std::size_t>(spec.components[k]);
        view(static_cast<py::ssize_t>(k)) = e < values.size() ? values[e] : 0.0;
    }
    return out;
}

pybind11::array_t<double> vector_array(const std::vector<double>& values);

}  // namespace reesx::python
