// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/SeparateImpurityOutput.h"

#include <cstdio>

namespace reesx::io {
namespace {

std::string oxide(int species)
{
    return std::string(impurities()[static_cast<std::size_t>(species - num_elements)].oxide);
}

//! The ion's content (ppm of REO) in each plant product: all of what the removal step leaves
//! in the rare-earth stream in its destination product, none in the others.
double product_ppm(const ImpurityFate& f, int product)
{
    return f.product == product ? f.ppm_reo : 0.0;
}

std::string fixed(const char* format, double x)
{
    char text[64];
    std::snprintf(text, sizeof text, format, x);
    return text;
}

}  // namespace

std::string format_impurity_removal(const SeparateResult& result)
{
    if (!result.impurity_removal) {
        return {};
    }
    const ImpurityRemoval& r = *result.impurity_removal;
    std::string out = "\nImpurity ions (limit " + fixed("%g", r.limit_ppm_reo) +
                      " ppm of each product's REO, as the ion's oxide)\n";
    if (r.built) {
        out += "  removal step ahead of the cuts: " + r.system + " pre-extraction, " +
               std::to_string(r.extraction_stages) + " extraction + " +
               std::to_string(r.scrub_stages) + " scrub + " + std::to_string(r.strip_stages) +
               " strip stages; rare earths lost to the impurity liquor " +
               fixed("%.3g %%", r.re_loss_fraction * 100.0) + "\n";
    } else {
        out += "  no removal step\n";
    }
    out +=
        "  ion      feed mol/h  to impurity liquor  rest leaves with        content in it       "
        "limit\n";
    for (const auto& f : r.fates) {
        const std::string where = f.product >= 0
                                      ? result.products[static_cast<std::size_t>(f.product)].name
                                      : std::string("RE stream (unknown)");
        char line[256];
        std::snprintf(line, sizeof line, "  %-7s  %10.4g  %17.4g %%  %-22s  %10.3g ppm %-6s  %s\n",
                      species_symbol(f.species).c_str(), f.feed_mol_per_h,
                      100.0 * f.removed_mol_per_h / f.feed_mol_per_h, where.c_str(), f.ppm_reo,
                      oxide(f.species).c_str(), f.meets_limit ? "met" : "MISSED");
        out += line;
    }
    for (const auto& n : r.notes) {
        out += "  note: " + n + "\n";
    }
    for (const auto& w : r.warnings) {
        out += "warning: " + w + "\n";
    }
    return out;
}

nlohmann::json impurity_removal_json(const SeparateResult& result)
{
    if (!result.impurity_removal) {
        return nullptr;
    }
    const ImpurityRemoval& r = *result.impurity_removal;
    nlohmann::json j;
    j["built"] = r.built;
    j["system"] = r.system;
    j["stages"] = {
        {"extraction", r.extraction_stages}, {"scrub", r.scrub_stages}, {"strip", r.strip_stages}};
    j["limit_ppm_reo"] = r.limit_ppm_reo;
    j["re_loss_fraction"] = r.re_loss_fraction;
    j["simulations"] = r.simulations;
    j["ions"] = nlohmann::json::object();
    for (const auto& f : r.fates) {
        nlohmann::json ion;
        ion["feed_mol_per_h"] = f.feed_mol_per_h;
        ion["removed_mol_per_h"] = f.removed_mol_per_h;
        ion["removed_fraction"] = f.removed_mol_per_h / f.feed_mol_per_h;
        ion["re_stream_mol_per_h"] = f.re_stream_mol_per_h;
        ion["product"] =
            f.product >= 0
                ? nlohmann::json(result.products[static_cast<std::size_t>(f.product)].name)
                : nlohmann::json(nullptr);
        ion["ppm_reo"] = f.ppm_reo;
        ion["oxide"] = oxide(f.species);
        ion["removable"] = f.removable;
        ion["within_limit"] = f.meets_limit;
        ion["advice"] = f.advice.empty() ? nlohmann::json() : nlohmann::json(f.advice);
        j["ions"][species_symbol(f.species)] = ion;
    }
    j["products"] = nlohmann::json::object();
    for (std::size_t p = 0; p < result.products.size(); ++p) {
        nlohmann::json content = nlohmann::json::object();
        for (const auto& f : r.fates) {
            content[species_symbol(f.species)] = product_ppm(f, static_cast<int>(p));
        }
        j["products"][result.products[p].name] = content;
    }
    j["plant_purity"] = nlohmann::json::object();
    for (std::size_t p = 0; p < r.plant_product_purity.size() && p < result.products.size(); ++p) {
        j["plant_purity"][result.products[p].name] = r.plant_product_purity[p];
    }
    j["case"] = r.built ? nlohmann::json(r.case_yaml) : nlohmann::json(nullptr);
    j["notes"] = r.notes;
    j["warnings"] = r.warnings;
    return j;
}

}  // namespace reesx::io
