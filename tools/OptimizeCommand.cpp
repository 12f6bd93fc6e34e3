// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "OptimizeCommand.h"

#include <iostream>
#include <string>
#include <vector>

#include "CommandOutput.h"
#include "reesx/core/Error.h"
#include "reesx/costs/FrontsReport.h"
#include "reesx/costs/OptimizeStudy.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::cli {

std::vector<double> fractions(const std::string& option, const std::string& list, double lowest)
{
    std::vector<double> out;
    for (const auto& text : split_codes(list)) {
        std::size_t used = 0;
        double value = 0.0;
        try {
            value = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size()) {
            throw InputError(option + ": expected fractions such as 0.99,0.999,0.9999, found '" +
                             text + "'");
        }
        if (!(value > lowest && value < 1.0)) {
            throw InputError(option + ": a value must lie between " + shortest(lowest) +
                             " and 1, found '" + text + "'");
        }
        out.push_back(value);
    }
    return out;
}

namespace {

enum class OutputKind { none, csv, hdf5 };

OutputKind output_kind(const std::string& path)
{
    const auto ends = [&](const std::string& tail) {
        return path.size() > tail.size() &&
               path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
    };
    if (path.empty()) {
        return OutputKind::none;
    }
    if (ends(".csv")) {
        return OutputKind::csv;
    }
    if (ends(".h5") || ends(".hdf5")) {
        return OutputKind::hdf5;
    }
    throw InputError("-o " + path +
                     ": expected a file name ending .csv (the Pareto fronts) or .h5 (HDF5)");
}

//! The HDF5 result file: the common header, the first country's optimal cascade at the root,
//! the optima of every country, the fronts and the robust optimum (interface.md, "HDF5").
void write_optimize_hdf5(const std::string& path, const DesignSpec& spec,
                         const costs::OptimizeResult& result, const costs::ParetoFronts& fronts,
                         const nlohmann::json& summary)
{
    const auto& best = result.countries.front().optimum;
    const CaseSpec cascade = parse_case(InputNode::load_string(best.case_yaml, "the optimal case"));
    Cascade solver(cascade);
    const CascadeResult solved = solver.solve();
    const nlohmann::json input = {{"split", spec.split_label},
                                  {"system", spec.system.name},
                                  {"targets", summary.at("targets")},
                                  {"country_order", summary.at("country_order")}};
    io::write_file_atomically(path, [&](const std::string& temp) {
        io::Hdf5Writer h5(temp);
        io::write_result_header(h5, "optimize", spec.root ? spec.root->source_name() : "", input,
                                spec.root ? spec.root->dump() : std::string());
        h5.write_attribute("/", "case_yaml", best.case_yaml);
        io::write_cascade_hdf5(h5, "", cascade, solved);
        std::vector<std::string> codes;
        std::vector<double> cost, capex, opex, s_over;
        std::vector<int> n, m;
        for (const auto& c : result.countries) {
            codes.push_back(c.code);
            cost.push_back(c.optimum.cost_usd_per_kg);
            capex.push_back(c.optimum.cost.capex_usd);
            opex.push_back(c.optimum.cost.opex_usd_per_year);
            s_over.push_back(c.optimum.s_over_s_min);
            n.push_back(c.optimum.n);
            m.push_back(c.optimum.m);
        }
        h5.write_strings("/countries", codes);
        h5.write_dataset("/optimum/cost_usd_per_kg", cost, "USD/kg");
        h5.write_dataset("/optimum/capex_usd", capex, "USD");
        h5.write_dataset("/optimum/opex_usd_per_year", opex, "USD/y");
        h5.write_dataset("/optimum/S_over_S_min", s_over, "1");
        h5.write_dataset("/optimum/extraction_stages", n, "1");
        h5.write_dataset("/optimum/scrub_stages", m, "1");
        if (!fronts.purity.empty() || !fronts.recovery.empty() ||
            !fronts.capital_operating.empty()) {
            costs::write_fronts_hdf5(h5, fronts);
        }
        h5.write_attribute("/", "summary_json", summary.dump(2));
        if (summary.contains("robust")) {
            h5.write_attribute("/", "robust_json", summary.at("robust").dump(2));
        }
        h5.close();
    });
}

}  // namespace

CLI::App* add_optimize_command(CLI::App& app, OptimizeArgs& a)
{
    auto* cmd = app.add_subcommand(
        "optimize",
        "the cost-optimal cascade for a cut (reflux and stages) at each country's prices");
    add_design_args(cmd, a);
    cmd->add_option("--countries", a.countries,
                    "comma-separated country/region codes or 'all' (default: the first country "
                    "of the cost data; reesx countries lists them)");
    cmd->add_option("--objective", a.objective,
                    "levelized (default): (capital charge + operating cost) per kg REO product");
    cmd->add_option("--threads", a.threads,
                    "countries optimized at once, and --uncertainty samples sized at once "
                    "(default: all)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--uncertainty", a.uncertainty,
                    "N samples of the system's values (fit covariance or ranges): each "
                    "country's optimum stages, reflux and USD/kg as P10/P50/P90")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--pareto", a.pareto,
                    "also the front of cost against purity for the first country, e.g. "
                    "\"0.99,0.999,0.9999,0.99999\" (both products at each purity; with --plant "
                    "every product, the whole plant optimized at each)");
    cmd->add_option("--pareto-recovery", a.pareto_recovery,
                    "also the front of cost against the recovery of the recovery product (A "
                    "unless the design says), e.g. \"0.9,0.95,0.99\" (with --plant: of every "
                    "product, the whole plant optimized at each)");
    cmd->add_option("--pareto-capital", a.pareto_capital,
                    "also the front of capital against operating cost from N refluxes, e.g. 12 "
                    "(with --plant: N plants optimized with the capital charge weighted 1/4 to "
                    "4)")
        ->check(CLI::Range(2, 200));
    cmd->add_option("-o,--output", a.output_path,
                    "the Pareto fronts as CSV (a path ending .csv), or the optima, fronts and "
                    "robust optimum as HDF5 (.h5)");
    cmd->add_option("--robust", a.robust,
                    "also the robust optimum of every country over N samples of the "
                    "separation factors and cost parameters (the same samples in every "
                    "country), e.g. 20")
        ->check(CLI::Range(2, 100000));
    cmd->add_option("--percentile", a.percentile,
                    "--robust minimizes this percentile of the cost (0-100) instead of its mean")
        ->check(CLI::Range(0.0, 100.0));
    cmd->add_option("--seed", a.seed,
                    "seed of --robust and --uncertainty (same seed, same samples)");
    cmd->add_option("--robust-radius", a.robust_radius,
                    "--robust searches the stage pairs within this many stages of the nominal "
                    "optimum's (default 2)")
        ->check(CLI::Range(0, 20));
    cmd->add_option("--robust-reflux", a.robust_reflux,
                    "retuned (default): in each sample the reflux is the smallest meeting the "
                    "targets; fixed: one reflux held in every sample (a plant that cannot retune)")
        ->check(CLI::IsMember({"retuned", "fixed"}));
    cmd->add_option("--json", a.json_path, "JSON summary file");
    cmd->add_option("--case", a.case_path,
                    "write the first country's optimal design as a case file for reesx run");
    cmd->add_flag("-q,--quiet", a.quiet, "print nothing on stdout");
    cmd->add_flag("--plant", a.plant,
                  "optimize the whole plant that separates every element of the feed: the "
                  "input is a separate file or --system, --feed, --purity, --feed-rate, "
                  "--lump-below (docs/optimize.md)");
    cmd->add_option("--lump-below", a.lump_below,
                    "with --plant: elements below this mole fraction join their neighbour's "
                    "product (as reesx separate)");
    cmd->add_option("--scenario", a.scenario,
                    "with --plant: capital location-factor scenario (as reesx cost)");
    cmd->add_flag("--fixed-extraction", a.fixed_extraction,
                  "keep design's scrub and strip acid, saponification and extractant "
                  "concentration (else each is chosen within its stated range)");
    cmd->add_option("--purity-budget", a.purity_budget,
                    "with --plant: how a product's impurity allowance is shared between the two "
                    "cuts around it: chosen (default; by the short-cut cost) or half")
        ->check(CLI::IsMember({"chosen", "half"}));
    cmd->add_option("--plant-file", a.plant_path,
                    "with --plant: write the first country's optimal plant as a plant file");
    return cmd;
}

int run_optimize(const OptimizeArgs& a)
{
    if (a.plant) {
        return run_plant_optimize(a);
    }
    if (a.lump_below >= 0.0 || !a.scenario.empty() || !a.plant_path.empty() ||
        !a.purity_budget.empty()) {
        throw InputError(
            "--lump-below, --scenario, --plant-file and --purity-budget are for the whole "
            "plant: add --plant");
    }
    namespace rc = reesx::costs;
    rc::OptimizeOptions options;
    if (a.objective != "levelized") {
        throw InputError("--objective: unknown objective '" + a.objective +
                         "'; expected levelized ((capital charge + operating cost) per kg REO "
                         "in the products)");
    }
    options.objective = rc::Objective::levelized;
    options.setup.data = rc::builtin_cost_data();
    options.threads = a.threads;
    options.extraction_side = !a.fixed_extraction;
    if (a.countries == "all") {
        options.countries = options.setup.data.codes();
    } else {
        options.countries = split_codes(a.countries);
        if (!a.countries.empty() && options.countries.empty()) {
            throw InputError("--countries: expected country codes such as CN-NM,US or 'all'");
        }
    }
    const std::vector<double> purities = fractions("--pareto", a.pareto, 0.5);
    const std::vector<double> recoveries = fractions("--pareto-recovery", a.pareto_recovery, 0.0);
    const OutputKind output = output_kind(a.output_path);
    if (output == OutputKind::csv && purities.empty() && recoveries.empty() &&
        a.pareto_capital == 0) {
        throw InputError("-o " + a.output_path +
                         ": a CSV file holds the Pareto fronts; ask for one with --pareto, "
                         "--pareto-recovery or --pareto-capital (or write .h5)");
    }
    if (a.percentile >= 0.0 && a.robust == 0) {
        throw InputError("--percentile sets the objective of --robust N: give --robust too");
    }
    if (a.robust_reflux != "retuned" && a.robust == 0) {
        throw InputError("--robust-reflux sets how --robust N runs its designs: give --robust too");
    }
    rc::OptimizeStudyRequest request;
    request.pareto_purities = purities;
    request.pareto_recoveries = recoveries;
    request.pareto_capital = a.pareto_capital;
    request.robust_samples = a.robust;
    if (a.percentile >= 0.0) {
        request.percentile = a.percentile;
    }
    request.robust_radius = a.robust_radius;
    request.robust_fixed_reflux = a.robust_reflux == "fixed";
    request.seed = a.seed;
    request.uncertainty = a.uncertainty;
    request.threads = a.threads;
    const DesignSpec spec = parse_design(design_input(a));
    const rc::OptimizeStudy study =
        rc::run_optimize_study(spec, options, request, progress_on_stderr(a.quiet));
    const rc::OptimizeResult& result = study.result;
    if (!a.quiet) {
        std::cout << rc::format_optimize_study(spec, study);
    } else {
        for (const auto& c : result.countries) {
            for (const auto& w : c.warnings) {
                std::cerr << "warning: " << c.code << ": " << w << "\n";
            }
        }
        if (study.uncertainty) {
            for (const auto& w : study.uncertainty->warnings) {
                std::cerr << "warning: " << w << "\n";
            }
        }
    }
    const nlohmann::json j = rc::optimize_study_json(spec, study);
    if (!a.json_path.empty()) {
        io::write_json(a.json_path, j);
    }
    if (output == OutputKind::csv) {
        io::write_text_atomically(a.output_path, io::csv_text(rc::fronts_csv(study.fronts)));
    } else if (output == OutputKind::hdf5) {
        write_optimize_hdf5(a.output_path, spec, result, study.fronts, j);
    }
    if (!a.case_path.empty()) {
        io::write_text_atomically(a.case_path, result.countries.front().optimum.case_yaml);
    }
    return 0;
}

}  // namespace reesx::cli
