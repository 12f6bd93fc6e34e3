// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "OptimizeCommand.h"

#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "CommandOutput.h"
#include "reesx/core/Error.h"
#include "reesx/costs/OptimizeReport.h"
#include "reesx/costs/SampledCostsReport.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::cli {
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
    cmd->add_option("--seed", a.seed, "--uncertainty seed (same seed, same result)");
    cmd->add_option("--pareto", a.pareto,
                    "also the front of cost against purity for the first country, e.g. "
                    "\"0.99,0.999,0.9999,0.99999\" (both products at each purity)");
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
                  "with --plant: keep design's scrub acid and saponification (else each is "
                  "chosen within its stated range)");
    cmd->add_option("--plant-file", a.plant_path,
                    "with --plant: write the first country's optimal plant as a plant file");
    return cmd;
}

int run_optimize(const OptimizeArgs& a)
{
    if (a.plant) {
        return run_plant_optimize(a);
    }
    if (a.lump_below >= 0.0 || !a.scenario.empty() || !a.plant_path.empty()) {
        throw InputError(
            "--lump-below, --scenario and --plant-file are for the whole plant: add "
            "--plant");
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
    if (a.countries == "all") {
        options.countries = options.setup.data.codes();
    } else {
        options.countries = split_codes(a.countries);
        if (!a.countries.empty() && options.countries.empty()) {
            throw InputError("--countries: expected country codes such as CN-NM,US or 'all'");
        }
    }
    std::vector<double> purities;
    for (const auto& text : split_codes(a.pareto)) {
        std::size_t used = 0;
        double value = 0.0;
        try {
            value = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size()) {
            throw InputError("--pareto: expected purities such as 0.99,0.999,0.9999, found '" +
                             text + "'");
        }
        if (!(value > 0.5 && value < 1.0)) {
            throw InputError("--pareto: a purity must lie between 0.5 and 1, found '" + text + "'");
        }
        purities.push_back(value);
    }
    const DesignSpec spec = parse_design(design_input(a));
    const auto progress = progress_on_stderr(a.quiet);
    const rc::OptimizeResult result = rc::optimize(spec, options, progress);
    std::vector<rc::ParetoPoint> front;
    if (!purities.empty()) {
        front = rc::pareto_purity(spec, options, result.countries.front().code, purities);
    }
    std::optional<rc::OptimizeUncertainty> uncertainty;
    if (a.uncertainty > 0) {
        const int threads =
            a.threads > 0 ? a.threads : static_cast<int>(std::thread::hardware_concurrency());
        uncertainty =
            rc::optimize_uncertainty(spec, options, result, a.uncertainty, a.seed, threads);
    }
    if (!a.quiet) {
        std::cout << rc::format_optimize(spec, result);
        if (!front.empty()) {
            std::cout << rc::format_pareto(result.countries.front().code, front);
        }
        if (uncertainty) {
            std::cout << rc::format_optimize_uncertainty(*uncertainty);
        }
    } else {
        for (const auto& c : result.countries) {
            for (const auto& w : c.warnings) {
                std::cerr << "warning: " << c.code << ": " << w << "\n";
            }
        }
        if (uncertainty) {
            for (const auto& w : uncertainty->warnings) {
                std::cerr << "warning: " << w << "\n";
            }
        }
    }
    if (!a.json_path.empty()) {
        nlohmann::json j = rc::optimize_summary(spec, result);
        if (!front.empty()) {
            j["pareto"] = {{"country", result.countries.front().code},
                           {"purity", rc::pareto_json(front)}};
        }
        if (uncertainty) {
            j["uncertainty"] = rc::optimize_uncertainty_json(*uncertainty);
            for (const auto& w : uncertainty->warnings) {
                j["warnings"].push_back(w);
            }
        }
        io::write_json(a.json_path, j);
    }
    if (!a.case_path.empty()) {
        io::write_text_atomically(a.case_path, result.countries.front().optimum.case_yaml);
    }
    return 0;
}

}  // namespace reesx::cli
