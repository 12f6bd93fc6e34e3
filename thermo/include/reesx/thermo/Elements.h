// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The 17 rare earths (Sc, Y, La–Lu, Pm included) in one fixed order, by atomic number.
// Element index i in every array of reesx follows this order.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace reesx {

constexpr int num_elements = 17;

struct ElementData {
    std::string_view symbol;       //!< "Nd"
    std::string_view name;         //!< "neodymium"
    int atomic_number;             //!< Z
    double atomic_mass_g_per_mol;  //!< standard atomic weight (IUPAC 2021; Pm: longest-lived
                                   //!< isotope 145)
    std::string_view oxide;        //!< oxide sold: "Nd2O3", "CeO2", "Pr6O11", "Tb4O7", ...
    int oxide_metal_atoms;         //!< 2 for Nd2O3, 6 for Pr6O11
    int oxide_oxygen_atoms;        //!< 3 for Nd2O3, 11 for Pr6O11
    std::string_view note;         //!< e.g. "radioactive, absent from natural feeds"

    //! Mass of oxide per mass of element, e.g. 1.1664 for Nd2O3. kg/kg.
    double oxide_mass_per_element_mass() const;
    //! Mass of oxide carrying one mole of the element. g/mol.
    double oxide_mass_per_mol_element_g() const;
};

//! All 17 elements, ordered by atomic number: Sc, Y, La, Ce, ..., Lu.
const std::array<ElementData, num_elements>& elements();

//! Index of a symbol ("Nd", case-sensitive), or nullopt.
std::optional<int> element_index(std::string_view symbol);
//! Index of the element whose sold oxide has this formula ("Nd2O3"), or nullopt.
std::optional<int> element_index_from_oxide(std::string_view oxide_formula);

//! Source of the atomic masses, for `reesx elements`.
std::string_view elements_source();

}  // namespace reesx
