// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The solutions as bounded decision variables (ExtractionSide.h): in the separation-factor
// model the scrub and strip acid and the saponification change only volumes, so the choice
// lands on their upper bounds; the extractant concentration trades settler volume against
// the extractant entrained in the aqueous outflows, so a dear enough extractant lowers it.
// The single cut's optimum with them chosen is never dearer than with design's values, and
// its case file, re-run, meets the targets with the chosen values in it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "reesx/costs/ExtractionSide.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {
namespace {

using ::testing::HasSubstr;

//! A binary Pr/Nd cut (inline system) with a strip section, 99.9 % both ways.
DesignSpec stripped_binary()
{
    std::ostringstream y;
    y << "system: {name: binary, log10-extractability: {Pr: 0, Nd: 0.25}}\n"
      << "feed: {name: prnd, composition: {Pr: 0.5, Nd: 0.5}, concentration: 1.5 mol/L}\n"
      << "split: Pr/Nd\nfeed-rate: 100 kg/h REO\npurity: 0.999\nstrip: {stages: 2}\n"
      << "tradeoff: {points: 0}\n";
    return parse_design(InputNode::load_string(y.str(), "design.yaml"));
}

CostSetup builtin_setup()
{
    CostSetup setup;
    setup.data = builtin_cost_data();
    return setup;
}

TEST(ExtractionSide, VolumeOnlyVariablesLandOnTheirUpperBoundsInTheSeparationFactorModel)
{
    const DesignSpec spec = stripped_binary();
    const DesignResult d = design(spec);
    const ExtractionBounds b;
    const ExtractionChoice x = choose_extraction_side(spec, builtin_setup(), "US", d.s, d.n, d.m);
    ASSERT_TRUE(x.design.meets_targets);
    EXPECT_TRUE(x.strip_acid_chosen);
    EXPECT_TRUE(x.extractant_chosen);
    EXPECT_EQ(x.scrub_acid_mol_per_L, b.scrub_acid_max_mol_per_L);
    EXPECT_EQ(x.saponification, b.saponification_max);
    EXPECT_EQ(x.strip_acid_mol_per_L, b.strip_acid_max_mol_per_L);
    EXPECT_GE(x.extractant_mol_per_L, b.extractant_min_mol_per_L);
    EXPECT_LE(x.extractant_mol_per_L, b.extractant_max_mol_per_L);
    // Cheaper than design's own values at the same reflux and stages.
    const PricedDesign own = price_design(spec, builtin_setup(), "US", d.s, d.n, d.m);
    EXPECT_LT(x.cost_usd_per_kg, own.cost_usd_per_kg);
    EXPECT_EQ(x.cost_usd_per_kg, x.design.cost_usd_per_kg);
    // The design carries the choice into its case file.
    const CaseSpec c = parse_case(InputNode::load_string(x.design.case_yaml, "choice.yaml"));
    ASSERT_TRUE(c.scrub && c.strip);
    EXPECT_DOUBLE_EQ(c.scrub->acid_mol_per_L, x.scrub_acid_mol_per_L);
    EXPECT_DOUBLE_EQ(c.strip->acid_mol_per_L, x.strip_acid_mol_per_L);
    EXPECT_DOUBLE_EQ(*c.organic.extractant_mol_per_L, x.extractant_mol_per_L);
    // Without a strip section the strip acid is idle and not chosen.
    DesignSpec unstripped = spec;
    unstripped.strip_stages = 0;
    const ExtractionChoice y =
        choose_extraction_side(unstripped, builtin_setup(), "US", d.s, d.n, d.m);
    EXPECT_FALSE(y.strip_acid_chosen);
    EXPECT_EQ(y.strip_acid_mol_per_L, spec.strip_acid_mol_per_L);
}

TEST(ExtractionSide, ExtractantConcentrationFallsWhenTheExtractantIsDearEnough)
{
    // At the built-in prices the settler volume and diluent saved by a richer organic outweigh
    // the extractant entrained in the aqueous outflows by three orders of magnitude: the upper
    // bound. An extractant thousands of times dearer makes entrainment dominate, and the
    // search moves the concentration down.
    const DesignSpec spec = stripped_binary();
    const DesignResult d = design(spec);
    const ExtractionBounds b;
    const CostSetup nominal = builtin_setup();
    const ExtractionChoice mid = choose_extraction_side(spec, nominal, "US", d.s, d.n, d.m);
    EXPECT_EQ(mid.extractant_mol_per_L, b.extractant_max_mol_per_L);
    CostSetup dear = nominal;
    (*dear.data.find("US"))[RegionParam::extractant_price].value *= 3000.0;
    const ExtractionChoice dear_x = choose_extraction_side(spec, dear, "US", d.s, d.n, d.m);
    EXPECT_LT(dear_x.extractant_mol_per_L, mid.extractant_mol_per_L);
    EXPECT_GE(dear_x.extractant_mol_per_L, b.extractant_min_mol_per_L);
    ASSERT_TRUE(dear_x.design.meets_targets);
    // The choice is the cheapest of the range's ends at those prices.
    for (const double c : {b.extractant_min_mol_per_L, b.extractant_max_mol_per_L}) {
        DesignSpec at = with_choice(spec, dear_x);
        at.extractant_mol_per_L = c;
        EXPECT_LE(dear_x.cost_usd_per_kg,
                  price_design(at, dear, "US", d.s, d.n, d.m).cost_usd_per_kg)
            << c;
    }
}

TEST(ExtractionSide, SingleCutOptimumWithSolutionsIsNeverDearerAndMeetsTargetsOnRerun)
{
    const DesignSpec spec = stripped_binary();
    OptimizeOptions options;
    options.setup = builtin_setup();
    options.countries = {"CN-NM", "US"};
    const OptimizeResult chosen = optimize(spec, options);
    options.extraction_side = false;
    const OptimizeResult fixed = optimize(spec, options);
    EXPECT_TRUE(chosen.extraction_side);
    ASSERT_EQ(chosen.countries.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const CountryOptimum& c = chosen.countries[i];
        SCOPED_TRACE(c.code);
        EXPECT_LE(c.optimum.cost_usd_per_kg, fixed.countries[i].optimum.cost_usd_per_kg);
        EXPECT_LE(c.optimum.cost_usd_per_kg, c.baseline.cost_usd_per_kg);
        // Design's values, kept with extraction_side off.
        EXPECT_EQ(fixed.countries[i].optimum.scrub_acid_mol_per_L, spec.scrub_acid_mol_per_L);
        EXPECT_EQ(fixed.countries[i].optimum.extractant_mol_per_L, spec.extractant_mol_per_L);
        // The returned case, solved as `reesx run` solves it, meets the targets.
        const CaseSpec cs = parse_case(InputNode::load_string(c.optimum.case_yaml, "opt.yaml"));
        EXPECT_DOUBLE_EQ(cs.scrub->acid_mol_per_L, c.optimum.scrub_acid_mol_per_L);
        Cascade cascade(cs);
        const CascadeResult run = cascade.solve();
        double nd = 0.0, pr = 0.0;
        for (const auto& p : run.products) {
            nd += p.name == "strip_liquor" ? p.composition[*element_index("Nd")] : 0.0;
            pr += p.name == "raffinate" ? p.composition[*element_index("Pr")] : 0.0;
        }
        EXPECT_GE(nd, chosen.targets.purity_a);
        EXPECT_GE(pr, chosen.targets.purity_b);
    }
}

}  // namespace
}  // namespace reesx::costs
