// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The text table of a cost run: plant, capex, opex, energy and CO2 per country, the gaps to
// the first country, the tornado and the Monte Carlo percentiles.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "ReportFormat.h"
#include "ReportInputs.h"
#include "reesx/costs/Report.h"

namespace reesx::costs {

using report_format::fmt;
using report_inputs::join;
using report_inputs::unverified_global;
using report_inputs::unverified_region;

std::string format_cost(const CaseSpec& spec, const CostModel& model, const CostRun& run)
{
    return format_cost(spec.name, model, run);
}

std::string format_cost(const std::string& title, const CostModel& model, const CostRun& run)
{
    std::ostringstream out;
    const auto& opt = model.setup().options;
    const auto& s = model.streams();
    const auto& cs = run.countries;
    if (cs.empty()) {
        return "";
    }
    const CountryCost& first = cs.front();
    out << "Cost of " << title << " (USD " << model.setup().data.cost_year << "; scenario "
        << opt.scenario << ", base " << base_reagent_name(opt.base) << ", allocation by "
        << allocation_name(opt.allocation) << ")\n\n";
    out << "Plant (from the simulated flows)\n";
    out << fmt("  stages                         %10.0f\n", s.stages);
    out << fmt("  mixer volume, total            %10.3f m3\n", first.mixer_volume_m3);
    out << fmt("  settler volume, total          %10.3f m3\n", first.settler_volume_m3);
    out << fmt("  tanks                          %10.3f m3\n", first.tank_volume_m3);
    out << fmt("  organic inventory              %10.3f m3", first.organic_inventory_m3)
        << fmt(" (%.4g kg extractant,", first.extractant_inventory_kg)
        << fmt(" %.4g kg diluent)\n", first.diluent_inventory_kg);
    out << fmt("  REO fed                        %10.4g kg/h\n", s.feed_reo_kg_per_h);
    out << fmt("  saponification base            %10.4g mol/h", s.base_equiv_mol_per_h) << " ("
        << base_reagent_name(opt.base) << ")\n";
    out << fmt("  HCl fed (scrub + strip)        %10.4g mol/h\n",
               s.hcl_fed_mol_per_h - s.h2so4_fed_h_mol_per_h);
    if (s.h2so4_fed_h_mol_per_h > 0.0) {
        out << fmt("  H2SO4 fed (scrub + strip)      %10.4g mol/h\n",
                   s.h2so4_fed_h_mol_per_h / 2.0);
    }
    if (s.strip_stoichiometric_h_mol_per_h > 0.0) {
        out << fmt("  HCl to strip loaded organic    %10.4g mol/h",
                   s.strip_stoichiometric_h_mol_per_h)
            << (opt.strip_loaded_organic ? " x strip-acid-excess (no strip section in the case)\n"
                                         : " (not charged: strip-loaded-organic: false)\n");
    }
    out << fmt("  power                          %10.4g kW\n", first.power_kW);
    out << "\n";

    const auto row = [&](const std::string& label, auto get, const char* f) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%-34s", label.c_str());
        out << buf;
        for (const auto& c : cs) {
            // Fixed-point columns hold numbers below 1e9; larger ones in exponent form keep
            // the table aligned, and a figure that is not a number is shown as such.
            const double v = get(c);
            if (!std::isfinite(v)) {
                out << "         n/a";
            } else {
                out << fmt(std::abs(v) < 1e9 ? f : "%12.4g", v);
            }
        }
        out << "\n";
    };
    {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%-34s", "");
        out << buf;
        for (const auto& c : cs) {
            std::snprintf(buf, sizeof buf, "%12s", c.code.c_str());
            out << buf;
        }
        out << "\n";
    }
    const char* k = "%12.1f";
    out << "capex, kUSD\n";
    row(
        "  mixer-settlers (bare, US)", [](const CountryCost& c) { return c.equipment_usd / 1e3; },
        k);
    row(
        "  tanks (bare, US)", [](const CountryCost& c) { return c.tanks_usd / 1e3; }, k);
    row(
        "  location factor", [](const CountryCost& c) { return c.location_factor; }, "%12.3f");
    row(
        "  installed (total plant cost)",
        [](const CountryCost& c) { return c.installed_usd / 1e3; }, k);
    row(
        "  first fill (organic)", [](const CountryCost& c) { return c.first_fill_usd / 1e3; }, k);
    row(
        "  total capex", [](const CountryCost& c) { return c.capex_usd / 1e3; }, k);
    out << "opex, kUSD/y\n";
    for (int i = 0; i < num_opex_items; ++i) {
        row(
            "  " + std::string(opex_label(static_cast<OpexItem>(i))),
            [i](const CountryCost& c) { return c.opex_usd_per_year_by_item[i] / 1e3; }, k);
    }
    row(
        "  total opex", [](const CountryCost& c) { return c.opex_usd_per_year / 1e3; }, k);
    row(
        "capital charge, kUSD/y",
        [](const CountryCost& c) { return c.capital_charge_usd_per_year / 1e3; }, k);
    row(
        "annual cost, kUSD/y",
        [](const CountryCost& c) { return c.annual_cost_usd_per_year / 1e3; }, k);
    row(
        "operating hours, h/y", [](const CountryCost& c) { return c.operating_hours_per_year; },
        "%12.0f");
    row(
        "USD/kg REO fed", [](const CountryCost& c) { return c.cost_usd_per_kg_reo_fed; }, "%12.2f");
    for (std::size_t p = 0; p < first.products.size(); ++p) {
        row(
            "  USD/kg " + first.products[p].name,
            [p](const CountryCost& c) { return c.products[p].cost_usd_per_kg; }, "%12.2f");
    }
    row(
        "kWh/kg REO fed", [](const CountryCost& c) { return c.energy_kwh_per_kg_reo_fed; },
        "%12.4f");
    for (int i = 0; i < num_energy_items; ++i) {
        row(
            "  " + std::string(energy_label(static_cast<EnergyItem>(i))),
            [i](const CountryCost& c) {
                return c.reo_fed_kg_per_year > 0
                           ? c.energy_kwh_per_year_by_item[i] / c.reo_fed_kg_per_year
                           : 0.0;
            },
            "%12.4f");
    }
    row(
        "kg CO2/kg REO fed", [](const CountryCost& c) { return c.co2_kg_per_kg_reo_fed; },
        "%12.4f");
    row(
        "  of which reagents (embodied power)",
        [](const CountryCost& c) {
            return c.reo_fed_kg_per_year > 0 ? c.co2_reagents_kg_per_year / c.reo_fed_kg_per_year
                                             : 0.0;
        },
        "%12.4f");
    row(
        "ratio to " + first.code + " (USD/kg)",
        [&](const CountryCost& c) {
            return c.cost_usd_per_kg_reo_fed / first.cost_usd_per_kg_reo_fed;
        },
        "%12.3f");
    row(
        "ratio to " + first.code + " (capex)",
        [&](const CountryCost& c) { return c.capex_usd / first.capex_usd; }, "%12.3f");
    row(
        "ratio to " + first.code + " (opex)",
        [&](const CountryCost& c) { return c.opex_usd_per_year / first.opex_usd_per_year; },
        "%12.3f");
    if (cs.size() > 1) {
        out << "gap to " << first.code
            << " by item, USD/kg REO fed (sums to the USD/kg difference)\n";
        for (int i = 0; i <= num_opex_items; ++i) {
            const std::string label = i < num_opex_items
                                          ? std::string(opex_label(static_cast<OpexItem>(i)))
                                          : "capital charge";
            row(
                "  " + label, [&](const CountryCost& c) { return gap_per_kg(c, first, i); },
                "%12.3f");
        }
    }

    if (!run.tornado.empty()) {
        out << "\nSensitivity of USD/kg REO fed (tornado: each parameter over its range, the "
               "others nominal; largest 8)\n";
        for (std::size_t c = 0; c < cs.size(); ++c) {
            out << "  " << cs[c].code
                << fmt(" (nominal %.2f USD/kg)\n", cs[c].cost_usd_per_kg_reo_fed);
            const auto& bars = run.tornado[c];
            for (std::size_t b = 0; b < bars.size() && b < 8; ++b) {
                char buf[200];
                std::snprintf(buf, sizeof buf,
                              "    %-30s [%10.4g, %10.4g] -> %8.2f .. %8.2f USD/kg\n",
                              bars[b].key.c_str(), bars[b].low, bars[b].high, bars[b].cost_at_low,
                              bars[b].cost_at_high);
                out << buf;
            }
        }
    }
    if (run.monte_carlo) {
        const auto& mc = *run.monte_carlo;
        out << "\nMonte Carlo: " << mc.samples << " samples (seed " << mc.seed << ", " << mc.threads
            << " threads, " << fmt("%.1f s", mc.seconds) << "), "
            << (mc.resimulated ? "cascade re-simulated with sampled separation factors"
                               : "cascade not re-simulated")
            << "; " << mc.failed << " failed\n";
        for (const auto& m : mc.failure_messages) {
            out << "  failed sample: " << m.substr(0, 200) << "\n";
        }
        out << "  country   USD/kg p5    p50     p95   | ratio p5   p50    p95  | kWh/kg p50 | kg "
               "CO2/kg p50\n";
        for (const auto& c : mc.countries) {
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          "  %-7s %8.2f %8.2f %8.2f | %6.3f %6.3f %6.3f | %10.4f | %10.4f\n",
                          c.code.c_str(), c.cost_usd_per_kg.p5, c.cost_usd_per_kg.p50,
                          c.cost_usd_per_kg.p95, c.ratio_to_first.p5, c.ratio_to_first.p50,
                          c.ratio_to_first.p95, c.energy_kwh_per_kg.p50, c.co2_kg_per_kg.p50);
            out << buf;
        }
    }
    out << "\nUnverified inputs used (design estimates without a primary source):\n";
    out << "  plant-wide: " << join(unverified_global(model.setup().data)) << "\n";
    for (const auto& c : cs) {
        const auto list = unverified_region(model.region(c.code));
        out << "  " << c.code << ": " << (list.empty() ? "none" : join(list)) << "\n";
    }
    for (const auto& w : model.setup().warnings) {
        out << "warning: " << w << "\n";
    }
    return out.str();
}

}  // namespace reesx::costs
