// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `reesx` command line (interface.md): run, check, cost, elements, systems, countries.
// Exit codes: 0 ok; 1 bad input; 2 no convergence or infeasible; 3 internal error.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>

#include "reesx/core/Error.h"
#include "reesx/costs/Report.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/io/Results.h"

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

struct CostArgs {
    std::string countries;
    std::string scenario;
    bool sensitivity = false;
    int monte_carlo = 0;
    std::uint64_t seed = 1;
    int threads = 0;
    bool no_resimulate = false;
};

std::vector<std::string> split_codes(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    for (char c : text + ",") {
        if (c == ',') {
            if (!item.empty()) {
                out.push_back(item);
            }
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    return out;
}

int cost_case(const std::string& case_path, const std::string& json_path, const CostArgs& args)
{
    namespace rc = reesx::costs;
    const reesx::CaseSpec spec = reesx::load_case(case_path);
    rc::CostSetup setup = rc::parse_cost_setup(spec);
    if (!args.countries.empty()) {
        setup.options.countries = split_codes(args.countries);
    }
    if (!args.scenario.empty()) {
        if (!setup.data.has_scenario(args.scenario)) {
            throw reesx::InputError("--scenario: unknown scenario '" + args.scenario +
                                    "' (reesx countries lists them)");
        }
        setup.options.scenario = args.scenario;
    }
    if (setup.options.countries.empty()) {
        throw reesx::InputError("--countries: give at least one country code, e.g. CN-NM,US");
    }
    const std::vector<std::string> codes = setup.options.countries;
    reesx::Cascade cascade(spec);
    const reesx::CascadeResult result = cascade.solve();
    const rc::CostModel model(std::move(setup), rc::plant_streams(spec, result));
    rc::CostRun run = rc::run_costs(model, codes, args.sensitivity);
    if (args.monte_carlo > 0) {
        rc::MonteCarloOptions mc;
        mc.samples = args.monte_carlo;
        mc.seed = args.seed;
        mc.threads = args.threads;
        mc.resimulate = !args.no_resimulate;
        mc.progress = true;
        run.monte_carlo = rc::monte_carlo(spec, model, codes, mc);
    }
    std::cout << rc::format_cost(spec, model, run);
    if (!json_path.empty()) {
        nlohmann::json j;
        j["reesx_version"] = reesx::io::version();
        j["command"] = "cost";
        j["input"] = reesx::io::resolved_input(spec);
        j["converged"] = true;
        j["mass_balance_relative_error"] = result.mass_balance_relative_error;
        const nlohmann::json c = rc::cost_json(model, run);
        for (const auto& [key, value] : c.items()) {
            j[key] = value;
        }
        reesx::io::write_json(json_path, j);
    }
    return code(ExitCode::ok);
}

int list_countries(const std::string& country)
{
    std::cout << reesx::costs::format_countries(reesx::costs::builtin_cost_data(), country);
    return code(ExitCode::ok);
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"reesx: rare-earth solvent-extraction cascade simulator"};
    app.set_version_flag("--version", std::string("reesx ") + REESX_VERSION);
    app.require_subcommand(1);

    std::string case_path, h5_path, json_path, system_name;
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

    CostArgs cost_args;
    auto* cost = app.add_subcommand(
        "cost", "capital, operating cost, energy and CO2 of the cascade in CASE, per country");
    cost->add_option("case", case_path, "case file (YAML)")->required();
    cost->add_option("--countries", cost_args.countries,
                     "comma-separated country/region codes, the first is the reference "
                     "(default: the case's cost.countries, else CN-NM,US,AU,MY,VN,JP)");
    cost->add_option("--json", json_path, "JSON summary file");
    cost->add_option(
        "--scenario", cost_args.scenario,
        "capital location-factor scenario (towler-sinnott, compass-2017, china-third)");
    cost->add_flag("--sensitivity", cost_args.sensitivity,
                   "tornado of USD/kg over every parameter's range");
    cost->add_option("--monte-carlo", cost_args.monte_carlo,
                     "samples of every range (separation factors re-simulated)")
        ->check(CLI::Range(1, 1000000));
    cost->add_option("--seed", cost_args.seed, "Monte Carlo seed (same seed, same result)");
    cost->add_option("--threads", cost_args.threads, "Monte Carlo threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    cost->add_flag("--no-resimulate", cost_args.no_resimulate,
                   "Monte Carlo over the cost data only (keep the simulated flows)");
    std::string country_code;
    auto* countries = app.add_subcommand("countries", "list the cost data by country, or show one");
    countries->add_option("code", country_code, "country/region code, or 'global'");

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
        if (*cost) {
            return cost_case(case_path, json_path, cost_args);
        }
        if (*countries) {
            return list_countries(country_code);
        }
        if (*elements) {
            return list_elements();
        }
        if (*systems) {
            return list_systems(system_name);
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
