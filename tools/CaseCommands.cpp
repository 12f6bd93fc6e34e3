// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "CaseCommands.h"

#include <iostream>

#include "PlantCost.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"

namespace reesx::cli {
namespace {

//! `reesx run` of a plant file (docs/plants.md, "Plant files").
int run_plant(const reesx::InputNode& root, const std::string& h5_path, const SummaryFiles& out,
              const DiagramFiles& diagram, bool stage_profile, bool quiet)
{
    const reesx::PlantSpec spec = reesx::parse_plant(root);
    const reesx::PlantResult result = reesx::solve_plant(spec, progress_on_stderr(quiet));
    if (!h5_path.empty()) {
        reesx::cli::write_plant_result(h5_path, root, spec, result);
    }
    if (!quiet) {
        std::cout << reesx::io::format_plant_run(spec, result, stage_profile);
    } else {
        print_warnings(std::cerr, result.warnings);
    }
    write_summary(
        out, [&] { return reesx::io::plant_run_summary(spec, result); }, reesx::io::plant_run_csv);
    write_diagram(
        diagram, [&] { return reesx::io::plant_run_dot(spec, result); }, quiet);
    return code(ExitCode::ok);
}

}  // namespace

int run_case(const std::string& case_path, const std::string& h5_path, const SummaryFiles& out,
             const DiagramFiles& diagram, bool stage_profile, bool quiet, bool verbose)
{
    const reesx::InputNode root = reesx::InputNode::load_file(case_path);
    if (reesx::is_plant_file(root)) {
        return run_plant(root, h5_path, out, diagram, stage_profile, quiet);
    }
    if (diagram.wanted()) {
        throw reesx::InputError(
            "--dot, --svg: the diagram shows a plant file's cascades and "
            "streams; '" +
            case_path + "' is one cascade");
    }
    const reesx::CaseSpec spec = reesx::parse_case(root);
    reesx::Cascade cascade(spec);
    if (verbose) {
        // Asked for, so shown whatever -q says.
        cascade.set_progress([](const std::string& line) { std::cerr << line << "\n"; });
    }
    const reesx::CascadeResult result = cascade.solve();
    if (!quiet) {
        std::cout << reesx::io::format_run(spec, result, stage_profile);
    } else {
        print_warnings(std::cerr, result.warnings);
    }
    write_summary(
        out, [&] { return reesx::io::run_summary(spec, result); }, reesx::io::run_csv);
    if (!h5_path.empty()) {
        reesx::io::write_run_hdf5(h5_path, spec, result);
    }
    return code(ExitCode::ok);
}

int check_case(const std::string& case_path)
{
    const reesx::InputNode root = reesx::InputNode::load_file(case_path);
    if (reesx::is_plant_file(root)) {
        const reesx::PlantSpec plant = reesx::parse_plant(root);
        std::cout << case_path << ": OK, a plant of " << plant.cascades.size() << " cascades and "
                  << plant.streams.size() << " streams\n";
        for (const auto& s : plant.streams) {
            std::cout << "  stream " << s.label << " (stage " << s.stage << ")\n";
        }
        return code(ExitCode::ok);
    }
    const reesx::CaseSpec spec = reesx::parse_case(root);
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

}  // namespace reesx::cli
