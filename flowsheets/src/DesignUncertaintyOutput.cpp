// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/DesignUncertaintyOutput.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace reesx::io {
namespace {

std::string row(const char* what, const Percentiles& p, double nominal, int digits)
{
    char line[512];
    std::snprintf(line, sizeof line, "  %-26s %10.*f %10.*f %10.*f %10.*f\n", what, digits, nominal,
                  digits, p.p10, digits, p.p50, digits, p.p90);
    return line;
}

nlohmann::json percentiles_json(const Percentiles& p)
{
    const auto f = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
    return {{"p10", f(p.p10)}, {"p50", f(p.p50)}, {"p90", f(p.p90)}};
}

}  // namespace

std::string format_design_uncertainty(const DesignUncertainty& u, const DesignResult& nominal)
{
    std::ostringstream o;
    o << "\nuncertainty: " << u.samples - u.failed << " of " << u.samples
      << " sampled designs (seed " << u.seed << ", " << u.threads << " threads), sampling "
      << u.basis << "; " << std::round(u.seconds * 1000.0) / 1000.0 << " s\n";
    o << "  quantity                      nominal        P10        P50        P90\n";
    o << row("extraction stages", u.extraction_stages, nominal.n, 1);
    o << row("scrub stages", u.scrub_stages, nominal.m, 1);
    o << row("extraction + scrub stages", u.total_stages, nominal.n + nominal.m, 1);
    o << row("S (mol/mol feed)", u.s, nominal.s, 4);
    o << row("W (mol/mol feed)", u.w, nominal.w, 4);
    if (nominal.key_a >= 0 && nominal.key_b >= 0) {
        o << row("beta of the key pair", u.beta_key, u.beta_key_nominal, 4);
    }
    for (const auto& w : u.warnings) {
        o << "warning: " << w << "\n";
    }
    return o.str();
}

nlohmann::json design_uncertainty_json(const DesignUncertainty& u)
{
    return {{"samples", u.samples},
            {"failed", u.failed},
            {"seed", u.seed},
            {"threads", u.threads},
            {"basis", u.basis},
            {"extraction_stages", percentiles_json(u.extraction_stages)},
            {"scrub_stages", percentiles_json(u.scrub_stages)},
            {"total_stages", percentiles_json(u.total_stages)},
            {"s", percentiles_json(u.s)},
            {"w", percentiles_json(u.w)},
            {"beta_key", percentiles_json(u.beta_key)},
            {"beta_key_nominal", u.beta_key_nominal},
            {"seconds", u.seconds},
            {"warnings", u.warnings}};
}

}  // namespace reesx::io
