// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx optimize`: the optimum against a brute-force grid over stages and reflux, never dearer
// than design's default, its targets met on a re-run of its case file, and the optimum moving
// the way prices push it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../RunReesx.h"
#include "reesx/core/Error.h"
#include "reesx/costs/Optimize.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {
namespace {

using ::testing::HasSubstr;

//! A binary Pr/Nd cut with an inline system (log10 beta given), 99.9 % both ways.
DesignSpec binary_spec(double log10_beta = 0.25, double purity = 0.999)
{
    std::ostringstream y;
    y << "system: {name: binary, log10-extractability: {Pr: 0, Nd: " << log10_beta << "}}\n"
      << "feed: {name: prnd, composition: {Pr: 0.5, Nd: 0.5}, concentration: 1.5 mol/L}\n"
      << "split: Pr/Nd\nfeed-rate: 100 kg/h REO\npurity: " << purity << "\ntradeoff: {points: 0}\n";
    return parse_design(InputNode::load_string(y.str(), "design.yaml"));
}

CostSetup builtin_setup()
{
    CostSetup setup;
    setup.data = builtin_cost_data();
    return setup;
}

DesignResult baseline_of(const DesignSpec& spec)
{
    return design(spec);
}

//! Group purities of a cold solve of the design case of (n, m, s) (independent of the
//! optimizer's trials and caches).
std::pair<double, double> purities(const DesignSpec& spec, const DesignResult& base, int n, int m,
                                   double s)
{
    const double w = s - base.theory.f_a_product;
    const CaseSpec c = parse_design_case(spec, design_case_yaml(spec, n, m, s, w), "grid case");
    Cascade cascade(c);
    const CascadeResult r = cascade.solve();
    double a = 0.0, b = 0.0;
    for (const auto& p : r.products) {
        for (const int i : base.group_a) {
            a += p.name == base.product_a_name ? p.composition[i] : 0.0;
        }
        for (const int i : base.group_b) {
            b += p.name == "raffinate" ? p.composition[i] : 0.0;
        }
    }
    return {a, b};
}

TEST(Optimize, BinaryCutMatchesBruteForceGridOverStagesAndReflux)
{
    const DesignSpec spec = binary_spec();
    const CostSetup setup = builtin_setup();
    const DesignResult base = baseline_of(spec);
    const CountryOptimum opt = optimize_country(spec, setup, "CN-NM", base);
    ASSERT_TRUE(opt.optimum.meets_targets);

    // The grid: every stage pair within 4 of the optimum's, each at the first reflux of a 1 %
    // geometric grid in S/S_min (1.005 to 8) that meets both targets (found by bisection of
    // the grid index: more reflux never lowers the purities at fixed stages), priced there.
    const double s_min = base.theory.s_min;
    std::vector<double> grid;
    for (double r = 1.005; r < 8.0; r *= 1.01) {
        grid.push_back(r * s_min);
    }
    double grid_best = std::numeric_limits<double>::infinity(), grid_s = 0.0;
    int grid_n = 0, grid_m = 0;
    for (int n = std::max(1, opt.optimum.n - 4); n <= opt.optimum.n + 4; ++n) {
        for (int m = std::max(1, opt.optimum.m - 4); m <= opt.optimum.m + 4; ++m) {
            const auto meets = [&](std::size_t k) {
                const auto [a, b] = purities(spec, base, n, m, grid[k]);
                return a >= base.targets.purity_a && b >= base.targets.purity_b;
            };
            if (!meets(grid.size() - 1)) {
                continue;
            }
            std::size_t lo = 0, hi = grid.size() - 1;
            if (meets(lo)) {
                hi = lo;
            }
            while (hi - lo > 1) {
                const std::size_t mid = (lo + hi) / 2;
                (meets(mid) ? hi : lo) = mid;
            }
            const double cost = price_design(spec, setup, "CN-NM", grid[hi], n, m).cost_usd_per_kg;
            if (cost < grid_best) {
                grid_best = cost;
                grid_s = grid[hi];
                grid_n = n;
                grid_m = m;
            }
        }
    }
    ASSERT_GT(grid_n, 0);
    // The grid's best lies inside the box searched, so the box did not decide it.
    EXPECT_LT(std::abs(grid_n - opt.optimum.n), 4);
    EXPECT_LT(std::abs(grid_m - opt.optimum.m), 4);
    // The optimizer finds the reflux edge to 0.1 % where the grid steps 1 %: never dearer
    // than the grid, and no more than one grid step of reflux cheaper.
    EXPECT_LE(opt.optimum.cost_usd_per_kg, grid_best * (1.0 + 1e-9));
    EXPECT_GE(opt.optimum.cost_usd_per_kg, grid_best * (1.0 - 0.01));
    if (grid_n == opt.optimum.n && grid_m == opt.optimum.m) {
        EXPECT_NEAR(opt.optimum.s, grid_s, 0.011 * grid_s);
    }
}

TEST(Optimize, NeverDearerThanDesignsDefaultAndMeetsTargetsOnRerun)
{
    const DesignSpec spec = parse_design(InputNode::load_string(
        "system: p507-hcl\nfeed: {name: lacepr, composition: {La: 0.3, Ce: 0.5, Pr: 0.2}}\n"
        "split: Ce/Pr\nfeed-rate: 200 kg/h REO\npurity: 0.9995\ntradeoff: {points: 0}\n",
        "design.yaml"));
    OptimizeOptions options;
    options.setup = builtin_setup();
    options.countries = {"CN-NM", "US", "JP"};
    const OptimizeResult r = optimize(spec, options);
    ASSERT_EQ(r.countries.size(), 3u);
    for (const auto& c : r.countries) {
        SCOPED_TRACE(c.code);
        EXPECT_LE(c.optimum.cost_usd_per_kg, c.baseline.cost_usd_per_kg);
        EXPECT_TRUE(c.optimum.meets_targets);
        // The case file it returns, solved as `reesx run` solves it.
        const CaseSpec cs = parse_case(InputNode::load_string(c.optimum.case_yaml, "opt.yaml"));
        Cascade cascade(cs);
        const CascadeResult run = cascade.solve();
        EXPECT_LT(run.mass_balance_relative_error, 1e-10);
        double pr_in_organic = 0.0, la_ce_in_raffinate = 0.0;
        for (const auto& p : run.products) {
            if (p.name == "loaded_organic") {
                pr_in_organic = p.composition[*element_index("Pr")];
            }
            if (p.name == "raffinate") {
                la_ce_in_raffinate =
                    p.composition[*element_index("La")] + p.composition[*element_index("Ce")];
            }
        }
        EXPECT_GE(pr_in_organic, r.targets.purity_a);
        EXPECT_GE(la_ce_in_raffinate, r.targets.purity_b);
    }
    // The gap split adds up, and the reference's own gap is nil.
    for (const auto& g : r.gaps) {
        EXPECT_NEAR(g.gap_usd_per_kg, g.prices_usd_per_kg + g.design_usd_per_kg, 1e-9);
    }
    EXPECT_EQ(r.reference, "CN-NM");
    EXPECT_NEAR(r.gaps.front().gap_usd_per_kg, 0.0, 1e-12);
}

TEST(Optimize, DearerBaseMeansLessRefluxMoreStagesDearerCapitalFewerStages)
{
    const DesignSpec spec = binary_spec();
    const DesignResult base = baseline_of(spec);
    const CostSetup nominal = builtin_setup();
    const CountryOptimum mid = optimize_country(spec, nominal, "US", base);

    CostSetup dear_base = nominal;
    (*dear_base.data.find("US"))[RegionParam::naoh_price].value *= 4.0;
    const CountryOptimum base_4x = optimize_country(spec, dear_base, "US", base);
    EXPECT_LT(base_4x.optimum.s, mid.optimum.s);
    EXPECT_GE(base_4x.optimum.n + base_4x.optimum.m, mid.optimum.n + mid.optimum.m);

    CostSetup dear_capital = nominal;
    dear_capital.data[GlobalParam::mixer_settler_cost_ref].value *= 4.0;
    const CountryOptimum capital_4x = optimize_country(spec, dear_capital, "US", base);
    EXPECT_LE(capital_4x.optimum.n + capital_4x.optimum.m, mid.optimum.n + mid.optimum.m);
    EXPECT_GT(capital_4x.optimum.s, mid.optimum.s);
}

TEST(Optimize, CostRisesWithPurityAlongTheFront)
{
    const DesignSpec spec = binary_spec();
    OptimizeOptions options;
    options.setup = builtin_setup();
    const auto front = pareto_purity(spec, options, "CN-NM", {0.99, 0.999, 0.9999});
    ASSERT_EQ(front.size(), 3u);
    for (std::size_t i = 0; i < front.size(); ++i) {
        const PricedDesign& d = front[i].optimum.optimum;
        EXPECT_TRUE(d.meets_targets);
        EXPECT_GE(std::min(d.purity_a, d.purity_b), front[i].purity);
        EXPECT_LE(d.cost_usd_per_kg, front[i].optimum.baseline.cost_usd_per_kg);
        if (i > 0) {
            const PricedDesign& before = front[i - 1].optimum.optimum;
            EXPECT_GT(d.cost_usd_per_kg, before.cost_usd_per_kg);
            EXPECT_GT(d.n + d.m, before.n + before.m);
        }
    }
    DesignSpec with_recovery = spec;
    with_recovery.recovery = 0.99;
    EXPECT_THROW((void)pareto_purity(with_recovery, options, "CN-NM", {0.99}), InputError);
}

TEST(Optimize, InfeasibleAndBadInputSayWhy)
{
    const DesignSpec spec = binary_spec();
    OptimizeOptions options;
    options.setup = builtin_setup();
    options.countries = {"XX"};
    try {
        (void)optimize(spec, options);
        FAIL() << "an unknown country was accepted";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr("CN-NM"));
    }
    DesignSpec below = spec;
    below.reflux_mode = RefluxMode::multiple;
    below.reflux_multiple = 0.9;
    options.countries = {};
    EXPECT_THROW((void)optimize(below, options), InfeasibleError);
}

TEST(OptimizeCli, JsonPerCountryAndExitCodes)
{
    const std::string json = ::testing::TempDir() + "optimize.json";
    const auto run = test::run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --purity 0.999 "
        "--countries CN-NM,US --pareto 0.99,0.999 --json " +
        json);
    ASSERT_EQ(run.status, 0) << run.out;
    EXPECT_THAT(run.out, HasSubstr("levelized cost, USD/kg REO"));
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["command"], "optimize");
    for (const std::string code : {"CN-NM", "US"}) {
        const auto& c = j["countries"][code];
        EXPECT_TRUE(c["optimum"]["meets_targets"].get<bool>());
        EXPECT_LE(c["optimum"]["cost_usd_per_kg"].get<double>(),
                  c["baseline"]["cost_usd_per_kg"].get<double>());
        EXPECT_GT(c["optimum"]["stages"]["total"].get<int>(), 0);
        EXPECT_GT(c["optimum"]["reflux"]["S_over_S_min"].get<double>(), 1.0);
    }
    EXPECT_TRUE(j["comparison"].contains("US"));
    EXPECT_EQ(j["pareto"]["country"], "CN-NM");
    EXPECT_EQ(j["pareto"]["purity"].size(), 2u);
    std::remove(json.c_str());

    const auto bad_country = test::run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --countries ZZ");
    EXPECT_EQ(bad_country.status, 1) << bad_country.out;
    const auto bad_objective = test::run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --objective npv");
    EXPECT_EQ(bad_objective.status, 1) << bad_objective.out;
    const auto bad_pareto = test::run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --pareto 0.99,99.9");
    EXPECT_EQ(bad_pareto.status, 1) << bad_pareto.out;
    EXPECT_THAT(bad_pareto.out, HasSubstr("between 0.5 and 1"));
    const auto infeasible = test::run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --purity 0.999 "
        "--max-stages 20");
    EXPECT_EQ(infeasible.status, 2) << infeasible.out;
    EXPECT_THAT(infeasible.out, HasSubstr("Fenske"));
}

}  // namespace
}  // namespace reesx::costs
