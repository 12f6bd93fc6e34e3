// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/validation/FitOutput.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "reesx/thermo/Elements.h"
#include "reesx/thermo/Species.h"

namespace reesx::validation {
namespace {

std::string fixed(double v, int digits)
{
    if (!std::isfinite(v)) {
        return "n/a";
    }
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

//! A YAML double-quoted scalar.
std::string quoted(const std::string& s)
{
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::string number(double v)
{
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%.10g", std::isfinite(v) ? v : 0.0);
    return buffer;
}

nlohmann::json finite(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

std::string format_fit(const FitResult& r, const BatchData& data)
{
    std::ostringstream o;
    o << "fit: " << fit_model_name(r.model) << " model, " << data.path << " (" << data.layout
      << " layout, " << data.rows << " rows)\n";
    o << "  " << r.points.size() << " points in " << r.tests_used << " tests";
    if (r.tests_dropped > 0) {
        o << "; " << r.tests_dropped << " single-element tests dropped (no ratio)";
    }
    if (data.skipped_zero_d > 0) {
        o << "; " << data.skipped_zero_d << " entries with D = 0 skipped";
    }
    o << "\n";
    if (!r.reference.empty()) {
        o << "  reference element " << r.reference << " held at the base's log10 K; "
          << r.nuisance_parameters << " per-test offsets fitted with the values\n";
    }
    o << "  residual standard error s = " << fixed(r.sigma_log10_d, 4) << " in log10 D ("
      << r.degrees_of_freedom << " degrees of freedom)"
      << (r.sigma_from_data ? ", standard errors scaled by s" : ", stated sigmas") << "; "
      << r.iterations << " iterations, " << fixed(r.seconds, 3) << " s\n\n";
    o << "  parameter              estimate   std. error\n";
    for (const auto& p : r.parameters) {
        char line[512];
        std::snprintf(line, sizeof line, "  %-20s %10s %12s%s\n", p.name.c_str(),
                      fixed(p.estimate, 4).c_str(), fixed(p.standard_error, 4).c_str(),
                      p.at_bound ? "  (at bound)" : "");
        o << line;
    }
    if (r.parameters.size() > 1) {
        o << "\n  correlation\n  " << std::string(8, ' ');
        for (std::size_t j = 0; j < r.parameters.size(); ++j) {
            char cell[512];
            std::snprintf(cell, sizeof cell, "%7zu", j + 1);
            o << cell;
        }
        o << "\n";
        for (std::size_t i = 0; i < r.parameters.size(); ++i) {
            char head[512];
            std::snprintf(head, sizeof head, "  %3zu %-4s", i + 1,
                          species_symbol(r.parameters[i].element).c_str());
            o << head;
            for (std::size_t j = 0; j < r.parameters.size(); ++j) {
                char cell[512];
                std::snprintf(
                    cell, sizeof cell, "%7.2f",
                    r.correlation(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
                o << cell;
            }
            o << "\n";
        }
    }
    o << "\n  residuals by source (log10 D, observed - fitted)\n";
    o << "  source                 points      mean       rms\n";
    for (const auto& s : r.by_source) {
        char line[512];
        std::snprintf(line, sizeof line, "  %-20s %8d %9s %9s\n", s.source.c_str(), s.points,
                      fixed(s.mean, 3).c_str(), fixed(s.rms, 3).c_str());
        o << line;
    }
    int outliers = 0;
    for (const auto& p : r.points) {
        outliers += p.outlier ? 1 : 0;
    }
    o << "\n  outliers (|studentized residual| > 3): " << outliers << "\n";
    for (const auto& p : r.points) {
        if (p.outlier) {
            o << "    " << data.path << ":" << p.line << ":" << p.column << "  " << p.source << " "
              << species_symbol(p.element) << "  log10 D " << fixed(p.observed_log10_d, 3)
              << ", fitted " << fixed(p.fitted_log10_d, 3) << " (" << fixed(p.studentized, 1)
              << " s)\n";
        }
    }
    for (const auto& w : r.warnings) {
        o << "warning: " << w << "\n";
    }
    return o.str();
}

nlohmann::json fit_summary(const FitResult& r, const BatchData& data)
{
    nlohmann::json params = nlohmann::json::array();
    for (const auto& p : r.parameters) {
        params.push_back({{"name", p.name},
                          {"element", species_symbol(p.element)},
                          {"estimate", finite(p.estimate)},
                          {"standard_error", finite(p.standard_error)},
                          {"at_bound", p.at_bound}});
    }
    nlohmann::json correlation = nlohmann::json::array(), covariance = nlohmann::json::array();
    for (Eigen::Index i = 0; i < r.correlation.rows(); ++i) {
        nlohmann::json crow = nlohmann::json::array(), vrow = nlohmann::json::array();
        for (Eigen::Index j = 0; j < r.correlation.cols(); ++j) {
            crow.push_back(finite(r.correlation(i, j)));
            vrow.push_back(finite(r.covariance(i, j)));
        }
        correlation.push_back(crow);
        covariance.push_back(vrow);
    }
    nlohmann::json points = nlohmann::json::array(), outliers = nlohmann::json::array();
    for (const auto& p : r.points) {
        nlohmann::json j{{"test", p.test},
                         {"source", p.source},
                         {"line", p.line},
                         {"column", p.column},
                         {"element", species_symbol(p.element)},
                         {"observed_log10_d", finite(p.observed_log10_d)},
                         {"fitted_log10_d", finite(p.fitted_log10_d)},
                         {"residual", finite(p.residual)},
                         {"studentized", finite(p.studentized)},
                         {"outlier", p.outlier}};
        if (p.outlier) {
            outliers.push_back(j);
        }
        points.push_back(std::move(j));
    }
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& s : r.by_source) {
        sources.push_back({{"source", s.source},
                           {"points", s.points},
                           {"mean", finite(s.mean)},
                           {"rms", finite(s.rms)}});
    }
    return {{"command", "fit"},
            {"model", fit_model_name(r.model)},
            {"data",
             {{"path", data.path},
              {"layout", data.layout},
              {"checksum", data.checksum},
              {"rows", data.rows},
              {"tests_used", r.tests_used},
              {"tests_dropped", r.tests_dropped},
              {"skipped_zero_d", data.skipped_zero_d},
              {"points", r.points.size()}}},
            {"reference_element", r.reference},
            {"parameters", params},
            {"covariance", covariance},
            {"correlation", correlation},
            {"nuisance_parameters", r.nuisance_parameters},
            {"degrees_of_freedom", r.degrees_of_freedom},
            {"sigma_log10_d", finite(r.sigma_log10_d)},
            {"sigma_from_data", r.sigma_from_data},
            {"rms_log10_d", finite(r.rms_log10_d)},
            {"iterations", r.iterations},
            {"converged", r.converged},
            {"rank_deficiency", r.rank_deficiency},
            {"seconds", r.seconds},
            {"residuals", points},
            {"residuals_by_source", sources},
            {"outliers", outliers},
            {"warnings", r.warnings}};
}

std::string fitted_system_yaml(const FitResult& r, const BatchData& data, const std::string& name)
{
    std::ostringstream y;
    y << "# Written by `reesx fit` (" << fit_model_name(r.model) << " model) from " << data.path
      << " (" << data.checksum << ").\n";
    if (r.model == FitModel::ph_correlation) {
        y << "# log10 D = slope * pH + intercept, pH of the equilibrium aqueous; put this mapping "
             "in a case file\n# (model: ph-correlation). Residual standard error "
          << fixed(r.sigma_log10_d, 4) << " in log10 D.\n# parameter covariance:\n";
        for (Eigen::Index i = 0; i < r.covariance.rows(); ++i) {
            y << "#   " << r.parameters[static_cast<std::size_t>(i)].name << ":";
            for (Eigen::Index j = 0; j < r.covariance.cols(); ++j) {
                y << " " << number(r.covariance(i, j));
            }
            y << "\n";
        }
        y << "ph-correlation:\n";
        for (std::size_t i = 0; i + 1 < r.parameters.size(); i += 2) {
            y << "  " << species_symbol(r.parameters[i].element)
              << ": {slope: " << number(r.parameters[i].estimate)
              << ", intercept: " << number(r.parameters[i + 1].estimate) << "}\n";
        }
        return y.str();
    }
    const ExtractionSystem& s = r.system;
    y << "# Fitted values carry the fit's estimate, a range of +-2 standard errors and the data\n"
         "# they came from; the others are kept from the base system '"
      << s.name << "' with their sources.\n";
    y << "name: " << quoted(name) << "\n";
    y << "description: " << quoted(s.description) << "\n";
    y << "conditions: " << quoted(s.conditions) << "\n";
    y << "loading-per-extractant: " << number(s.loading_per_extractant) << "\n";
    if (!s.loading_source.empty()) {
        y << "loading-source: " << quoted(s.loading_source) << "\n";
    }
    const auto anchor = [&](const char* key, const std::optional<Anchor>& a) {
        if (!a) {
            return;
        }
        y << key << ": {value: " << number(a->value) << ", source: " << quoted(a->source);
        if (a->residual) {
            y << ", residual: " << number(*a->residual);
        }
        if (a->design_estimate) {
            y << ", design-estimate: true";
        }
        y << "}\n";
    };
    anchor("log10-kex-reference", s.log10_kex_reference);
    anchor("log10-k-saponified", s.log10_k_saponified);
    y << "log10-extractability:\n";
    for (int e = 0; e < num_elements; ++e) {
        if (!s.has(e)) {
            continue;
        }
        const Extractability& x = *s.extractability[static_cast<std::size_t>(e)];
        y << "  " << species_symbol(e) << ": {value: " << number(x.log10_k) << ", range: ["
          << number(std::min(x.log10_k_low, x.log10_k)) << ", "
          << number(std::max(x.log10_k_high, x.log10_k)) << "],\n"
          << "       source: " << quoted(x.source);
        if (x.design_estimate) {
            y << ",\n       design-estimate: true";
        }
        y << "}\n";
    }
    y << "sources:\n";
    for (const auto& src : s.sources) {
        y << "  - " << quoted(src) << "\n";
    }
    y << "  - " << quoted("batch data: " + data.path + " (" + data.checksum + ")") << "\n";
    if (s.fit) {
        const SystemFit& f = *s.fit;
        y << "fit:\n  model: " << quoted(f.model) << "\n  data: " << quoted(f.data)
          << "\n  rms-log10-d: " << number(f.rms_log10_d) << "\n  parameters: [";
        for (std::size_t i = 0; i < f.parameters.size(); ++i) {
            y << (i ? ", " : "") << quoted(f.parameters[i]);
        }
        y << "]\n  covariance:\n";
        for (const auto& row : f.covariance) {
            y << "    - [";
            for (std::size_t j = 0; j < row.size(); ++j) {
                y << (j ? ", " : "") << number(row[j]);
            }
            y << "]\n";
        }
    }
    return y.str();
}

}  // namespace reesx::validation
