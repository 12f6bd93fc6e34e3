// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the system parser (ExtractionSystem.cpp) and the reader of separation factors given
// as `beta:` (SeparationFactorInput.cpp) share.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "reesx/thermo/ExtractionSystem.h"

namespace reesx::system_input {

// log10 K values outside this band mean a typo (a K or a beta where log10 was meant), not
// chemistry: even Sc over La in P507 is about 10^8 (chemistry.md §1.1).
constexpr double max_abs_log10_k = 30.0;

inline std::string symbol(int element)
{
    return std::string(elements()[element].symbol);
}

//! The node's text; a located error when it is blank (`what` names what was expected).
std::string trimmed_string(const InputNode& node, std::string_view what);

//! The index of element `symbol` written at `node`; a located error naming the elements (and
//! the nearest) when it is none.
int parse_element_symbol(const InputNode& node, const std::string& symbol);

//! `beta: {Nd/Pr: 1.45, Sm/Nd: 8}`: each entry sets the first element's log10 K to the
//! second's plus log10 beta (its range likewise, around the reference's value, as the data
//! files do). Entries may chain in any order; an element set twice (here or in
//! log10-extractability) or a cycle is an error at the entry. A system given by separation
//! factors alone takes the one element they all lead to as its reference (log10 K = 0).
void apply_separation_factors(const InputNode& table, ExtractionSystem& system,
                              const std::map<int, int>& line_set_by_log10_k);

}  // namespace reesx::system_input
