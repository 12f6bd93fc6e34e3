// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/PlantOptimizeReport.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>

#include "ReportFormat.h"

#include "reesx/costs/OptimizeReport.h"
#include "reesx/io/Results.h"

namespace reesx::costs {
namespace {

using report_format::fmt;
using report_format::number_or_null;

nlohmann::json bounded(double value, bool optimized,
                       const std::optional<std::array<double, 2>>& range)
{
    return {{"value", value},
            {"optimized", optimized && range.has_value()},
            {"bounds",
             range ? nlohmann::json::array({(*range)[0], (*range)[1]}) : nlohmann::json(nullptr)}};
}

nlohmann::json decision_variables(const PlantCascadeCost& c, bool optimized,
                                  const std::optional<ExtractionBounds>& b)
{
    std::optional<std::array<double, 2>> acid, sap, strip;
    if (b) {
        acid = std::array{b->scrub_acid_min_mol_per_L, b->scrub_acid_max_mol_per_L};
        sap = std::array{b->saponification_min, b->saponification_max};
        if (c.strip > 0) {
            strip = std::array{b->strip_acid_min_mol_per_L, b->strip_acid_max_mol_per_L};
        }
    }
    return {{"reflux_S", {{"value", c.s}, {"optimized", optimized}}},
            {"extraction_stages", {{"value", c.n}, {"optimized", optimized}}},
            {"scrub_stages", {{"value", c.m}, {"optimized", optimized}}},
            {"strip_stages", {{"value", c.strip}, {"optimized", false}}},
            {"scrub_acid_mol_per_L", bounded(c.scrub_acid_mol_per_L, optimized, acid)},
            {"saponification", bounded(c.saponification, optimized, sap)},
            {"strip_acid_mol_per_L", bounded(c.strip_acid_mol_per_L, optimized, strip)},
            // One organic for the whole plant in its cost: not chosen per cascade.
            {"extractant_mol_per_L", bounded(c.extractant_mol_per_L, false, std::nullopt)}};
}

//! `optimized`: the plant's cascades were optimized (not the baseline); `bounds`: those of
//! the scrub acid and saponification when they were chosen.
nlohmann::json plant_json(const PricedPlant& p, bool optimized,
                          const std::optional<ExtractionBounds>& bounds)
{
    nlohmann::json cascades = nlohmann::json::array();
    for (const auto& c : p.cascades) {
        cascades.push_back({{"split", c.split},
                            {"stages", {{"extraction", c.n}, {"scrub", c.m}, {"strip", c.strip}}},
                            {"reflux", {{"S", c.s}, {"S_over_S_min", c.s_over_s_min}}},
                            {"purity", {{"A", c.purity_a}, {"B", c.purity_b}}},
                            {"targets", {{"A", c.target_a}, {"B", c.target_b}}},
                            {"meets_targets", c.purity_a >= c.target_a && c.purity_b >= c.target_b},
                            {"annual_cost_usd_per_year", c.annual_cost_usd_per_year},
                            {"decision_variables", decision_variables(c, optimized, bounds)},
                            {"case", c.case_yaml}});
    }
    nlohmann::json products = nlohmann::json::array();
    for (const auto& q : p.products) {
        products.push_back(
            {{"name", q.name},
             {"purity", q.purity},
             {"target", q.target},
             {"recovery", q.recovery},
             {"recovery_target",
              number_or_null(q.recovery_target > 0.0 ? q.recovery_target : std::nan(""))},
             {"reo_kg_per_year", q.reo_kg_per_year},
             {"annual_cost_usd_per_year", q.annual_cost_usd_per_year},
             {"cost_usd_per_kg", number_or_null(q.cost_usd_per_kg)},
             {"cascades", q.cascades}});
    }
    nlohmann::json opex = nlohmann::json::object();
    for (int i = 0; i < num_opex_items; ++i) {
        opex[std::string(opex_key(static_cast<OpexItem>(i)))] = p.cost.opex_usd_per_year_by_item[i];
    }
    return {{"sequence", p.sequence},
            {"cascades", cascades},
            {"products", products},
            {"total_stages", p.total_stages},
            {"meets_targets", p.meets_targets},
            {"cost_usd_per_kg", number_or_null(p.cost_usd_per_kg)},
            {"capex_usd", p.cost.capex_usd},
            {"capital_charge_usd_per_year", p.cost.capital_charge_usd_per_year},
            {"opex_usd_per_year", p.cost.opex_usd_per_year},
            {"annual_cost_usd_per_year", p.cost.annual_cost_usd_per_year},
            {"opex_breakdown_usd_per_year", opex},
            {"base_t_per_year", p.cost.base_t_per_year},
            {"hcl_t_per_year", p.cost.hcl_t_per_year},
            {"plant_file", p.plant_yaml}};
}

}  // namespace

nlohmann::json plant_optimize_summary(const SeparateSpec& spec, const PlantOptimizeResult& r)
{
    nlohmann::json j;
    j["reesx_version"] = io::version();
    j["command"] = "optimize";
    j["mode"] = "plant";
    j["system"] = spec.system.name;
    j["feed"] = spec.feed.name;
    j["feed_re_mol_per_h"] = spec.feed_re_mol_per_h;
    j["purity"] = r.purity;
    if (r.min_recovery > 0.0) {
        j["min_recovery"] = r.min_recovery;
    }
    j["objective"] = "levelized";
    j["objective_unit"] = "USD/kg REO in the products";
    j["country_order"] = nlohmann::json::array();
    j["countries"] = nlohmann::json::object();
    for (const auto& c : r.countries) {
        j["country_order"].push_back(c.code);
        nlohmann::json cj;
        cj["name"] = c.name;
        cj["optimum"] = plant_json(c.optimum, !c.baseline_returned,
                                   r.extraction_side ? std::optional(r.bounds) : std::nullopt);
        cj["baseline"] = plant_json(c.baseline, false, std::nullopt);
        cj["cost_usd_per_kg"] = number_or_null(c.optimum.cost_usd_per_kg);
        cj["saving_usd_per_kg"] =
            number_or_null(c.baseline.cost_usd_per_kg - c.optimum.cost_usd_per_kg);
        cj["saving_fraction"] =
            number_or_null(1.0 - c.optimum.cost_usd_per_kg / c.baseline.cost_usd_per_kg);
        cj["baseline_returned"] = c.baseline_returned;
        const PlantLinking& l = c.linking;
        cj["linked"] = {{"linkable", l.linkable},
                        {"independent_usd_per_kg", number_or_null(l.independent_usd_per_kg)},
                        {"independent_meets_targets", l.independent_meets_targets},
                        {"linked_usd_per_kg", l.linkable ? number_or_null(l.linked_usd_per_kg)
                                                         : nlohmann::json(nullptr)},
                        {"linked_meets_targets", l.linkable && l.linked_meets_targets},
                        {"chosen", l.linked_chosen ? "linked" : "independent"},
                        {"optimum_linked", c.optimum.linked}};
        nlohmann::json shares = nlohmann::json::object(), scales = nlohmann::json::object();
        for (std::size_t g = 0; g < c.budget.products.size(); ++g) {
            shares[c.budget.products[g]] = c.budget.lower_share[g];
            scales[c.budget.products[g]] = c.budget.scale[g];
        }
        cj["purity_budget"] = {{"rule", c.budget.chosen ? "chosen" : "half"},
                               {"lower_share", shares},
                               {"scale", scales},
                               {"corrections", c.budget.corrections},
                               {"product_order", c.budget.products}};
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

std::string format_plant_optimize(const SeparateSpec& spec, const PlantOptimizeResult& r)
{
    std::ostringstream o;
    o << "Cost-optimal plant: " << spec.feed.name << " with " << spec.system.name
      << ", every product at " << fmt("%.6g", 100.0 * r.purity)
      << " %; objective: levelized cost = (capital charge + operating cost) per kg REO in the "
         "products\n\n";
    const auto row = [&](const std::string& label,
                         const std::function<std::string(const PlantCountryOptimum&)>& cell) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "  %-34s", label.c_str());
        o << buf;
        for (const auto& c : r.countries) {
            std::snprintf(buf, sizeof buf, "%12s", cell(c).c_str());
            o << buf;
        }
        o << "\n";
    };
    row("", [](const PlantCountryOptimum& c) { return c.code; });
    const auto plant_rows = [&](const char* title, PricedPlant PlantCountryOptimum::*which) {
        o << title << "\n";
        row("cascades", [&](const PlantCountryOptimum& c) {
            return std::to_string((c.*which).cascades.size());
        });
        row("stages",
            [&](const PlantCountryOptimum& c) { return std::to_string((c.*which).total_stages); });
        row("capital, MUSD", [&](const PlantCountryOptimum& c) {
            return fmt("%.3f", (c.*which).cost.capex_usd / 1e6);
        });
        row("operating, MUSD/y", [&](const PlantCountryOptimum& c) {
            return fmt("%.3f", (c.*which).cost.opex_usd_per_year / 1e6);
        });
        row("levelized cost, USD/kg REO",
            [&](const PlantCountryOptimum& c) { return fmt("%.4f", (c.*which).cost_usd_per_kg); });
        row("all products at their purity", [&](const PlantCountryOptimum& c) {
            return std::string((c.*which).meets_targets ? "yes" : "NO");
        });
    };
    plant_rows("optimum", &PlantCountryOptimum::optimum);
    plant_rows("baseline (reesx separate's default)", &PlantCountryOptimum::baseline);
    row("saving over baseline, %", [](const PlantCountryOptimum& c) {
        return fmt("%.2f", 100.0 * (1.0 - c.optimum.cost_usd_per_kg / c.baseline.cost_usd_per_kg));
    });
    o << "linking (separate's --linked rule), USD/kg REO\n";
    row("independent cascades",
        [](const PlantCountryOptimum& c) { return fmt("%.4f", c.linking.independent_usd_per_kg); });
    row("linked cascades", [](const PlantCountryOptimum& c) {
        return c.linking.linkable ? fmt("%.4f", c.linking.linked_usd_per_kg)
                                  : std::string("nothing to link");
    });
    row("chosen", [](const PlantCountryOptimum& c) {
        return std::string(c.linking.linked_chosen ? "linked" : "independent");
    });
    row("simulations", [](const PlantCountryOptimum& c) { return std::to_string(c.simulations); });
    if (!r.countries.empty()) {
        o << "product cost at the optimum, USD/kg REO of the product\n";
        const auto& first = r.countries.front().optimum.products;
        for (std::size_t p = 0; p < first.size(); ++p) {
            row(first[p].name, [&](const PlantCountryOptimum& c) {
                for (const auto& q : c.optimum.products) {
                    if (q.name == first[p].name) {
                        return fmt("%.4f", q.cost_usd_per_kg);
                    }
                }
                return std::string("-");
            });
        }
    }
    if (r.countries.size() > 1) {
        o << "gap to " << r.reference << " (optimum against optimum), USD/kg REO\n";
        const auto gap = [&](const PlantCountryOptimum& c) -> const CostGap& {
            for (const auto& g : r.gaps) {
                if (g.code == c.code) {
                    return g;
                }
            }
            return r.gaps.front();
        };
        row("total",
            [&](const PlantCountryOptimum& c) { return fmt("%+.4f", gap(c).gap_usd_per_kg); });
        row("prices (" + r.reference + "'s plant)",
            [&](const PlantCountryOptimum& c) { return fmt("%+.4f", gap(c).prices_usd_per_kg); });
        row("design adapted to prices",
            [&](const PlantCountryOptimum& c) { return fmt("%+.4f", gap(c).design_usd_per_kg); });
        row("ratio to " + r.reference,
            [&](const PlantCountryOptimum& c) { return fmt("%.3f", gap(c).ratio); });
    }
    for (const auto& c : r.countries) {
        o << "\n"
          << c.code << " sequence: " << c.optimum.sequence << (c.optimum.linked ? " (linked)" : "")
          << "\n";
        for (const auto& cas : c.optimum.cascades) {
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          "  %-14s S/S_min %7.4f  stages %3d + %3d + %d  %10.0f USD/y\n",
                          cas.split.c_str(), cas.s_over_s_min, cas.n, cas.m, cas.strip,
                          cas.annual_cost_usd_per_year);
            o << buf;
        }
        if (!c.baseline_returned && !c.budget.products.empty()) {
            o << "  purity budget, share of each product's allowance at its lower cut ("
              << (c.budget.chosen ? "chosen" : "half each") << "):";
            for (std::size_t g = 0; g < c.budget.products.size(); ++g) {
                o << " " << c.budget.products[g] << " " << fmt("%.1f", c.budget.lower_share[g]);
                if (c.budget.scale[g] < 1.0) {
                    o << " (x" << fmt("%.3f", c.budget.scale[g]) << ")";
                }
            }
            o << (c.budget.corrections > 0 ? "; rebuilt " + std::to_string(c.budget.corrections) +
                                                 " time(s) after a product fell short"
                                           : std::string())
              << "\n";
        }
        if (c.baseline.sequence != c.optimum.sequence) {
            o << "  (separate's default sequence: " << c.baseline.sequence << ")\n";
        }
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

}  // namespace reesx::costs
