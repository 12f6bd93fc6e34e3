// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `optimize_plant` (`reesx optimize --plant`).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
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
           const std::string& purity_budget, const std::vector<double>& pareto_recovery,
           int pareto_capital, int robust, std::uint64_t seed, std::optional<double> percentile,
           int robust_radius) {
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
            reesx::costs::PlantFrontsRequest fronts;
            fronts.purities = pareto;
            fronts.recoveries = pareto_recovery;
            fronts.capital_points = pareto_capital;
            fronts.robust.samples = robust;
            fronts.robust.seed = seed;
            fronts.robust.percentile = percentile;
            fronts.robust.radius = robust_radius;
            fronts.robust.threads = threads;
            out->study = reesx::costs::run_plant_optimize_study(out->spec, options, fronts);
            return out;
        },
        py::arg("document"), py::arg("countries"), py::arg("threads") = 0, py::arg("scenario") = "",
        py::arg("extraction_side") = true, py::arg("pareto") = std::vector<double>{},
        py::arg("purity_budget") = "chosen", py::arg("pareto_recovery") = std::vector<double>{},
        py::arg("pareto_capital") = 0, py::arg("robust") = 0, py::arg("seed") = 1,
        py::arg("percentile") = std::nullopt, py::arg("robust_radius") = 2, release_gil());
}
