// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx cost PLANT.yaml` and `reesx separate --countries` print and write: the plant's
// totals as `reesx cost` shows a cascade's, then its cascades and the elements it sells.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "reesx/costs/PlantCost.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"

namespace reesx::costs {
namespace {

std::string cell(const char* format, double value)
{
    if (!std::isfinite(value)) {
        return "         n/a";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, std::abs(value) < 1e9 ? format : "%12.4g", value);
    return buf;
}

std::string label(const std::string& text)
{
    char buf[128];
    std::snprintf(buf, sizeof buf, "%-34s", text.substr(0, 34).c_str());
    return buf;
}

}  // namespace

std::string format_plant_cost(const PlantCostStudy& study)
{
    std::ostringstream out;
    out << format_cost(study.name + " (whole plant: the sum of its cascades)", study.plant_model,
                       study.run);
    if (study.countries.empty()) {
        return out.str();
    }
    out << "\nBy cascade: annual cost, kUSD/y (share of the plant's)\n" << label("");
    for (const auto& c : study.run.countries) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%12s", c.code.c_str());
        out << buf;
    }
    out << "\n";
    for (std::size_t k = 0; k < study.cascade_names.size(); ++k) {
        out << label("  " + study.cascade_names[k]);
        for (const auto& pc : study.countries) {
            out << cell("%12.1f", pc.cascades[k].annual_cost_usd_per_year / 1e3);
        }
        out << "\n" << label("    share");
        for (const auto& pc : study.countries) {
            out << cell("%12.3f", pc.cascades[k].annual_cost_usd_per_year /
                                      pc.plant.annual_cost_usd_per_year);
        }
        out << "\n";
    }
    out << "By element sold: USD/kg of the element's oxide in its products (allocation by "
        << allocation_name(study.plant_model.setup().options.allocation) << ")\n";
    const auto& first = study.countries.front().elements;
    for (std::size_t e = 0; e < first.size(); ++e) {
        out << label(std::string("  ") + std::string(elements()[first[e].element].symbol));
        for (const auto& pc : study.countries) {
            out << cell("%12.2f", pc.elements[e].cost_usd_per_kg);
        }
        out << "\n";
    }
    return out.str();
}

nlohmann::json plant_cost_json(const PlantCostStudy& study)
{
    nlohmann::json j = cost_json(study.plant_model, study.run);
    j["plant"]["cascades"] = study.cascade_names.size();
    j["cascade_order"] = study.cascade_names;
    for (const auto& pc : study.countries) {
        nlohmann::json& cj = j["countries"][pc.plant.code];
        nlohmann::json cascades = nlohmann::json::object();
        for (std::size_t k = 0; k < pc.cascades.size(); ++k) {
            const CountryCost& c = pc.cascades[k];
            nlohmann::json items = nlohmann::json::object();
            for (int i = 0; i < num_opex_items; ++i) {
                items[std::string(opex_key(static_cast<OpexItem>(i)))] =
                    c.opex_usd_per_year_by_item[i];
            }
            const double total = pc.plant.annual_cost_usd_per_year;
            cascades[study.cascade_names[k]] = {
                {"total_stages", study.cascade_models[k].streams().stages},
                {"capex_usd", c.capex_usd},
                {"opex_usd_per_year", c.opex_usd_per_year},
                {"opex_breakdown_usd_per_year", items},
                {"capital_charge_usd_per_year", c.capital_charge_usd_per_year},
                {"annual_cost_usd_per_year", c.annual_cost_usd_per_year},
                {"electricity_kwh_per_year", c.electricity_kwh_per_year},
                {"co2_kg_per_year", c.co2_electricity_kg_per_year + c.co2_reagents_kg_per_year},
                {"share_of_annual_cost", total > 0.0 ? c.annual_cost_usd_per_year / total : 0.0}};
        }
        cj["cascades"] = cascades;
        nlohmann::json els = nlohmann::json::object();
        for (const auto& e : pc.elements) {
            els[std::string(elements()[e.element].symbol)] = {
                {"products", e.products},
                {"oxide_kg_per_year", e.oxide_kg_per_year},
                {"cost_usd_per_kg", e.cost_usd_per_kg},
                {"energy_kwh_per_kg", e.energy_kwh_per_kg},
                {"co2_kg_per_kg", e.co2_kg_per_kg}};
        }
        cj["elements"] = els;
    }
    return j;
}

nlohmann::json plant_cost_summary(const PlantSpec& spec, const PlantResult& result,
                                  const PlantCostStudy& study)
{
    nlohmann::json j;
    j["reesx_version"] = io::version();
    j["command"] = "cost";
    j["input"] = io::plant_run_summary(spec, result).at("input");
    j["converged"] = true;
    j["mass_balance_relative_error"] = result.mass_balance_relative_error;
    const nlohmann::json costs = plant_cost_json(study);
    for (const auto& [key, value] : costs.items()) {
        j[key] = value;
    }
    nlohmann::json warnings = result.warnings;
    for (const auto& w : costs.value("warnings", nlohmann::json::array())) {
        warnings.push_back(w);
    }
    j["warnings"] = warnings;
    return j;
}

}  // namespace reesx::costs
