// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost of a whole plant: each cascade costed by CostModel from its flows in the solved
// plant, the plant's items the sums of the cascades' (docs/costs.md, "Whole plants").
#include "reesx/costs/PlantCost.h"

#include <algorithm>
#include <set>

namespace reesx::costs {
namespace {

double oxide_kg_per_mol(int element)
{
    return elements()[element].oxide_mass_per_mol_element_g() / 1000.0;
}

//! A cascade's streams as the plant uses them. In a plant only what leaves it is lost with the
//! aqueous outflow and treated as wastewater, and only a loaded organic that leaves the plant
//! unstripped still has to be stripped; a stream sent on to another cascade is neither.
PlantStreams cascade_streams(const PlantResult& result, int c)
{
    PlantStreams s = plant_streams(result.specs[c], result.cascades[c]);
    s.aqueous_out_L_per_h = 0.0;
    s.strip_stoichiometric_h_mol_per_h = 0.0;
    s.finished_reo_kg_per_h = 0.0;
    for (const auto& p : result.products) {
        if (p.cascade != c) {
            continue;
        }
        for (int e = 0; e < num_elements; ++e) {
            s.finished_reo_kg_per_h += p.value.mol_per_h[e] * oxide_kg_per_mol(e);
        }
        if (p.value.phase == Phase::aqueous) {
            s.aqueous_out_L_per_h += p.value.flow_L_per_h;
        }
        if (p.outlet == "loaded_organic") {
            s.strip_stoichiometric_h_mol_per_h += 3.0 * p.value.re_mol_per_h();
        }
    }
    return s;
}

//! Water evaporated from the aqueous streams feeding cascade `c` to bring them to
//! `concentration_mol_per_L` RE (a more concentrated stream is diluted, which costs no
//! energy beyond pumping), L/h.
double evaporated_into(const PlantSpec& spec, const PlantResult& result, int c,
                       double concentration_mol_per_L)
{
    double water_L_per_h = 0.0;
    for (std::size_t k = 0; k < spec.streams.size() && k < result.streams.size(); ++k) {
        const StreamValue& v = result.streams[k];
        if (spec.streams[k].to != c || spec.streams[k].inlet != Inlet::feed ||
            v.phase != Phase::aqueous) {
            continue;
        }
        water_L_per_h += std::max(0.0, v.flow_L_per_h - v.re_mol_per_h() / concentration_mol_per_L);
    }
    return water_L_per_h;
}

//! The plant as one set of streams: every cascade's stages and streams, the plant feed and the
//! products that leave it.
PlantStreams whole_plant_streams(const PlantResult& result, const std::vector<PlantStreams>& each)
{
    PlantStreams s;
    s.system_name = each.front().system_name;
    s.extractant_mol_per_L = each.front().extractant_mol_per_L;
    s.unsaponified_by_design = std::all_of(
        each.begin(), each.end(), [](const PlantStreams& c) { return c.unsaponified_by_design; });
    for (const auto& c : each) {
        s.stages += c.stages;
        s.stage_aqueous_L_per_h.insert(s.stage_aqueous_L_per_h.end(),
                                       c.stage_aqueous_L_per_h.begin(),
                                       c.stage_aqueous_L_per_h.end());
        s.stage_organic_L_per_h.insert(s.stage_organic_L_per_h.end(),
                                       c.stage_organic_L_per_h.begin(),
                                       c.stage_organic_L_per_h.end());
        s.fed_aqueous_L_per_h.insert(s.fed_aqueous_L_per_h.end(), c.fed_aqueous_L_per_h.begin(),
                                     c.fed_aqueous_L_per_h.end());
        s.fed_total_L_per_h += c.fed_total_L_per_h;
        s.aqueous_out_L_per_h += c.aqueous_out_L_per_h;
        s.base_equiv_mol_per_h += c.base_equiv_mol_per_h;
        s.hcl_fed_mol_per_h += c.hcl_fed_mol_per_h;
        s.h2so4_fed_h_mol_per_h += c.h2so4_fed_h_mol_per_h;
        s.sulfate = s.sulfate || c.sulfate;
        s.strip_stoichiometric_h_mol_per_h += c.strip_stoichiometric_h_mol_per_h;
        s.evaporated_water_L_per_h += c.evaporated_water_L_per_h;
        s.finished_reo_kg_per_h += c.finished_reo_kg_per_h;
    }
    for (int e = 0; e < num_elements; ++e) {
        s.feed_reo_kg_per_h += result.feed_mol_per_h[e] * oxide_kg_per_mol(e);
    }
    for (const auto& p : result.products) {
        PlantStreams::Product prod;
        prod.name = p.name;
        for (int e = 0; e < num_elements; ++e) {
            prod.oxide_kg_per_h[e] = p.value.mol_per_h[e] * oxide_kg_per_mol(e);
            prod.reo_kg_per_h += prod.oxide_kg_per_h[e];
        }
        s.products.push_back(prod);
    }
    return s;
}

CostSetup plant_setup(const PlantSpec& spec, const CaseSpec& cascade, const CostRequest& request)
{
    CostSetup setup = parse_cost_mapping(spec.cost, cascade.system.name, cascade.components);
    apply_request(setup, request);
    return setup;
}

}  // namespace

CountryCost add_costs(const CountryCost& a, const CountryCost& b)
{
    CountryCost c = a;
    c.mixer_volume_m3 += b.mixer_volume_m3;
    c.settler_volume_m3 += b.settler_volume_m3;
    c.tank_volume_m3 += b.tank_volume_m3;
    c.organic_inventory_m3 += b.organic_inventory_m3;
    c.extractant_inventory_kg += b.extractant_inventory_kg;
    c.diluent_inventory_kg += b.diluent_inventory_kg;
    c.equipment_usd += b.equipment_usd;
    c.tanks_usd += b.tanks_usd;
    c.installed_usd += b.installed_usd;
    c.first_fill_usd += b.first_fill_usd;
    c.capex_usd += b.capex_usd;
    c.capital_charge_usd_per_year += b.capital_charge_usd_per_year;
    for (int k = 0; k < num_opex_items; ++k) {
        c.opex_usd_per_year_by_item[k] += b.opex_usd_per_year_by_item[k];
    }
    c.opex_usd_per_year += b.opex_usd_per_year;
    c.annual_cost_usd_per_year += b.annual_cost_usd_per_year;
    c.base_t_per_year += b.base_t_per_year;
    c.hcl_t_per_year += b.hcl_t_per_year;
    c.h2so4_t_per_year += b.h2so4_t_per_year;
    c.extractant_kg_per_year += b.extractant_kg_per_year;
    c.diluent_kg_per_year += b.diluent_kg_per_year;
    c.wastewater_m3_per_year += b.wastewater_m3_per_year;
    c.power_kW += b.power_kW;
    c.electricity_kwh_per_year += b.electricity_kwh_per_year;
    for (int k = 0; k < num_energy_items; ++k) {
        c.energy_kwh_per_year_by_item[k] += b.energy_kwh_per_year_by_item[k];
    }
    c.embodied_kwh_per_year += b.embodied_kwh_per_year;
    c.evaporated_water_t_per_year += b.evaporated_water_t_per_year;
    c.co2_electricity_kg_per_year += b.co2_electricity_kg_per_year;
    c.co2_reagents_kg_per_year += b.co2_reagents_kg_per_year;
    c.reo_fed_kg_per_year = 0.0;
    c.cost_usd_per_kg_reo_fed = c.energy_kwh_per_kg_reo_fed = c.co2_kg_per_kg_reo_fed = 0.0;
    c.products.clear();
    return c;
}

PlantCostStudy plant_cost_study(const PlantSpec& spec, const PlantResult& result,
                                const CostRequest& request)
{
    if (request.sensitivity || request.monte_carlo.samples > 0) {
        throw InputError(
            "--sensitivity and --monte-carlo cost one cascade; for a plant file cost its "
            "cascades one by one (each is a case under cascades:)");
    }
    if (result.cascades.empty()) {
        throw InputError("the plant has no cascades to cost");
    }
    std::vector<PlantStreams> each;
    std::vector<CostModel> models;
    std::vector<std::string> warnings;
    for (std::size_t c = 0; c < result.cascades.size(); ++c) {
        CostSetup setup = plant_setup(spec, result.specs[c], request);
        each.push_back(cascade_streams(result, static_cast<int>(c)));
        if (const auto conc = setup.options.intermediate_concentration_mol_per_L) {
            each.back().evaporated_water_L_per_h =
                evaporated_into(spec, result, static_cast<int>(c), *conc);
        }
        models.emplace_back(std::move(setup), each.back());
        for (const auto& w : models.back().setup().warnings) {
            warnings.push_back(spec.cascade_names[c] + ": " + w);
        }
    }
    CostSetup setup = models.front().setup();
    std::set<std::string> seen;
    setup.warnings.clear();
    for (const auto& w : warnings) {
        if (seen.insert(w).second) {
            setup.warnings.push_back(w);
        }
    }
    const PlantStreams whole = whole_plant_streams(result, each);
    PlantCostStudy study{.name = spec.name,
                         .cascade_names = spec.cascade_names,
                         .cascade_models = std::move(models),
                         .plant_model = CostModel(std::move(setup), whole),
                         .product_main_element = {},
                         .countries = {},
                         .run = {}};
    for (const auto& p : result.products) {
        const auto& m = p.value.mol_per_h;
        study.product_main_element.push_back(
            static_cast<int>(std::max_element(m.begin(), m.end()) - m.begin()));
    }
    const auto& opt = study.plant_model.setup().options;
    for (const auto& code : opt.countries) {
        PlantCountryCost pc;
        for (const auto& model : study.cascade_models) {
            pc.cascades.push_back(model.evaluate(model.region(code)));
        }
        pc.plant = pc.cascades.front();
        for (std::size_t c = 1; c < pc.cascades.size(); ++c) {
            pc.plant = add_costs(pc.plant, pc.cascades[c]);
        }
        price_per_kg(pc.plant, whole.feed_reo_kg_per_h, whole.products, opt.allocation,
                     study.plant_model.oxide_prices());
        // Each element's products: their share of the annual cost over the element's oxide.
        for (int e = 0; e < num_elements; ++e) {
            ElementCost ec;
            ec.element = e;
            double usd = 0.0, kwh = 0.0, co2 = 0.0;
            const double hours = pc.plant.operating_hours_per_year;
            for (std::size_t p = 0; p < whole.products.size(); ++p) {
                if (study.product_main_element[p] != e) {
                    continue;
                }
                const ProductCost& cost = pc.plant.products[p];
                ec.products.push_back(cost.name);
                ec.oxide_kg_per_year += whole.products[p].oxide_kg_per_h[e] * hours;
                usd += cost.cost_usd_per_kg * cost.reo_kg_per_year;
                kwh += cost.energy_kwh_per_kg * cost.reo_kg_per_year;
                co2 += cost.co2_kg_per_kg * cost.reo_kg_per_year;
            }
            if (ec.products.empty() || ec.oxide_kg_per_year <= 0.0) {
                continue;
            }
            ec.cost_usd_per_kg = usd / ec.oxide_kg_per_year;
            ec.energy_kwh_per_kg = kwh / ec.oxide_kg_per_year;
            ec.co2_kg_per_kg = co2 / ec.oxide_kg_per_year;
            pc.elements.push_back(ec);
        }
        study.run.countries.push_back(pc.plant);
        study.countries.push_back(std::move(pc));
    }
    return study;
}

}  // namespace reesx::costs
