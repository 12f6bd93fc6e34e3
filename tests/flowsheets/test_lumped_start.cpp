// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The start of a many-element cascade from the cascade of its major elements (the minor ones
// lumped into them): the whole cascade's Newton starts with the front in place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "CaseBuilder.h"

namespace reesx {
namespace {

// The benchmarks' 17-element Pr/Nd cut at about 1.1 S_min: six elements with 1 % of the feed
// or more (Y, La, Ce, Pr, Nd, Sm).
const char* pr_nd_yaml =
    "system: p507-hcl\nstages: {extraction: 50, scrub: 50}\n"
    "feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Sc: 0.0002, Y: 0.012, La: 0.27, "
    "Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, Gd: 0.005, Tb: "
    "0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, Lu: 0.0001}}\n"
    "organic: {flow: 2.6527 L/h, loading: 1 mol/L}\n"
    "scrub: {flow: 2.4634 L/h, acid: 3 mol/L}\nsolver: {tolerance: 1e-10}\n";

TEST(LumpedStart, theWholeCascadeStartsWithItsFrontInPlace)
{
    const CaseSpec spec = test::case_from_yaml(pr_nd_yaml);
    Cascade cascade(spec);
    // The whole cascade's iterations and their closures (the lumped cascade reports none).
    std::vector<double> closures;
    const std::string prefix = "reduced Newton iteration ";
    cascade.set_progress([&](const std::string& line) {
        if (line.rfind(prefix, 0) == 0) {
            closures.push_back(std::stod(line.substr(line.find("= ") + 2)));
        }
    });
    const CascadeResult r = cascade.solve();
    ASSERT_TRUE(r.solver.converged);
    ASSERT_FALSE(closures.empty());
    // From the theory's flat start the closure was 1.6 and the front took five of twelve
    // iterations to walk into place; from the lumped cascade's scale it is 3e-3 and three
    // iterations finish.
    EXPECT_LT(closures.front(), 1e-2);
    EXPECT_LE(closures.size(), 4u);
    // The lumped cascade's iterations count in the report, beyond the whole one's.
    EXPECT_GT(r.solver.iterations, static_cast<int>(closures.size()));
    EXPECT_LT(r.mass_balance_relative_error, 1e-12);
}

// A cascade of few elements, or of many with most of them major, starts from the theory.
TEST(LumpedStart, aCascadeOfMostlyMajorElementsStartsFromTheTheory)
{
    const CaseSpec spec = test::case_from_yaml(
        "system: p507-hcl\nstages: {extraction: 30, scrub: 30}\n"
        "feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {La: 0.2, Ce: 0.2, Pr: 0.2, "
        "Nd: 0.2, Sm: 0.1, Gd: 0.05, Y: 0.05, Dy: 0.0001}}\n"
        "organic: {flow: 3.0 L/h, loading: 1 mol/L}\n"
        "scrub: {flow: 2.6 L/h, acid: 3 mol/L}\nsolver: {tolerance: 1e-10}\n");
    Cascade cascade(spec);
    int lines = 0;
    cascade.set_progress([&](const std::string& line) {
        lines += line.rfind("reduced Newton iteration ", 0) == 0 ? 1 : 0;
    });
    const CascadeResult r = cascade.solve();
    ASSERT_TRUE(r.solver.converged);
    // Every iteration is the whole cascade's.
    EXPECT_EQ(r.solver.iterations, lines);
}

// The acidity models start from the separation-factor cascade of the same case (model_name
// changed, the case's `model: mass-action` kept): the lumped cascade built from that spec is a
// separation-factor one too. It was a mass-action model before (its strip section then solved,
// its stage count not the start's), and the lumped start was never taken there.
TEST(LumpedStart, aCaseWhoseModelNameIsChangedGetsThatModel)
{
    CaseSpec spec = test::case_from_yaml(
        "system: p507-hcl\nmodel: mass-action\nstages: {extraction: 10, scrub: 10, strip: 5}\n"
        "feed: {flow: 100 L/h, concentration: 1.5 mol/L, acid: 0.01 mol/L, composition: {La: "
        "0.3, Ce: 0.5, Nd: 0.2}}\n"
        "organic: {flow: 2200 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}\n"
        "scrub: {flow: 276 L/h, acid: 4.0 mol/L}\nstrip: {flow: 60 L/h, acid: 5.0 mol/L}\n");
    ASSERT_EQ(spec.model->name(), "mass-action");
    spec.model_name = "separation-factor";
    set_components(spec);
    EXPECT_EQ(spec.model->name(), "separation-factor");
    EXPECT_TRUE(spec.model->strips_completely());
}

}  // namespace
}  // namespace reesx
