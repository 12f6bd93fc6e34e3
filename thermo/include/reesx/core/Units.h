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

//! Parses "<number> [unit]" and converts it to the internal unit of `kind`. A bare number
//! is taken in `default_unit` (which must be a unit of that kind). Throws std::invalid_argument
//! with a message saying what was expected (the caller adds file/line/column).
double parse_quantity(std::string_view text, Quantity kind, std::string_view default_unit);

}  // namespace reesx
