// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx optimize --plant`: the optimal plant is never dearer than separate's default in any
// country, every optimized cascade re-run from its case file meets its targets, the products'
// costs add up to the plant's, and the short-cut pricing of a cut follows the prices.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../RunReesx.h"
#include "reesx/core/Error.h"
#include "reesx/costs/PlantOptimize.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {
namespace {

using ::testing::HasSubstr;

//! Four products, 99.9 %: three cascades, a few seconds per country.
SeparateSpec four_products()
{
    return parse_separate(
        InputNode::load_string("system: p507-hcl\npurity: 0.999\nfeed-rate: 100 kg/h REO\n"
                               "feed: {name: lacepr-nd, concentration: 1.5 mol/L, composition: "
                               "{La: 0.30, Ce: 0.45, Pr: 0.08, Nd: 0.17}}\n",
                               "separate.yaml"));
}

const PlantOptimizeResult& optimized()
{
    static const PlantOptimizeResult result = [] {
        PlantOptimizeOptions options;
        options.request.countries = {"CN-NM", "US", "AU", "MY", "VN", "JP", "FR"};
        return optimize_plant(four_products(), options);
    }();
    return result;
}

TEST(PlantOptimize, neverDearerThanSeparatesDefaultInAnyCountry)
{
    const PlantOptimizeResult& r = optimized();
    ASSERT_EQ(r.countries.size(), 7U);
    for (const auto& c : r.countries) {
        SCOPED_TRACE(c.code);
        EXPECT_TRUE(std::isfinite(c.optimum.cost_usd_per_kg));
        EXPECT_GT(c.optimum.cost_usd_per_kg, 0.0);
        EXPECT_LE(c.optimum.cost_usd_per_kg, c.baseline.cost_usd_per_kg);
        EXPECT_TRUE(c.optimum.meets_targets);
        EXPECT_EQ(c.optimum.products.size(), 4U);
        EXPECT_EQ(c.optimum.cascades.size(), 3U);
        for (const auto& p : c.optimum.products) {
            EXPECT_GE(p.purity, 0.999) << p.name;
        }
    }
    // CN-NM's plant is dearer at every other country's prices: the price part of the gap is
    // positive.
    ASSERT_EQ(r.reference, "CN-NM");
    for (const auto& g : r.gaps) {
        if (g.code != "CN-NM") {
            EXPECT_GT(g.prices_usd_per_kg, 0.0) << g.code;
            EXPECT_NEAR(g.gap_usd_per_kg, g.prices_usd_per_kg + g.design_usd_per_kg, 1e-9);
        }
    }
}

//! Group purity of a cold solve of a designed cascade's case file.
std::pair<double, double> rerun_purities(const DesignResult& d)
{
    const CaseSpec c = parse_case(InputNode::load_string(d.case_yaml, "optimized cascade"));
    Cascade cascade(c);
    const CascadeResult r = cascade.solve();
    double a = 0.0, b = 0.0;
    for (const auto& p : r.products) {
        for (const int e : d.group_a) {
            a += p.name == d.product_a_name ? p.composition[e] : 0.0;
        }
        for (const int e : d.group_b) {
            b += p.name == "raffinate" ? p.composition[e] : 0.0;
        }
    }
    return {a, b};
}

TEST(PlantOptimize, everyOptimizedCascadeRerunMeetsItsTargets)
{
    for (const auto& c : optimized().countries) {
        SCOPED_TRACE(c.code);
        ASSERT_FALSE(c.baseline_returned);
        for (const auto& cascade : c.optimum.design.cascades) {
            SCOPED_TRACE(cascade.split);
            const DesignResult& d = cascade.design;
            const auto [a, b] = rerun_purities(d);
            EXPECT_GE(a, d.targets.purity_a);
            EXPECT_GE(b, d.targets.purity_b);
        }
    }
}

TEST(PlantOptimize, productCostsSumToThePlantTotal)
{
    for (const auto& c : optimized().countries) {
        for (const PricedPlant* plant : {&c.optimum, &c.baseline}) {
            SCOPED_TRACE(c.code);
            double annual = 0.0, kg = 0.0, cascades = 0.0;
            for (const auto& p : plant->products) {
                annual += p.cost_usd_per_kg * p.reo_kg_per_year;
                kg += p.reo_kg_per_year;
                EXPECT_GT(p.cost_usd_per_kg, 0.0) << p.name;
            }
            for (const auto& cas : plant->cascades) {
                cascades += cas.annual_cost_usd_per_year;
            }
            const double total = plant->cost.annual_cost_usd_per_year;
            EXPECT_NEAR(annual, total, 1e-9 * total);
            EXPECT_NEAR(cascades, total, 1e-9 * total);
            EXPECT_NEAR(plant->cost_usd_per_kg, total / kg, 1e-12 * total / kg);
        }
    }
}

TEST(PlantOptimize, everyProductCarriesTheFirstCascade)
{
    // Every product passes through the first cascade, so it carries at least that cascade's
    // cost per kg of all products; the one that leaves it directly carries nothing else.
    for (const auto& c : optimized().countries) {
        SCOPED_TRACE(c.code);
        const PricedPlant& plant = c.optimum;
        double kg = 0.0;
        for (const auto& p : plant.products) {
            kg += p.reo_kg_per_year;
        }
        const double first = plant.cascades.front().annual_cost_usd_per_year / kg;
        for (const auto& p : plant.products) {
            EXPECT_GE(p.cost_usd_per_kg, first * (1.0 - 1e-12)) << p.name;
            if (p.cascades == 1) {
                EXPECT_NEAR(p.cost_usd_per_kg, first, 1e-12 * first) << p.name;
            }
        }
    }
}

TEST(PlantOptimize, theLinkedPlantIsReturnedExactlyWhenItIsTheCheaper)
{
    // La/Ce-Nd, Ce/Pr-Nd, Pr/Nd: the first two cascades' more extractable side is split again,
    // so the plant can be linked; both plants are priced and the cheaper one returned.
    for (const auto& c : optimized().countries) {
        SCOPED_TRACE(c.code);
        ASSERT_FALSE(c.baseline_returned);
        const PlantLinking& l = c.linking;
        ASSERT_TRUE(l.linkable);
        ASSERT_TRUE(l.independent_meets_targets);
        ASSERT_TRUE(l.linked_meets_targets);
        EXPECT_GT(l.linked_usd_per_kg, 0.0);
        EXPECT_EQ(l.linked_chosen, l.linked_usd_per_kg < l.independent_usd_per_kg);
        EXPECT_EQ(c.optimum.linked, l.linked_chosen);
        EXPECT_DOUBLE_EQ(c.optimum.cost_usd_per_kg,
                         std::min(l.linked_usd_per_kg, l.independent_usd_per_kg));
        // The linked plant has an organic-fed cascade, the independent one none.
        bool organic_fed = false;
        for (const auto& cas : c.optimum.design.cascades) {
            organic_fed = organic_fed || cas.feed_outlet == "loaded_organic";
        }
        EXPECT_EQ(organic_fed, c.optimum.linked);
    }
}

TEST(PlantOptimize, shortcutCutCostFollowsThePrices)
{
    // The La-Ce/Pr-Nd cut priced at CN-NM's prices and at US's: dearer capital, labour and
    // reagents cost more, and a cut the theory cannot make (purity below the feed's) is
    // infinitely dear.
    const SeparateSpec spec = four_products();
    SequenceCut cut;
    cut.first = 0;
    cut.last = 3;
    cut.cut = 1;
    cut.share_of_feed = 1.0;
    cut.targets = {spec.system.beta(*element_index("Pr"), *element_index("Ce")), 0.25, 0.9995,
                   0.9995, theory::FeedPhase::aqueous};
    CostSetup setup;
    setup.data = builtin_cost_data();
    PlantStreams placeholder;
    placeholder.system_name = spec.system.name;
    placeholder.base_equiv_mol_per_h = 1.0;
    const CostModel model(setup, placeholder);
    // The cut's design: the whole feed, split between Ce and Pr.
    std::string yaml =
        "system: p507-hcl\nfeed: {name: f, concentration: 1.5 mol/L, composition: {La: 0.30, "
        "Ce: 0.45, Pr: 0.08, Nd: 0.17}}\nsplit: La-Ce/Pr-Nd\nfeed-rate: 100 kg/h REO\n"
        "purity: 0.9995\nstrip: {stages: 2}\ntradeoff: {points: 0}\n";
    cut.design = parse_design(InputNode::load_string(yaml, "cut.yaml"));
    const double cn = shortcut_cut_cost(cut, model, model.region("CN-NM"));
    const double us = shortcut_cut_cost(cut, model, model.region("US"));
    EXPECT_TRUE(std::isfinite(cn));
    EXPECT_GT(cn, 0.0);
    EXPECT_GT(us, cn);
    SequenceCut impossible = cut;
    impossible.targets.purity_a = 0.1;  // below the feed's share of A
    EXPECT_TRUE(std::isinf(shortcut_cut_cost(impossible, model, model.region("CN-NM"))));
}

TEST(PlantOptimizeCli, cutOptionsAreRefusedAndJsonHasThePlantKeys)
{
    const auto bad = test::run_reesx("optimize --plant --feed \"La:0.5,Ce:0.5\" --split La/Ce");
    EXPECT_EQ(bad.status, 1);
    EXPECT_THAT(bad.out, HasSubstr("--split"));
    const auto no_plant = test::run_reesx(
        "optimize --feed \"La:0.5,Ce:0.5\" --split La/Ce --system p507-hcl --lump-below 0.01");
    EXPECT_EQ(no_plant.status, 1);
    EXPECT_THAT(no_plant.out, HasSubstr("--plant"));

    const std::string json = ::testing::TempDir() + "plant_optimize.json";
    const std::string plant = ::testing::TempDir() + "plant_optimize.yaml";
    std::remove(json.c_str());
    const auto run = test::run_reesx(
        "optimize --plant --system p507-hcl --feed \"La:0.4,Ce:0.4,Pr:0.2\" --purity 0.999 "
        "--feed-rate \"50 kg/h REO\" --countries CN-NM,US -q --json " +
        json + " --plant-file " + plant);
    ASSERT_EQ(run.status, 0) << run.out;
    std::ifstream in(json);
    const nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j.at("mode"), "plant");
    for (const std::string code : {"CN-NM", "US"}) {
        const auto& c = j.at("countries").at(code);
        EXPECT_LE(c.at("optimum").at("cost_usd_per_kg").get<double>(),
                  c.at("baseline").at("cost_usd_per_kg").get<double>());
        EXPECT_EQ(c.at("optimum").at("products").size(), 3U);
        EXPECT_TRUE(c.at("optimum").at("products").at(0).contains("cost_usd_per_kg"));
        // Linking priced both ways; the chosen plant is the cheaper.
        const auto& l = c.at("linked");
        ASSERT_TRUE(l.at("linkable").get<bool>());
        const double independent = l.at("independent_usd_per_kg").get<double>();
        const double linked = l.at("linked_usd_per_kg").get<double>();
        EXPECT_EQ(l.at("chosen"), linked < independent ? "linked" : "independent");
        EXPECT_DOUBLE_EQ(c.at("optimum").at("cost_usd_per_kg").get<double>(),
                         std::min(independent, linked));
        // The strip acid is a bounded decision variable of every stripped cascade.
        for (const auto& cas : c.at("optimum").at("cascades")) {
            const auto& strip = cas.at("decision_variables").at("strip_acid_mol_per_L");
            EXPECT_EQ(strip.at("optimized").get<bool>(),
                      cas.at("stages").at("strip").get<int>() > 0);
        }
    }
    EXPECT_TRUE(j.at("comparison").at("US").contains("prices_usd_per_kg"));
    // The plant file runs.
    const auto rerun = test::run_reesx("run " + plant + " -q");
    EXPECT_EQ(rerun.status, 0) << rerun.out;
}

}  // namespace
}  // namespace reesx::costs
