// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The files of `reesx cost`: the CSV tables (--csv) and the HDF5 result file (-o), for a case
// or a plant file.
#include <algorithm>
#include <cmath>

#include "reesx/costs/Report.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::costs {

namespace {

//! A Monte Carlo quantity: its name (JSON key and column), unit, and samples [sample][country].
struct SampledQuantity {
    const char* name;
    const char* unit;
    const std::vector<std::vector<double>>* samples;
};

std::vector<SampledQuantity> sampled_quantities(const MonteCarloResult& mc)
{
    return {{"cost_usd_per_kg", "USD/kg REO fed", &mc.cost_usd_per_kg},
            {"capex_usd", "USD", &mc.capex_usd},
            {"opex_usd_per_year", "USD/year", &mc.opex_usd_per_year},
            {"energy_kwh_per_kg", "kWh/kg REO fed", &mc.energy_kwh_per_kg},
            {"co2_kg_per_kg", "kg CO2/kg REO fed", &mc.co2_kg_per_kg}};
}

}  // namespace

std::vector<io::CsvTable> cost_csv(const nlohmann::json& summary, const CostRun& run)
{
    std::vector<std::string> codes;
    for (const auto& c : run.countries) {
        codes.push_back(c.code);
    }
    io::CsvTable items{"cost_items.csv", {"item", "unit"}, {}};
    items.header.insert(items.header.end(), codes.begin(), codes.end());
    const nlohmann::json& countries = summary.at("countries");
    // (JSON path, unit) of every item: capital, operating cost, then the per-kg figures.
    std::vector<std::pair<nlohmann::json::json_pointer, std::string>> paths;
    const nlohmann::json& first = countries.at(codes.front());
    paths.emplace_back("/capex_usd", "USD");
    for (const auto& [key, value] : first.at("capex_breakdown_usd").items()) {
        paths.emplace_back("/capex_breakdown_usd/" + key, "USD");
    }
    paths.emplace_back("/opex_usd_per_year", "USD/year");
    for (const auto& [key, value] : first.at("opex_breakdown_usd_per_year").items()) {
        paths.emplace_back("/opex_breakdown_usd_per_year/" + key, "USD/year");
    }
    paths.emplace_back("/capital_charge_usd_per_year", "USD/year");
    paths.emplace_back("/annual_cost_usd_per_year", "USD/year");
    for (const auto& [key, unit] :
         {std::pair<std::string, std::string>{"cost_usd_per_kg", "USD/kg"},
          {"energy_kwh_per_kg", "kWh/kg"},
          {"co2_kg_per_kg", "kg CO2/kg"}}) {
        paths.emplace_back("/" + key + "/reo_fed", unit + " REO fed");
        for (const auto& [product, value] : first.at(key).at("products").items()) {
            paths.emplace_back("/" + key + "/products/" + product, unit + " " + product);
        }
    }
    // A plant's cascades and the elements it sells (reesx cost PLANT.yaml).
    if (first.contains("cascades")) {
        for (const auto& [cascade, value] : first.at("cascades").items()) {
            paths.emplace_back("/cascades/" + cascade + "/capex_usd", "USD");
            paths.emplace_back("/cascades/" + cascade + "/annual_cost_usd_per_year", "USD/year");
        }
    }
    if (first.contains("elements")) {
        for (const auto& [symbol, value] : first.at("elements").items()) {
            paths.emplace_back("/elements/" + symbol + "/cost_usd_per_kg",
                               "USD/kg " + symbol + " oxide sold");
        }
    }
    for (const auto& [pointer, unit] : paths) {
        std::string name = pointer.to_string().substr(1);
        std::replace(name.begin(), name.end(), '/', '.');
        std::vector<std::string> row = {io::csv_cell(name), io::csv_cell(unit)};
        for (const auto& code : codes) {
            const nlohmann::json& country = countries.at(code);
            row.push_back(country.contains(pointer) ? io::csv_cell(country.at(pointer)) : "");
        }
        items.rows.push_back(row);
    }
    std::vector<io::CsvTable> out = {items};
    if (run.monte_carlo) {
        const MonteCarloResult& mc = *run.monte_carlo;
        io::CsvTable samples{"monte_carlo_samples.csv", {"sample", "country"}, {}};
        const auto quantities = sampled_quantities(mc);
        for (const auto& q : quantities) {
            samples.header.emplace_back(q.name);
        }
        for (std::size_t i = 0; i < mc.cost_usd_per_kg.size(); ++i) {
            for (std::size_t c = 0; c < codes.size(); ++c) {
                std::vector<std::string> row = {std::to_string(i), codes[c]};
                for (const auto& q : quantities) {
                    row.push_back(io::csv_cell((*q.samples)[i][c]));
                }
                samples.rows.push_back(row);
            }
        }
        out.push_back(samples);
    }
    return out;
}

void write_cost_hdf5(const std::string& path, const CaseSpec& spec, const CostRun& run)
{
    write_cost_hdf5(path, spec, run, nullptr);
}

void write_cost_hdf5(const std::string& path, const CaseSpec& spec, const CostRun& run,
                     const CascadeResult* cascade)
{
    io::write_file_atomically(path, [&](const std::string& temp) {
        io::Hdf5Writer h5(temp);
        io::write_result_header(h5, "cost", spec);
        if (cascade != nullptr) {
            io::write_cascade_hdf5(h5, "", spec, *cascade);
        }
        write_cost_groups(h5, run);
        h5.close();
    });
}

void write_cost_groups(io::Hdf5Writer& h5, const CostRun& run)
{
    {
        std::vector<std::string> codes;
        std::vector<double> capex, opex, cost, energy, co2, opex_items;
        for (const auto& c : run.countries) {
            codes.push_back(c.code);
            capex.push_back(c.capex_usd);
            opex.push_back(c.opex_usd_per_year);
            cost.push_back(c.cost_usd_per_kg_reo_fed);
            energy.push_back(c.energy_kwh_per_kg_reo_fed);
            co2.push_back(c.co2_kg_per_kg_reo_fed);
            opex_items.insert(opex_items.end(), c.opex_usd_per_year_by_item.begin(),
                              c.opex_usd_per_year_by_item.begin() + num_opex_items);
        }
        h5.write_strings("/countries", codes);
        h5.create_group("/cost");
        h5.write_dataset("/cost/capex_usd", capex, "USD");
        h5.write_dataset("/cost/opex_usd_per_year", opex, "USD/year");
        h5.write_dataset("/cost/cost_usd_per_kg", cost, "USD/kg REO fed");
        h5.write_dataset("/cost/energy_kwh_per_kg", energy, "kWh/kg REO fed");
        h5.write_dataset("/cost/co2_kg_per_kg", co2, "kg CO2/kg REO fed");
        std::vector<std::string> item_names;
        for (int k = 0; k < num_opex_items; ++k) {
            item_names.emplace_back(opex_key(static_cast<OpexItem>(k)));
        }
        h5.write_strings("/cost/opex_items", item_names);
        h5.write_dataset("/cost/opex_breakdown", opex_items, codes.size(),
                         static_cast<std::size_t>(num_opex_items), "USD/year");
        std::vector<std::string> energy_names;
        std::vector<double> energy_items;
        for (int k = 0; k < num_energy_items; ++k) {
            energy_names.emplace_back(energy_key(static_cast<EnergyItem>(k)));
        }
        for (const auto& c : run.countries) {
            energy_items.insert(energy_items.end(), c.energy_kwh_per_year_by_item.begin(),
                                c.energy_kwh_per_year_by_item.end());
        }
        h5.write_strings("/cost/energy_items", energy_names);
        h5.write_dataset("/cost/energy_breakdown", energy_items, codes.size(),
                         static_cast<std::size_t>(num_energy_items), "kWh/year");
        if (run.monte_carlo) {
            const MonteCarloResult& mc = *run.monte_carlo;
            h5.create_group("/monte_carlo");
            h5.write_attribute("/monte_carlo", "samples", static_cast<long>(mc.samples));
            h5.write_attribute("/monte_carlo", "failed", static_cast<long>(mc.failed));
            h5.write_attribute("/monte_carlo", "seed", static_cast<long>(mc.seed));
            std::vector<int> failed;
            for (const auto& sample : mc.cost_usd_per_kg) {
                failed.push_back(sample.empty() || !std::isfinite(sample.front()) ? 1 : 0);
            }
            h5.write_dataset("/monte_carlo/failed", failed, "1");
            for (const auto& q : sampled_quantities(mc)) {
                std::vector<double> row_major;
                for (const auto& sample : *q.samples) {
                    row_major.insert(row_major.end(), sample.begin(), sample.end());
                }
                h5.write_dataset(std::string("/monte_carlo/") + q.name, row_major,
                                 q.samples->size(), codes.size(), q.unit);
            }
        }
    }
}

}  // namespace reesx::costs
