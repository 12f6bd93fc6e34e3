// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "ListCommands.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <vector>

#include "CommandOutput.h"
#include "reesx/costs/Report.h"
#include "reesx/thermo/Feeds.h"
#include "reesx/thermo/Impurities.h"
#include "reesx/thermo/Species.h"

namespace reesx::cli {
namespace {

void print_system(const reesx::ExtractionSystem& s, bool full)
{
    std::printf("%s — %s\n", s.name.c_str(), s.description.c_str());
    if (!full) {
        return;
    }
    std::printf("  conditions: %s\n", s.conditions.c_str());
    std::printf("  loading per extractant: %.4g mol RE/mol per unit saponification (%s)\n",
                s.loading_per_extractant, s.loading_source.c_str());
    std::printf("  %-3s %8s %17s %9s  %s\n", "El", "log10 K", "range", "beta/prev", "source");
    int previous = -1;
    for (int e : s.extraction_order()) {
        const auto& k = *s.extractability[e];
        // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "[" + std::string.
        std::string range = "[";
        range += std::to_string(k.log10_k_low).substr(0, 5);
        range += ", ";
        range += std::to_string(k.log10_k_high).substr(0, 5);
        range += "]";
        const std::string beta =
            previous < 0 ? "-" : std::to_string(s.beta(e, previous)).substr(0, 6);
        std::printf("  %-3s %8.4f %17s %9s  %s%s\n",
                    std::string(reesx::elements()[e].symbol).c_str(), k.log10_k, range.c_str(),
                    beta.c_str(), k.design_estimate ? "[design estimate] " : "", k.source.c_str());
        previous = e;
    }
    for (const auto& src : s.sources) {
        std::printf("  source: %s\n", src.c_str());
    }
}

//! "Nd 59.3, Pr 19.2, ..." : the elements with at least 1 % of the REO (oxide mass), largest
//! first, at most `count` of them.
std::string main_elements(const reesx::FeedComposition& feed, std::size_t count)
{
    const auto oxide = feed.oxide_mass_fraction();
    std::vector<int> order(oxide.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return oxide[a] > oxide[b]; });
    std::string out;
    for (std::size_t i = 0; i < order.size() && i < count; ++i) {
        if (oxide[order[i]] < 0.01) {
            break;
        }
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%s%s %.1f", out.empty() ? "" : ", ",
                      std::string(reesx::elements()[order[i]].symbol).c_str(),
                      100.0 * oxide[order[i]]);
        out += buffer;
    }
    return out;
}

void print_feed(const reesx::FeedComposition& feed)
{
    std::printf("%s — %s\n", feed.name.c_str(), feed.description.c_str());
    std::printf("  origin: %s\n", feed.origin.c_str());
    const auto oxide = feed.oxide_mass_fraction();
    std::printf("  %-3s %12s  %-7s %16s\n", "El", "mole frac", "oxide", "oxide mass frac");
    for (int e = 0; e < reesx::num_elements; ++e) {
        if (feed.mole_fraction[e] <= 0.0) {
            continue;
        }
        const auto& element = reesx::elements()[e];
        std::printf("  %-3s %12.6f  %-7s %16.6f\n", std::string(element.symbol).c_str(),
                    feed.mole_fraction[e], std::string(element.oxide).c_str(), oxide[e]);
    }
    std::printf("  (elements not listed: 0)\n");
    std::printf("  kg REO per mol RE: %.6f\n", feed.kg_reo_per_mol());
    if (feed.concentration_mol_per_L) {
        std::printf("  concentration: %.6g mol/L total RE\n", *feed.concentration_mol_per_L);
    }
    std::printf("  source: %s\n", feed.source.empty() ? "(none given)" : feed.source.c_str());
    if (!feed.notes.empty()) {
        std::printf("  notes: %s\n", feed.notes.c_str());
    }
}

//! "p204-hcl pH½ 0.5 [0, 1.2]; p507-hcl pH½ 1.1 [0.5, 1.8] (est.)": the built-in systems
//! that extract the impurity `species` and at which pH.
std::string impurity_extraction_summary(int species)
{
    std::string out;
    for (const auto& system : reesx::impurity_data_systems()) {
        const auto x = reesx::builtin_impurity_extraction(system, species);
        if (!x) {
            continue;
        }
        char buffer[96];
        std::snprintf(buffer, sizeof buffer, "%s%s pH½ %.3g [%.3g, %.3g]%s",
                      out.empty() ? "" : "; ", system.c_str(), x->ph_half, x->ph_half_low,
                      x->ph_half_high, x->design_estimate ? " (est.)" : "");
        out += buffer;
    }
    return out.empty() ? "no built-in data (give impurity-ph-half in the case)" : out;
}

void list_impurities()
{
    std::printf(
        "\nImpurity ions (species %d-%d), given per aqueous feed as impurities: {Fe3+: 40 mg/L}.\n"
        "Extracted by cation exchange (M^z+ + z (HA)2 = M(A.HA)z + z H+) in the mass-action and\n"
        "ph-correlation models, from the pH half-values below (D = 1 at trace loading,\n"
        "0.6 mol/L HA); separation-factor and constant-distribution refuse feeds with them.\n",
        reesx::num_elements, reesx::num_species - 1);
    std::printf("%-7s %-15s %2s %10s %10s  %-6s %s\n", "ion", "name", "z", "M metal", "M ion",
                "oxide", "extracted by (system pH½ [range]; est. = design estimate)");
    for (int k = 0; k < reesx::num_impurities; ++k) {
        const auto& ion = reesx::impurities()[static_cast<std::size_t>(k)];
        std::printf("%-7s %-15s %2d %10.5g %10.5g  %-6s %s\n", std::string(ion.symbol).c_str(),
                    std::string(ion.name).c_str(), ion.charge, ion.metal_g_per_mol,
                    ion.ion_g_per_mol, std::string(ion.oxide).c_str(),
                    impurity_extraction_summary(reesx::num_elements + k).c_str());
    }
    std::printf(
        "Molar masses g/mol (IUPAC 2021); pH½ sources: `reesx systems NAME` does not list them,\n"
        "thermo/data/impurities/impurity-extraction.yaml does (docs/chemistry-models.md).\n");
}

}  // namespace

int list_elements()
{
    std::printf("%-3s %-12s %3s %14s  %-7s %12s  %s\n", "El", "name", "Z", "M g/mol", "oxide",
                "oxide/el kg/kg", "note");
    for (const auto& e : reesx::elements()) {
        std::printf("%-3s %-12s %3d %14.6g  %-7s %12.5f  %s\n", std::string(e.symbol).c_str(),
                    std::string(e.name).c_str(), e.atomic_number, e.atomic_mass_g_per_mol,
                    std::string(e.oxide).c_str(), e.oxide_mass_per_element_mass(),
                    std::string(e.note).c_str());
    }
    std::printf("\nAtomic masses: %s\n", std::string(reesx::elements_source()).c_str());
    list_impurities();
    return code(ExitCode::ok);
}

int list_systems(const std::string& name)
{
    if (!name.empty()) {
        print_system(
            name.ends_with(".yaml") ? reesx::load_system_file(name) : reesx::builtin_system(name),
            true);
        return code(ExitCode::ok);
    }
    for (const auto& n : reesx::builtin_system_names()) {
        print_system(reesx::builtin_system(n), false);
    }
    std::printf("\n`reesx systems NAME` shows one system's values, ranges and sources.\n");
    return code(ExitCode::ok);
}

int list_feeds(const std::string& name)
{
    if (!name.empty()) {
        print_feed(reesx::load_feed(name));
        return code(ExitCode::ok);
    }
    const auto feeds = reesx::builtin_feeds();
    if (feeds.empty()) {
        std::printf("No built-in feeds.\n");
    } else {
        std::printf("%-14s %-34s  %s\n", "name", "main elements (% of REO)", "description");
    }
    for (const auto& feed : feeds) {
        std::printf("%-14s %-34s  %s\n", feed.name.c_str(), main_elements(feed, 4).c_str(),
                    feed.description.c_str());
        std::printf("%-14s source: %s\n", "", feed.source.c_str());
    }
    std::printf(
        "\n`reesx feeds NAME` (or FILE.yaml) shows one feed's full distribution, source and "
        "notes.\n");
    return code(ExitCode::ok);
}

int list_countries(const std::string& country)
{
    std::cout << reesx::costs::format_countries(reesx::costs::builtin_cost_data(), country);
    return code(ExitCode::ok);
}

}  // namespace reesx::cli
