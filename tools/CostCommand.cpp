// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "CostCommand.h"

#include <iostream>

#include "PlantCost.h"
#include "reesx/costs/Report.h"

namespace reesx::cli {

int cost_case(const std::string& case_path, const std::string& h5_path, const SummaryFiles& out,
              const CostArgs& args)
{
    namespace rc = reesx::costs;
    const reesx::InputNode root = reesx::InputNode::load_file(case_path);
    rc::CostRequest request;
    request.countries = split_codes(args.countries);
    request.scenario = args.scenario;
    request.sensitivity = args.sensitivity;
    request.monte_carlo.samples = args.monte_carlo;
    request.monte_carlo.seed = args.seed;
    request.monte_carlo.threads = args.threads;
    request.monte_carlo.resimulate = !args.no_resimulate;
    request.monte_carlo.progress = !args.quiet;
    if (reesx::is_plant_file(root)) {
        return reesx::cli::cost_plant(root, out.json_path, out.csv_dir, h5_path, request,
                                      args.quiet);
    }
    const reesx::CaseSpec spec = reesx::parse_one_cascade(root, "cost");
    const rc::CostStudy study = rc::cost_study(spec, request);
    // The case's and the solve's warnings (an inverted extraction order, idle stages) beside
    // the costing's own (which the table lists).
    if (!args.quiet) {
        std::cout << rc::format_cost(spec, study.model, study.run);
        print_warnings(std::cout, study.cascade.warnings);
    } else {
        print_warnings(std::cerr, study.cascade.warnings);
        print_warnings(std::cerr, study.model.setup().warnings);
    }
    write_summary(
        out, [&] { return rc::cost_summary(spec, study); },
        [&](const nlohmann::json& j) { return rc::cost_csv(j, study.run); });
    if (!h5_path.empty()) {
        rc::write_cost_hdf5(h5_path, spec, study.run, &study.cascade);
    }
    return code(ExitCode::ok);
}

}  // namespace reesx::cli
