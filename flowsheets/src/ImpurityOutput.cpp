// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The impurity part of `reesx run`'s table: per product, purity on both bases and each
// impurity ion as its specification oxide in ppm of the rare-earth oxides (how sold oxides
// are specified, e.g. "Fe2O3 <= 50 ppm").
#include "ImpurityOutput.h"

#include <cstdio>

namespace reesx::io {

std::string impurity_table(const CaseSpec& spec, const CascadeResult& r)
{
    std::string out;
    char line[256];
    out += "\nImpurities (ppm: spec oxide per mass of rare-earth oxides, mg/kg REO)\n";
    std::snprintf(line, sizeof line, "  %-18s %12s %14s %14s", "product", "metal mol/h",
                  "purity RE %", "purity metal %");
    out += line;
    for (int e : spec.components) {
        if (!is_rare_earth(e)) {
            const auto& d = impurities()[static_cast<std::size_t>(e - num_elements)];
            const std::string head = species_symbol(e) + " as " + std::string(d.oxide);
            std::snprintf(line, sizeof line, " %16s", head.c_str());
            out += line;
        }
    }
    out += "\n";
    for (const auto& p : r.products) {
        const bool empty = p.re_mol_per_h <= 0.0;
        std::snprintf(line, sizeof line, "  %-18s %12.6g %14s %14s", p.name.c_str(),
                      p.re_mol_per_h + p.impurity_mol_per_h, empty ? "-" : "", empty ? "-" : "");
        if (!empty) {
            std::snprintf(line, sizeof line, "  %-18s %12.6g %14.6f %14.6f", p.name.c_str(),
                          p.re_mol_per_h + p.impurity_mol_per_h, 100.0 * p.purity,
                          100.0 * p.metal_purity);
        }
        out += line;
        for (int e : spec.components) {
            if (is_rare_earth(e)) {
                continue;
            }
            const double ppm = p.impurity_ppm_reo[static_cast<std::size_t>(e - num_elements)];
            if (empty) {
                std::snprintf(line, sizeof line, " %16s", "no REO");
            } else {
                std::snprintf(line, sizeof line, ppm >= 0.01 || ppm == 0.0 ? " %16.4g" : " %16.3e",
                              ppm);
            }
            out += line;
        }
        out += "\n";
    }
    return out;
}

}  // namespace reesx::io
