// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `reesx` command line (interface.md): run, check, elements, systems, feeds.
// Exit codes: 0 ok; 1 bad input; 2 no convergence or infeasible; 3 internal error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/io/Results.h"
#include "reesx/thermo/Feeds.h"

namespace {

using reesx::ExitCode;

int code(ExitCode c)
{
    return static_cast<int>(c);
}

int run_case(const std::string& case_path, const std::string& h5_path, const std::string& json_path,
             bool stage_profile, bool quiet)
{
    const reesx::CaseSpec spec = reesx::load_case(case_path);
    reesx::Cascade cascade(spec);
    const reesx::CascadeResult result = cascade.solve();
    if (!quiet) {
        std::cout << reesx::io::format_run(spec, result, stage_profile);
    } else {
        for (const auto& w : result.warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    if (!json_path.empty()) {
        reesx::io::write_json(json_path, reesx::io::run_summary(spec, result));
    }
    if (!h5_path.empty()) {
        reesx::io::write_run_hdf5(h5_path, spec, result);
    }
    return code(ExitCode::ok);
}

int check_case(const std::string& case_path)
{
    const reesx::CaseSpec spec = reesx::load_case(case_path);
    const reesx::Cascade cascade(spec);
    std::cout << case_path << ": OK\n";
    for (const auto& line : cascade.structure_summary()) {
        std::cout << "  " << line << "\n";
    }
    for (const auto& w : spec.warnings) {
        std::cout << "  warning: " << w << "\n";
    }
    return code(ExitCode::ok);
}

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
    return code(ExitCode::ok);
}

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
        const std::string range = "[" + std::to_string(k.log10_k_low).substr(0, 5) + ", " +
                                  std::to_string(k.log10_k_high).substr(0, 5) + "]";
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

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"reesx: rare-earth solvent-extraction cascade simulator"};
    app.set_version_flag("--version", std::string("reesx ") + REESX_VERSION);
    app.require_subcommand(1);

    std::string case_path, h5_path, json_path, system_name, feed_name;
    bool stage_profile = false, quiet = false;
    auto* run = app.add_subcommand("run", "steady state of the cascade in CASE");
    run->add_option("case", case_path, "case file (YAML)")->required();
    run->add_option("-o,--output", h5_path, "HDF5 result file");
    run->add_option("--json", json_path, "JSON summary file");
    run->add_flag("--stages", stage_profile, "print the stage-by-stage profile");
    run->add_flag("-q,--quiet", quiet, "print nothing on stdout");
    auto* check = app.add_subcommand("check", "parse and check CASE, count equations; no solve");
    check->add_option("case", case_path, "case file (YAML)")->required();
    auto* elements = app.add_subcommand("elements", "list the 17 rare earths with sources");
    auto* systems = app.add_subcommand("systems", "list extraction systems, or show one");
    systems->add_option("name", system_name, "system name or YAML file");
    auto* feeds = app.add_subcommand("feeds", "list the built-in feed library, or show one feed");
    feeds->add_option("name", feed_name, "feed name or YAML file");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? 0 : code(ExitCode::bad_input);
    }
    try {
        if (*run) {
            return run_case(case_path, h5_path, json_path, stage_profile, quiet);
        }
        if (*check) {
            return check_case(case_path);
        }
        if (*elements) {
            return list_elements();
        }
        if (*systems) {
            return list_systems(system_name);
        }
        if (*feeds) {
            return list_feeds(feed_name);
        }
    } catch (const reesx::Error& e) {
        std::cerr << "reesx: " << e.what() << "\n";
        return code(e.exit_code());
    } catch (const std::exception& e) {
        std::cerr << "reesx: internal error: " << e.what() << "\n";
        return code(ExitCode::internal);
    }
    return code(ExitCode::internal);
}
