// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/Report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "ReportFormat.h"

#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::costs {
namespace {

using report_format::fmt;
using report_format::number_or_null;

nlohmann::json percentiles_json(const Percentiles& p)
{
    return {{"p5", number_or_null(p.p5)},
            {"p50", number_or_null(p.p50)},
            {"p95", number_or_null(p.p95)},
            {"mean", number_or_null(p.mean)}};
}

nlohmann::json param_json(const Param& p)
{
    nlohmann::json j = {{"value", p.value},
                        {"range", {p.low, p.high}},
                        {"unit", p.unit},
                        {"source", p.source},
                        {"confidence", p.confidence}};
    if (p.year > 0) {
        j["year"] = p.year;
    }
    if (!p.note.empty()) {
        j["note"] = p.note;
    }
    return j;
}

//! Every plant-wide parameter with value, range, unit, year, source and confidence.
nlohmann::json global_inputs_json(const CostData& data)
{
    nlohmann::json global = nlohmann::json::object();
    for (int p = 0; p < num_global_params; ++p) {
        global[std::string(info(static_cast<GlobalParam>(p)).key)] = param_json(data.global[p]);
    }
    return global;
}

//! Region parameters a costing of this region relies on that carry no primary source.
std::vector<std::string> unverified_region(const Region& r)
{
    std::vector<std::string> out;
    for (int p = 0; p < num_region_params; ++p) {
        if (r.params[p].confidence == "unverified") {
            out.emplace_back(info(static_cast<RegionParam>(p)).key);
        }
    }
    return out;
}

std::vector<std::string> unverified_global(const CostData& d)
{
    std::vector<std::string> out;
    for (int p = 0; p < num_global_params; ++p) {
        if (d.global[p].confidence == "unverified") {
            out.emplace_back(info(static_cast<GlobalParam>(p)).key);
        }
    }
    return out;
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ")
{
    std::string out;
    for (const auto& s : items) {
        out += (out.empty() ? "" : sep) + s;
    }
    return out;
}

}  // namespace

double gap_per_kg(const CountryCost& c, const CountryCost& reference, int item)
{
    const auto per_kg = [item](const CountryCost& x) {
        const double usd = item < num_opex_items ? x.opex_usd_per_year_by_item[item]
                                                 : x.capital_charge_usd_per_year;
        return x.reo_fed_kg_per_year > 0.0 ? usd / x.reo_fed_kg_per_year : 0.0;
    };
    return per_kg(c) - per_kg(reference);
}

CostRun run_costs(const CostModel& model, const std::vector<std::string>& codes,
                  bool with_sensitivity)
{
    CostRun run;
    for (const auto& code : codes) {
        const Region& r = model.region(code);
        run.countries.push_back(model.evaluate(r));
        if (with_sensitivity) {
            run.tornado.push_back(sensitivity(model, r));
        }
    }
    return run;
}

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

nlohmann::json cost_json(const CostModel& model, const CostRun& run)
{
    const auto& opt = model.setup().options;
    const auto& s = model.streams();
    nlohmann::json j;
    j["currency"] = model.setup().data.currency;
    j["cost_year"] = model.setup().data.cost_year;
    j["scenario"] = opt.scenario;
    j["base_reagent"] = base_reagent_name(opt.base);
    j["allocation"] = allocation_name(opt.allocation);
    j["strip_loaded_organic"] = opt.strip_loaded_organic;
    j["data"] = model.setup().data.origin;
    nlohmann::json plant = {
        {"total_stages", s.stages},
        {"stages", s.stages},  // the old name of total_stages (docs/interface.md)
        {"feed_reo_kg_per_h", s.feed_reo_kg_per_h},
        {"saponification_base_mol_per_h", s.base_equiv_mol_per_h},
        {"hcl_fed_mol_per_h", s.hcl_fed_mol_per_h},
        {"h2so4_fed_mol_per_h", s.h2so4_fed_h_mol_per_h / 2.0},
        {"acid", s.h2so4_fed_h_mol_per_h <= 0.0                  ? "HCl"
                 : s.h2so4_fed_h_mol_per_h < s.hcl_fed_mol_per_h ? "HCl and H2SO4"
                                                                 : "H2SO4"},
        {"strip_stoichiometric_h_mol_per_h", s.strip_stoichiometric_h_mol_per_h},
        {"aqueous_out_L_per_h", s.aqueous_out_L_per_h},
        {"extractant_molar_mass_g_per_mol", model.extractant_molar_mass()}};
    j["plant"] = plant;
    j["countries"] = nlohmann::json::object();
    const CountryCost* first = run.countries.empty() ? nullptr : &run.countries.front();
    for (std::size_t i = 0; i < run.countries.size(); ++i) {
        const CountryCost& c = run.countries[i];
        nlohmann::json cj;
        cj["name"] = c.name;
        cj["capex_usd"] = c.capex_usd;
        cj["capex_breakdown_usd"] = {{"mixer_settlers_bare", c.equipment_usd},
                                     {"tanks_bare", c.tanks_usd},
                                     {"installed", c.installed_usd},
                                     {"first_fill", c.first_fill_usd}};
        cj["location_factor"] = c.location_factor;
        cj["opex_usd_per_year"] = c.opex_usd_per_year;
        nlohmann::json items = nlohmann::json::object();
        for (int k = 0; k < num_opex_items; ++k) {
            items[std::string(opex_key(static_cast<OpexItem>(k)))] = c.opex_usd_per_year_by_item[k];
        }
        cj["opex_breakdown_usd_per_year"] = items;
        cj["capital_recovery_factor"] = c.capital_recovery_factor;
        cj["capital_charge_usd_per_year"] = c.capital_charge_usd_per_year;
        cj["annual_cost_usd_per_year"] = c.annual_cost_usd_per_year;
        cj["operating_hours_per_year"] = c.operating_hours_per_year;
        nlohmann::json cost = {{"reo_fed", c.cost_usd_per_kg_reo_fed}},
                       energy = {{"reo_fed", c.energy_kwh_per_kg_reo_fed}},
                       co2 = {{"reo_fed", c.co2_kg_per_kg_reo_fed}};
        cost["products"] = energy["products"] = co2["products"] = nlohmann::json::object();
        for (const auto& p : c.products) {
            cost["products"][p.name] = p.cost_usd_per_kg;
            energy["products"][p.name] = p.energy_kwh_per_kg;
            co2["products"][p.name] = p.co2_kg_per_kg;
        }
        cj["cost_usd_per_kg"] = cost;
        cj["energy_kwh_per_kg"] = energy;
        cj["co2_kg_per_kg"] = co2;
        cj["energy_breakdown"] = energy_json(c);
        cj["product_share"] = nlohmann::json::object();
        for (const auto& p : c.products) {
            cj["product_share"][p.name] = p.share;
        }
        cj["sizing"] = {{"mixer_volume_m3", c.mixer_volume_m3},
                        {"settler_volume_m3", c.settler_volume_m3},
                        {"tank_volume_m3", c.tank_volume_m3},
                        {"organic_inventory_m3", c.organic_inventory_m3},
                        {"extractant_inventory_kg", c.extractant_inventory_kg},
                        {"diluent_inventory_kg", c.diluent_inventory_kg},
                        {"power_kW", c.power_kW}};
        cj["consumption_per_year"] = {{"saponification_base_t", c.base_t_per_year},
                                      {"hcl_t", c.hcl_t_per_year},
                                      {"h2so4_t", c.h2so4_t_per_year},
                                      {"extractant_kg", c.extractant_kg_per_year},
                                      {"diluent_kg", c.diluent_kg_per_year},
                                      {"wastewater_m3", c.wastewater_m3_per_year},
                                      {"electricity_kwh", c.electricity_kwh_per_year},
                                      {"co2_electricity_kg", c.co2_electricity_kg_per_year},
                                      {"co2_reagents_kg", c.co2_reagents_kg_per_year},
                                      {"reo_fed_kg", c.reo_fed_kg_per_year}};
        cj["ratio_to"] = {
            {"country", first->code},
            {"cost_usd_per_kg", c.cost_usd_per_kg_reo_fed / first->cost_usd_per_kg_reo_fed},
            {"capex_usd", c.capex_usd / first->capex_usd},
            {"opex_usd_per_year", c.opex_usd_per_year / first->opex_usd_per_year},
            {"energy_kwh_per_kg",
             number_or_null(c.energy_kwh_per_kg_reo_fed / first->energy_kwh_per_kg_reo_fed)},
            {"co2_kg_per_kg",
             number_or_null(c.co2_kg_per_kg_reo_fed / first->co2_kg_per_kg_reo_fed)}};
        nlohmann::json gap = nlohmann::json::object();
        for (int k = 0; k <= num_opex_items; ++k) {
            gap[k < num_opex_items ? std::string(opex_key(static_cast<OpexItem>(k)))
                                   : std::string("capital_charge")] = gap_per_kg(c, *first, k);
        }
        cj["gap_to_first_usd_per_kg"] = gap;
        const Region& r = model.region(c.code);
        cj["unverified_inputs"] = unverified_region(r);
        nlohmann::json inputs = nlohmann::json::object();
        for (int p = 0; p < num_region_params; ++p) {
            inputs[std::string(info(static_cast<RegionParam>(p)).key)] = param_json(r.params[p]);
        }
        inputs["capex-location-factor"]["value"] = c.location_factor;
        cj["inputs"] = inputs;
        if (!run.tornado.empty()) {
            nlohmann::json bars = nlohmann::json::array();
            for (const auto& b : run.tornado[i]) {
                bars.push_back({{"parameter", b.key},
                                {"regional", b.regional},
                                {"low", b.low},
                                {"high", b.high},
                                {"cost_usd_per_kg_at_low", b.cost_at_low},
                                {"cost_usd_per_kg_at_high", b.cost_at_high}});
            }
            cj["sensitivity"] = bars;
        }
        j["countries"][c.code] = cj;
    }
    j["country_order"] = nlohmann::json::array();
    for (const auto& c : run.countries) {
        j["country_order"].push_back(c.code);
    }
    j["global_inputs"] = global_inputs_json(model.setup().data);
    j["unverified_global_inputs"] = unverified_global(model.setup().data);
    j["warnings"] = model.setup().warnings;
    if (run.monte_carlo) {
        const auto& mc = *run.monte_carlo;
        nlohmann::json m = {{"samples", mc.samples},
                            {"failed", mc.failed},
                            {"seed", mc.seed},
                            {"threads", mc.threads},
                            {"seconds", mc.seconds},
                            {"resimulated", mc.resimulated},
                            {"failure_messages", mc.failure_messages}};
        m["countries"] = nlohmann::json::object();
        for (const auto& c : mc.countries) {
            m["countries"][c.code] = {{"cost_usd_per_kg", percentiles_json(c.cost_usd_per_kg)},
                                      {"capex_usd", percentiles_json(c.capex_usd)},
                                      {"opex_usd_per_year", percentiles_json(c.opex_usd_per_year)},
                                      {"energy_kwh_per_kg", percentiles_json(c.energy_kwh_per_kg)},
                                      {"co2_kg_per_kg", percentiles_json(c.co2_kg_per_kg)},
                                      {"ratio_to_first", percentiles_json(c.ratio_to_first)}};
        }
        j["monte_carlo"] = m;
    }
    return j;
}

void apply_request(CostSetup& setup, const CostRequest& request)
{
    if (!request.countries.empty()) {
        setup.options.countries = request.countries;
    }
    if (!request.scenario.empty()) {
        if (!setup.data.has_scenario(request.scenario)) {
            throw InputError("--scenario: unknown scenario '" + request.scenario +
                             "' (reesx countries lists them)");
        }
        setup.options.scenario = request.scenario;
    }
    if (request.intermediate_concentration_mol_per_L) {
        setup.options.intermediate_concentration_mol_per_L =
            request.intermediate_concentration_mol_per_L;
    }
    if (setup.options.countries.empty()) {
        throw InputError("--countries: give at least one country code, e.g. CN-NM,US");
    }
}

CostStudy cost_study(const CaseSpec& spec, const CostRequest& request)
{
    CostSetup setup = parse_cost_setup(spec);
    apply_request(setup, request);
    const std::vector<std::string> codes = setup.options.countries;
    Cascade cascade(spec);
    CascadeResult result = cascade.solve();
    CostModel model(std::move(setup), plant_streams(spec, result));
    CostRun run = run_costs(model, codes, request.sensitivity);
    if (request.monte_carlo.samples > 0) {
        run.monte_carlo = monte_carlo(spec, model, codes, request.monte_carlo);
    }
    return {std::move(result), std::move(model), std::move(run)};
}

nlohmann::json cost_summary(const CaseSpec& spec, const CostStudy& study)
{
    nlohmann::json j;
    j["reesx_version"] = io::version();
    j["command"] = "cost";
    j["input"] = io::resolved_input(spec);
    j["converged"] = true;
    j["mass_balance_relative_error"] = study.cascade.mass_balance_relative_error;
    const nlohmann::json costs = cost_json(study.model, study.run);
    for (const auto& [key, value] : costs.items()) {
        j[key] = value;
    }
    // The case's and the solve's warnings (an inverted extraction order, idle stages) first.
    nlohmann::json warnings = study.cascade.warnings;
    for (const auto& w : costs.value("warnings", nlohmann::json::array())) {
        warnings.push_back(w);
    }
    j["warnings"] = warnings;
    return j;
}

nlohmann::json countries_json(const CostData& data)
{
    nlohmann::json j;
    j["currency"] = data.currency;
    j["cost_year"] = data.cost_year;
    j["scenarios"] = nlohmann::json::object();
    for (const auto& [name, description] : data.scenarios) {
        j["scenarios"][name] = description;
    }
    j["regions"] = nlohmann::json::object();
    j["country_order"] = nlohmann::json::array();
    for (const auto& r : data.regions) {
        nlohmann::json inputs = nlohmann::json::object();
        for (int p = 0; p < num_region_params; ++p) {
            inputs[std::string(info(static_cast<RegionParam>(p)).key)] = param_json(r.params[p]);
        }
        j["regions"][r.code] = {{"name", r.name},
                                {"currency", r.currency},
                                {"inherits", r.inherits},
                                {"location_scenarios", r.location_scenarios},
                                {"inputs", inputs}};
        j["country_order"].push_back(r.code);
    }
    j["global_inputs"] = global_inputs_json(data);
    return j;
}

std::string format_countries(const CostData& data, const std::string& code)
{
    std::ostringstream out;
    if (code.empty()) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%-6s %-44s %4s %9s %8s %7s %7s %6s\n", "code", "name",
                      "cur", "USD/kWh", "kgCO2/kWh", "USD/h", "loc.f.", "unverif.");
        out << buf;
        for (const auto& r : data.regions) {
            std::snprintf(buf, sizeof buf, "%-6s %-44s %4s %9.4f %8.4f %7.2f %7.3f %6zu\n",
                          r.code.c_str(), r.name.substr(0, 44).c_str(), r.currency.c_str(),
                          r[RegionParam::electricity_price].value, r[RegionParam::grid_co2].value,
                          r[RegionParam::operator_wage].value,
                          r[RegionParam::capex_location_factor].value, unverified_region(r).size());
            out << buf;
        }
        out << "\nScenarios (capital location factor): ";
        for (const auto& [n, d] : data.scenarios) {
            out << "\n  " << n << ": " << d;
        }
        out << "\n\n`reesx countries CODE` shows every value with its range, year, source and "
               "confidence; `reesx countries global` the plant-wide parameters.\n";
        return out.str();
    }
    const auto print_param = [&](std::string_view key, const Param& p) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "  %-28s %10.5g [%.5g, %.5g] %-8s %4d %-10s ",
                      std::string(key).c_str(), p.value, p.low, p.high, p.unit.c_str(), p.year,
                      p.confidence.c_str());
        out << buf;
        const auto src = data.sources.find(p.source);
        out << p.source;
        if (src != data.sources.end() && !src->second.title.empty()) {
            out << ": " << src->second.title;
            if (!src->second.url.empty()) {
                out << " <" << src->second.url << ">";
            }
        }
        if (!p.note.empty()) {
            out << " (" << p.note << ")";
        }
        out << "\n";
    };
    if (code == "global") {
        out << "Plant-wide parameters (" << data.origin << ")\n";
        for (int p = 0; p < num_global_params; ++p) {
            print_param(info(static_cast<GlobalParam>(p)).key, data.global[p]);
        }
        for (const auto& [sys, p] : data.extractant_molar_mass) {
            print_param("extractant-molar-mass " + sys, p);
        }
        for (int e = 0; e < num_elements; ++e) {
            if (data.oxide_price[e].given()) {
                print_param("oxide-price " + std::string(elements()[e].symbol),
                            data.oxide_price[e]);
            }
        }
        return out.str();
    }
    const Region* r = data.find(code);
    if (r == nullptr) {
        throw InputError("unknown country or region '" + code +
                         "'; known: " + join(data.codes(), " ") + ", or 'global'");
    }
    out << r->code << " — " << r->name << " (quotes converted from " << r->currency << " to USD; "
        << (r->inherits.empty() ? "inherits the US-basis defaults" : "inherits " + r->inherits)
        << " where not given)\n";
    out << "  parameter                         value [range]           unit     year conf.      "
           "source\n";
    for (int p = 0; p < num_region_params; ++p) {
        print_param(info(static_cast<RegionParam>(p)).key, r->params[p]);
    }
    for (const auto& [n, v] : r->location_scenarios) {
        out << "  capex-location-factor, scenario " << n << ": " << fmt("%.3f", v) << "\n";
    }
    return out.str();
}

}  // namespace reesx::costs
