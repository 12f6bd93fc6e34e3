// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx separate` with a leach liquor's impurity ions: the removal step ahead of the cuts is
// the smallest that meets the limit, its case reproduces it, every ion's balance closes, an
// ion the chemistry cannot take is warned about and leaves whole with the rare earths, and bad
// input is a located error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "CaseBuilder.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx {
namespace {

using ::testing::HasSubstr;

SeparateSpec parse(const std::string& yaml)
{
    return parse_separate(InputNode::load_string(yaml, "separate.yaml"));
}

// A monazite-type Pr/Nd liquor (examples/plant-thorium-removal.yaml's feed) at 99 %.
const char* thorium_feed =
    "system: p507-hcl\npurity: 0.99\n"
    "feed: {name: monazite-type, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}\n"
    "feed-rate: 100 L/h\n";

int species(const std::string& symbol)
{
    return *species_index(symbol);
}

const ImpurityFate& fate(const ImpurityRemoval& r, const std::string& symbol)
{
    for (const auto& f : r.fates) {
        if (f.species == species(symbol)) {
            return f;
        }
    }
    throw std::runtime_error("no fate for " + symbol);
}

//! The ion's content (ppm of REO, as its oxide) in the raffinate of the removal case `yaml`
//! with its extraction stages set to `n`, judged against `reo_kg_per_h`.
double raffinate_ppm(const std::string& yaml, int n, int ion, double reo_kg_per_h)
{
    const std::string changed = std::regex_replace(yaml, std::regex("extraction: [0-9]+"),
                                                   "extraction: " + std::to_string(n));
    const CascadeResult r = test::solve_yaml(changed);
    const auto& raffinate =
        r.products[static_cast<std::size_t>(test::product_index(r, "raffinate"))];
    return raffinate.mol_per_h[ion] * species_oxide_g_per_mol(ion) / 1e3 / reo_kg_per_h * 1e6;
}

//! The REO (kg/h) of product `name` of the plant file `separate` writes, as `reesx run` solves
//! it: the REO an ion's ppm is judged against.
double plant_product_reo_kg_per_h(const SeparateSpec& spec, const SeparateResult& result,
                                  const std::string& name)
{
    const PlantResult plant =
        solve_plant(parse_plant(InputNode::load_string(plant_file_yaml(spec, result), "plant")));
    for (const auto& p : plant.products) {
        if (p.name == name) {
            double kg = 0.0;
            for (int e = 0; e < num_elements; ++e) {
                kg += p.value.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1e3;
            }
            return kg;
        }
    }
    throw std::runtime_error("no product " + name);
}

TEST(SeparateImpurities, removalStepIsTheSmallestThatMeetsTheLimit)
{
    const SeparateSpec spec =
        parse(std::string(thorium_feed) +
              "impurities: {Th4+: 200 mg/L, Ca2+: 800 mg/L}\nimpurity-limit: 10 ppm\n");
    const SeparateResult result = separate(spec);
    ASSERT_TRUE(result.impurity_removal);
    const ImpurityRemoval& r = *result.impurity_removal;
    ASSERT_TRUE(r.built);
    EXPECT_EQ(r.limit_ppm_reo, 10.0);
    const ImpurityFate& th = fate(r, "Th4+");
    EXPECT_TRUE(th.removable);
    EXPECT_TRUE(th.meets_limit);
    ASSERT_GE(th.product, 0);
    // Judged against the REO of the product of the plant the step feeds.
    const double reo = plant_product_reo_kg_per_h(
        spec, result, result.products[static_cast<std::size_t>(th.product)].name);
    // Its ppm, from the case the step writes, is under the limit; one stage fewer misses it.
    const int th4 = species("Th4+");
    EXPECT_NEAR(raffinate_ppm(r.case_yaml, r.extraction_stages, th4, reo), th.ppm_reo,
                1e-9 * th.ppm_reo);
    EXPECT_LE(th.ppm_reo, 10.0);
    if (r.extraction_stages > 1) {
        EXPECT_GT(raffinate_ppm(r.case_yaml, r.extraction_stages - 1, th4, reo), 10.0);
    }
    // Thorium is more extractable than every rare earth with P507: what is left follows Nd.
    EXPECT_EQ(result.products[static_cast<std::size_t>(th.product)].name, "Nd");
    // Every ion's balance closes over the step; the feed is what the input says (200 mg/L of
    // Th in 100 L/h of liquor).
    EXPECT_NEAR(th.feed_mol_per_h, 0.2 / species_g_per_mol(th4) * 100.0, 1e-12 * th.feed_mol_per_h);
    for (const auto& f : r.fates) {
        EXPECT_LT(r.simulation.balance_relative_error[f.species], 1e-9);
        EXPECT_NEAR(f.removed_mol_per_h + f.re_stream_mol_per_h, f.feed_mol_per_h,
                    1e-12 * f.feed_mol_per_h);
    }
    EXPECT_LT(r.re_loss_fraction, 0.01);
}

TEST(SeparateImpurities, anIonTheChemistryCannotTakeIsWarnedAboutAndLeavesWithTheRareEarths)
{
    const SeparateSpec spec =
        parse(std::string(thorium_feed) + "impurities: {Th4+: 200 mg/L, Ca2+: 800 mg/L}\n");
    const SeparateResult result = separate(spec);
    const ImpurityRemoval& r = *result.impurity_removal;
    EXPECT_EQ(r.limit_ppm_reo, 10.0);  // the default
    const ImpurityFate& ca = fate(r, "Ca2+");
    EXPECT_FALSE(ca.removable);
    EXPECT_FALSE(ca.meets_limit);
    // D2EHPA at 1 mol/L HCl leaves calcium (pH½ 2.1) in the raffinate: all but a trace goes on.
    EXPECT_GT(ca.re_stream_mol_per_h, 0.999 * ca.feed_mol_per_h);
    // It is less extractable than every rare earth with P507: it leaves with the first
    // product, and its ppm is that product's CaO over its REO.
    ASSERT_EQ(ca.product, 0);
    const PlantProduct& first = result.products.front();
    EXPECT_EQ(first.name, "Pr");
    const int ca2 = species("Ca2+");
    const double reo = plant_product_reo_kg_per_h(spec, result, first.name);
    EXPECT_NEAR(ca.ppm_reo, ca.re_stream_mol_per_h * species_oxide_g_per_mol(ca2) / 1e3 / reo * 1e6,
                1e-9 * ca.ppm_reo);
    bool warned = false;
    for (const auto& w : r.warnings) {
        warned = warned || (w.find("Ca2+ cannot be removed") != std::string::npos &&
                            w.find("Pr product") != std::string::npos);
    }
    EXPECT_TRUE(warned) << testing::PrintToString(r.warnings);
}

TEST(SeparateImpurities, noStepWhenEveryIonIsWithinTheLimit)
{
    const SeparateResult result = separate(
        parse(std::string(thorium_feed) + "impurities: {Th4+: 1 ug/L}\nimpurity-limit: 0.01 %\n"));
    const ImpurityRemoval& r = *result.impurity_removal;
    EXPECT_EQ(r.limit_ppm_reo, 100.0);
    EXPECT_FALSE(r.built);
    EXPECT_EQ(r.simulations, 0);
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_TRUE(fate(r, "Th4+").meets_limit);
    EXPECT_EQ(fate(r, "Th4+").re_stream_mol_per_h, fate(r, "Th4+").feed_mol_per_h);
}

TEST(SeparateImpurities, badInputIsALocatedError)
{
    const auto message = [](const std::string& extra) {
        try {
            parse(std::string(thorium_feed) + extra);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    // Lines: the feed text has 4, so the added key is on line 5.
    EXPECT_THAT(message("impurities: {Xx3+: 20 mg/L}\n"), HasSubstr("separate.yaml:5:"));
    EXPECT_THAT(message("impurities: {Xx3+: 20 mg/L}\n"), HasSubstr("unknown species 'Xx3+'"));
    EXPECT_THAT(message("impurities: {Fe: 20 mg/L}\n"), HasSubstr("Fe"));
    EXPECT_THAT(message("impurities: {Th4+: 20}\n"), HasSubstr("Th4+"));
    EXPECT_THAT(message("impurities: {Nd: 20 mg/L}\n"), HasSubstr("is a rare earth"));
    const std::string wrong_unit =
        message("impurities: {Th4+: 20 mg/L}\nimpurity-limit: 10 mg/L\n");
    EXPECT_THAT(wrong_unit, HasSubstr("separate.yaml:6:"));
    EXPECT_THAT(wrong_unit, HasSubstr("impurity-limit"));
    EXPECT_THAT(wrong_unit, HasSubstr("'10 ppm'"));
    EXPECT_THAT(message("impurities: {Th4+: 20 mg/L}\nimpurity-limit: 10\n"),
                HasSubstr("'10 ppm'"));
    EXPECT_THAT(message("impurities: {Th4+: 20 mg/L}\nimpurity-limit: 0 ppm\n"),
                HasSubstr("above 0"));
    EXPECT_THAT(message("impurity-limit: 10 ppm\n"), HasSubstr("needs impurities"));
}

}  // namespace
}  // namespace reesx
