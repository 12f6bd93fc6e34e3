// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost model (issue 7): a small case priced by hand to the cent, reagents equal to the
// simulated balances, units, the country data, sensitivity, Monte Carlo reproducibility, and
// the `reesx cost` / `reesx countries` commands.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "PricedCase.h"
#include "reesx/costs/Report.h"

namespace {

using namespace reesx;
using namespace reesx::costs;

// A 3-stage Nd/Pr cut (2 extraction, 1 scrub, no strip section) with every cost parameter
// given in round numbers in the case, and one made-up region TEST.
const char* hand_case = R"(
name: hand-calculated
system: {name: binary, log10-extractability: {Nd: 0.3, Pr: 0.0}}
stages: {extraction: 2, scrub: 1}
feed: {flow: 10 L/h, concentration: 1 mol/L, composition: {Nd: 0.5, Pr: 0.5}}
organic: {flow: 60 L/h, extractant-concentration: 1.0 mol/L, saponification: 0.3}
scrub: {flow: 3 L/h, acid: 3 mol/L}
cost:
  countries: [TEST]
  regions:
    TEST: {name: test land, electricity-price: 0.1, grid-co2: 0.5, grid-availability: 0.9,
           operator-wage: 10, labour-burden: 0.5, hcl-price: 200, naoh-price: 400,
           nh3-price: 500, mgo-price: 300, extractant-price: 10, diluent-price: 1,
           wastewater-price: 2, capex-location-factor: 0.5}
  hours-per-year: 8000 h
  extractant-molar-mass: 300
  mixer-settler-cost-ref: 100000
  mixer-settler-volume-ref: 1
  mixer-settler-exponent: 0.5
  tank-cost-ref: 10000
  tank-volume-ref: 1
  tank-exponent: 1
  tank-residence-time: 10 h
  cepci-2016: 500
  cepci-cost-year: 600
  installation-factor: 3
  owners-cost-factor: 1.1
  maintenance-fraction: 0.02
  tax-insurance-fraction: 0.01
  overhead-fraction: 0.3
  capacity-factor: 0.9
  operator-positions-base: 1
  operator-positions-per-stage: 0.1
  mixer-residence-time: 3 min
  settler-residence-time: 12 min
  organic-inventory-overhead: 0.2
  extractant-concentration: 1.2
  extractant-density: 0.9
  diluent-density: 0.8
  entrainment: 100
  extractant-solubility: 10
  organic-degradation: 0.1
  mixer-power: 1
  pumping-energy: 0.1
  chloralkali-energy: 2000
  strip-acid-excess: 1.2
  discount-rate: 0.1
  plant-life: 10
  solution-heat-capacity: 4
  heating-temperature-rise: 10
  heating-cop: 2
  evaporation-energy: 30
  precipitation-energy: 100
  calcination-energy: 2000
  wastewater-energy-chloride: 5
  wastewater-energy-ammonium: 20
  hcl-embodied-energy: 1000
)";

using test::price;
using test::Priced;

constexpr double cent = 0.005;  // "to the cent": |difference| below half a cent

TEST(CostHandCalculation, MatchesArithmeticToTheCent)
{
    const Priced p = price(hand_case);
    const CountryCost c = p.model->evaluate(p.model->region("TEST"));

    // Flows through each stage (leaving it), L/h: extraction stages carry feed + scrub
    // aqueous (13) and the organic (60); the scrub stage the scrub (3) and the organic.
    const std::array<double, 3> q_aq = {13.0, 13.0, 3.0}, q_org = {60.0, 60.0, 60.0};
    // Hours: 8000 planned, × 0.9 grid availability = 7200 operating.
    const double planned = 8000.0, hours = 7200.0;
    // Mixer 3 min = 0.05 h, settler 12 min = 0.2 h of the total flow.
    double v_mix = 0.0, v_set = 0.0, equipment = 0.0, organic_in_stages_m3 = 0.0;
    for (int j = 0; j < 3; ++j) {
        const double q_m3_per_h = (q_aq[j] + q_org[j]) / 1000.0;
        v_mix += q_m3_per_h * 0.05;
        v_set += q_m3_per_h * 0.2;
        // 100,000 USD × CEPCI 600/500 × (V / 1 m3)^0.5
        equipment += 100000.0 * 1.2 * std::sqrt(q_m3_per_h * 0.25);
        organic_in_stages_m3 += q_org[j] / 1000.0 * 0.25;  // 0.015 m3 per stage
    }
    EXPECT_NEAR(c.mixer_volume_m3, 0.01045, 1e-12);
    EXPECT_NEAR(c.settler_volume_m3, 0.0418, 1e-12);
    EXPECT_NEAR(organic_in_stages_m3, 0.045, 1e-15);
    const double inventory_L = 0.045 * 1.2 * 1000.0;  // 54 L with 20 % overhead
    // Tanks 10 h of feed (10 L/h) and scrub (3 L/h), plus the 9 L organic surge:
    // 12,000 USD per m3 (exponent 1).
    const double tanks = 12000.0 * (0.1 + 0.03 + 0.009);
    // Organic: 1 mol/L × 300 g/mol = 0.3 kg/L extractant, 0.3/0.9 = 1/3 of the volume; the
    // other 2/3 diluent at 0.8 kg/L.
    const double ext_kg = inventory_L * 0.3, dil_kg = inventory_L * (2.0 / 3.0) * 0.8;
    EXPECT_NEAR(c.extractant_inventory_kg, 16.2, 1e-9);
    EXPECT_NEAR(c.diluent_inventory_kg, 28.8, 1e-9);
    const double installed = (equipment + tanks) * 3.0 * 0.5;
    const double first_fill = ext_kg * 10.0 + dil_kg * 1.0;
    const double capex = installed * 1.1 + first_fill;
    const double crf = 0.1 * std::pow(1.1, 10) / (std::pow(1.1, 10) - 1.0);
    EXPECT_NEAR(c.equipment_usd, equipment, cent);
    EXPECT_NEAR(c.tanks_usd, 1668.0, cent);
    EXPECT_NEAR(c.installed_usd, installed, cent);
    EXPECT_NEAR(c.first_fill_usd, 162.0 + 28.8, cent);
    EXPECT_NEAR(c.capex_usd, capex, cent);
    EXPECT_NEAR(c.capital_charge_usd_per_year, capex * crf, cent);

    // Reagents. Saponification: 60 L/h × 1.0 mol/L × 0.3 = 18 mol/h NaOH. HCl: scrub
    // 3 L/h × 3 mol/L = 9 mol/h, plus stripping the loaded organic (S - W = 6 - 3 = 3 mol/h
    // RE) at 3 H+ per RE × 1.2 = 10.8 mol/h.
    const double naoh_t = 18.0 * 39.997e-6 * hours;
    const double hcl_t = (9.0 + 10.8) * 36.461e-6 * hours;
    // Losses: 13 L/h raffinate carrying 100 ppm organic and 10 mg/L extractant; 10 %/y of the
    // inventory degrades.
    const double entrained_L_per_h = 13.0 * 100e-6;
    const double ext_loss_kg = (entrained_L_per_h * 0.3 + 13.0 * 10e-6) * hours + 0.1 * 16.2;
    const double dil_loss_kg = entrained_L_per_h * (2.0 / 3.0) * 0.8 * hours + 0.1 * 28.8;
    // Per kg REO fed: 5 mol/h Nd as Nd2O3 (168.2385 g per mol Nd) and 5 mol/h Pr as Pr6O11
    // (170.8433 g per mol Pr), atomic masses Nd 144.24, Pr 140.91, O 15.999.
    const double reo_kg_per_h =
        5.0 * (144.24 + 1.5 * 15.999) / 1000.0 + 5.0 * (140.91 + 11.0 / 6.0 * 15.999) / 1000.0;
    // Power: 1 kW/m3 of mixer + 0.1 kWh/m3 of the 73 L/h fed; the 13 L/h of aqueous feeds
    // heated 10 K at 4 kJ/L/K by a COP of 2; 100 + 2000 kWh per t REO precipitated and
    // calcined (both products: all the REO fed); 5 kWh per m3 of the 13 L/h of raffinate.
    const double kw_mixers = 1.0 * 0.01045, kw_pumps = 0.1 * 0.073;
    const double kw_heating = 13.0 * 4.0 * 10.0 / 3600.0 / 2.0;
    const double kw_precipitation = reo_kg_per_h / 1000.0 * 100.0;
    const double kw_calcination = reo_kg_per_h / 1000.0 * 2000.0;
    const double kw_wastewater = 13.0 / 1000.0 * 5.0;
    const double kw =
        kw_mixers + kw_pumps + kw_heating + kw_precipitation + kw_calcination + kw_wastewater;
    const double labour = (1.0 + 0.1 * 3) * 10.0 * 1.5 * planned;  // 156,000
    const double wastewater_m3 = 13.0 / 1000.0 * hours;

    const auto item = [&](OpexItem i) { return c.opex_usd_per_year_by_item[static_cast<int>(i)]; };
    EXPECT_NEAR(item(OpexItem::base), naoh_t * 400.0, cent);
    EXPECT_NEAR(item(OpexItem::hcl), hcl_t * 200.0, cent);
    EXPECT_NEAR(item(OpexItem::extractant), ext_loss_kg * 10.0, cent);
    EXPECT_NEAR(item(OpexItem::diluent), dil_loss_kg * 1.0, cent);
    EXPECT_NEAR(item(OpexItem::electricity), kw * hours * 0.1, cent);
    EXPECT_NEAR(item(OpexItem::labour), 156000.0, cent);
    EXPECT_NEAR(item(OpexItem::overhead), 0.3 * labour, cent);
    EXPECT_NEAR(item(OpexItem::maintenance), 0.02 * installed, cent);
    EXPECT_NEAR(item(OpexItem::tax_insurance), 0.01 * installed, cent);
    EXPECT_NEAR(item(OpexItem::wastewater), wastewater_m3 * 2.0, cent);
    const double opex = naoh_t * 400.0 + hcl_t * 200.0 + ext_loss_kg * 10.0 + dil_loss_kg +
                        kw * hours * 0.1 + labour * 1.3 + 0.03 * installed + wastewater_m3 * 2.0;
    EXPECT_NEAR(c.opex_usd_per_year, opex, cent);
    const double annual = opex + capex * crf;
    EXPECT_NEAR(c.annual_cost_usd_per_year, annual, cent);

    EXPECT_NEAR(c.reo_fed_kg_per_year, reo_kg_per_h * hours, 1e-9);
    EXPECT_NEAR(c.cost_usd_per_kg_reo_fed, annual / (reo_kg_per_h * hours), cent);
    EXPECT_NEAR(c.energy_kwh_per_kg_reo_fed, kw * hours / (reo_kg_per_h * hours), 1e-12);
    // Energy item by item (kWh/y); nothing evaporated in a single cascade.
    const auto energy = [&](EnergyItem i) {
        return c.energy_kwh_per_year_by_item[static_cast<int>(i)];
    };
    const double kwh = 1e-6 * kw * hours;
    EXPECT_NEAR(energy(EnergyItem::mixers), kw_mixers * hours, kwh);
    EXPECT_NEAR(energy(EnergyItem::pumps), kw_pumps * hours, kwh);
    EXPECT_NEAR(energy(EnergyItem::heating), kw_heating * hours, kwh);
    EXPECT_EQ(energy(EnergyItem::evaporation), 0.0);
    EXPECT_NEAR(energy(EnergyItem::precipitation), kw_precipitation * hours, kwh);
    EXPECT_NEAR(energy(EnergyItem::calcination), kw_calcination * hours, kwh);
    EXPECT_NEAR(energy(EnergyItem::wastewater), kw_wastewater * hours, kwh);
    EXPECT_NEAR(energy(EnergyItem::naoh_embodied), 2000.0 * naoh_t, kwh);
    EXPECT_NEAR(energy(EnergyItem::hcl_embodied), 1000.0 * hcl_t, kwh);
    EXPECT_NEAR(c.electricity_kwh_per_year, kw * hours, kwh);
    EXPECT_NEAR(c.embodied_kwh_per_year, 2000.0 * naoh_t + 1000.0 * hcl_t, kwh);
    // CO2: 0.5 kg/kWh × (plant kWh + 2000 kWh per t NaOH + 1000 kWh per t HCl).
    const double co2 = 0.5 * (kw * hours + 2000.0 * naoh_t + 1000.0 * hcl_t);
    EXPECT_NEAR(c.co2_kg_per_kg_reo_fed, co2 / (reo_kg_per_h * hours), 1e-12);
    // Allocation by mass: every product costs the same per kg, and the shares add up to 1.
    double share = 0.0;
    for (const auto& prod : c.products) {
        EXPECT_NEAR(prod.cost_usd_per_kg, c.cost_usd_per_kg_reo_fed, cent) << prod.name;
        share += prod.share;
    }
    EXPECT_NEAR(share, 1.0, 1e-12);
    EXPECT_EQ(c.products.size(), 2u);
    EXPECT_LT(p.result.mass_balance_relative_error, 1e-10);
}

TEST(CostHandCalculation, OtherBasesAndNoStripCharge)
{
    // MgO saponifies with half a mole per H+ exchanged; NH3 one; a linked flowsheet pays no
    // strip acid for the loaded organic.
    std::string yaml = hand_case;
    yaml += "  base-reagent: MgO\n  strip-loaded-organic: false\n";
    const Priced p = price(yaml);
    const CountryCost c = p.model->evaluate(p.model->region("TEST"));
    const double hours = 7200.0;
    EXPECT_NEAR(c.base_t_per_year, 18.0 * 0.5 * 40.304e-6 * hours, 1e-12);
    EXPECT_NEAR(c.opex_usd_per_year_by_item[static_cast<int>(OpexItem::base)],
                18.0 * 0.5 * 40.304e-6 * hours * 300.0, cent);
    EXPECT_NEAR(c.hcl_t_per_year, 9.0 * 36.461e-6 * hours, 1e-12);
    // Embodied power: none for MgO, the HCl's 1000 kWh/t.
    EXPECT_EQ(c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::naoh_embodied)], 0.0);
    EXPECT_NEAR(c.co2_reagents_kg_per_year, 0.5 * 1000.0 * 9.0 * 36.461e-6 * hours, 1e-9);
    // A chloride raffinate: 5 kWh/m3 of treatment.
    EXPECT_NEAR(c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::wastewater)],
                13.0 / 1000.0 * 5.0 * hours, 1e-9);
}

TEST(CostHandCalculation, AmmoniaRaffinateCostsMoreToTreat)
{
    // NH3 saponification leaves NH4Cl in the raffinate: 20 kWh/m3 instead of 5, priced at the
    // region's electricity price; the energy items still sum to the totals.
    std::string yaml = hand_case;
    yaml += "  base-reagent: NH3\n";
    const Priced nh3 = price(yaml);
    const Priced naoh = price(hand_case);
    const CountryCost a = nh3.model->evaluate(nh3.model->region("TEST"));
    const CountryCost b = naoh.model->evaluate(naoh.model->region("TEST"));
    const int ww = static_cast<int>(EnergyItem::wastewater);
    EXPECT_NEAR(a.energy_kwh_per_year_by_item[ww], 4.0 * b.energy_kwh_per_year_by_item[ww], 1e-9);
    const double more_kwh = a.electricity_kwh_per_year - b.electricity_kwh_per_year;
    EXPECT_NEAR(more_kwh, 3.0 * b.energy_kwh_per_year_by_item[ww], 1e-9);
    EXPECT_NEAR(a.opex_usd_per_year_by_item[static_cast<int>(OpexItem::electricity)] -
                    b.opex_usd_per_year_by_item[static_cast<int>(OpexItem::electricity)],
                0.1 * more_kwh, 1e-9);
    for (const CountryCost* c : {&a, &b}) {
        double on_site = 0.0, embodied = 0.0;
        for (int i = 0; i < num_energy_items; ++i) {
            (is_embodied(static_cast<EnergyItem>(i)) ? embodied : on_site) +=
                c->energy_kwh_per_year_by_item[i];
        }
        EXPECT_NEAR(on_site, c->electricity_kwh_per_year, 1e-9 * on_site);
        EXPECT_NEAR(embodied, c->embodied_kwh_per_year, 1e-9 * embodied);
    }
}

TEST(CostHandCalculation, AllocationByValueFollowsOxidePrices)
{
    std::string yaml = hand_case;
    yaml += "  allocation: value\n  oxide-price: {Nd: 100, Pr: 10}\n";
    const Priced p = price(yaml);
    const CountryCost c = p.model->evaluate(p.model->region("TEST"));
    const auto& s = p.model->streams();
    ASSERT_EQ(c.products.size(), s.products.size());
    double value_total = 0.0;
    std::vector<double> value;
    for (const auto& prod : s.products) {
        const double v = prod.oxide_kg_per_h[*element_index("Nd")] * 100.0 +
                         prod.oxide_kg_per_h[*element_index("Pr")] * 10.0;
        value.push_back(v);
        value_total += v;
    }
    double allocated = 0.0;
    for (std::size_t i = 0; i < c.products.size(); ++i) {
        EXPECT_NEAR(c.products[i].share, value[i] / value_total, 1e-12);
        allocated += c.products[i].cost_usd_per_kg * c.products[i].reo_kg_per_year;
    }
    EXPECT_NEAR(allocated, c.annual_cost_usd_per_year, cent);
    // The Nd-rich loaded organic carries more value per kg, so it bears more cost per kg.
    EXPECT_GT(c.products[1].cost_usd_per_kg, c.products[0].cost_usd_per_kg);
}

// A Pr/Nd cut with a strip section: every acid and base flow comes from the simulation.
std::string strip_case(const std::string& extra = "")
{
    return R"(
system: p507-hcl
stages: {extraction: 12, scrub: 14, strip: 4}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}
organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 376 L/h, acid: 4.0 mol/L}
strip: {flow: 400 L/h, acid: 5.0 mol/L}
)" + extra;
}

TEST(CostReagents, EqualTheSimulatedBalances)
{
    const Priced p = price(strip_case());
    const auto& r = p.result;
    const auto& s = p.model->streams();
    // Theory identities of the saturated model: the organic RE flux S is the base loaded times
    // the capacity per extractant-saponification (1/3, written 0.3333 in p507-hcl.yaml), and
    // the scrub acid strips W = H+ / 3 (per mol feed RE).
    const double feed = 150.0;
    EXPECT_NEAR(r.reagents.saponification_base_mol_per_h * p.spec.system.loading_per_extractant,
                r.reflux_S * feed, 1e-9);
    EXPECT_NEAR(r.reagents.saponification_base_mol_per_h, 3410.0 * 1.5 * 0.36, 1e-9);
    EXPECT_NEAR(r.reagents.scrub_acid_h_mol_per_h, 3.0 * r.reflux_W * feed, 1e-9);
    EXPECT_DOUBLE_EQ(s.base_equiv_mol_per_h, r.reagents.saponification_base_mol_per_h);
    EXPECT_DOUBLE_EQ(s.hcl_fed_mol_per_h,
                     r.reagents.scrub_acid_h_mol_per_h + r.reagents.strip_acid_h_mol_per_h);
    EXPECT_EQ(s.strip_stoichiometric_h_mol_per_h, 0.0);  // stripped in the case itself
    // The strip acid consumed is 3 H+ per RE leaving in the strip liquor, and the RE balance
    // closes: feed = raffinate + strip liquor (+ an empty stripped organic).
    double out = 0.0;
    for (const auto& prod : r.products) {
        out += prod.re_mol_per_h;
    }
    EXPECT_NEAR(out, feed, 1e-9 * feed);
    EXPECT_LT(r.mass_balance_relative_error, 1e-10);

    for (const auto& code : {"CN-NM", "US", "JP"}) {
        const CountryCost c = p.model->evaluate(p.model->region(code));
        const double h = c.operating_hours_per_year;
        EXPECT_NEAR(c.base_t_per_year, r.reagents.saponification_base_mol_per_h * 39.997e-6 * h,
                    1e-9 * c.base_t_per_year);
        EXPECT_NEAR(
            c.hcl_t_per_year,
            (r.reagents.scrub_acid_h_mol_per_h + r.reagents.strip_acid_h_mol_per_h) * 36.461e-6 * h,
            1e-9 * c.hcl_t_per_year);
        // The strip liquor is a product and the stripped organic (no RE) is not costed.
        EXPECT_EQ(c.products.size(), 2u);
    }
}

TEST(CostUnits, HoursScaleYearlyAmountsNotUnitCosts)
{
    // Reagent tonnes per year scale with the operating hours; reagent cost per kg does not;
    // capex does not depend on hours; flows given in m3/h give the same plant as in L/h.
    const Priced a = price(strip_case("cost: {hours-per-year: 4000 h}\n"));
    const Priced b = price(strip_case("cost: {hours-per-year: 8000 h}\n"));
    const Region& us = a.model->region("US");
    const CountryCost ca = a.model->evaluate(us), cb = b.model->evaluate(us);
    EXPECT_NEAR(cb.base_t_per_year, 2.0 * ca.base_t_per_year, 1e-9 * cb.base_t_per_year);
    EXPECT_NEAR(cb.hcl_t_per_year, 2.0 * ca.hcl_t_per_year, 1e-9 * cb.hcl_t_per_year);
    EXPECT_NEAR(cb.reo_fed_kg_per_year, 2.0 * ca.reo_fed_kg_per_year, 1e-6);
    EXPECT_DOUBLE_EQ(ca.capex_usd, cb.capex_usd);
    const auto per_kg = [](const CountryCost& c, OpexItem i) {
        return c.opex_usd_per_year_by_item[static_cast<int>(i)] / c.reo_fed_kg_per_year;
    };
    EXPECT_NEAR(per_kg(ca, OpexItem::base), per_kg(cb, OpexItem::base), 1e-12);
    EXPECT_NEAR(per_kg(ca, OpexItem::hcl), per_kg(cb, OpexItem::hcl), 1e-12);
    // kg REO per kg: 150 mol/h RE of 25 % Pr6O11 / 75 % Nd2O3 at 4000 h.
    const double reo_kg_per_h =
        150.0 * (0.25 * (140.91 + 11.0 / 6.0 * 15.999) + 0.75 * (144.24 + 1.5 * 15.999)) / 1000.0;
    EXPECT_NEAR(ca.reo_fed_kg_per_year,
                reo_kg_per_h * 4000.0 * us[RegionParam::grid_availability].value, 1e-6);

    std::string in_m3 = strip_case();
    in_m3.replace(in_m3.find("flow: 3410 L/h"), 14, "flow: 3.41 m3/h");
    const Priced m = price(in_m3);
    const Priced l = price(strip_case());
    EXPECT_NEAR(m.model->evaluate(us).capex_usd, l.model->evaluate(us).capex_usd, 1e-6);
    EXPECT_NEAR(m.model->evaluate(us).cost_usd_per_kg_reo_fed,
                l.model->evaluate(us).cost_usd_per_kg_reo_fed, 1e-9);
}

TEST(CountryData, EveryRegionCompleteAndSourced)
{
    const CostData& d = builtin_cost_data();
    for (const char* code : {"CN-NM", "CN-JX", "CN-SC", "US", "AU", "MY", "VN", "JP", "FR", "EE",
                             "BR", "IN", "MM", "CA"}) {
        EXPECT_NE(d.find(code), nullptr) << code;
    }
    const std::set<std::string> conf = {"high", "med", "low", "unverified"};
    const auto check = [&](const Param& p, const std::string& what, std::string_view unit) {
        EXPECT_TRUE(p.given()) << what;
        EXPECT_TRUE(d.sources.contains(p.source)) << what << " source " << p.source;
        EXPECT_TRUE(conf.contains(p.confidence)) << what;
        EXPECT_LE(p.low, p.value) << what;
        EXPECT_LE(p.value, p.high) << what;
        EXPECT_EQ(p.unit, unit) << what;
        EXPECT_GT(p.year, 1900) << what;
        EXPECT_TRUE(std::isfinite(p.value)) << what;
    };
    EXPECT_GE(d.regions.size(), 14u);
    for (const auto& r : d.regions) {
        EXPECT_FALSE(r.name.empty()) << r.code;
        EXPECT_FALSE(r.currency.empty()) << r.code;
        for (int p = 0; p < num_region_params; ++p) {
            check(r.params[p], r.code + "." + std::string(info(static_cast<RegionParam>(p)).key),
                  info(static_cast<RegionParam>(p)).unit);
        }
        for (const auto& [scenario, value] : r.location_scenarios) {
            EXPECT_TRUE(d.has_scenario(scenario)) << r.code;
            EXPECT_GE(value, r[RegionParam::capex_location_factor].low) << r.code;
            EXPECT_LE(value, r[RegionParam::capex_location_factor].high) << r.code;
        }
    }
    for (int p = 0; p < num_global_params; ++p) {
        check(d.global[p], std::string(info(static_cast<GlobalParam>(p)).key),
              info(static_cast<GlobalParam>(p)).unit);
    }
    for (const auto& [sys, p] : d.extractant_molar_mass) {
        check(p, "extractant-molar-mass." + sys, "g/mol");
    }
    // The built-in systems all have an extractant molar mass.
    for (const auto& name : builtin_system_names()) {
        EXPECT_TRUE(d.extractant_molar_mass.contains(name)) << name;
    }
    // China's capital factor scenarios: 0.61 (default), 0.33, 0.92 (costs.md 4c).
    const Region& cn = *d.find("CN-NM");
    EXPECT_DOUBLE_EQ(cn.location_factor("towler-sinnott"), 0.61);
    EXPECT_DOUBLE_EQ(cn.location_factor("china-third"), 0.33);
    EXPECT_DOUBLE_EQ(cn.location_factor("compass-2017"), 0.92);
    EXPECT_DOUBLE_EQ(d.find("CN-JX")->location_factor("china-third"), 0.33);  // inherited
    EXPECT_DOUBLE_EQ(d.find("US")->location_factor("china-third"), 1.0);
}

TEST(CountryData, BadFilesAndCasesAreLocatedErrors)
{
    const auto expect_error = [](const std::string& yaml, const std::string& needle) {
        try {
            (void)parse_cost_setup(test::case_from_yaml(yaml));
            ADD_FAILURE() << "no error for " << needle;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("test.yaml:"), std::string::npos) << e.what();
        }
    };
    expect_error(strip_case("cost: {countries: [US, XX]}\n"), "unknown country or region 'XX'");
    expect_error(strip_case("cost: {mixer-residense-time: 3 min}\n"), "mixer-residence-time");
    expect_error(strip_case("cost: {base-reagent: KOH}\n"), "NaOH, NH3 or MgO");
    expect_error(strip_case("cost: {plant-life: 0}\n"), "plant-life must be at least 1 year");
    expect_error(strip_case("cost: {discount-rate: 8}\n"), "below 1");
    expect_error(strip_case("cost: {scenario: cheap}\n"), "unknown scenario");
    expect_error(strip_case("cost: {regions: {XX: {name: new, inherits: ZZ}}}\n"),
                 "inherits from 'ZZ'");
    expect_error(
        strip_case("cost: {regions: {US: {electricity-price: {value: 0.1, range: [0.2, 0.3]}}}}\n"),
        "must contain the value");
    // Impossible values: a residence time that overflows the volumes, a negative price in a
    // range, a number no cost input reaches.
    expect_error(strip_case("cost: {mixer-residence-time: 1e308 min}\n"),
                 "cost.mixer-residence-time: expected a non-negative number in min below 1e12, "
                 "found 1e308 min");
    expect_error(strip_case("cost: {settler-residence-time: 20000}\n"), "more than a week");
    expect_error(strip_case("cost: {tank-residence-time: 1e9 h}\n"), "more than a week");
    expect_error(
        strip_case(
            "cost: {regions: {US: {electricity-price: {value: 0.04, range: [-1, 0.043]}}}}\n"),
        "must lie in [0, 1e12] USD/kWh");
    expect_error(strip_case("cost: {regions: {US: {electricity-price: 1e300}}}\n"), "below 1e12");
    std::string with_lu = strip_case("cost: {allocation: value, oxide-price: {Nd: 1}}\n");
    with_lu.replace(with_lu.find("{Pr: 0.25, Nd: 0.75}"), 20, "{Pr: 0.25, Nd: 0.74, Lu: 0.01}");
    expect_error(with_lu, "oxide price for Lu");

    // The built-in data file with one range taken out, and with an unknown source id.
    std::ifstream in(std::string(REESX_SOURCE_DIR) + "/costs/data/countries.yaml");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_NO_THROW((void)parse_cost_data(InputNode::load_string(text, "countries.yaml")));
    const auto expect_data_error = [](std::string t, const std::string& from, const std::string& to,
                                      const std::string& needle) {
        const auto at = t.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        t.replace(at, from.size(), to);
        try {
            (void)parse_cost_data(InputNode::load_string(t, "bad.yaml"));
            ADD_FAILURE() << "no error for " << needle;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("bad.yaml:"), std::string::npos) << e.what();
        }
    };
    expect_data_error(text, "range: [0.068, 0.090], ", "", "missing key 'range'");
    expect_data_error(text, "source: dosm_2023", "source: dosm_2033",
                      "unknown source id 'dosm_2033'");
    expect_data_error(text, "unit: USD/kWh, year: 2023, source: eia_epm_5_3",
                      "unit: USD/MWh, year: 2023, source: eia_epm_5_3",
                      "expected the unit 'USD/kWh'");
}

TEST(CountryData, UnusualResidenceTimeIsAWarning)
{
    const CostSetup setup = parse_cost_setup(
        test::case_from_yaml(strip_case("cost: {mixer-residence-time: 60 min}\n")));
    ASSERT_EQ(setup.warnings.size(), 1U);
    EXPECT_NE(setup.warnings[0].find("cost.mixer-residence-time: 60 min is far above the usual"),
              std::string::npos)
        << setup.warnings[0];
}

TEST(CostCountries, AddedRegionInheritsAndOverrides)
{
    const Priced p = price(strip_case(R"(cost:
  countries: [US, US-CHEAP]
  regions:
    US-CHEAP: {name: cheap power, inherits: US, electricity-price: 0.02}
)"));
    const CountryCost us = p.model->evaluate(p.model->region("US"));
    const CountryCost cheap = p.model->evaluate(p.model->region("US-CHEAP"));
    EXPECT_DOUBLE_EQ(cheap.capex_usd, us.capex_usd);
    EXPECT_NEAR(
        cheap.opex_usd_per_year_by_item[static_cast<int>(OpexItem::electricity)],
        us.opex_usd_per_year_by_item[static_cast<int>(OpexItem::electricity)] * 0.02 / 0.0804,
        1e-6);
    EXPECT_LT(cheap.cost_usd_per_kg_reo_fed, us.cost_usd_per_kg_reo_fed);
}

TEST(CostScenario, ChinaCapitalFactor)
{
    const Priced base = price(strip_case());
    const Priced third = price(strip_case("cost: {scenario: china-third}\n"));
    const auto cn0 = base.model->evaluate(base.model->region("CN-NM"));
    const auto cn1 = third.model->evaluate(third.model->region("CN-NM"));
    EXPECT_DOUBLE_EQ(cn0.location_factor, 0.61);
    EXPECT_DOUBLE_EQ(cn1.location_factor, 0.33);
    EXPECT_NEAR(cn1.installed_usd / cn0.installed_usd, 0.33 / 0.61, 1e-12);
    EXPECT_DOUBLE_EQ(third.model->evaluate(third.model->region("US")).capex_usd,
                     base.model->evaluate(base.model->region("US")).capex_usd);
}

TEST(CostSensitivity, TornadoBracketsAndOrders)
{
    const Priced p = price(strip_case());
    const Region& us = p.model->region("US");
    const double nominal = p.model->evaluate(us).cost_usd_per_kg_reo_fed;
    const auto bars = sensitivity(*p.model, us);
    ASSERT_GT(bars.size(), 10u);
    for (std::size_t i = 1; i < bars.size(); ++i) {
        EXPECT_GE(bars[i - 1].swing(), bars[i].swing());
    }
    bool found = false;
    for (const auto& b : bars) {
        if (b.key == "electricity-price") {
            found = true;
            EXPECT_LT(b.cost_at_low, nominal);
            EXPECT_GT(b.cost_at_high, nominal);
        }
        if (b.key == "plant-life") {
            EXPECT_GT(b.cost_at_low, b.cost_at_high);  // longer life, lower capital charge
        }
    }
    EXPECT_TRUE(found);
}

TEST(CostMonteCarlo, ReproducibleForASeedWhateverTheThreads)
{
    const Priced p = price(strip_case());
    const std::vector<std::string> codes = {"CN-NM", "US"};
    MonteCarloOptions o;
    o.samples = 40;
    o.seed = 11;
    o.threads = 1;
    const MonteCarloResult one = monte_carlo(p.spec, *p.model, codes, o);
    o.threads = 3;
    const MonteCarloResult three = monte_carlo(p.spec, *p.model, codes, o);
    ASSERT_EQ(one.cost_usd_per_kg.size(), 40u);
    EXPECT_EQ(one.failed, 0);
    for (std::size_t i = 0; i < 40; ++i) {
        for (std::size_t c = 0; c < 2; ++c) {
            EXPECT_EQ(one.cost_usd_per_kg[i][c], three.cost_usd_per_kg[i][c]) << i;
        }
    }
    EXPECT_EQ(one.countries[1].cost_usd_per_kg.p50, three.countries[1].cost_usd_per_kg.p50);
    o.seed = 12;
    const MonteCarloResult other = monte_carlo(p.spec, *p.model, codes, o);
    EXPECT_NE(other.cost_usd_per_kg[0][0], one.cost_usd_per_kg[0][0]);
    // Percentiles are ordered, the reference's ratio is 1, and samples spread.
    const auto& us = one.countries[1];
    EXPECT_LE(us.cost_usd_per_kg.p5, us.cost_usd_per_kg.p50);
    EXPECT_LE(us.cost_usd_per_kg.p50, us.cost_usd_per_kg.p95);
    EXPECT_LT(us.cost_usd_per_kg.p5, us.cost_usd_per_kg.p95);
    EXPECT_DOUBLE_EQ(one.countries[0].ratio_to_first.p50, 1.0);
}

TEST(CostMonteCarlo, ChunksOfSamplesJoinIntoOneRun)
{
    const Priced p = price(strip_case());
    const std::vector<std::string> codes = {"CN-NM", "US"};
    MonteCarloOptions o;
    o.samples = 12;
    o.seed = 4;
    o.threads = 2;
    const MonteCarloResult whole = monte_carlo(p.spec, *p.model, codes, o);
    // Samples [5, 12) alone are the last seven of the whole run, drawn from (seed, index).
    o.first_sample = 5;
    o.samples = 7;
    const MonteCarloResult tail = monte_carlo(p.spec, *p.model, codes, o);
    o.first_sample = 0;
    o.samples = 5;
    MonteCarloResult joined = monte_carlo(p.spec, *p.model, codes, o);
    ASSERT_EQ(tail.cost_usd_per_kg.size(), 7u);
    for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(tail.cost_usd_per_kg[i], whole.cost_usd_per_kg[i + 5]) << i;
        joined.cost_usd_per_kg.push_back(tail.cost_usd_per_kg[i]);
        joined.capex_usd.push_back(tail.capex_usd[i]);
        joined.opex_usd_per_year.push_back(tail.opex_usd_per_year[i]);
        joined.energy_kwh_per_kg.push_back(tail.energy_kwh_per_kg[i]);
        joined.co2_kg_per_kg.push_back(tail.co2_kg_per_kg[i]);
    }
    summarize_monte_carlo(joined, codes);
    ASSERT_EQ(joined.countries.size(), 2u);
    for (std::size_t c = 0; c < 2; ++c) {
        EXPECT_EQ(joined.countries[c].cost_usd_per_kg.p5, whole.countries[c].cost_usd_per_kg.p5);
        EXPECT_EQ(joined.countries[c].cost_usd_per_kg.p95, whole.countries[c].cost_usd_per_kg.p95);
        EXPECT_EQ(joined.countries[c].co2_kg_per_kg.mean, whole.countries[c].co2_kg_per_kg.mean);
        EXPECT_EQ(joined.countries[c].ratio_to_first.p50, whole.countries[c].ratio_to_first.p50);
    }
}

TEST(CostMonteCarlo, SampledSystemKeepsPairRanges)
{
    const ExtractionSystem sys = builtin_system("p507-hcl");
    const int pr = *element_index("Pr"), nd = *element_index("Nd"), ce = *element_index("Ce");
    bool moved = false;
    for (std::uint64_t i = 0; i < 200; ++i) {
        const ExtractionSystem s = sample_system(sys, 5, i);
        // Nd's range is that of the Nd/Pr pair relative to Pr's default (p507-hcl.yaml).
        const double d = s.log10_k(nd) - s.log10_k(pr);
        EXPECT_GE(d, sys.extractability[nd]->log10_k_low - sys.log10_k(pr) - 1e-12);
        EXPECT_LE(d, sys.extractability[nd]->log10_k_high - sys.log10_k(pr) + 1e-12);
        const double d2 = s.log10_k(pr) - s.log10_k(ce);
        EXPECT_GE(d2, sys.extractability[pr]->log10_k_low - sys.log10_k(ce) - 1e-12);
        EXPECT_LE(d2, sys.extractability[pr]->log10_k_high - sys.log10_k(ce) + 1e-12);
        moved = moved || std::abs(d - sys.log10_k(nd) + sys.log10_k(pr)) > 1e-3;
        // Same (seed, index), same system.
        EXPECT_EQ(sample_system(sys, 5, i).log10_k(nd), s.log10_k(nd));
    }
    EXPECT_TRUE(moved);
}

TEST(CostMonteCarlo, FittedSystemSampledFromItsCovariance)
{
    // p507-hcl-fit's fitted values carry ranges of +-2 standard errors of each value, not of
    // pairs: the samples must have the fit's covariance (read as pair ranges, Nd's variance
    // would be the sum of the La-Ce, Ce-Pr and Pr-Nd uniforms', about five times larger).
    const ExtractionSystem sys = builtin_system("p507-hcl-fit");
    ASSERT_TRUE(sys.fit.has_value());
    const auto& fit = *sys.fit;
    const auto row = [&](const std::string& name) {
        return static_cast<std::size_t>(
            std::find(fit.parameters.begin(), fit.parameters.end(), name) - fit.parameters.begin());
    };
    const int pr = *element_index("Pr"), nd = *element_index("Nd"), eu = *element_index("Eu"),
              sm = *element_index("Sm");
    constexpr int samples = 4000;
    double sum_pr = 0, sum_nd = 0, sum_pr2 = 0, sum_nd2 = 0, sum_prnd = 0;
    bool eu_pair_in_range = true;
    for (int i = 0; i < samples; ++i) {
        const ExtractionSystem s = sample_system(sys, 11, static_cast<std::uint64_t>(i));
        const double a = s.log10_k(pr) - sys.log10_k(pr), b = s.log10_k(nd) - sys.log10_k(nd);
        sum_pr += a;
        sum_nd += b;
        sum_pr2 += a * a;
        sum_nd2 += b * b;
        sum_prnd += a * b;
        // A value the fit did not place keeps its pair range with its lower neighbour.
        const double pair = s.log10_k(eu) - s.log10_k(sm);
        eu_pair_in_range = eu_pair_in_range &&
                           pair >= sys.extractability[eu]->log10_k_low - sys.log10_k(sm) - 1e-12 &&
                           pair <= sys.extractability[eu]->log10_k_high - sys.log10_k(sm) + 1e-12;
    }
    const double n = samples;
    const double var_pr = sum_pr2 / n - (sum_pr / n) * (sum_pr / n);
    const double var_nd = sum_nd2 / n - (sum_nd / n) * (sum_nd / n);
    const double cov = sum_prnd / n - (sum_pr / n) * (sum_nd / n);
    // Sampling error of a variance from 4000 normal draws: sqrt(2/4000) = 2.2 %; 10 % is 4.5 sigma.
    EXPECT_NEAR(var_pr, fit.covariance[row("Pr")][row("Pr")],
                0.10 * fit.covariance[row("Pr")][row("Pr")]);
    EXPECT_NEAR(var_nd, fit.covariance[row("Nd")][row("Nd")],
                0.10 * fit.covariance[row("Nd")][row("Nd")]);
    EXPECT_NEAR(cov, fit.covariance[row("Pr")][row("Nd")],
                0.15 * fit.covariance[row("Pr")][row("Nd")]);
    EXPECT_NEAR(sum_nd / n, 0.0, 4.0 * std::sqrt(fit.covariance[row("Nd")][row("Nd")] / n));
    EXPECT_TRUE(eu_pair_in_range);
}

TEST(CostPercentiles, InterpolatesOrderStatistics)
{
    std::vector<double> v;
    for (int i = 100; i >= 0; --i) {
        v.push_back(i);
    }
    v.push_back(std::nan(""));
    const Percentiles p = percentiles(v);
    EXPECT_DOUBLE_EQ(p.p5, 5.0);
    EXPECT_DOUBLE_EQ(p.p50, 50.0);
    EXPECT_DOUBLE_EQ(p.p95, 95.0);
    EXPECT_DOUBLE_EQ(p.mean, 50.0);
}

// ---- the commands

using reesx::test::CommandRun;
using reesx::test::run_reesx;

TEST(CostCommand, TableAndJson)
{
    const auto dir = std::filesystem::temp_directory_path() / "reesx_cost_cli";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string json = (dir / "cost.json").string();
    const std::string ex = std::string(REESX_SOURCE_DIR) + "/examples/prnd-p507.yaml";
    const CommandRun r = run_reesx("cost " + ex +
                                   " --countries CN-NM,US,FR --sensitivity "
                                   "--monte-carlo 20 --seed 3 --threads 2 --json " +
                                   json);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("USD/kg REO fed"), std::string::npos);
    EXPECT_NE(r.out.find("ratio to CN-NM"), std::string::npos);
    EXPECT_NE(r.out.find("Monte Carlo"), std::string::npos);
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["command"], "cost");
    ASSERT_TRUE(j["countries"].contains("US"));
    const auto& us = j["countries"]["US"];
    for (const char* key :
         {"capex_usd", "opex_usd_per_year", "opex_breakdown_usd_per_year", "cost_usd_per_kg",
          "energy_kwh_per_kg", "co2_kg_per_kg", "ratio_to", "sensitivity"}) {
        EXPECT_TRUE(us.contains(key)) << key;
    }
    EXPECT_EQ(us["ratio_to"]["country"], "CN-NM");
    EXPECT_NEAR(us["ratio_to"]["cost_usd_per_kg"].get<double>(),
                us["cost_usd_per_kg"]["reo_fed"].get<double>() /
                    j["countries"]["CN-NM"]["cost_usd_per_kg"]["reo_fed"].get<double>(),
                1e-12);
    double items = 0.0;
    for (const auto& [k, v] : us["opex_breakdown_usd_per_year"].items()) {
        items += v.get<double>();
    }
    EXPECT_NEAR(items, us["opex_usd_per_year"].get<double>(), 1e-6);
    double gap = 0.0;
    for (const auto& [k, v] : us["gap_to_first_usd_per_kg"].items()) {
        gap += v.get<double>();
    }
    EXPECT_NEAR(gap,
                us["cost_usd_per_kg"]["reo_fed"].get<double>() -
                    j["countries"]["CN-NM"]["cost_usd_per_kg"]["reo_fed"].get<double>(),
                1e-9);
    EXPECT_EQ(j["monte_carlo"]["samples"], 20);
    EXPECT_TRUE(j["monte_carlo"]["countries"]["FR"]["cost_usd_per_kg"].contains("p95"));

    const CommandRun bad = run_reesx("cost " + ex + " --countries CN-NM,XX");
    EXPECT_EQ(bad.status, 1) << bad.out;
    EXPECT_NE(bad.out.find("XX"), std::string::npos);
    std::filesystem::remove_all(dir);
}

//! JSON paths holding null: where nlohmann writes a non-finite number.
void collect_nulls(const nlohmann::json& j, const std::string& path, std::vector<std::string>& out)
{
    if (j.is_null()) {
        out.push_back(path);
    } else if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            collect_nulls(value, path + "." + key, out);
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            collect_nulls(j[i], path + "[" + std::to_string(i) + "]", out);
        }
    }
}

// The case's own warnings (here four strip stages of which three are idle in the
// separation-factor model) reach the cost output; a case's unusual residence time is warned;
// no figure is null (non-finite); -q prints only the warnings, on stderr.
TEST(CostCommand, CaseWarningsAndNoNonFiniteFigures)
{
    const auto dir = std::filesystem::temp_directory_path() / "reesx_cost_cli_warnings";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto case_path = dir / "case.yaml";
    std::ofstream(case_path) << strip_case("cost: {mixer-residence-time: 60 min}\n");
    const std::string json = (dir / "cost.json").string();
    const CommandRun r =
        run_reesx("cost " + case_path.string() + " --countries CN-NM,US --json " + json + " -q");
    ASSERT_EQ(r.status, 0) << r.out;
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    ASSERT_EQ(j["warnings"].size(), 2U) << j["warnings"].dump();
    EXPECT_NE(j["warnings"][0].get<std::string>().find("strip stages 2-4 are empty"),
              std::string::npos);
    EXPECT_NE(j["warnings"][1].get<std::string>().find("cost.mixer-residence-time: 60 min"),
              std::string::npos);
    std::vector<std::string> nulls;
    collect_nulls(j, "", nulls);
    EXPECT_TRUE(nulls.empty()) << nulls.front();
    EXPECT_EQ(r.out.find("USD/kg"), std::string::npos) << r.out;  // no table with -q
    EXPECT_NE(r.out.find("warning: stages.strip"), std::string::npos) << r.out;
    std::filesystem::remove_all(dir);
}

TEST(CostCommand, CaseFileCostSection)
{
    const auto dir = std::filesystem::temp_directory_path() / "reesx_cost_cli_case";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string json = (dir / "cost.json").string();
    const CommandRun r = run_reesx("cost " + std::string(REESX_SOURCE_DIR) +
                                   "/examples/prnd-p507-cost.yaml --json " + json);
    ASSERT_EQ(r.status, 0) << r.out;
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    ASSERT_EQ(j["country_order"].size(), 7u);
    EXPECT_EQ(j["country_order"][6], "BAOTOU-2021");
    const auto& cn = j["countries"]["CN-NM"];
    const auto& old = j["countries"]["BAOTOU-2021"];
    // Only the power price differs: electricity cost scales with it, capex is the same.
    EXPECT_DOUBLE_EQ(old["capex_usd"].get<double>(), cn["capex_usd"].get<double>());
    EXPECT_NEAR(old["opex_breakdown_usd_per_year"]["electricity"].get<double>(),
                cn["opex_breakdown_usd_per_year"]["electricity"].get<double>() * 0.039 / 0.063,
                1e-6);
    EXPECT_EQ(old["inputs"]["electricity-price"]["source"], "pvmag_im_2022");
    std::filesystem::remove_all(dir);
}

TEST(CostCommand, Countries)
{
    const CommandRun all = run_reesx("countries");
    ASSERT_EQ(all.status, 0) << all.out;
    EXPECT_NE(all.out.find("CN-NM"), std::string::npos);
    EXPECT_NE(all.out.find("china-third"), std::string::npos);
    const CommandRun one = run_reesx("countries MY");
    ASSERT_EQ(one.status, 0) << one.out;
    EXPECT_NE(one.out.find("dosm_2023"), std::string::npos);
    EXPECT_EQ(run_reesx("countries XX").status, 1);
}

}  // namespace
