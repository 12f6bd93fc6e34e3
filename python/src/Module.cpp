// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: the C++ library as Python sees it. Inputs are YAML documents parsed by the
// library's own parser (so that errors keep their file, line and column), results keep the
// library's structures and give the same JSON summaries as the command line. Every solve
// runs with the GIL released. The user-facing API is the pure-Python package around it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "Convert.h"
#include "MonteCarlo.h"
#include "reesx/core/Error.h"
#include "reesx/costs/OptimizeReport.h"
#include "reesx/costs/PlantCost.h"
#include "reesx/costs/Report.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/Dynamic.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/Separate.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/DynamicOutput.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"
#include "reesx/thermo/Feeds.h"
#include "reesx/validation/Validation.h"

namespace py = pybind11;
using reesx::python::to_python;
using reesx::python::to_yaml;

namespace {

//! An input document (case, plant, design or separate file). Edits go to a YAML tree; the
//! next parse emits it and parses the text again, so that a bad edited value is reported at
//! its line in the emitted text, under the name "<source> (changed)".
class Document {
public:
    static Document from_file(const std::string& path)
    {
        return Document(reesx::InputNode::load_file(path));
    }
    static Document from_string(const std::string& text, const std::string& source)
    {
        return Document(reesx::InputNode::load_string(text, source));
    }
    static Document from_python(py::handle value, const std::string& source)
    {
        if (!py::isinstance<py::dict>(value)) {
            throw py::type_error("expected a dict for the case document");
        }
        return from_string(emit(to_yaml(value)), source);
    }

    //! The parsed document, after any edits.
    const reesx::InputNode& root()
    {
        if (changed_) {
            const std::string& source = root_.source_name();
            root_ = reesx::InputNode::load_string(
                emit(tree()), source.ends_with(" (changed)") ? source : source + " (changed)");
            changed_ = false;
        }
        return root_;
    }

    //! Sets the value at a key path (keys of maps, indices of lists); missing maps are made.
    void set(const std::vector<py::object>& path, py::handle value)
    {
        if (path.empty()) {
            throw py::key_error("empty key path");
        }
        const YAML::Node replacement = to_yaml(value);
        YAML::Node node = tree();
        for (std::size_t k = 0; k + 1 < path.size(); ++k) {
            node.reset(child(node, path[k], true));
        }
        if (py::isinstance<py::str>(path.back())) {
            node[path.back().cast<std::string>()] = replacement;
        } else {
            child(node, path.back(), false) = replacement;
        }
        changed_ = true;
        ++revision_;
    }

    //! The value at a key path as Python objects; KeyError when absent.
    py::object get(const std::vector<py::object>& path)
    {
        YAML::Node node = tree();
        for (const auto& key : path) {
            node.reset(child(node, key, false));
        }
        return to_python(node);
    }

    py::object to_dict() { return to_python(tree()); }
    std::string yaml() { return root().dump(); }
    std::string source_name() { return root().source_name(); }
    //! Counts the edits: a result solved at this revision is the document's current state.
    long revision() const { return revision_; }

private:
    explicit Document(reesx::InputNode root) : root_(std::move(root)) {}

    //! The document as an editable tree, made on first use.
    YAML::Node& tree()
    {
        if (!tree_) {
            tree_ = YAML::Load(root_.dump());
        }
        return *tree_;
    }

    static std::string emit(const YAML::Node& node)
    {
        YAML::Emitter out;
        out << node;
        return out.c_str();
    }

    static YAML::Node child(YAML::Node& node, const py::object& key, bool create)
    {
        if (py::isinstance<py::str>(key)) {
            const auto name = key.cast<std::string>();
            if (node.IsMap() && node[name]) {
                return node[name];
            }
            if (create && (node.IsMap() || node.IsNull())) {
                node[name] = YAML::Node(YAML::NodeType::Map);
                return node[name];
            }
            throw py::key_error(name);
        }
        const auto index = key.cast<long>();
        if (!node.IsSequence() || index < 0 || static_cast<std::size_t>(index) >= node.size()) {
            throw py::key_error(std::to_string(index));
        }
        return node[static_cast<std::size_t>(index)];
    }

    reesx::InputNode root_;
    std::optional<YAML::Node> tree_;
    bool changed_ = false;
    long revision_ = 0;
};

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

std::vector<std::string> component_symbols(const reesx::CaseSpec& spec)
{
    std::vector<std::string> out;
    for (int e : spec.components) {
        out.emplace_back(reesx::species_symbol(e));  // impurity ions after the rare earths
    }
    return out;
}

//! Stages × components of a stages × species matrix.
py::array_t<double> component_columns(const reesx::CaseSpec& spec, const Eigen::MatrixXd& m)
{
    const auto n = static_cast<py::ssize_t>(m.rows());
    const auto c = static_cast<py::ssize_t>(spec.components.size());
    py::array_t<double> out({n, c});
    auto view = out.mutable_unchecked<2>();
    for (py::ssize_t s = 0; s < n; ++s) {
        for (py::ssize_t k = 0; k < c; ++k) {
            view(s, k) = m(s, spec.components[static_cast<std::size_t>(k)]);
        }
    }
    return out;
}

template <typename Array>
py::array_t<double> components_of(const reesx::CaseSpec& spec, const Array& values)
{
    py::array_t<double> out(static_cast<py::ssize_t>(spec.components.size()));
    auto view = out.mutable_unchecked<1>();
    for (std::size_t k = 0; k < spec.components.size(); ++k) {
        // Arrays by rare earth (compositions) have no impurity entries: 0 there.
        const auto e = static_cast<std::size_t>(spec.components[k]);
        view(static_cast<py::ssize_t>(k)) = e < values.size() ? values[e] : 0.0;
    }
    return out;
}

py::array_t<double> vector_array(const std::vector<double>& values)
{
    return py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
}

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

struct DesignOutput {
    reesx::DesignSpec spec;
    reesx::DesignResult result;
};

struct OptimizeOutput {
    reesx::DesignSpec spec;
    reesx::costs::OptimizeResult result;
};

struct SeparateOutput {
    reesx::SeparateSpec spec;
    reesx::SeparateResult result;
};

struct DynamicOutput {
    reesx::CaseSpec spec;
    reesx::DynamicSpec dynamic;
    reesx::DynamicResult result;
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

py::dict element_dict(const reesx::ElementData& e)
{
    py::dict d;
    d["symbol"] = std::string(e.symbol);
    d["name"] = std::string(e.name);
    d["atomic_number"] = e.atomic_number;
    d["atomic_mass_g_per_mol"] = e.atomic_mass_g_per_mol;
    d["oxide"] = std::string(e.oxide);
    d["oxide_mass_per_element_mass"] = e.oxide_mass_per_element_mass();
    d["note"] = std::string(e.note);
    return d;
}

py::dict system_dict(const reesx::ExtractionSystem& s)
{
    py::dict d;
    d["name"] = s.name;
    d["description"] = s.description;
    d["conditions"] = s.conditions;
    d["loading_per_extractant"] = s.loading_per_extractant;
    d["loading_source"] = s.loading_source;
    py::dict k;
    for (int e : s.extraction_order()) {
        const auto& x = *s.extractability[e];
        py::dict entry;
        entry["log10_k"] = x.log10_k;
        entry["range"] = py::make_tuple(x.log10_k_low, x.log10_k_high);
        entry["source"] = x.source;
        entry["design_estimate"] = x.design_estimate;
        k[py::str(std::string(reesx::elements()[e].symbol))] = entry;
    }
    d["log10_extractability"] = k;
    d["sources"] = s.sources;
    d["origin"] = s.origin;
    return d;
}

py::dict feed_dict(const reesx::FeedComposition& f)
{
    py::dict d;
    d["name"] = f.name;
    d["description"] = f.description;
    d["source"] = f.source;
    d["notes"] = f.notes;
    d["origin"] = f.origin;
    py::dict mole, oxide;
    const auto oxide_fraction = f.oxide_mass_fraction();
    for (int e = 0; e < reesx::num_elements; ++e) {
        if (f.mole_fraction[e] > 0.0) {
            const std::string symbol(reesx::elements()[e].symbol);
            mole[py::str(symbol)] = f.mole_fraction[e];
            oxide[py::str(symbol)] = oxide_fraction[e];
        }
    }
    d["mole_fraction"] = mole;
    d["oxide_mass_fraction"] = oxide;
    d["kg_reo_per_mol"] = f.kg_reo_per_mol();
    d["concentration_mol_per_L"] =
        f.concentration_mol_per_L ? py::object(py::float_(*f.concentration_mol_per_L)) : py::none();
    return d;
}

void bind_errors(py::module_& m)
{
    // Python classes by exit code of the command line: 1 input, 2 no solution (infeasible or
    // not converged), 3 anything else reesx raises.
    static py::exception<reesx::Error> error(m, "Error", PyExc_RuntimeError);
    static py::exception<reesx::InputError> input(m, "InputError", error.ptr());
    static py::handle no_solution =
        PyErr_NewExceptionWithDoc("reesx._core.NoSolutionError",
                                  "The problem has no solution as stated or the solver "
                                  "did not converge (exit 2).",
                                  error.ptr(), nullptr);
    m.attr("NoSolutionError") = no_solution;
    static py::exception<reesx::InfeasibleError> infeasible(m, "InfeasibleError",
                                                            no_solution.ptr());
    static py::exception<reesx::ConvergenceError> convergence(m, "ConvergenceError",
                                                              no_solution.ptr());
    error.attr("exit_code") = static_cast<int>(reesx::ExitCode::internal);
    input.attr("exit_code") = static_cast<int>(reesx::ExitCode::bad_input);
    no_solution.attr("exit_code") = static_cast<int>(reesx::ExitCode::no_solution);
    // One translator: the most specific class first.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (const reesx::InputError& e) {
            input(e.what());
        } catch (const reesx::InfeasibleError& e) {
            infeasible(e.what());
        } catch (const reesx::ConvergenceError& e) {
            convergence(e.what());
        } catch (const reesx::Error& e) {
            error(e.what());
        }
    });
}

}  // namespace

PYBIND11_MODULE(_core, m)
{
    m.doc() = "reesx's C++ core; use the `reesx` package.";
    m.attr("__version__") = REESX_VERSION;
    bind_errors(m);

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

    // The solves run without the GIL (call_guard): parsing, solving and building the C++
    // results touch no Python object; the results are converted once the GIL is back.
    using release_gil = py::call_guard<py::gil_scoped_release>;
    m.def("run", &run_document, py::arg("document"), py::arg("previous") = nullptr, release_gil());

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

    py::class_<OptimizeOutput>(m, "OptimizeOutput")
        .def("summary",
             [](const OptimizeOutput& o) {
                 return to_python(reesx::costs::optimize_summary(o.spec, o.result));
             })
        .def("text", [](const OptimizeOutput& o) {
            return reesx::costs::format_optimize(o.spec, o.result);
        });
    m.def(
        "optimize",
        [](Document& document, const std::vector<std::string>& countries, int threads) {
            auto out = std::make_unique<OptimizeOutput>();
            out->spec = reesx::parse_design(document.root());
            reesx::costs::OptimizeOptions options;
            options.setup.data = reesx::costs::builtin_cost_data();
            options.countries = countries;
            options.threads = threads;
            out->result = reesx::costs::optimize(out->spec, options);
            return out;
        },
        py::arg("document"), py::arg("countries"), py::arg("threads") = 0, release_gil());

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

    m.def("elements", [] {
        py::list out;
        for (const auto& e : reesx::elements()) {
            out.append(element_dict(e));
        }
        return out;
    });
    m.def("elements_source", [] { return std::string(reesx::elements_source()); });
    m.def("system_names", &reesx::builtin_system_names);
    m.def("system", [](const std::string& name) {
        return system_dict(name.ends_with(".yaml") ? reesx::load_system_file(name)
                                                   : reesx::builtin_system(name));
    });
    m.def("feeds", [] {
        py::list out;
        for (const auto& f : reesx::builtin_feeds()) {
            out.append(feed_dict(f));
        }
        return out;
    });
    m.def("feed", [](const std::string& name) { return feed_dict(reesx::load_feed(name)); });
    m.def("countries", [] {
        return to_python(reesx::costs::countries_json(reesx::costs::builtin_cost_data()));
    });
}
