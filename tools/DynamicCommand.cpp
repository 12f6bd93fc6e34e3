// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "DynamicCommand.h"

#include <iostream>

#include "reesx/core/Input.h"
#include "reesx/flowsheets/Dynamic.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/io/DynamicOutput.h"

namespace reesx::cli {
namespace {

//! A case file for a command that takes one cascade; a plant file says so.
reesx::CaseSpec load_one_cascade(const std::string& path, const std::string& command)
{
    return reesx::parse_one_cascade(reesx::InputNode::load_file(path), command);
}

}  // namespace

int run_dynamic(const std::string& case_path, double hours, const std::string& h5_path,
                const SummaryFiles& out, bool quiet)
{
    const reesx::CaseSpec spec = load_one_cascade(case_path, "dynamic");
    reesx::DynamicSpec dynamic = reesx::parse_dynamic(spec);
    if (hours > 0.0) {
        dynamic.hours = hours;
    }
    const reesx::DynamicResult result =
        reesx::simulate_dynamic(spec, dynamic, progress_on_stderr(quiet));
    if (!quiet) {
        std::cout << reesx::io::format_dynamic(spec, dynamic, result);
    } else {
        if (result.has_steady_state) {
            print_warnings(std::cerr, result.steady_state.warnings);
        }
        print_warnings(std::cerr, result.warnings);
    }
    write_summary(
        out, [&] { return reesx::io::dynamic_summary(spec, dynamic, result); },
        reesx::io::dynamic_csv);
    if (!h5_path.empty()) {
        reesx::io::write_dynamic_hdf5(h5_path, spec, result);
    }
    return code(ExitCode::ok);
}

}  // namespace reesx::cli
