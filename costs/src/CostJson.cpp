// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The JSON of a cost run (`reesx cost --json` and the summary file): per country the costs,
// their breakdowns and inputs, the tornado and the Monte Carlo percentiles.
#include "ReportFormat.h"
#include "ReportInputs.h"
#include "reesx/costs/Report.h"
#include "reesx/io/Results.h"

namespace reesx::costs {
namespace {

using report_format::number_or_null;
using report_inputs::global_inputs_json;
using report_inputs::param_json;
using report_inputs::unverified_global;
using report_inputs::unverified_region;

nlohmann::json percentiles_json(const Percentiles& p)
{
    return {{"p5", number_or_null(p.p5)},
            {"p50", number_or_null(p.p50)},
            {"p95", number_or_null(p.p95)},
            {"mean", number_or_null(p.mean)}};
}

}  // namespace

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

}  // namespace reesx::costs
