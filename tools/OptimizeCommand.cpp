// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "OptimizeCommand.h"

#include <iostream>

#include "reesx/core/Error.h"
#include "reesx/costs/OptimizeReport.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::cli {
namespace {

std::vector<std::string> split_codes(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    for (const char c : text + ",") {
        if (c == ',') {
            if (!item.empty()) {
                out.push_back(item);
            }
            item.clear();
        } else if (c != ' ' && c != '\t') {
            item += c;
        }
    }
    return out;
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
    cmd->add_option("--threads", a.threads, "countries optimized at once (default: all)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--json", a.json_path, "JSON summary file");
    cmd->add_option("--case", a.case_path,
                    "write the first country's optimal design as a case file for reesx run");
    cmd->add_flag("-q,--quiet", a.quiet, "print nothing on stdout");
    return cmd;
}

int run_optimize(const OptimizeArgs& a)
{
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
    const DesignSpec spec = parse_design(design_input(a));
    const auto progress = [&](const std::string& line) {
        if (!a.quiet) {
            std::cerr << line << "\n";
        }
    };
    const rc::OptimizeResult result = rc::optimize(spec, options, progress);
    if (!a.quiet) {
        std::cout << rc::format_optimize(spec, result);
    } else {
        for (const auto& c : result.countries) {
            for (const auto& w : c.warnings) {
                std::cerr << "warning: " << c.code << ": " << w << "\n";
            }
        }
    }
    if (!a.json_path.empty()) {
        io::write_json(a.json_path, rc::optimize_summary(spec, result));
    }
    if (!a.case_path.empty()) {
        io::write_text_atomically(a.case_path, result.countries.front().optimum.case_yaml);
    }
    return 0;
}

}  // namespace reesx::cli
