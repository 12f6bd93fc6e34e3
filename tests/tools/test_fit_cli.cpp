// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx fit` through the command line: a located error and exit 1 on bad data, no file
// written; a fitted system file that `design` reads and whose written case `run` solves.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using reesx::test::run_reesx;

namespace {

fs::path fresh_dir(const std::string& name)
{
    // Named after the process: parallel test runs of other checkouts do not share it.
    std::string leaf = name;
    leaf += '-';
    leaf += std::to_string(::getpid());
    const auto dir = fs::temp_directory_path() / leaf;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& path, const std::string& text)
{
    std::ofstream(path) << text;
}

//! Pr/Nd/La tests: log10 D = offset + log10 K (K: La 0, Pr 0.8, Nd 0.95), a little scatter.
std::string long_csv()
{
    std::string csv = "test,source,element,feed_mol_per_L,D\n";
    const double scatter[6] = {0.02, -0.01, 0.015, -0.02, 0.0, 0.01};
    for (int t = 0; t < 6; ++t) {
        const double offset = -1.0 + 0.1 * t;
        const char* names[3] = {"La", "Pr", "Nd"};
        const double k[3] = {0.0, 0.8, 0.95};
        for (int e = 0; e < 3; ++e) {
            const double d = std::pow(10.0, offset + k[e] + scatter[(t + e) % 6]);
            csv += std::to_string(t) + ",lab," + names[e] + ",0.05," + std::to_string(d) + "\n";
        }
    }
    return csv;
}

}  // namespace

TEST(FitCommand, BadDataIsLocatedAndWritesNothing)
{
    const auto dir = fresh_dir("reesx_fit_cli_bad");
    write(dir / "bad.csv", "test,element,feed_mol_per_L,D\n1,Nd,0.02,0.5\n1,Pr,0.02,-3\n");
    const auto out = dir / "out.yaml";
    const auto r = run_reesx("fit " + (dir / "bad.csv").string() + " -o " + out.string());
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("bad.csv:3:11: column 'D': negative value -3"), std::string::npos)
        << r.out;
    EXPECT_FALSE(fs::exists(out));
    const auto model = run_reesx("fit " + (dir / "bad.csv").string() + " --model kinetic");
    EXPECT_EQ(model.status, 1);
    EXPECT_NE(model.out.find("separation-factor, mass-action, ph-correlation"), std::string::npos);
    fs::remove_all(dir);
}

TEST(FitCommand, FittedSystemFileRunsThroughDesignAndRun)
{
    const auto dir = fresh_dir("reesx_fit_cli_good");
    write(dir / "data.csv", long_csv());
    const auto system = dir / "lab.yaml";
    const auto json = dir / "fit.json";
    const auto fit = run_reesx("fit " + (dir / "data.csv").string() + " -o " + system.string() +
                               " --name lab --json " + json.string());
    ASSERT_EQ(fit.status, 0) << fit.out;
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["model"], "separation-factor");
    EXPECT_TRUE(j.contains("reesx_version"));
    EXPECT_EQ(j["input"]["system"], "p507-hcl");
    EXPECT_EQ(j["parameters"].size(), 2u);  // Pr and Nd (La the reference)
    EXPECT_NEAR(j["parameters"][1]["estimate"].get<double>(), 0.95, 0.05);
    EXPECT_EQ(j["residuals"].size(), 18u);

    const auto design_case = dir / "case.yaml";
    const auto design = run_reesx("design --system " + system.string() +
                                  " --feed \"Pr:0.4,Nd:0.6\" --split Pr/Nd --purity 0.99 "
                                  "--tradeoff-points 0 --uncertainty 5 --threads 1 --case " +
                                  design_case.string());
    ASSERT_EQ(design.status, 0) << design.out;
    EXPECT_NE(design.out.find("uncertainty: 5 of 5"), std::string::npos) << design.out;
    EXPECT_NE(design.out.find("fit's covariance"), std::string::npos) << design.out;
    const auto run = run_reesx("run " + design_case.string());
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("lab"), std::string::npos);
    fs::remove_all(dir);
}
