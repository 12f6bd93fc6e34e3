// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The components a cascade can carry: the 17 rare earths (indices 0..16, the order of
// elements()) followed by non-rare-earth impurity ions (indices 17..), each with its charge
// and molar mass. Arrays of per-component values sized num_species put the rare earths first,
// so a loop over num_elements stays a loop over the rare earths alone.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "reesx/thermo/Elements.h"

namespace reesx {

constexpr int num_impurities = 10;
constexpr int num_species = num_elements + num_impurities;

struct ImpurityData {
    std::string_view symbol;  //!< the ion as written in case files: "Fe3+", "UO2^2+"
    std::string_view name;    //!< "iron(III)"
    int charge;               //!< z of the aqueous cation
    double metal_g_per_mol;   //!< standard atomic weight of the metal
    double ion_g_per_mol;     //!< molar mass of the ion (UO2^2+: U + 2 O)
    std::string_view oxide;   //!< oxide impurity specifications quote: "Fe2O3"
    int oxide_metal_atoms;    //!< 2 for Fe2O3
    int oxide_oxygen_atoms;   //!< 3 for Fe2O3
    //! Mass of the oxide carrying one mole of the ion. g/mol.
    double oxide_g_per_mol_ion() const;
};

//! The impurity ions, in a fixed order (index k is species num_elements + k).
const std::array<ImpurityData, num_impurities>& impurities();

constexpr bool is_rare_earth(int species)
{
    return species >= 0 && species < num_elements;
}

//! Species index of a rare-earth symbol ("Nd") or an impurity ion ("Fe3+", "Al", "Fe(III)",
//! "UO2"); nullopt when unknown. `hint` (optional) receives a suggestion for near misses
//! such as "Fe" (which charge?).
std::optional<int> species_index(std::string_view symbol, std::string* hint = nullptr);
std::string species_symbol(int species);
int species_charge(int species);        //!< 3 for every rare earth
double species_g_per_mol(int species);  //!< atomic weight (RE) or ion molar mass
//! Oxide mass per mol of the species (the RE's sold oxide; the impurity's spec oxide). g/mol.
double species_oxide_g_per_mol(int species);
//! "Al3+, Fe3+, ..." for messages.
std::string impurity_symbols();

}  // namespace reesx
