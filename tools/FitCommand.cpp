// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "FitCommand.h"

#include <filesystem>
#include <iostream>

#include "CommandOutput.h"
#include "reesx/core/Error.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"
#include "reesx/validation/FitOutput.h"

namespace reesx::cli {
namespace {

struct FitOptions {
    std::string data, model = "separation-factor", system = "p507-hcl", json_path, output_path,
                      name;
    double outlier_limit = 3.0;
    bool quiet = false;
};

FitOptions& options()
{
    static FitOptions o;
    return o;
}

}  // namespace

CLI::App* add_fit_command(CLI::App& app)
{
    FitOptions& o = options();
    auto* fit = app.add_subcommand(
        "fit",
        "fit a system's equilibrium parameters to batch data (weighted least squares in log D)");
    fit->add_option("data", o.data, "batch data CSV (the LLEPE wide layout or the long layout)")
        ->required();
    fit->add_option("--model", o.model, "separation-factor (default), mass-action, ph-correlation");
    fit->add_option("--system", o.system,
                    "base system: start values, and the values kept where the data say nothing "
                    "(default p507-hcl)");
    fit->add_option("--json", o.json_path, "JSON summary file");
    fit->add_option("-o,--output", o.output_path,
                    "write the fitted system file (ph-correlation: the case file's mapping)");
    fit->add_option("--name", o.name, "name of the fitted system (default: BASE-fit)");
    fit->add_option("--outlier-limit", o.outlier_limit,
                    "|studentized residual| above which a point is an outlier (default 3)")
        ->check(CLI::Range(1.0, 100.0));
    fit->add_flag("-q,--quiet", o.quiet, "print nothing on stdout (warnings on stderr)");
    return fit;
}

int run_fit_command()
{
    const FitOptions& o = options();
    validation::FitOptions fo;
    fo.model = validation::parse_fit_model(o.model);
    fo.outlier_limit = o.outlier_limit;
    const std::string& s = o.system;
    fo.base =
        (s.ends_with(".yaml") || s.ends_with(".yml")) ? load_system_file(s) : builtin_system(s);
    const validation::BatchData data = validation::read_batch_data(o.data);
    const validation::FitResult result = validation::fit(data, fo);
    if (!o.quiet) {
        std::cout << validation::format_fit(result, data);
    } else {
        print_warnings(std::cerr, result.warnings);
    }
    if (!o.json_path.empty()) {
        nlohmann::json j = validation::fit_summary(result, data);
        j["reesx_version"] = REESX_VERSION;
        j["input"] = {{"data", o.data},
                      {"model", o.model},
                      {"system", o.system},
                      {"output", o.output_path},
                      {"outlier_limit", o.outlier_limit}};
        io::write_json(o.json_path, j);
    }
    if (!o.output_path.empty()) {
        const std::string name = o.name.empty() ? fo.base.name + "-fit" : o.name;
        io::write_text_atomically(o.output_path,
                                  validation::fitted_system_yaml(result, data, name));
        if (!o.quiet) {
            std::cout << "wrote " << o.output_path << "\n";
        }
    }
    return 0;
}

}  // namespace reesx::cli
