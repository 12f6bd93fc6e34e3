// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `reesx` command line (interface.md): run, check, design, separate, cost, optimize,
// validate, fit, report, sweep, elements, systems, feeds, countries.
// Exit codes: 0 ok; 1 bad input; 2 no convergence or infeasible; 3 internal error.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "CaseCommands.h"
#include "CommandOutput.h"
#include "CostCommand.h"
#include "DesignCommand.h"
#include "DynamicCommand.h"
#include "FitCommand.h"
#include "ListCommands.h"
#include "OptimizeCommand.h"
#include "PythonCommands.h"
#include "SeparateCommand.h"
#include "ValidateCommand.h"

int main(int argc, char** argv)
{
    using namespace reesx::cli;
    using reesx::ExitCode;
    CLI::App app{"reesx: rare-earth solvent-extraction cascade simulator"};
    app.set_version_flag("--version", std::string("reesx ") + REESX_VERSION);
    app.require_subcommand(1);

    std::string case_path, h5_path, json_path, csv_dir, system_name, feed_name;
    const char* csv_help = "folder for the CSV tables (created if missing; docs/user-guide.md)";
    const char* dot_help = "Graphviz DOT diagram (SVG too if dot exists)";
    const char* svg_help = "the diagram as SVG (needs Graphviz `dot`)";
    DiagramFiles run_diagram;
    bool stage_profile = false, quiet = false, verbose = false;
    auto* run = app.add_subcommand("run", "steady state of the cascade or plant in CASE");
    run->add_option("case", case_path, "case file or plant file (YAML)")->required();
    run->add_option("-o,--output", h5_path, "HDF5 result file");
    run->add_option("--json", json_path, "JSON summary file");
    run->add_option("--csv", csv_dir, csv_help);
    run->add_option("--dot", run_diagram.dot_path, std::string("plant file: ") + dot_help);
    run->add_option("--svg", run_diagram.svg_path, std::string("plant file: ") + svg_help);
    run->add_flag("--stages", stage_profile, "print the stage-by-stage profile");
    run->add_flag("-q,--quiet", quiet, "print nothing on stdout");
    run->add_flag("--verbose", verbose,
                  "the solver's progress on stderr: each method tried, each Newton iteration");
    auto* check = app.add_subcommand("check", "parse and check CASE, count equations; no solve");
    check->add_option("case", case_path, "case file (YAML)")->required();
    DesignOptions d;
    auto* design = app.add_subcommand(
        "design", "size one cascade (stages, flows) for a purity target at a cut");
    design->add_option("design_file", d.file, "design file (YAML); or give the options below");
    design->add_option("--system", d.system, "extraction system name or YAML file");
    design->add_option("--feed", d.feed,
                       "built-in feed name (reesx feeds), YAML file, or \"Pr:0.25,Nd:0.75\"");
    design->add_option(
        "--split", d.split,
        "the cut: Pr/Nd (adjacent elements), La-Nd/Sm-Lu, or La/Ce/Pr (three outlets)");
    design->add_option("--purity", d.purity, "purity of both products (default 0.9999)");
    design->add_option("--purity-a", d.purity_a, "purity of the more extractable product");
    design->add_option("--purity-b", d.purity_b, "purity of the less extractable product");
    design->add_option("--recovery", d.recovery, "recovery of one product (with one purity)");
    design->add_option("--recovery-of", d.recovery_of, "A, B or an element (default A)");
    design->add_option("--feed-rate", d.feed_rate,
                       "\"1000 kg/h REO\", \"2000 t/y\", \"20 mol/h\" or a feed flow \"500 L/h\"");
    design->add_option("--efficiency", d.efficiency,
                       "Murphree efficiency, 0.9 or per section \"extraction:0.9,scrub:0.85\"");
    design->add_option("--middle-purity", d.middle_purity,
                       "three-group split (La/Ce/Pr): purity of the middle product");
    design->add_option("--middle-recovery", d.middle_recovery,
                       "three-group split: recovery of the middle group in its product");
    design->add_option("--feed-phase", d.feed_phase, "aqueous (default) or organic");
    design->add_option("--scrub-acid", d.scrub_acid, "scrub HCl, e.g. \"4 mol/L\"");
    design->add_option("--reflux-multiple", d.reflux_multiple,
                       "S as a multiple of S_min instead of the theory's optimum");
    design->add_option("--max-stages", d.max_stages,
                       "stage budget: the smallest reflux that meets the targets");
    design->add_option("--strip-stages", d.strip_stages, "add a strip section");
    design->add_option("--tradeoff-points", d.tradeoff_points,
                       "points of the stages-vs-reflux curve (default 20, 0: none)");
    design
        ->add_option("--uncertainty", d.uncertainty,
                     "N samples of the system's values (fit covariance or ranges): stages "
                     "and reflux as P10/P50/P90")
        ->check(CLI::Range(1, 1000000));
    design->add_option("--seed", d.seed, "--uncertainty seed (same seed, same result)");
    design->add_option("--threads", d.threads, "--uncertainty threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    design->add_option("--json", d.out.json_path, "JSON summary file");
    design->add_option("--csv", d.out.csv_dir, csv_help);
    design->add_option("--case", d.case_path, "write the case file that reproduces the design");
    design->add_option("-o,--output", d.h5_path,
                       "HDF5 result file (the designed cascade's simulation)");
    design->add_flag("-q,--quiet", d.quiet, "print nothing on stdout");
    double dynamic_hours = 0.0;
    auto* dynamic = app.add_subcommand("dynamic", "time-domain simulation of CASE (IDA)");
    dynamic->add_option("case", case_path, "case file (YAML) with an optional dynamic: mapping")
        ->required();
    dynamic->add_option("--hours", dynamic_hours, "simulated time, h (overrides dynamic.hours)");
    dynamic->add_option("-o,--output", h5_path, "HDF5 time series");
    dynamic->add_option("--json", json_path, "JSON summary file");
    dynamic->add_option("--csv", csv_dir, csv_help);
    dynamic->add_flag("-q,--quiet", quiet, "print nothing on stdout");
    SeparateOptions sep;
    auto* separate =
        app.add_subcommand("separate", "design a plant that separates every element of FEED");
    separate->add_option("separate_file", sep.file, "separate file (YAML); or the options");
    separate->add_option("--feed", sep.feed,
                         "built-in feed name (reesx feeds), YAML file, or \"Pr:0.25,Nd:0.75\"");
    separate->add_option("--system", sep.system, "extraction system (default p507-hcl)");
    separate->add_option("--purity", sep.purity, "purity of every product (default 0.9999)");
    separate->add_option("--lump-below,--threshold", sep.lump_below,
                         "lump elements below this feed mole fraction with their neighbour "
                         "(default 0: every element present is a product)");
    separate->add_option("--feed-rate", sep.feed_rate, "e.g. \"1000 kg/h REO\"");
    separate->add_option("--json", sep.out.json_path, "JSON summary file");
    separate->add_option("--csv", sep.out.csv_dir, csv_help);
    separate->add_option("--dot", sep.diagram.dot_path, dot_help);
    separate->add_option("--svg", sep.diagram.svg_path, svg_help);
    separate->add_option("-o,--output", sep.h5_path, "HDF5 result file (every cascade)");
    separate->add_option("--plant-file", sep.plant_path,
                         "write the plant as a plant file that `reesx run` simulates");
    separate->add_option("--impurities", sep.impurities,
                         "impurity ions of the feed, e.g. \"Th4+:200 mg/L,Fe3+:40 mg/L\": adds "
                         "a removal step ahead of the cuts");
    separate->add_option("--impurity-limit", sep.impurity_limit,
                         "largest content of each ion in every product, as its oxide per REO "
                         "(default 10 ppm)");
    separate->add_flag("--linked", sep.linked,
                       "link the cascades: loaded organic to the next cascade's organic feed");
    separate->add_option("--countries", sep.countries,
                         "cost the plant in these countries/regions, e.g. CN-NM,US "
                         "(docs/costs.md, \"Whole plants\")");
    separate->add_option("--scenario", sep.scenario,
                         "capital location-factor scenario of the costing (with --countries)");
    separate
        ->add_option("--uncertainty", sep.uncertainty,
                     "N samples of the system's values (fit covariance or ranges): each "
                     "cascade's stages and reflux, and with --countries the USD/kg, as "
                     "P10/P50/P90; the share of samples choosing each sequence of cuts")
        ->check(CLI::Range(1, 1000000));
    separate->add_flag("--keep-sequence", sep.keep_sequence,
                       "--uncertainty: size every sample as the nominal plant, even one whose "
                       "values choose another sequence of cuts (default: design its own)");
    separate->add_option("--seed", sep.seed, "--uncertainty seed (same seed, same result)");
    separate->add_option("--threads", sep.threads, "--uncertainty threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    separate->add_flag("-q,--quiet", sep.quiet, "print nothing on stdout");
    auto* elements = app.add_subcommand("elements", "list the 17 rare earths with sources");
    auto* systems = app.add_subcommand("systems", "list extraction systems, or show one");
    systems->add_option("name", system_name, "system name or YAML file");
    auto* feeds = app.add_subcommand("feeds", "list the built-in feed library, or show one feed");
    feeds->add_option("name", feed_name, "feed name or YAML file");
    std::string cases_dir;
    std::vector<std::string> only_cases;
    bool allow_known = false, strict = false;
    auto* validate_cmd = app.add_subcommand(
        "validate", "run the validation cases: computed vs published, one table");
    validate_cmd->add_option("--json", json_path, "JSON summary file");
    validate_cmd->add_option("--cases", cases_dir,
                             "read case folders from DIR instead of the built-in ones");
    validate_cmd->add_option("--case", only_cases, "run only this case (repeatable)");
    validate_cmd->add_flag("--strict", strict,
                           "exit 2 on known discrepancies too (by default those documented in "
                           "their case README do not fail the run)");
    validate_cmd
        ->add_flag("--allow-known", allow_known,
                   "the default now: known discrepancies do not fail the run (kept for scripts)")
        ->excludes("--strict");
    validate_cmd->add_flag("-q,--quiet", quiet, "print nothing on stdout (the exit code says)");

    reesx::cli::OptimizeArgs optimize_args;
    auto* optimize = reesx::cli::add_optimize_command(app, optimize_args);

    CostArgs cost_args;
    auto* cost = app.add_subcommand(
        "cost", "capital, operating cost, energy and CO2 of the cascade in CASE, per country");
    cost->add_option("case", case_path, "case file (YAML)")->required();
    cost->add_option("--countries", cost_args.countries,
                     "comma-separated country/region codes, the first is the reference "
                     "(default: the case's cost.countries, else CN-NM,US,AU,MY,VN,JP)");
    cost->add_option("--json", json_path, "JSON summary file");
    cost->add_option("--csv", csv_dir, csv_help);
    cost->add_option("-o,--output", h5_path, "HDF5 result file (with the Monte Carlo samples)");
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
    cost->add_flag("-q,--quiet", cost_args.quiet,
                   "print nothing on stdout and no Monte Carlo progress (warnings on stderr)");
    cost->add_flag("--no-resimulate", cost_args.no_resimulate,
                   "Monte Carlo over the cost data only (keep the simulated flows)");
    auto* fit = reesx::cli::add_fit_command(app);
    std::string country_code;
    auto* countries = app.add_subcommand("countries", "list the cost data by country, or show one");
    countries->add_option("code", country_code, "country/region code, or 'global'");
    const reesx::tools::PythonCommands python_commands = reesx::tools::add_python_commands(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? 0 : code(ExitCode::bad_input);
    }
    if (const int status = reesx::tools::run_python_command(python_commands); status >= 0) {
        return status;
    }
    try {
        if (*run) {
            return run_case(case_path, h5_path, {json_path, csv_dir}, run_diagram, stage_profile,
                            quiet, verbose);
        }
        if (*check) {
            return check_case(case_path);
        }
        if (*design) {
            return run_design(d);
        }
        if (*dynamic) {
            return run_dynamic(case_path, dynamic_hours, h5_path, {json_path, csv_dir}, quiet);
        }
        if (*separate) {
            return run_separate(sep);
        }
        if (*cost) {
            return cost_case(case_path, h5_path, {json_path, csv_dir}, cost_args);
        }
        if (*optimize) {
            return reesx::cli::run_optimize(optimize_args);
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
        if (*feeds) {
            return list_feeds(feed_name);
        }
        if (*fit) {
            return reesx::cli::run_fit_command();
        }
        if (*validate_cmd) {
            return validate(cases_dir, only_cases, json_path, strict, quiet);
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
