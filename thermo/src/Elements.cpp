// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The 17 rare earths, their standard atomic weights and the oxides they are sold as.
//
// Atomic weights: IUPAC 2021 abridged standard atomic weights (five significant figures),
// Prohaska et al., Pure Appl. Chem. 94 (2022) 573–600. Pm has no stable isotope and hence no
// standard atomic weight; we use 145, the mass number of its longest-lived isotope (145Pm),
// the value IUPAC tables print in brackets.
//
// Oxides: the form in which each element is traded and assayed ("REO" basis). Most are
// sesquioxides RE2O3; Ce, Pr and Tb are sold as their air-stable higher oxides CeO2, Pr6O11
// and Tb4O7, which is why purity and price tables quote those formulas.
#include <algorithm>

#include "reesx/thermo/Elements.h"

namespace reesx {
namespace {

// IUPAC 2021 abridged standard atomic weight of oxygen (same source as the table below).
constexpr double oxygen_g_per_mol = 15.999;

constexpr std::array<ElementData, num_elements> element_table{{
    {"Sc", "scandium", 21, 44.956, "Sc2O3", 2, 3,
     "extracted far more strongly than the lanthanides by acidic organophosphorus extractants; "
     "removed upstream of lanthanide cascades"},
    {"Y", "yttrium", 39, 88.906, "Y2O3", 2, 3,
     "behaves as a heavy rare earth (between Ho and Er) in organophosphorus extractants"},
    {"La", "lanthanum", 57, 138.91, "La2O3", 2, 3, ""},
    {"Ce", "cerium", 58, 140.12, "CeO2", 1, 2, "sold as the Ce(IV) oxide CeO2"},
    {"Pr", "praseodymium", 59, 140.91, "Pr6O11", 6, 11,
     "sold as Pr6O11, the air-stable mixed Pr(III)/Pr(IV) oxide"},
    {"Nd", "neodymium", 60, 144.24, "Nd2O3", 2, 3, ""},
    {"Pm", "promethium", 61, 145.0, "Pm2O3", 2, 3,
     "radioactive, absent from natural feeds; mass 145 = mass number of the longest-lived "
     "isotope 145Pm (no standard atomic weight)"},
    {"Sm", "samarium", 62, 150.36, "Sm2O3", 2, 3, ""},
    {"Eu", "europium", 63, 151.96, "Eu2O3", 2, 3, ""},
    {"Gd", "gadolinium", 64, 157.25, "Gd2O3", 2, 3, ""},
    {"Tb", "terbium", 65, 158.93, "Tb4O7", 4, 7,
     "sold as Tb4O7, the air-stable mixed Tb(III)/Tb(IV) oxide"},
    {"Dy", "dysprosium", 66, 162.50, "Dy2O3", 2, 3, ""},
    {"Ho", "holmium", 67, 164.93, "Ho2O3", 2, 3, ""},
    {"Er", "erbium", 68, 167.26, "Er2O3", 2, 3, ""},
    {"Tm", "thulium", 69, 168.93, "Tm2O3", 2, 3, ""},
    {"Yb", "ytterbium", 70, 173.05, "Yb2O3", 2, 3, ""},
    {"Lu", "lutetium", 71, 174.97, "Lu2O3", 2, 3, ""},
}};

// The whole library indexes arrays by this order, so a table edit that breaks it must fail
// the build rather than silently permute compositions.
constexpr bool ordered_by_atomic_number()
{
    for (std::size_t i = 1; i < element_table.size(); ++i) {
        if (element_table[i].atomic_number <= element_table[i - 1].atomic_number) {
            return false;
        }
    }
    return true;
}
static_assert(ordered_by_atomic_number(), "element_table must be sorted by atomic number");

}  // namespace

double ElementData::oxide_mass_per_element_mass() const
{
    const double metal = oxide_metal_atoms * atomic_mass_g_per_mol;
    return (metal + oxide_oxygen_atoms * oxygen_g_per_mol) / metal;
}

double ElementData::oxide_mass_per_mol_element_g() const
{
    return (oxide_metal_atoms * atomic_mass_g_per_mol + oxide_oxygen_atoms * oxygen_g_per_mol) /
           oxide_metal_atoms;
}

const std::array<ElementData, num_elements>& elements()
{
    return element_table;
}

std::optional<int> element_index(std::string_view symbol)
{
    const auto it = std::find_if(element_table.begin(), element_table.end(),
                                 [&](const ElementData& e) { return e.symbol == symbol; });
    if (it == element_table.end()) {
        return std::nullopt;
    }
    return static_cast<int>(it - element_table.begin());
}

std::optional<int> element_index_from_oxide(std::string_view oxide_formula)
{
    const auto it = std::find_if(element_table.begin(), element_table.end(),
                                 [&](const ElementData& e) { return e.oxide == oxide_formula; });
    if (it == element_table.end()) {
        return std::nullopt;
    }
    return static_cast<int>(it - element_table.begin());
}

std::string_view elements_source()
{
    return "Standard atomic weights: IUPAC 2021 abridged values (five significant figures), "
           "T. Prohaska et al., \"Standard atomic weights of the elements 2021 (IUPAC Technical "
           "Report)\", Pure Appl. Chem. 94(5) (2022) 573-600, doi:10.1515/pac-2019-0603. "
           "Pm: 145, mass number of the longest-lived isotope (no standard atomic weight). "
           "O = 15.999 for the oxide factors.";
}

}  // namespace reesx
