// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Loading and checking the cost data file (costs/data/countries.yaml).
#include "reesx/costs/CostData.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <span>

#include "reesx/core/Embedded.h"

namespace reesx::data {
std::span<const reesx::EmbeddedFile> builtin_cost_files();
}  // namespace reesx::data

namespace reesx::costs {
namespace {

const std::array<ParamInfo, num_region_params> region_info = {{
    {"electricity-price", "USD/kWh", "electricity price"},
    {"grid-co2", "kg/kWh", "grid CO2 intensity"},
    {"grid-availability", "-", "grid availability"},
    {"operator-wage", "USD/h", "operator wage"},
    {"labour-burden", "-", "labour burden"},
    {"hcl-price", "USD/t", "HCl price (100 %)"},
    {"naoh-price", "USD/t", "NaOH price (100 %)"},
    {"nh3-price", "USD/t", "NH3 price"},
    {"mgo-price", "USD/t", "MgO price"},
    {"extractant-price", "USD/kg", "extractant price"},
    {"diluent-price", "USD/kg", "diluent price"},
    {"wastewater-price", "USD/m3", "wastewater treatment"},
    {"capex-location-factor", "-", "capital location factor"},
    {"h2so4-price", "USD/t", "H2SO4 price (100 %)"},
}};

const std::array<ParamInfo, num_global_params> global_info = {{
    {"mixer-settler-cost-ref", "USD", "mixer-settler reference cost"},
    {"mixer-settler-volume-ref", "m3", "mixer-settler reference volume"},
    {"mixer-settler-exponent", "-", "mixer-settler cost exponent"},
    {"tank-cost-ref", "USD", "tank reference cost"},
    {"tank-volume-ref", "m3", "tank reference volume"},
    {"tank-exponent", "-", "tank cost exponent"},
    {"tank-residence-time", "h", "tank hold-up time"},
    {"cepci-2016", "-", "CEPCI 2016"},
    {"cepci-cost-year", "-", "CEPCI of the cost year"},
    {"installation-factor", "-", "installation (Lang) factor"},
    {"owners-cost-factor", "-", "owner's cost factor"},
    {"maintenance-fraction", "1/y", "maintenance"},
    {"tax-insurance-fraction", "1/y", "tax and insurance"},
    {"overhead-fraction", "-", "labour overhead (QA, admin)"},
    {"capacity-factor", "-", "capacity factor"},
    {"operator-positions-base", "positions/shift", "operator positions per cascade"},
    {"operator-positions-per-stage", "positions/shift", "operator positions per stage"},
    {"mixer-residence-time", "min", "mixer residence time"},
    {"settler-residence-time", "min", "settler residence time"},
    {"organic-inventory-overhead", "-", "organic inventory overhead"},
    {"extractant-concentration", "mol/L", "extractant concentration (when the case has none)"},
    {"extractant-density", "kg/L", "extractant density"},
    {"diluent-density", "kg/L", "diluent density"},
    {"entrainment", "ppm", "organic entrainment"},
    {"extractant-solubility", "mg/L", "extractant solubility"},
    {"organic-degradation", "1/y", "organic degradation"},
    {"mixer-power", "kW/m3", "mixer specific power"},
    {"pumping-energy", "kWh/m3", "pumping energy"},
    {"chloralkali-energy", "kWh/t", "electricity embodied in NaOH"},
    {"strip-acid-excess", "-", "strip acid excess"},
    {"discount-rate", "1/y", "discount rate"},
    {"plant-life", "y", "plant life"},
    {"solution-heat-capacity", "kJ/L/K", "heat capacity of the aqueous liquors"},
    {"heating-temperature-rise", "K", "aqueous streams heated above ambient"},
    {"heating-cop", "-", "heat delivered per kWh of electricity"},
    {"evaporation-energy", "kWh/t", "evaporation, per t water (MVR)"},
    {"precipitation-energy", "kWh/t", "oxalate precipitation, per t REO"},
    {"calcination-energy", "kWh/t", "calcination to oxide, per t REO"},
    {"wastewater-energy-chloride", "kWh/m3", "NaCl/MgCl2 wastewater treatment"},
    {"wastewater-energy-ammonium", "kWh/m3", "NH4Cl wastewater treatment"},
    {"hcl-embodied-energy", "kWh/t", "electricity embodied in HCl"},
    {"h2so4-embodied-energy", "kWh/t", "electricity embodied in H2SO4"},
}};

const std::set<std::string, std::less<>> confidences = {"high", "med", "low", "unverified"};

//! No cost input (a price, a time, a factor, in its own unit) comes near this: a larger
//! number is a typo or a wrong unit, and would overflow the costs it multiplies.
constexpr double max_cost_input = 1e12;

std::string format_number(double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    return buf;
}

std::vector<std::string_view> region_keys()
{
    std::vector<std::string_view> keys = {"name", "inherits", "currency"};
    for (const auto& i : region_info) {
        keys.push_back(i.key);
    }
    return keys;
}

Region parse_region_fields(const InputNode& node, const std::string& code, bool from_case,
                           const std::map<std::string, Source>& sources)
{
    if (!node.is_map()) {
        node.fail(
            "expected a mapping of the region's parameters, e.g. {name: ..., "
            "electricity-price: {value: 0.08, range: [0.07, 0.09], ...}}");
    }
    node.check_keys(region_keys());
    Region r;
    r.code = code;
    if (auto name = node.find("name")) {
        r.name = name->as_string();
    }
    if (auto cur = node.find("currency")) {
        r.currency = cur->as_string();
    }
    if (auto inh = node.find("inherits")) {
        r.inherits = inh->as_string();
    }
    for (int p = 0; p < num_region_params; ++p) {
        if (auto v = node.find(region_info[p].key)) {
            r.params[p] = parse_param(*v, region_info[p].unit, from_case, &sources);
            if (p != static_cast<int>(RegionParam::capex_location_factor) && v->is_map() &&
                v->has("scenarios")) {
                v->at("scenarios").fail("only capex-location-factor has scenarios");
            }
            if (p == static_cast<int>(RegionParam::capex_location_factor) && v->is_map()) {
                if (auto sc = v->find("scenarios")) {
                    for (const auto& [name, value] : sc->entries()) {
                        r.location_scenarios[name] = value.as_double_in(0.01, 10.0);
                    }
                }
            }
        }
    }
    return r;
}

//! Fills the parameters a region does not give from its parent (inherits) or the defaults.
void resolve(CostData& data, Region& r, const InputNode& where, int depth = 0)
{
    if (depth > 16) {
        where.fail("region '" + r.code + "': 'inherits' goes round in a circle");
    }
    const Region* parent = &data.defaults;
    if (!r.inherits.empty()) {
        Region* p = data.find(r.inherits);
        if (p == nullptr || p == &r) {
            where.fail("region '" + r.code + "' inherits from '" + r.inherits +
                       "', which is not a region defined before it");
        }
        parent = p;
    }
    for (int i = 0; i < num_region_params; ++i) {
        if (!r.params[i].given()) {
            r.params[i] = parent->params[i];
        }
    }
    // A region inheriting the location factor inherits its scenarios too; one that gives its
    // own factor without scenarios keeps that factor in every scenario.
    for (const auto& [name, value] : parent->location_scenarios) {
        if (!r.location_scenarios.contains(name) &&
            r[RegionParam::capex_location_factor].value ==
                (*parent)[RegionParam::capex_location_factor].value) {
            r.location_scenarios[name] = value;
        }
    }
    if (r.currency.empty()) {
        r.currency = parent->currency;
    }
    if (r.name.empty()) {
        r.name = r.code;
    }
}

void check_complete(const Region& r, const InputNode& where)
{
    for (int p = 0; p < num_region_params; ++p) {
        if (!r.params[p].given()) {
            where.fail("region '" + r.code + "' has no '" + std::string(region_info[p].key) +
                       "' (and nothing to inherit it from): give {value, range, unit, source, "
                       "confidence}");
        }
    }
}

}  // namespace

const ParamInfo& info(RegionParam p)
{
    return region_info[static_cast<int>(p)];
}
const ParamInfo& info(GlobalParam p)
{
    return global_info[static_cast<int>(p)];
}

double Region::location_factor(const std::string& scenario) const
{
    if (auto it = location_scenarios.find(scenario); it != location_scenarios.end()) {
        return it->second;
    }
    return (*this)[RegionParam::capex_location_factor].value;
}

std::string check_global(GlobalParam p, const Param& value, const InputNode& where)
{
    using G = GlobalParam;
    const auto& key = info(p).key;
    // Residence times (min; the tank's in h): above a week no mixer-settler or tank is meant,
    // and the volumes overflow; above the usual design values, a unit is probably off.
    const auto check_time = [&](double week, double usual, const char* unit) -> std::string {
        if (value.high > week) {
            where.fail(std::string(key) + ": " + format_number(value.high) + " " + unit +
                       " is more than a week; give the residence time in " + unit +
                       " (docs/costs.md)");
        }
        if (value.high > usual) {
            return std::string(key) + ": " + format_number(value.high) + " " + unit +
                   " is far above the usual (up to " + format_number(usual) + " " + unit +
                   "); the volumes and the capital scale with it";
        }
        return "";
    };
    // Divisors, exponents of volumes and fractions of the year must stay where the formulas
    // make sense (docs/costs.md).
    switch (p) {
        case G::mixer_settler_volume_ref:
        case G::tank_volume_ref:
        case G::cepci_2016:
        case G::cepci_cost_year:
        case G::extractant_density:
        case G::mixer_residence_time:
        case G::settler_residence_time:
            if (!(value.low > 0.0)) {
                where.fail(std::string(key) + " must be positive (and so must its range)");
            }
            return p == G::mixer_residence_time ? check_time(7 * 24 * 60.0, 30.0, "min")
                                                : check_time(7 * 24 * 60.0, 240.0, "min");
        case G::tank_residence_time:
            return check_time(7 * 24.0, 48.0, "h");
        case G::plant_life:
            if (!(value.low >= 1.0)) {
                where.fail("plant-life must be at least 1 year");
            }
            break;
        case G::capacity_factor:
            if (!(value.low > 0.0 && value.high <= 1.0)) {
                where.fail("capacity-factor must lie in (0, 1]");
            }
            break;
        case G::heating_cop:
            if (!(value.low > 0.0)) {
                where.fail("heating-cop must be positive (and so must its range)");
            }
            break;
        case G::discount_rate:
            if (!(value.high < 1.0)) {
                where.fail("discount-rate is a fraction per year, e.g. 0.08, below 1");
            }
            break;
        default:
            break;
    }
    return "";
}

const Region* CostData::find(std::string_view code) const
{
    for (const auto& r : regions) {
        if (r.code == code) {
            return &r;
        }
    }
    return nullptr;
}

Region* CostData::find(std::string_view code)
{
    for (auto& r : regions) {
        if (r.code == code) {
            return &r;
        }
    }
    return nullptr;
}

bool CostData::has_scenario(std::string_view name) const
{
    return std::any_of(scenarios.begin(), scenarios.end(),
                       [&](const auto& s) { return s.first == name; });
}

std::vector<std::string> CostData::codes() const
{
    std::vector<std::string> out;
    for (const auto& r : regions) {
        out.push_back(r.code);
    }
    return out;
}

Param parse_param(const InputNode& node, std::string_view expected_unit, bool allow_bare,
                  const std::map<std::string, Source>* sources)
{
    Param p;
    p.unit = std::string(expected_unit);
    if (node.is_scalar() && allow_bare) {
        const bool time = expected_unit == "min" || expected_unit == "h";
        if (time) {
            const double hours = node.as_quantity(Quantity::time, expected_unit);
            p.value = expected_unit == "min" ? hours * 60.0 : hours;
        } else {
            p.value = node.as_double();
        }
        if (!std::isfinite(p.value) || p.value < 0.0 || p.value > max_cost_input) {
            node.fail("expected a non-negative number in " + std::string(expected_unit) +
                      " below 1e12, found " + node.text());
        }
        p.low = p.high = p.value;
        p.source = "case file " + node.source_name() + ":" + std::to_string(node.line());
        p.confidence = "user";
        return p;
    }
    if (!node.is_map()) {
        node.fail(std::string("expected a parameter mapping {value, range: [low, high], unit: ") +
                  std::string(expected_unit) + ", year, source, confidence, note}" +
                  (allow_bare ? ", or a bare number in " + std::string(expected_unit) : ""));
    }
    node.check_keys(
        {"value", "range", "unit", "year", "source", "confidence", "note", "scenarios"});
    const InputNode value = node.at("value");
    if (value.is_null()) {
        value.fail("the value is missing (null): give a number in " + std::string(expected_unit));
    }
    p.value = value.as_double();
    if (!std::isfinite(p.value) || p.value < 0.0 || p.value > max_cost_input) {
        value.fail("expected a non-negative number below 1e12 in " + std::string(expected_unit) +
                   ", found " + value.text());
    }
    p.low = p.high = p.value;
    if (auto range = node.find("range")) {
        if (!range->is_sequence() || range->size() != 2) {
            range->fail("expected a range [low, high] of two numbers");
        }
        p.low = range->at(std::size_t{0}).as_double();
        p.high = range->at(std::size_t{1}).as_double();
        // Prices, times, factors: none is negative, and a negative low end would be sampled.
        if (!(p.low >= 0.0 && p.high <= max_cost_input)) {
            range->fail("the range [" + format_number(p.low) + ", " + format_number(p.high) +
                        "] must lie in [0, 1e12] " + std::string(expected_unit) +
                        ": a price, time or factor is not negative");
        }
        if (!(p.low <= p.value && p.value <= p.high)) {
            range->fail("the range [" + format_number(p.low) + ", " + format_number(p.high) +
                        "] must contain the value " + format_number(p.value) +
                        " (low <= value <= high)");
        }
    } else if (!allow_bare) {
        node.fail(
            "missing key 'range' [low, high]: every value in a data file carries its "
            "range ([v, v] for an exact value; say in the note where it is a design "
            "estimate)");
    }
    if (auto unit = node.find("unit")) {
        p.unit = unit->as_string();
        if (p.unit != expected_unit) {
            unit->fail("expected the unit '" + std::string(expected_unit) + "', found '" + p.unit +
                       "': convert the value");
        }
    } else if (!allow_bare) {
        node.fail("missing key 'unit' (expected '" + std::string(expected_unit) + "')");
    }
    if (auto year = node.find("year")) {
        p.year = static_cast<int>(year->as_integer_in(1900, 2100));
    }
    if (auto source = node.find("source")) {
        p.source = source->as_string();
        if (sources != nullptr && !sources->contains(p.source) && !allow_bare) {
            source->fail("unknown source id '" + p.source +
                         "': add it to the file's `sources:` with a title and URL");
        }
    } else if (!allow_bare) {
        node.fail("missing key 'source' (an id from `sources:`; 'none' for a design estimate)");
    } else {
        p.source = "case file " + node.source_name() + ":" + std::to_string(node.line());
    }
    if (auto conf = node.find("confidence")) {
        p.confidence = conf->as_string();
        if (!confidences.contains(p.confidence)) {
            conf->fail("expected a confidence: high, med, low or unverified");
        }
    } else if (!allow_bare) {
        node.fail("missing key 'confidence' (high, med, low or unverified)");
    } else {
        p.confidence = "user";
    }
    if (auto note = node.find("note")) {
        p.note = note->as_string();
    }
    return p;
}

void merge_regions(CostData& data, const InputNode& regions, bool from_case)
{
    if (!regions.is_map()) {
        regions.fail("expected a mapping of regions by code, e.g. {US: {...}, CN-NM: {...}}");
    }
    for (const auto& [code, node] : regions.entries()) {
        Region fields = parse_region_fields(node, code, from_case, data.sources);
        if (Region* existing = data.find(code)) {
            // Override field by field; the rest stays as it was.
            for (int p = 0; p < num_region_params; ++p) {
                if (fields.params[p].given()) {
                    existing->params[p] = fields.params[p];
                    if (p == static_cast<int>(RegionParam::capex_location_factor)) {
                        existing->location_scenarios = fields.location_scenarios;
                    }
                }
            }
            if (!fields.name.empty()) {
                existing->name = fields.name;
            }
            if (!fields.currency.empty()) {
                existing->currency = fields.currency;
            }
            continue;
        }
        resolve(data, fields, node);
        check_complete(fields, node);
        data.regions.push_back(std::move(fields));
    }
}

CostData parse_cost_data(const InputNode& root)
{
    if (!root.is_map()) {
        root.fail("a cost data file is a mapping with schema, sources, global, defaults, regions");
    }
    root.check_keys({"schema", "name", "currency", "cost-year", "fx-to-usd", "sources", "global",
                     "scenarios", "defaults", "regions"});
    CostData data;
    data.origin = root.source_name();
    if (root.at("schema").as_integer() != 1) {
        root.at("schema").fail("this reesx reads schema 1 cost data files");
    }
    data.currency = root.at("currency").as_string();
    if (data.currency != "USD") {
        root.at("currency").fail("reesx cost data are in USD; convert the values");
    }
    data.cost_year = static_cast<int>(root.at("cost-year").as_integer_in(1950, 2100));
    for (const auto& [id, node] : root.at("sources").entries()) {
        node.check_keys({"title", "url"});
        data.sources[id] = Source{node.at("title").as_string(), node.at("url").as_string()};
    }
    const InputNode global = root.at("global");
    std::vector<std::string_view> global_keys = {"extractant-molar-mass", "oxide-price"};
    for (const auto& i : global_info) {
        global_keys.push_back(i.key);
    }
    global.check_keys(global_keys);
    for (int p = 0; p < num_global_params; ++p) {
        const InputNode node = global.at(global_info[p].key);
        data.global[p] = parse_param(node, global_info[p].unit, false, &data.sources);
        (void)check_global(static_cast<GlobalParam>(p), data.global[p], node);
    }
    if (auto mm = global.find("extractant-molar-mass")) {
        for (const auto& [system, node] : mm->entries()) {
            data.extractant_molar_mass[system] = parse_param(node, "g/mol", false, &data.sources);
        }
    }
    if (auto prices = global.find("oxide-price")) {
        for (const auto& [symbol, node] : prices->entries()) {
            const auto e = element_index(symbol);
            if (!e) {
                node.fail("unknown element '" + symbol + "'");
            }
            data.oxide_price[*e] = parse_param(node, "USD/kg", false, &data.sources);
        }
    }
    if (auto sc = root.find("scenarios")) {
        for (const auto& [name, node] : sc->entries()) {
            data.scenarios.emplace_back(name, node.as_string());
        }
    }
    const InputNode defaults = root.at("defaults");
    data.defaults = parse_region_fields(defaults, "defaults", false, data.sources);
    check_complete(data.defaults, defaults);
    merge_regions(data, root.at("regions"), false);
    for (const auto& r : data.regions) {
        for (const auto& [name, value] : r.location_scenarios) {
            if (!data.has_scenario(name)) {
                root.at("regions").fail("region '" + r.code + "' names the scenario '" + name +
                                        "', which `scenarios:` does not define");
            }
        }
    }
    return data;
}

const CostData& builtin_cost_data()
{
    static const CostData data = [] {
        for (const auto& file : data::builtin_cost_files()) {
            if (file.name == "countries.yaml") {
                CostData d = parse_cost_data(InputNode::load_string(
                    std::string(file.text), "costs/data/" + std::string(file.name)));
                d.origin = "built-in";
                return d;
            }
        }
        throw Error("the built-in cost data (costs/data/countries.yaml) is missing");
    }();
    return data;
}

}  // namespace reesx::costs
