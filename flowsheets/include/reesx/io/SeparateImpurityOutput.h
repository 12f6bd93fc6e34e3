// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx separate` reports on a feed's impurity ions: the removal step ahead of the
// cuts, where each ion leaves and its content (ppm of REO) in every product; a table for
// stdout and the `impurity_removal` JSON block (interface.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Separate.h"

namespace reesx::io {

//! The table and the warnings ("warning: ..." lines); empty without impurities.
std::string format_impurity_removal(const SeparateResult& result);

//! built, system, stages, limit_ppm_reo, re_loss_fraction, simulations, ions {ION: ...},
//! products {NAME: {ION: ppm}}, case, notes, warnings; null without impurities.
nlohmann::json impurity_removal_json(const SeparateResult& result);

}  // namespace reesx::io
