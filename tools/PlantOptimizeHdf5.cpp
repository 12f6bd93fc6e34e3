// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The HDF5 result of `reesx optimize --plant -o OUT.h5`: the layout of a plant's file (the
// first country's optimal plant, solved again from its plant file: /cascades/NAME, the root's
// products, recovery, balance) plus the optimize datasets of a single cut, one value per
// country, and the front of --pareto (docs/interface.md, "HDF5 result files").
#include <string>
#include <vector>

#include "OptimizeCommand.h"
#include "reesx/costs/FrontsReport.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"

namespace reesx::cli {

void write_plant_optimize_hdf5(const std::string& path, const SeparateSpec& spec,
                               const costs::PlantOptimizeStudy& study,
                               const nlohmann::json& summary)
{
    const costs::PlantOptimizeResult& result = study.result;
    const costs::PricedPlant& best = result.countries.front().optimum;
    const PlantSpec plant =
        parse_plant(InputNode::load_string(best.plant_yaml, "the optimal plant"));
    const PlantResult solved = solve_plant(plant);
    const nlohmann::json input = {{"system", spec.system.name},
                                  {"feed", spec.feed.name},
                                  {"purity", result.purity},
                                  {"country_order", summary.at("country_order")}};
    io::write_plant_hdf5(path, "optimize", plant, solved, input,
                         spec.root ? spec.root->dump() : std::string(), [&](io::Hdf5Writer& h5) {
                             h5.write_attribute("/", "plant_yaml", best.plant_yaml);
                             std::vector<std::string> codes;
                             std::vector<double> cost, capex, opex, baseline;
                             std::vector<int> stages, cascades, returned;
                             for (const auto& c : result.countries) {
                                 codes.push_back(c.code);
                                 cost.push_back(c.optimum.cost_usd_per_kg);
                                 capex.push_back(c.optimum.cost.capex_usd);
                                 opex.push_back(c.optimum.cost.opex_usd_per_year);
                                 baseline.push_back(c.baseline.cost_usd_per_kg);
                                 stages.push_back(c.optimum.total_stages);
                                 cascades.push_back(static_cast<int>(c.optimum.cascades.size()));
                                 returned.push_back(c.baseline_returned ? 1 : 0);
                             }
                             h5.write_strings("/countries", codes);
                             h5.write_dataset("/optimum/cost_usd_per_kg", cost, "USD/kg");
                             h5.write_dataset("/optimum/capex_usd", capex, "USD");
                             h5.write_dataset("/optimum/opex_usd_per_year", opex, "USD/y");
                             h5.write_dataset("/optimum/total_stages", stages, "1");
                             h5.write_dataset("/optimum/cascades", cascades, "1");
                             h5.write_dataset("/optimum/baseline_cost_usd_per_kg", baseline,
                                              "USD/kg");
                             h5.write_dataset("/optimum/baseline_returned", returned, "1");
                             if (!study.fronts.purity.empty() || !study.fronts.recovery.empty() ||
                                 !study.fronts.capital_operating.empty()) {
                                 costs::write_fronts_hdf5(h5, study.fronts);
                             }
                             h5.write_attribute("/", "summary_json", summary.dump(2));
                         });
}

}  // namespace reesx::cli
