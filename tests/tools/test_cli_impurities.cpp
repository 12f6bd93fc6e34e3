// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions at the command line: `reesx elements` lists them with the systems that extract
// them; a plant file with a removal step writes the products' impurity content to the JSON
// summary and to the HDF5 file in the single cascade's layout.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/io/Hdf5.h"
#include "reesx/thermo/Impurities.h"
#include "reesx/thermo/Species.h"

namespace fs = std::filesystem;

namespace {

using reesx::test::CommandRun;
using reesx::test::run_reesx;

//! The line of `text` that starts with `head` followed by a space; "" when none.
std::string line_starting(const std::string& text, const std::string& head)
{
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(head + " ", 0) == 0) {
            return line;
        }
    }
    return "";
}

TEST(CliImpurities, elementsListsTheIonsWithChargeMassAndExtraction)
{
    const CommandRun run = run_reesx("elements");
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("mass-action"), std::string::npos);
    for (int k = 0; k < reesx::num_impurities; ++k) {
        const auto& ion = reesx::impurities()[static_cast<std::size_t>(k)];
        const std::string symbol(ion.symbol);
        SCOPED_TRACE(symbol);
        const std::string line = line_starting(run.out, symbol);
        ASSERT_FALSE(line.empty()) << run.out;
        char mass[32];
        std::snprintf(mass, sizeof mass, " %.5g ", ion.ion_g_per_mol);
        EXPECT_NE(line.find(mass), std::string::npos) << line;
        char charge[16];
        std::snprintf(charge, sizeof charge, " %d ", ion.charge);
        EXPECT_NE(line.find(charge), std::string::npos) << line;
        EXPECT_NE(line.find(std::string(ion.oxide)), std::string::npos) << line;
        bool any = false;
        for (const auto& system : reesx::impurity_data_systems()) {
            const auto x = reesx::builtin_impurity_extraction(system, reesx::num_elements + k);
            if (!x) {
                EXPECT_EQ(line.find(system), std::string::npos) << line;
                continue;
            }
            any = true;
            char expected[64];
            std::snprintf(expected, sizeof expected, "%s pH½ %.3g", system.c_str(), x->ph_half);
            EXPECT_NE(line.find(expected), std::string::npos) << line;
        }
        if (!any) {
            EXPECT_NE(line.find("impurity-ph-half"), std::string::npos) << line;
        }
    }
}

TEST(CliImpurities, plantWritesImpurityContentToJsonAndHdf5)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_cli_plant_impurities";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string plant =
        std::string(REESX_SOURCE_DIR) + "/examples/plant-thorium-removal.yaml";
    const fs::path json_path = dir / "plant.json", h5 = dir / "plant.h5";
    const CommandRun run =
        run_reesx("run " + plant + " --json " + json_path.string() + " -o " + h5.string());
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("Th4+ as ThO2"), std::string::npos) << run.out;
    std::ifstream in(json_path);
    const nlohmann::json j = nlohmann::json::parse(in);
    const auto& nd = j["products"]["Nd"];
    const double ppm = nd["impurities"]["Th4+"]["ppm_of_reo"].get<double>();
    EXPECT_GE(ppm, 0.0);
    EXPECT_LE(nd["purity_total_metal"].get<double>(), nd["purity"].get<double>());
    EXPECT_LT(j["mass_balance_relative_error"].get<double>(), 1e-9);
    // HDF5: the plant's products carry the ions as a cascade's do, columns in Species.h order.
    const int th = *reesx::species_index("Th4+") - reesx::num_elements;
    std::vector<std::size_t> dims;
    const auto h5_ppm =
        reesx::io::read_dataset(h5.string(), "/products/Nd/impurity_ppm_reo", &dims);
    ASSERT_EQ(dims, (std::vector<std::size_t>{static_cast<std::size_t>(reesx::num_impurities)}));
    EXPECT_DOUBLE_EQ(h5_ppm[static_cast<std::size_t>(th)], ppm);
    EXPECT_EQ(
        reesx::io::read_string_attribute(h5.string(), "/products/Nd/impurity_ppm_reo", "units"),
        "mg/kg");
    const auto balance =
        reesx::io::read_dataset(h5.string(), "/impurity_balance_relative_error", &dims);
    ASSERT_EQ(balance.size(), static_cast<std::size_t>(reesx::num_impurities));
    for (const double e : balance) {
        EXPECT_LT(e, 1e-9);
    }
    // The cascades inside keep their own impurity datasets.
    reesx::io::read_dataset(h5.string(), "/cascades/prnd/impurity_feed_mol_per_h", &dims);
    EXPECT_EQ(dims, (std::vector<std::size_t>{static_cast<std::size_t>(reesx::num_impurities)}));
    fs::remove_all(dir);
}

TEST(CliImpurities, dynamicCarriesImpurityIonsToItsJson)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_cli_dynamic_impurities";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string path =
        std::string(REESX_SOURCE_DIR) + "/examples/sulfate-d2ehpa-impurities.yaml";
    const fs::path json_path = dir / "d.json";
    const CommandRun run =
        run_reesx("dynamic " + path + " --hours 1 -q --json " + json_path.string());
    ASSERT_EQ(run.status, 0) << run.out;
    std::ifstream in(json_path);
    const nlohmann::json j = nlohmann::json::parse(in);
    const auto& raffinate = j["dynamic"]["products"]["raffinate"];
    const auto& fe = raffinate["impurity_mol_per_h"]["Fe3+"];
    ASSERT_EQ(fe.size(), j["dynamic"]["times_h"].size());
    for (const auto& v : fe) {
        EXPECT_GE(v.get<double>(), 0.0);
    }
    EXPECT_LT(j["dynamic"]["conservation_relative_error"].get<double>(), 1e-6);
    fs::remove_all(dir);
}

TEST(CliImpurities, separateAddsARemovalStepAndReportsEveryIon)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_cli_separate_impurities";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path json_path = dir / "s.json";
    const CommandRun run = run_reesx(
        "separate --feed \"Pr:0.25,Nd:0.75\" --purity 0.99 --feed-rate \"100 L/h\" "
        "--impurities \"Th4+:200 mg/L,Ca2+:800 mg/L\" --impurity-limit 20ppm --json " +
        json_path.string() + " --plant-file " + (dir / "plant.yaml").string());
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("Impurity ions (limit 20 ppm"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("warning: Ca2+ cannot be removed"), std::string::npos) << run.out;
    std::ifstream in(json_path);
    const nlohmann::json j = nlohmann::json::parse(in);
    const auto& removal = j["impurity_removal"];
    EXPECT_TRUE(removal["built"].get<bool>());
    EXPECT_EQ(removal["limit_ppm_reo"].get<double>(), 20.0);
    const auto& th = removal["ions"]["Th4+"];
    EXPECT_TRUE(th["within_limit"].get<bool>());
    EXPECT_LE(th["ppm_reo"].get<double>(), 20.0);
    EXPECT_EQ(th["product"].get<std::string>(), "Nd");
    EXPECT_EQ(removal["products"]["Nd"]["Th4+"].get<double>(), th["ppm_reo"].get<double>());
    EXPECT_EQ(removal["products"]["Pr"]["Th4+"].get<double>(), 0.0);
    EXPECT_FALSE(removal["ions"]["Ca2+"]["within_limit"].get<bool>());
    bool warned = false;
    for (const auto& w : j["warnings"]) {
        warned = warned || w.get<std::string>().find("Ca2+ cannot be removed") != std::string::npos;
    }
    EXPECT_TRUE(warned) << j["warnings"].dump();
    // Calcium gets its own advice: not an oxalate precipitation, which takes it along.
    EXPECT_NE(removal["ions"]["Ca2+"]["advice"].get<std::string>().find("calcium oxalate"),
              std::string::npos);
    EXPECT_TRUE(th["advice"].is_null());
    // The step's case runs as it is.
    const fs::path case_path = dir / "removal.yaml";
    std::ofstream(case_path) << removal["case"].get<std::string>();
    EXPECT_EQ(run_reesx("run " + case_path.string()).status, 0);
    // The plant file has the step ahead of the cut; `run` gives every ion's ppm in the product
    // separate names, and the share the step takes (its impurity liquor and stripped organic).
    const fs::path run_json = dir / "run.json";
    const CommandRun plant =
        run_reesx("run " + (dir / "plant.yaml").string() + " --json " + run_json.string());
    ASSERT_EQ(plant.status, 0) << plant.out;
    std::ifstream run_in(run_json);
    const nlohmann::json r = nlohmann::json::parse(run_in);
    for (const auto& [ion, fate] : removal["ions"].items()) {
        const double ppm = fate["ppm_reo"].get<double>();
        const auto& in_product =
            r["products"][fate["product"].get<std::string>()]["impurities"][ion];
        EXPECT_NEAR(in_product["ppm_of_reo"].get<double>(), ppm, 1e-6 * ppm) << ion;
        const double removed = fate["removed_fraction"].get<double>();
        const double liquor =
            r["products"]["impurity liquor"]["impurities"][ion]["recovery"].get<double>() +
            r["products"]["impurity-removal.stripped_organic"]["impurities"][ion]["recovery"]
                .get<double>();
        // Two solves of the step agree to its balance closure (1e-12 of each ion's feed), so a
        // trace's share (Ca2+: 2e-10) to that and not to rounding.
        EXPECT_NEAR(liquor, removed, 1e-6 * removed + 1e-12) << ion;
    }
    fs::remove_all(dir);
}

TEST(CliImpurities, separateRefusesAnUnknownIonOrALimitWithoutItsUnit)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_cli_separate_impurities_bad";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path json_path = dir / "s.json";
    const std::string base =
        "separate --feed \"Pr:0.25,Nd:0.75\" --purity 0.99 --json " + json_path.string() + " ";
    CommandRun run = run_reesx(base + "--impurities \"Fe:40 mg/L\"");
    EXPECT_EQ(run.status, 1) << run.out;
    EXPECT_NE(run.out.find("command line:"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("'Fe'"), std::string::npos) << run.out;
    run = run_reesx(base + "--impurities \"Th4+:40 mg/L\" --impurity-limit \"10 mg/L\"");
    EXPECT_EQ(run.status, 1) << run.out;
    EXPECT_NE(run.out.find("impurity-limit"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("'10 ppm'"), std::string::npos) << run.out;
    run = run_reesx(base + "--impurities \"Th4+\"");
    EXPECT_EQ(run.status, 1) << run.out;
    EXPECT_NE(run.out.find("ION:CONCENTRATION"), std::string::npos) << run.out;
    EXPECT_FALSE(fs::exists(json_path));
    fs::remove_all(dir);
}

}  // namespace
