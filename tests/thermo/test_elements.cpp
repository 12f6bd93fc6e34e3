// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include <gtest/gtest.h>

#include "reesx/thermo/Elements.h"

namespace reesx {
namespace {

TEST(Elements, seventeenOrderedByAtomicNumber)
{
    const auto& table = elements();
    ASSERT_EQ(table.size(), 17u);
    EXPECT_EQ(table.front().symbol, "Sc");
    EXPECT_EQ(table[1].symbol, "Y");
    EXPECT_EQ(table[2].symbol, "La");
    EXPECT_EQ(table.back().symbol, "Lu");
    for (std::size_t i = 1; i < table.size(); ++i) {
        EXPECT_LT(table[i - 1].atomic_number, table[i].atomic_number) << table[i].symbol;
    }
    // La..Lu are consecutive, Pm included.
    for (std::size_t i = 2; i < table.size(); ++i) {
        EXPECT_EQ(table[i].atomic_number, 57 + static_cast<int>(i) - 2) << table[i].symbol;
    }
}

TEST(Elements, everyEntryComplete)
{
    for (const auto& e : elements()) {
        EXPECT_FALSE(e.name.empty()) << e.symbol;
        EXPECT_GT(e.atomic_mass_g_per_mol, 40.0) << e.symbol;
        EXPECT_FALSE(e.oxide.empty()) << e.symbol;
        EXPECT_GE(e.oxide_metal_atoms, 1) << e.symbol;
        EXPECT_GE(e.oxide_oxygen_atoms, 1) << e.symbol;
    }
    const auto& pm = elements()[*element_index("Pm")];
    EXPECT_DOUBLE_EQ(pm.atomic_mass_g_per_mol, 145.0);
    EXPECT_NE(pm.note.find("radioactive"), std::string_view::npos);
}

// Reference factors computed by hand from IUPAC 2021 abridged weights and O = 15.999;
// 1e-4 is the precision at which oxide factors are quoted in assay tables.
TEST(Elements, oxideFactors)
{
    const auto factor = [](std::string_view symbol) {
        return elements()[*element_index(symbol)].oxide_mass_per_element_mass();
    };
    EXPECT_NEAR(factor("Nd"), 1.1664, 1e-4);
    // Pr6O11: (6*140.91 + 11*15.999) / (6*140.91) = 1021.449 / 845.46
    EXPECT_NEAR(factor("Pr"), 1021.449 / 845.46, 1e-12);
    EXPECT_NEAR(factor("Pr"), 1.2082, 1e-4);
    EXPECT_NEAR(factor("Ce"), 1.2284, 1e-4);
    // Tb4O7: (4*158.93 + 7*15.999) / (4*158.93)
    EXPECT_NEAR(factor("Tb"), (4 * 158.93 + 7 * 15.999) / (4 * 158.93), 1e-12);
}

TEST(Elements, oxideMassPerMolElement)
{
    const auto& nd = elements()[*element_index("Nd")];
    // Half a mole of Nd2O3: (2*144.24 + 3*15.999) / 2 g.
    EXPECT_NEAR(nd.oxide_mass_per_mol_element_g(), (2 * 144.24 + 3 * 15.999) / 2, 1e-12);
    const auto& ce = elements()[*element_index("Ce")];
    EXPECT_NEAR(ce.oxide_mass_per_mol_element_g(), 140.12 + 2 * 15.999, 1e-12);
    // Consistency of the two helpers: mass per mol element = atomic mass * mass factor.
    for (const auto& e : elements()) {
        EXPECT_NEAR(e.oxide_mass_per_mol_element_g(),
                    e.atomic_mass_g_per_mol * e.oxide_mass_per_element_mass(), 1e-9)
            << e.symbol;
    }
}

TEST(Elements, lookups)
{
    EXPECT_EQ(element_index("Sc"), 0);
    EXPECT_EQ(element_index("Y"), 1);
    EXPECT_EQ(element_index("La"), 2);
    EXPECT_EQ(element_index("Nd"), 5);
    EXPECT_EQ(element_index("Lu"), 16);
    EXPECT_EQ(element_index_from_oxide("Nd2O3"), element_index("Nd"));
    EXPECT_EQ(element_index_from_oxide("Pr6O11"), element_index("Pr"));
    EXPECT_EQ(element_index_from_oxide("CeO2"), element_index("Ce"));
    EXPECT_EQ(element_index_from_oxide("Tb4O7"), element_index("Tb"));
}

TEST(Elements, unknownSymbolIsNullopt)
{
    EXPECT_FALSE(element_index("Xx").has_value());
    EXPECT_FALSE(element_index("nd").has_value());  // case-sensitive by contract
    EXPECT_FALSE(element_index("").has_value());
    EXPECT_FALSE(element_index_from_oxide("Ce2O3").has_value());
}

TEST(Elements, sourceCitesIupac2021)
{
    const auto source = elements_source();
    EXPECT_NE(source.find("IUPAC 2021"), std::string_view::npos);
    EXPECT_NE(source.find("Pure Appl. Chem."), std::string_view::npos);
}

}  // namespace
}  // namespace reesx
