// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `reesx` executable end to end: exit codes, messages, output files (interface.md).
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/io/Hdf5.h"

namespace fs = std::filesystem;

namespace {

using reesx::test::CommandRun;
using reesx::test::run_reesx;

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

TEST(Cli, verboseShowsTheSolversProgressEvenWhenQuiet)
{
    // -q silences the tables; --verbose asks for the solver's lines (stderr), one per Newton
    // iteration with its residual, and the method's final line.
    const CommandRun run = run_reesx("run " + example("prnd-p507.yaml") + " -q --verbose");
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("reduced Newton iteration 1: max |closure| = "), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("reduced Newton converged"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("Products"), std::string::npos) << run.out;
    const CommandRun plain = run_reesx("run " + example("prnd-p507.yaml") + " -q");
    EXPECT_EQ(plain.out.find("iteration"), std::string::npos) << plain.out;
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
    EXPECT_NE(all.out.find("mountain-pass  Ce 49.9, La 32.6"), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("source: MP Materials Corp."), std::string::npos) << all.out;

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

TEST(Cli, designWritesJsonAndACaseThatRunReproduces)
{
    const fs::path dir = scratch("design");
    const fs::path feed =
        write(dir, "feed.yaml", "name: prnd\ncomposition: {Pr: 0.25, Nd: 0.75}\n");
    const CommandRun design = run_reesx(
        "design --system p507-hcl --feed " + feed.string() +
        " --split Nd/Pr --purity 0.999 --feed-rate '500 kg/h REO' --tradeoff-points 3 --json " +
        (dir / "d.json").string() + " --case " + (dir / "case.yaml").string());
    ASSERT_EQ(design.status, 0) << design.out;
    EXPECT_NE(design.out.find("theory"), std::string::npos);
    EXPECT_NE(design.out.find("Trade-off"), std::string::npos);
    nlohmann::json d;
    std::ifstream(dir / "d.json") >> d;
    for (const char* key :
         {"reesx_version", "command", "input", "stages", "flows", "extraction_ratio", "reflux",
          "shortcut", "purity", "recovery", "case"}) {
        EXPECT_TRUE(d.contains(key)) << key;
    }
    EXPECT_EQ(d["tradeoff"].size(), 3U);
    EXPECT_GE(d["purity"]["A"].get<double>(), 0.999);
    const CommandRun run =
        run_reesx("run " + (dir / "case.yaml").string() + " --json " + (dir / "r.json").string());
    ASSERT_EQ(run.status, 0) << run.out;
    nlohmann::json r;
    std::ifstream(dir / "r.json") >> r;
    EXPECT_EQ(r["products"]["loaded_organic"]["composition"]["Nd"].get<double>(),
              d["purity"]["A"].get<double>());
}

TEST(Cli, designErrorsExitOneOrTwo)
{
    const fs::path dir = scratch("design_errors");
    const fs::path feed = write(dir, "feed.yaml", "name: prnd\ncomposition: {Ce: 0.5, Nd: 0.5}\n");
    const CommandRun absent = run_reesx("design --system p507-hcl --feed " + feed.string() +
                                        " --split Pr/Nd --tradeoff-points 0");
    EXPECT_EQ(absent.status, 2) << absent.out;
    EXPECT_NE(absent.out.find("use the split Ce/Nd"), std::string::npos) << absent.out;
    const CommandRun bad = run_reesx("design --system p507-hcl --feed " + feed.string() +
                                     " --split Pr/Nd --purity 1.5");
    EXPECT_EQ(bad.status, 1) << bad.out;
    EXPECT_NE(bad.out.find("command line:"), std::string::npos) << bad.out;
    EXPECT_EQ(run_reesx("design --system p507-hcl --feed no-such-feed --split Pr/Nd").status, 1);
}

// A value design derives from the user's input (here the feed concentration of its case) is
// reported at that input, not at the case design writes internally.
TEST(Cli, designErrorsInDerivedValuesPointAtTheUsersInput)
{
    const fs::path dir = scratch("design_derived");
    const fs::path file = write(dir, "design.yaml",
                                "system: p507-hcl\n"
                                "split: Pr/Nd\n"
                                "feed: {name: prnd, concentration: 1e-12 mol/L,\n"
                                "       composition: {Pr: 0.25, Nd: 0.75}}\n"
                                "tradeoff: false\n");
    const CommandRun run = run_reesx("design " + file.string());
    EXPECT_EQ(run.status, 1) << run.out;
    EXPECT_NE(run.out.find("design.yaml:3:7: error: feed: the cascade designed from this "
                           "input would have an invalid feed.concentration"),
              std::string::npos)
        << run.out;
    EXPECT_EQ(run.out.find("design case"), std::string::npos) << run.out;
    // From options: the derived flow points at --feed-rate.
    const fs::path feed =
        write(dir, "feed.yaml", "name: prnd\ncomposition: {Pr: 0.25, Nd: 0.75}\n");
    const CommandRun rate =
        run_reesx("design --system p507-hcl --feed " + feed.string() +
                  " --split Pr/Nd --tradeoff-points 0 --feed-rate '1e14 mol/h'");
    EXPECT_EQ(rate.status, 1) << rate.out;
    EXPECT_NE(rate.out.find("error: feed-rate: the cascade designed from this input would have "
                            "an invalid feed.flow"),
              std::string::npos)
        << rate.out;
}

// Empty and scalar documents: the message names the file's first line.
TEST(Cli, emptyAndScalarDocumentsNameALine)
{
    const fs::path dir = scratch("empty_documents");
    for (const char* text : {"", "# only a comment\n", "just a word\n"}) {
        const CommandRun run = run_reesx("run " + write(dir, "case.yaml", text).string());
        EXPECT_EQ(run.status, 1) << run.out;
        EXPECT_NE(run.out.find("case.yaml:1:1: error:"), std::string::npos) << run.out;
    }
}

TEST(Cli, betaInputEqualsTheEquivalentExtractabilityAndAnInvertedOrderIsWarned)
{
    const fs::path dir = scratch("beta");
    std::string by_beta = good_case;
    by_beta.replace(0, std::string("system: p507-hcl").size(),
                    "system: {base: p507-hcl, beta: {Nd/Pr: 1.45}}");
    // p507-hcl's Pr is 0.8197 (La = 0; 1.0 before Ce/La was refitted): the same Nd as a
    // log10 extractability, 0.8197 + log10 1.45.
    std::string by_log10 = good_case;
    by_log10.replace(0, std::string("system: p507-hcl").size(),
                     "system: {base: p507-hcl, log10-extractability: {Nd: 0.9810680022349748}}");
    const auto products = [&](const std::string& name, const std::string& text) {
        const fs::path json = dir / (name + ".json");
        const CommandRun run = run_reesx("run " + write(dir, name + ".yaml", text).string() +
                                         " --json " + json.string());
        EXPECT_EQ(run.status, 0) << run.out;
        EXPECT_EQ(run.out.find("warning"), std::string::npos) << run.out;
        nlohmann::json j;
        std::ifstream(json) >> j;
        return j["products"];
    };
    EXPECT_EQ(products("beta", by_beta), products("log10", by_log10));

    // The user guide's old example: 0.18 is relative to La, not to Pr; Nd falls below Pr and
    // leaves in the raffinate. Warned on stdout and in the JSON, with the beta that was meant.
    std::string inverted = good_case;
    inverted.replace(0, std::string("system: p507-hcl").size(),
                     "system: {base: p507-hcl, log10-extractability: {Nd: 0.18}}");
    const fs::path json = dir / "inverted.json";
    const CommandRun run = run_reesx("run " + write(dir, "inverted.yaml", inverted).string() +
                                     " --json " + json.string());
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("warning: system: Nd (log10 K 0.18"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("beta: {Nd/Pr: 1.514}"), std::string::npos) << run.out;
    nlohmann::json j;
    std::ifstream(json) >> j;
    ASSERT_EQ(j["warnings"].size(), 1U);
    EXPECT_NE(j["warnings"][0].get<std::string>().find("less extractable than Pr"),
              std::string::npos);
    // And it is what happens: the raffinate is mostly Nd.
    EXPECT_GT(j["products"]["raffinate"]["composition"]["Nd"].get<double>(), 0.5);
}

TEST(Cli, threeOutletDesignRunsAndAnUnreachableMiddlePurityExitsTwo)
{
    const fs::path dir = scratch("three_outlet");
    const fs::path feed =
        write(dir, "feed.yaml", "name: la-ce-pr\ncomposition: {La: 0.4, Ce: 0.4, Pr: 0.2}\n");
    const std::string options =
        "design --system p507-hcl --feed " + feed.string() + " --split La/Ce/Pr --purity 0.999";
    const CommandRun design =
        run_reesx(options + " --middle-purity 0.9 --json " + (dir / "d.json").string() +
                  " --case " + (dir / "case.yaml").string());
    ASSERT_EQ(design.status, 0) << design.out;
    EXPECT_NE(design.out.find("three outlets"), std::string::npos) << design.out;
    nlohmann::json d;
    std::ifstream(dir / "d.json") >> d;
    EXPECT_TRUE(d["three_outlet"].get<bool>());
    EXPECT_EQ(d["products"].size(), 3U);
    EXPECT_EQ(d["two_outlet_alternatives"].size(), 2U);
    const CommandRun run =
        run_reesx("run " + (dir / "case.yaml").string() + " --json " + (dir / "r.json").string());
    ASSERT_EQ(run.status, 0) << run.out;
    nlohmann::json r;
    std::ifstream(dir / "r.json") >> r;
    EXPECT_EQ(r["products"]["middle"]["composition"]["Ce"].get<double>(),
              d["products"][1]["purity"].get<double>());
    EXPECT_GE(r["products"]["middle"]["composition"]["Ce"].get<double>(), 0.9);

    const CommandRun unreachable = run_reesx(options + " --middle-purity 0.99999999");
    EXPECT_EQ(unreachable.status, 2) << unreachable.out;
    EXPECT_NE(unreachable.out.find("middle product"), std::string::npos) << unreachable.out;
}

TEST(Cli, separateWritesJsonAndDot)
{
    const fs::path dir = scratch("separate");
    const fs::path feed =
        write(dir, "feed.yaml", "name: lpn\ncomposition: {La: 0.4, Pr: 0.1, Nd: 0.5}\n");
    const CommandRun run =
        run_reesx("separate --feed " + feed.string() + " --json " + (dir / "s.json").string() +
                  " --dot " + (dir / "plant.dot").string());
    ASSERT_EQ(run.status, 0) << run.out;
    nlohmann::json s;
    std::ifstream(dir / "s.json") >> s;
    for (const char* key : {"cascades", "products", "total_stages", "reagents", "sequences"}) {
        EXPECT_TRUE(s.contains(key)) << key;
    }
    EXPECT_EQ(s["products"].size(), 3U);
    for (const auto& p : s["products"]) {
        EXPECT_GE(p["purity"].get<double>(), 0.9999) << p.dump();
    }
    std::ifstream dot(dir / "plant.dot");
    const std::string text((std::istreambuf_iterator<char>(dot)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("digraph plant"), std::string::npos);
    EXPECT_EQ(run_reesx("separate --feed " + feed.string() + " --threshold 0.45").status, 2);
    EXPECT_EQ(run_reesx("separate --feed " + feed.string() + " --purity 2").status, 1);

    // Lumping on request: Pr (0.1) joins La; the product says it is a group, and its main
    // element's purity stands beside the group's in the table and the JSON.
    const CommandRun lumped = run_reesx("separate --feed " + feed.string() +
                                        " --lump-below 0.15 --json " + (dir / "g.json").string());
    ASSERT_EQ(lumped.status, 0) << lumped.out;
    EXPECT_NE(lumped.out.find("La-Pr group"), std::string::npos) << lumped.out;
    EXPECT_NE(lumped.out.find("main element"), std::string::npos) << lumped.out;
    nlohmann::json g;
    std::ifstream(dir / "g.json") >> g;
    ASSERT_EQ(g["products"].size(), 2U);
    const auto& group = g["products"][0];
    EXPECT_EQ(group["element"], "La-Pr group");
    EXPECT_TRUE(group["group"].get<bool>());
    EXPECT_EQ(group["elements"], nlohmann::json({"La", "Pr"}));
    EXPECT_EQ(group["main_element"], "La");
    // La is 0.4 of the 0.5 mol of La + Pr fed.
    EXPECT_NEAR(group["main_element_purity"].get<double>(), 0.8, 1e-3);
    EXPECT_FALSE(g["products"][1]["group"].get<bool>());
    EXPECT_EQ(g["input"]["lump_below"].get<double>(), 0.15);
}

TEST(Cli, separateWritesAPlantFileThatRunSolves)
{
    const fs::path dir = scratch("plant");
    // La/Ce-Pr is cut first: its more extractable side is split again, so it is linked.
    const fs::path feed =
        write(dir, "feed.yaml", "name: lcp\ncomposition: {La: 0.4, Ce: 0.4, Pr: 0.2}\n");
    const fs::path plant = dir / "plant.yaml";
    CommandRun run = run_reesx("separate --feed " + feed.string() + " --linked --plant-file " +
                               plant.string() + " --json " + (dir / "s.json").string() + " -q");
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_EQ(run.out, "") << "-q silences the progress on stderr too";
    nlohmann::json s;
    std::ifstream(dir / "s.json") >> s;
    EXPECT_TRUE(s["linked"].get<bool>());
    EXPECT_GT(s["linked_saves"]["base_mol_per_h"].get<double>(), 0.0);
    EXPECT_GT(s["linked_saves"]["hcl_mol_per_h"].get<double>(), 0.0);

    const fs::path json = dir / "plant.json";
    run = run_reesx("run " + plant.string() + " --json " + json.string());
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("Plant element balance"), std::string::npos) << run.out;
    nlohmann::json j;
    std::ifstream(json) >> j;
    EXPECT_TRUE(j["plant"].get<bool>());
    EXPECT_EQ(j["command"], "run");
    EXPECT_LT(j["mass_balance_relative_error"].get<double>(), 1e-12);
    ASSERT_EQ(j["products"].size(), 3U);
    for (const auto& [name, p] : j["products"].items()) {
        EXPECT_TRUE(p["meets_target"].get<bool>()) << name << ": " << p.dump();
        EXPECT_EQ(p["purity_target"].get<double>(), 0.9999);
    }
    // Every cascade's own run summary, with its stage profile.
    ASSERT_EQ(j["cascades"].size(), s["cascades"].size());
    for (const auto& [name, c] : j["cascades"].items()) {
        EXPECT_TRUE(c.contains("stages")) << name;
        EXPECT_LT(c["mass_balance_relative_error"].get<double>(), 1e-12) << name;
    }
    // `check` reads plant files; `dynamic` takes one cascade and says so; -o writes every
    // cascade (tests/tools/test_hdf5_layout.cpp reads it).
    EXPECT_EQ(run_reesx("check " + plant.string()).status, 0);
    run = run_reesx("dynamic " + plant.string());
    EXPECT_EQ(run.status, 1) << run.out;
    EXPECT_NE(run.out.find("takes one cascade"), std::string::npos) << run.out;
    run = run_reesx("run " + plant.string() + " -q -o " + (dir / "plant.h5").string());
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_TRUE(fs::exists(dir / "plant.h5"));
}

TEST(Cli, dynamicWritesJsonAndHdf5)
{
    const fs::path dir = scratch("dynamic");
    const std::string text =
        std::string(good_case) +
        "dynamic: {hours: 50, start: feed, profiles-at: [5.25 h, 25 h], control: {measure: "
        "{product: loaded_organic}, setpoint: 0.95, adjust: scrub-flow, gain: 0.1, interval: "
        "10 h, limits: [0.95, 1.1]}}\n";
    const fs::path case_file = write(dir, "case.yaml", text);
    const CommandRun run = run_reesx("dynamic " + case_file.string() + " --json " +
                                     (dir / "d.json").string() + " -o " + (dir / "d.h5").string());
    ASSERT_EQ(run.status, 0) << run.out;
    nlohmann::json d;
    std::ifstream(dir / "d.json") >> d;
    EXPECT_EQ(d["command"], "dynamic");
    EXPECT_EQ(d["dynamic"]["times_h"].size(), 101U);
    EXPECT_LT(d["dynamic"]["conservation_relative_error"].get<double>(), 1e-9);
    const nlohmann::json& control = d["dynamic"]["control"];
    EXPECT_EQ(control["adjust"], "scrub-flow");
    EXPECT_EQ(control["element"], "Nd");
    EXPECT_EQ(control["times_h"].size(), 6U);  // samples at 0, 10, ..., 50 h
    EXPECT_EQ(control["factor"].size(), 6U);
    const std::string h5 = (dir / "d.h5").string();
    EXPECT_EQ(reesx::io::read_string_attribute(h5, "/", "filetype"), "reesx-result");
    std::vector<std::size_t> dims;
    reesx::io::read_dataset(h5, "/profiles/1/aqueous_mol_per_L", &dims);
    EXPECT_EQ(dims, (std::vector<std::size_t>{20, 17}));
    reesx::io::read_dataset(h5, "/time_h", &dims);
    EXPECT_EQ(dims, (std::vector<std::size_t>{101}));  // 100 outputs + the profile at 5.25 h
    reesx::io::read_dataset(h5, "/control/factor", &dims);
    EXPECT_EQ(dims, (std::vector<std::size_t>{6}));
    const fs::path fresh =
        write(dir, "fresh.yaml", std::string(good_case) + "dynamic: {start: fresh}\n");
    EXPECT_EQ(run_reesx("dynamic " + fresh.string()).status, 1);
}

TEST(Cli, dynamicOfAMassActionCascadeWritesItsChemistry)
{
    // The example mass-action cascade from its steady state with a scrub step: the model's
    // stage profiles (pH, ...) as time series in JSON (name: [time][stage]) and HDF5
    // (/chemistry/<name>, times × stages), and one line each on stdout.
    const fs::path dir = scratch("dynamic-mass-action");
    std::ifstream base(example("prnd-p507-mass-action.yaml"));
    std::stringstream text;
    text << base.rdbuf()
         << "dynamic: {hours: 50, start: steady-state, outputs: 5, events: [{time: 5 h, "
            "scrub-flow-factor: 1.03}]}\n";
    const fs::path case_file = write(dir, "case.yaml", text.str());
    const CommandRun run = run_reesx("dynamic " + case_file.string() + " --json " +
                                     (dir / "d.json").string() + " -o " + (dir / "d.h5").string());
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("pH, stage 1 / stage 86"), std::string::npos) << run.out;
    nlohmann::json d;
    std::ifstream(dir / "d.json") >> d;
    const nlohmann::json& ph = d["dynamic"]["chemistry"]["pH"];
    ASSERT_EQ(ph.size(), 5U);
    EXPECT_EQ(ph[0].size(), 86U);
    std::vector<std::size_t> dims;
    const std::vector<double> h5_ph =
        reesx::io::read_dataset((dir / "d.h5").string(), "/chemistry/pH", &dims);
    EXPECT_EQ(dims, (std::vector<std::size_t>{5, 86}));
    EXPECT_DOUBLE_EQ(h5_ph[4 * 86], ph[4][0].get<double>());
}

// Feeds, rates, reflux and efficiencies as plants state them (user-guide.md).
TEST(Cli, feedTextRatesRefluxAndEfficienciesAsPlantsStateThem)
{
    const fs::path dir = scratch("plant_inputs");
    const fs::path feed = write(dir, "feed.yaml", "composition: {Pr: 25 %, Nd: 75 %}\n");
    const std::string options =
        " --system p507-hcl --split Nd/Pr --purity 0.999 --feed-rate '2000 t/y' "
        "--tradeoff-points 0 --json ";
    const CommandRun text =
        run_reesx("design --feed 'Pr:0.25,Nd:0.75'" + options + (dir / "text.json").string());
    ASSERT_EQ(text.status, 0) << text.out;
    const CommandRun file =
        run_reesx("design --feed " + feed.string() + options + (dir / "file.json").string());
    ASSERT_EQ(file.status, 0) << file.out;
    nlohmann::json by_text, by_file;
    std::ifstream(dir / "text.json") >> by_text;
    std::ifstream(dir / "file.json") >> by_file;
    EXPECT_EQ(by_text["stages"], by_file["stages"]);
    EXPECT_EQ(by_text["flows"], by_file["flows"]);

    const CommandRun bad =
        run_reesx("design --feed 'Pr:0.25,Nx:0.75'" + options + (dir / "bad.json").string());
    EXPECT_EQ(bad.status, 1) << bad.out;
    EXPECT_NE(bad.out.find("command line:"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("unknown element 'Nx'"), std::string::npos) << bad.out;
    const CommandRun unit = run_reesx(
        "design --feed 'Pr:0.25,Nd:0.75' --system p507-hcl "
        "--split Nd/Pr --feed-rate '2000 t/month'");
    EXPECT_EQ(unit.status, 1) << unit.out;
    EXPECT_NE(unit.out.find("t/y"), std::string::npos) << unit.out;

    const CommandRun separate = run_reesx(
        "separate --feed 'La:0.5,Ce:0.5' --purity 0.99 -q --json " + (dir / "sep.json").string());
    EXPECT_EQ(separate.status, 0) << separate.out;

    // --efficiency: the design's case carries it and `run` reproduces the design.
    const CommandRun murphree = run_reesx(
        "design --feed 'Pr:0.25,Nd:0.75'" + options + (dir / "e.json").string() +
        " --efficiency 'extraction: 0.9, scrub: 0.85' --case " + (dir / "e.yaml").string());
    ASSERT_EQ(murphree.status, 0) << murphree.out;
    nlohmann::json e;
    std::ifstream(dir / "e.json") >> e;
    EXPECT_GT(e["stages"]["extraction"].get<int>() + e["stages"]["scrub"].get<int>(),
              by_text["stages"]["extraction"].get<int>() + by_text["stages"]["scrub"].get<int>());
    const CommandRun rerun =
        run_reesx("run " + (dir / "e.yaml").string() + " --json " + (dir / "er.json").string());
    ASSERT_EQ(rerun.status, 0) << rerun.out;
    nlohmann::json r;
    std::ifstream(dir / "er.json") >> r;
    EXPECT_EQ(r["input"]["efficiency"]["scrub"].get<double>(), 0.85);
    EXPECT_EQ(r["products"]["loaded_organic"]["composition"]["Nd"].get<double>(),
              e["purity"]["A"].get<double>());

    // reflux: the flows it implies are reported.
    std::string reflux_case = good_case;
    reflux_case.replace(reflux_case.find("flow: 3410 L/h, "), 16, "");
    reflux_case.replace(reflux_case.find("flow: 376 L/h, "), 15, "");
    reflux_case += "reflux: {S: 4.09, W: 3.34}\n";
    const CommandRun reflux = run_reesx("run " + write(dir, "r.yaml", reflux_case).string() +
                                        " --json " + (dir / "r.json").string());
    ASSERT_EQ(reflux.status, 0) << reflux.out;
    EXPECT_NE(reflux.out.find("From the given reflux: organic flow 34"), std::string::npos)
        << reflux.out;
    nlohmann::json rj;
    std::ifstream(dir / "r.json") >> rj;
    EXPECT_EQ(rj["input"]["reflux"]["S"].get<double>(), 4.09);
    EXPECT_NEAR(rj["reflux"]["S"].get<double>(), 4.09, 1e-12 * 4.09);
    EXPECT_NEAR(rj["input"]["organic"]["flow_L_per_h"].get<double>(), 3410.0, 5.0);
}
