// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/SampledCostsReport.h"

#include <cmath>
#include <sstream>

#include "reesx/io/DesignUncertaintyOutput.h"

namespace reesx::costs {

std::string format_optimize_uncertainty(const OptimizeUncertainty& u)
{
    std::ostringstream o;
    o << "\nuncertainty: " << u.samples << " samples (seed " << u.seed << ", " << u.threads
      << " threads), sampling " << u.basis
      << "; each country's optimum S/S_min, the fewest stages there, nominal prices; "
      << std::round(u.seconds * 1000.0) / 1000.0 << " s\n";
    for (const auto& c : u.countries) {
        o << c.code << " (S/S_min " << std::round(c.s_over_s_min * 1000.0) / 1000.0 << ", "
          << u.samples - c.failed << " of " << u.samples << " sized)\n";
        o << io::uncertainty_header();
        o << io::uncertainty_row("extraction stages", c.extraction_stages, c.nominal.n, 1);
        o << io::uncertainty_row("scrub stages", c.scrub_stages, c.nominal.m, 1);
        o << io::uncertainty_row("extraction + scrub stages", c.total_stages,
                                 c.nominal.n + c.nominal.m, 1);
        o << io::uncertainty_row("S (mol/mol feed)", c.s, c.nominal.s, 4);
        o << io::uncertainty_row("USD/kg REO product", c.cost_usd_per_kg, c.nominal.cost_usd_per_kg,
                                 3);
    }
    for (const auto& w : u.warnings) {
        o << "warning: " << w << "\n";
    }
    return o.str();
}

nlohmann::json optimize_uncertainty_json(const OptimizeUncertainty& u)
{
    nlohmann::json countries = nlohmann::json::object();
    for (const auto& c : u.countries) {
        countries[c.code] = {{"s_over_s_min", c.s_over_s_min},
                             {"failed", c.failed},
                             {"nominal",
                              {{"extraction_stages", c.nominal.n},
                               {"scrub_stages", c.nominal.m},
                               {"s", c.nominal.s},
                               {"cost_usd_per_kg", c.nominal.cost_usd_per_kg}}},
                             {"extraction_stages", io::percentiles_json(c.extraction_stages)},
                             {"scrub_stages", io::percentiles_json(c.scrub_stages)},
                             {"total_stages", io::percentiles_json(c.total_stages)},
                             {"s", io::percentiles_json(c.s)},
                             {"cost_usd_per_kg", io::percentiles_json(c.cost_usd_per_kg)}};
    }
    return {{"samples", u.samples},  {"seed", u.seed},         {"threads", u.threads},
            {"basis", u.basis},      {"countries", countries}, {"seconds", u.seconds},
            {"warnings", u.warnings}};
}

}  // namespace reesx::costs
