// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/DesignUncertaintyOutput.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace reesx::io {

std::string uncertainty_row(const std::string& what, const Percentiles& p, double nominal,
                            int digits)
{
    char line[512];
    std::snprintf(line, sizeof line, "  %-26s %10.*f %10.*f %10.*f %10.*f\n", what.c_str(), digits,
                  nominal, digits, p.p10, digits, p.p50, digits, p.p90);
    return line;
}

nlohmann::json percentiles_json(const Percentiles& p)
{
    const auto f = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
    return {{"p10", f(p.p10)}, {"p50", f(p.p50)}, {"p90", f(p.p90)}};
}

std::string uncertainty_header()
{
    return "  quantity                      nominal        P10        P50        P90\n";
}

std::string format_design_uncertainty(const DesignUncertainty& u, const DesignResult& nominal)
{
    std::ostringstream o;
    o << "\nuncertainty: " << u.samples - u.failed << " of " << u.samples
      << " sampled designs (seed " << u.seed << ", " << u.threads << " threads), sampling "
      << u.basis << "; " << std::round(u.seconds * 1000.0) / 1000.0 << " s\n";
    o << uncertainty_header();
    o << uncertainty_row("extraction stages", u.extraction_stages, nominal.n, 1);
    o << uncertainty_row("scrub stages", u.scrub_stages, nominal.m, 1);
    o << uncertainty_row("extraction + scrub stages", u.total_stages, nominal.n + nominal.m, 1);
    o << uncertainty_row("S (mol/mol feed)", u.s, nominal.s, 4);
    o << uncertainty_row("W (mol/mol feed)", u.w, nominal.w, 4);
    if (nominal.key_a >= 0 && nominal.key_b >= 0) {
        o << uncertainty_row("beta of the key pair", u.beta_key, u.beta_key_nominal, 4);
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

std::string format_separate_uncertainty(const SeparateUncertainty& u,
                                        const std::vector<std::string>& cost_codes)
{
    std::ostringstream o;
    o << "\nuncertainty: " << u.samples - u.failed << " of " << u.samples
      << " sampled plants (seed " << u.seed << ", " << u.threads << " threads), sampling "
      << u.basis << "; " << std::round(u.seconds * 1000.0) / 1000.0 << " s\n";
    o << "sequence of cuts chosen by the samples (share of " << u.samples << "):\n";
    for (const SequenceShare& q : u.sequences) {
        o << "  " << std::round(1000.0 * q.samples / std::max(1, u.samples)) / 10.0 << " %  "
          << q.cuts << (q.nominal ? "  (nominal)" : "") << "\n";
    }
    o << "cascades: the nominal plant's (each fed as in it), over the "
      << u.nominal_sequence_samples << " samples sized with its sequence\n";
    o << uncertainty_header();
    for (std::size_t c = 0; c < u.cascades.size(); ++c) {
        const CascadeSpread& s = u.cascades[c];
        const std::string name = std::to_string(c + 1) + " " + s.split;
        o << uncertainty_row(name + " n + m", s.total_stages, s.nominal_n + s.nominal_m, 1);
        o << uncertainty_row(name + " S", s.s, s.nominal_s, 4);
    }
    o << uncertainty_row("plant extraction + scrub", u.total_stages, u.nominal_total_stages, 1);
    for (std::size_t k = 0; k < cost_codes.size() && k < u.nominal_cost.size(); ++k) {
        std::vector<double> v;
        for (const auto& sample : u.cost_samples) {
            v.push_back(sample[k]);
        }
        o << uncertainty_row(cost_codes[k] + " USD/kg REO fed", spread_percentiles(v),
                             u.nominal_cost[k], 3);
    }
    for (const auto& w : u.warnings) {
        o << "warning: " << w << "\n";
    }
    return o.str();
}

nlohmann::json separate_uncertainty_json(const SeparateUncertainty& u,
                                         const std::vector<std::string>& cost_codes)
{
    nlohmann::json cascades = nlohmann::json::array();
    for (const auto& s : u.cascades) {
        cascades.push_back({{"split", s.split},
                            {"nominal",
                             {{"extraction_stages", s.nominal_n},
                              {"scrub_stages", s.nominal_m},
                              {"s", s.nominal_s}}},
                            {"extraction_stages", percentiles_json(s.extraction_stages)},
                            {"scrub_stages", percentiles_json(s.scrub_stages)},
                            {"total_stages", percentiles_json(s.total_stages)},
                            {"s", percentiles_json(s.s)}});
    }
    nlohmann::json sequences = nlohmann::json::array();
    for (const SequenceShare& q : u.sequences) {
        sequences.push_back({{"cuts", q.cuts},
                             {"samples", q.samples},
                             {"share", static_cast<double>(q.samples) / std::max(1, u.samples)},
                             {"nominal", q.nominal}});
    }
    nlohmann::json j = {{"samples", u.samples},
                        {"failed", u.failed},
                        {"seed", u.seed},
                        {"threads", u.threads},
                        {"basis", u.basis},
                        {"sequences", sequences},
                        {"sequence_changed", u.sequence_changed},
                        {"nominal_sequence_samples", u.nominal_sequence_samples},
                        {"cascades", cascades},
                        {"total_stages_nominal", u.nominal_total_stages},
                        {"total_stages", percentiles_json(u.total_stages)},
                        {"seconds", u.seconds},
                        {"warnings", u.warnings}};
    if (!cost_codes.empty()) {
        nlohmann::json cost = nlohmann::json::object();
        for (std::size_t k = 0; k < cost_codes.size() && k < u.nominal_cost.size(); ++k) {
            std::vector<double> v;
            for (const auto& sample : u.cost_samples) {
                v.push_back(sample[k]);
            }
            nlohmann::json one = percentiles_json(spread_percentiles(v));
            one["nominal"] = u.nominal_cost[k];
            cost[cost_codes[k]] = one;
        }
        j["cost_usd_per_kg_reo_fed"] = cost;
    }
    return j;
}

}  // namespace reesx::io
