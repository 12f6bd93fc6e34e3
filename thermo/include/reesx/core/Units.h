// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Quantities with units at the input boundary. reesx keeps the units process engineers use
// as its internal units and converts once, here:
//   flow           L/h        (accepts L/h, L/min, L/s, mL/min, m3/h, m3/s, m3/d)
//   concentration  mol/L      (accepts mol/L, M, mmol/L, mM, mol/m3, kmol/m3)
//   time           h          (accepts s, min, h, d)
//   fraction       1          (accepts a bare number or "%")
// A bare number takes the default unit of its kind (L/h, mol/L, min for residence times, h
// for durations: the caller says which).
#pragma once

#include <string>
#include <string_view>

namespace reesx {

enum class Quantity { flow, concentration, time, fraction, dimensionless };

//! The internal unit of a quantity kind, e.g. "L/h".
std::string_view internal_unit(Quantity kind);

//! "a flow", "a concentration", ..., "a plain number": the kind with its article, for messages.
std::string kind_phrase(Quantity kind);

//! Parses "<number> [unit]" and converts it to the internal unit of `kind`. A bare number
//! is taken in `default_unit` (which must be a unit of that kind). Throws std::invalid_argument
//! with a message saying what was expected (the caller adds file/line/column).
double parse_quantity(std::string_view text, Quantity kind, std::string_view default_unit);

//! A feed rate as plants state it: a mass of rare-earth oxides ("2000 t/y", "1000 kg/h REO";
//! kg/h, t/h, t/d, and t/y per calendar year of 8760 h), an amount of rare earths ("20 mol/h",
//! kmol/h), or a flow of feed solution (any flow unit; a bare number is L/h).
struct FeedRate {
    enum class Basis { reo_kg_per_h, re_mol_per_h, solution_L_per_h };
    Basis basis = Basis::solution_L_per_h;
    double value = 0.0;  //!< in the basis' unit
};

//! A dissolved species' concentration as leach-liquor analyses state it: by mass ("50 mg/L",
//! "1.2 g/L", "300 ug/L", "2 kg/m3", "5 g/m3") converted with the species' molar mass, or by
//! amount (any concentration unit, "0.02 mol/L"). A unit is required: a bare number is
//! ambiguous between mg/L and mol/L. std::invalid_argument saying what to write otherwise.
double parse_species_concentration_mol_per_L(std::string_view text, double g_per_mol);

//! Parses a feed rate; std::invalid_argument listing every accepted unit for an unknown one.
FeedRate parse_feed_rate(std::string_view text);

}  // namespace reesx
