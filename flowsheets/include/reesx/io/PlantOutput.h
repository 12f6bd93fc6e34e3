// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx separate` writes: a readable report (stdout) and the JSON summary
// (interface.md, `separate` keys).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Separate.h"

namespace reesx::io {

//! reesx_version, command, input, cascades, products, total_stages, reagents, sequences,
//! mass_balance_relative_error, notes.
nlohmann::json separate_summary(const SeparateSpec& spec, const SeparateResult& result);

std::string format_separate(const SeparateSpec& spec, const SeparateResult& result);

}  // namespace reesx::io
