// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "ValidateCommand.h"

#include <iostream>

#include "CommandOutput.h"
#include "reesx/io/Results.h"
#include "reesx/validation/Validation.h"

namespace reesx::cli {

int validate(const std::string& cases_dir, const std::vector<std::string>& only,
             const std::string& json_path, bool strict, bool quiet)
{
    namespace v = reesx::validation;
    const auto folders =
        cases_dir.empty() ? v::embedded_case_files() : v::case_files_from_directory(cases_dir);
    const v::Report report = v::run(folders, only);
    if (!quiet) {
        std::cout << v::format_report(report);
    }
    if (!json_path.empty()) {
        reesx::io::write_json(json_path, v::validate_summary(report, cases_dir, only, strict));
    }
    return code(report.ok(!strict) ? ExitCode::ok : ExitCode::no_solution);
}

}  // namespace reesx::cli
