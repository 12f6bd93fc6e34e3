// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `fit` (docs/fit.md): batch data read by the library's own reader (so a bad row
// keeps its file, line and column), fitted with the CLI's code, and the same JSON summary,
// table and system file as `reesx fit`.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "Bindings.h"
#include "Convert.h"
#include "reesx/core/Error.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/thermo/ExtractionSystem.h"
#include "reesx/validation/Fit.h"
#include "reesx/validation/FitOutput.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

using reesx::python::release_gil;

struct FitOutput {
    reesx::validation::BatchData data;
    reesx::validation::FitResult result;
    std::string base_name;
};

py::array_t<double> to_array(const Eigen::MatrixXd& matrix)
{
    py::array_t<double> out(
        {static_cast<py::ssize_t>(matrix.rows()), static_cast<py::ssize_t>(matrix.cols())});
    auto view = out.mutable_unchecked<2>();
    for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
        for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
            view(i, j) = matrix(i, j);
        }
    }
    return out;
}

reesx::ExtractionSystem base_system(const std::string& name)
{
    return (name.ends_with(".yaml") || name.ends_with(".yml")) ? reesx::load_system_file(name)
                                                               : reesx::builtin_system(name);
}

}  // namespace

void reesx::python::bind_fit(py::module_& m)
{
    namespace v = reesx::validation;
    py::class_<FitOutput>(m, "FitOutput")
        .def("summary",
             [](const FitOutput& o) { return to_python(v::fit_summary(o.result, o.data)); })
        .def("text", [](const FitOutput& o) { return v::format_fit(o.result, o.data); })
        .def_property_readonly("covariance",
                               [](const FitOutput& o) { return to_array(o.result.covariance); })
        .def_property_readonly("correlation",
                               [](const FitOutput& o) { return to_array(o.result.correlation); })
        .def("system_yaml",
             [](const FitOutput& o, const std::string& name) {
                 return v::fitted_system_yaml(o.result, o.data,
                                              name.empty() ? o.base_name + "-fit" : name);
             })
        .def("write_system",
             [](const FitOutput& o, const std::string& path, const std::string& name) {
                 // Atomically, as `reesx fit -o`: a failed write leaves no half-written file.
                 reesx::io::write_text_atomically(
                     path, v::fitted_system_yaml(o.result, o.data,
                                                 name.empty() ? o.base_name + "-fit" : name));
             });
    m.def(
        "fit",
        [](const std::string& data, bool is_text, const std::string& source_name,
           const std::string& model, const std::string& system, double outlier_limit) {
            if (!(outlier_limit >= 1.0 && outlier_limit <= 100.0)) {
                throw reesx::InputError(
                    "fit: outlier_limit must be a number from 1 to 100 (the "
                    "|studentized residual| above which a point is an "
                    "outlier, as --outlier-limit); give e.g. 3");
            }
            v::FitOptions options;
            options.model = v::parse_fit_model(model);
            options.outlier_limit = outlier_limit;
            options.base = base_system(system);
            auto out = std::make_unique<FitOutput>();
            out->base_name = options.base.name;
            out->data = is_text ? v::parse_batch_data(data, source_name) : v::read_batch_data(data);
            out->result = v::fit(out->data, options);
            return out;
        },
        py::arg("data"), py::arg("is_text"), py::arg("source_name"), py::arg("model"),
        py::arg("system"), py::arg("outlier_limit"), release_gil());
}
