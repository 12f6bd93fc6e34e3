// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Capital, operating cost, energy and CO2 of a simulated cascade, per country (docs/costs.md).
// The plant is sized from the simulated flows (mixer and settler volumes from residence
// times, organic inventory, tanks); reagents come from the simulated balances
// (CascadeResult::reagents); prices, wages, power and grid intensity from the country data.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "reesx/costs/CostData.h"
#include "reesx/flowsheets/Cascade.h"

namespace reesx::costs {

enum class BaseReagent { naoh, nh3, mgo };
enum class Allocation { mass, value };
std::string_view base_reagent_name(BaseReagent b);
std::string_view allocation_name(Allocation a);

//! What the case's `cost:` mapping (and the command line) choose.
struct CostOptions {
    std::vector<std::string> countries;  //!< default list; --countries overrides
    std::string scenario = "towler-sinnott";
    BaseReagent base = BaseReagent::naoh;
    Allocation allocation = Allocation::mass;
    //! When the case has no strip section, charge the acid that strips the loaded organic
    //! (3 H+ per RE × strip-acid-excess). Off for a linked flowsheet whose loaded organic
    //! feeds the next cascade unstripped.
    bool strip_loaded_organic = true;
    std::optional<double> hours_per_year;  //!< overrides 8760 h × capacity-factor
    //! A plant's aqueous streams between cascades are brought to this RE concentration
    //! (mol/L) before the next cascade: the water evaporated costs energy. Unset: as they leave.
    std::optional<double> intermediate_concentration_mol_per_L;
    //! The capital charge's weight in the annual cost (1: the cost). Another weight makes the
    //! annual cost a weighted sum of capital charge and operating cost, which is how a plant's
    //! capital-against-operating front is traced (`optimize --plant --pareto-capital`); not an
    //! input key.
    double capital_charge_weight = 1.0;
};

//! The data (built-in, with the case's overrides) and the options of one costing run.
struct CostSetup {
    CostData data;
    CostOptions options;
    std::vector<std::string> warnings;
};

//! Reads the case's optional `cost:` mapping (keys in docs/user-guide.md); InputError located
//! in the case file for anything wrong.
CostSetup parse_cost_setup(const CaseSpec& spec);
//! The same from a `cost:` mapping given apart from a case (a plant file's), for a cascade of
//! `system_name` solving `components` (the extractant molar mass and value allocation need them).
CostSetup parse_cost_mapping(const std::optional<InputNode>& cost, const std::string& system_name,
                             const std::vector<int>& components);

//! The quantities of the simulated plant the costs depend on: independent of prices.
struct PlantStreams {
    std::string system_name;
    int stages = 0;
    std::vector<double> stage_aqueous_L_per_h, stage_organic_L_per_h;  //!< leaving each stage
    std::vector<double> fed_aqueous_L_per_h;  //!< each aqueous stream fed (tanks)
    double fed_total_L_per_h = 0.0;           //!< every stream fed, both phases (pumping)
    double aqueous_out_L_per_h = 0.0;         //!< aqueous products (losses, wastewater)
    double base_equiv_mol_per_h = 0.0;        //!< saponification: monovalent base, mol/h
    //! The case gives the extractant's concentration and no saponification: the extractant is
    //! used in its acid form (an impurity pre-extraction at high acidity), so no base is due.
    bool unsaponified_by_design = false;
    double hcl_fed_mol_per_h = 0.0;  //!< scrub + strip acid fed (H+)
    //! The part of hcl_fed_mol_per_h fed as H2SO4 (sulfate-medium cascades), H+ (2 per H2SO4).
    double h2so4_fed_h_mol_per_h = 0.0;
    bool sulfate = false;  //!< sulfate medium: a stoichiometric strip is priced as H2SO4
    //! 3 H+ per RE of the loaded organic when the case has no strip section (else 0).
    double strip_stoichiometric_h_mol_per_h = 0.0;
    std::optional<double> extractant_mol_per_L;
    double feed_reo_kg_per_h = 0.0;
    //! Water evaporated to bring the aqueous feeds to their concentration (a plant's
    //! intermediate streams), L/h.
    double evaporated_water_L_per_h = 0.0;
    //! REO precipitated and calcined to oxide: the products that leave the plant, kg/h.
    double finished_reo_kg_per_h = 0.0;
    struct Product {
        std::string name;
        double reo_kg_per_h = 0.0;
        std::array<double, num_elements> oxide_kg_per_h{};
    };
    std::vector<Product> products;  //!< products that carry rare earths
};
PlantStreams plant_streams(const CaseSpec& spec, const CascadeResult& result);

//! Operating cost items, in table order.
enum class OpexItem : int {
    base,
    hcl,
    extractant,
    diluent,
    electricity,
    labour,
    overhead,
    maintenance,
    tax_insurance,
    wastewater,
    count
};
inline constexpr int num_opex_items = static_cast<int>(OpexItem::count);
std::string_view opex_key(OpexItem item);    //!< JSON key, e.g. "hcl"
std::string_view opex_label(OpexItem item);  //!< table label

//! Energy items, in table order: the plant's own electricity (priced at the country's
//! electricity price), then the electricity embodied in its reagents (counted in kWh and CO2,
//! not priced: the reagent prices carry it). docs/costs.md, "Energy".
enum class EnergyItem : int {
    mixers,
    pumps,
    heating,
    evaporation,
    precipitation,
    calcination,
    wastewater,
    naoh_embodied,
    hcl_embodied,
    count
};
inline constexpr int num_energy_items = static_cast<int>(EnergyItem::count);
inline bool is_embodied(EnergyItem item)
{
    return item == EnergyItem::naoh_embodied || item == EnergyItem::hcl_embodied;
}
std::string_view energy_key(EnergyItem item);    //!< JSON key, e.g. "calcination"
std::string_view energy_label(EnergyItem item);  //!< table label

//! The numbers a costing uses: every global and region parameter, flat, so that sensitivity
//! and Monte Carlo can move any of them.
struct ParamValues {
    std::array<double, num_global_params> global{};
    std::array<double, num_region_params> region{};
    double g(GlobalParam p) const { return global[static_cast<int>(p)]; }
    double r(RegionParam p) const { return region[static_cast<int>(p)]; }
};

struct ProductCost {
    std::string name;
    double share = 0.0;  //!< of the annual cost (allocation rule)
    double reo_kg_per_year = 0.0;
    double cost_usd_per_kg = 0.0;
    double energy_kwh_per_kg = 0.0;
    double co2_kg_per_kg = 0.0;
};

struct CountryCost {
    std::string code, name;
    // Sizing.
    double mixer_volume_m3 = 0.0, settler_volume_m3 = 0.0, tank_volume_m3 = 0.0;
    double organic_inventory_m3 = 0.0, extractant_inventory_kg = 0.0, diluent_inventory_kg = 0.0;
    // Capital, USD of the cost year.
    double location_factor = 1.0;
    double equipment_usd = 0.0;   //!< mixer-settlers, bare (US basis, escalated)
    double tanks_usd = 0.0;       //!< tanks, bare
    double installed_usd = 0.0;   //!< total plant cost: bare × installation × location
    double first_fill_usd = 0.0;  //!< extractant and diluent inventory
    double capex_usd = 0.0;       //!< installed × owner's cost factor + first fill
    double capital_recovery_factor = 0.0;
    double capital_charge_usd_per_year = 0.0;
    // Operating.
    double operating_hours_per_year = 0.0;
    std::array<double, num_opex_items> opex_usd_per_year_by_item{};
    double opex_usd_per_year = 0.0;
    double annual_cost_usd_per_year = 0.0;  //!< opex + capital charge
    // Consumption.
    double base_t_per_year = 0.0, hcl_t_per_year = 0.0;
    double h2so4_t_per_year = 0.0;  //!< the acid of sulfate-medium cascades
    double extractant_kg_per_year = 0.0, diluent_kg_per_year = 0.0;
    double wastewater_m3_per_year = 0.0;
    double power_kW = 0.0, electricity_kwh_per_year = 0.0;
    //! kWh per year by EnergyItem; the on-site items sum to electricity_kwh_per_year, the
    //! embodied ones to embodied_kwh_per_year.
    std::array<double, num_energy_items> energy_kwh_per_year_by_item{};
    double embodied_kwh_per_year = 0.0;
    double evaporated_water_t_per_year = 0.0;
    double co2_electricity_kg_per_year = 0.0, co2_reagents_kg_per_year = 0.0;
    // Per kg.
    double reo_fed_kg_per_year = 0.0;
    double cost_usd_per_kg_reo_fed = 0.0;
    double energy_kwh_per_kg_reo_fed = 0.0;
    double co2_kg_per_kg_reo_fed = 0.0;
    std::vector<ProductCost> products;
};

//! The per-kg figures of `c` (its annual cost, electricity and CO2 over `operating_hours_per_year`
//! × the REO fed) and its share of each product (by REO mass or oxide value, docs/costs.md).
void price_per_kg(CountryCost& c, double feed_reo_kg_per_h,
                  const std::vector<PlantStreams::Product>& products, Allocation allocation,
                  const std::array<double, num_elements>& oxide_price);

//! Molar masses used to turn reagent moles into tonnes (g/mol, IUPAC atomic weights).
inline constexpr double molar_mass_hcl = 36.461;
inline constexpr double molar_mass_h2so4 = 98.079;  // IUPAC 2021 atomic weights
inline constexpr double molar_mass_naoh = 39.997;
inline constexpr double molar_mass_nh3 = 17.031;
inline constexpr double molar_mass_mgo = 40.304;

class CostModel {
public:
    CostModel(CostSetup setup, PlantStreams streams);

    const CostSetup& setup() const { return setup_; }
    const PlantStreams& streams() const { return streams_; }
    void set_streams(PlantStreams streams) { streams_ = std::move(streams); }
    //! Extractant molar mass for the case's system (g/mol).
    double extractant_molar_mass() const { return extractant_molar_mass_; }
    //! Oxide prices (USD/kg oxide) used by value allocation.
    const std::array<double, num_elements>& oxide_prices() const { return oxide_price_; }

    //! The nominal parameter values of a region (scenario applied to the location factor).
    ParamValues nominal(const Region& region) const;
    const Region& region(const std::string& code) const;  //!< InputError if unknown

    CountryCost evaluate(const Region& region) const;
    CountryCost evaluate(const Region& region, const ParamValues& values) const;
    //! Same costing on other streams (Monte Carlo re-simulations).
    CountryCost evaluate(const Region& region, const ParamValues& values,
                         const PlantStreams& streams) const;

private:
    CostSetup setup_;
    PlantStreams streams_;
    double extractant_molar_mass_ = 0.0;
    std::array<double, num_elements> oxide_price_{};
};

}  // namespace reesx::costs
