// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Every bad-input path of a case file gets a clear, located message (DEVELOPERS.md: file,
// line, column, key, what was expected, what to do).
#include <gtest/gtest.h>

#include <cstdio>

#include "CaseBuilder.h"
#include "reesx/thermo/Feeds.h"

using namespace reesx;

namespace {

const std::string base = R"(system: p507-hcl
stages: {extraction: 10, scrub: 10}
feed:
  flow: 100 L/h
  concentration: 1.5 mol/L
  composition: {Pr: 0.25, Nd: 0.75}
organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 376 L/h, acid: 4.0 mol/L}
)";

std::string with(const std::string& from, const std::string& to)
{
    std::string text = base;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return text;
}

//! The InputError message of parsing `yaml` (empty if it parses).
std::string error_of(const std::string& yaml)
{
    try {
        const CaseSpec spec = test::case_from_yaml(yaml);
        Cascade cascade(spec);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST(CaseErrors, baseCaseParses)
{
    EXPECT_EQ(error_of(base), "");
}

TEST(CaseErrors, malformedYaml)
{
    const std::string e = error_of(with("flow: 100 L/h", "flow: [100 L/h"));
    EXPECT_TRUE(contains(e, "test.yaml:")) << e;
}

TEST(CaseErrors, unknownKeySuggestsTheRightOne)
{
    const std::string e = error_of(with("concentration: 1.5", "concentation: 1.5"));
    EXPECT_TRUE(contains(e, "test.yaml:5:3")) << e;
    EXPECT_TRUE(contains(e, "concentation")) << e;
    EXPECT_TRUE(contains(e, "did you mean 'concentration'")) << e;
}

TEST(CaseErrors, negativeFlow)
{
    const std::string e = error_of(with("flow: 100 L/h", "flow: -100 L/h"));
    EXPECT_TRUE(contains(e, "test.yaml:4:")) << e;
    EXPECT_TRUE(contains(e, "feed.flow")) << e;
    EXPECT_TRUE(contains(e, "-100")) << e;
}

TEST(CaseErrors, flowWithWrongUnit)
{
    const std::string e = error_of(with("flow: 100 L/h", "flow: 100 mol/L"));
    EXPECT_TRUE(contains(e, "concentration unit")) << e;
}

TEST(CaseErrors, fractionOutOfRange)
{
    const std::string e = error_of(with("Pr: 0.25, Nd: 0.75", "Pr: 1.25, Nd: 0.75"));
    EXPECT_TRUE(contains(e, "feed.composition.Pr")) << e;
    EXPECT_TRUE(contains(e, "1.25")) << e;
}

TEST(CaseErrors, fractionsNotSummingToOne)
{
    const std::string e = error_of(with("Pr: 0.25, Nd: 0.75", "Pr: 0.25, Nd: 0.65"));
    EXPECT_TRUE(contains(e, "add up to 0.9")) << e;
}

TEST(CaseErrors, saponificationOutOfRange)
{
    const std::string e = error_of(with("saponification: 0.36", "saponification: 1.2"));
    EXPECT_TRUE(contains(e, "organic.saponification")) << e;
    EXPECT_TRUE(contains(e, "[0, 1)")) << e;
}

TEST(CaseErrors, unknownElement)
{
    const std::string e = error_of(with("Pr: 0.25", "Px: 0.25"));
    EXPECT_TRUE(contains(e, "unknown element 'Px'")) << e;
    EXPECT_TRUE(contains(e, "did you mean 'Pr'")) << e;
}

TEST(CaseErrors, unknownSystem)
{
    const std::string e = error_of(with("p507-hcl", "p508-hcl"));
    EXPECT_TRUE(contains(e, "test.yaml:1:")) << e;
    EXPECT_TRUE(contains(e, "p508-hcl")) << e;
    EXPECT_TRUE(contains(e, "p507-hcl")) << e;
}

TEST(CaseErrors, unknownModel)
{
    const std::string e = error_of("model: separation-factr\n" + base);
    EXPECT_TRUE(contains(e, "did you mean 'separation-factor'")) << e;
}

TEST(CaseErrors, zeroFeed)
{
    const std::string e = error_of(with("Pr: 0.25, Nd: 0.75", "Pr: 0, Nd: 0"));
    EXPECT_TRUE(contains(e, "feed is empty")) << e;
    const std::string c = error_of(with("concentration: 1.5 mol/L", "concentration: 0 mol/L"));
    EXPECT_TRUE(contains(c, "feed.concentration")) << c;
}

TEST(CaseErrors, missingKeys)
{
    EXPECT_TRUE(contains(error_of(with("scrub: {flow: 376 L/h, acid: 4.0 mol/L}\n", "")),
                         "no 'scrub' stream"));
    const std::string e =
        error_of(with("organic: {flow: 3410 L/h, extractant-concentration: "
                      "1.5 mol/L, saponification: 0.36}",
                      "organic: {flow: 3410 L/h}"));
    EXPECT_TRUE(contains(e, "'loading'")) << e;
}

TEST(CaseErrors, stageCountsChecked)
{
    const std::string e = error_of(with("extraction: 10", "extraction: 0"));
    EXPECT_TRUE(contains(e, "stages.extraction")) << e;
    const std::string f = error_of(with("  flow: 100 L/h\n", "  flow: 100 L/h\n  stage: 40\n"));
    EXPECT_TRUE(contains(f, "feed.stage")) << f;
}

TEST(CaseErrors, elementMissingFromSystem)
{
    // naphthenic-hcl has no scandium value (the extractant is not used for Sc).
    std::string text = with("system: p507-hcl", "system: naphthenic-hcl");
    text.replace(text.find("Pr: 0.25"), 8, "Sc: 0.25");
    const std::string e = error_of(text);
    EXPECT_TRUE(contains(e, "no extractability for Sc")) << e;
}

TEST(CaseErrors, loadingAboveStoichiometricCeiling)
{
    const std::string e =
        error_of(with("saponification: 0.36}", "saponification: 0.36, loading: 0.6}"));
    EXPECT_TRUE(contains(e, "stoichiometric ceiling")) << e;
}

TEST(CaseErrors, constantDistributionNeedsD)
{
    const std::string e = error_of("model: constant-distribution\n" + base);
    EXPECT_TRUE(contains(e, "'distribution'")) << e;
    const std::string f =
        error_of("model: constant-distribution\ndistribution: {Pr: 1.0}\n" + base);
    EXPECT_TRUE(contains(f, "missing distribution ratio for Nd")) << f;
}

TEST(CaseErrors, inlineSystemOverridesBuiltIn)
{
    const std::string text =
        with("system: p507-hcl", "system:\n  base: p507-hcl\n  log10-extractability: {Nd: 1.3}");
    const CaseSpec spec = test::case_from_yaml(text);
    EXPECT_NEAR(spec.system.beta(*element_index("Nd"), *element_index("Pr")),
                std::pow(10.0, 1.3 - builtin_system("p507-hcl").log10_k(*element_index("Pr"))),
                1e-12);
}

// KINSOL was removed (it failed on long multicomponent cascades): a case asking for it gets a
// located error that says so and names the solver to use; other values get "expected".
TEST(CaseErrors, removedKinsolMethod)
{
    const std::string e = error_of(base + "solver: {method: kinsol}\n");
    EXPECT_TRUE(contains(e, "test.yaml:9:18")) << e;
    EXPECT_TRUE(contains(e, "solver.method")) << e;
    EXPECT_TRUE(contains(e, "removed in this version")) << e;
    EXPECT_TRUE(contains(e, "'newton'")) << e;
    const std::string f = error_of(base + "solver: {method: broyden}\n");
    EXPECT_TRUE(contains(f, "test.yaml:9:18")) << f;
    EXPECT_TRUE(contains(f, "expected 'newton'")) << f;
    EXPECT_TRUE(contains(f, "broyden")) << f;
    EXPECT_EQ(error_of(base + "solver: {method: newton}\n"), "");
}

TEST(CaseErrors, vanishingFeedIsRejectedDiluteOneWarned)
{
    // 1e-308 mol/L: the product's kg and the reagents per kg underflow (printed null before).
    const std::string e = error_of(with("concentration: 1.5 mol/L", "concentration: 1e-308 mol/L"));
    EXPECT_TRUE(contains(e, "test.yaml:5:18")) << e;
    EXPECT_TRUE(contains(e, "feed.concentration")) << e;
    EXPECT_TRUE(contains(e, "below 1e-9 mol/L")) << e;
    const CaseSpec dilute =
        test::case_from_yaml(with("concentration: 1.5 mol/L", "concentration: 0.5 mmol/L"));
    ASSERT_EQ(dilute.warnings.size(), 1U);
    EXPECT_TRUE(contains(dilute.warnings[0], "feed.concentration: 0.5 mmol/L is a very dilute"))
        << dilute.warnings[0];
    EXPECT_TRUE(test::case_from_yaml(base).warnings.empty());
    // A flow of 1e-300 L/h ran before, with 2.9e302 kg NaOH per kg of product.
    const std::string f = error_of(with("flow: 100 L/h", "flow: 1e-300 L/h"));
    EXPECT_TRUE(contains(f, "test.yaml:4:9")) << f;
    EXPECT_TRUE(contains(f, "feed.flow: a flow of 1e-300 L/h is below 1e-6 L/h")) << f;
    const std::string o = error_of(with("organic: {flow: 3410 L/h", "organic: {flow: 1e-10 m3/h"));
    EXPECT_TRUE(contains(o, "organic.flow")) << o;
}

TEST(CaseErrors, idleStripStagesAndAcidFreeLiquorsAreWarned)
{
    const CaseSpec strip = test::case_from_yaml(with("scrub: 10}", "scrub: 10, strip: 3}") +
                                                "strip: {flow: 70 L/h, acid: 5.0 mol/L}\n");
    ASSERT_EQ(strip.warnings.size(), 1U);
    EXPECT_TRUE(contains(strip.warnings[0], "strip stages 2-3 are empty (idle)"))
        << strip.warnings[0];
    const CaseSpec one_strip = test::case_from_yaml(with("scrub: 10}", "scrub: 10, strip: 1}") +
                                                    "strip: {flow: 70 L/h, acid: 5.0 mol/L}\n");
    EXPECT_TRUE(one_strip.warnings.empty());

    const CaseSpec no_acid = test::case_from_yaml(
        "model: mass-action\n" +
        with("scrub: {flow: 376 L/h, acid: 4.0 mol/L}", "scrub: {flow: 376 L/h, acid: 0 mol/L}"));
    ASSERT_EQ(no_acid.warnings.size(), 1U);
    EXPECT_TRUE(contains(no_acid.warnings[0], "scrub.acid: 0 mol/L")) << no_acid.warnings[0];
}

// A feed rate as plants state it sets the solution flow at the feed's concentration.
TEST(PlantInputs, aFeedFlowInTonnesPerYearIsTheSolutionFlowItImplies)
{
    const CaseSpec by_rate = test::case_from_yaml(with("flow: 100 L/h", "flow: 2000 t/y"));
    FeedComposition prnd;
    prnd.mole_fraction = by_rate.feeds[0].mole_fraction;
    const double expected_L_per_h = 2000.0 * 1000.0 / 8760.0 / prnd.kg_reo_per_mol() / 1.5;
    EXPECT_NEAR(by_rate.feeds[0].flow_L_per_h, expected_L_per_h, 1e-12 * expected_L_per_h);
    const CaseSpec by_moles = test::case_from_yaml(with("flow: 100 L/h", "flow: 150 mol/h"));
    EXPECT_EQ(by_moles.feeds[0].flow_L_per_h, 100.0);
    const CaseSpec percent = test::case_from_yaml(with("Pr: 0.25, Nd: 0.75", "Pr: 25 %, Nd: 75 %"));
    EXPECT_EQ(percent.feeds[0].mole_fraction, test::case_from_yaml(base).feeds[0].mole_fraction);
    const std::string e = error_of(with("flow: 100 L/h", "flow: 2000 t/week"));
    EXPECT_TRUE(contains(e, "test.yaml:4:")) << e;
    EXPECT_TRUE(contains(e, "t/y")) << e;
    EXPECT_TRUE(contains(e, "m3/h")) << e;
}

namespace {

//! The base case with its organic and scrub flows given as reflux ratios instead.
std::string reflux_case()
{
    return with(
        "organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}\n"
        "scrub: {flow: 376 L/h, acid: 4.0 mol/L}\n",
        "organic: {extractant-concentration: 1.5 mol/L, saponification: 0.36}\n"
        "scrub: {acid: 4.0 mol/L}\nreflux: {S: 4.09, W: 3.34}\n");
}

std::string infeasible_of(const std::string& yaml)
{
    try {
        const CaseSpec spec = test::case_from_yaml(yaml);
        Cascade cascade(spec);
    } catch (const InfeasibleError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(PlantInputs, aRefluxCaseEqualsTheFlowCaseItImplies)
{
    const CaseSpec spec = test::case_from_yaml(reflux_case());
    ASSERT_TRUE(spec.reflux);
    char flows[200];
    std::snprintf(flows, sizeof flows, "organic: {flow: %.17g L/h,", spec.organic.flow_L_per_h);
    std::string flow_case = with("organic: {flow: 3410 L/h,", flows);
    std::snprintf(flows, sizeof flows, "scrub: {flow: %.17g L/h,", spec.scrub->flow_L_per_h);
    flow_case.replace(flow_case.find("scrub: {flow: 376 L/h,"), 22, flows);
    const CascadeResult by_reflux = Cascade(spec).solve();
    const CascadeResult by_flows = test::solve_yaml(flow_case);
    EXPECT_NEAR(by_reflux.reflux_S, 4.09, 1e-12 * 4.09);
    EXPECT_NEAR(by_reflux.reflux_W, 3.34, 1e-12 * 3.34);
    ASSERT_EQ(by_reflux.products.size(), by_flows.products.size());
    for (std::size_t p = 0; p < by_flows.products.size(); ++p) {
        EXPECT_EQ(by_reflux.products[p].composition, by_flows.products[p].composition);
    }
    // The figures the case file's comments give (S = 4.09 at 3410 L/h, W = 3.34 at 376 L/h).
    EXPECT_NEAR(spec.organic.flow_L_per_h, 3410.0, 5.0);
    EXPECT_NEAR(spec.scrub->flow_L_per_h, 376.0, 1.0);
}

TEST(PlantInputs, refluxErrorsAreLocated)
{
    const std::string both = error_of(with("scrub: {flow: 376 L/h, acid: 4.0 mol/L}\n",
                                           "scrub: {flow: 376 L/h, acid: 4.0 mol/L}\n"
                                           "reflux: {S: 4.09, W: 3.34}\n"));
    EXPECT_TRUE(contains(both, "test.yaml:7:")) << both;
    EXPECT_TRUE(contains(both, "either the organic flow or reflux.S")) << both;
    std::string scrub_flow_and_w = reflux_case();
    scrub_flow_and_w.replace(scrub_flow_and_w.find("scrub: {acid"), 12,
                             "scrub: {flow: 376 L/h, acid");
    const std::string both_w = error_of(scrub_flow_and_w);
    EXPECT_TRUE(contains(both_w, "test.yaml:8:")) << both_w;
    EXPECT_TRUE(contains(both_w, "either the scrub flow or reflux.W")) << both_w;
    const std::string neither = error_of(with("organic: {flow: 3410 L/h,", "organic: {"));
    EXPECT_TRUE(contains(neither, "test.yaml:7:")) << neither;
    EXPECT_TRUE(contains(neither, "reflux: {S: 1.8, W: 1.1}")) << neither;
    std::string w_only = reflux_case();
    w_only.replace(w_only.find("S: 4.09, "), 9, "");
    const std::string no_s = error_of(w_only);
    EXPECT_TRUE(contains(no_s, "missing key 'S'")) << no_s;
}

TEST(PlantInputs, infeasibleRefluxSaysWhereAndWhichFlowWouldWork)
{
    // W >= S: the loaded organic would carry nothing.
    const std::string w = infeasible_of([] {
        std::string y = reflux_case();
        y.replace(y.find("W: 3.34"), 7, "W: 4.5");
        return y;
    }());
    EXPECT_TRUE(contains(w, "test.yaml:9:")) << w;
    EXPECT_TRUE(contains(w, "reflux S = 4.09, W = 4.5")) << w;
    EXPECT_TRUE(contains(w, "Lower the scrub flow below")) << w;
    // S >= 1 + W: nothing for the raffinate.
    const std::string s = infeasible_of([] {
        std::string y = reflux_case();
        y.replace(y.find("S: 4.09"), 7, "S: 4.5");
        return y;
    }());
    EXPECT_TRUE(contains(s, "reflux S = 4.5")) << s;
    EXPECT_TRUE(contains(s, "Lower the organic flow below")) << s;
}
