// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Running a cost study: the cascade, the cost model, the countries asked for, and the
// sensitivity and Monte Carlo runs on request. Its reports are in CostTable.cpp,
// CostJson.cpp and CountriesReport.cpp.
#include "reesx/costs/Report.h"

#include <utility>

namespace reesx::costs {

double gap_per_kg(const CountryCost& c, const CountryCost& reference, int item)
{
    const auto per_kg = [item](const CountryCost& x) {
        const double usd = item < num_opex_items ? x.opex_usd_per_year_by_item[item]
                                                 : x.capital_charge_usd_per_year;
        return x.reo_fed_kg_per_year > 0.0 ? usd / x.reo_fed_kg_per_year : 0.0;
    };
    return per_kg(c) - per_kg(reference);
}

CostRun run_costs(const CostModel& model, const std::vector<std::string>& codes,
                  bool with_sensitivity)
{
    CostRun run;
    for (const auto& code : codes) {
        const Region& r = model.region(code);
        run.countries.push_back(model.evaluate(r));
        if (with_sensitivity) {
            run.tornado.push_back(sensitivity(model, r));
        }
    }
    return run;
}

void apply_request(CostSetup& setup, const CostRequest& request)
{
    if (!request.countries.empty()) {
        setup.options.countries = request.countries;
    }
    if (!request.scenario.empty()) {
        if (!setup.data.has_scenario(request.scenario)) {
            throw InputError("--scenario: unknown scenario '" + request.scenario +
                             "' (reesx countries lists them)");
        }
        setup.options.scenario = request.scenario;
    }
    if (request.intermediate_concentration_mol_per_L) {
        setup.options.intermediate_concentration_mol_per_L =
            request.intermediate_concentration_mol_per_L;
    }
    if (request.capital_charge_weight) {
        setup.options.capital_charge_weight = *request.capital_charge_weight;
    }
    if (setup.options.countries.empty()) {
        throw InputError("--countries: give at least one country code, e.g. CN-NM,US");
    }
}

CostStudy cost_study(const CaseSpec& spec, const CostRequest& request)
{
    CostSetup setup = parse_cost_setup(spec);
    apply_request(setup, request);
    const std::vector<std::string> codes = setup.options.countries;
    Cascade cascade(spec);
    CascadeResult result = cascade.solve();
    CostModel model(std::move(setup), plant_streams(spec, result));
    CostRun run = run_costs(model, codes, request.sensitivity);
    if (request.monte_carlo.samples > 0) {
        run.monte_carlo = monte_carlo(spec, model, codes, request.monte_carlo);
    }
    return {std::move(result), std::move(model), std::move(run)};
}

}  // namespace reesx::costs
