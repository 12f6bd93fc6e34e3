// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `design` (one cascade sized for its targets) and `separate` (a plant of
// cascades for several products).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>

#include "Bindings.h"
#include "Document.h"
#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/flowsheets/Separate.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/DesignUncertaintyOutput.h"
#include "reesx/io/PlantOutput.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

using reesx::python::Document;
using reesx::python::release_gil;

struct DesignOutput {
    reesx::DesignSpec spec;
    reesx::DesignResult result;
    std::optional<reesx::DesignUncertainty> uncertainty;  //!< with uncertainty=N
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
                 // What `reesx design --uncertainty N --json` writes.
                 auto j = reesx::io::design_summary(o.spec, o.result);
                 if (o.uncertainty) {
                     j["uncertainty"] = reesx::io::design_uncertainty_json(*o.uncertainty);
                 }
                 return to_python(j);
             })
        .def("text",
             [](const DesignOutput& o) {
                 std::string text = reesx::io::format_design(o.spec, o.result);
                 if (o.uncertainty) {
                     text += reesx::io::format_design_uncertainty(*o.uncertainty, o.result);
                 }
                 return text;
             })
        .def_property_readonly("case_yaml", [](const DesignOutput& o) {
            return o.result.three_outlet ? o.result.three_outlet->case_yaml : o.result.case_yaml;
        });
    m.def(
        "design",
        [](Document& document, int uncertainty, std::uint64_t seed, int threads) {
            auto out = std::make_unique<DesignOutput>();
            out->spec = reesx::parse_design(document.root());
            out->result = reesx::design(out->spec);
            if (uncertainty > 0) {
                const int used =
                    threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
                out->uncertainty = reesx::design_uncertainty(out->spec, out->result, uncertainty,
                                                             seed, std::max(1, used));
            }
            return out;
        },
        py::arg("document"), py::arg("uncertainty") = 0, py::arg("seed") = 1,
        py::arg("threads") = 0, release_gil());

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
