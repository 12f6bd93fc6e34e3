// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Cost, energy and CO2 data by country or region (costs/data/countries.yaml, compiled in by
// cmake/ReesxEmbed.cmake): every parameter with its value, range, unit, year, source and
// confidence. Regions inherit the US-basis `defaults` (and optionally another region) field
// by field; after inheritance every region has every parameter (checked on load).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/thermo/Elements.h"

namespace reesx::costs {

//! One sourced number.
struct Param {
    double value = 0.0;
    double low = 0.0;   //!< range used by --sensitivity and --monte-carlo
    double high = 0.0;  //!< (low == high: no uncertainty given)
    std::string unit;
    int year = 0;
    std::string source;      //!< id in CostData::sources, or "case file FILE:LINE"
    std::string confidence;  //!< high, med, low, unverified, or user
    std::string note;
    bool given() const { return !source.empty(); }
};

//! Parameters every region carries (per-country data).
enum class RegionParam : int {
    electricity_price,      //!< USD/kWh
    grid_co2,               //!< kg CO2e/kWh
    grid_availability,      //!< fraction of planned hours the grid supplies
    operator_wage,          //!< USD/h
    labour_burden,          //!< fraction on top of the wage
    hcl_price,              //!< USD/t HCl (100 %)
    naoh_price,             //!< USD/t NaOH (100 %)
    nh3_price,              //!< USD/t NH3
    mgo_price,              //!< USD/t MgO
    extractant_price,       //!< USD/kg
    diluent_price,          //!< USD/kg
    wastewater_price,       //!< USD/m3
    capex_location_factor,  //!< capital multiplier vs US Gulf
    h2so4_price,            //!< USD/t H2SO4 (100 %): the acid of sulfate-medium cascades
    count
};
inline constexpr int num_region_params = static_cast<int>(RegionParam::count);

//! Plant-wide parameters (correlations, factors, sizing rules, finance).
enum class GlobalParam : int {
    mixer_settler_cost_ref,
    mixer_settler_volume_ref,
    mixer_settler_exponent,
    tank_cost_ref,
    tank_volume_ref,
    tank_exponent,
    tank_residence_time,
    cepci_2016,
    cepci_cost_year,
    installation_factor,
    owners_cost_factor,
    maintenance_fraction,
    tax_insurance_fraction,
    overhead_fraction,
    capacity_factor,
    operator_positions_base,
    operator_positions_per_stage,
    mixer_residence_time,
    settler_residence_time,
    organic_inventory_overhead,
    extractant_concentration,
    extractant_density,
    diluent_density,
    entrainment,
    extractant_solubility,
    organic_degradation,
    mixer_power,
    pumping_energy,
    chloralkali_energy,
    strip_acid_excess,
    discount_rate,
    plant_life,
    // Energy beyond mixers and pumps (docs/costs.md, "Energy").
    solution_heat_capacity,
    heating_temperature_rise,
    heating_cop,
    evaporation_energy,
    precipitation_energy,
    calcination_energy,
    wastewater_energy_chloride,
    wastewater_energy_ammonium,
    hcl_embodied_energy,
    h2so4_embodied_energy,
    count
};
inline constexpr int num_global_params = static_cast<int>(GlobalParam::count);

//! Key in the data and case files (kebab-case) and the unit the value must be given in.
struct ParamInfo {
    std::string_view key;
    std::string_view unit;
    std::string_view what;  //!< short description for tables
};
const ParamInfo& info(RegionParam p);
const ParamInfo& info(GlobalParam p);

struct Source {
    std::string title;
    std::string url;
};

struct Region {
    std::string code;  //!< "CN-NM"
    std::string name;
    std::string currency;  //!< local currency the quotes were converted from
    std::string inherits;  //!< "" (defaults) or another region's code
    std::array<Param, num_region_params> params;
    //! Capital location factor per named scenario (absent: the default value).
    std::map<std::string, double> location_scenarios;

    const Param& operator[](RegionParam p) const { return params[static_cast<int>(p)]; }
    Param& operator[](RegionParam p) { return params[static_cast<int>(p)]; }
    //! The location factor under a scenario ("" or unknown to this region: the default).
    double location_factor(const std::string& scenario) const;
};

struct CostData {
    std::string origin;  //!< "built-in" or the file it came from
    std::string currency = "USD";
    int cost_year = 0;
    std::map<std::string, Source> sources;
    std::array<Param, num_global_params> global;
    //! Extractant molar mass by extraction-system name (g/mol).
    std::map<std::string, Param> extractant_molar_mass;
    //! Oxide price by element, USD/kg oxide (allocation by value).
    std::array<Param, num_elements> oxide_price;
    //! Capital location-factor scenarios: name -> description, in file order.
    std::vector<std::pair<std::string, std::string>> scenarios;
    Region defaults;
    std::vector<Region> regions;  //!< file order

    const Param& operator[](GlobalParam p) const { return global[static_cast<int>(p)]; }
    Param& operator[](GlobalParam p) { return global[static_cast<int>(p)]; }
    const Region* find(std::string_view code) const;
    Region* find(std::string_view code);
    bool has_scenario(std::string_view name) const;
    //! Region codes, file order.
    std::vector<std::string> codes() const;
};

//! The built-in data (parsed once, then copied).
const CostData& builtin_cost_data();

//! Parses a whole data file (the layout of costs/data/countries.yaml) and checks it: every
//! parameter present with value, range containing the value, unit as expected, a source id
//! that resolves, a confidence; every region complete after inheritance.
CostData parse_cost_data(const InputNode& root);

//! One parameter: a mapping {value, range, unit, year, source, confidence, note} (data files)
//! or, where `allow_bare` (case files), a bare number or a quantity with unit, whose source is
//! then the place it was written. `expected_unit` is checked against `unit:`.
Param parse_param(const InputNode& node, std::string_view expected_unit, bool allow_bare,
                  const std::map<std::string, Source>* sources);

//! Fails at `where` when a plant-wide value cannot be used (a zero divisor, a plant life
//! under a year, a capacity factor above 1...).
//! Returns a warning for a value that is possible but unusual (a mixer residence time of an
//! hour), or "".
std::string check_global(GlobalParam p, const Param& value, const InputNode& where);

//! Adds or overrides regions from a mapping {CODE: {name, inherits, currency, <params>...}}
//! (the `regions:` of a data file or `cost.countries-data` of a case). Values in a case file may
//! be bare numbers (then range = [v, v], source = the case file).
void merge_regions(CostData& data, const InputNode& regions, bool from_case);

}  // namespace reesx::costs
