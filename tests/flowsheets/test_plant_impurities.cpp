// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions in plants: streams carry them from cascade to cascade (aqueous and organic),
// a removal step declared in a plant file takes them ahead of the rare-earth cascade, the
// plant's impurity balance closes, and the products report their impurity content as a
// single cascade's do.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "reesx/flowsheets/Plant.h"
#include "reesx/io/PlantOutput.h"

namespace reesx {
namespace {

std::string example(const std::string& name)
{
    return std::string(REESX_SOURCE_DIR) + "/examples/" + name;
}

int impurity(const char* symbol)
{
    return *species_index(symbol) - num_elements;
}

const PlantProductResult& product_named(const PlantResult& r, const std::string& name)
{
    for (const auto& p : r.products) {
        if (p.name == name) {
            return p;
        }
    }
    throw std::runtime_error("no product " + name);
}

const ProductResult& outlet_of(const CascadeResult& r, const std::string& name)
{
    for (const auto& p : r.products) {
        if (p.name == name) {
            return p;
        }
    }
    throw std::runtime_error("no outlet " + name);
}

class ThoriumRemovalPlant : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        spec_ =
            new PlantSpec(parse_plant(InputNode::load_file(example("plant-thorium-removal.yaml"))));
        result_ = new PlantResult(solve_plant(*spec_));
    }
    static void TearDownTestSuite()
    {
        delete result_;
        delete spec_;
    }
    static PlantSpec* spec_;
    static PlantResult* result_;
};
PlantSpec* ThoriumRemovalPlant::spec_ = nullptr;
PlantResult* ThoriumRemovalPlant::result_ = nullptr;

TEST_F(ThoriumRemovalPlant, theStreamCarriesTheIonsTheRemovalStepLeaves)
{
    const PlantResult& r = *result_;
    ASSERT_EQ(r.streams.size(), 1u);
    const ProductResult& raffinate = outlet_of(r.cascades[0], "raffinate");
    const CascadeResult& prnd = r.cascades[1];
    for (const char* ion : {"Th4+", "Fe3+", "Al3+", "Ca2+"}) {
        SCOPED_TRACE(ion);
        const int k = impurity(ion);
        const double sent = raffinate.mol_per_h[num_elements + k];
        EXPECT_GT(sent, 0.0);
        EXPECT_DOUBLE_EQ(r.streams[0].impurity_mol_per_h[k], sent);
        // The receiving cascade solves for the ion and is fed what the stream carries.
        EXPECT_NEAR(prnd.feed_mol_per_h[num_elements + k], sent, 1e-12 * sent);
    }
    // The Pr/Nd cascade's balances close with the ions it receives: elements, protons and
    // extractant sites (conserved quantities), electroneutrality.
    EXPECT_LT(prnd.mass_balance_relative_error, 1e-9);
    for (std::size_t q = 0; q < prnd.conserved_balance_relative_error.size(); ++q) {
        EXPECT_LT(prnd.conserved_balance_relative_error[q], 1e-9) << prnd.conserved_names[q];
    }
    EXPECT_LT(prnd.electroneutrality_relative_error, 1e-9);
}

TEST_F(ThoriumRemovalPlant, removalStepTakesThoriumAndTheImpurityBalanceCloses)
{
    const PlantResult& r = *result_;
    ASSERT_TRUE(r.has_impurities());
    for (const char* ion : {"Th4+", "Fe3+", "Al3+", "Ca2+"}) {
        SCOPED_TRACE(ion);
        const int k = impurity(ion);
        EXPECT_NEAR(r.impurity_feed_mol_per_h[k],
                    spec_->cascades[0].feeds[0].impurity_mol_per_L[k] * 100.0, 1e-12);
        double out = 0.0;
        for (const auto& p : r.products) {
            out += p.value.impurity_mol_per_h[k];
        }
        EXPECT_NEAR(out, r.impurity_feed_mol_per_h[k], 1e-9 * r.impurity_feed_mol_per_h[k]);
        EXPECT_LT(r.impurity_balance_relative_error[k], 1e-9);
    }
    EXPECT_LT(r.mass_balance_relative_error, 1e-9);
    // Thorium leaves mostly in the removal step's strip liquor (the impurity stream), so the
    // Nd product carries less of it per REO than the plant feed did.
    const int th = impurity("Th4+");
    const auto& liquor = product_named(r, "thorium liquor");
    EXPECT_GT(liquor.impurity_recovery[th], 0.9);
    double feed_reo_g = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        feed_reo_g += r.feed_mol_per_h[e] * species_oxide_g_per_mol(e);
    }
    const double feed_ppm = 1e6 * r.impurity_feed_mol_per_h[th] *
                            species_oxide_g_per_mol(num_elements + th) / feed_reo_g;
    EXPECT_LT(product_named(r, "Nd").impurity_ppm_reo[th], 0.1 * feed_ppm);
}

TEST_F(ThoriumRemovalPlant, productsReportImpurityContentFromTheirMoles)
{
    const PlantResult& r = *result_;
    for (const auto& p : r.products) {
        SCOPED_TRACE(p.name);
        double reo_g = 0.0, metal = p.value.impurities_mol_per_h();
        for (int e = 0; e < num_elements; ++e) {
            reo_g += p.value.mol_per_h[e] * species_oxide_g_per_mol(e);
            metal += p.value.mol_per_h[e];
        }
        for (int k = 0; k < num_impurities; ++k) {
            const double expected = reo_g > 0.0
                                        ? 1e6 * p.value.impurity_mol_per_h[k] *
                                              species_oxide_g_per_mol(num_elements + k) / reo_g
                                        : 0.0;
            EXPECT_NEAR(p.impurity_ppm_reo[k], expected, 1e-9 * (1.0 + expected));
        }
        if (p.value.re_mol_per_h() > 0.0) {
            EXPECT_LE(p.metal_purity, p.purity);
            EXPECT_NEAR(p.metal_purity, p.purity * p.value.re_mol_per_h() / metal, 1e-12);
        }
    }
    // JSON and table name the ions per product.
    const nlohmann::json j = io::plant_run_summary(*spec_, r);
    const auto& nd = j["products"]["Nd"];
    EXPECT_TRUE(nd.contains("purity_total_metal"));
    EXPECT_DOUBLE_EQ(nd["impurities"]["Th4+"]["ppm_of_reo"].get<double>(),
                     product_named(r, "Nd").impurity_ppm_reo[impurity("Th4+")]);
    EXPECT_EQ(nd["impurities"].size(), 4u);
    EXPECT_TRUE(j["balance"]["impurities"]["relative_error"].contains("Ca2+"));
    EXPECT_TRUE(j["streams"][0]["impurity_mol_per_h"].contains("Al3+"));
    const std::string table = io::format_plant_run(*spec_, r, false);
    EXPECT_NE(table.find("Th4+ as ThO2"), std::string::npos) << table;
    EXPECT_NE(table.find("Impurity balance"), std::string::npos) << table;
}

//! An organic stream with impurity ions: the loaded organic of a cascade without strip (Fe(III)
//! and rare earths on it) feeds the next cascade's organic inlet; that cascade's proton and
//! site balances count each ion's charge on the organic it receives.
TEST(PlantImpurities, loadedOrganicCarriesIonsAndTheNextCascadeBalances)
{
    const std::string yaml = R"(schema: 1
name: linked with iron
cascades:
  - name: c1
    system: p507-hcl
    model: mass-action
    stages: {extraction: 8, scrub: 6}
    feed: {flow: 100 L/h, concentration: 1.5 mol/L, acid: 0.01 mol/L,
           composition: {Pr: 0.25, Nd: 0.75}, impurities: {Fe3+: 200 mg/L, Ca2+: 300 mg/L}}
    organic: {flow: 2000 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
    scrub: {flow: 150 L/h, acid: 4.0 mol/L}
  - name: c2
    system: p507-hcl
    model: mass-action
    stages: {extraction: 4, scrub: 6, strip: 6}
    organic: {flow: 500 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
    scrub: {flow: 100 L/h, acid: 4.0 mol/L}
    strip: {flow: 150 L/h, acid: 5.0 mol/L}
streams:
  - {from: c1.loaded_organic, to: c2.organic-feed}
)";
    const PlantSpec spec = parse_plant(InputNode::load_string(yaml, "plant.yaml"));
    const PlantResult r = solve_plant(spec);
    const int fe = impurity("Fe3+");
    ASSERT_GT(r.streams[0].impurity_mol_per_h[fe], 0.0);
    EXPECT_EQ(r.streams[0].phase, Phase::organic);
    const CascadeResult& c2 = r.cascades[1];
    EXPECT_NEAR(c2.feed_mol_per_h[num_elements + fe], r.streams[0].impurity_mol_per_h[fe],
                1e-12 * r.streams[0].impurity_mol_per_h[fe]);
    EXPECT_LT(c2.mass_balance_relative_error, 1e-9);
    for (std::size_t q = 0; q < c2.conserved_balance_relative_error.size(); ++q) {
        EXPECT_LT(c2.conserved_balance_relative_error[q], 1e-9) << c2.conserved_names[q];
    }
    EXPECT_LT(c2.electroneutrality_relative_error, 1e-9);
    EXPECT_LT(r.mass_balance_relative_error, 1e-9);
}

//! A plant whose cascades run in sulfate names and counts its acid as H2SO4.
TEST(PlantImpurities, sulfatePlantReagentsAreSulfuricAcid)
{
    const std::string yaml = R"(schema: 1
name: sulfate leachate
cascades:
  - name: c1
    system: p204-hcl
    model: mass-action
    medium: sulfate
    stages: {extraction: 4, strip: 2}
    feed: {flow: 1000 L/h, concentration: 0.002 mol/L, acid: 0.03 mol/L,
           composition: {La: 0.3, Nd: 0.4, Dy: 0.3}, impurities: {Fe3+: 0.5 g/L, Al3+: 2 g/L}}
    organic: {flow: 100 L/h, extractant-concentration: 0.6 mol/L}
    strip: {flow: 20 L/h, acid: 3 mol/L}
)";
    const PlantSpec spec = parse_plant(InputNode::load_string(yaml, "plant.yaml"));
    const PlantResult r = solve_plant(spec);
    // H+ of the strip: two per H2SO4.
    EXPECT_NEAR(r.strip_acid_h_mol_per_h, 2.0 * 20.0 * 3.0, 1e-9);
    const nlohmann::json j = io::plant_run_summary(spec, r);
    EXPECT_EQ(j["reagents"]["acid"], "H2SO4");
    EXPECT_NEAR(j["reagents"]["h2so4_fed_mol_per_h"].get<double>(), 20.0 * 3.0, 1e-9);
    EXPECT_NEAR(j["reagents"]["h2so4_fed_kg_per_h"].get<double>(), 20.0 * 3.0 * 98.079e-3, 1e-9);
    EXPECT_FALSE(j["reagents"].contains("hcl_fed_mol_per_h"));
    const std::string table = io::format_plant_run(spec, r, false);
    EXPECT_NE(table.find("H2SO4 60 mol/h"), std::string::npos) << table;
    EXPECT_EQ(table.find("HCl"), std::string::npos) << table;
}

// The ions less extractable than every rare earth (Al, Ca, Mg) are removed by a total
// rare-earth extraction ahead of the cuts: they leave in its raffinate, the rare earths in its
// strip liquor, and the products carry next to none of them.
TEST(PlantImpurities, totalExtractionLeavesAluminiumCalciumAndMagnesiumInItsRaffinate)
{
    const PlantSpec spec =
        parse_plant(InputNode::load_file(example("plant-total-extraction.yaml")));
    const PlantResult r = solve_plant(spec);
    const auto& raffinate = product_named(r, "impurity raffinate");
    double re_fed = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        re_fed += r.feed_mol_per_h[e];
    }
    EXPECT_LT(raffinate.value.re_mol_per_h(), 1e-5 * re_fed);
    for (const char* ion : {"Al3+", "Ca2+", "Mg2+"}) {
        const auto k = static_cast<std::size_t>(impurity(ion));
        EXPECT_GT(r.impurity_feed_mol_per_h[k], 0.0) << ion;
        EXPECT_GT(raffinate.value.impurity_mol_per_h[k],
                  (1.0 - 1e-6) * r.impurity_feed_mol_per_h[k])
            << ion;
        EXPECT_LT(r.impurity_balance_relative_error[k], 1e-9) << ion;
        for (const char* name : {"Pr", "Nd"}) {
            EXPECT_LT(product_named(r, name).impurity_ppm_reo[k], 1.0) << ion << " in " << name;
        }
    }
    EXPECT_LT(r.mass_balance_relative_error, 1e-9);
}

}  // namespace
}  // namespace reesx
