// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx._core: the built-in data (elements, extraction systems, feeds, countries).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "Bindings.h"
#include "Convert.h"
#include "reesx/costs/Report.h"
#include "reesx/thermo/Elements.h"
#include "reesx/thermo/Feeds.h"

namespace py = pybind11;
using reesx::python::to_python;

namespace {

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

}  // namespace

void reesx::python::bind_data(py::module_& m)
{
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
