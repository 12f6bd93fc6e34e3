// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: `optimize`, `cost` (with its Monte Carlo in chunks) and `validate`.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "Bindings.h"
#include "Document.h"
#include "MonteCarlo.h"
#include "reesx/core/Error.h"
#include "reesx/costs/OptimizeStudy.h"
#include "reesx/costs/PlantCost.h"
#include "reesx/costs/Report.h"
#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/validation/Validation.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

using reesx::python::Document;
using reesx::python::release_gil;

struct OptimizeOutput {
    reesx::DesignSpec spec;
    reesx::costs::OptimizeStudy study;
};

//! A costed case, or a costed plant file (then `study` is empty and the plant's summary and
//! table are kept).
struct CostOutput {
    reesx::CaseSpec spec;
    std::optional<reesx::costs::CostStudy> study;
    nlohmann::json plant_summary;
    std::string plant_text;
};

struct ValidateOutput {
    reesx::validation::Report report;
    std::string cases_dir;
    std::vector<std::string> only;
    bool strict = false;
};

}  // namespace

void reesx::python::bind_costs(py::module_& m)
{
    py::class_<OptimizeOutput>(m, "OptimizeOutput")
        .def("summary",
             [](const OptimizeOutput& o) {
                 return to_python(reesx::costs::optimize_study_json(o.spec, o.study));
             })
        .def("text", [](const OptimizeOutput& o) {
            return reesx::costs::format_optimize_study(o.spec, o.study);
        });
    m.def(
        "optimize",
        [](Document& document, const std::vector<std::string>& countries, int threads,
           const std::vector<double>& pareto, const std::vector<double>& pareto_recovery,
           int pareto_capital, int robust, std::optional<double> percentile, std::uint64_t seed,
           int robust_radius, int uncertainty, bool extraction_side, bool robust_fixed_reflux) {
            auto out = std::make_unique<OptimizeOutput>();
            out->spec = reesx::parse_design(document.root());
            reesx::costs::OptimizeOptions options;
            options.setup.data = reesx::costs::builtin_cost_data();
            options.countries = countries;
            options.threads = threads;
            options.extraction_side = extraction_side;
            reesx::costs::OptimizeStudyRequest request;
            request.pareto_purities = pareto;
            request.pareto_recoveries = pareto_recovery;
            request.pareto_capital = pareto_capital;
            request.robust_samples = robust;
            request.percentile = percentile;
            request.seed = seed;
            request.robust_radius = robust_radius;
            request.robust_fixed_reflux = robust_fixed_reflux;
            request.uncertainty = uncertainty;
            request.threads = threads;
            out->study = reesx::costs::run_optimize_study(out->spec, options, request);
            return out;
        },
        py::arg("document"), py::arg("countries"), py::arg("threads") = 0,
        py::arg("pareto") = std::vector<double>{},
        py::arg("pareto_recovery") = std::vector<double>{}, py::arg("pareto_capital") = 0,
        py::arg("robust") = 0, py::arg("percentile") = py::none(), py::arg("seed") = 1,
        py::arg("robust_radius") = 2, py::arg("uncertainty") = 0, py::arg("extraction_side") = true,
        py::arg("robust_fixed_reflux") = false, release_gil());

    py::class_<CostOutput>(m, "CostOutput")
        .def("summary",
             [](const CostOutput& o) {
                 return to_python(o.study ? reesx::costs::cost_summary(o.spec, *o.study)
                                          : o.plant_summary);
             })
        .def("text",
             [](const CostOutput& o) {
                 return o.study ? reesx::costs::format_cost(o.spec, o.study->model, o.study->run)
                                : o.plant_text;
             })
        .def_property_readonly(
            "monte_carlo_cost_usd_per_kg",
            [](const CostOutput& o) {
                if (!o.study || !o.study->run.monte_carlo) {
                    return py::array_t<double>(std::vector<py::ssize_t>{0, 0});
                }
                const auto& mc = o.study->run.monte_carlo;
                const auto rows = static_cast<py::ssize_t>(mc->cost_usd_per_kg.size());
                const auto cols = static_cast<py::ssize_t>(o.study->run.countries.size());
                py::array_t<double> out({rows, cols});
                auto view = out.mutable_unchecked<2>();
                for (py::ssize_t i = 0; i < rows; ++i) {
                    for (py::ssize_t c = 0; c < cols; ++c) {
                        view(i, c) = mc->cost_usd_per_kg[static_cast<std::size_t>(i)]
                                                        [static_cast<std::size_t>(c)];
                    }
                }
                return out;
            })
        // A chunk's samples (reesx.cost with an executor), and the result with the chunks
        // joined: the same summary, tables and files as one run of every sample.
        .def("monte_carlo_samples",
             [](const CostOutput& o) {
                 return o.study && o.study->run.monte_carlo
                            ? reesx::python::monte_carlo_samples(*o.study->run.monte_carlo)
                            : py::dict();
             })
        .def("with_monte_carlo", [](const CostOutput& o, const py::list& chunks, std::uint64_t seed,
                                    bool resimulated, int threads, double seconds) {
            if (!o.study) {
                throw reesx::InputError("a plant's cost has no Monte Carlo");
            }
            auto out = std::make_unique<CostOutput>(o);
            std::vector<std::string> codes;
            for (const auto& c : o.study->run.countries) {
                codes.push_back(c.code);
            }
            out->study->run.monte_carlo =
                reesx::python::join_monte_carlo(chunks, codes, seed, resimulated, threads, seconds);
            return out;
        });
    m.def(
        "cost",
        [](Document& document, const std::vector<std::string>& countries,
           const std::string& scenario, bool sensitivity, int samples, std::uint64_t seed,
           int threads, bool resimulate, std::uint64_t first_sample) {
            reesx::costs::CostRequest request;
            request.countries = countries;
            request.scenario = scenario;
            request.sensitivity = sensitivity;
            request.monte_carlo.samples = samples;
            request.monte_carlo.seed = seed;
            request.monte_carlo.threads = threads;
            request.monte_carlo.resimulate = resimulate;
            request.monte_carlo.first_sample = first_sample;
            auto out = std::make_unique<CostOutput>();
            if (reesx::is_plant_file(document.root())) {
                // A plant file: every cascade costed, the plant the sum (docs/costs.md).
                const reesx::PlantSpec plant = reesx::parse_plant(document.root());
                const reesx::PlantResult solved = reesx::solve_plant(plant);
                const auto study = reesx::costs::plant_cost_study(plant, solved, request);
                out->plant_summary = reesx::costs::plant_cost_summary(plant, solved, study);
                out->plant_text = reesx::costs::format_plant_cost(study);
                return out;
            }
            out->spec = reesx::parse_one_cascade(document.root(), "cost");
            out->study = reesx::costs::cost_study(out->spec, request);
            return out;
        },
        release_gil());

    py::class_<ValidateOutput>(m, "ValidateOutput")
        .def("summary",
             [](const ValidateOutput& o) {
                 return to_python(
                     reesx::validation::validate_summary(o.report, o.cases_dir, o.only, o.strict));
             })
        .def("text",
             [](const ValidateOutput& o) { return reesx::validation::format_report(o.report); })
        .def_property_readonly("ok",
                               [](const ValidateOutput& o) { return o.report.ok(!o.strict); });
    m.def(
        "validate",
        [](const std::string& cases_dir, const std::vector<std::string>& only, bool strict) {
            namespace v = reesx::validation;
            auto out = std::make_unique<ValidateOutput>();
            out->cases_dir = cases_dir;
            out->only = only;
            out->strict = strict;
            const auto folders = cases_dir.empty() ? v::embedded_case_files()
                                                   : v::case_files_from_directory(cases_dir);
            out->report = v::run(folders, only);
            return out;
        },
        release_gil());
}
