// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `--csv DIR` (docs/user-guide.md, "CSV output"): every table parsed back equals the JSON
// summary written beside it; the Monte Carlo samples in CSV and HDF5 agree with each other
// and with the percentiles; the DOT diagram carries the flows and renders with Graphviz.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/costs/Uncertainty.h"
#include "reesx/io/Csv.h"
#include "reesx/io/Hdf5.h"

namespace fs = std::filesystem;
using nlohmann::json;
using reesx::test::CommandRun;
using reesx::test::run_reesx;

namespace {

fs::path scratch(const std::string& name)
{
    const fs::path dir = fs::temp_directory_path() / ("reesx_csv_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text)
{
    std::ofstream(dir / name) << text;
    return dir / name;
}

json read_json(const fs::path& path)
{
    json j;
    std::ifstream(path) >> j;
    return j;
}

//! A CSV file (RFC 4180: quoted cells may hold commas, quotes and line breaks) as rows of
//! cells keyed by the header.
struct Csv {
    std::vector<std::string> header;
    std::vector<std::map<std::string, std::string>> rows;
};

Csv read_csv(const fs::path& path)
{
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << path;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::vector<std::string>> lines(1);
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            lines.back().push_back(cell);
            cell.clear();
        } else if (c == '\n') {
            lines.back().push_back(cell);
            cell.clear();
            lines.emplace_back();
        } else {
            cell += c;
        }
    }
    EXPECT_TRUE(lines.back().empty() && cell.empty()) << path << ": no final line end";
    lines.pop_back();
    Csv csv;
    csv.header = lines.front();
    for (std::size_t r = 1; r < lines.size(); ++r) {
        EXPECT_EQ(lines[r].size(), csv.header.size()) << path << " row " << r;
        std::map<std::string, std::string> row;
        for (std::size_t k = 0; k < csv.header.size() && k < lines[r].size(); ++k) {
            row[csv.header[k]] = lines[r][k];
        }
        csv.rows.push_back(row);
    }
    return csv;
}

//! The cell as the JSON number it came from, exactly.
void expect_number(const std::map<std::string, std::string>& row, const std::string& column,
                   const json& value)
{
    ASSERT_TRUE(row.count(column)) << column;
    const std::string& cell = row.at(column);
    if (value.is_null()) {
        EXPECT_EQ(cell, "") << column;
        return;
    }
    ASSERT_FALSE(cell.empty()) << column;
    EXPECT_EQ(std::strtod(cell.c_str(), nullptr), value.get<double>()) << column;
}

//! Every number under a key naming a purity, recovery or composition lies in [0, 1]: JSON
//! reports them as fractions, never percent. Returns how many were checked.
int expect_fractions(const json& j, const std::string& path = "", bool inside = false)
{
    int checked = 0;
    if (j.is_number() && inside) {
        EXPECT_GE(j.get<double>(), 0.0) << path;
        EXPECT_LE(j.get<double>(), 1.0 + 1e-12) << path;
        return 1;
    }
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            const bool fraction = key.find("purity") != std::string::npos || key == "recovery" ||
                                  key == "composition";
            checked += expect_fractions(value, path + "/" + key, inside || fraction);
        }
    } else if (j.is_array()) {
        for (std::size_t k = 0; k < j.size(); ++k) {
            checked += expect_fractions(j[k], path + "/" + std::to_string(k), inside);
        }
    }
    return checked;
}

const char* prnd_case = R"(system: p507-hcl
stages: {extraction: 10, scrub: 10}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}
organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 376 L/h, acid: 4.0 mol/L}
)";

}  // namespace

TEST(CsvOutput, cellsAreNumbersOrEmptyAndQuotedWhenNeeded)
{
    EXPECT_EQ(reesx::io::csv_cell(json(0.1)), "0.1");
    EXPECT_EQ(reesx::io::csv_cell(json(1.0 / 3.0)), "0.3333333333333333");
    EXPECT_EQ(reesx::io::csv_cell(json(std::nan(""))), "");
    EXPECT_EQ(reesx::io::csv_cell(json(HUGE_VAL)), "");
    EXPECT_EQ(reesx::io::csv_cell(json(nullptr)), "");
    EXPECT_EQ(reesx::io::csv_cell(json(7)), "7");
    EXPECT_EQ(reesx::io::csv_cell(json("a, \"b\"")), "\"a, \"\"b\"\"\"");
    EXPECT_EQ(reesx::io::csv_cell(json::array({"La", "Pr"})), "La Pr");
}

TEST(CsvOutput, runTablesEqualTheJson)
{
    const fs::path dir = scratch("run");
    const fs::path case_file = write(dir, "case.yaml", prnd_case);
    const CommandRun run =
        run_reesx("run " + case_file.string() + " -q --json " + (dir / "r.json").string() +
                  " --csv " + (dir / "csv").string());
    ASSERT_EQ(run.status, 0) << run.out;
    const json j = read_json(dir / "r.json");
    EXPECT_GT(expect_fractions(j), 8);
    EXPECT_EQ(j["stage_profile"], j["stages"]) << "stages: the old name of stage_profile";

    const Csv stages = read_csv(dir / "csv" / "stages.csv");
    ASSERT_EQ(stages.rows.size(), j["stage_profile"].size());
    ASSERT_GE(stages.header.size(), 6U);
    EXPECT_EQ(stages.header[0], "stage");
    EXPECT_EQ(stages.header[1], "section");
    for (std::size_t s = 0; s < stages.rows.size(); ++s) {
        const auto& row = stages.rows[s];
        const json& stage = j["stage_profile"][s];
        expect_number(row, "stage", stage["stage"]);
        EXPECT_EQ(row.at("section"), stage["section"]);
        expect_number(row, "aqueous_flow_L_per_h", stage["aqueous_flow_L_per_h"]);
        for (const char* el : {"Pr", "Nd"}) {
            expect_number(row, std::string(el) + "_aqueous_mol_per_L",
                          stage["aqueous_mol_per_L"][el]);
            expect_number(row, std::string(el) + "_organic_mol_per_L",
                          stage["organic_mol_per_L"][el]);
        }
    }
    // Elements by atomic number: Pr (59) before Nd (60).
    const auto column = [&](const std::string& name) {
        return std::find(stages.header.begin(), stages.header.end(), name) - stages.header.begin();
    };
    EXPECT_LT(column("Pr_aqueous_mol_per_L"), column("Nd_aqueous_mol_per_L"));

    const Csv products = read_csv(dir / "csv" / "products.csv");
    ASSERT_EQ(products.rows.size(), j["products"].size());
    for (const auto& row : products.rows) {
        const json& p = j["products"][row.at("product")];
        expect_number(row, "flow_L_per_h", p["flow_L_per_h"]);
        expect_number(row, "purity_fraction", p["purity"]);
        expect_number(row, "Nd_mol_fraction", p["composition"]["Nd"]);
        expect_number(row, "Pr_mol_per_h", p["mol_per_h"]["Pr"]);
        EXPECT_EQ(row.at("phase"), p["phase"]);
    }
    const Csv recovery = read_csv(dir / "csv" / "recovery.csv");
    ASSERT_EQ(recovery.rows.size(), j["recovery"].size());
    for (const auto& row : recovery.rows) {
        for (const char* el : {"Pr", "Nd"}) {
            expect_number(row, std::string(el) + "_recovery_fraction",
                          j["recovery"][row.at("product")][el]);
        }
    }
}

TEST(CsvOutput, dynamicTimeSeriesEqualsTheJson)
{
    const fs::path dir = scratch("dynamic");
    const fs::path case_file =
        write(dir, "case.yaml", std::string(prnd_case) + "dynamic: {hours: 20, start: feed}\n");
    const CommandRun run =
        run_reesx("dynamic " + case_file.string() + " -q --json " + (dir / "d.json").string() +
                  " --csv " + (dir / "csv").string());
    ASSERT_EQ(run.status, 0) << run.out;
    const json j = read_json(dir / "d.json");
    const json& times = j["dynamic"]["times_h"];
    const Csv series = read_csv(dir / "csv" / "time_series.csv");
    ASSERT_EQ(series.rows.size(), times.size());
    for (std::size_t t = 0; t < times.size(); ++t) {
        expect_number(series.rows[t], "time_h", times[t]);
        for (const auto& [name, p] : j["dynamic"]["products"].items()) {
            expect_number(series.rows[t], name + "_purity_fraction", p["purity"][t]);
            expect_number(series.rows[t], name + "_re_mol_per_h", p["re_mol_per_h"][t]);
        }
    }
    const Csv final_stages = read_csv(dir / "csv" / "final_stages.csv");
    EXPECT_EQ(final_stages.rows.size(), j["stage_profile"].size());
}

TEST(CsvOutput, designProductsAndTradeoffEqualTheJson)
{
    const fs::path dir = scratch("design");
    const fs::path feed =
        write(dir, "feed.yaml", "name: prnd\ncomposition: {Pr: 0.25, Nd: 0.75}\n");
    const CommandRun run =
        run_reesx("design --system p507-hcl --feed " + feed.string() +
                  " --split Nd/Pr --purity 0.999 --tradeoff-points 3 -q --json " +
                  (dir / "d.json").string() + " --csv " + (dir / "csv").string());
    ASSERT_EQ(run.status, 0) << run.out;
    const json j = read_json(dir / "d.json");
    EXPECT_GT(expect_fractions(j), 4);
    EXPECT_EQ(j["stage_counts"], j["stages"]) << "stages: the old name of stage_counts";
    // Reagents as `run` reports them, for the designed cascade.
    const json& reagents = j["reagents"];
    for (const char* key : {"base_kg_per_h", "hcl_fed_kg_per_h", "per_kg_product"}) {
        EXPECT_TRUE(reagents.contains(key)) << key;
    }
    const std::string a = j["products"]["A"];
    EXPECT_GT(reagents["per_kg_product"][a]["base_kg_per_kg"].get<double>(), 0.0);
    EXPECT_EQ(reagents["base_mol_per_h"], reagents["saponification_base_mol_per_h"]);
    const Csv tradeoff = read_csv(dir / "csv" / "tradeoff.csv");
    ASSERT_EQ(tradeoff.rows.size(), 3U);
    for (std::size_t k = 0; k < 3; ++k) {
        const json& point = j["tradeoff"][k];
        expect_number(tradeoff.rows[k], "S_over_S_min", point["S_over_S_min"]);
        expect_number(tradeoff.rows[k], "S_mol_per_mol_feed", point["S"]);
        expect_number(tradeoff.rows[k], "W_mol_per_mol_feed", point["W"]);
        expect_number(tradeoff.rows[k], "total_stages", point["total"]);
    }
    const Csv products = read_csv(dir / "csv" / "products.csv");
    ASSERT_EQ(products.rows.size(), 2U);
    for (const auto& row : products.rows) {
        const std::string group = row.at("group");
        EXPECT_EQ(row.at("stream"), j["products"][group]);
        expect_number(row, "purity_fraction", j["purity"][group]);
        expect_number(row, "recovery_fraction", j["recovery"][group]);
    }
}

TEST(CsvOutput, separateTablesEqualTheJsonAndTheDiagramShowsFlows)
{
    const fs::path dir = scratch("separate");
    const fs::path feed =
        write(dir, "feed.yaml", "name: lpn\ncomposition: {La: 0.4, Pr: 0.1, Nd: 0.5}\n");
    const fs::path dot = dir / "plant.dot";
    const CommandRun run =
        run_reesx("separate --feed " + feed.string() + " -q --json " + (dir / "s.json").string() +
                  " --csv " + (dir / "csv").string() + " --dot " + dot.string());
    ASSERT_EQ(run.status, 0) << run.out;
    const json j = read_json(dir / "s.json");
    EXPECT_GT(expect_fractions(j), 6);
    for (const auto& cascade : j["cascades"]) {
        EXPECT_EQ(cascade["stage_counts"], cascade["stages"]);
    }
    const Csv products = read_csv(dir / "csv" / "products.csv");
    ASSERT_EQ(products.rows.size(), j["products"].size());
    for (std::size_t p = 0; p < products.rows.size(); ++p) {
        const auto& row = products.rows[p];
        EXPECT_EQ(row.at("element"), j["products"][p]["element"]);
        expect_number(row, "purity_fraction", j["products"][p]["purity"]);
        expect_number(row, "recovery_fraction", j["products"][p]["recovery"]);
        expect_number(row, "kg_reo_per_h", j["products"][p]["kg_reo_per_h"]);
    }
    const Csv cascades = read_csv(dir / "csv" / "cascades.csv");
    ASSERT_EQ(cascades.rows.size(), j["cascades"].size());
    for (std::size_t c = 0; c < cascades.rows.size(); ++c) {
        const json& cascade = j["cascades"][c];
        EXPECT_EQ(cascades.rows[c].at("split"), cascade["split"]);
        expect_number(cascades.rows[c], "extraction_stages", cascade["stage_counts"]["extraction"]);
        expect_number(cascades.rows[c], "organic_flow_L_per_h", cascade["flows"]["organic"]);
        expect_number(cascades.rows[c], "base_mol_per_h", cascade["reagents"]["base_mol_per_h"]);
    }

    std::ifstream in(dot);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Every cascade's two outlets and the feed carry a flow; the products their main element.
    std::size_t flows = 0;
    for (std::size_t at = text.find(" L/h"); at != std::string::npos;
         at = text.find(" L/h", at + 1)) {
        ++flows;
    }
    EXPECT_EQ(flows, 2 * j["cascades"].size() + 1) << text;
    EXPECT_NE(text.find("raffinate\\n"), std::string::npos) << text;
    EXPECT_NE(text.find("L/h\\nLa 0.9999"), std::string::npos) << text;

    if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "Graphviz `dot` is not installed (tools/install-deps.sh installs it)";
    }
    EXPECT_TRUE(fs::exists(dir / "plant.svg")) << "reesx renders the SVG beside the DOT file";
    const fs::path svg = dir / "by_hand.svg";
    ASSERT_EQ(std::system(("dot -Tsvg " + dot.string() + " -o " + svg.string()).c_str()), 0);
    std::ifstream svg_in(svg);
    const std::string svg_text((std::istreambuf_iterator<char>(svg_in)),
                               std::istreambuf_iterator<char>());
    EXPECT_NE(svg_text.find("<svg"), std::string::npos);
    EXPECT_NE(svg_text.find("L/h"), std::string::npos);
}

TEST(CsvOutput, costItemsAndEveryMonteCarloSampleInCsvAndHdf5)
{
    const fs::path dir = scratch("cost");
    const std::string ex = std::string(REESX_SOURCE_DIR) + "/examples/prnd-p507.yaml";
    const std::string h5 = (dir / "cost.h5").string();
    const CommandRun run =
        run_reesx("cost " + ex +
                  " --countries CN-NM,US --monte-carlo 12 --seed 5 --threads 2"
                  " --no-resimulate -q --json " +
                  (dir / "c.json").string() + " --csv " + (dir / "csv").string() + " -o " + h5);
    ASSERT_EQ(run.status, 0) << run.out;
    const json j = read_json(dir / "c.json");
    const Csv items = read_csv(dir / "csv" / "cost_items.csv");
    EXPECT_EQ(items.header, (std::vector<std::string>{"item", "unit", "CN-NM", "US"}));
    std::map<std::string, std::map<std::string, std::string>> by_item;
    for (const auto& row : items.rows) {
        by_item[row.at("item")] = row;
    }
    for (const char* code : {"CN-NM", "US"}) {
        const json& c = j["countries"][code];
        expect_number(by_item.at("capex_usd"), code, c["capex_usd"]);
        expect_number(by_item.at("opex_breakdown_usd_per_year.hcl"), code,
                      c["opex_breakdown_usd_per_year"]["hcl"]);
        expect_number(by_item.at("capex_breakdown_usd.first_fill"), code,
                      c["capex_breakdown_usd"]["first_fill"]);
        expect_number(by_item.at("cost_usd_per_kg.reo_fed"), code, c["cost_usd_per_kg"]["reo_fed"]);
        expect_number(by_item.at("cost_usd_per_kg.products.raffinate"), code,
                      c["cost_usd_per_kg"]["products"]["raffinate"]);
    }
    EXPECT_EQ(by_item.at("opex_usd_per_year").at("unit"), "USD/year");

    // Every sample, not only the percentiles: the JSON's percentiles follow from them.
    const Csv samples = read_csv(dir / "csv" / "monte_carlo_samples.csv");
    ASSERT_EQ(samples.rows.size(), 24U);
    std::vector<double> us_cost;
    for (const auto& row : samples.rows) {
        if (row.at("country") == "US") {
            us_cost.push_back(std::strtod(row.at("cost_usd_per_kg").c_str(), nullptr));
        }
    }
    ASSERT_EQ(us_cost.size(), 12U);
    const reesx::costs::Percentiles p = reesx::costs::percentiles(us_cost);
    const json& mc = j["monte_carlo"]["countries"]["US"]["cost_usd_per_kg"];
    EXPECT_EQ(p.p5, mc["p5"].get<double>());
    EXPECT_EQ(p.p50, mc["p50"].get<double>());
    EXPECT_EQ(p.p95, mc["p95"].get<double>());

    EXPECT_EQ(reesx::io::read_string_attribute(h5, "/", "command"), "cost");
    EXPECT_EQ(reesx::io::read_strings(h5, "/countries"), (std::vector<std::string>{"CN-NM", "US"}));
    std::vector<std::size_t> dims;
    const auto sampled = reesx::io::read_dataset(h5, "/monte_carlo/cost_usd_per_kg", &dims);
    ASSERT_EQ(dims, (std::vector<std::size_t>{12, 2}));
    for (std::size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(sampled[2 * i + 1], us_cost[i]);
    }
    const auto capex = reesx::io::read_dataset(h5, "/cost/capex_usd");
    EXPECT_EQ(capex[1], j["countries"]["US"]["capex_usd"].get<double>());
}

TEST(CsvOutput, plantRunTablesEqualTheJsonAndItsDiagramShowsEveryStream)
{
    const fs::path dir = scratch("plant");
    const std::string plant =
        std::string(REESX_SOURCE_DIR) + "/examples/plant-la-ce-pr-linked.yaml";
    const fs::path dot = dir / "plant.dot";
    const CommandRun run = run_reesx("run " + plant + " -q --json " + (dir / "p.json").string() +
                                     " --csv " + (dir / "csv").string() + " --dot " + dot.string());
    ASSERT_EQ(run.status, 0) << run.out;
    const json j = read_json(dir / "p.json");
    const Csv streams = read_csv(dir / "csv" / "streams.csv");
    ASSERT_EQ(streams.rows.size(), j["streams"].size());
    for (std::size_t k = 0; k < streams.rows.size(); ++k) {
        EXPECT_EQ(streams.rows[k].at("from"), j["streams"][k]["from"]);
        expect_number(streams.rows[k], "flow_L_per_h", j["streams"][k]["flow_L_per_h"]);
    }
    const Csv products = read_csv(dir / "csv" / "products.csv");
    ASSERT_EQ(products.rows.size(), j["products"].size());
    for (const auto& row : products.rows) {
        expect_number(row, "purity_fraction", j["products"][row.at("product")]["purity"]);
    }
    for (const auto& [name, cascade] : j["cascades"].items()) {
        const Csv stages = read_csv(dir / "csv" / ("stages_" + name + ".csv"));
        ASSERT_EQ(stages.rows.size(), cascade["stage_profile"].size()) << name;
        for (const auto& [el, c] : cascade["stage_profile"].back()["aqueous_mol_per_L"].items()) {
            expect_number(stages.rows.back(), el + "_aqueous_mol_per_L", c);
        }
    }
    std::ifstream in(dot);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t flows = 0;
    for (std::size_t at = text.find(" L/h"); at != std::string::npos;
         at = text.find(" L/h", at + 1)) {
        ++flows;
    }
    // One arrow per feed (the example has one of its own), stream and product, each with its
    // flow.
    std::size_t arrows = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        arrows +=
            line.find("[label=") != std::string::npos && line.find(" -> ") < line.find("[label=");
    }
    EXPECT_EQ(flows, arrows) << text;
    EXPECT_EQ(arrows, 1 + j["streams"].size() + j["products"].size()) << text;

    // A one-cascade case has no plant diagram.
    const fs::path case_file = write(dir, "case.yaml", prnd_case);
    EXPECT_EQ(run_reesx("run " + case_file.string() + " -q --dot " + dot.string()).status, 1);
}
