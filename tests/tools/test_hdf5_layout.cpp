// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// One reader for the HDF5 result file of every command (docs/interface.md, "HDF5 result
// files"): run, dynamic, run of a plant file, design, separate, cost of a case and of a plant,
// optimize of a plant.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "reesx/io/Hdf5.h"
#include "reesx/thermo/Elements.h"
#include "reesx/thermo/Species.h"

namespace {

namespace fs = std::filesystem;
using reesx::test::run_reesx;
namespace io = reesx::io;

std::string example(const std::string& name)
{
    return std::string(REESX_SOURCE_DIR) + "/examples/" + name;
}

//! The stage profile of one cascade under `prefix`: stage numbers 1..N, a section name per
//! stage, concentrations [N × elements] in mol/L. Returns N.
std::size_t read_stages(const std::string& file, const std::string& prefix)
{
    std::vector<std::size_t> dims;
    const std::vector<double> numbers = io::read_dataset(file, prefix + "/stages/number", &dims);
    EXPECT_EQ(dims.size(), 1u) << file << prefix;
    for (std::size_t s = 0; s < numbers.size(); ++s) {
        EXPECT_EQ(numbers[s], static_cast<double>(s + 1)) << file << prefix;
    }
    const auto sections = io::read_strings(file, prefix + "/stages/section");
    EXPECT_EQ(sections.size(), numbers.size()) << file << prefix;
    const std::set<std::string> known = {"extraction", "scrub", "strip"};
    for (const auto& s : sections) {
        EXPECT_TRUE(known.contains(s)) << file << prefix << ": section " << s;
    }
    for (const char* phase : {"aqueous", "organic"}) {
        const std::string path = prefix + "/stages/" + phase + "/concentration";
        io::read_dataset(file, path, &dims);
        EXPECT_EQ(dims, (std::vector<std::size_t>{numbers.size(),
                                                  static_cast<std::size_t>(reesx::num_elements)}))
            << file << path;
        EXPECT_EQ(io::read_string_attribute(file, path, "units"), "mol/L") << file << path;
    }
    return numbers.size();
}

//! A steady state's products: each flow a scalar in L/h, mol_per_h per element in mol/h.
void read_products(const std::string& file, const std::string& prefix)
{
    const auto names = io::read_strings(file, prefix + "/recovery_products");
    EXPECT_FALSE(names.empty()) << file << prefix;
    for (const auto& name : names) {
        const std::string g = prefix + "/products/" + name;
        std::vector<std::size_t> dims;
        const auto flow = io::read_dataset(file, g + "/flow", &dims);
        EXPECT_TRUE(dims.empty()) << file << g << "/flow is not a scalar";
        ASSERT_EQ(flow.size(), 1u);
        EXPECT_GE(flow[0], 0.0);
        EXPECT_EQ(io::read_string_attribute(file, g + "/flow", "units"), "L/h");
        io::read_dataset(file, g + "/mol_per_h", &dims);
        EXPECT_EQ(dims, (std::vector<std::size_t>{static_cast<std::size_t>(reesx::num_elements)}));
        EXPECT_EQ(io::read_string_attribute(file, g + "/mol_per_h", "units"), "mol/h");
        // Impurity ions, where there are any: their own datasets, one column per ion.
        for (const char* dataset : {"/impurity_mol_per_h", "/impurity_ppm_reo"}) {
            if (io::object_exists(file, g + dataset)) {
                io::read_dataset(file, g + dataset, &dims);
                EXPECT_EQ(
                    dims,
                    (std::vector<std::size_t>{static_cast<std::size_t>(reesx::num_impurities)}))
                    << file << g << dataset;
            }
        }
    }
}

//! Everything every result file has, then the cascades it holds (the root, or
//! /cascades/NAME for each name in /cascade_order).
void read_result(const std::string& file, const std::string& command, bool steady_state)
{
    ASSERT_TRUE(fs::exists(file)) << file;
    EXPECT_EQ(io::read_string_attribute(file, "/", "filetype"), "reesx-result");
    EXPECT_EQ(io::read_string_attribute(file, "/", "format_version"), "1.0");
    EXPECT_EQ(io::read_string_attribute(file, "/", "command"), command);
    const std::string created = io::read_string_attribute(file, "/", "created");
    EXPECT_EQ(created.size(), 20u) << created;  // 2026-12-07T05:30:00Z
    EXPECT_EQ(created.back(), 'Z');
    const auto input =
        nlohmann::json::parse(io::read_string_attribute(file, "/", "resolved_input_json"));
    EXPECT_TRUE(input.is_object() && !input.empty()) << file;
    EXPECT_FALSE(io::read_string_attribute(file, "/", "input_yaml").empty()) << file;
    EXPECT_EQ(io::read_strings(file, "/elements").size(),
              static_cast<std::size_t>(reesx::num_elements));
    std::vector<std::string> prefixes = {""};
    if (io::object_exists(file, "/cascade_order")) {
        prefixes.clear();
        for (const auto& name : io::read_strings(file, "/cascade_order")) {
            prefixes.push_back("/cascades/" + name);
        }
        EXPECT_FALSE(prefixes.empty());
    }
    for (const auto& prefix : prefixes) {
        EXPECT_GT(read_stages(file, prefix), 0u) << file << prefix;
        if (steady_state) {
            read_products(file, prefix);
        }
    }
    if (steady_state) {
        read_products(file, "");
    }
}

TEST(Hdf5Layout, OneReaderForEveryCommand)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_hdf5_layout";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto out = [&](const std::string& name) { return (dir / name).string(); };
    const std::string plant = example("plant-la-ce-pr-linked.yaml");
    const std::vector<std::pair<std::string, std::string>> runs = {
        {"run", "run " + example("prnd-p507.yaml") + " -q -o " + out("run.h5")},
        {"dynamic",
         "dynamic " + example("prnd-p507-startup.yaml") + " --hours 2 -q -o " + out("dynamic.h5")},
        {"run", "run " + plant + " -q -o " + out("plant.h5")},
        {"run",
         "run " + example("plant-thorium-removal.yaml") + " -q -o " + out("plant-impurities.h5")},
        {"design",
         "design --system p507-hcl --feed \"Pr:0.25,Nd:0.75\" --split Pr/Nd --purity 0.99 -q -o " +
             out("design.h5")},
        {"separate",
         "separate --feed \"La:0.4,Ce:0.4,Pr:0.2\" --purity 0.999 -q -o " + out("separate.h5")},
        {"cost",
         "cost " + example("prnd-p507.yaml") + " --countries CN-NM -q -o " + out("cost.h5")},
        {"cost", "cost " + plant + " --countries CN-NM,US -q -o " + out("plant-cost.h5")},
        {"optimize",
         "optimize --plant --feed \"La:0.4,Ce:0.4,Pr:0.2\" --purity 0.999 --feed-rate \"50 kg/h "
         "REO\" --countries CN-NM,US -q -o " +
             out("plant-optimize.h5")}};
    for (const auto& [command, args] : runs) {
        const auto r = run_reesx(args);
        ASSERT_EQ(r.status, 0) << args << "\n" << r.out;
        const std::string file = args.substr(args.rfind(' ') + 1);
        SCOPED_TRACE(file);
        read_result(file, command, command != "dynamic");
    }
    // The costs, case or plant, are read the same way.
    for (const char* name : {"cost.h5", "plant-cost.h5"}) {
        std::vector<std::size_t> dims;
        const auto capex = io::read_dataset(out(name), "/cost/capex_usd", &dims);
        EXPECT_EQ(dims.size(), 1u);
        EXPECT_EQ(capex.size(), io::read_strings(out(name), "/countries").size());
        EXPECT_EQ(io::read_string_attribute(out(name), "/cost/capex_usd", "units"), "USD");
        // Energy item by item: [country × item], the items named.
        const auto energy = io::read_dataset(out(name), "/cost/energy_breakdown", &dims);
        EXPECT_EQ(dims,
                  (std::vector<std::size_t>{
                      capex.size(), io::read_strings(out(name), "/cost/energy_items").size()}));
        EXPECT_EQ(io::read_string_attribute(out(name), "/cost/energy_breakdown", "units"),
                  "kWh/year");
    }
    // The optimized plant: a plant's layout, and per country the optimize datasets.
    const std::string opt = out("plant-optimize.h5");
    EXPECT_EQ(io::read_strings(opt, "/countries"), (std::vector<std::string>{"CN-NM", "US"}));
    std::vector<std::size_t> dims;
    const auto cost = io::read_dataset(opt, "/optimum/cost_usd_per_kg", &dims);
    const auto baseline = io::read_dataset(opt, "/optimum/baseline_cost_usd_per_kg", &dims);
    ASSERT_EQ(cost.size(), 2u);
    ASSERT_EQ(baseline.size(), 2u);
    for (std::size_t c = 0; c < cost.size(); ++c) {
        EXPECT_GT(cost[c], 0.0);
        EXPECT_LE(cost[c], baseline[c]);
    }
    EXPECT_EQ(io::read_string_attribute(opt, "/optimum/cost_usd_per_kg", "units"), "USD/kg");
    EXPECT_FALSE(io::read_string_attribute(opt, "/", "plant_yaml").empty());
    const auto summary = nlohmann::json::parse(io::read_string_attribute(opt, "/", "summary_json"));
    EXPECT_EQ(summary.at("mode"), "plant");
    fs::remove_all(dir);
}

}  // namespace
