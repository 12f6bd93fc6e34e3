// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/OptimizeReport.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

#include "ReportFormat.h"

#include "reesx/costs/ExtractionSide.h"
#include "reesx/costs/Report.h"
#include "reesx/io/Results.h"

namespace reesx::costs {
namespace {

using report_format::fmt;
using report_format::number_or_null;

//! A solution's value, whether it was chosen and its range (ExtractionSide.h).
nlohmann::json solution(double value, bool chosen, double low, double high)
{
    return {{"value", value},
            {"optimized", chosen},
            {"bounds", chosen ? nlohmann::json::array({low, high}) : nlohmann::json(nullptr)}};
}

//! `solutions`: the scrub and strip acid, saponification and extractant were chosen.
nlohmann::json design_json(const PricedDesign& d, bool solutions)
{
    const ExtractionBounds b;
    // The strip acid matters only with a strip section, the extractant only when the organic
    // is given by it (not by a loading, which design writes without an extractant).
    const bool strip = solutions && d.strip > 0;
    const bool extractant = solutions && d.streams.extractant_mol_per_L.has_value();
    nlohmann::json opex = nlohmann::json::object();
    for (int i = 0; i < num_opex_items; ++i) {
        opex[std::string(opex_key(static_cast<OpexItem>(i)))] = d.cost.opex_usd_per_year_by_item[i];
    }
    const auto& c = d.cost;
    return {
        {"stages",
         {{"extraction", d.n}, {"scrub", d.m}, {"strip", d.strip}, {"total", d.n + d.m + d.strip}}},
        {"reflux", {{"S", d.s}, {"W", d.w}, {"S_over_S_min", d.s_over_s_min}}},
        {"decision_variables",
         {{"reflux_S", {{"value", d.s}, {"optimized", true}}},
          {"extraction_stages", {{"value", d.n}, {"optimized", true}}},
          {"scrub_stages", {{"value", d.m}, {"optimized", true}}},
          {"strip_stages", {{"value", d.strip}, {"optimized", false}}},
          {"scrub_acid_mol_per_L",
           solution(d.scrub_acid_mol_per_L, solutions, b.scrub_acid_min_mol_per_L,
                    b.scrub_acid_max_mol_per_L)},
          {"saponification",
           solution(d.saponification, solutions, b.saponification_min, b.saponification_max)},
          {"strip_acid_mol_per_L",
           solution(d.strip_acid_mol_per_L, strip, b.strip_acid_min_mol_per_L,
                    b.strip_acid_max_mol_per_L)},
          {"extractant_mol_per_L",
           solution(d.extractant_mol_per_L, extractant, b.extractant_min_mol_per_L,
                    b.extractant_max_mol_per_L)}}},
        {"purity", {{"A", d.purity_a}, {"B", d.purity_b}}},
        {"recovery", {{"A", d.recovery_a}, {"B", d.recovery_b}}},
        {"meets_targets", d.meets_targets},
        {"cost_usd_per_kg", number_or_null(d.cost_usd_per_kg)},
        {"capex_usd", c.capex_usd},
        {"capital_charge_usd_per_year", c.capital_charge_usd_per_year},
        {"opex_usd_per_year", c.opex_usd_per_year},
        {"annual_cost_usd_per_year", c.annual_cost_usd_per_year},
        {"opex_breakdown_usd_per_year", opex},
        {"base_t_per_year", c.base_t_per_year},
        {"hcl_t_per_year", c.hcl_t_per_year},
        {"organic_inventory_m3", c.organic_inventory_m3},
        {"energy_kwh_per_kg", c.energy_kwh_per_kg_reo_fed},
        {"energy_breakdown", energy_json(c)},
        {"co2_kg_per_kg", c.co2_kg_per_kg_reo_fed}};
}

}  // namespace

nlohmann::json optimize_summary(const DesignSpec& spec, const OptimizeResult& r)
{
    nlohmann::json j;
    j["reesx_version"] = io::version();
    j["command"] = "optimize";
    j["split"] = spec.split_label;
    j["system"] = spec.system.name;
    j["objective"] = std::string(objective_name(r.objective));
    j["objective_unit"] = "USD/kg REO in the products";
    j["targets"] = {{"purity_A", r.targets.purity_a}, {"purity_B", r.targets.purity_b}};
    j["theory"] = {{"beta", r.beta}, {"S_min", r.s_min}, {"S_opt", r.s_opt}, {"N_min", r.n_min}};
    j["country_order"] = nlohmann::json::array();
    j["countries"] = nlohmann::json::object();
    for (const auto& c : r.countries) {
        j["country_order"].push_back(c.code);
        nlohmann::json cj;
        cj["name"] = c.name;
        cj["optimum"] = design_json(c.optimum, r.extraction_side);
        cj["baseline"] = design_json(c.baseline, false);
        cj["cost_usd_per_kg"] = number_or_null(c.optimum.cost_usd_per_kg);
        cj["saving_usd_per_kg"] =
            number_or_null(c.baseline.cost_usd_per_kg - c.optimum.cost_usd_per_kg);
        cj["saving_fraction"] =
            number_or_null(1.0 - c.optimum.cost_usd_per_kg / c.baseline.cost_usd_per_kg);
        nlohmann::json search = nlohmann::json::array();
        for (const auto& p : c.search) {
            search.push_back({{"S_over_S_min", p.s_over_s_min},
                              {"extraction_stages", p.n},
                              {"scrub_stages", p.m},
                              {"cost_usd_per_kg", number_or_null(p.cost_usd_per_kg)},
                              {"smallest_reflux_for_stages", p.edge}});
        }
        cj["search"] = search;
        cj["simulations"] = c.simulations;
        cj["seconds"] = c.seconds;
        cj["warnings"] = c.warnings;
        j["countries"][c.code] = cj;
    }
    j["reference_country"] = r.reference;
    j["comparison"] = cost_gaps_json(r.gaps);
    std::vector<std::string> warnings = r.warnings;
    for (const auto& c : r.countries) {
        for (const auto& w : c.warnings) {
            warnings.push_back(c.code + ": " + w);
        }
    }
    j["warnings"] = warnings;
    j["seconds"] = r.seconds;
    return j;
}

std::string format_optimize(const DesignSpec& spec, const OptimizeResult& r)
{
    std::ostringstream o;
    o << "Cost-optimal cascade: " << spec.split_label << " cut, " << spec.system.name
      << "; objective: levelized cost = (capital charge + operating cost) per kg REO in the "
         "products\n";
    o << "targets: purity A >= " << fmt("%.6g", 100.0 * r.targets.purity_a)
      << " %, purity B >= " << fmt("%.6g", 100.0 * r.targets.purity_b) << " %\n";
    o << "theory: beta = " << fmt("%.4g", r.beta) << ", S_min = " << fmt("%.4g", r.s_min)
      << ", S_opt (Xu) = " << fmt("%.4g", r.s_opt) << ", N_min = " << fmt("%.3g", r.n_min)
      << " (S in mol RE per mol feed RE)\n\n";
    const auto row = [&](const std::string& label,
                         const std::function<std::string(const CountryOptimum&)>& cell) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "  %-34s", label.c_str());
        o << buf;
        for (const auto& c : r.countries) {
            std::snprintf(buf, sizeof buf, "%12s", cell(c).c_str());
            o << buf;
        }
        o << "\n";
    };
    row("", [](const CountryOptimum& c) { return c.code; });
    const auto design_rows = [&](const char* title, PricedDesign CountryOptimum::*which) {
        o << title << "\n";
        row("S/S_min",
            [&](const CountryOptimum& c) { return fmt("%.4f", (c.*which).s_over_s_min); });
        row("S, mol/mol feed", [&](const CountryOptimum& c) { return fmt("%.4f", (c.*which).s); });
        row("W, mol/mol feed", [&](const CountryOptimum& c) { return fmt("%.4f", (c.*which).w); });
        row("stages extraction + scrub", [&](const CountryOptimum& c) {
            return std::to_string((c.*which).n) + " + " + std::to_string((c.*which).m);
        });
        row("scrub / strip HCl, mol/L", [&](const CountryOptimum& c) {
            const PricedDesign& d = c.*which;
            return fmt("%.3g", d.scrub_acid_mol_per_L) + " / " +
                   (d.strip > 0 ? fmt("%.3g", d.strip_acid_mol_per_L) : std::string("-"));
        });
        row("saponification / extractant, mol/L", [&](const CountryOptimum& c) {
            const PricedDesign& d = c.*which;
            return fmt("%.3g", d.saponification) + " / " + fmt("%.3g", d.extractant_mol_per_L);
        });
        row("purity A, %",
            [&](const CountryOptimum& c) { return fmt("%.5f", 100.0 * (c.*which).purity_a); });
        row("purity B, %",
            [&](const CountryOptimum& c) { return fmt("%.5f", 100.0 * (c.*which).purity_b); });
        row("capital, MUSD",
            [&](const CountryOptimum& c) { return fmt("%.3f", (c.*which).cost.capex_usd / 1e6); });
        row("operating, MUSD/y", [&](const CountryOptimum& c) {
            return fmt("%.3f", (c.*which).cost.opex_usd_per_year / 1e6);
        });
        row("levelized cost, USD/kg REO",
            [&](const CountryOptimum& c) { return fmt("%.4f", (c.*which).cost_usd_per_kg); });
    };
    design_rows("optimum", &CountryOptimum::optimum);
    design_rows("baseline (reesx design's default)", &CountryOptimum::baseline);
    row("saving over baseline, %", [](const CountryOptimum& c) {
        return fmt("%.2f", 100.0 * (1.0 - c.optimum.cost_usd_per_kg / c.baseline.cost_usd_per_kg));
    });
    row("simulations", [](const CountryOptimum& c) { return std::to_string(c.simulations); });
    if (r.countries.size() > 1) {
        o << "gap to " << r.reference << " (optimum against optimum), USD/kg REO\n";
        const auto gap = [&](const CountryOptimum& c) -> const CostGap& {
            for (const auto& g : r.gaps) {
                if (g.code == c.code) {
                    return g;
                }
            }
            return r.gaps.front();
        };
        row("total", [&](const CountryOptimum& c) { return fmt("%+.4f", gap(c).gap_usd_per_kg); });
        row("prices (" + r.reference + "'s design)",
            [&](const CountryOptimum& c) { return fmt("%+.4f", gap(c).prices_usd_per_kg); });
        row("design adapted to prices",
            [&](const CountryOptimum& c) { return fmt("%+.4f", gap(c).design_usd_per_kg); });
        row("ratio to " + r.reference,
            [&](const CountryOptimum& c) { return fmt("%.3f", gap(c).ratio); });
    }
    for (const auto& w : r.warnings) {
        o << "warning: " << w << "\n";
    }
    for (const auto& c : r.countries) {
        for (const auto& w : c.warnings) {
            o << "warning: " << c.code << ": " << w << "\n";
        }
    }
    return o.str();
}

std::string format_pareto(const std::string& code, const std::vector<ParetoPoint>& front)
{
    std::ostringstream o;
    o << "\ncost against purity (both products), " << code << ":\n";
    char buf[200];
    std::snprintf(buf, sizeof buf, "  %10s %9s %8s %13s %17s %16s %16s\n", "purity, %", "S/S_min",
                  "stages", "capital, MUSD", "operating, MUSD/y", "optimum, USD/kg",
                  "default, USD/kg");
    o << buf;
    for (const auto& p : front) {
        const PricedDesign& d = p.optimum.optimum;
        std::snprintf(buf, sizeof buf, "  %10s %9.4f %8d %13.3f %17.3f %16.4f %16.4f\n",
                      fmt("%.6g", 100.0 * p.purity).c_str(), d.s_over_s_min, d.n + d.m,
                      d.cost.capex_usd / 1e6, d.cost.opex_usd_per_year / 1e6, d.cost_usd_per_kg,
                      p.optimum.baseline.cost_usd_per_kg);
        o << buf;
    }
    return o.str();
}

nlohmann::json cost_gaps_json(const std::vector<CostGap>& gaps)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& g : gaps) {
        j[g.code] = {{"gap_usd_per_kg", number_or_null(g.gap_usd_per_kg)},
                     {"prices_usd_per_kg", number_or_null(g.prices_usd_per_kg)},
                     {"design_usd_per_kg", number_or_null(g.design_usd_per_kg)},
                     {"ratio_to_reference", number_or_null(g.ratio)}};
    }
    return j;
}

nlohmann::json pareto_json(const std::vector<ParetoPoint>& front)
{
    nlohmann::json j = nlohmann::json::array();
    for (const auto& p : front) {
        const PricedDesign& d = p.optimum.optimum;
        j.push_back(
            {{"purity", p.purity},
             {"S_over_S_min", d.s_over_s_min},
             {"stages", {{"extraction", d.n}, {"scrub", d.m}, {"total", d.n + d.m}}},
             {"capex_usd", d.cost.capex_usd},
             {"opex_usd_per_year", d.cost.opex_usd_per_year},
             {"cost_usd_per_kg", number_or_null(d.cost_usd_per_kg)},
             {"baseline_cost_usd_per_kg", number_or_null(p.optimum.baseline.cost_usd_per_kg)},
             {"meets_targets", d.meets_targets},
             {"warnings", p.optimum.warnings}});
    }
    return j;
}

}  // namespace reesx::costs
