// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The country data as the reports show it: `reesx countries` (table and JSON), and each
// parameter's value, range, year, source and confidence for the other reports.
#include <cstdio>
#include <sstream>

#include "ReportFormat.h"
#include "ReportInputs.h"
#include "reesx/costs/Report.h"

namespace reesx::costs {

using report_format::fmt;

namespace report_inputs {

nlohmann::json param_json(const Param& p)
{
    nlohmann::json j = {{"value", p.value},
                        {"range", {p.low, p.high}},
                        {"unit", p.unit},
                        {"source", p.source},
                        {"confidence", p.confidence}};
    if (p.year > 0) {
        j["year"] = p.year;
    }
    if (!p.note.empty()) {
        j["note"] = p.note;
    }
    return j;
}

//! Every plant-wide parameter with value, range, unit, year, source and confidence.
nlohmann::json global_inputs_json(const CostData& data)
{
    nlohmann::json global = nlohmann::json::object();
    for (int p = 0; p < num_global_params; ++p) {
        global[std::string(info(static_cast<GlobalParam>(p)).key)] = param_json(data.global[p]);
    }
    return global;
}

//! Region parameters a costing of this region relies on that carry no primary source.
std::vector<std::string> unverified_region(const Region& r)
{
    std::vector<std::string> out;
    for (int p = 0; p < num_region_params; ++p) {
        if (r.params[p].confidence == "unverified") {
            out.emplace_back(info(static_cast<RegionParam>(p)).key);
        }
    }
    return out;
}

std::vector<std::string> unverified_global(const CostData& d)
{
    std::vector<std::string> out;
    for (int p = 0; p < num_global_params; ++p) {
        if (d.global[p].confidence == "unverified") {
            out.emplace_back(info(static_cast<GlobalParam>(p)).key);
        }
    }
    return out;
}

std::string join(const std::vector<std::string>& items, const char* sep)
{
    std::string out;
    for (const auto& s : items) {
        out += (out.empty() ? "" : sep) + s;
    }
    return out;
}

}  // namespace report_inputs

using report_inputs::global_inputs_json;
using report_inputs::join;
using report_inputs::param_json;
using report_inputs::unverified_region;

nlohmann::json countries_json(const CostData& data)
{
    nlohmann::json j;
    j["currency"] = data.currency;
    j["cost_year"] = data.cost_year;
    j["scenarios"] = nlohmann::json::object();
    for (const auto& [name, description] : data.scenarios) {
        j["scenarios"][name] = description;
    }
    j["regions"] = nlohmann::json::object();
    j["country_order"] = nlohmann::json::array();
    for (const auto& r : data.regions) {
        nlohmann::json inputs = nlohmann::json::object();
        for (int p = 0; p < num_region_params; ++p) {
            inputs[std::string(info(static_cast<RegionParam>(p)).key)] = param_json(r.params[p]);
        }
        j["regions"][r.code] = {{"name", r.name},
                                {"currency", r.currency},
                                {"inherits", r.inherits},
                                {"location_scenarios", r.location_scenarios},
                                {"inputs", inputs}};
        j["country_order"].push_back(r.code);
    }
    j["global_inputs"] = global_inputs_json(data);
    return j;
}

std::string format_countries(const CostData& data, const std::string& code)
{
    std::ostringstream out;
    if (code.empty()) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%-6s %-44s %4s %9s %8s %7s %7s %6s\n", "code", "name",
                      "cur", "USD/kWh", "kgCO2/kWh", "USD/h", "loc.f.", "unverif.");
        out << buf;
        for (const auto& r : data.regions) {
            std::snprintf(buf, sizeof buf, "%-6s %-44s %4s %9.4f %8.4f %7.2f %7.3f %6zu\n",
                          r.code.c_str(), r.name.substr(0, 44).c_str(), r.currency.c_str(),
                          r[RegionParam::electricity_price].value, r[RegionParam::grid_co2].value,
                          r[RegionParam::operator_wage].value,
                          r[RegionParam::capex_location_factor].value, unverified_region(r).size());
            out << buf;
        }
        out << "\nScenarios (capital location factor): ";
        for (const auto& [n, d] : data.scenarios) {
            out << "\n  " << n << ": " << d;
        }
        out << "\n\n`reesx countries CODE` shows every value with its range, year, source and "
               "confidence; `reesx countries global` the plant-wide parameters.\n";
        return out.str();
    }
    const auto print_param = [&](std::string_view key, const Param& p) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "  %-28s %10.5g [%.5g, %.5g] %-8s %4d %-10s ",
                      std::string(key).c_str(), p.value, p.low, p.high, p.unit.c_str(), p.year,
                      p.confidence.c_str());
        out << buf;
        const auto src = data.sources.find(p.source);
        out << p.source;
        if (src != data.sources.end() && !src->second.title.empty()) {
            out << ": " << src->second.title;
            if (!src->second.url.empty()) {
                out << " <" << src->second.url << ">";
            }
        }
        if (!p.note.empty()) {
            out << " (" << p.note << ")";
        }
        out << "\n";
    };
    if (code == "global") {
        out << "Plant-wide parameters (" << data.origin << ")\n";
        for (int p = 0; p < num_global_params; ++p) {
            print_param(info(static_cast<GlobalParam>(p)).key, data.global[p]);
        }
        for (const auto& [sys, p] : data.extractant_molar_mass) {
            print_param("extractant-molar-mass " + sys, p);
        }
        for (int e = 0; e < num_elements; ++e) {
            if (data.oxide_price[e].given()) {
                print_param("oxide-price " + std::string(elements()[e].symbol),
                            data.oxide_price[e]);
            }
        }
        return out.str();
    }
    const Region* r = data.find(code);
    if (r == nullptr) {
        throw InputError("unknown country or region '" + code +
                         "'; known: " + join(data.codes(), " ") + ", or 'global'");
    }
    out << r->code << " — " << r->name << " (quotes converted from " << r->currency << " to USD; "
        << (r->inherits.empty() ? "inherits the US-basis defaults" : "inherits " + r->inherits)
        << " where not given)\n";
    out << "  parameter                         value [range]           unit     year conf.      "
           "source\n";
    for (int p = 0; p < num_region_params; ++p) {
        print_param(info(static_cast<RegionParam>(p)).key, r->params[p]);
    }
    for (const auto& [n, v] : r->location_scenarios) {
        out << "  capex-location-factor, scenario " << n << ": " << fmt("%.3f", v) << "\n";
    }
    return out.str();
}

}  // namespace reesx::costs
