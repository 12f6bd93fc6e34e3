// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: the input document, `run` and its results (one cascade or a plant).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <variant>
#include <vector>

#include "Arrays.h"
#include "Bindings.h"
#include "Document.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"
#include "reesx/thermo/Elements.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

using reesx::python::component_columns;
using reesx::python::component_symbols;
using reesx::python::components_of;
using reesx::python::Document;
using reesx::python::release_gil;
using reesx::python::vector_array;

//! What the reflux of a case is made of (interface.md: S = organic flow × loading / feed RE,
//! W = scrub flow × acid / 3 / feed RE).
py::dict reflux_basis(const reesx::CaseSpec& spec)
{
    const auto capacity = spec.organic_capacity_mol_per_L();
    py::dict d;
    d["feed_re_mol_per_h"] = spec.feed_re_mol_per_h();
    d["organic_flow_L_per_h"] = spec.organic.flow_L_per_h;
    d["loading_mol_per_L"] = capacity ? py::object(py::float_(*capacity)) : py::object(py::none());
    d["scrub_flow_L_per_h"] =
        spec.scrub ? py::object(py::float_(spec.scrub->flow_L_per_h)) : py::object(py::none());
    d["scrub_acid_mol_per_L"] =
        spec.scrub ? py::object(py::float_(spec.scrub->acid_mol_per_L)) : py::object(py::none());
    return d;
}

//! One cascade's steady state with the case it solved.
struct RunOutput {
    std::shared_ptr<const reesx::CaseSpec> spec;
    std::shared_ptr<const reesx::CascadeResult> result;
    //! Parse (of the edited document too), set-up and solve: the C++ part of a run (wall time).
    double core_seconds = 0.0;
};

struct PlantOutput {
    reesx::PlantSpec spec;
    reesx::PlantResult result;
};

//! Same stages and components: the previous steady state is a start for this one.
bool same_shape(const reesx::CaseSpec& a, const reesx::CaseSpec& b)
{
    return a.stages_extraction == b.stages_extraction && a.stages_scrub == b.stages_scrub &&
           a.stages_strip == b.stages_strip && a.components == b.components &&
           a.model_name == b.model_name;
}

//! Runs without the GIL (the caller releases it): touches no Python object.
std::variant<RunOutput, PlantOutput> run_document(Document& document, const RunOutput* previous)
{
    const auto start = std::chrono::steady_clock::now();
    const reesx::InputNode root = document.root();
    if (reesx::is_plant_file(root)) {
        PlantOutput out;
        out.spec = reesx::parse_plant(root);
        out.result = reesx::solve_plant(out.spec);
        return out;
    }
    RunOutput out;
    auto spec = std::make_shared<reesx::CaseSpec>(reesx::parse_case(root));
    reesx::Cascade cascade(*spec);
    const bool warm = previous != nullptr && same_shape(*previous->spec, *spec);
    out.result = std::make_shared<reesx::CascadeResult>(warm ? cascade.solve(*previous->result)
                                                             : cascade.solve());
    out.spec = std::move(spec);
    out.core_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace

void reesx::python::bind_cases(py::module_& m)
{
    py::class_<Document>(m, "Document")
        .def_static("from_file", &Document::from_file, py::arg("path"))
        .def_static("from_string", &Document::from_string, py::arg("text"), py::arg("source"))
        .def_static("from_python", &Document::from_python, py::arg("value"), py::arg("source"))
        .def("set", &Document::set)
        .def("get", &Document::get)
        .def("to_dict", &Document::to_dict)
        .def("yaml", &Document::yaml)
        .def_property_readonly("source_name", &Document::source_name)
        .def_property_readonly("revision", &Document::revision)
        .def("reflux_basis", [](Document& d) { return reflux_basis(reesx::parse_case(d.root())); })
        .def("is_plant", [](Document& d) { return reesx::is_plant_file(d.root()); })
        .def("check",
             [](Document& d) {
                 const reesx::InputNode& root = d.root();
                 if (reesx::is_plant_file(root)) {
                     reesx::parse_plant(root);
                 } else {
                     reesx::parse_case(root);
                 }
             })
        .def("resolved_input", [](Document& d) {
            return to_python(reesx::io::resolved_input(reesx::parse_case(d.root())));
        });

    py::class_<RunOutput>(m, "RunOutput")
        .def_property_readonly("reflux_basis",
                               [](const RunOutput& o) { return reflux_basis(*o.spec); })
        .def("summary",
             [](const RunOutput& o) {
                 return to_python(reesx::io::run_summary(*o.spec, *o.result));
             })
        .def("text", [](const RunOutput& o,
                        bool stages) { return reesx::io::format_run(*o.spec, *o.result, stages); })
        .def("write_hdf5",
             [](const RunOutput& o, const std::string& path) {
                 reesx::io::write_run_hdf5(path, *o.spec, *o.result);
             })
        .def_property_readonly("elements",
                               [](const RunOutput& o) { return component_symbols(*o.spec); })
        .def_property_readonly("sections",
                               [](const RunOutput& o) {
                                   std::vector<std::string> out;
                                   for (const auto s : o.result->sections) {
                                       out.emplace_back(reesx::section_name(s));
                                   }
                                   return out;
                               })
        .def_property_readonly("stage_counts",
                               [](const RunOutput& o) {
                                   return py::make_tuple(o.spec->stages_extraction,
                                                         o.spec->stages_scrub,
                                                         o.spec->stages_strip);
                               })
        .def_property_readonly("aqueous_mol_per_L",
                               [](const RunOutput& o) {
                                   return component_columns(*o.spec, o.result->aqueous_mol_per_L);
                               })
        .def_property_readonly("organic_mol_per_L",
                               [](const RunOutput& o) {
                                   return component_columns(*o.spec, o.result->organic_mol_per_L);
                               })
        .def_property_readonly(
            "aqueous_log10",
            [](const RunOutput& o) { return component_columns(*o.spec, o.result->aqueous_log10); })
        .def_property_readonly(
            "organic_log10",
            [](const RunOutput& o) { return component_columns(*o.spec, o.result->organic_log10); })
        .def_property_readonly(
            "aqueous_flow_L_per_h",
            [](const RunOutput& o) { return vector_array(o.result->aqueous_flow_L_per_h); })
        .def_property_readonly(
            "organic_flow_L_per_h",
            [](const RunOutput& o) { return vector_array(o.result->organic_flow_L_per_h); })
        .def_property_readonly("profile_names",
                               [](const RunOutput& o) { return o.result->profile_names; })
        .def_property_readonly("profiles",
                               [](const RunOutput& o) {
                                   const Eigen::MatrixXd& p = o.result->profiles;
                                   py::array_t<double> out({static_cast<py::ssize_t>(p.rows()),
                                                            static_cast<py::ssize_t>(p.cols())});
                                   auto view = out.mutable_unchecked<2>();
                                   for (Eigen::Index s = 0; s < p.rows(); ++s) {
                                       for (Eigen::Index k = 0; k < p.cols(); ++k) {
                                           view(s, k) = p(s, k);
                                       }
                                   }
                                   return out;
                               })
        .def_property_readonly(
            "products",
            [](const RunOutput& o) {
                py::list out;
                for (std::size_t p = 0; p < o.result->products.size(); ++p) {
                    const auto& prod = o.result->products[p];
                    py::dict d;
                    d["name"] = prod.name;
                    d["phase"] = std::string(reesx::phase_name(prod.phase));
                    d["stage"] = prod.stage;
                    d["flow_L_per_h"] = prod.flow_L_per_h;
                    d["re_mol_per_h"] = prod.re_mol_per_h;
                    d["mol_per_h"] = components_of(*o.spec, prod.mol_per_h);
                    d["composition"] = components_of(*o.spec, prod.composition);
                    d["main_element"] =
                        prod.main_element >= 0 && prod.re_mol_per_h > 0
                            ? std::string(reesx::elements()[prod.main_element].symbol)
                            : std::string();
                    d["purity"] = prod.purity;
                    d["recovery"] = components_of(*o.spec, o.result->recovery[p]);
                    out.append(d);
                }
                return out;
            })
        .def_property_readonly(
            "feed_mol_per_h",
            [](const RunOutput& o) { return components_of(*o.spec, o.result->feed_mol_per_h); })
        .def_property_readonly(
            "reflux",
            [](const RunOutput& o) {
                return o.spec->model->saturated_organic()
                           ? py::object(py::make_tuple(o.result->reflux_S, o.result->reflux_W))
                           : py::object(py::none());
            })
        .def_property_readonly(
            "mass_balance_relative_error",
            [](const RunOutput& o) { return o.result->mass_balance_relative_error; })
        .def_property_readonly("converged",
                               [](const RunOutput& o) { return o.result->solver.converged; })
        .def_property_readonly("iterations",
                               [](const RunOutput& o) { return o.result->solver.iterations; })
        .def_property_readonly("solve_seconds",
                               [](const RunOutput& o) { return o.result->solver.seconds; })
        .def_readonly("core_seconds", &RunOutput::core_seconds)
        .def_property_readonly("warnings", [](const RunOutput& o) { return o.result->warnings; });

    py::class_<PlantOutput>(m, "PlantOutput")
        .def("summary",
             [](const PlantOutput& o) {
                 return to_python(reesx::io::plant_run_summary(o.spec, o.result));
             })
        .def("text",
             [](const PlantOutput& o, bool stages) {
                 return reesx::io::format_plant_run(o.spec, o.result, stages);
             })
        .def("dot",
             [](const PlantOutput& o) { return reesx::io::plant_run_dot(o.spec, o.result); });
    m.def("run", &run_document, py::arg("document"), py::arg("previous") = nullptr, release_gil());
}
