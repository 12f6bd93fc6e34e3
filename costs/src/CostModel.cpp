// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost model (docs/costs.md). Correlations and their sources:
// - mixer-settler bare cost per stage C = C_ref (CEPCI/CEPCI_2016) (V/V_ref)^n, PrOMMiS
//   REE_costing_parameters.json account 5.4 (UKy rougher SX mixer-settler, 2016 USD);
// - PE tank bare cost, same form, PrOMMiS/UKy SX-area tank correlation;
// - total plant cost = bare × installation factor (NETL QGESS percentages, PrOMMiS) × location
//   factor (Towler & Sinnott 2012 Table 7.7 or Compass 2017); × owner's cost factor (TASC/TOC);
// - maintenance, tax and insurance as fractions of total plant cost, labour overhead as a
//   fraction of operating labour, labour = positions × wage × (1 + burden) × operating hours
//   (PrOMMiS ree_plant_capcost.py conventions);
// - capital recovery factor r(1+r)^n/((1+r)^n - 1) (standard annuity);
// - extractant/diluent losses = aqueous outflow × (entrainment + solubility) + degradation of
//   the inventory; organic inventory = organic in the stages × (1 + overhead) (costs.md 3c);
// - electricity = mixer specific power × mixer volume + pumping energy × flow fed (costs.md 5)
//   + heating of the aqueous feeds (ρc_p ΔT / COP) + evaporation between cascades (MVR) +
//   oxalate precipitation and calcination per kg REO + wastewater treatment per m3 (the data
//   file's energy block: sources or design estimates);
// - CO2 = grid intensity × (plant electricity + electricity embodied in NaOH and HCl)
//   (costs.md 3a).
#include "reesx/costs/CostModel.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace reesx::costs {
namespace {

constexpr double hours_per_calendar_year = 8760.0;

std::vector<std::string> split_list(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    for (char c : text + ",") {
        if (c == ',') {
            const auto b = item.find_first_not_of(" \t");
            const auto e = item.find_last_not_of(" \t");
            if (b != std::string::npos) {
                out.push_back(item.substr(b, e - b + 1));
            }
            item.clear();
        } else {
            item += c;
        }
    }
    return out;
}

double reo_kg_per_mol(int element)
{
    return elements()[element].oxide_mass_per_mol_element_g() / 1000.0;
}

}  // namespace

std::string_view base_reagent_name(BaseReagent b)
{
    switch (b) {
        case BaseReagent::naoh:
            return "NaOH";
        case BaseReagent::nh3:
            return "NH3";
        case BaseReagent::mgo:
            return "MgO";
    }
    return "";
}

std::string_view allocation_name(Allocation a)
{
    return a == Allocation::mass ? "mass" : "value";
}

std::string_view opex_key(OpexItem item)
{
    static constexpr std::array<std::string_view, num_opex_items> keys = {
        "saponification_base", "hcl",       "extractant", "diluent",
        "electricity",         "labour",    "overhead",   "maintenance",
        "tax_insurance",       "wastewater"};
    return keys[static_cast<int>(item)];
}

std::string_view energy_key(EnergyItem item)
{
    static constexpr std::array<std::string_view, num_energy_items> keys = {
        "mixers",      "pumps",      "heating",       "evaporation", "precipitation",
        "calcination", "wastewater", "naoh_embodied", "hcl_embodied"};
    return keys[static_cast<int>(item)];
}

std::string_view energy_label(EnergyItem item)
{
    static constexpr std::array<std::string_view, num_energy_items> labels = {
        "mixers",
        "pumps",
        "solution heating",
        "evaporation between cascades",
        "oxalate precipitation",
        "calcination to oxide",
        "wastewater treatment",
        "embodied in NaOH (not on site)",
        "embodied in HCl, H2SO4 (not on site)"};
    return labels[static_cast<int>(item)];
}

std::string_view opex_label(OpexItem item)
{
    static constexpr std::array<std::string_view, num_opex_items> labels = {
        "saponification base", "acid (scrub + strip)", "extractant make-up",
        "diluent make-up",     "electricity",          "operating labour",
        "labour overhead",     "maintenance",          "tax and insurance",
        "wastewater"};
    return labels[static_cast<int>(item)];
}

CostSetup parse_cost_setup(const CaseSpec& spec)
{
    return parse_cost_mapping(spec.root ? spec.root->find("cost") : std::nullopt, spec.system.name,
                              spec.components);
}

CostSetup parse_cost_mapping(const std::optional<InputNode>& cost, const std::string& system_name,
                             const std::vector<int>& components)
{
    CostSetup setup;
    setup.data = builtin_cost_data();
    setup.options.countries = {"CN-NM", "US", "AU", "MY", "VN", "JP"};
    if (!cost) {
        return setup;
    }
    if (!cost->is_map()) {
        cost->fail(
            "expected a mapping of cost settings, e.g. {countries: [CN-NM, US], "
            "base-reagent: NaOH, mixer-residence-time: 4 min}");
    }
    std::vector<std::string_view> keys = {"countries",
                                          "scenario",
                                          "base-reagent",
                                          "allocation",
                                          "hours-per-year",
                                          "strip-loaded-organic",
                                          "oxide-price",
                                          "regions",
                                          "extractant-molar-mass",
                                          "intermediate-concentration"};
    for (int p = 0; p < num_global_params; ++p) {
        keys.push_back(info(static_cast<GlobalParam>(p)).key);
    }
    cost->check_keys(keys);
    auto& opt = setup.options;
    auto& data = setup.data;
    if (auto regions = cost->find("regions")) {
        merge_regions(data, *regions, true);
    }
    if (auto c = cost->find("countries")) {
        opt.countries.clear();
        if (c->is_sequence()) {
            for (const auto& item : c->elements()) {
                opt.countries.push_back(item.as_string());
            }
        } else {
            opt.countries = split_list(c->as_string());
        }
        for (const auto& code : opt.countries) {
            if (!data.find(code)) {
                const auto codes = data.codes();
                std::vector<std::string_view> views(codes.begin(), codes.end());
                const std::string hint = closest_match(code, views);
                c->fail("unknown country or region '" + code + "'" +
                        (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                        " (reesx countries lists them; cost.regions adds one)");
            }
        }
        if (opt.countries.empty()) {
            c->fail("expected at least one country code, e.g. [CN-NM, US]");
        }
    }
    if (auto s = cost->find("scenario")) {
        opt.scenario = s->as_string();
        if (!data.has_scenario(opt.scenario)) {
            std::string names;
            for (const auto& [n, d] : data.scenarios) {
                names += (names.empty() ? "" : ", ") + n;
            }
            s->fail("unknown scenario '" + opt.scenario + "'; the scenarios are " + names);
        }
    }
    if (auto b = cost->find("base-reagent")) {
        const std::string text = b->as_string();
        if (text == "NaOH") {
            opt.base = BaseReagent::naoh;
        } else if (text == "NH3") {
            opt.base = BaseReagent::nh3;
        } else if (text == "MgO") {
            opt.base = BaseReagent::mgo;
        } else {
            b->fail("expected the saponification base NaOH, NH3 or MgO, found '" + text + "'");
        }
    }
    if (auto a = cost->find("allocation")) {
        const std::string text = a->as_string();
        if (text == "mass") {
            opt.allocation = Allocation::mass;
        } else if (text == "value") {
            opt.allocation = Allocation::value;
        } else {
            a->fail(
                "expected the allocation rule 'mass' (by kg REO) or 'value' (by oxide "
                "price), found '" +
                text + "'");
        }
    }
    if (auto h = cost->find("hours-per-year")) {
        opt.hours_per_year = h->as_quantity_in(Quantity::time, "h", 1.0, 8784.0);
    }
    if (auto c = cost->find("intermediate-concentration")) {
        const double value = c->as_double();
        if (!(value > 0.0 && value < 20.0)) {
            c->fail(
                "expected the RE concentration (mol/L) a plant's aqueous streams are "
                "brought to between cascades, e.g. 1.5, found " +
                c->text());
        }
        opt.intermediate_concentration_mol_per_L = value;
    }
    if (auto s = cost->find("strip-loaded-organic")) {
        opt.strip_loaded_organic = s->as_bool();
    }
    for (int p = 0; p < num_global_params; ++p) {
        const auto& pi = info(static_cast<GlobalParam>(p));
        if (auto v = cost->find(pi.key)) {
            data.global[p] = parse_param(*v, pi.unit, true, &data.sources);
            if (auto w = check_global(static_cast<GlobalParam>(p), data.global[p], *v);
                !w.empty()) {
                setup.warnings.push_back("cost." + w);
            }
        }
    }
    if (auto mm = cost->find("extractant-molar-mass")) {
        data.extractant_molar_mass[system_name] = parse_param(*mm, "g/mol", true, nullptr);
    }
    if (auto prices = cost->find("oxide-price")) {
        if (!prices->is_map()) {
            prices->fail("expected oxide prices by element in USD/kg oxide, e.g. {Sm: 2.0}");
        }
        for (const auto& [symbol, node] : prices->entries()) {
            const auto e = element_index(symbol);
            if (!e) {
                node.fail("unknown element '" + symbol + "'");
            }
            data.oxide_price[*e] = parse_param(node, "USD/kg", true, nullptr);
        }
    }
    if (opt.allocation == Allocation::value) {
        for (int e : components) {
            if (!data.oxide_price[e].given()) {
                cost->fail("allocation by value needs an oxide price for " +
                           std::string(elements()[e].symbol) + ": give cost.oxide-price: {" +
                           std::string(elements()[e].symbol) + ": <USD/kg oxide>}");
            }
        }
    }
    return setup;
}

PlantStreams plant_streams(const CaseSpec& spec, const CascadeResult& r)
{
    PlantStreams s;
    s.system_name = spec.system.name;
    s.stages = r.num_stages;
    s.stage_aqueous_L_per_h = r.aqueous_flow_L_per_h;
    s.stage_organic_L_per_h = r.organic_flow_L_per_h;
    for (const auto& f : spec.feeds) {
        if (f.phase == Phase::aqueous) {
            s.fed_aqueous_L_per_h.push_back(f.flow_L_per_h);
        }
        s.fed_total_L_per_h += f.flow_L_per_h;
    }
    s.fed_total_L_per_h += spec.organic.flow_L_per_h;
    if (spec.scrub && spec.stages_scrub > 0) {
        s.fed_aqueous_L_per_h.push_back(spec.scrub->flow_L_per_h);
        s.fed_total_L_per_h += spec.scrub->flow_L_per_h;
    }
    if (spec.strip && spec.stages_strip > 0) {
        s.fed_aqueous_L_per_h.push_back(spec.strip->flow_L_per_h);
        s.fed_total_L_per_h += spec.strip->flow_L_per_h;
    }
    s.base_equiv_mol_per_h = r.reagents.saponification_base_mol_per_h;
    s.hcl_fed_mol_per_h = r.reagents.scrub_acid_h_mol_per_h + r.reagents.strip_acid_h_mol_per_h;
    s.sulfate = spec.medium.sulfate;
    s.h2so4_fed_h_mol_per_h = s.sulfate ? s.hcl_fed_mol_per_h : 0.0;
    s.extractant_mol_per_L = spec.organic.extractant_mol_per_L;
    s.unsaponified_by_design =
        spec.organic.extractant_mol_per_L &&
        (!spec.organic.saponification || *spec.organic.saponification == 0.0);
    for (int e = 0; e < num_elements; ++e) {
        s.feed_reo_kg_per_h += r.feed_mol_per_h[e] * reo_kg_per_mol(e);
    }
    double total_re = 0.0;
    for (const auto& p : r.products) {
        total_re += p.re_mol_per_h;
    }
    for (const auto& p : r.products) {
        if (p.phase == Phase::aqueous) {
            s.aqueous_out_L_per_h += p.flow_L_per_h;
        }
        if (p.name == "loaded_organic") {
            s.strip_stoichiometric_h_mol_per_h += 3.0 * p.re_mol_per_h;
        }
        // Products that carry no rare earth to speak of (a stripped organic) get no cost.
        if (p.re_mol_per_h <= 1e-12 * total_re) {
            continue;
        }
        PlantStreams::Product prod;
        prod.name = p.name;
        for (int e = 0; e < num_elements; ++e) {
            prod.oxide_kg_per_h[e] = p.mol_per_h[e] * reo_kg_per_mol(e);
            prod.reo_kg_per_h += prod.oxide_kg_per_h[e];
        }
        s.finished_reo_kg_per_h += prod.reo_kg_per_h;
        s.products.push_back(prod);
    }
    return s;
}

void price_per_kg(CountryCost& c, double feed_reo_kg_per_h,
                  const std::vector<PlantStreams::Product>& products, Allocation allocation,
                  const std::array<double, num_elements>& oxide_price)
{
    const double hours = c.operating_hours_per_year;
    c.products.clear();
    c.reo_fed_kg_per_year = feed_reo_kg_per_h * hours;
    const double co2 = c.co2_electricity_kg_per_year + c.co2_reagents_kg_per_year;
    if (c.reo_fed_kg_per_year > 0.0) {
        c.cost_usd_per_kg_reo_fed = c.annual_cost_usd_per_year / c.reo_fed_kg_per_year;
        c.energy_kwh_per_kg_reo_fed = c.electricity_kwh_per_year / c.reo_fed_kg_per_year;
        c.co2_kg_per_kg_reo_fed = co2 / c.reo_fed_kg_per_year;
    }
    // Allocation to products: by REO mass, or by the value of the oxides they carry.
    std::vector<double> weight(products.size(), 0.0);
    for (std::size_t p = 0; p < products.size(); ++p) {
        if (allocation == Allocation::mass) {
            weight[p] = products[p].reo_kg_per_h;
        } else {
            for (int e = 0; e < num_elements; ++e) {
                weight[p] += products[p].oxide_kg_per_h[e] * oxide_price[e];
            }
        }
    }
    const double total_weight = std::accumulate(weight.begin(), weight.end(), 0.0);
    for (std::size_t p = 0; p < products.size(); ++p) {
        ProductCost pc;
        pc.name = products[p].name;
        pc.share = total_weight > 0.0 ? weight[p] / total_weight : 0.0;
        pc.reo_kg_per_year = products[p].reo_kg_per_h * hours;
        if (pc.reo_kg_per_year > 0.0) {
            pc.cost_usd_per_kg = pc.share * c.annual_cost_usd_per_year / pc.reo_kg_per_year;
            pc.energy_kwh_per_kg = pc.share * c.electricity_kwh_per_year / pc.reo_kg_per_year;
            pc.co2_kg_per_kg = pc.share * co2 / pc.reo_kg_per_year;
        }
        c.products.push_back(pc);
    }
}

CostModel::CostModel(CostSetup setup, PlantStreams streams)
    : setup_(std::move(setup)), streams_(std::move(streams))
{
    const auto& mm = setup_.data.extractant_molar_mass;
    if (auto it = mm.find(streams_.system_name); it != mm.end()) {
        extractant_molar_mass_ = it->second.value;
    } else {
        extractant_molar_mass_ = mm.contains("p507-hcl") ? mm.at("p507-hcl").value : 306.42;
        setup_.warnings.push_back("no extractant molar mass for system '" + streams_.system_name +
                                  "': P507's " +
                                  std::to_string(extractant_molar_mass_).substr(0, 6) +
                                  " g/mol used (set cost.extractant-molar-mass)");
    }
    for (int e = 0; e < num_elements; ++e) {
        oxide_price_[e] = setup_.data.oxide_price[e].value;
    }
    if (streams_.base_equiv_mol_per_h <= 0.0 && !streams_.unsaponified_by_design) {
        setup_.warnings.push_back(
            "the simulation uses no saponification base (the case gives no "
            "organic.extractant-concentration and saponification, and its model does not load "
            "the organic to a capacity): the base costs nothing here");
    }
    for (const auto& code : setup_.options.countries) {
        (void)region(code);
    }
}

const Region& CostModel::region(const std::string& code) const
{
    if (const Region* r = setup_.data.find(code)) {
        return *r;
    }
    std::string codes;
    for (const auto& c : setup_.data.codes()) {
        codes += (codes.empty() ? "" : " ") + c;
    }
    throw InputError("unknown country or region '" + code + "'; known: " + codes +
                     " (a case adds one under cost.regions)");
}

ParamValues CostModel::nominal(const Region& region) const
{
    ParamValues v;
    for (int p = 0; p < num_global_params; ++p) {
        v.global[p] = setup_.data.global[p].value;
    }
    for (int p = 0; p < num_region_params; ++p) {
        v.region[p] = region.params[p].value;
    }
    v.region[static_cast<int>(RegionParam::capex_location_factor)] =
        region.location_factor(setup_.options.scenario);
    return v;
}

CountryCost CostModel::evaluate(const Region& region) const
{
    return evaluate(region, nominal(region), streams_);
}

CountryCost CostModel::evaluate(const Region& region, const ParamValues& v) const
{
    return evaluate(region, v, streams_);
}

CountryCost CostModel::evaluate(const Region& region, const ParamValues& v,
                                const PlantStreams& s) const
{
    using G = GlobalParam;
    using R = RegionParam;
    const auto& opt = setup_.options;
    CountryCost c;
    c.code = region.code;
    c.name = region.name;

    // Hours: the plant runs 8760 h × capacity factor (or the case's hours), less the hours the
    // grid does not supply. Labour is paid for the planned hours (PrOMMiS convention).
    const double planned_h = opt.hours_per_year ? *opt.hours_per_year
                                                : hours_per_calendar_year * v.g(G::capacity_factor);
    const double hours = planned_h * v.r(R::grid_availability);
    c.operating_hours_per_year = hours;

    // Sizing: each stage's mixer and settler hold the total flow through the stage for their
    // residence times (min); the organic share of the hold-up is the organic inventory.
    const double t_mix_h = v.g(G::mixer_residence_time) / 60.0;
    const double t_set_h = v.g(G::settler_residence_time) / 60.0;
    const double cepci = v.g(G::cepci_cost_year) / v.g(G::cepci_2016);
    const double c_ms = v.g(G::mixer_settler_cost_ref) * cepci;
    const double v_ms_ref = v.g(G::mixer_settler_volume_ref);
    const double n_ms = v.g(G::mixer_settler_exponent);
    double organic_m3 = 0.0;
    for (int j = 0; j < s.stages; ++j) {
        const double qa_m3_per_h = s.stage_aqueous_L_per_h[j] / 1000.0;
        const double qo_m3_per_h = s.stage_organic_L_per_h[j] / 1000.0;
        const double q = qa_m3_per_h + qo_m3_per_h;
        const double v_mix = q * t_mix_h, v_set = q * t_set_h;
        c.mixer_volume_m3 += v_mix;
        c.settler_volume_m3 += v_set;
        if (q > 0.0) {
            organic_m3 += (v_mix + v_set) * qo_m3_per_h / q;
            c.equipment_usd += c_ms * std::pow((v_mix + v_set) / v_ms_ref, n_ms);
        }
    }
    c.organic_inventory_m3 = organic_m3 * (1.0 + v.g(G::organic_inventory_overhead));
    // Tanks: one per aqueous stream fed (hold-up time), one organic surge tank holding the
    // inventory overhead.
    const double c_tank = v.g(G::tank_cost_ref) * cepci;
    const auto tank_cost = [&](double volume_m3) {
        return volume_m3 > 0.0
                   ? c_tank * std::pow(volume_m3 / v.g(G::tank_volume_ref), v.g(G::tank_exponent))
                   : 0.0;
    };
    for (double q : s.fed_aqueous_L_per_h) {
        const double vol = q / 1000.0 * v.g(G::tank_residence_time);
        c.tank_volume_m3 += vol;
        c.tanks_usd += tank_cost(vol);
    }
    const double surge_m3 = c.organic_inventory_m3 - organic_m3;
    c.tank_volume_m3 += surge_m3;
    c.tanks_usd += tank_cost(surge_m3);

    // Organic: extractant at the case's concentration, the rest diluent.
    const double c_ext =
        s.extractant_mol_per_L ? *s.extractant_mol_per_L : v.g(G::extractant_concentration);
    const double ext_kg_per_L = c_ext * extractant_molar_mass_ / 1000.0;
    const double dil_L_per_L = std::max(0.0, 1.0 - ext_kg_per_L / v.g(G::extractant_density));
    const double dil_kg_per_L = dil_L_per_L * v.g(G::diluent_density);
    const double inventory_L = c.organic_inventory_m3 * 1000.0;
    c.extractant_inventory_kg = inventory_L * ext_kg_per_L;
    c.diluent_inventory_kg = inventory_L * dil_kg_per_L;

    // Capital.
    c.location_factor = v.r(R::capex_location_factor);
    c.installed_usd =
        (c.equipment_usd + c.tanks_usd) * v.g(G::installation_factor) * c.location_factor;
    c.first_fill_usd = c.extractant_inventory_kg * v.r(R::extractant_price) +
                       c.diluent_inventory_kg * v.r(R::diluent_price);
    c.capex_usd = c.installed_usd * v.g(G::owners_cost_factor) + c.first_fill_usd;
    const double rate = v.g(G::discount_rate), life = v.g(G::plant_life);
    c.capital_recovery_factor =
        rate > 0.0 ? rate * std::pow(1.0 + rate, life) / (std::pow(1.0 + rate, life) - 1.0)
                   : 1.0 / life;
    c.capital_charge_usd_per_year = c.capex_usd * c.capital_recovery_factor;

    // Reagents from the simulated balances.
    auto& item = c.opex_usd_per_year_by_item;
    const auto at = [&](OpexItem i) -> double& { return item[static_cast<int>(i)]; };
    double base_g_per_equiv = molar_mass_naoh, base_price = v.r(R::naoh_price);
    if (opt.base == BaseReagent::nh3) {
        base_g_per_equiv = molar_mass_nh3;
        base_price = v.r(R::nh3_price);
    } else if (opt.base == BaseReagent::mgo) {
        base_g_per_equiv = 0.5 * molar_mass_mgo;  // Mg2+ replaces two H+
        base_price = v.r(R::mgo_price);
    }
    c.base_t_per_year = s.base_equiv_mol_per_h * base_g_per_equiv * 1e-6 * hours;
    at(OpexItem::base) = c.base_t_per_year * base_price;
    // The acid: HCl, and H2SO4 (2 H+ each) for what sulfate-medium cascades take.
    double h_mol_per_h = s.hcl_fed_mol_per_h - s.h2so4_fed_h_mol_per_h;
    double h2so4_h_mol_per_h = s.h2so4_fed_h_mol_per_h;
    if (opt.strip_loaded_organic) {
        (s.sulfate ? h2so4_h_mol_per_h : h_mol_per_h) +=
            s.strip_stoichiometric_h_mol_per_h * v.g(G::strip_acid_excess);
    }
    c.hcl_t_per_year = std::max(0.0, h_mol_per_h) * molar_mass_hcl * 1e-6 * hours;
    c.h2so4_t_per_year = h2so4_h_mol_per_h / 2.0 * molar_mass_h2so4 * 1e-6 * hours;
    at(OpexItem::hcl) =
        c.hcl_t_per_year * v.r(R::hcl_price) + c.h2so4_t_per_year * v.r(R::h2so4_price);

    // Organic losses: entrained organic and dissolved extractant in the aqueous outflows, and
    // the inventory's yearly degradation.
    const double entrained_L_per_h = s.aqueous_out_L_per_h * v.g(G::entrainment) * 1e-6;
    const double dissolved_kg_per_h = s.aqueous_out_L_per_h * v.g(G::extractant_solubility) * 1e-6;
    c.extractant_kg_per_year = (entrained_L_per_h * ext_kg_per_L + dissolved_kg_per_h) * hours +
                               v.g(G::organic_degradation) * c.extractant_inventory_kg;
    c.diluent_kg_per_year = entrained_L_per_h * dil_kg_per_L * hours +
                            v.g(G::organic_degradation) * c.diluent_inventory_kg;
    at(OpexItem::extractant) = c.extractant_kg_per_year * v.r(R::extractant_price);
    at(OpexItem::diluent) = c.diluent_kg_per_year * v.r(R::diluent_price);

    // Labour: round-the-clock positions.
    const double positions =
        v.g(G::operator_positions_base) + v.g(G::operator_positions_per_stage) * s.stages;
    at(OpexItem::labour) =
        positions * v.r(R::operator_wage) * (1.0 + v.r(R::labour_burden)) * planned_h;
    at(OpexItem::overhead) = v.g(G::overhead_fraction) * at(OpexItem::labour);
    at(OpexItem::maintenance) = v.g(G::maintenance_fraction) * c.installed_usd;
    at(OpexItem::tax_insurance) = v.g(G::tax_insurance_fraction) * c.installed_usd;
    c.wastewater_m3_per_year = s.aqueous_out_L_per_h / 1000.0 * hours;
    at(OpexItem::wastewater) = c.wastewater_m3_per_year * v.r(R::wastewater_price);

    // Energy, item by item (docs/costs.md, "Energy"); every on-site item is electricity.
    auto& energy = c.energy_kwh_per_year_by_item;
    const auto kwh = [&](EnergyItem i) -> double& { return energy[static_cast<int>(i)]; };
    const double aqueous_fed_L_per_h =
        std::accumulate(s.fed_aqueous_L_per_h.begin(), s.fed_aqueous_L_per_h.end(), 0.0);
    kwh(EnergyItem::mixers) = v.g(G::mixer_power) * c.mixer_volume_m3 * hours;
    kwh(EnergyItem::pumps) = v.g(G::pumping_energy) * s.fed_total_L_per_h / 1000.0 * hours;
    // kJ/h of sensible heat / 3600 = kW of heat; / COP = kW of electricity.
    kwh(EnergyItem::heating) = aqueous_fed_L_per_h * v.g(G::solution_heat_capacity) *
                               v.g(G::heating_temperature_rise) / 3600.0 / v.g(G::heating_cop) *
                               hours;
    c.evaporated_water_t_per_year = s.evaporated_water_L_per_h / 1000.0 * hours;  // 1 kg/L
    kwh(EnergyItem::evaporation) = c.evaporated_water_t_per_year * v.g(G::evaporation_energy);
    const double finished_t_per_year = s.finished_reo_kg_per_h / 1000.0 * hours;
    kwh(EnergyItem::precipitation) = finished_t_per_year * v.g(G::precipitation_energy);
    kwh(EnergyItem::calcination) = finished_t_per_year * v.g(G::calcination_energy);
    kwh(EnergyItem::wastewater) =
        c.wastewater_m3_per_year * (opt.base == BaseReagent::nh3
                                        ? v.g(G::wastewater_energy_ammonium)
                                        : v.g(G::wastewater_energy_chloride));
    if (opt.base == BaseReagent::naoh) {
        kwh(EnergyItem::naoh_embodied) = c.base_t_per_year * v.g(G::chloralkali_energy);
    }
    kwh(EnergyItem::hcl_embodied) = c.hcl_t_per_year * v.g(G::hcl_embodied_energy) +
                                    c.h2so4_t_per_year * v.g(G::h2so4_embodied_energy);
    for (int i = 0; i < num_energy_items; ++i) {
        (is_embodied(static_cast<EnergyItem>(i)) ? c.embodied_kwh_per_year
                                                 : c.electricity_kwh_per_year) += energy[i];
    }
    c.power_kW = hours > 0.0 ? c.electricity_kwh_per_year / hours : 0.0;
    at(OpexItem::electricity) = c.electricity_kwh_per_year * v.r(R::electricity_price);
    c.opex_usd_per_year = std::accumulate(item.begin(), item.end(), 0.0);
    c.annual_cost_usd_per_year =
        c.opex_usd_per_year + opt.capital_charge_weight * c.capital_charge_usd_per_year;

    // CO2: the plant's electricity and the electricity embodied in its reagents.
    c.co2_electricity_kg_per_year = c.electricity_kwh_per_year * v.r(R::grid_co2);
    c.co2_reagents_kg_per_year = c.embodied_kwh_per_year * v.r(R::grid_co2);

    price_per_kg(c, s.feed_reo_kg_per_h, s.products, opt.allocation, oxide_price_);
    return c;
}

}  // namespace reesx::costs
