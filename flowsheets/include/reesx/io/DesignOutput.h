// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx design` writes: a readable report (stdout) and the JSON summary (interface.md,
// `design` keys).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Design.h"

namespace reesx::io {

//! reesx_version, command, input, stages, flows, extraction_ratio, reflux, shortcut, purity,
//! recovery, case; plus groups, theory_vs_rigorous, reagents, tradeoff, simulations.
nlohmann::json design_summary(const DesignSpec& spec, const DesignResult& result);

//! Theory beside the rigorous answer, flows, purities, reagents and the trade-off curve.
std::string format_design(const DesignSpec& spec, const DesignResult& result);

}  // namespace reesx::io
