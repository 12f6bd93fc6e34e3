// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What a process engineer does with an impurity ion that the D2EHPA pre-extraction of
// `reesx separate` cannot bring within the limit: the step that removes it instead.
#pragma once

#include <string>

namespace reesx {

//! The removal advice for `species` (an impurity ion, Species.h): how the ion is removed
//! instead, with the chemistry that decides it. `first_product`: the cuts send it to the
//! first product (it is less extractable than every rare earth with the separation system).
std::string impurity_removal_advice(int species, bool first_product);

}  // namespace reesx
