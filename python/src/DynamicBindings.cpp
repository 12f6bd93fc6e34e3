// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `dynamic`, a cascade's start-up in time.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

#include "Arrays.h"
#include "Bindings.h"
#include "Document.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Dynamic.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/io/DynamicOutput.h"
#include "reesx/thermo/Elements.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

using reesx::python::component_columns;
using reesx::python::component_symbols;
using reesx::python::Document;
using reesx::python::release_gil;
using reesx::python::vector_array;

struct DynamicOutput {
    reesx::CaseSpec spec;
    reesx::DynamicSpec dynamic;
    reesx::DynamicResult result;
};

}  // namespace

void reesx::python::bind_dynamic(py::module_& m)
{
    py::class_<DynamicOutput>(m, "DynamicOutput")
        .def("summary",
             [](const DynamicOutput& o) {
                 return to_python(reesx::io::dynamic_summary(o.spec, o.dynamic, o.result));
             })
        .def("text",
             [](const DynamicOutput& o) {
                 return reesx::io::format_dynamic(o.spec, o.dynamic, o.result);
             })
        .def("write_hdf5",
             [](const DynamicOutput& o, const std::string& path) {
                 reesx::io::write_dynamic_hdf5(path, o.spec, o.result);
             })
        .def_property_readonly("elements",
                               [](const DynamicOutput& o) { return component_symbols(o.spec); })
        .def_property_readonly(
            "times_h", [](const DynamicOutput& o) { return vector_array(o.result.times_h); })
        .def_property_readonly(
            "products",
            [](const DynamicOutput& o) {
                py::list out;
                for (const auto& p : o.result.products) {
                    py::dict d;
                    d["name"] = p.name;
                    d["main_element"] = p.main_element >= 0
                                            ? std::string(reesx::elements()[p.main_element].symbol)
                                            : std::string();
                    d["purity"] = vector_array(p.purity);
                    d["re_mol_per_h"] = vector_array(p.re_mol_per_h);
                    d["time_to_target_h"] = p.time_to_target_h >= 0.0
                                                ? py::object(py::float_(p.time_to_target_h))
                                                : py::object(py::none());
                    out.append(d);
                }
                return out;
            })
        .def_property_readonly(
            "inventory_mol",
            [](const DynamicOutput& o) {
                const auto& inv = o.result.inventory_mol;
                const auto c = static_cast<py::ssize_t>(o.spec.components.size());
                py::array_t<double> out({static_cast<py::ssize_t>(inv.size()), c});
                auto view = out.mutable_unchecked<2>();
                for (std::size_t t = 0; t < inv.size(); ++t) {
                    for (py::ssize_t k = 0; k < c; ++k) {
                        view(static_cast<py::ssize_t>(t), k) =
                            inv[t][o.spec.components[static_cast<std::size_t>(k)]];
                    }
                }
                return out;
            })
        .def_property_readonly("aqueous_mol_per_L",
                               [](const DynamicOutput& o) {
                                   return component_columns(o.spec, o.result.aqueous_mol_per_L);
                               })
        .def_property_readonly("organic_mol_per_L", [](const DynamicOutput& o) {
            return component_columns(o.spec, o.result.organic_mol_per_L);
        });
    m.def(
        "dynamic",
        [](Document& document, std::optional<double> hours) {
            auto out = std::make_unique<DynamicOutput>();
            out->spec = reesx::parse_one_cascade(document.root(), "dynamic");
            out->dynamic = reesx::parse_dynamic(out->spec);
            if (hours) {
                if (!(*hours > 0.0)) {
                    throw reesx::InputError("hours: expected a positive time, found " +
                                            std::to_string(*hours));
                }
                out->dynamic.hours = *hours;
            }
            out->result = reesx::simulate_dynamic(out->spec, out->dynamic);
            return out;
        },
        py::arg("document"), py::arg("hours") = py::none(), release_gil());
}
