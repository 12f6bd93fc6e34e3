// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions (Species.h), their concentrations through the unit parser, the built-in
// impurity extraction data and the sulfate medium (Impurities.h).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "reesx/core/Error.h"
#include "reesx/core/Units.h"
#include "reesx/thermo/Impurities.h"
#include "reesx/thermo/Species.h"

using namespace reesx;

TEST(Species, rareEarthsFirstThenImpurityIonsWithChargeAndMass)
{
    EXPECT_EQ(species_index("Nd"), element_index("Nd"));
    const int fe3 = *species_index("Fe3+");
    EXPECT_GE(fe3, num_elements);
    EXPECT_EQ(species_index("Fe(III)"), fe3);
    EXPECT_EQ(species_charge(fe3), 3);
    EXPECT_EQ(species_charge(*species_index("Fe2+")), 2);
    EXPECT_EQ(species_charge(*species_index("Th")), 4);
    EXPECT_EQ(species_charge(*species_index("Na+")), 1);
    EXPECT_EQ(species_charge(*species_index("Nd")), 3);
    // Uranyl: the ion's mass is U + 2 O; its spec oxide U3O8 carries 1/3 mol U per mol.
    const int u = *species_index("UO2");
    EXPECT_NEAR(species_g_per_mol(u), 238.03 + 2 * 15.999, 1e-9);
    EXPECT_NEAR(species_oxide_g_per_mol(u), (3 * 238.03 + 8 * 15.999) / 3, 1e-9);
    EXPECT_NEAR(species_oxide_g_per_mol(fe3), (2 * 55.845 + 3 * 15.999) / 2, 1e-9);
    EXPECT_EQ(species_symbol(fe3), "Fe3+");
    for (int s = 0; s < num_species; ++s) {
        EXPECT_EQ(species_index(species_symbol(s)), s) << s;
    }
}

TEST(Species, ambiguousAndUnknownSymbolsSayWhatToWrite)
{
    std::string hint;
    EXPECT_FALSE(species_index("Fe", &hint));
    EXPECT_NE(hint.find("Fe3+ or Fe2+"), std::string::npos) << hint;
    EXPECT_FALSE(species_index("Xq", &hint));
    EXPECT_NE(hint.find("Al3+"), std::string::npos) << hint;
}

TEST(Species, concentrationsByMassOrAmount)
{
    const double fe = 55.845;
    EXPECT_NEAR(parse_species_concentration_mol_per_L("50 mg/L", fe), 0.05 / fe, 1e-15);
    EXPECT_NEAR(parse_species_concentration_mol_per_L("1.2 g/L", fe), 1.2 / fe, 1e-15);
    EXPECT_NEAR(parse_species_concentration_mol_per_L("300 ug/L", fe), 3e-4 / fe, 1e-18);
    EXPECT_NEAR(parse_species_concentration_mol_per_L("2 kg/m3", fe), 2.0 / fe, 1e-15);
    EXPECT_DOUBLE_EQ(parse_species_concentration_mol_per_L("20 mmol/L", fe), 0.02);
    // Ambiguous or wrong units are refused with what to write.
    try {
        parse_species_concentration_mol_per_L("50", fe);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("mg/L"), std::string::npos) << e.what();
    }
    try {
        parse_species_concentration_mol_per_L("50 mg/kg", fe);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("unknown concentration unit 'mg/kg'"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(parse_species_concentration_mol_per_L("50 L/h", fe), std::invalid_argument);
}

TEST(Impurities, builtinDataHaveSourceAndRangeAroundTheValue)
{
    const auto root = InputNode::load_string("system: p204-hcl\n", "case.yaml");
    for (const std::string name : {"p204-hcl", "p507-hcl"}) {
        const ExtractionSystem system = builtin_system(name);
        for (int k = 0; k < num_impurities; ++k) {
            const auto x = impurity_extraction(system, root, num_elements + k);
            EXPECT_FALSE(x.source.empty()) << name << " " << k;
            EXPECT_LE(x.ph_half_low, x.ph_half) << name << " " << k;
            EXPECT_GE(x.ph_half_high, x.ph_half) << name << " " << k;
            EXPECT_GT(x.extractant_mol_per_L, 0.0);
        }
        // The published order of acidic organophosphorus extractants: Fe(III) < Zn < Ca <
        // Mn < Mg, and P507 extracts at higher pH than D2EHPA.
        const auto ph = [&](const char* s) {
            return impurity_extraction(system, root, *species_index(s)).ph_half;
        };
        EXPECT_LT(ph("Fe3+"), ph("Zn2+"));
        EXPECT_LT(ph("Zn2+"), ph("Ca2+"));
        EXPECT_LT(ph("Ca2+"), ph("Mn2+"));
        EXPECT_LT(ph("Mn2+"), ph("Mg2+"));
    }
    const auto fe = *species_index("Fe3+");
    EXPECT_LT(impurity_extraction(builtin_system("p204-hcl"), root, fe).ph_half,
              impurity_extraction(builtin_system("p507-hcl"), root, fe).ph_half);
}

TEST(Impurities, kexGivesUnitDistributionAtThePhHalf)
{
    const auto root = InputNode::load_string("system: p204-hcl\n", "case.yaml");
    const auto x = impurity_extraction(builtin_system("p204-hcl"), root, *species_index("Ca2+"));
    // D = Kex [(HA)2]^z / [H+]^z with [(HA)2] = C/2 and pH = pH½.
    const double log10_d =
        x.log10_kex() + x.charge * std::log10(x.extractant_mol_per_L / 2.0) + x.charge * x.ph_half;
    EXPECT_NEAR(log10_d, 0.0, 1e-12);
}

TEST(Impurities, caseOverridesAndMissingDataAreLocated)
{
    const auto root = InputNode::load_string(
        "system: cyanex272-hcl\nimpurity-ph-half: {Fe3+: {ph-half: 1.7, extractant: 0.5 mol/L}}\n",
        "case.yaml");
    const ExtractionSystem cyanex = builtin_system("cyanex272-hcl");
    const auto fe = impurity_extraction(cyanex, root, *species_index("Fe3+"));
    EXPECT_DOUBLE_EQ(fe.ph_half, 1.7);
    EXPECT_DOUBLE_EQ(fe.extractant_mol_per_L, 0.5);
    try {
        impurity_extraction(cyanex, root, *species_index("Al3+"));
        FAIL();
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("case.yaml:1:"), std::string::npos) << m;
        EXPECT_NE(m.find("no extraction data for Al3+"), std::string::npos) << m;
        EXPECT_NE(m.find("impurity-ph-half"), std::string::npos) << m;
    }
    const auto bad = InputNode::load_string("impurity-ph-half:\n  Fe: 1.2\n", "case.yaml");
    try {
        check_impurity_overrides(bad);
        FAIL();
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("case.yaml:2:"), std::string::npos) << m;
        EXPECT_NE(m.find("Fe3+ or Fe2+"), std::string::npos) << m;
    }
}

TEST(Medium, bisulfateAgainstAHandComputedEquilibrium)
{
    // pKa2 = 1.99, infinite dilution: Ka = 10^-1.99 = 0.0102329 mol/L. With 0.5 mol/L total
    // sulfate and free [H+] = 0.02 mol/L: [HSO4-] = 0.5 x 0.02 / (0.02 + 0.0102329) = 0.330766.
    const Medium m = parse_medium(InputNode::load_string("medium: sulfate\n", "c.yaml"));
    ASSERT_TRUE(m.sulfate);
    EXPECT_NEAR(m.ka_bisulfate_mol_per_L, 0.0102329, 1e-7);
    EXPECT_NEAR(bisulfate_mol_per_L(0.02, 0.5, m.ka_bisulfate_mol_per_L), 0.330766, 1e-6);
    // Mass action of the result: [H+][SO4^2-] / [HSO4-] = Ka.
    const double hso4 = bisulfate_mol_per_L(0.02, 0.5, m.ka_bisulfate_mol_per_L);
    EXPECT_NEAR(0.02 * (0.5 - hso4) / hso4, m.ka_bisulfate_mol_per_L, 1e-15);
    // Davies at I = 1 mol/L: log10 Ka rises by 0.509 x 4 x (0.5 - 0.3) = 0.4072.
    const Medium i1 = parse_medium(
        InputNode::load_string("medium: {name: sulfate, ionic-strength: 1 mol/L}\n", "c.yaml"));
    EXPECT_NEAR(std::log10(i1.ka_bisulfate_mol_per_L), -1.99 + 0.4072, 1e-12);
    EXPECT_FALSE(parse_medium(InputNode::load_string("name: x\n", "c.yaml")).sulfate);
    EXPECT_THROW(parse_medium(InputNode::load_string("medium: nitrate\n", "c.yaml")), InputError);
}
