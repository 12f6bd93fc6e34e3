// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx dynamic`'s times: the exact time to target (IDA's roots), the slowest time constant
// against analytic cascades, and the slow approach of a separation-factor cascade near its
// sharp split (docs/dynamics.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "DynamicRun.h"
#include "reesx/io/DynamicOutput.h"
#include "reesx/thermo/Elements.h"

namespace reesx {
namespace {

using test::product;
using test::run_dynamic;

//! The start-up example's 31 + 45 Pr/Nd cascade (examples/prnd-p507-startup.yaml) at a
//! scrub flow: S = 3410 L/h × 1.5 mol/L × 0.36 / 3 = 613.8 mol/h of RE the organic can
//! carry, W = scrub × 4 mol/L / 3 what the scrub strips, f_A = 112.5 mol/h of Nd fed; the
//! sharp split S − W = f_A is at 375.975 L/h.
std::string startup_cascade(double scrub_L_per_h, const std::string& dynamic)
{
    return "system: p507-hcl\nstages: {extraction: 31, scrub: 45}\n"
           "feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}\n"
           "organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: "
           "0.36}\nscrub: {flow: " +
           std::to_string(scrub_L_per_h) + " L/h, acid: 4.0 mol/L}\ndynamic: " + dynamic + "\n";
}

//! The first output time from which the purity holds the target (-1: not at the end).
double first_output_holding(const DynamicResult& r, const ProductSeries& p, double target)
{
    double since = -1.0;
    for (std::size_t i = p.purity.size(); i-- > 0 && p.purity[i] >= target;) {
        since = r.times_h[i];
    }
    return since;
}

TEST(DynamicTime, timeToTargetIsExactWhateverTheOutputTimes)
{
    // Off the sharp split (scrub 374 L/h) the raffinate reaches 0.9999 in a few thousand
    // hours from feed. The time is where IDA finds purity − target changing sign, not an
    // output time: with 10 outputs over 4000 h or 9 over 6000 h it is the same, and a run
    // with an output every hour brackets it from above by at most one hour.
    const auto run = [&](double hours, int outputs) {
        return run_dynamic(
            startup_cascade(374.0, "{hours: " + std::to_string(hours) + ", start: feed, outputs: " +
                                       std::to_string(outputs) + ", target-purity: 0.9999}"));
    };
    const DynamicResult coarse = run(4000.0, 10), longer = run(6000.0, 9), fine = run(4000.0, 4000);
    const double exact = product(coarse, "raffinate").time_to_target_h;
    ASSERT_GT(exact, 0.0);
    EXPECT_NE(std::fmod(exact, 400.0), 0.0);  // not snapped to an output
    // Runs with other output times take other steps: the same time to the integrator's
    // tolerance (measured within 4e-8 relative; relative 1e-6 on purities near 1).
    EXPECT_NEAR(product(longer, "raffinate").time_to_target_h, exact, 1e-5 * exact);
    const ProductSeries& raffinate = product(fine, "raffinate");
    const double grid = first_output_holding(fine, raffinate, 0.9999);
    EXPECT_LE(raffinate.time_to_target_h, grid);
    EXPECT_GT(raffinate.time_to_target_h, grid - 1.0);
    EXPECT_NEAR(raffinate.time_to_target_h, exact, 1e-5 * exact);
    // The loaded organic passes 0.9999 early on and falls below it as the Pr the
    // raffinate no longer takes goes up (2.2 % at steady state): it does not hold the
    // target, in any of the runs.
    const ProductSeries& organic = product(fine, "loaded_organic");
    EXPECT_GT(*std::max_element(organic.purity.begin(), organic.purity.end()), 0.9999);
    for (const DynamicResult* r : {&coarse, &longer, &fine}) {
        EXPECT_EQ(product(*r, "loaded_organic").time_to_target_h, -1.0);
    }
}

TEST(DynamicTime, aStartAtSpecHoldsItFromZero)
{
    // Started at its steady state, a product purer than the target has held it since t = 0;
    // one less pure never reaches it.
    const DynamicResult r =
        run_dynamic(startup_cascade(374.0,
                                    "{hours: 20, start: steady-state, outputs: 2, "
                                    "target-purity: 0.9999}"));
    EXPECT_GT(r.steady_state.products[test::product_index(r.steady_state, "raffinate")].purity,
              0.9999);
    EXPECT_EQ(product(r, "raffinate").time_to_target_h, 0.0);
    EXPECT_LT(r.steady_state.products[test::product_index(r.steady_state, "loaded_organic")].purity,
              0.9999);
    EXPECT_EQ(product(r, "loaded_organic").time_to_target_h, -1.0);
}

TEST(DynamicTime, slowestTimeConstantOfAConstantDistributionCascade)
{
    // N well-mixed stages without settlers, constant D, feed at the top stage: per element
    // (V_a + D V_o) dc_j/dt = Q_a c_(j+1) + D Q_o c_(j−1) − (Q_a + D Q_o) c_j with fixed
    // ends, a tridiagonal Toeplitz matrix whose eigenvalues are
    // (−(Q_a + D Q_o) + 2 √(Q_a D Q_o) cos(kπ / (N + 1))) / (V_a + D V_o), k = 1..N
    // (e.g. Smith, "Numerical Solution of Partial Differential Equations", 3rd ed., §2.8).
    // V = τ_mixer Q per phase, so the slowest is τ_mixer (1 + E) / (1 + E − 2 √E cos(π /
    // (N + 1))), E = D Q_o / Q_a, the largest over the elements.
    const int n = 5;
    const double q_a = 100.0, q_o = 80.0, tau_mixer_h = 0.25;
    const DynamicResult r = run_dynamic(
        "system: p507-hcl\nmodel: constant-distribution\ndistribution: {La: 2.0, Ce: 0.5}\n"
        "stages: {extraction: 5, scrub: 0}\n"
        "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {La: 0.5, Ce: 0.5}}\n"
        "organic: {flow: 80 L/h}\n"
        "dynamic: {hours: 1, start: feed, mixer-residence-time: 15 min, "
        "settler-residence-time: 0, outputs: 1}\n");
    double expected = 0.0;
    for (const double d : {2.0, 0.5}) {
        const double e = d * q_o / q_a;
        expected =
            std::max(expected, tau_mixer_h * (1.0 + e) /
                                   (1.0 + e - 2.0 * std::sqrt(e) * std::cos(M_PI / (n + 1))));
    }
    EXPECT_NEAR(r.slowest_time_constant_h, expected, 1e-9 * expected);

    // One stage with a settler cell per phase: the settlers do not feed back into the
    // mixer, so the modes are the mixer's (τ_mixer) and each cell's (its residence time).
    const DynamicResult settled = run_dynamic(
        "system: p507-hcl\nmodel: constant-distribution\ndistribution: {La: 2.0}\n"
        "stages: {extraction: 1, scrub: 0}\n"
        "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {La: 1}}\n"
        "organic: {flow: 80 L/h}\n"
        "dynamic: {hours: 1, start: feed, mixer-residence-time: 15 min, "
        "settler-residence-time: 30 min, settler-cells: 1, outputs: 1}\n");
    EXPECT_NEAR(settled.slowest_time_constant_h, 0.5, 1e-9 * 0.5);
}

TEST(DynamicTime, aRunWhoseFlowsChangedIsComparedWithTheSteadyStateOfItsLastFlows)
{
    // The start-up example: from feed, a 10 % feed increase at 1460 h takes the cascade
    // under the sharp split (f_A rises to 123.75 mol/h, S − W stays 112.5): the raffinate
    // must then carry 11 mol/h of Nd, and heads for `reesx run` at 110 L/h of feed (a
    // raffinate purity of 0.784), not for the 0.997 of the case's own flows.
    const DynamicResult r =
        run_dynamic(startup_cascade(376.0,
                                    "{hours: 2190, start: feed, outputs: 3, events: "
                                    "[{time: 1460 h, feed-flow-factor: 1.1}]}"));
    std::string at_end = startup_cascade(376.0, "{}");
    at_end.replace(at_end.find("flow: 100 L/h"), 13, "flow: 110 L/h");
    const CascadeResult steady = test::solve_yaml(at_end);
    ASSERT_TRUE(r.steady_state_at_end.has_value());
    const int raffinate = test::product_index(steady, "raffinate");
    EXPECT_NEAR(r.steady_state_at_end->products[raffinate].purity,
                steady.products[raffinate].purity, 1e-12);
    const double end = product(r, "raffinate").purity.back();
    EXPECT_LT(std::abs(end - steady.products[raffinate].purity), 0.01);
    EXPECT_GT(r.steady_state.products[raffinate].purity - end, 0.2);
    EXPECT_LT(r.steady_state_relative_difference, 0.1);  // against the flows at the end

    // JSON and stdout say which steady state, and give the slowest time constant.
    const CaseSpec spec = test::case_from_yaml(startup_cascade(376.0, "{}"));
    const nlohmann::json j = io::dynamic_summary(spec, DynamicSpec{}, r);
    EXPECT_EQ(j["dynamic"]["products"]["raffinate"]["steady_state_purity"].get<double>(),
              r.steady_state_at_end->products[raffinate].composition[*element_index("Pr")]);
    EXPECT_EQ(j["dynamic"]["slowest_time_constant_h"].get<double>(), r.slowest_time_constant_h);
    const std::string text = io::format_dynamic(spec, DynamicSpec{}, r);
    EXPECT_NE(text.find("(steady state: reesx run at the flows in force at the end)"),
              std::string::npos);
    char tau[32];
    std::snprintf(tau, sizeof tau, "%.4g h", r.slowest_time_constant_h);
    EXPECT_NE(text.find(std::string("slowest time constant, linearized at the case's steady "
                                    "state: ") +
                        tau),
              std::string::npos);
}

TEST(DynamicTime, nearTheSharpSplitTheSlowModeIsTheFrontsInventoryOverTheBulkFlow)
{
    // The saturated organic fixes what each product carries in total (the organic S − W,
    // the raffinate the rest), so the A/B front of a start from feed moves only as fast as
    // the element in excess can leave: |S − W − f_A| mol/h in bulk off the sharp split,
    // impurity-level flows at it. Off the split the slowest time constant is therefore the
    // inventory a front shift exchanges over |S − W − f_A|: the same (5 %) at 370 and
    // 374 L/h (measured 2.5 %), and at the split itself (376 L/h, the example's flow) 30 times
    // longer (11,400 h against 385 h).
    const auto tau_h = [](double scrub_L_per_h) {
        return run_dynamic(startup_cascade(scrub_L_per_h, "{hours: 1, outputs: 1}"))
            .slowest_time_constant_h;
    };
    const auto excess_mol_per_h = [](double scrub_L_per_h) {
        return 3410.0 * 1.5 * 0.36 / 3.0 - scrub_L_per_h * 4.0 / 3.0 - 112.5;
    };
    const double tau_370 = tau_h(370.0), tau_374 = tau_h(374.0), tau_376 = tau_h(376.0);
    EXPECT_NEAR(tau_370 * excess_mol_per_h(370.0), tau_374 * excess_mol_per_h(374.0),
                0.05 * tau_374 * excess_mol_per_h(374.0));
    EXPECT_GT(tau_376, 20.0 * tau_374);

    // The start-up's tail is that mode, not an artefact of the integrator: from feed at
    // 376 L/h the raffinate's impurity above its steady state decays between 40,000 and
    // 80,000 h with the linearized time constant (2 %; measured 0.6 %).
    const DynamicResult r = run_dynamic(
        startup_cascade(376.0, "{hours: 80000, start: feed, outputs: 2, target-purity: 0.99}"));
    const double steady =
        r.steady_state.products[test::product_index(r.steady_state, "raffinate")].purity;
    const ProductSeries& raffinate = product(r, "raffinate");
    const double decay_h =
        40000.0 / std::log((steady - raffinate.purity[0]) / (steady - raffinate.purity[1]));
    EXPECT_NEAR(decay_h, tau_376, 0.02 * tau_376);
}

TEST(DynamicTime, aDesignedCascadeStartsUpOffTheSplit)
{
    // `reesx design --purity 0.9999` for the example's feed (37 + 40 stages) puts S − W
    // within 0.07 mol/h of f_A = 112.5 (both products at spec need it): its slowest time
    // constant is over 10^5 h (measured 160,000), and from feed at the design flows the
    // raffinate's impurity falls as 1/t, more than ten times its steady value after 20,000 h.
    // Started 0.5 % below the design scrub for 2,200 h (the organic then carries 5.5 mol/h
    // of Pr away, moving the front in bulk) and then at the design flows, both products are
    // within 2e-5 of their steady purities at 20,000 h, the profile 100 times closer.
    const std::string designed =
        "system: p507-hcl\nstages: {extraction: 37, scrub: 40}\n"
        "feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}\n"
        "organic: {flow: 3686.28193 L/h, extractant-concentration: 1.5 mol/L, "
        "saponification: 0.36}\nscrub: {flow: 413.217670 L/h, acid: 4 mol/L}\n";
    const DynamicResult at_design = run_dynamic(
        designed + "dynamic: {hours: 20000, start: feed, outputs: 1, target-purity: 0.9999}\n");
    EXPECT_GT(at_design.slowest_time_constant_h, 1e5);
    const ProductSeries& raffinate = product(at_design, "raffinate");
    const double steady =
        at_design.steady_state.products[test::product_index(at_design.steady_state, "raffinate")]
            .purity;
    EXPECT_GT(steady - raffinate.purity.back(), 10.0 * (1.0 - steady));
    EXPECT_EQ(raffinate.time_to_target_h, -1.0);

    const DynamicResult off_split =
        run_dynamic(designed +
                    "dynamic: {hours: 20000, start: feed, outputs: 1, target-purity: 0.9999, "
                    "events: [{time: 1 h, scrub-flow-factor: 0.995}, {time: 2200 h, "
                    "scrub-flow-factor: 1.0}]}\n");
    for (const auto& p : off_split.products) {
        const auto& s = off_split.steady_state_at_end
                            ->products[test::product_index(*off_split.steady_state_at_end, p.name)];
        EXPECT_NEAR(p.purity.back(), s.purity, 2e-5) << p.name;
    }
    EXPECT_LT(off_split.steady_state_relative_difference,
              0.01 * at_design.steady_state_relative_difference);
}

}  // namespace
}  // namespace reesx
