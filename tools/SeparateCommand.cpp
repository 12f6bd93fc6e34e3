// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "SeparateCommand.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "DesignOptions.h"
#include "PlantCost.h"
#include "reesx/costs/SampledCosts.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/DesignUncertaintyOutput.h"
#include "reesx/io/PlantOutput.h"

namespace reesx::cli {
namespace {

//! "Th4+:200 mg/L,Fe3+:40 mg/L" as the separate file's `impurities:` mapping.
std::string impurities_yaml(const std::string& text)
{
    std::string y = "impurities: {";
    std::size_t start = 0;
    bool first = true;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, end - start);
        const std::size_t colon = item.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
            throw reesx::InputError(
                "--impurities: expected ION:CONCENTRATION pairs separated by "
                "commas, e.g. \"Th4+:200 mg/L,Fe3+:40 mg/L\", got '" +
                item + "'");
        }
        y += std::string(first ? "" : ", ") + quoted(item.substr(0, colon)) + ": " +
             quoted(item.substr(colon + 1));
        first = false;
        start = end + 1;
    }
    return y + "}\n";
}

}  // namespace

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
    if (!o.file.empty() && (!o.impurities.empty() || !o.impurity_limit.empty())) {
        throw reesx::InputError(
            "--impurities, --impurity-limit: with a separate file, write `impurities:` and "
            "`impurity-limit:` in it");
    }
    if (!o.impurities.empty()) {
        y += impurities_yaml(o.impurities);
    }
    if (!o.impurity_limit.empty()) {
        y += "impurity-limit: " + quoted(o.impurity_limit) + "\n";
    }
    const reesx::InputNode root = o.file.empty() ? reesx::InputNode::load_string(y, "command line")
                                                 : reesx::InputNode::load_file(o.file);
    const reesx::SeparateSpec spec = reesx::parse_separate(root);
    const reesx::SeparateResult result = reesx::separate(spec, progress_on_stderr(o.quiet));
    if (!o.quiet) {
        std::cout << reesx::io::format_separate(spec, result);
    } else {
        print_warnings(std::cerr, spec.warnings);
        print_warnings(std::cerr, result.warnings);
        if (result.impurity_removal) {
            print_warnings(std::cerr, result.impurity_removal->warnings);
        }
    }
    nlohmann::json plant_cost;
    reesx::costs::CostRequest request;
    const bool costed = !o.countries.empty() || !o.scenario.empty();
    if (costed) {
        request.countries = split_codes(o.countries);
        request.scenario = o.scenario;
        plant_cost = reesx::cli::cost_separated_plant(spec, result, request, o.quiet);
    }
    nlohmann::json uncertainty;
    if (o.uncertainty > 0) {
        const int threads =
            o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
        std::vector<std::string> codes;
        reesx::CascadeCosting costing;
        if (costed) {
            std::vector<int> components;
            for (int e = 0; e < reesx::num_elements; ++e) {
                if (spec.feed.mole_fraction[e] > 0.0) {
                    components.push_back(e);
                }
            }
            reesx::costs::CostSetup setup =
                reesx::costs::parse_cost_mapping(std::nullopt, spec.system.name, components);
            reesx::costs::apply_request(setup, request);
            codes = setup.options.countries;
            double feed_reo_kg_per_h = 0.0;
            for (int e = 0; e < reesx::num_elements; ++e) {
                feed_reo_kg_per_h += spec.feed.mole_fraction[e] * spec.feed_re_mol_per_h *
                                     reesx::elements()[e].oxide_mass_per_mol_element_g() / 1e3;
            }
            costing = reesx::costs::plant_share_costing(setup, codes, feed_reo_kg_per_h);
        }
        const reesx::SeparateUncertainty u = reesx::separate_uncertainty(
            spec, result, o.uncertainty, o.seed, threads, costing, o.keep_sequence);
        if (!o.quiet) {
            std::cout << reesx::io::format_separate_uncertainty(u, codes);
        } else {
            print_warnings(std::cerr, u.warnings);
        }
        uncertainty = reesx::io::separate_uncertainty_json(u, codes);
    }
    write_summary(
        o.out,
        [&] {
            nlohmann::json j = reesx::io::separate_summary(spec, result);
            if (!plant_cost.is_null()) {
                j["cost"] = plant_cost;
            }
            if (!uncertainty.is_null()) {
                j["uncertainty"] = uncertainty;
                for (const auto& w : uncertainty.at("warnings")) {
                    j["warnings"].push_back(w);
                }
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
