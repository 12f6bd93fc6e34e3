// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `reesx` executable end to end: exit codes, messages, output files (interface.md).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/io/Hdf5.h"

namespace fs = std::filesystem;

namespace {

struct CommandRun {
    int status = -1;
    std::string out;  // stdout and stderr together
};

CommandRun run_reesx(const std::string& args)
{
    const std::string command = std::string(REESX_BINARY) + " " + args + " 2>&1";
    CommandRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        return run;
    }
    std::array<char, 4096> buffer{};
    while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe)) {
        run.out += buffer.data();
    }
    const int raw = pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return run;
}

std::string example(const std::string& name)
{
    return std::string(REESX_SOURCE_DIR) + "/examples/" + name;
}

//! A fresh scratch directory per test.
fs::path scratch(const std::string& name)
{
    const fs::path dir = fs::temp_directory_path() / ("reesx_cli_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text)
{
    std::ofstream(dir / name) << text;
    return dir / name;
}

const char* good_case = R"(system: p507-hcl
stages: {extraction: 10, scrub: 10}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}
organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 376 L/h, acid: 4.0 mol/L}
)";

}  // namespace

TEST(Cli, runsTheReadmeExample)
{
    const fs::path dir = scratch("example");
    const CommandRun run =
        run_reesx("run " + example("prnd-p507.yaml") + " --json " + (dir / "out.json").string() +
                  " -o " + (dir / "out.h5").string());
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("raffinate"), std::string::npos);
    EXPECT_NE(run.out.find("loaded_organic"), std::string::npos);
    std::ifstream in(dir / "out.json");
    const auto json = nlohmann::json::parse(in);
    for (const char* key : {"reesx_version", "command", "input", "converged", "products",
                            "recovery", "stages", "mass_balance_relative_error", "solver"}) {
        EXPECT_TRUE(json.contains(key)) << key;
    }
    EXPECT_EQ(json["command"], "run");
    EXPECT_TRUE(json["converged"].get<bool>());
    EXPECT_EQ(json["stages"].size(), 76u);
    EXPECT_LT(json["mass_balance_relative_error"].get<double>(), 1e-10);
    const double pr = json["products"]["raffinate"]["composition"]["Pr"];
    const double nd = json["products"]["raffinate"]["composition"]["Nd"];
    EXPECT_NEAR(pr + nd, 1.0, 1e-12);
    const std::string h5 = (dir / "out.h5").string();
    EXPECT_EQ(reesx::io::read_string_attribute(h5, "/", "filetype"), "reesx-result");
    std::vector<std::size_t> dims;
    reesx::io::read_dataset(h5, "/stages/aqueous/concentration", &dims);
    ASSERT_EQ(dims.size(), 2u);
    EXPECT_EQ(dims[0], 76u);
    EXPECT_EQ(dims[1], 17u);
    EXPECT_EQ(reesx::io::read_string_attribute(h5, "/stages/aqueous/concentration", "units"),
              "mol/L");
}

TEST(Cli, runsTheSeventeenElementExample)
{
    const CommandRun run = run_reesx("run " + example("bayan-obo-nd-sm.yaml"));
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("strip_liquor"), std::string::npos);
}

TEST(Cli, checkCountsEquations)
{
    const CommandRun run = run_reesx("check " + example("prnd-p507.yaml"));
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("unknowns: 152, equations: 152"), std::string::npos) << run.out;
}

TEST(Cli, listsElementsAndSystems)
{
    const CommandRun elements = run_reesx("elements");
    ASSERT_EQ(elements.status, 0);
    for (const char* s : {"Sc", "Pm", "Pr6O11", "Tb4O7", "Lu2O3", "IUPAC"}) {
        EXPECT_NE(elements.out.find(s), std::string::npos) << s;
    }
    const CommandRun systems = run_reesx("systems");
    ASSERT_EQ(systems.status, 0);
    for (const char* s : {"p507-hcl", "p204-hcl", "cyanex272-hcl", "naphthenic-hcl"}) {
        EXPECT_NE(systems.out.find(s), std::string::npos) << s;
    }
    const CommandRun one = run_reesx("systems p507-hcl");
    ASSERT_EQ(one.status, 0);
    EXPECT_NE(one.out.find("source"), std::string::npos);
    EXPECT_EQ(run_reesx("systems p508-hcl").status, 1);
}

TEST(Cli, listsAndShowsFeeds)
{
    const CommandRun all = run_reesx("feeds");
    ASSERT_EQ(all.status, 0) << all.out;
    // The table names the feed, its main elements (% of REO by oxide mass) and the source.
    EXPECT_NE(all.out.find("ndfeb-scrap"), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("Nd 5"), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("source: Materials 2025"), std::string::npos) << all.out;

    const CommandRun one = run_reesx("feeds ndfeb-scrap");
    ASSERT_EQ(one.status, 0) << one.out;
    for (const char* s : {"mole frac", "oxide mass frac", "Nd2O3", "Dy2O3", "0.597831",
                          "doi.org/10.3390/ma18132946", "notes:", "Not reported"}) {
        EXPECT_NE(one.out.find(s), std::string::npos) << s << "\n" << one.out;
    }
    EXPECT_EQ(one.out.find("Tb4O7"), std::string::npos) << "Tb is not in this feed";

    // A feed file: its own distribution; a bad one: located error, exit 1.
    const fs::path dir = scratch("feeds");
    const fs::path good = write(dir, "mine.yaml", "composition: {Pr: 0.25, Nd: 0.75}\n");
    const CommandRun file = run_reesx("feeds " + good.string());
    ASSERT_EQ(file.status, 0) << file.out;
    EXPECT_NE(file.out.find("0.750000"), std::string::npos) << file.out;
    const fs::path bad = write(dir, "bad.yaml", "composition: {Pr: 0.25, Nd: 0.70}\n");
    const CommandRun error = run_reesx("feeds " + bad.string());
    EXPECT_EQ(error.status, 1) << error.out;
    EXPECT_NE(error.out.find(bad.string() + ":1:"), std::string::npos) << error.out;

    const CommandRun unknown = run_reesx("feeds bayan-ob");
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.out.find("Built-in feeds:"), std::string::npos) << unknown.out;
    EXPECT_NE(unknown.out.find("ndfeb-scrap"), std::string::npos) << unknown.out;
}

TEST(Cli, badInputExitsOneWithLocation)
{
    const fs::path dir = scratch("bad");
    std::string text = good_case;
    text.replace(text.find("flow: 3410"), 10, "flwo: 3410");
    const CommandRun run = run_reesx("run " + write(dir, "case.yaml", text).string());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.out.find("case.yaml:4:"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("did you mean 'flow'"), std::string::npos) << run.out;
    EXPECT_EQ(run_reesx("run " + (dir / "missing.yaml").string()).status, 1);
    EXPECT_EQ(run_reesx("frobnicate").status, 1);
}

TEST(Cli, infeasibleExitsTwoAndWritesNothing)
{
    const fs::path dir = scratch("infeasible");
    std::string text = good_case;
    text.replace(text.find("376 L/h"), 7, "900 L/h");  // W > S
    const fs::path json = dir / "out.json";
    std::ofstream(json) << "previous result";
    const CommandRun run = run_reesx("run " + write(dir, "case.yaml", text).string() + " --json " +
                                     json.string() + " -o " + (dir / "out.h5").string());
    EXPECT_EQ(run.status, 2) << run.out;
    EXPECT_NE(run.out.find("W ≥ S"), std::string::npos) << run.out;
    std::ifstream in(json);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "previous result");  // untouched
    EXPECT_FALSE(fs::exists(dir / "out.h5"));
}

TEST(Cli, unwritableOutputFailsCleanly)
{
    const fs::path dir = scratch("unwritable");
    const CommandRun run = run_reesx("run " + write(dir, "case.yaml", good_case).string() +
                                     " --json " + (dir / "no/such/dir/out.json").string());
    EXPECT_EQ(run.status, 1);  // a path the user gave that cannot be written is bad input
    EXPECT_NE(run.out.find("no/such/dir"), std::string::npos) << run.out;
}
