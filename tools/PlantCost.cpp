// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx cost PLANT.yaml` and `reesx separate --countries` (docs/costs.md, "Whole plants").
#include "PlantCost.h"

#include <iostream>

#include "CommandOutput.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Csv.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"

namespace reesx::cli {
namespace {

void print_plant_warnings(const PlantResult& result, const costs::PlantCostStudy& study, bool quiet)
{
    // The table lists the costing's own warnings; the plant's go after it, or to stderr.
    print_warnings(quiet ? std::cerr : std::cout, result.warnings);
    if (quiet) {
        print_warnings(std::cerr, study.plant_model.setup().warnings);
    }
}

}  // namespace

int cost_plant(const InputNode& root, const std::string& json_path, const std::string& csv_dir,
               const std::string& h5_path, const costs::CostRequest& request, bool quiet)
{
    const PlantSpec spec = parse_plant(root);
    const PlantResult result = solve_plant(spec, progress_on_stderr(quiet));
    const costs::PlantCostStudy study = costs::plant_cost_study(spec, result, request);
    if (!quiet) {
        std::cout << costs::format_plant_cost(study);
    }
    print_plant_warnings(result, study, quiet);
    if (!h5_path.empty()) {
        io::write_plant_hdf5(h5_path, "cost", spec, result,
                             io::plant_run_summary(spec, result).at("input"), root.dump(),
                             [&](io::Hdf5Writer& h5) { costs::write_cost_groups(h5, study.run); });
    }
    if (!json_path.empty() || !csv_dir.empty()) {
        const nlohmann::json j = costs::plant_cost_summary(spec, result, study);
        if (!json_path.empty()) {
            io::write_json(json_path, j);
        }
        if (!csv_dir.empty()) {
            io::write_csv_tables(csv_dir, costs::cost_csv(j, study.run));
        }
    }
    return 0;
}

nlohmann::json cost_separated_plant(const SeparateSpec& spec, const SeparateResult& result,
                                    const costs::CostRequest& request, bool quiet)
{
    const InputNode root =
        InputNode::load_string(plant_file_yaml(spec, result), "the separated plant");
    const PlantSpec plant = parse_plant(root);
    const PlantResult solved = solve_plant(plant);
    // separate designed each downstream cascade for its feed at this concentration: the
    // water evaporated to get there is part of the plant's energy.
    costs::CostRequest with_feeds = request;
    with_feeds.intermediate_concentration_mol_per_L = spec.feed_concentration_mol_per_L;
    const costs::PlantCostStudy study = costs::plant_cost_study(plant, solved, with_feeds);
    if (!quiet) {
        std::cout << "\n" << costs::format_plant_cost(study);
    }
    print_plant_warnings(solved, study, quiet);
    return costs::plant_cost_json(study);
}

}  // namespace reesx::cli

namespace reesx::cli {

void write_plant_result(const std::string& h5_path, const InputNode& root, const PlantSpec& spec,
                        const PlantResult& result)
{
    io::write_plant_hdf5(h5_path, "run", spec, result,
                         io::plant_run_summary(spec, result).at("input"), root.dump());
}

void write_design_result(const std::string& h5_path, const InputNode& root, const DesignSpec& spec,
                         const DesignResult& result)
{
    const bool three = result.three_outlet.has_value();
    const std::string& case_yaml = three ? result.three_outlet->case_yaml : result.case_yaml;
    const CascadeResult& simulation = three ? result.three_outlet->simulation : result.simulation;
    const CaseSpec cascade = parse_case(InputNode::load_string(case_yaml, "the designed case"));
    io::write_file_atomically(h5_path, [&](const std::string& temp) {
        io::Hdf5Writer h5(temp);
        io::write_result_header(h5, "design", root.source_name(),
                                io::design_summary(spec, result).at("input"), root.dump());
        h5.write_attribute("/", "case_yaml", case_yaml);
        io::write_cascade_hdf5(h5, "", cascade, simulation);
        h5.close();
    });
}

void write_separate_result(const std::string& h5_path, const InputNode& root,
                           const SeparateSpec& spec, const SeparateResult& result)
{
    const InputNode plant_root =
        InputNode::load_string(plant_file_yaml(spec, result), "the separated plant");
    const PlantSpec plant = parse_plant(plant_root);
    const PlantResult solved = solve_plant(plant);
    io::write_plant_hdf5(h5_path, "separate", plant, solved,
                         io::separate_summary(spec, result).at("input"), root.dump());
}

}  // namespace reesx::cli
