// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `optimize_plant` (`reesx optimize --plant`).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "Bindings.h"
#include "Document.h"
#include "reesx/core/Error.h"
#include "reesx/costs/PlantFronts.h"
#include "reesx/flowsheets/Separate.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

struct PlantOptimizeOutput {
    reesx::SeparateSpec spec;
    reesx::costs::PlantOptimizeStudy study;
};

}  // namespace

void reesx::python::bind_plant_optimize(py::module_& m)
{
    py::class_<PlantOptimizeOutput>(m, "PlantOptimizeOutput")
        .def("summary",
             [](const PlantOptimizeOutput& o) {
                 return to_python(reesx::costs::plant_optimize_study_json(o.spec, o.study));
             })
        .def("text", [](const PlantOptimizeOutput& o) {
            return reesx::costs::format_plant_optimize_study(o.spec, o.study);
        });
    m.def(
        "optimize_plant",
        [](Document& document, const std::vector<std::string>& countries, int threads,
           const std::string& scenario, bool extraction_side, const std::vector<double>& pareto,
           const std::string& purity_budget) {
            auto out = std::make_unique<PlantOptimizeOutput>();
            out->spec = reesx::parse_separate(document.root());
            reesx::costs::PlantOptimizeOptions options;
            options.request.countries = countries;
            options.request.scenario = scenario;
            options.threads = threads;
            options.extraction_side = extraction_side;
            if (purity_budget != "chosen" && purity_budget != "half") {
                throw reesx::InputError("purity_budget: expected 'chosen' or 'half', got '" +
                                        purity_budget + "'");
            }
            options.choose_budget = purity_budget == "chosen";
            out->study = reesx::costs::run_plant_optimize_study(out->spec, options, pareto);
            return out;
        },
        py::arg("document"), py::arg("countries"), py::arg("threads") = 0, py::arg("scenario") = "",
        py::arg("extraction_side") = true, py::arg("pareto") = std::vector<double>{},
        py::arg("purity_budget") = "chosen", release_gil());
}
