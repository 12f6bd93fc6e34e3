// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/FrontsReport.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "ReportFormat.h"

namespace reesx::costs {
namespace {

using report_format::fmt;
using report_format::number_or_null;

struct NamedFront {
    std::string name;
    const std::vector<FrontPoint>* points;
};

std::vector<NamedFront> fronts_asked(const ParetoFronts& f)
{
    std::vector<NamedFront> out;
    if (!f.purity.empty()) {
        out.push_back({"purity", &f.purity});
    }
    if (!f.recovery.empty()) {
        out.push_back({"recovery", &f.recovery});
    }
    if (!f.capital_operating.empty()) {
        out.push_back({"capital_operating", &f.capital_operating});
    }
    return out;
}

nlohmann::json candidate_json(const RobustCandidate& c)
{
    return {{"stages", {{"extraction", c.n}, {"scrub", c.m}, {"total", c.n + c.m}}},
            {"objective_usd_per_kg", number_or_null(c.objective)},
            {"mean_usd_per_kg", number_or_null(c.mean_usd_per_kg)},
            {"mean_S_over_S_min", number_or_null(c.mean_s_over_s_min)},
            {"fixed_S_over_S_min", number_or_null(c.fixed_s_over_s_min)},
            {"infeasible_samples", c.infeasible}};
}

}  // namespace

nlohmann::json front_json(const FrontPoint& p)
{
    nlohmann::json j = {
        {"target", p.target > 0.0 ? nlohmann::json(p.target) : nlohmann::json(nullptr)},
        {"S_over_S_min", number_or_null(p.s_over_s_min)},
        {"stages", {{"extraction", p.n}, {"scrub", p.m}, {"total", p.n + p.m}}},
        {"capex_usd", number_or_null(p.capex_usd)},
        {"opex_usd_per_year", number_or_null(p.opex_usd_per_year)},
        {"cost_usd_per_kg", number_or_null(p.cost_usd_per_kg)},
        {"baseline_cost_usd_per_kg", number_or_null(p.baseline_cost_usd_per_kg)},
        {"purity", {{"A", number_or_null(p.purity_a)}, {"B", number_or_null(p.purity_b)}}},
        {"recovery", {{"A", number_or_null(p.recovery_a)}, {"B", number_or_null(p.recovery_b)}}},
        {"meets_targets", p.meets_targets},
        {"warnings", p.warnings}};
    if (std::isfinite(p.capital_weight)) {
        j["capital_weight"] = p.capital_weight;
    }
    return j;
}

nlohmann::json fronts_json(const ParetoFronts& f)
{
    nlohmann::json j = {{"country", f.country}};
    for (const auto& [name, points] : fronts_asked(f)) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& p : *points) {
            list.push_back(front_json(p));
        }
        if (name == "recovery") {
            j[name] = {{"product", f.recovery_product}, {"points", list}};
        } else {
            j[name] = list;
        }
    }
    return j;
}

std::string format_fronts(const ParetoFronts& f)
{
    std::ostringstream o;
    char buf[220];
    const auto header = [&](const char* first) {
        std::snprintf(buf, sizeof buf, "  %12s %9s %8s %13s %17s %16s\n", first, "S/S_min",
                      "stages", "capital, MUSD", "operating, MUSD/y", "optimum, USD/kg");
        o << buf;
    };
    const auto line = [&](const std::string& first, const FrontPoint& p) {
        std::snprintf(buf, sizeof buf, "  %12s %9.4f %8d %13.3f %17.3f %16.4f\n", first.c_str(),
                      p.s_over_s_min, p.n + p.m, p.capex_usd / 1e6, p.opex_usd_per_year / 1e6,
                      p.cost_usd_per_kg);
        o << buf;
    };
    if (!f.recovery.empty()) {
        o << "\ncost against recovery of "
          << (f.recovery_product == "every" ? "every product" : "product " + f.recovery_product)
          << ", " << f.country << ":\n";
        header("recovery, %");
        for (const auto& p : f.recovery) {
            line(fmt("%.6g", 100.0 * p.target), p);
        }
    }
    if (!f.capital_operating.empty()) {
        o << "\ncapital against operating cost (designs no other beats in both), " << f.country
          << ":\n";
        header("point");
        int k = 0;
        for (const auto& p : f.capital_operating) {
            line(std::to_string(++k), p);
        }
    }
    return o.str();
}

io::CsvTable fronts_csv(const ParetoFronts& f)
{
    io::CsvTable t;
    t.file_name = "pareto.csv";
    t.header = {"front",
                "target_fraction",
                "S_over_S_min",
                "extraction_stages",
                "scrub_stages",
                "capex_usd",
                "opex_usd_per_year",
                "cost_usd_per_kg",
                "baseline_cost_usd_per_kg",
                "meets_targets"};
    for (const auto& [name, points] : fronts_asked(f)) {
        for (const auto& p : *points) {
            const nlohmann::json j = front_json(p);
            t.rows.push_back(
                {name, io::csv_cell(j.at("target")), io::csv_cell(j.at("S_over_S_min")),
                 io::csv_cell(p.n), io::csv_cell(p.m), io::csv_cell(j.at("capex_usd")),
                 io::csv_cell(j.at("opex_usd_per_year")), io::csv_cell(j.at("cost_usd_per_kg")),
                 io::csv_cell(j.at("baseline_cost_usd_per_kg")), io::csv_cell(p.meets_targets)});
        }
    }
    return t;
}

void write_fronts_hdf5(io::Hdf5Writer& h5, const ParetoFronts& f)
{
    h5.create_group("/pareto");
    h5.write_attribute("/pareto", "country", f.country);
    for (const auto& [name, points] : fronts_asked(f)) {
        const std::string g = "/pareto/" + name;
        std::vector<double> target, s, capex, opex, cost, baseline;
        std::vector<int> n, m, meets;
        for (const auto& p : *points) {
            target.push_back(p.target > 0.0 ? p.target : std::nan(""));
            s.push_back(p.s_over_s_min);
            n.push_back(p.n);
            m.push_back(p.m);
            capex.push_back(p.capex_usd);
            opex.push_back(p.opex_usd_per_year);
            cost.push_back(p.cost_usd_per_kg);
            baseline.push_back(p.baseline_cost_usd_per_kg);
            meets.push_back(p.meets_targets ? 1 : 0);
        }
        h5.write_dataset(g + "/target", target, "1");
        h5.write_dataset(g + "/S_over_S_min", s, "1");
        h5.write_dataset(g + "/extraction_stages", n, "1");
        h5.write_dataset(g + "/scrub_stages", m, "1");
        h5.write_dataset(g + "/capex_usd", capex, "USD");
        h5.write_dataset(g + "/opex_usd_per_year", opex, "USD/y");
        h5.write_dataset(g + "/cost_usd_per_kg", cost, "USD/kg");
        h5.write_dataset(g + "/baseline_cost_usd_per_kg", baseline, "USD/kg");
        h5.write_dataset(g + "/meets_targets", meets, "1");
    }
}

nlohmann::json robust_json(const RobustResult& r)
{
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : r.candidates) {
        candidates.push_back(candidate_json(c));
    }
    return {{"country", r.code},
            {"samples", r.samples},
            {"seed", r.seed},
            {"objective", r.percentile ? "percentile" : "mean"},
            {"percentile", r.percentile ? nlohmann::json(*r.percentile) : nlohmann::json(nullptr)},
            {"nominal", candidate_json(r.nominal)},
            {"robust", candidate_json(r.robust)},
            {"premium",
             {{"nominal_world_usd_per_kg", number_or_null(r.nominal_world_robust_usd_per_kg -
                                                          r.nominal_world_nominal_usd_per_kg)},
              {"expected_usd_per_kg", number_or_null(r.robust.objective - r.nominal.objective)}}},
            {"nominal_world",
             {{"nominal_usd_per_kg", number_or_null(r.nominal_world_nominal_usd_per_kg)},
              {"robust_usd_per_kg", number_or_null(r.nominal_world_robust_usd_per_kg)},
              {"robust_S_over_S_min", number_or_null(r.robust_s_over_s_min)}}},
            {"candidates", candidates},
            {"simulations", r.simulations},
            {"seconds", r.seconds},
            {"warnings", r.warnings},
            {"reflux", r.fixed_reflux ? "fixed" : "retuned"},
            {"nominal_off_spec_samples", r.nominal_off_spec_samples >= 0
                                             ? nlohmann::json(r.nominal_off_spec_samples)
                                             : nlohmann::json(nullptr)}};
}

nlohmann::json robust_countries_json(const std::vector<RobustResult>& results)
{
    nlohmann::json j = robust_json(results.front());
    if (results.size() > 1) {
        j["country_order"] = nlohmann::json::array();
        j["countries"] = nlohmann::json::object();
        for (const auto& r : results) {
            j["country_order"].push_back(r.code);
            j["countries"][r.code] = robust_json(r);
        }
    }
    return j;
}

std::string format_robust(const RobustResult& r)
{
    std::ostringstream o;
    const std::string what =
        r.percentile ? "P" + fmt("%.4g", *r.percentile) + " of the cost" : "expected cost";
    o << "\nrobust optimum, " << r.code << ": " << what << " over " << r.samples
      << " samples of the separation factors and cost parameters (seed " << r.seed << ")"
      << (r.fixed_reflux ? ", the reflux held at one value in every sample" : "") << "\n";
    char buf[220];
    std::snprintf(buf, sizeof buf, "  %-10s %8s %16s %14s %13s %18s %11s\n", "design", "stages",
                  r.percentile ? "percentile, USD/kg" : "expected, USD/kg", "mean, USD/kg",
                  "mean S/S_min", "nominal world, USD/kg", "infeasible");
    o << buf;
    const auto row = [&](const char* name, const RobustCandidate& c, double nominal_world) {
        std::snprintf(buf, sizeof buf, "  %-10s %5d+%-2d %16s %14s %13s %18s %11d\n", name, c.n,
                      c.m, fmt("%.4f", c.objective).c_str(), fmt("%.4f", c.mean_usd_per_kg).c_str(),
                      fmt("%.4f", c.mean_s_over_s_min).c_str(), fmt("%.4f", nominal_world).c_str(),
                      c.infeasible);
        o << buf;
    };
    row("nominal", r.nominal, r.nominal_world_nominal_usd_per_kg);
    row("robust", r.robust, r.nominal_world_robust_usd_per_kg);
    if (r.fixed_reflux) {
        o << "  reflux held: nominal " << fmt("%.4f", r.nominal.fixed_s_over_s_min)
          << " S_min, robust " << fmt("%.4f", r.robust.fixed_s_over_s_min)
          << " S_min; the nominal optimum held at its own reflux misses the targets in "
          << r.nominal_off_spec_samples << " of " << r.samples << " samples\n";
    }
    o << "  the robust design costs "
      << fmt("%+.4f", r.nominal_world_robust_usd_per_kg - r.nominal_world_nominal_usd_per_kg)
      << " USD/kg over the nominal one in the nominal world and "
      << fmt("%+.4f", r.robust.objective - r.nominal.objective) << " USD/kg in "
      << (r.percentile ? "that percentile" : "expectation") << " (" << r.simulations
      << " simulations, " << fmt("%.1f", r.seconds) << " s)\n";
    for (const auto& w : r.warnings) {
        o << "warning: robust: " << w << "\n";
    }
    return o.str();
}

}  // namespace reesx::costs
