// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The whole energy draw (items summing to the totals, the power price acting on cost, the
// evaporation between a plant's cascades), the Pareto fronts of `optimize` (monotone and
// non-dominated) and its robust optimum (never dearer in its objective than the nominal
// design on the same samples), and their command-line outputs (JSON, CSV, HDF5).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/core/Error.h"
#include "reesx/costs/Pareto.h"
#include "reesx/costs/Report.h"
#include "reesx/costs/Robust.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/io/Hdf5.h"

namespace reesx::costs {
namespace {

using ::testing::HasSubstr;

std::string example(const std::string& name)
{
    return std::string(REESX_SOURCE_DIR) + "/examples/" + name;
}

//! A binary Pr/Nd cut with an inline system whose log10 beta has a range (for the samples).
DesignSpec binary_spec(double purity = 0.99)
{
    std::ostringstream y;
    y << "system: {name: binary, log10-extractability: {Pr: 0, Nd: {value: 0.25, range: [0.23, "
         "0.27]}}}\n"
      << "feed: {name: prnd, composition: {Pr: 0.5, Nd: 0.5}, concentration: 1.5 mol/L}\n"
      << "split: Pr/Nd\nfeed-rate: 100 kg/h REO\npurity: " << purity << "\ntradeoff: {points: 0}\n";
    return parse_design(InputNode::load_string(y.str(), "design.yaml"));
}

OptimizeOptions builtin_options()
{
    OptimizeOptions o;
    o.setup.data = builtin_cost_data();
    return o;
}

TEST(Energy, ItemsSumToTheTotalsAndThePowerPriceActsOnThemAll)
{
    const CaseSpec spec = parse_case(InputNode::load_file(example("prnd-p507.yaml")));
    CostRequest request;
    request.countries = {"CN-NM", "US"};
    const CostStudy study = cost_study(spec, request);
    for (const auto& c : study.run.countries) {
        double on_site = 0.0, embodied = 0.0;
        for (int i = 0; i < num_energy_items; ++i) {
            EXPECT_GE(c.energy_kwh_per_year_by_item[i], 0.0) << c.code << " item " << i;
            (is_embodied(static_cast<EnergyItem>(i)) ? embodied : on_site) +=
                c.energy_kwh_per_year_by_item[i];
        }
        EXPECT_NEAR(on_site, c.electricity_kwh_per_year, 1e-9 * on_site) << c.code;
        EXPECT_NEAR(embodied, c.embodied_kwh_per_year, 1e-9 * embodied) << c.code;
        EXPECT_NEAR(c.co2_electricity_kg_per_year + c.co2_reagents_kg_per_year,
                    (on_site + embodied) * study.model.region(c.code)[RegionParam::grid_co2].value,
                    1e-9 * (on_site + embodied));
        // Precipitation and calcination of both products: all the REO fed, per its kWh/t.
        const auto& g = study.model.setup().data;
        const double finished_t = c.reo_fed_kg_per_year / 1000.0;
        EXPECT_NEAR(c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::calcination)],
                    finished_t * g[GlobalParam::calcination_energy].value, 1e-6 * finished_t);
        // More than the mixers and pumps alone, which the model counted before.
        EXPECT_GT(c.electricity_kwh_per_year,
                  2.0 * (c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::mixers)] +
                         c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::pumps)]));
        // The JSON gives the same items.
        const nlohmann::json j = energy_json(c);
        EXPECT_NEAR(j["kwh_per_year"]["calcination"].get<double>(),
                    c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::calcination)], 1e-6);
    }
    // A dearer kWh raises the annual cost by exactly the on-site kWh times the difference.
    const Region& cn = study.model.region("CN-NM");
    ParamValues v = study.model.nominal(cn);
    const CountryCost base = study.model.evaluate(cn, v);
    v.region[static_cast<int>(RegionParam::electricity_price)] += 0.05;
    const CountryCost dearer = study.model.evaluate(cn, v);
    EXPECT_NEAR(dearer.annual_cost_usd_per_year - base.annual_cost_usd_per_year,
                0.05 * base.electricity_kwh_per_year, 1e-6 * base.annual_cost_usd_per_year);
    // A warm circuit heats its aqueous feeds: heating appears and costs power.
    v = study.model.nominal(cn);
    v.global[static_cast<int>(GlobalParam::heating_temperature_rise)] = 15.0;
    const CountryCost warm = study.model.evaluate(cn, v);
    EXPECT_EQ(base.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::heating)], 0.0);
    EXPECT_GT(warm.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::heating)], 0.0);
    EXPECT_GT(warm.annual_cost_usd_per_year, base.annual_cost_usd_per_year);
}

TEST(Energy, SeparatedPlantPaysForEvaporationBetweenCascades)
{
    const auto dir = std::filesystem::temp_directory_path() / "reesx_energy_separate";
    std::filesystem::create_directories(dir);
    const std::string json = (dir / "separate.json").string();
    const auto s = test::run_reesx(
        "separate --feed \"La:0.3,Ce:0.3,Pr:0.2,Nd:0.2\" --purity 0.999 --countries CN-NM -q "
        "--json " +
        json);
    ASSERT_EQ(s.status, 0) << s.out;
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    const auto& energy = j["cost"]["countries"]["CN-NM"]["energy_breakdown"];
    // The upstream products leave more dilute than the 1.5 mol/L the next cascade was
    // designed for: water is evaporated, at the evaporation-energy per t.
    EXPECT_GT(energy["evaporated_water_t_per_year"].get<double>(), 0.0) << energy.dump();
    EXPECT_NEAR(energy["kwh_per_year"]["evaporation"].get<double>(),
                25.0 * energy["evaporated_water_t_per_year"].get<double>(),
                1e-9 * energy["kwh_per_year"]["evaporation"].get<double>());
    double on_site = 0.0;
    for (const auto& [key, kwh] : energy["kwh_per_year"].items()) {
        if (key.find("embodied") == std::string::npos) {
            on_site += kwh.get<double>();
        }
    }
    EXPECT_NEAR(on_site, energy["on_site_kwh_per_year"].get<double>(), 1e-9 * on_site);
    std::filesystem::remove_all(dir);
}

TEST(Pareto, CapitalAgainstOperatingIsNonDominatedAndRecoveryFrontRises)
{
    const DesignSpec spec = binary_spec();
    const OptimizeOptions options = builtin_options();
    const DesignResult base = design(spec);
    const CountryOptimum opt = optimize_country(spec, options.setup, "US", base);
    const auto front = pareto_capital_operating(spec, options, "US", opt, 8);
    ASSERT_GE(front.size(), 3u);
    for (std::size_t i = 1; i < front.size(); ++i) {
        // More capital buys less operating cost, point after point: none dominates another.
        EXPECT_GT(front[i].capex_usd, front[i - 1].capex_usd);
        EXPECT_LT(front[i].opex_usd_per_year, front[i - 1].opex_usd_per_year);
        EXPECT_TRUE(front[i].meets_targets);
    }
    // The cost optimum is on the front or beaten in both by a point of it... and the front
    // holds nothing cheaper per kg than the optimum (beyond the reflux grid's precision).
    for (const auto& p : front) {
        EXPECT_GE(p.cost_usd_per_kg, opt.optimum.cost_usd_per_kg * (1.0 - 1e-3));
    }
    // non_dominated drops a point beaten in both.
    FrontPoint a, b, c;
    a.capex_usd = 1.0, a.opex_usd_per_year = 3.0;
    b.capex_usd = 2.0, b.opex_usd_per_year = 3.5;  // dominated by a
    c.capex_usd = 3.0, c.opex_usd_per_year = 1.0;
    const auto kept = non_dominated({c, b, a});
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].capex_usd, 1.0);
    EXPECT_EQ(kept[1].capex_usd, 3.0);

    const auto recovery = pareto_recovery(spec, options, "US", {0.995, 0.95});
    ASSERT_EQ(recovery.size(), 2u);
    EXPECT_EQ(recovery[0].target, 0.95);  // sorted ascending
    for (std::size_t i = 0; i < recovery.size(); ++i) {
        EXPECT_TRUE(recovery[i].meets_targets);
        EXPECT_GE(recovery[i].recovery_a, recovery[i].target * (1.0 - 1e-9));
        EXPECT_LE(recovery[i].cost_usd_per_kg, recovery[i].baseline_cost_usd_per_kg);
    }
    EXPECT_GT(recovery[1].cost_usd_per_kg, recovery[0].cost_usd_per_kg);
    EXPECT_THROW((void)pareto_recovery(spec, options, "US", {1.5}), InputError);
}

TEST(Robust, NeverDearerThanTheNominalDesignOnTheSameSamples)
{
    const DesignSpec spec = binary_spec();
    const OptimizeOptions options = builtin_options();
    const DesignResult base = design(spec);
    const CountryOptimum opt = optimize_country(spec, options.setup, "CN-NM", base);
    RobustOptions ro;
    ro.samples = 4;
    ro.radius = 1;
    ro.threads = 2;
    const RobustResult r = robust_optimum(spec, options.setup, "CN-NM", opt, ro);
    ASSERT_GE(r.candidates.size(), 9u);  // the 3 x 3 box, and more where it moved
    EXPECT_EQ(r.nominal.n, opt.optimum.n);
    EXPECT_EQ(r.nominal.m, opt.optimum.m);
    ASSERT_EQ(r.nominal.cost_usd_per_kg.size(), 4u);
    // Sample average over the same samples: the robust pair's objective is the least.
    EXPECT_LE(r.robust.infeasible, r.nominal.infeasible);
    if (r.robust.infeasible == r.nominal.infeasible) {
        EXPECT_LE(r.robust.objective, r.nominal.objective);
    }
    for (const auto& c : r.candidates) {
        if (c.infeasible == r.robust.infeasible) {
            EXPECT_LE(r.robust.objective, c.objective);
        }
    }
    // The samples differ (prices and beta move) and the nominal world favours the nominal
    // optimum: the robust design costs at least as much there (to the reflux precision).
    EXPECT_NE(r.nominal.cost_usd_per_kg[0], r.nominal.cost_usd_per_kg[1]);
    ASSERT_TRUE(std::isfinite(r.nominal_world_robust_usd_per_kg));
    EXPECT_GE(r.nominal_world_robust_usd_per_kg, r.nominal_world_nominal_usd_per_kg * (1 - 2e-3));
    // The same seed gives the same samples; the 100th percentile is the worst sample.
    RobustOptions worst = ro;
    worst.percentile = 100.0;
    const RobustResult w = robust_optimum(spec, options.setup, "CN-NM", opt, worst);
    EXPECT_EQ(w.nominal.cost_usd_per_kg, r.nominal.cost_usd_per_kg);
    EXPECT_GE(w.nominal.objective, w.nominal.mean_usd_per_kg);
    EXPECT_DOUBLE_EQ(percentile_of({1.0, 2.0, 3.0, 5.0}, 50.0), 2.5);

    RobustOptions bad = ro;
    bad.samples = 1;
    EXPECT_THROW((void)robust_optimum(spec, options.setup, "CN-NM", opt, bad), InputError);
}

TEST(OptimizeFrontsCli, JsonCsvHdf5AndBadOptions)
{
    const auto dir = std::filesystem::temp_directory_path() / "reesx_optimize_fronts";
    std::filesystem::create_directories(dir);
    const std::string json = (dir / "o.json").string(), csv = (dir / "fronts.csv").string(),
                      h5 = (dir / "o.h5").string();
    const std::string cut =
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --purity 0.99 ";
    const auto r = test::run_reesx(cut +
                                   "--pareto-recovery 0.95 --pareto-capital 4 --robust 2 "
                                   "--robust-radius 1 --json " +
                                   json + " -o " + csv);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr("capital against operating cost"));
    EXPECT_THAT(r.out, HasSubstr("robust optimum"));
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["pareto"]["recovery"]["points"].size(), 1u);
    EXPECT_GE(j["pareto"]["capital_operating"].size(), 2u);
    EXPECT_EQ(j["robust"]["samples"], 2);
    EXPECT_TRUE(j["robust"]["premium"].contains("expected_usd_per_kg"));
    EXPECT_TRUE(j["countries"]["CN-NM"]["optimum"]["energy_breakdown"]["kwh_per_year"].contains(
        "calcination"));
    std::ifstream table(csv);
    const std::string text{std::istreambuf_iterator<char>(table), {}};
    EXPECT_THAT(text, HasSubstr("front,target_fraction"));
    EXPECT_THAT(text, HasSubstr("\ncapital_operating,"));
    EXPECT_THAT(text, HasSubstr("\nrecovery,0.95,"));

    const auto h = test::run_reesx(cut + "--pareto 0.99 -q -o " + h5);
    ASSERT_EQ(h.status, 0) << h.out;
    EXPECT_EQ(io::read_string_attribute(h5, "/", "filetype"), "reesx-result");
    EXPECT_EQ(io::read_string_attribute(h5, "/", "command"), "optimize");
    EXPECT_EQ(io::read_strings(h5, "/countries"), std::vector<std::string>{"CN-NM"});
    EXPECT_EQ(io::read_dataset(h5, "/pareto/purity/cost_usd_per_kg").size(), 1u);
    EXPECT_EQ(io::read_string_attribute(h5, "/pareto/purity/cost_usd_per_kg", "units"), "USD/kg");
    EXPECT_TRUE(io::object_exists(h5, "/stages/number"));

    const auto bad_ext = test::run_reesx(cut + "-o fronts.txt");
    EXPECT_EQ(bad_ext.status, 1) << bad_ext.out;
    const auto no_front = test::run_reesx(cut + "-o " + (dir / "x.csv").string());
    EXPECT_EQ(no_front.status, 1) << no_front.out;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.csv"));
    const auto percentile_alone = test::run_reesx(cut + "--percentile 90");
    EXPECT_EQ(percentile_alone.status, 1) << percentile_alone.out;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reesx::costs
