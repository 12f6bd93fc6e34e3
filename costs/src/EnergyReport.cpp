// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The energy of a costing item by item, as the cost JSON gives it (docs/interface.md, `cost`).
#include "reesx/costs/Report.h"

namespace reesx::costs {

nlohmann::json energy_json(const CountryCost& c)
{
    nlohmann::json per_year = nlohmann::json::object(), per_kg = nlohmann::json::object();
    for (int i = 0; i < num_energy_items; ++i) {
        const std::string key(energy_key(static_cast<EnergyItem>(i)));
        per_year[key] = c.energy_kwh_per_year_by_item[i];
        per_kg[key] = c.reo_fed_kg_per_year > 0.0
                          ? c.energy_kwh_per_year_by_item[i] / c.reo_fed_kg_per_year
                          : 0.0;
    }
    return {{"on_site_kwh_per_year", c.electricity_kwh_per_year},
            {"embodied_kwh_per_year", c.embodied_kwh_per_year},
            {"evaporated_water_t_per_year", c.evaporated_water_t_per_year},
            {"kwh_per_year", per_year},
            {"kwh_per_kg_reo_fed", per_kg}};
}

}  // namespace reesx::costs
