// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `design` (one cascade sized for its targets) and `separate` (a plant of
// cascades for several products).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "Bindings.h"
#include "Document.h"
#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/Separate.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/PlantOutput.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

using reesx::python::Document;
using reesx::python::release_gil;

struct DesignOutput {
    reesx::DesignSpec spec;
    reesx::DesignResult result;
};

struct SeparateOutput {
    reesx::SeparateSpec spec;
    reesx::SeparateResult result;
};

}  // namespace

void reesx::python::bind_design(py::module_& m)
{
    py::class_<DesignOutput>(m, "DesignOutput")
        .def("summary",
             [](const DesignOutput& o) {
                 return to_python(reesx::io::design_summary(o.spec, o.result));
             })
        .def("text",
             [](const DesignOutput& o) { return reesx::io::format_design(o.spec, o.result); })
        .def_property_readonly("case_yaml", [](const DesignOutput& o) {
            return o.result.three_outlet ? o.result.three_outlet->case_yaml : o.result.case_yaml;
        });
    m.def(
        "design",
        [](Document& document) {
            auto out = std::make_unique<DesignOutput>();
            out->spec = reesx::parse_design(document.root());
            out->result = reesx::design(out->spec);
            return out;
        },
        release_gil());

    py::class_<SeparateOutput>(m, "SeparateOutput")
        .def("summary",
             [](const SeparateOutput& o) {
                 return to_python(reesx::io::separate_summary(o.spec, o.result));
             })
        .def("text",
             [](const SeparateOutput& o) { return reesx::io::format_separate(o.spec, o.result); })
        .def("plant_yaml",
             [](const SeparateOutput& o) { return reesx::plant_file_yaml(o.spec, o.result); })
        .def("dot", [](const SeparateOutput& o) { return reesx::plant_dot(o.spec, o.result); });
    m.def(
        "separate",
        [](Document& document) {
            auto out = std::make_unique<SeparateOutput>();
            out->spec = reesx::parse_separate(document.root());
            out->result = reesx::separate(out->spec);
            return out;
        },
        release_gil());
}
