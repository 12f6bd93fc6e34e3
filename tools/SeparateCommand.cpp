// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "SeparateCommand.h"

#include <iostream>

#include "DesignOptions.h"
#include "PlantCost.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/PlantOutput.h"

namespace reesx::cli {

int run_separate(const SeparateOptions& o)
{
    std::string y;
    if (o.file.empty()) {
        y = "system: " + quoted(o.system) + "\nfeed: " + quoted(o.feed) + "\n";
        if (!o.feed_rate.empty()) {
            y += "feed-rate: " + quoted(o.feed_rate) + "\n";
        }
        if (o.purity != 0.0) {
            y += "purity: " + shortest(o.purity) + "\n";
        }
        if (o.lump_below >= 0.0) {
            y += "lump-below: " + shortest(o.lump_below) + "\n";
        }
    }
    if (o.linked) {
        y += "linked: true\n";
    }
    if (!o.file.empty() && o.linked) {
        throw reesx::InputError("--linked: with a separate file, write `linked: true` in it");
    }
    const reesx::InputNode root = o.file.empty() ? reesx::InputNode::load_string(y, "command line")
                                                 : reesx::InputNode::load_file(o.file);
    const reesx::SeparateSpec spec = reesx::parse_separate(root);
    const reesx::SeparateResult result = reesx::separate(spec, progress_on_stderr(o.quiet));
    if (!o.quiet) {
        std::cout << reesx::io::format_separate(spec, result);
    } else {
        print_warnings(std::cerr, spec.warnings);
    }
    nlohmann::json plant_cost;
    if (!o.countries.empty() || !o.scenario.empty()) {
        reesx::costs::CostRequest request;
        request.countries = split_codes(o.countries);
        request.scenario = o.scenario;
        plant_cost = reesx::cli::cost_separated_plant(spec, result, request, o.quiet);
    }
    write_summary(
        o.out,
        [&] {
            nlohmann::json j = reesx::io::separate_summary(spec, result);
            if (!plant_cost.is_null()) {
                j["cost"] = plant_cost;
            }
            return j;
        },
        reesx::io::separate_csv);
    if (!o.plant_path.empty()) {
        reesx::io::write_text_atomically(o.plant_path, reesx::plant_file_yaml(spec, result));
    }
    if (!o.h5_path.empty()) {
        reesx::cli::write_separate_result(o.h5_path, root, spec, result);
    }
    write_diagram(
        o.diagram, [&] { return reesx::plant_dot(spec, result); }, o.quiet);
    return code(ExitCode::ok);
}

}  // namespace reesx::cli
