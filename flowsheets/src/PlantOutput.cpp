// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/PlantOutput.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "reesx/io/Results.h"
#include "reesx/io/SeparateImpurityOutput.h"

#include "PlantImpurityOutput.h"

namespace reesx::io {
namespace {

//! A plant's reagents in the keys of `run`'s (saponification base and HCl fed, mol/h and kg/h,
//! and kg per kg REO of product), with the plant's older keys (base_mol_per_h, hcl_mol_per_h,
//! mol per kg product) beside them.
//! `acid` names the keys ("hcl", or "h2so4" with hcl_mol_per_h then mol H2SO4 and
//! `acid_kg_per_mol` its molar mass).
nlohmann::json plant_reagents_json(double base_mol_per_h, double base_kg_per_h,
                                   double hcl_mol_per_h, double product_kg_per_h,
                                   const std::string& acid = "hcl",
                                   double acid_kg_per_mol = 36.461e-3)  // IUPAC, HCl
{
    const double hcl_kg_per_h = hcl_mol_per_h * acid_kg_per_mol;
    const auto per_kg = [&](double x) {
        return product_kg_per_h > 0.0 ? x / product_kg_per_h : 0.0;
    };
    return {{"saponification_base_mol_per_h", base_mol_per_h},
            {"base_kg_per_h", base_kg_per_h},
            {acid + "_fed_mol_per_h", hcl_mol_per_h},
            {acid + "_fed_kg_per_h", hcl_kg_per_h},
            {"product_kg_reo_per_h", product_kg_per_h},
            {"base_kg_per_kg_product", per_kg(base_kg_per_h)},
            {acid + "_fed_kg_per_kg_product", per_kg(hcl_kg_per_h)},
            {"base_mol_per_h", base_mol_per_h},
            {acid + "_mol_per_h", hcl_mol_per_h},
            {"base_mol_per_kg_product", per_kg(base_mol_per_h)},
            {acid + "_mol_per_kg_product", per_kg(hcl_mol_per_h)}};
}

//! The acid a plant buys: "HCl", "H2SO4" when every cascade runs in a sulfate medium, or
//! "HCl and H2SO4" (its H+ then summed, as HCl's keys).
std::string plant_acid(const PlantResult& r)
{
    int sulfate = 0;
    for (const auto& c : r.specs) {
        sulfate += c.medium.sulfate ? 1 : 0;
    }
    if (sulfate == 0) {
        return "HCl";
    }
    return sulfate == static_cast<int>(r.specs.size()) ? "H2SO4" : "HCl and H2SO4";
}

}  // namespace

nlohmann::json separate_summary(const SeparateSpec& spec, const SeparateResult& r)
{
    using nlohmann::json;
    json j;
    j["reesx_version"] = version();
    j["command"] = "separate";
    j["input"] = {{"system", spec.system.name},
                  {"feed", spec.feed.name},
                  {"feed_re_mol_per_h", spec.feed_re_mol_per_h},
                  {"purity", spec.purity},
                  {"linked", spec.linked},
                  {"lump_below", spec.lump_below},
                  {"threshold", spec.lump_below},  // the old name, kept for scripts
                  {"objective",
                   {{"stage_weight", spec.stage_weight}, {"reagent_weight", spec.reagent_weight}}}};
    json cascades = json::array();
    for (const auto& c : r.cascades) {
        const DesignResult& d = c.design;
        cascades.push_back(
            {{"index", c.index},
             {"split", c.split},
             {"feed_from", c.feed_from},
             {"product_A_to", c.product_a_to},
             {"product_B_to", c.product_b_to},
             {"purity_target", {{"A", d.targets.purity_a}, {"B", d.targets.purity_b}}},
             {"stage_counts", {{"extraction", d.n}, {"scrub", d.m}, {"strip", d.strip}}},
             // the old name of stage_counts (docs/interface.md)
             {"stages", {{"extraction", d.n}, {"scrub", d.m}, {"strip", d.strip}}},
             {"flows",
              {{"feed", d.feed_flow_L_per_h},
               {"organic", d.organic_flow_L_per_h},
               {"scrub", d.scrub_flow_L_per_h},
               {"strip", d.strip_flow_L_per_h},
               {"unit", "L/h"}}},
             {"reflux", {{"S", d.s}, {"W", d.w}, {"S_min", d.theory.s_min}}},
             {"shortcut_stages", d.theory.n + d.theory.m},
             {"reagents",
              {{"base_mol_per_h", d.simulation.reagents.saponification_base_mol_per_h},
               {"hcl_mol_per_h", d.simulation.reagents.scrub_acid_h_mol_per_h +
                                     d.simulation.reagents.strip_acid_h_mol_per_h}}},
             {"case", d.case_yaml}});
    }
    j["cascades"] = cascades;
    json products = json::array();
    for (const auto& p : r.products) {
        json group_elements = json::array();
        for (const int e : p.elements) {
            group_elements.push_back(elements()[e].symbol);
        }
        products.push_back({{"element", p.name},
                            {"group", p.elements.size() > 1},
                            {"elements", group_elements},
                            {"main_element", elements()[p.main_element].symbol},
                            {"main_element_purity", p.main_element_purity},
                            {"stream", p.stream},
                            {"purity", p.purity},
                            {"recovery", p.recovery},
                            {"re_mol_per_h", p.re_mol_per_h},
                            {"kg_reo_per_h", p.kg_reo_per_h}});
    }
    j["products"] = products;
    j["total_stages"] = r.total_stages;
    {
        double base_kg_per_h = 0.0, product_kg_per_h = 0.0;
        for (const auto& c : r.cascades) {
            base_kg_per_h += c.design.simulation.reagents.base_kg_per_h;
        }
        for (const auto& p : r.products) {
            product_kg_per_h += p.kg_reo_per_h;
        }
        j["reagents"] =
            plant_reagents_json(r.base_mol_per_h, base_kg_per_h, r.hcl_mol_per_h, product_kg_per_h);
    }
    json sequences = json::array();
    for (const auto& s : r.sequences) {
        sequences.push_back({{"cuts", s.cuts},
                             {"objective", s.objective},
                             {"shortcut_stages", s.shortcut_stages},
                             {"reagent_mol_per_mol_feed", s.reagent_mol_per_mol}});
    }
    j["sequences"] = sequences;
    j["mass_balance_relative_error"] = r.mass_balance_relative_error;
    j["linked"] = spec.linked;
    if (r.independent) {
        const PlantTotals& i = *r.independent;
        j["independent"] = {{"total_stages", i.total_stages},
                            {"base_mol_per_h", i.base_mol_per_h},
                            {"hcl_mol_per_h", i.hcl_mol_per_h}};
        j["linked_saves"] = {{"base_mol_per_h", i.base_mol_per_h - r.base_mol_per_h},
                             {"hcl_mol_per_h", i.hcl_mol_per_h - r.hcl_mol_per_h},
                             {"base_fraction", 1.0 - r.base_mol_per_h / i.base_mol_per_h},
                             {"hcl_fraction", 1.0 - r.hcl_mol_per_h / i.hcl_mol_per_h}};
    }
    j["notes"] = r.notes;
    j["warnings"] = spec.warnings;
    for (const auto& w : r.warnings) {
        j["warnings"].push_back(w);
    }
    if (r.impurity_removal) {
        j["impurity_removal"] = impurity_removal_json(r);
        for (const auto& w : r.impurity_removal->warnings) {
            j["warnings"].push_back(w);
        }
    }
    j["simulations"] = r.simulations;
    j["seconds"] = r.seconds;
    return j;
}

std::string format_separate(const SeparateSpec& spec, const SeparateResult& r)
{
    std::ostringstream out;
    char line[512];
    out << (spec.linked ? "Linked full" : "Full") << " separation of " << spec.feed.name << " with "
        << spec.system.name << ", " << spec.feed_re_mol_per_h << " mol/h RE, target purity "
        << spec.purity << "\n\n";
    std::snprintf(line, sizeof line, "  %3s %-14s %-28s %6s %6s %6s %9s %12s %12s\n", "#", "split",
                  "fed from", "n", "m", "strip", "shortcut", "organic L/h", "scrub L/h");
    out << line;
    for (const auto& c : r.cascades) {
        const DesignResult& d = c.design;
        std::snprintf(line, sizeof line, "  %3d %-14s %-28s %6d %6d %6d %9.1f %12.5g %12.5g\n",
                      c.index, c.split.c_str(), c.feed_from.c_str(), d.n, d.m, d.strip,
                      d.theory.n + d.theory.m, d.organic_flow_L_per_h, d.scrub_flow_L_per_h);
        out << line;
    }
    std::snprintf(line, sizeof line, "  total stages: %d\n\n", r.total_stages);
    out << line;
    const bool any_group = std::any_of(r.products.begin(), r.products.end(),
                                       [](const PlantProduct& p) { return p.elements.size() > 1; });
    std::snprintf(line, sizeof line, "  %-14s %-30s %12s %12s %12s%s\n", "product", "stream",
                  "purity", "recovery", "kg REO/h", any_group ? "  main element" : "");
    out << line;
    for (const auto& p : r.products) {
        // A group's purity is of the group; its main element's share is printed beside it.
        char main[64] = "";
        if (p.elements.size() > 1) {
            std::snprintf(main, sizeof main, "  %s %.8f",
                          std::string(elements()[p.main_element].symbol).c_str(),
                          p.main_element_purity);
        }
        std::snprintf(line, sizeof line, "  %-14s %-30s %12.8f %12.8f %12.5g%s%s\n", p.name.c_str(),
                      p.stream.c_str(), p.purity, p.recovery, p.kg_reo_per_h, main,
                      p.purity < spec.purity ? "  (below target)" : "");
        out << line;
    }
    std::snprintf(line, sizeof line,
                  "\n  Reagents: base %.6g mol/h, HCl %.6g mol/h; per kg REO of product: %.4g "
                  "mol base, %.4g mol HCl\n",
                  r.base_mol_per_h, r.hcl_mol_per_h, r.base_mol_per_kg_product,
                  r.hcl_mol_per_kg_product);
    out << line;
    if (r.independent) {
        const PlantTotals& i = *r.independent;
        std::snprintf(
            line, sizeof line,
            "  The same cuts as independent cascades: %d stages, base %.6g mol/h, HCl "
            "%.6g mol/h;\n  linked saves %.6g mol/h base (%.1f %%) and %.6g mol/h HCl "
            "(%.1f %%), with %+d stages\n",
            i.total_stages, i.base_mol_per_h, i.hcl_mol_per_h, i.base_mol_per_h - r.base_mol_per_h,
            100.0 * (1.0 - r.base_mol_per_h / i.base_mol_per_h), i.hcl_mol_per_h - r.hcl_mol_per_h,
            100.0 * (1.0 - r.hcl_mol_per_h / i.hcl_mol_per_h), r.total_stages - i.total_stages);
        out << line;
    }
    std::snprintf(line, sizeof line, "  Plant element balance: max relative error %.2g\n\n",
                  r.mass_balance_relative_error);
    out << line;
    out << "  Sequences (short-cut ranking; the first is the one designed):\n";
    for (const auto& s : r.sequences) {
        std::snprintf(line, sizeof line, "    objective %9.2f  stages %7.1f  reagent %7.3f  %s\n",
                      s.objective, s.shortcut_stages, s.reagent_mol_per_mol, s.cuts.c_str());
        out << line;
    }
    for (const auto& n : r.notes) {
        out << "  note: " << n << "\n";
    }
    for (const auto& w : spec.warnings) {
        out << "\nwarning: " << w << "\n";
    }
    for (const auto& w : r.warnings) {
        out << "\nwarning: " << w << "\n";
    }
    std::snprintf(line, sizeof line, "\n  %d cascade simulations, %.3f s\n", r.simulations,
                  r.seconds);
    out << line << format_impurity_removal(r);
    return out.str();
}

}  // namespace reesx::io

namespace reesx::io {
namespace {

nlohmann::json plant_elements(const PlantResult& r, const std::array<double, num_elements>& values)
{
    nlohmann::json out = nlohmann::json::object();
    for (int e = 0; e < num_elements; ++e) {
        if (r.feed_mol_per_h[e] > 0.0) {
            out[species_symbol(e)] = values[e];
        }
    }
    return out;
}

std::string elements_text(const std::vector<int>& list)
{
    std::string text;
    for (const int e : list) {
        text += text.empty() ? "" : "+";
        text += species_symbol(e);
    }
    return text;
}

//! Where an outlet goes: the streams that take it, and "product" for what is left.
std::string destinations(const PlantSpec& spec, const PlantResult& r, int c,
                         const std::string& outlet)
{
    std::string text;
    for (const auto& s : spec.streams) {
        if (s.from == c && s.outlet == outlet) {
            text += text.empty() ? "" : ", ";
            text += spec.cascade_names[s.to] + "." + std::string(inlet_name(s.inlet));
            if (s.fraction) {
                char share[32];
                std::snprintf(share, sizeof share, " (%.4g)", *s.fraction);
                text += share;
            } else if (s.flow_L_per_h) {
                char share[40];
                std::snprintf(share, sizeof share, " (%.5g L/h)", *s.flow_L_per_h);
                text += share;
            }
        }
    }
    for (const auto& p : r.products) {
        if (p.cascade == c && p.outlet == outlet) {
            text += text.empty() ? "" : ", ";
            text += "product " + p.name;
        }
    }
    return text.empty() ? "-" : text;
}

}  // namespace

nlohmann::json plant_run_summary(const PlantSpec& spec, const PlantResult& r)
{
    using nlohmann::json;
    json j;
    j["reesx_version"] = version();
    j["command"] = "run";
    json streams_in = json::array();
    for (const auto& s : spec.streams) {
        json entry = {{"from", spec.cascade_names[s.from] + "." + s.outlet},
                      {"to", spec.cascade_names[s.to] + "." + std::string(inlet_name(s.inlet))},
                      {"stage", s.stage}};
        if (s.fraction) {
            entry["fraction"] = *s.fraction;
        }
        if (s.flow_L_per_h) {
            entry["flow_L_per_h"] = *s.flow_L_per_h;
        }
        streams_in.push_back(entry);
    }
    json cascades_in = json::object();
    for (std::size_t c = 0; c < r.specs.size(); ++c) {
        cascades_in[spec.cascade_names[c]] = resolved_input(r.specs[c]);
    }
    j["input"] = {{"name", spec.name},
                  {"file", spec.source_file},
                  {"cascades", cascades_in},
                  {"streams", streams_in},
                  {"solver",
                   {{"method", spec.method},
                    {"tolerance", spec.tolerance},
                    {"max_iterations", spec.max_iterations}}}};
    j["converged"] = true;
    j["plant"] = true;
    json products = json::object(), recovery = json::object();
    for (const auto& p : r.products) {
        json elements_json = json::array();
        for (const int e : p.elements) {
            elements_json.push_back(species_symbol(e));
        }
        double kg = 0.0;
        for (int e = 0; e < num_elements; ++e) {
            kg += p.value.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1e3;
        }
        products[p.name] = {{"cascade", spec.cascade_names[p.cascade]},
                            {"outlet", p.outlet},
                            {"phase", phase_name(p.value.phase)},
                            {"flow_L_per_h", p.value.flow_L_per_h},
                            {"re_mol_per_h", p.value.re_mol_per_h()},
                            {"kg_reo_per_h", kg},
                            {"composition", plant_elements(r, p.composition)},
                            {"mol_per_h", plant_elements(r, p.value.mol_per_h)},
                            {"elements", elements_json},
                            {"purity", p.purity}};
        if (p.target) {
            products[p.name]["purity_target"] = *p.target;
            products[p.name]["meets_target"] = p.purity >= *p.target;
        }
        recovery[p.name] = plant_elements(r, p.recovery);
    }
    j["products"] = products;
    j["recovery"] = recovery;
    j["mass_balance_relative_error"] = r.mass_balance_relative_error;
    j["balance"] = {{"feed_mol_per_h", plant_elements(r, r.feed_mol_per_h)},
                    {"product_mol_per_h", plant_elements(r, r.product_mol_per_h)},
                    {"relative_error", plant_elements(r, r.balance_relative_error)}};
    const double hcl = r.scrub_acid_h_mol_per_h + r.strip_acid_h_mol_per_h;
    double base_kg_per_h = 0.0;
    for (const auto& c : r.cascades) {
        base_kg_per_h += c.reagents.base_kg_per_h;
    }
    const std::string acid = plant_acid(r);
    j["reagents"] =
        acid == "H2SO4"
            ? plant_reagents_json(r.base_mol_per_h, base_kg_per_h, hcl / 2.0,
                                  r.product_kg_reo_per_h, "h2so4", 98.079e-3)  // IUPAC, H2SO4
            : plant_reagents_json(r.base_mol_per_h, base_kg_per_h, hcl, r.product_kg_reo_per_h);
    j["reagents"]["acid"] = acid;
    j["reagents"]["scrub_acid_h_mol_per_h"] = r.scrub_acid_h_mol_per_h;
    j["reagents"]["strip_acid_h_mol_per_h"] = r.strip_acid_h_mol_per_h;
    json streams = json::array();
    for (std::size_t k = 0; k < spec.streams.size(); ++k) {
        const auto& s = spec.streams[k];
        const StreamValue& v = r.streams[k];
        json composition = json::object();
        const double re = v.re_mol_per_h();
        for (int e = 0; e < num_elements; ++e) {
            if (r.feed_mol_per_h[e] > 0.0) {
                composition[species_symbol(e)] = re > 0.0 ? v.mol_per_h[e] / re : 0.0;
            }
        }
        streams.push_back(
            {{"from", spec.cascade_names[s.from] + "." + s.outlet},
             {"to", spec.cascade_names[s.to] + "." + std::string(inlet_name(s.inlet))},
             {"torn",
              std::find(r.tears.begin(), r.tears.end(), static_cast<int>(k)) != r.tears.end()},
             {"flow_L_per_h", v.flow_L_per_h},
             {"re_mol_per_h", re},
             {"composition", composition}});
    }
    j["streams"] = streams;
    json order = json::array(), tears = json::array();
    for (const int c : r.order) {
        order.push_back(spec.cascade_names[c]);
    }
    for (const int k : r.tears) {
        tears.push_back(spec.cascade_names[spec.streams[k].from] + "." + spec.streams[k].outlet +
                        " -> " + spec.cascade_names[spec.streams[k].to] + "." +
                        std::string(inlet_name(spec.streams[k].inlet)));
    }
    j["solver"] = {{"method", spec.method},
                   {"tolerance", spec.tolerance},
                   {"iterations", r.iterations},
                   {"tear_change", r.tear_change},
                   {"tear_streams", tears},
                   {"order", order},
                   {"cascade_solves", r.cascade_solves},
                   {"seconds", r.seconds}};
    json cascades = json::object();
    for (std::size_t c = 0; c < r.specs.size(); ++c) {
        json one = run_summary(r.specs[c], r.cascades[c]);
        one.erase("reesx_version");
        one.erase("command");
        cascades[spec.cascade_names[c]] = one;
    }
    j["cascades"] = cascades;
    j["warnings"] = r.warnings;
    add_plant_impurities(r, j);
    return j;
}

std::string format_plant_run(const PlantSpec& spec, const PlantResult& r, bool stage_profile)
{
    std::ostringstream out;
    char line[512];
    out << spec.name << "  (plant: " << r.specs.size() << " cascades, " << spec.streams.size()
        << " streams)\n";
    if (r.tears.empty()) {
        out << "No recycle: each cascade solved once, in the order";
    } else {
        std::snprintf(line, sizeof line,
                      "Recycle: %zu torn stream(s), converged in %d passes (%s, largest scaled "
                      "change %.2g <= %.2g); order",
                      r.tears.size(), r.iterations, spec.method.c_str(), r.tear_change,
                      spec.tolerance);
        out << line;
    }
    for (const int c : r.order) {
        out << " " << spec.cascade_names[c];
    }
    std::snprintf(line, sizeof line, "; %d cascade solves, %.3f s\n", r.cascade_solves, r.seconds);
    out << line;
    for (const int c : r.order) {
        const CaseSpec& cs = r.specs[c];
        const CascadeResult& cr = r.cascades[c];
        out << "\n" << spec.cascade_names[c];
        if (cs.name != spec.cascade_names[c]) {
            out << "  (" << cs.name << ")";
        }
        std::snprintf(line, sizeof line, "\n  stages %d + %d + %d, organic %.5g L/h, ",
                      cs.stages_extraction, cs.stages_scrub, cs.stages_strip,
                      cs.organic.flow_L_per_h);
        out << line;
        if (cs.model->saturated_organic()) {
            std::snprintf(line, sizeof line, "S %.4g, W %.4g (per mol fed), ", cr.reflux_S,
                          cr.reflux_W);
            out << line;
        }
        std::snprintf(line, sizeof line, "balance %.1e\n", cr.mass_balance_relative_error);
        out << line;
        std::snprintf(line, sizeof line, "  %-18s %12s %12s %-4s %12s  %s\n", "outlet", "flow L/h",
                      "RE mol/h", "main", "purity", "goes to");
        out << line;
        for (const auto& p : cr.products) {
            std::snprintf(line, sizeof line, "  %-18s %12.5g %12.5g %-4s %12.8f  %s\n",
                          p.name.c_str(), p.flow_L_per_h, p.re_mol_per_h,
                          p.re_mol_per_h > 0.0 ? species_symbol(p.main_element).c_str() : "-",
                          p.purity, destinations(spec, r, c, p.name).c_str());
            out << line;
        }
    }
    out << "\nPlant products\n";
    int width = 8;
    for (const auto& p : r.products) {
        width = std::max(width, static_cast<int>(elements_text(p.elements).size()));
    }
    std::snprintf(line, sizeof line, "  %-22s %-26s %12s %12s %-*s %12s %8s\n", "product", "outlet",
                  "flow L/h", "RE mol/h", width, "elements", "purity", "target");
    out << line;
    for (const auto& p : r.products) {
        const std::string from = spec.cascade_names[p.cascade] + "." + p.outlet;
        std::string target = "-";
        if (p.target) {
            char t[32];
            std::snprintf(t, sizeof t, "%.6g%s", *p.target, p.purity >= *p.target ? "" : " MISSED");
            target = t;
        }
        std::snprintf(line, sizeof line, "  %-22s %-26s %12.5g %12.5g %-*s %12.8f %8s\n",
                      p.name.c_str(), from.c_str(), p.value.flow_L_per_h, p.value.re_mol_per_h(),
                      width, elements_text(p.elements).c_str(), p.purity, target.c_str());
        out << line;
    }
    out << "\nPlant element balance (the cascades' own feeds against the products)\n";
    std::snprintf(line, sizeof line, "  %-3s %16s %16s %12s\n", "El", "feed mol/h",
                  "products mol/h", "rel. error");
    out << line;
    for (int e = 0; e < num_elements; ++e) {
        if (r.feed_mol_per_h[e] > 0.0) {
            std::snprintf(line, sizeof line, "  %-3s %16.8g %16.8g %12.2e\n",
                          species_symbol(e).c_str(), r.feed_mol_per_h[e], r.product_mol_per_h[e],
                          r.balance_relative_error[e]);
            out << line;
        }
    }
    std::snprintf(line, sizeof line, "  largest relative error %.2e\n",
                  r.mass_balance_relative_error);
    out << line;
    out << plant_impurity_table(r);
    const std::string acid = plant_acid(r);
    // H2SO4 counted in mol of the acid (two H+ each); mixed media as H+.
    const double per_acid = acid == "H2SO4" ? 2.0 : 1.0;
    const std::string acid_label = acid == "HCl and H2SO4" ? "acid H+ (HCl and H2SO4)" : acid;
    const double hcl = (r.scrub_acid_h_mol_per_h + r.strip_acid_h_mol_per_h) / per_acid;
    std::snprintf(line, sizeof line,
                  "\nReagents: saponification base %.6g mol/h, %s %.6g mol/h (H+ of scrub %.6g, "
                  "strip %.6g); per kg REO of product: %.4g mol base, %.4g mol %s\n",
                  r.base_mol_per_h, acid_label.c_str(), hcl, r.scrub_acid_h_mol_per_h,
                  r.strip_acid_h_mol_per_h, r.base_mol_per_h / r.product_kg_reo_per_h,
                  hcl / r.product_kg_reo_per_h, acid.c_str());
    out << line;
    for (const auto& w : r.warnings) {
        out << "warning: " << w << "\n";
    }
    if (stage_profile) {
        for (const int c : r.order) {
            out << "\n=== " << spec.cascade_names[c] << " ===\n"
                << format_run(r.specs[c], r.cascades[c], true);
        }
    }
    return out.str();
}

std::string plant_run_dot(const PlantSpec& spec, const PlantResult& result)
{
    std::ostringstream dot;
    dot << "digraph plant {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    for (std::size_t c = 0; c < spec.cascades.size(); ++c) {
        const CaseSpec& cascade = spec.cascades[c];
        dot << "  c" << c << " [shape=box, label=\"" << spec.cascade_names[c] << "\\n"
            << cascade.stages_extraction << " + " << cascade.stages_scrub << " + "
            << cascade.stages_strip << " stages\"];\n";
        for (std::size_t f = 0; f < cascade.feeds.size(); ++f) {
            const FeedSpec& feed = cascade.feeds[f];
            dot << "  f" << c << "_" << f << " [shape=box, style=rounded, label=\"feed\"];\n";
            dot << "  f" << c << "_" << f << " -> c" << c << " [label=\""
                << dot_stream_label(std::string(phase_name(feed.phase)) + " feed",
                                    feed.flow_L_per_h, feed.mole_fraction)
                << "\"];\n";
        }
    }
    for (std::size_t k = 0; k < spec.streams.size() && k < result.streams.size(); ++k) {
        const PlantStreamSpec& s = spec.streams[k];
        const StreamValue& v = result.streams[k];
        const double re = v.re_mol_per_h();
        std::array<double, num_elements> composition{};
        for (int e = 0; e < num_elements; ++e) {
            composition[e] = re > 0.0 ? v.mol_per_h[e] / re : 0.0;
        }
        const std::string name = s.outlet + " -> " + std::string(inlet_name(s.inlet));
        dot << "  c" << s.from << " -> c" << s.to << " [label=\""
            << dot_stream_label(name, v.flow_L_per_h, composition) << "\"];\n";
    }
    for (std::size_t p = 0; p < result.products.size(); ++p) {
        const PlantProductResult& product = result.products[p];
        char purity[32];
        std::snprintf(purity, sizeof purity, "%.6g", product.purity);
        dot << "  p" << p << " [shape=ellipse, label=\"" << product.name << "\\npurity " << purity
            << "\"];\n";
        dot << "  c" << product.cascade << " -> p" << p << " [label=\""
            << dot_stream_label(product.outlet, product.value.flow_L_per_h, product.composition)
            << "\"];\n";
    }
    dot << "}\n";
    return dot.str();
}

}  // namespace reesx::io
