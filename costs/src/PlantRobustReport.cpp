// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx optimize --plant --robust N` writes (PlantRobust.h): the JSON `robust` and the
// table on stdout.
#include <cstdio>
#include <sstream>

#include "ReportFormat.h"
#include "reesx/costs/PlantRobust.h"

namespace reesx::costs {
namespace {

using report_format::fmt;
using report_format::number_or_null;

nlohmann::json design_json(const PlantRobustDesign& d, const PlantRobustCountry& c)
{
    nlohmann::json per_cascade = nlohmann::json::array();
    int total = 0;
    for (std::size_t k = 0; k < d.stages.size(); ++k) {
        const auto [n, m] = d.stages[k];
        total += n + m;
        per_cascade.push_back({{"split", c.cascades.at(k).split}, {"extraction", n}, {"scrub", m}});
    }
    return {{"stages", {{"total", total}, {"cascades", per_cascade}}},
            {"objective_usd_per_kg", number_or_null(d.objective)},
            {"mean_usd_per_kg", number_or_null(d.mean_usd_per_kg)},
            {"mean_S_over_S_min", nullptr},
            {"infeasible_samples", d.infeasible}};
}

nlohmann::json country_json(const PlantRobustResult& r, const PlantRobustCountry& c)
{
    nlohmann::json cascades = nlohmann::json::array();
    for (const auto& k : c.cascades) {
        const RobustCandidate* robust = nullptr;
        const RobustCandidate* nominal = nullptr;
        for (const auto& cand : k.result.candidates) {
            robust = cand.n == k.robust_n && cand.m == k.robust_m ? &cand : robust;
            nominal = cand.n == k.nominal_n && cand.m == k.nominal_m ? &cand : nominal;
        }
        cascades.push_back(
            {{"split", k.split},
             {"reo_kg_per_year", k.reo_kg_per_year},
             {"nominal",
              {{"extraction", k.nominal_n},
               {"scrub", k.nominal_m},
               {"mean_S_over_S_min", number_or_null(nominal ? nominal->mean_s_over_s_min : NAN)},
               {"mean_usd_per_kg", number_or_null(nominal ? nominal->mean_usd_per_kg : NAN)}}},
             {"robust",
              {{"extraction", k.robust_n},
               {"scrub", k.robust_m},
               {"mean_S_over_S_min", number_or_null(robust ? robust->mean_s_over_s_min : NAN)},
               {"mean_usd_per_kg", number_or_null(robust ? robust->mean_usd_per_kg : NAN)}}},
             {"candidates", static_cast<int>(k.result.candidates.size())}});
    }
    return {{"country", c.code},
            {"samples", r.samples},
            {"seed", r.seed},
            {"objective", r.percentile ? "percentile" : "mean"},
            {"percentile", r.percentile ? nlohmann::json(*r.percentile) : nlohmann::json(nullptr)},
            {"reflux", "retuned"},
            {"basis", "sum of the cascades' annual costs, each priced as its cut"},
            {"nominal", design_json(c.nominal, c)},
            {"robust", design_json(c.robust, c)},
            {"premium",
             {{"expected_usd_per_kg", number_or_null(c.robust.objective - c.nominal.objective)},
              {"nominal_world_usd_per_kg", number_or_null(c.robust.nominal_world_usd_per_kg -
                                                          c.nominal.nominal_world_usd_per_kg)}}},
            {"nominal_world",
             {{"nominal_usd_per_kg", number_or_null(c.nominal.nominal_world_usd_per_kg)},
              {"robust_usd_per_kg", number_or_null(c.robust.nominal_world_usd_per_kg)}}},
            {"nominal_plant_file_usd_per_kg", number_or_null(c.nominal_plant_file_usd_per_kg)},
            {"cascades", cascades},
            {"simulations", c.simulations},
            {"seconds", c.seconds},
            {"warnings", c.warnings}};
}

}  // namespace

nlohmann::json plant_robust_json(const PlantRobustResult& r)
{
    nlohmann::json j = country_json(r, r.countries.front());
    j["country_order"] = nlohmann::json::array();
    j["countries"] = nlohmann::json::object();
    for (const auto& c : r.countries) {
        j["country_order"].push_back(c.code);
        j["countries"][c.code] = country_json(r, c);
    }
    return j;
}

std::string format_plant_robust(const PlantRobustResult& r)
{
    std::ostringstream o;
    char buf[240];
    std::string what = "expected cost";
    if (r.percentile) {
        what = "P";
        what.append(fmt("%.4g", *r.percentile)).append(" of the cost");
    }
    for (const auto& c : r.countries) {
        o << "\nrobust plant, " << c.code << ": " << what << " over " << r.samples
          << " samples of the separation factors and cost parameters (seed " << r.seed
          << "), every cascade's reflux retuned per sample; USD/kg as the sum of the cascades' "
             "cut costs (the nominal plant's file prices it "
          << fmt("%.4f", c.nominal_plant_file_usd_per_kg) << ")\n";
        std::snprintf(buf, sizeof buf, "  %-8s %8s %18s %13s %22s %11s\n", "plant", "stages",
                      r.percentile ? "percentile, USD/kg" : "expected, USD/kg", "mean, USD/kg",
                      "nominal world, USD/kg", "infeasible");
        o << buf;
        const auto line = [&](const char* name, const PlantRobustDesign& d) {
            int total = 0;
            for (const auto& [n, m] : d.stages) {
                total += n + m;
            }
            std::snprintf(buf, sizeof buf, "  %-8s %8d %18s %13s %22s %11d\n", name, total,
                          fmt("%.4f", d.objective).c_str(), fmt("%.4f", d.mean_usd_per_kg).c_str(),
                          fmt("%.4f", d.nominal_world_usd_per_kg).c_str(), d.infeasible);
            o << buf;
        };
        line("nominal", c.nominal);
        line("robust", c.robust);
        o << "  cascades (nominal -> robust stages, extraction + scrub):";
        for (const auto& k : c.cascades) {
            o << "\n    " << k.split << ": " << k.nominal_n << "+" << k.nominal_m << " -> "
              << k.robust_n << "+" << k.robust_m;
        }
        o << "\n  " << c.simulations << " simulations, " << fmt("%.1f", c.seconds) << " s\n";
        for (const auto& w : c.warnings) {
            o << "  warning: " << w << "\n";
        }
    }
    return o.str();
}

}  // namespace reesx::costs
