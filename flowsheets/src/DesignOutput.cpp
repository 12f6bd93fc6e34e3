// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/DesignOutput.h"

#include <cstdarg>
#include <cstdio>
#include <sstream>

#include "reesx/io/Results.h"

namespace reesx::io {
namespace {

std::string symbols(const std::vector<int>& group)
{
    std::string out;
    for (const int e : group) {
        if (!out.empty()) {
            out += ' ';
        }
        out += elements()[e].symbol;
    }
    return out;
}

std::string line(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string line(const char* format, ...)
{
    char buffer[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    return std::string(buffer) + "\n";
}

const char* phase_text(theory::FeedPhase phase)
{
    return phase == theory::FeedPhase::aqueous ? "aqueous" : "organic";
}

nlohmann::json three_products_json(const std::array<ThreeOutletProduct, 3>& products)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : products) {
        out.push_back({{"stream", p.name},
                       {"group", p.group},
                       {"purity", p.purity},
                       {"purity_target", p.target},
                       {"recovery", p.recovery},
                       {"re_mol_per_h", p.re_mol_per_h}});
    }
    return out;
}

nlohmann::json three_outlet_summary(const DesignSpec& spec, const ThreeOutletResult& r)
{
    using nlohmann::json;
    json j;
    j["reesx_version"] = version();
    j["command"] = "design";
    json input = {{"name", spec.name},
                  {"system", spec.system.name},
                  {"feed", spec.feed.name},
                  {"feed_phase", "aqueous"},
                  {"feed_re_mol_per_h", spec.feed_re_mol_per_h},
                  {"split", spec.split_label},
                  {"purity_target",
                   {{"A", spec.purity_a}, {"B", spec.purity_b}, {"middle", spec.middle->purity}}},
                  {"scrub_acid_mol_per_L", spec.scrub_acid_mol_per_L},
                  {"organic_capacity_mol_per_L", spec.organic_capacity_mol_per_L()}};
    if (spec.middle->recovery) {
        input["middle_recovery_target"] = *spec.middle->recovery;
    }
    j["input"] = input;
    j["three_outlet"] = true;
    j["groups"] = {{"B", symbols(r.groups[0])},
                   {"middle", symbols(r.groups[1])},
                   {"A", symbols(r.groups[2])},
                   {"beta_low", r.beta_low},
                   {"beta_high", r.beta_high}};
    j["stage_counts"] = {{"extraction", r.n}, {"scrub", r.m}, {"strip", r.strip}};
    j["stages"] = j["stage_counts"];  // the old name of stage_counts (docs/interface.md)
    j["draw"] = {{"name", "middle"},
                 {"phase", "organic"},
                 {"stage", r.draw_stage},
                 {"peak_stage", r.peak_stage},
                 {"flow_L_per_h", r.draw_flow_L_per_h},
                 {"D", r.d}};
    j["flows"] = {{"feed", r.feed_flow_L_per_h},   {"organic", r.organic_flow_L_per_h},
                  {"scrub", r.scrub_flow_L_per_h}, {"strip", r.strip_flow_L_per_h},
                  {"draw", r.draw_flow_L_per_h},   {"unit", "L/h"}};
    j["reflux"] = {{"S", r.s},
                   {"W", r.w},
                   {"S_min_low_cut", r.s_min_low},
                   {"S_min_high_cut", r.s_min_high},
                   {"S_min_middle", r.s_min_middle}};
    j["products"] = three_products_json(r.products);
    j["reagents"] = reagents_summary(r.simulation);  // the keys of `run`, and the design's:
    j["reagents"]["base_mol_per_h"] = r.base_mol_per_h;
    j["reagents"]["hcl_mol_per_h"] = r.hcl_mol_per_h;
    json alternatives = json::array();
    for (const auto& a : r.alternatives) {
        json one = {{"cuts", a.cuts}};
        if (!a.error.empty()) {
            one["error"] = a.error;
        } else {
            one["stages"] = a.stages;
            one["total_stages"] = a.total_stages;
            one["base_mol_per_h"] = a.base_mol_per_h;
            one["hcl_mol_per_h"] = a.hcl_mol_per_h;
            one["products"] = three_products_json(a.products);
        }
        alternatives.push_back(one);
    }
    j["two_outlet_alternatives"] = alternatives;
    j["mass_balance_relative_error"] = r.simulation.mass_balance_relative_error;
    j["simulations"] = r.simulations;
    j["seconds"] = r.seconds;
    j["warnings"] = r.warnings;
    j["case"] = r.case_yaml;
    return j;
}

std::string format_three_outlet(const DesignSpec& spec, const ThreeOutletResult& r)
{
    std::ostringstream out;
    out << "Design (three outlets): " << spec.name << "\n";
    out << line("  split %s, aqueous feed, beta %.4g and %.4g at the two cuts",
                spec.split_label.c_str(), r.beta_low, r.beta_high);
    out << line(
        "  %d extraction + %d scrub stages%s; the middle group drawn from the organic of "
        "stage %d (its organic concentration peaks at stage %d)",
        r.n, r.m,
        r.strip > 0 ? (std::string(" + ") + std::to_string(r.strip) + " strip").c_str() : "",
        r.draw_stage, r.peak_stage);
    out << line(
        "  S %.4f, W %.4f, draw D %.4f mol RE per mol feed RE (S_min: cuts %.4f and "
        "%.4f, middle purity %.4f)",
        r.s, r.w, r.d, r.s_min_low, r.s_min_high, r.s_min_middle);
    out << "\n";
    out << line("  Flows for %.6g mol/h of feed RE:", spec.feed_re_mol_per_h);
    out << line("    %-20s %14.6g L/h", "feed", r.feed_flow_L_per_h);
    out << line("    %-20s %14.6g L/h", "organic", r.organic_flow_L_per_h);
    out << line("    %-20s %14.6g L/h (%.3g mol/L HCl)", "scrub", r.scrub_flow_L_per_h,
                spec.scrub_acid_mol_per_L);
    out << line("    %-20s %14.6g L/h of organic at stage %d", "middle draw", r.draw_flow_L_per_h,
                r.draw_stage);
    if (r.strip > 0) {
        out << line("    %-20s %14.6g L/h (%.3g mol/L HCl)", "strip acid", r.strip_flow_L_per_h,
                    spec.strip_acid_mol_per_L);
    }
    out << "\n";
    out << line("  %-16s %-8s %12s %12s %12s %12s", "product", "group", "purity", "target",
                "recovery", "RE mol/h");
    for (const auto& p : r.products) {
        out << line("  %-16s %-8s %12.8f %12.6g %12.8f %12.6g", p.name.c_str(), p.group.c_str(),
                    p.purity, p.target, p.recovery, p.re_mol_per_h);
    }
    out << line("  element balance closes to %.2g (relative)",
                r.simulation.mass_balance_relative_error);
    out << "\n  Against two two-outlet cascades for the same products (HCl includes 3 H+ per "
           "mol RE of every organic outlet, stripped):\n";
    out << line("  %-30s %6s %11s %11s  %-26s %s", "scheme", "stages", "base mol/h", "HCl mol/h",
                "purities (B, middle, A)", "recoveries");
    const auto row = [&](const std::string& scheme, int stages, double base, double hcl,
                         const std::array<ThreeOutletProduct, 3>& p) {
        out << line("  %-30s %6d %11.6g %11.6g  %.6f %.6f %.6f  %.5f %.5f %.5f", scheme.c_str(),
                    stages, base, hcl, p[0].purity, p[1].purity, p[2].purity, p[0].recovery,
                    p[1].recovery, p[2].recovery);
    };
    row("three-outlet cascade", r.n + r.m, r.base_mol_per_h, r.hcl_mol_per_h, r.products);
    for (const auto& a : r.alternatives) {
        if (!a.error.empty()) {
            out << line("  %-30s  not designed: %s", a.cuts.c_str(), a.error.c_str());
            continue;
        }
        row(a.cuts, a.total_stages, a.base_mol_per_h, a.hcl_mol_per_h, a.products);
    }
    for (const auto& w : r.warnings) {
        out << "  warning: " << w << "\n";
    }
    out << line("\n  %d cascade simulations, %.3f s", r.simulations, r.seconds);
    return out.str();
}

}  // namespace

nlohmann::json design_summary(const DesignSpec& spec, const DesignResult& r)
{
    if (r.three_outlet) {
        return three_outlet_summary(spec, *r.three_outlet);
    }
    using nlohmann::json;
    const theory::Result& t = r.theory;
    json j;
    j["reesx_version"] = version();
    j["command"] = "design";
    json input = {{"name", spec.name},
                  {"system", spec.system.name},
                  {"feed", spec.feed.name},
                  {"feed_phase", phase_text(spec.feed_phase)},
                  {"feed_re_mol_per_h", spec.feed_re_mol_per_h},
                  {"split", spec.split_label},
                  {"purity_target", {{"A", spec.purity_a}, {"B", spec.purity_b}}},
                  {"scrub_acid_mol_per_L", spec.scrub_acid_mol_per_L},
                  {"organic_capacity_mol_per_L", spec.organic_capacity_mol_per_L()}};
    if (spec.recovery) {
        input["recovery_target"] = {{"product", std::string(1, spec.recovery_product)},
                                    {"value", *spec.recovery}};
    }
    j["input"] = input;
    j["groups"] = {{"A", symbols(r.group_a)},
                   {"B", symbols(r.group_b)},
                   {"key_A", std::string(elements()[r.key_a].symbol)},
                   {"key_B", std::string(elements()[r.key_b].symbol)},
                   {"beta", r.targets.beta},
                   {"f_A", r.targets.f_a}};
    j["stage_counts"] = {{"extraction", r.n}, {"scrub", r.m}, {"strip", r.strip}};
    j["stages"] = j["stage_counts"];  // the old name of stage_counts (docs/interface.md)
    j["flows"] = {{"feed", r.feed_flow_L_per_h},
                  {"organic", r.organic_flow_L_per_h},
                  {"scrub", r.scrub_flow_L_per_h},
                  {"strip", r.strip_flow_L_per_h},
                  {"unit", "L/h"}};
    j["extraction_ratio"] = {{"E_M", t.e_m}, {"E_M_scrub", t.e_m_scrub}};
    j["reflux"] = {{"S", r.s},
                   {"W", r.w},
                   {"S_min", t.s_min},
                   {"W_min", t.w_min},
                   {"S_opt", t.s_opt},
                   {"W_opt", t.w_opt},
                   {"S_over_S_min", r.s / t.s_min}};
    j["shortcut"] = {{"n", t.n}, {"m", t.m}, {"N_min", t.n_min}, {"f_A_product", t.f_a_product},
                     {"a", t.a}, {"b", t.b}};
    j["theory_vs_rigorous"] = {{"extraction", r.n - t.n},
                               {"scrub", r.m - t.m},
                               {"total", r.n + r.m - t.n - t.m},
                               {"total_relative", (r.n + r.m) / (t.n + t.m) - 1.0}};
    j["purity"] = {{"A", r.purity_a}, {"B", r.purity_b}};
    j["purity_target"] = {{"A", r.targets.purity_a}, {"B", r.targets.purity_b}};
    j["purity_one_stage_fewer"] = {
        {"A_with_one_less_scrub_stage", r.purity_a_one_less_scrub},
        {"B_with_one_less_extraction_stage", r.purity_b_one_less_extraction}};
    j["recovery"] = {{"A", r.recovery_a}, {"B", r.recovery_b}};
    j["products"] = {{"A", r.product_a_name}, {"B", r.product_b_name}};
    // The keys of `run` (kg/h, kg per kg of each product) beside the design's own (mol/h).
    j["reagents"] = reagents_summary(r.simulation);
    j["reagents"]["base_mol_per_h"] = r.simulation.reagents.saponification_base_mol_per_h;
    j["reagents"]["hcl_mol_per_h"] =
        r.simulation.reagents.scrub_acid_h_mol_per_h + r.simulation.reagents.strip_acid_h_mol_per_h;
    j["reagents"]["base_mol_per_kg_product"] = {{"A", r.base_mol_per_kg_a},
                                                {"B", r.base_mol_per_kg_b}};
    j["reagents"]["hcl_mol_per_kg_product"] = {{"A", r.hcl_mol_per_kg_a},
                                               {"B", r.hcl_mol_per_kg_b}};
    json curve = json::array();
    for (const auto& p : r.tradeoff) {
        curve.push_back({{"S_over_S_min", p.s_over_s_min},
                         {"S", p.s},
                         {"W", p.w},
                         {"extraction", p.n},
                         {"scrub", p.m},
                         {"total", p.n + p.m},
                         {"shortcut_total", p.theory_n + p.theory_m}});
    }
    j["tradeoff"] = curve;
    j["simulations"] = r.simulations;
    j["seconds"] = r.seconds;
    j["warnings"] = r.warnings;
    j["case"] = r.case_yaml;
    return j;
}

std::string format_design(const DesignSpec& spec, const DesignResult& r)
{
    if (r.three_outlet) {
        return format_three_outlet(spec, *r.three_outlet);
    }
    const theory::Result& t = r.theory;
    std::ostringstream out;
    const std::string key_a(elements()[r.key_a].symbol), key_b(elements()[r.key_b].symbol);
    out << "Design: " << spec.name << "\n";
    out << line("  cut %s, %s feed, beta(%s/%s) = %.4g", spec.split_label.c_str(),
                phase_text(spec.feed_phase), key_a.c_str(), key_b.c_str(), r.targets.beta);
    out << line("  A (more extractable, %s): %s   f_A = %.6g", r.product_a_name.c_str(),
                symbols(r.group_a).c_str(), r.targets.f_a);
    out << line("  B (less extractable, %s): %s", r.product_b_name.c_str(),
                symbols(r.group_b).c_str());
    out << line("  targets: purity A >= %.6g, purity B >= %.6g%s", r.targets.purity_a,
                r.targets.purity_b, spec.recovery ? " (one purity + recovery)" : "");
    out << "\n";
    out << line("  %-34s %12s %12s %12s", "", "theory", "rigorous", "difference");
    out << line("  %-34s %12.1f %12d %+12.1f", "extraction stages n", t.n, r.n, r.n - t.n);
    out << line("  %-34s %12.1f %12d %+12.1f", "scrub stages m", t.m, r.m, r.m - t.m);
    out << line("  %-34s %12.1f %12d %+11.0f%%", "total", t.n + t.m, r.n + r.m,
                100.0 * ((r.n + r.m) / (t.n + t.m) - 1.0));
    out << line("  %-34s %12.1f", "Fenske minimum N_min (total reflux)", t.n_min);
    out << line("  %-34s %12.4f   (S_min %.4f, S/S_min %.3f)", "S, mol RE/mol feed RE", r.s,
                t.s_min, r.s / t.s_min);
    out << line("  %-34s %12.4f   (W_min %.4f)", "W, mol RE/mol feed RE", r.w, t.w_min);
    out << line("  %-34s %12.4f / %.4f", "E_M / E'_M", t.e_m, t.e_m_scrub);
    out << "\n";
    out << line("  Flows for %.6g mol/h of feed RE:", spec.feed_re_mol_per_h);
    out << line("    %-20s %14.6g L/h", "feed", r.feed_flow_L_per_h);
    out << line("    %-20s %14.6g L/h", "organic", r.organic_flow_L_per_h);
    out << line("    %-20s %14.6g L/h (%.3g mol/L HCl)", "scrub", r.scrub_flow_L_per_h,
                spec.scrub_acid_mol_per_L);
    if (r.strip > 0) {
        out << line("    %-20s %14.6g L/h (%.3g mol/L HCl), %d stages", "strip acid",
                    r.strip_flow_L_per_h, spec.strip_acid_mol_per_L, r.strip);
    }
    out << "\n";
    out << line("  %-10s %-16s %12s %12s %22s", "product", "stream", "purity", "recovery",
                "one stage fewer: purity");
    out << line("  %-10s %-16s %12.8f %12.8f %22.8f", "A", r.product_a_name.c_str(), r.purity_a,
                r.recovery_a, r.purity_a_one_less_scrub);
    out << line("  %-10s %-16s %12.8f %12.8f %22.8f", "B", r.product_b_name.c_str(), r.purity_b,
                r.recovery_b, r.purity_b_one_less_extraction);
    out << "\n";
    out << line("  Reagents: base %.6g mol/h, HCl %.6g mol/h",
                r.simulation.reagents.saponification_base_mol_per_h,
                r.simulation.reagents.scrub_acid_h_mol_per_h +
                    r.simulation.reagents.strip_acid_h_mol_per_h);
    out << line("    per kg REO of product A: %.4g mol base, %.4g mol HCl", r.base_mol_per_kg_a,
                r.hcl_mol_per_kg_a);
    out << line("    per kg REO of product B: %.4g mol base, %.4g mol HCl", r.base_mol_per_kg_b,
                r.hcl_mol_per_kg_b);
    if (!r.tradeoff.empty()) {
        out << "\n  Trade-off: fewest stages vs reflux (rigorous) and the short-cut\n";
        out << line("  %9s %9s %9s %6s %6s %7s %9s", "S/S_min", "S", "W", "n", "m", "total",
                    "shortcut");
        for (const auto& p : r.tradeoff) {
            out << line("  %9.3f %9.4f %9.4f %6d %6d %7d %9.1f", p.s_over_s_min, p.s, p.w, p.n, p.m,
                        p.n + p.m, p.theory_n + p.theory_m);
        }
    }
    for (const auto& w : r.warnings) {
        out << "  warning: " << w << "\n";
    }
    out << line("\n  %d cascade simulations, %.3f s", r.simulations, r.seconds);
    return out.str();
}

}  // namespace reesx::io
