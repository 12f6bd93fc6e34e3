// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx optimize --plant`: the cost-optimal whole plant, country by country.
#include <iostream>
#include <string>

#include "CommandOutput.h"
#include "OptimizeCommand.h"
#include "reesx/core/Error.h"
#include "reesx/costs/FrontsReport.h"
#include "reesx/costs/PlantFronts.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::cli {
namespace {

bool ends_with(const std::string& path, const std::string& tail)
{
    return path.size() > tail.size() &&
           path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_csv(const std::string& path)
{
    return ends_with(path, ".csv");
}

bool is_hdf5(const std::string& path)
{
    return ends_with(path, ".h5") || ends_with(path, ".hdf5");
}

//! The options that set a single cut, not a plant: refused with --plant.
void refuse_cut_options(const OptimizeArgs& a)
{
    const auto refuse = [](bool given, const std::string& option) {
        if (given) {
            throw InputError(option +
                             " sets a single cut; with --plant every product has the purity "
                             "--purity (or the separate file's purity:), remove " +
                             option);
        }
    };
    refuse(!a.split.empty(), "--split");
    refuse(a.purity_a != 0.0, "--purity-a");
    refuse(a.purity_b != 0.0, "--purity-b");
    refuse(a.recovery != 0.0 || !a.recovery_of.empty(), "--recovery");
    refuse(a.middle_purity != 0.0 || a.middle_recovery != 0.0, "a middle product");
    refuse(a.reflux_multiple != 0.0, "--reflux-multiple");
    refuse(a.max_stages != 0, "--max-stages");
    refuse(!a.feed_phase.empty(), "--feed-phase");
    refuse(!a.scrub_acid.empty(), "--scrub-acid");
    refuse(!a.efficiency.empty(), "--efficiency");
    refuse(!a.case_path.empty(), "--case (use --plant-file)");
    const auto single_cut_only = [](bool given, const std::string& option) {
        if (given) {
            throw InputError(option +
                             " works on a single cut only, not yet with --plant; "
                             "remove it, or optimize one cut without --plant");
        }
    };
    if (a.robust_reflux != "retuned") {
        throw InputError(
            "--robust-reflux " + a.robust_reflux +
            " works on a single cut only, not yet with --plant: a robust plant retunes each "
            "cascade's reflux in every sample; remove --robust-reflux");
    }
    if (a.percentile >= 0.0 && a.robust == 0) {
        throw InputError("--percentile sets the objective of --robust N: give --robust too");
    }
    const bool fronts = !a.pareto.empty() || !a.pareto_recovery.empty() || a.pareto_capital > 0;
    if (!a.output_path.empty() && !is_hdf5(a.output_path) && !(is_csv(a.output_path) && fronts)) {
        throw InputError("-o " + a.output_path +
                         ": with --plant, -o writes the result as HDF5 (a path ending .h5) or "
                         "the fronts as CSV (a path ending .csv, with --pareto, "
                         "--pareto-recovery or --pareto-capital)");
    }
    single_cut_only(a.uncertainty > 0, "--uncertainty");
}

InputNode separate_input(const OptimizeArgs& a)
{
    std::string y;
    const auto add = [&](const std::string& key, const std::string& value) {
        if (!value.empty()) {
            y += key + ": " + quoted(value) + "\n";
        }
    };
    add("system", a.system.empty() && !a.feed.empty() ? "p507-hcl" : a.system);
    add("feed", a.feed);
    add("feed-rate", a.feed_rate);
    if (a.purity != 0.0) {
        y += "purity: " + shortest(a.purity) + "\n";
    }
    if (a.lump_below >= 0.0) {
        y += "lump-below: " + shortest(a.lump_below) + "\n";
    }
    if (a.strip_stages != 0) {
        y += "strip-stages: " + std::to_string(a.strip_stages) + "\n";
    }
    if (!a.file.empty() && !y.empty()) {
        throw InputError(
            "give the plant either as a separate file or as options (--system, --feed, "
            "--purity, ...), not both");
    }
    if (a.file.empty() && a.feed.empty()) {
        throw InputError("--plant: give a separate file or --feed (and --system, --purity)");
    }
    return a.file.empty() ? InputNode::load_string(y, "command line")
                          : InputNode::load_file(a.file);
}

}  // namespace

int run_plant_optimize(const OptimizeArgs& a)
{
    namespace rc = reesx::costs;
    refuse_cut_options(a);
    if (a.objective != "levelized") {
        throw InputError("--objective: unknown objective '" + a.objective +
                         "'; expected levelized ((capital charge + operating cost) per kg REO "
                         "in the products)");
    }
    rc::PlantOptimizeOptions options;
    options.threads = a.threads;
    options.request.scenario = a.scenario;
    options.extraction_side = !a.fixed_extraction;
    options.choose_budget = a.purity_budget != "half";
    if (a.countries == "all") {
        options.request.countries = rc::builtin_cost_data().codes();
    } else {
        options.request.countries = split_codes(a.countries);
        if (!a.countries.empty() && options.request.countries.empty()) {
            throw InputError("--countries: expected country codes such as CN-NM,US or 'all'");
        }
    }
    rc::PlantFrontsRequest fronts;
    fronts.purities = fractions("--pareto", a.pareto, 0.5);
    fronts.recoveries = fractions("--pareto-recovery", a.pareto_recovery, 0.0);
    fronts.capital_points = a.pareto_capital;
    fronts.robust.samples = a.robust;
    fronts.robust.seed = a.seed;
    fronts.robust.radius = a.robust_radius;
    fronts.robust.threads = a.threads;
    if (a.percentile >= 0.0) {
        fronts.robust.percentile = a.percentile;
    }
    const SeparateSpec spec = parse_separate(separate_input(a));
    const rc::PlantOptimizeStudy study =
        rc::run_plant_optimize_study(spec, options, fronts, progress_on_stderr(a.quiet));
    const rc::PlantOptimizeResult& result = study.result;
    if (!a.quiet) {
        std::cout << rc::format_plant_optimize_study(spec, study);
    } else {
        for (const auto& c : result.countries) {
            for (const auto& w : c.warnings) {
                std::cerr << "warning: " << c.code << ": " << w << "\n";
            }
        }
    }
    const nlohmann::json summary = rc::plant_optimize_study_json(spec, study);
    if (!a.json_path.empty()) {
        io::write_json(a.json_path, summary);
    }
    if (is_hdf5(a.output_path)) {
        write_plant_optimize_hdf5(a.output_path, spec, study, summary);
    } else if (!a.output_path.empty()) {
        io::write_text_atomically(a.output_path, io::csv_text(rc::fronts_csv(study.fronts)));
    }
    if (!a.plant_path.empty()) {
        io::write_text_atomically(a.plant_path, result.countries.front().optimum.plant_yaml);
    }
    return 0;
}

}  // namespace reesx::cli
