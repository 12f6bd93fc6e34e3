// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/PlantOutput.h"

#include <cstdio>
#include <sstream>

#include "reesx/io/Results.h"

namespace reesx::io {

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
                  {"threshold", spec.threshold},
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
        products.push_back({{"element", p.name},
                            {"stream", p.stream},
                            {"purity", p.purity},
                            {"recovery", p.recovery},
                            {"re_mol_per_h", p.re_mol_per_h},
                            {"kg_reo_per_h", p.kg_reo_per_h}});
    }
    j["products"] = products;
    j["total_stages"] = r.total_stages;
    j["reagents"] = {{"base_mol_per_h", r.base_mol_per_h},
                     {"hcl_mol_per_h", r.hcl_mol_per_h},
                     {"base_mol_per_kg_product", r.base_mol_per_kg_product},
                     {"hcl_mol_per_kg_product", r.hcl_mol_per_kg_product}};
    json sequences = json::array();
    for (const auto& s : r.sequences) {
        sequences.push_back({{"cuts", s.cuts},
                             {"objective", s.objective},
                             {"shortcut_stages", s.shortcut_stages},
                             {"reagent_mol_per_mol_feed", s.reagent_mol_per_mol}});
    }
    j["sequences"] = sequences;
    j["mass_balance_relative_error"] = r.mass_balance_relative_error;
    j["notes"] = r.notes;
    j["simulations"] = r.simulations;
    j["seconds"] = r.seconds;
    return j;
}

std::string format_separate(const SeparateSpec& spec, const SeparateResult& r)
{
    std::ostringstream out;
    char line[512];
    out << "Full separation of " << spec.feed.name << " with " << spec.system.name << ", "
        << spec.feed_re_mol_per_h << " mol/h RE, target purity " << spec.purity << "\n\n";
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
    std::snprintf(line, sizeof line, "  %-10s %-30s %12s %12s %12s\n", "product", "stream",
                  "purity", "recovery", "kg REO/h");
    out << line;
    for (const auto& p : r.products) {
        std::snprintf(line, sizeof line, "  %-10s %-30s %12.8f %12.8f %12.5g%s\n", p.name.c_str(),
                      p.stream.c_str(), p.purity, p.recovery, p.kg_reo_per_h,
                      p.purity < spec.purity ? "  (below target)" : "");
        out << line;
    }
    std::snprintf(line, sizeof line,
                  "\n  Reagents: base %.6g mol/h, HCl %.6g mol/h; per kg REO of product: %.4g "
                  "mol base, %.4g mol HCl\n",
                  r.base_mol_per_h, r.hcl_mol_per_h, r.base_mol_per_kg_product,
                  r.hcl_mol_per_kg_product);
    out << line;
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
    std::snprintf(line, sizeof line, "\n  %d cascade simulations, %.3f s\n", r.simulations,
                  r.seconds);
    out << line;
    return out.str();
}

}  // namespace reesx::io
