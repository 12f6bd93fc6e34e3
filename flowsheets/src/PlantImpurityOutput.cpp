// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The impurity part of a plant's outputs: the products' purity over all metal ions and each
// impurity ion as its specification oxide in ppm of the product's rare-earth oxides (as a
// single cascade reports them, ImpurityOutput.cpp), and the plant's impurity balance.
#include "PlantImpurityOutput.h"

#include <cstdio>
#include <vector>

namespace reesx::io {
namespace {

//! The impurity indices some cascade's own feed brings (the plant's ions).
std::vector<int> present(const PlantResult& r)
{
    std::vector<int> out;
    for (int k = 0; k < num_impurities; ++k) {
        if (r.impurity_feed_mol_per_h[static_cast<std::size_t>(k)] > 0.0) {
            out.push_back(k);
        }
    }
    return out;
}

std::string ion(int k)
{
    return species_symbol(num_elements + k);
}

template <class Array>
nlohmann::json by_ion(const PlantResult& r, const Array& values)
{
    nlohmann::json out = nlohmann::json::object();
    for (const int k : present(r)) {
        out[ion(k)] = values[static_cast<std::size_t>(k)];
    }
    return out;
}

}  // namespace

std::string plant_impurity_table(const PlantResult& r)
{
    const auto ions = present(r);
    if (ions.empty()) {
        return "";
    }
    std::string out;
    char line[256];
    out +=
        "\nImpurities in the plant products (ppm: spec oxide per mass of rare-earth oxides; "
        "an impurity stream: % of the plant's feed of the ion)\n";
    std::snprintf(line, sizeof line, "  %-22s %12s %14s %14s", "product", "metal mol/h",
                  "purity RE %", "purity metal %");
    out += line;
    for (const int k : ions) {
        const std::string head =
            ion(k) + " as " + std::string(impurities()[static_cast<std::size_t>(k)].oxide);
        std::snprintf(line, sizeof line, " %16s", head.c_str());
        out += line;
    }
    out += "\n";
    for (const auto& p : r.products) {
        const double re = p.value.re_mol_per_h();
        const double metal = re + p.value.impurities_mol_per_h();
        if (re > 0.0) {
            std::snprintf(line, sizeof line, "  %-22s %12.6g %14.6f %14.6f", p.name.c_str(), metal,
                          100.0 * p.purity, 100.0 * p.metal_purity);
        } else {
            std::snprintf(line, sizeof line, "  %-22s %12.6g %14s %14s", p.name.c_str(), metal, "-",
                          "-");
        }
        out += line;
        // An impurity stream (more impurity ions than rare earths): ppm of its REO would say
        // little; the ion's share of the plant feed instead.
        const bool impurity_stream = re < p.value.impurities_mol_per_h();
        for (const int k : ions) {
            const double ppm = p.impurity_ppm_reo[static_cast<std::size_t>(k)];
            if (impurity_stream) {
                char share[40];
                std::snprintf(share, sizeof share, "%.4g %% of feed",
                              100.0 * p.impurity_recovery[static_cast<std::size_t>(k)]);
                std::snprintf(line, sizeof line, " %16s", share);
            } else {
                std::snprintf(line, sizeof line, ppm >= 0.01 || ppm == 0.0 ? " %16.4g" : " %16.3e",
                              ppm);
            }
            out += line;
        }
        out += "\n";
    }
    out += "  Impurity balance (the cascades' own feeds against the products)\n";
    for (const int k : ions) {
        const auto i = static_cast<std::size_t>(k);
        std::snprintf(line, sizeof line, "  %-7s %16.8g %16.8g %12.2e\n", ion(k).c_str(),
                      r.impurity_feed_mol_per_h[i], r.impurity_product_mol_per_h[i],
                      r.impurity_balance_relative_error[i]);
        out += line;
    }
    return out;
}

void add_plant_impurities(const PlantResult& r, nlohmann::json& summary)
{
    if (!r.has_impurities()) {
        return;
    }
    for (const auto& p : r.products) {
        auto& j = summary["products"][p.name];
        j["purity_total_metal"] = p.metal_purity;
        j["impurity_mol_per_h"] = p.value.impurities_mol_per_h();
        nlohmann::json content = nlohmann::json::object();
        for (const int k : present(r)) {
            const auto i = static_cast<std::size_t>(k);
            content[ion(k)] = {{"mol_per_h", p.value.impurity_mol_per_h[i]},
                               {"oxide", std::string(impurities()[i].oxide)},
                               {"ppm_of_reo", p.impurity_ppm_reo[i]},
                               {"recovery", p.impurity_recovery[i]}};
        }
        j["impurities"] = content;
    }
    if (summary.contains("streams") && summary["streams"].size() == r.streams.size()) {
        for (std::size_t k = 0; k < r.streams.size(); ++k) {
            summary["streams"][k]["impurity_mol_per_h"] =
                by_ion(r, r.streams[k].impurity_mol_per_h);
        }
    }
    summary["balance"]["impurities"] = {
        {"feed_mol_per_h", by_ion(r, r.impurity_feed_mol_per_h)},
        {"product_mol_per_h", by_ion(r, r.impurity_product_mol_per_h)},
        {"relative_error", by_ion(r, r.impurity_balance_relative_error)}};
}

void write_plant_impurities_hdf5(Hdf5Writer& h5, const PlantResult& r)
{
    if (!r.has_impurities()) {
        return;
    }
    const auto vec = [](const auto& a) { return std::vector<double>(a.begin(), a.end()); };
    for (const auto& p : r.products) {
        const std::string g = "/products/" + p.name;
        h5.write_dataset(g + "/impurity_mol_per_h", vec(p.value.impurity_mol_per_h), "mol/h");
        h5.write_dataset(g + "/impurity_ppm_reo", vec(p.impurity_ppm_reo), "mg/kg");
        h5.write_scalar(g + "/purity_total_metal", p.metal_purity, "mol/mol metal");
    }
    h5.write_dataset("/impurity_feed_mol_per_h", vec(r.impurity_feed_mol_per_h), "mol/h");
    h5.write_dataset("/impurity_balance_relative_error", vec(r.impurity_balance_relative_error),
                     "1");
}

}  // namespace reesx::io
