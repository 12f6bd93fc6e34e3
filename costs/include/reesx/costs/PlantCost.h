// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost of a whole plant (`reesx cost PLANT.yaml`, `reesx separate --countries`): every
// cascade is costed by the single-cascade model (CostModel) from its simulated flows in the
// plant, and the plant's capital, operating items, energy and CO2 are the sums of its
// cascades'. Per kg figures are on the REO the plant is fed and the products that leave it
// (docs/costs.md, "Whole plants").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reesx/costs/Report.h"
#include "reesx/flowsheets/Plant.h"

namespace reesx::costs {

//! The cost of the products whose main element is `element`, per kg of that element's oxide
//! in them (what a kg of the element sold costs, its impurities carried free).
struct ElementCost {
    int element = 0;
    std::vector<std::string> products;
    double oxide_kg_per_year = 0.0;  //!< of `element` in those products
    double cost_usd_per_kg = 0.0;
    double energy_kwh_per_kg = 0.0;
    double co2_kg_per_kg = 0.0;
};

struct PlantCountryCost {
    CountryCost plant;                  //!< sums of the cascades' items; per kg of the plant's
    std::vector<CountryCost> cascades;  //!< each cascade's costing, in the plant file's order
    std::vector<ElementCost> elements;  //!< in element order
};

struct PlantCostStudy {
    std::string name;
    std::vector<std::string> cascade_names;
    std::vector<CostModel> cascade_models;  //!< each cascade's streams in the plant
    //! The plant as one set of streams (every stage, stream and reagent of its cascades; the
    //! plant feed and products): what the report shows; costs are the cascades' sums.
    CostModel plant_model;
    std::vector<int> product_main_element;  //!< per plant product
    std::vector<PlantCountryCost> countries;
    CostRun run;  //!< the plant totals per country (what format_cost and cost_json show)
};

//! Costs the solved plant in the countries of `request` (empty: the plant's `cost.countries`,
//! else the default list), with the scenario of `request` (empty: the plant's). Sensitivity and
//! Monte Carlo are for one cascade: an InputError if asked for.
PlantCostStudy plant_cost_study(const PlantSpec& spec, const PlantResult& result,
                                const CostRequest& request);

//! The sum of two costings of the same country (capital, items, consumption, sizing); the per
//! kg figures and products are left for price_per_kg.
CountryCost add_costs(const CountryCost& a, const CountryCost& b);

//! Side-by-side plant table (format_cost of the totals), then each cascade's annual cost and
//! USD/kg of the plant feed, and each element's USD/kg sold.
std::string format_plant_cost(const PlantCostStudy& study);

//! cost_json of the plant totals, with per country `cascades` {name: {capex_usd,
//! opex_usd_per_year, opex_breakdown_usd_per_year, capital_charge_usd_per_year,
//! annual_cost_usd_per_year, share_of_annual_cost}} and `elements` {symbol: {products,
//! oxide_kg_per_year, cost_usd_per_kg, energy_kwh_per_kg, co2_kg_per_kg}}, and the plant's
//! cascade order.
nlohmann::json plant_cost_json(const PlantCostStudy& study);

//! The whole `reesx cost PLANT.yaml` JSON summary: reesx_version, command, input (the plant's,
//! as `reesx run` gives it), converged, mass_balance_relative_error, then plant_cost_json, and
//! warnings (the plant's, then the costing's).
nlohmann::json plant_cost_summary(const PlantSpec& spec, const PlantResult& result,
                                  const PlantCostStudy& study);

}  // namespace reesx::costs
