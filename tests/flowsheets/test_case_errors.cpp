// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Every bad-input path of a case file gets a clear, located message (DEVELOPERS.md: file,
// line, column, key, what was expected, what to do).
#include <gtest/gtest.h>

#include "CaseBuilder.h"

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
