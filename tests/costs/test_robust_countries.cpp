// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The robust optimum of several countries in one run (common random numbers: the first
// country's result is the one-country run's, the separation factors the same in every
// country) and with the reflux held at one value in every sample (never cheaper than
// retuning it, and meeting the targets in every sample it can).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/core/Error.h"
#include "reesx/costs/Robust.h"
#include "reesx/costs/Uncertainty.h"
#include "reesx/thermo/Elements.h"

namespace reesx::costs {
namespace {

using ::testing::HasSubstr;

//! A binary Pr/Nd cut with an inline system whose log10 beta has a range (for the samples).
DesignSpec binary_spec()
{
    const std::string y =
        "system: {name: binary, log10-extractability: {Pr: 0, Nd: {value: 0.25, range: [0.23, "
        "0.27]}}}\n"
        "feed: {name: prnd, composition: {Pr: 0.5, Nd: 0.5}, concentration: 1.5 mol/L}\n"
        "split: Pr/Nd\nfeed-rate: 100 kg/h REO\npurity: 0.99\ntradeoff: {points: 0}\n";
    return parse_design(InputNode::load_string(y, "design.yaml"));
}

struct Optima {
    DesignSpec spec = binary_spec();
    CostSetup setup;
    std::vector<CountryOptimum> countries;
    Optima()
    {
        setup.data = builtin_cost_data();
        const DesignResult base = design(spec);
        for (const char* code : {"CN-NM", "US"}) {
            countries.push_back(optimize_country(spec, setup, code, base));
        }
    }
};

const Optima& optima()
{
    static const Optima o;  // one optimization for every test here
    return o;
}

RobustOptions few_samples()
{
    RobustOptions ro;
    ro.samples = 4;
    ro.radius = 1;
    ro.threads = 2;
    return ro;
}

TEST(RobustCountries, SampleWorldsShareTheSystemAndKeepTheFirstRegionsDraws)
{
    const CostModel model(optima().setup, optima().countries.front().optimum.streams);
    const Region& cn = model.region("CN-NM");
    const Region& us = model.region("US");
    const SampledWorlds both = sample_worlds(binary_spec().system, model, {&cn, &us}, 5, 3);
    const SampledWorld alone = sample_world(binary_spec().system, model, cn, 5, 3);
    ASSERT_EQ(both.values.size(), 2u);
    EXPECT_EQ(both.values[0].region, alone.values.region);
    EXPECT_EQ(both.values[0].global, alone.values.global);
    EXPECT_EQ(both.values[1].global, alone.values.global);  // plant-wide values common
    EXPECT_NE(both.values[1].region, both.values[0].region);
    const int nd = *element_index("Nd");
    EXPECT_EQ(both.system.log10_k(nd), alone.system.log10_k(nd));
}

TEST(RobustCountries, OneRunGivesEachCountryItsOwnOptimumOnTheSameSamples)
{
    const Optima& o = optima();
    const RobustOptions ro = few_samples();
    const std::vector<RobustResult> both = robust_optima(o.spec, o.setup, o.countries, ro);
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0].code, "CN-NM");
    EXPECT_EQ(both[1].code, "US");
    // The first country's result is the one-country run's: its samples did not change.
    const RobustResult alone = robust_optimum(o.spec, o.setup, "CN-NM", o.countries[0], ro);
    EXPECT_EQ(both[0].nominal.cost_usd_per_kg, alone.nominal.cost_usd_per_kg);
    EXPECT_EQ(both[0].robust.n, alone.robust.n);
    EXPECT_EQ(both[0].robust.m, alone.robust.m);
    for (std::size_t c = 0; c < both.size(); ++c) {
        const RobustResult& r = both[c];
        EXPECT_EQ(r.nominal.n, o.countries[c].optimum.n);
        EXPECT_EQ(r.nominal.m, o.countries[c].optimum.m);
        for (const auto& k : r.candidates) {
            if (k.infeasible == r.robust.infeasible) {
                EXPECT_LE(r.robust.objective, k.objective) << r.code;
            }
        }
    }
    // The same designs in the same worlds: the US prices them dearer in every sample.
    for (std::size_t k = 0; k < 4; ++k) {
        const double cn = both[0].candidates.front().cost_usd_per_kg[k];
        const double us = both[1].candidates.front().cost_usd_per_kg[k];
        if (std::isfinite(cn)) {
            EXPECT_GT(us, cn);
        }
    }
}

TEST(RobustCountries, AHeldRefluxCostsAtLeastARetunedOne)
{
    const Optima& o = optima();
    RobustOptions ro = few_samples();
    const RobustResult retuned = robust_optimum(o.spec, o.setup, "US", o.countries[1], ro);
    ro.fixed_reflux = true;
    const RobustResult fixed = robust_optimum(o.spec, o.setup, "US", o.countries[1], ro);
    EXPECT_TRUE(fixed.fixed_reflux);
    ASSERT_GE(fixed.nominal_off_spec_samples, 0);
    EXPECT_LE(fixed.nominal_off_spec_samples, 4);
    ASSERT_TRUE(std::isfinite(fixed.nominal.fixed_s_over_s_min));
    // Held at the largest of the samples' smallest refluxes: never below the mean of them, and
    // in each sample at least the retuned cost of the same stages.
    EXPECT_GE(fixed.nominal.fixed_s_over_s_min, retuned.nominal.mean_s_over_s_min);
    for (std::size_t k = 0; k < 4; ++k) {
        const double held = fixed.nominal.cost_usd_per_kg[k];
        const double tuned = retuned.nominal.cost_usd_per_kg[k];
        if (std::isfinite(held) && std::isfinite(tuned)) {
            EXPECT_GE(held, tuned * (1.0 - 1e-9));
        }
    }
    if (fixed.robust.infeasible == 0 && retuned.robust.infeasible == 0) {
        EXPECT_GE(fixed.robust.objective, retuned.robust.objective * (1.0 - 1e-9));
    }
    ASSERT_TRUE(std::isfinite(fixed.nominal_world_robust_usd_per_kg));
}

TEST(RobustCountries, CommandLineReportsEveryCountry)
{
    const auto dir = std::filesystem::temp_directory_path() / "reesx_robust_countries";
    std::filesystem::create_directories(dir);
    const std::string json = (dir / "o.json").string();
    const std::string cut =
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --purity 0.99 "
        "--countries CN-NM,US --robust 2 --robust-radius 1 --threads 2 ";
    const auto r = test::run_reesx(cut + "--robust-reflux fixed --json " + json);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr("robust optimum, US"));
    EXPECT_THAT(r.out, HasSubstr("reflux held"));
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["robust"]["country"], "CN-NM");
    EXPECT_EQ(j["robust"]["reflux"], "fixed");
    EXPECT_EQ(j["robust"]["country_order"], nlohmann::json({"CN-NM", "US"}));
    EXPECT_EQ(j["robust"]["countries"]["US"]["country"], "US");
    EXPECT_TRUE(j["robust"]["countries"]["US"]["nominal_off_spec_samples"].is_number());
    EXPECT_TRUE(j["robust"]["robust"]["fixed_S_over_S_min"].is_number());
    const auto bad = test::run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --purity 0.99 "
        "--robust-reflux fixed");
    EXPECT_EQ(bad.status, 1) << bad.out;
    EXPECT_THAT(bad.out, HasSubstr("give --robust too"));
    const auto unknown = test::run_reesx(cut + "--robust-reflux sometimes");
    EXPECT_NE(unknown.status, 0) << unknown.out;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reesx::costs
