// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx dynamic`: the DAE against an analytic first-order response, against the steady
// state of `reesx run`, and against its own element balance over time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "DynamicRun.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/Dynamic.h"
#include "reesx/io/DynamicOutput.h"

namespace reesx {
namespace {

using ::testing::HasSubstr;

using test::product;
using test::run_dynamic;

TEST(Dynamic, singleWellMixedStageFollowsTheFirstOrderResponse)
{
    // One stage, constant D = 2, no settler; empty at t = 0, feed doubled at t = 1 h. The
    // transient is compared at 1e-6, so IDA runs well below that (its default 1e-6 gives
    // errors of a few 1e-6: a global error of a few times the local tolerance).
    // Holdup (V_a + D V_o) c, outflow (Q_a + D Q_o) c: c relaxes with
    // tau = (V_a + D V_o) / (Q_a + D Q_o) toward F / (Q_a + D Q_o).
    const std::string yaml =
        "system: p507-hcl\nmodel: constant-distribution\ndistribution: {La: 2.0}\n"
        "stages: {extraction: 1, scrub: 0}\n"
        "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {La: 1}}\n"
        "organic: {flow: 50 L/h}\n"
        "dynamic: {hours: 3, start: fresh, mixer-residence-time: 30 min, "
        "settler-residence-time: 0, outputs: 30, events: [{time: 1 h, feed-flow-factor: 2}], "
        "relative-tolerance: 1e-9}\n";
    const DynamicResult r = run_dynamic(yaml);
    const double d = 2.0, qo = 50.0, tau_mix = 0.5;
    const double va = tau_mix * 100.0, vo = tau_mix * qo;  // volumes from the t = 0 flows
    const auto& raffinate = product(r, "raffinate");
    // Outputs at the event time show the state just after the change (c is continuous).
    const double tau_1 = (va + d * vo) / (100.0 + d * qo);
    const double c_at_1h = 100.0 / (100.0 + d * qo) * (1.0 - std::exp(-1.0 / tau_1));
    for (std::size_t i = 0; i < r.times_h.size(); ++i) {
        const double t = r.times_h[i];
        double c = 0.0, qa = 100.0;
        if (t < 1.0 - 1e-12) {
            c = 100.0 / (qa + d * qo) * (1.0 - std::exp(-t / tau_1));
        } else {
            qa = 200.0;
            const double tau = (va + d * vo) / (qa + d * qo);
            const double c_ss = 200.0 / (qa + d * qo);
            c = c_ss + (c_at_1h - c_ss) * std::exp(-(t - 1.0) / tau);
        }
        EXPECT_NEAR(raffinate.re_mol_per_h[i], qa * c, 1e-6 * qa * c) << "t = " << t;
    }
    EXPECT_LT(r.conservation_relative_error, 1e-9);
}

const char* binary_cascade =
    "system: p507-hcl\nstages: {extraction: 8, scrub: 8}\n"
    "feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}\n"
    "organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}\n"
    "scrub: {flow: 376 L/h, acid: 4.0 mol/L}\n";

//! binary_cascade with the mass-action model (acid and saponification cation as species).
std::string mass_action_cascade(double scrub_L_per_h, const std::string& extra)
{
    return "system: p507-hcl\nmodel: mass-action\nstages: {extraction: 8, scrub: 8}\n"
           "feed: {flow: 100 L/h, concentration: 1.5 mol/L, acid: 0.01 mol/L, "
           "composition: {Pr: 0.25, Nd: 0.75}}\n"
           "organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: "
           "0.36}\nscrub: {flow: " +
           std::to_string(scrub_L_per_h) + " L/h, acid: 4.0 mol/L}\n" + extra;
}

TEST(Dynamic, reachesTheSteadyStateOfRun)
{
    // From a cascade filled with feed, run long: the profile of `reesx run` to 1e-6.
    const DynamicResult r = run_dynamic(std::string(binary_cascade) +
                                        "dynamic: {hours: 20000, start: feed, outputs: 200}\n");
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    // Early on it was far from it.
    const auto& organic = product(r, "loaded_organic");
    EXPECT_GT(std::abs(organic.purity.front() - organic.purity.back()), 1e-3);
}

TEST(Dynamic, allSeventeenElementsReachTheSteadyStateOfRun)
{
    // Every rare earth, Sc and Pm included, from a cascade filled with feed: the dynamic and
    // steady models must agree element by element (1e-6, every concentration above 1e-9 of
    // the largest), and the balance closes over the whole start-up.
    const DynamicResult r = run_dynamic(
        "system: p507-hcl\nstages: {extraction: 4, scrub: 4}\n"
        "feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\norganic: {flow: 2.7 L/h, loading: 1 mol/L}\n"
        "scrub: {flow: 2.5 L/h, acid: 3 mol/L}\n"
        "dynamic: {hours: 20000, start: feed, outputs: 10}\n");
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    EXPECT_LT(r.conservation_relative_error, 1e-9);
}

TEST(Dynamic, murphreeCascadesReachTheSteadyStateOfRun)
{
    // Murphree efficiencies below 1 (organic side, as reesx run): the mixer's organic is an
    // unknown; long runs must land on the steady state `reesx run` computes on its own.
    const std::string constant_d =
        "system: p507-hcl\nmodel: constant-distribution\n"
        "distribution: {extraction: {La: 0.5, Ce: 1.2, Pr: 3.0}, scrub: {La: 0.5, Ce: 1.2, "
        "Pr: 3.0}, strip: {La: 0.05, Ce: 0.1, Pr: 0.2}}\n"
        "stages: {extraction: 6, scrub: 6, strip: 4}\n"
        "efficiency: {extraction: 0.9, scrub: 0.8, strip: 0.7}\n"
        "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {La: 0.5, Ce: 0.3, "
        "Pr: 0.2}}\norganic: {flow: 60 L/h}\nscrub: {flow: 20 L/h, acid: 1 mol/L}\n"
        "strip: {flow: 30 L/h, acid: 3 mol/L}\n";
    for (const char* dynamic : {"dynamic: {hours: 3000, start: feed}\n",
                                "dynamic: {hours: 3000, start: fresh, settler-cells: 0}\n",
                                "dynamic: {hours: 3000, start: feed, settler-cells: 2}\n"}) {
        const DynamicResult r = run_dynamic(constant_d + dynamic);
        EXPECT_LT(r.steady_state_relative_difference, 1e-6) << dynamic;
        EXPECT_LT(r.conservation_relative_error, 1e-9) << dynamic;
    }
    // The saturated separation-factor model rescales the entering organic (ρ).
    std::string saturated = binary_cascade;
    saturated += "efficiency: 0.8\ndynamic: {hours: 20000, start: feed}\n";
    const DynamicResult r = run_dynamic(saturated);
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    // Started at that steady state, it stays.
    saturated.replace(saturated.find("start: feed"), 11, "start: steady-state");
    EXPECT_LT(run_dynamic(saturated).steady_state_relative_difference, 1e-8);
}

TEST(Dynamic, steadyStateStartStaysAndStepsConserveMass)
{
    DynamicSpec spec;
    const DynamicResult still =
        run_dynamic(std::string(binary_cascade) + "dynamic: {hours: 50, start: steady-state}\n");
    EXPECT_LT(still.steady_state_relative_difference, 1e-8);
    // A 10 % feed step: in - out = accumulation, per element, to the solver tolerance.
    const DynamicResult step =
        run_dynamic(std::string(binary_cascade) +
                        "dynamic: {hours: 200, start: steady-state, settler-cells: 2, outputs: 40, "
                        "events: [{time: 10 h, feed-flow-factor: 1.1}]}\n",
                    &spec);
    EXPECT_EQ(spec.settler_cells, 2);
    EXPECT_LT(step.conservation_relative_error, 1e-9);
    // Compared with `reesx run` at the new feed, which it has not reached 190 h on.
    ASSERT_TRUE(step.steady_state_at_end.has_value());
    EXPECT_GT(step.steady_state_relative_difference, 1e-6);
}

TEST(Dynamic, separationFactorStripSectionStripsCompletelyAsRunDoes)
{
    // The separation-factor model strips completely (no equilibrium: the strip stages' organic
    // RE content is zero, so q = 0 there): from feed, the 8 + 8 + 4 cascade reaches `reesx
    // run`, strip liquor included, and the stripped organic carries nothing.
    std::string yaml = binary_cascade;
    yaml.replace(yaml.find("scrub: 8}"), 9, "scrub: 8, strip: 4}");
    yaml += "strip: {flow: 150 L/h, acid: 5.0 mol/L}\n";
    const DynamicResult r = run_dynamic(yaml + "dynamic: {hours: 20000, start: feed}\n");
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    const CascadeResult steady = test::solve_yaml(yaml);
    for (const auto& p : r.products) {
        if (p.name == "strip_liquor") {
            EXPECT_NEAR(p.re_mol_per_h.back(), steady.products[1].re_mol_per_h,
                        1e-6 * steady.products[1].re_mol_per_h);
            EXPECT_EQ(steady.products[1].name, "strip_liquor");
        }
        if (p.name == "stripped_organic") {
            EXPECT_EQ(p.main_element, -1);
            EXPECT_LT(std::abs(p.re_mol_per_h.back()), 1e-12);
        }
    }
}

//! Every element's aqueous profile within `tolerance` (relative) of the steady state.
void expect_profile(const DynamicResult& r, const CascadeResult& steady, double tolerance)
{
    for (int j = 0; j < steady.aqueous_mol_per_L.rows(); ++j) {
        for (int e = 0; e < steady.aqueous_mol_per_L.cols(); ++e) {
            EXPECT_NEAR(r.aqueous_mol_per_L(j, e), steady.aqueous_mol_per_L(j, e),
                        tolerance * steady.aqueous_mol_per_L(j, e))
                << "stage " << j + 1 << " element " << e;
        }
    }
}

TEST(Dynamic, separationFactorScrubStepReachesTheNewSteadyState)
{
    // The saturated organic's RE content follows the flows: after a 5 % scrub step the
    // cascade settles to `reesx run` of the case with that scrub flow.
    const DynamicResult r =
        run_dynamic(std::string(binary_cascade) +
                    "dynamic: {hours: 20000, start: steady-state, outputs: 20, events: "
                    "[{time: 2 h, scrub-flow-factor: 1.05}]}\n");
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    std::string after = binary_cascade;
    after.replace(after.find("flow: 376 L/h"), 13, "flow: 394.8 L/h");
    expect_profile(r, test::solve_yaml(after), 1e-6);
}

TEST(Dynamic, organicFlowStepReachesTheNewSteadyState)
{
    // Constant D, 3 elements, 12 stages: organic flow × 1.25 at 2 h; long after, the profile is
    // the steady state of the same case with that organic flow.
    const auto yaml = [](double organic_L_per_h, const std::string& extra) {
        return "system: p507-hcl\nmodel: constant-distribution\n"
               "distribution: {La: 0.5, Ce: 1.2, Pr: 3.0}\nstages: {extraction: 6, scrub: 6}\n"
               "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {La: 0.5, Ce: 0.3, "
               "Pr: 0.2}}\norganic: {flow: " +
               std::to_string(organic_L_per_h) + " L/h}\nscrub: {flow: 20 L/h, acid: 1 mol/L}\n" +
               extra;
    };
    const DynamicResult r =
        run_dynamic(yaml(60.0,
                         "dynamic: {hours: 400, start: steady-state, outputs: 10, events: "
                         "[{time: 2 h, organic-flow-factor: 1.25}]}\n"));
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    expect_profile(r, test::solve_yaml(yaml(75.0, "")), 1e-6);
}

//! Constant D, 3 elements, 6 + 6 stages, an aqueous side draw at stage 9 (scrub section).
std::string drawn_cascade(double draw_L_per_h, const std::string& composition,
                          const std::string& extra)
{
    return "system: p507-hcl\nmodel: constant-distribution\n"
           "distribution: {La: 0.5, Ce: 1.2, Pr: 3.0}\nstages: {extraction: 6, scrub: 6}\n"
           "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: " +
           composition +
           "}\norganic: {flow: 60 L/h}\nscrub: {flow: 20 L/h, acid: 1 mol/L}\n"
           "draws: [{name: middle, phase: aqueous, stage: 9, flow: " +
           std::to_string(draw_L_per_h) + " L/h}]\n" + extra;
}

TEST(Dynamic, sideDrawsMatchRunAndADrawStepReachesTheNewSteadyState)
{
    const std::string feed = "{La: 0.5, Ce: 0.3, Pr: 0.2}";
    const DynamicResult still =
        run_dynamic(drawn_cascade(5.0, feed, "dynamic: {hours: 50, start: steady-state}\n"));
    EXPECT_LT(still.steady_state_relative_difference, 1e-8);
    const ProductSeries& middle = product(still, "middle");
    for (const auto& p : still.steady_state.products) {
        if (p.name == "middle") {
            EXPECT_NEAR(middle.re_mol_per_h.back(), p.re_mol_per_h, 1e-8 * p.re_mol_per_h);
        }
    }
    const DynamicResult step =
        run_dynamic(drawn_cascade(5.0, feed,
                                  "dynamic: {hours: 400, start: steady-state, outputs: 10, events: "
                                  "[{time: 2 h, draw-flow-factor: 1.5}]}\n"));
    EXPECT_LT(step.conservation_relative_error, 1e-9);
    expect_profile(step, test::solve_yaml(drawn_cascade(7.5, feed, "")), 1e-6);
}

TEST(Dynamic, aFeedCompositionStepReachesTheNewSteadyState)
{
    const DynamicResult r =
        run_dynamic(drawn_cascade(5.0, "{La: 0.5, Ce: 0.3, Pr: 0.2}",
                                  "dynamic: {hours: 400, start: steady-state, outputs: 10, events: "
                                  "[{time: 2 h, composition: {La: 0.2, Ce: 0.3, Pr: 0.5}}]}\n"));
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    expect_profile(r, test::solve_yaml(drawn_cascade(5.0, "{La: 0.2, Ce: 0.3, Pr: 0.5}", "")),
                   1e-6);
}

TEST(Dynamic, purityControlHoldsItsSetpointLikeTheSteadyStateAtThatFlow)
{
    // Steady state: Nd in the loaded organic at 93.9 %. The loop raises the scrub until it
    // holds 95 %; `reesx run` with the scrub flow it settles on gives that purity too.
    const DynamicResult r = run_dynamic(
        std::string(binary_cascade) +
        "dynamic: {hours: 300, start: steady-state, outputs: 10, control: {measure: {product: "
        "loaded_organic}, setpoint: 0.95, adjust: scrub-flow, gain: 0.2, interval: 2 h, "
        "limits: [0.8, 1.15]}}\n");
    ASSERT_EQ(r.control.times_h.size(), 151u);
    // 1e-4 of purity is 2 % of the 5 % impurity the loop controls: after 150 samples an
    // integral loop with gain 0.2 has settled far inside that (measured 1.5e-6); a loop that
    // did not converge, or drove the wrong way, misses it by orders of magnitude.
    EXPECT_NEAR(r.control.measured_purity.back(), 0.95, 1e-4);
    const double factor = r.control.factor.back();
    EXPECT_GT(factor, 1.0);
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    std::string held = binary_cascade;
    held.replace(held.find("flow: 376 L/h"), 13,
                 "flow: " + std::to_string(376.0 * factor) + " L/h");
    const CascadeResult steady = test::solve_yaml(held);
    for (const auto& p : steady.products) {
        if (p.name == "loaded_organic") {
            // The same 1e-4: the loop's last factor is its settled one to within that.
            EXPECT_NEAR(p.composition[*element_index("Nd")], 0.95, 1e-4);
        }
    }
    // Measured in a stage, with a setpoint below what the cascade gives: the scrub drops.
    const DynamicResult lower = run_dynamic(
        std::string(binary_cascade) +
        "dynamic: {hours: 100, start: steady-state, control: {measure: {stage: 16, phase: "
        "organic, element: Nd}, setpoint: 0.93, adjust: scrub-flow, gain: 0.2, interval: 2 h, "
        "limits: [0.95, 1.2]}}\n");
    EXPECT_LT(lower.control.factor.back(), 1.0);
}

TEST(Dynamic, unsupportedCasesAndBadInputSayWhy)
{
    const auto message = [](const std::string& yaml) {
        try {
            run_dynamic(yaml);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_THAT(message(std::string(binary_cascade) + "dynamic: {start: fresh}\n"),
                HasSubstr("cannot start from an empty cascade"));
    EXPECT_THAT(message(std::string(binary_cascade) + "dynamic: {start: empty}\n"),
                HasSubstr("expected steady-state, feed"));
    EXPECT_THAT(message(std::string(binary_cascade) + "dynamic: {hours: -3}\n"),
                HasSubstr("test.yaml:6"));
    EXPECT_THAT(message(std::string(binary_cascade) + "dynamic: {hour: 3}\n"),
                HasSubstr("did you mean 'hours'"));
    EXPECT_THAT(message(std::string(binary_cascade) +
                        "dynamic: {events: [{time: 5 h, feed-flow-factor: 1.1}, "
                        "{time: 2 h, feed-flow-factor: 1}]}\n"),
                HasSubstr("increasing time order"));
    EXPECT_THAT(message(std::string(binary_cascade) +
                        "dynamic: {control: {measure: {product: extract}, setpoint: 0.9, "
                        "adjust: scrub-flow}}\n"),
                HasSubstr("its products: raffinate, loaded_organic"));
    EXPECT_THAT(message(std::string(binary_cascade) +
                        "dynamic: {control: {measure: {stage: 3, element: Nd}, setpoint: 0.9, "
                        "adjust: strip-flow}}\n"),
                HasSubstr("no strip to adjust"));
    EXPECT_THAT(message(std::string(binary_cascade) +
                        "dynamic: {hours: 1000, control: {measure: {product: raffinate}, "
                        "setpoint: 0.9, adjust: scrub-flow, interval: 1 s}}\n"),
                HasSubstr("lengthen control.interval"));
    EXPECT_THAT(message(std::string(binary_cascade) +
                        "dynamic: {events: [{time: 5 h, scrub-flow-factor: 20}]}\n"),
                HasSubstr("the scrub acid strips"));
    EXPECT_THAT(message(std::string(binary_cascade) +
                        "dynamic: {events: [{time: 5 h, composition: {Pr: 0.5, Sm: 0.5}}]}\n"),
                HasSubstr("which has no Sm"));
    EXPECT_THAT(message(drawn_cascade(5.0, "{La: 0.5, Ce: 0.3, Pr: 0.2}",
                                      "dynamic: {events: [{time: 5 h, draw-flow-factor: 20}]}\n")),
                HasSubstr("the flows from t = 5 h (by dynamic.events or dynamic.control) cannot "
                          "run: the aqueous side draws"));
    EXPECT_THAT(message(mass_action_cascade(376.0, "dynamic: {start: fresh}\n")),
                HasSubstr("no state for an empty aqueous"));
}

// A start from feed does not need the steady state of `reesx run`: when that does not
// converge (here held to one iteration; the dynamic model has no use for the solver
// settings) the simulation runs on, says so, leaves out the comparison and takes each
// product's main element from its end. A start from the steady state still needs it.
TEST(Dynamic, aStartFromFeedRunsWithoutAConvergedSteadyState)
{
    const std::string failing = std::string(binary_cascade) + "solver: {max-iterations: 1}\n";
    ASSERT_THROW(test::solve_yaml(failing), ConvergenceError);  // the premise
    const std::string from_feed = "dynamic: {hours: 3000, start: feed, outputs: 10}\n";
    DynamicSpec dynamic;
    const DynamicResult r = run_dynamic(failing + from_feed, &dynamic);
    EXPECT_FALSE(r.has_steady_state);
    EXPECT_TRUE(std::isnan(r.steady_state_relative_difference));
    ASSERT_EQ(r.warnings.size(), 1U);
    EXPECT_THAT(r.warnings[0], HasSubstr("steady state of reesx run did not converge"));
    EXPECT_LT(r.conservation_relative_error, 1e-9);

    // The same start-up where the steady state converges: the same main elements (those of
    // the steady state) and purities, and by 3000 h the steady state's purities.
    const DynamicResult reference = run_dynamic(std::string(binary_cascade) + from_feed);
    ASSERT_TRUE(reference.has_steady_state);
    ASSERT_EQ(r.products.size(), reference.steady_state.products.size());
    for (const auto& steady : reference.steady_state.products) {
        const ProductSeries& p = product(r, steady.name);
        const ProductSeries& with = product(reference, steady.name);
        EXPECT_EQ(p.main_element, steady.main_element) << steady.name;
        ASSERT_EQ(p.purity.size(), with.purity.size());
        for (std::size_t i = 0; i < p.purity.size(); ++i) {
            EXPECT_TRUE(std::isfinite(p.purity[i]));
            EXPECT_GT(p.purity[i], 0.5) << steady.name;  // binary: the main one is the larger
            EXPECT_NEAR(p.purity[i], with.purity[i], 1e-12) << steady.name;
        }
        EXPECT_NEAR(p.purity.back(), steady.purity, 1e-6) << steady.name;
    }

    // Outputs: null in JSON, "n/a" on stdout, never a non-finite number; the warning in both.
    const CaseSpec spec = test::case_from_yaml(failing + from_feed);
    const nlohmann::json j = io::dynamic_summary(spec, dynamic, r);
    EXPECT_TRUE(j["dynamic"]["steady_state_relative_difference"].is_null());
    EXPECT_TRUE(j["dynamic"]["slowest_time_constant_h"].is_null());
    EXPECT_TRUE(j["dynamic"]["products"]["loaded_organic"]["steady_state_purity"].is_null());
    EXPECT_TRUE(j["steady_state_of_run"].is_null());
    EXPECT_FALSE(j["converged"].get<bool>());
    EXPECT_EQ(j["warnings"], nlohmann::json(r.warnings));
    EXPECT_EQ(j["dynamic"]["products"]["loaded_organic"]["main_element"], "Nd");
    const std::string text = io::format_dynamic(spec, dynamic, r);
    EXPECT_THAT(text, HasSubstr("n/a"));
    EXPECT_THAT(text, HasSubstr("warning: the steady state of reesx run did not converge"));
    EXPECT_THAT(text, ::testing::Not(HasSubstr("nan")));
    EXPECT_THAT(text, HasSubstr("slowest time constant, linearized at the case's steady "
                                "state: not computed"));

    // Where the steady state is needed: the start from it, and a loop that measures a
    // product's main element there.
    const auto message = [&](const std::string& yaml) {
        try {
            run_dynamic(failing + yaml);
        } catch (const ConvergenceError& e) {
            return std::string(e.what());
        }
        return std::string("no ConvergenceError");
    };
    EXPECT_THAT(message("dynamic: {hours: 50, start: steady-state}\n"),
                HasSubstr("dynamic.start: steady-state needs the steady state of reesx run"));
    EXPECT_THAT(message("dynamic: {hours: 50, start: feed, control: {measure: {product: "
                        "loaded_organic}, setpoint: 0.95, adjust: scrub-flow}}\n"),
                HasSubstr("dynamic.control.measure.element"));
    // Flows that cannot run still stop a start from feed with their own error.
    std::string infeasible = failing;
    infeasible.replace(infeasible.find("376 L/h"), 7, "5000 L/h");
    EXPECT_THROW(run_dynamic(infeasible + from_feed), InfeasibleError);
}

// Models with extra species (acid, free extractant, saponification cation): their conserved
// quantities travel from stage to stage like the elements, their local equations are
// algebraic. Started at the steady state the cascade stays there; after a scrub step it
// settles to `reesx run` at the new scrub flow, elements and acidity (through the profiles
// that depend on them) alike.
TEST(Dynamic, massActionCascadeStaysAtItsSteadyStateAndFollowsAScrubStep)
{
    const DynamicResult steady_run =
        run_dynamic(mass_action_cascade(376.0, "dynamic: {hours: 50, start: steady-state}\n"));
    EXPECT_LT(steady_run.steady_state_relative_difference, 1e-8);
    EXPECT_LT(steady_run.conservation_relative_error, 1e-9);
    // The model's stage profiles (pH, free extractant, cation) at each output: those of
    // `reesx run`, which stays; to 1e-8, or to the absolute tolerance (1e-14 mol/L) where
    // the cation is all but gone from a stage (down to 1e-35 mol/L here): its holdup defines
    // it through a floor at that tolerance (docs/dynamics.md), which moves what is below.
    ASSERT_EQ(steady_run.chemistry_names, steady_run.steady_state.profile_names);
    ASSERT_EQ(steady_run.chemistry.size(), steady_run.times_h.size());
    const Eigen::MatrixXd& run_profiles = steady_run.steady_state.profiles;
    for (Eigen::Index p = 0; p < run_profiles.cols(); ++p) {
        for (Eigen::Index j = 0; j < run_profiles.rows(); ++j) {
            EXPECT_NEAR(steady_run.chemistry.back()(j, p), run_profiles(j, p),
                        1e-8 * std::abs(run_profiles(j, p)) + 1e-14)
                << steady_run.chemistry_names[static_cast<std::size_t>(p)] << ", stage " << j + 1;
        }
    }

    const DynamicResult r = run_dynamic(
        mass_action_cascade(376.0,
                            "dynamic: {hours: 3000, start: steady-state, outputs: 10, events: "
                            "[{time: 2 h, scrub-flow-factor: 1.05}]}\n"));
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    expect_profile(r, test::solve_yaml(mass_action_cascade(394.8, "")), 1e-6);
    // The step did move the cascade: the steady states differ by far more than 1e-6.
    const CascadeResult before = test::solve_yaml(mass_action_cascade(376.0, ""));
    const int nd = *element_index("Nd");
    EXPECT_GT(std::abs(r.aqueous_mol_per_L(0, nd) / before.aqueous_mol_per_L(0, nd) - 1.0), 1e-3);
}

// A start-up from feed: every stage's feed aqueous and fresh (saponified) organic mixed to
// the model's equilibrium, then run long: `reesx run`'s steady state, through a start where
// the extraction section's rare earths fall to 1e-19 mol/L and the saponification cation
// vanishes from the scrub section.
TEST(Dynamic, massActionStartUpFromFeedReachesTheSteadyStateOfRun)
{
    const DynamicResult r =
        run_dynamic(mass_action_cascade(376.0, "dynamic: {hours: 2000, start: feed}\n"));
    EXPECT_LT(r.steady_state_relative_difference, 1e-6);
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    // It did start elsewhere: the raffinate's first output is not yet the steady one.
    const auto& raffinate = product(r, "raffinate");
    EXPECT_GT(std::abs(raffinate.re_mol_per_h.front() / raffinate.re_mol_per_h.back() - 1.0), 1e-3);
}

// The example's start-up from feed runs through at tolerances that stopped it before
// 2026-12-01: 1.5e-6 at 46 h, where the saponification cation leaving the strip section (its
// holdup falls to 1e-65 mol/L) stalled the Newton iteration until its holdup defined it in log
// form; 3e-6 at 0.014 h, where first corrections accepted on an earlier step's rate left the
// algebraic unknowns drifting (IdaOptions::first_correction_trust). Rare earth is conserved.
TEST(Dynamic, theMassActionStartUpExampleRunsThroughTheVanishingCation)
{
    const CaseSpec spec =
        load_case(std::string(REESX_SOURCE_DIR) + "/examples/prnd-p507-mass-action-startup.yaml");
    ASSERT_EQ(parse_dynamic(spec).ida.relative_tolerance, solver::IdaOptions{}.relative_tolerance);
    for (const double relative_tolerance : {1e-6, 1.5e-6, 3e-6}) {
        DynamicSpec dynamic = parse_dynamic(spec);
        dynamic.ida.relative_tolerance = relative_tolerance;
        dynamic.hours = 120.0;
        const DynamicResult r = simulate_dynamic(spec, dynamic);
        EXPECT_EQ(r.times_h.back(), 120.0) << relative_tolerance;
        EXPECT_LT(r.conservation_relative_error, 1e-10) << relative_tolerance;
        // And the cation no longer stalls the iteration: 32-131 failed Newton iterations
        // here, 390-661 with its holdup defined linearly (which runs through on the
        // trust bound alone, cutting the step at every stall).
        EXPECT_LT(r.stats.nonlinear_failures, 200) << relative_tolerance;
    }
}

TEST(Dynamic, phCorrelationCascadeFollowsAFeedStep)
{
    const auto yaml = [](double feed_L_per_h, const std::string& dynamic) {
        return "system: p507-hcl\nmodel: ph-correlation\n"
               "ph-correlation: {Nd: {slope: 1.5074, intercept: -3.5508}, "
               "Sm: {slope: 2.1979, intercept: -3.4925}}\n"
               "stages: {extraction: 9, scrub: 0}\n"
               "feed: {flow: " +
               std::to_string(feed_L_per_h) +
               " L/h, concentration: 0.0814 mol/L, acid: 0.01 mol/L, "
               "composition: {Nd: 0.935, Sm: 0.065}}\norganic: {flow: 200 L/h}\n" +
               dynamic;
    };
    const DynamicResult r =
        run_dynamic(yaml(100.0,
                         "dynamic: {hours: 500, start: steady-state, outputs: 10, events: "
                         "[{time: 2 h, feed-flow-factor: 1.2}]}\n"));
    EXPECT_LT(r.conservation_relative_error, 1e-9);
    expect_profile(r, test::solve_yaml(yaml(120.0, "")), 1e-6);
    // And a start-up from feed reaches `reesx run`.
    const DynamicResult start_up = run_dynamic(yaml(100.0, "dynamic: {hours: 500, start: feed}\n"));
    EXPECT_LT(start_up.steady_state_relative_difference, 1e-6);
    EXPECT_LT(start_up.conservation_relative_error, 1e-9);
}

}  // namespace
}  // namespace reesx
