// reesx — rare-earth solvent-extraction simulator. See LICENSE.
// Impurity and medium parts of a case file (CaseImpurities.cpp), used by Case.cpp.
#pragma once

#include <vector>

#include "reesx/flowsheets/Case.h"

namespace reesx {

//! A feed's `impurities:` mapping into feed.impurity_mol_per_L; InputError, located, for an
//! unknown species, a rare earth, a missing or wrong unit, or an organic feed.
void parse_feed_impurities(const InputNode& feed_node, FeedSpec& feed);
//! `medium:` and `impurity-ph-half:` into spec, and the model checks (after the feeds and the
//! organic are parsed, before the model is made).
void check_impurity_case(const InputNode& root, CaseSpec& spec);
//! The rare earths among components (order kept).
std::vector<int> rare_earth_components(const std::vector<int>& components);

}  // namespace reesx
