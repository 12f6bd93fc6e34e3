// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "DesignCommand.h"

#include <iostream>
#include <optional>
#include <thread>

#include "PlantCost.h"
#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/DesignUncertaintyOutput.h"

namespace reesx::cli {

int run_design(const DesignOptions& o)
{
    const bool has_options = !design_document(o).empty();
    if (!o.file.empty() && has_options) {
        throw reesx::InputError(
            "give the design either as a file or as options (--system, --feed, --split, ...), "
            "not both");
    }
    const reesx::InputNode root =
        o.file.empty() ? reesx::InputNode::load_string(design_document(o), "command line")
                       : reesx::InputNode::load_file(o.file);
    const reesx::DesignSpec spec = reesx::parse_design(root);
    const reesx::DesignResult result = reesx::design(spec, progress_on_stderr(o.quiet));
    if (!o.quiet) {
        std::cout << reesx::io::format_design(spec, result);
    } else {
        const auto& warnings =
            result.three_outlet ? result.three_outlet->warnings : result.warnings;
        print_warnings(std::cerr, warnings);
    }
    std::optional<reesx::DesignUncertainty> uncertainty;
    if (o.uncertainty > 0) {
        const int threads =
            o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
        uncertainty = reesx::design_uncertainty(spec, result, o.uncertainty, o.seed, threads);
        if (!o.quiet) {
            std::cout << reesx::io::format_design_uncertainty(*uncertainty, result);
        }
    }
    write_summary(
        o.out,
        [&] {
            auto j = reesx::io::design_summary(spec, result);
            if (uncertainty) {
                j["uncertainty"] = reesx::io::design_uncertainty_json(*uncertainty);
            }
            return j;
        },
        reesx::io::design_csv);
    if (!o.case_path.empty()) {
        reesx::io::write_text_atomically(o.case_path, result.case_yaml);
    }
    if (!o.h5_path.empty()) {
        reesx::cli::write_design_result(o.h5_path, root, spec, result);
    }
    return code(ExitCode::ok);
}

}  // namespace reesx::cli
