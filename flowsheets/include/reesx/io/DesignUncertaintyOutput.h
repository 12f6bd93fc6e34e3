// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx design --uncertainty N` prints and adds to the JSON summary (`uncertainty`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/DesignUncertainty.h"

namespace reesx::io {

std::string format_design_uncertainty(const DesignUncertainty& u, const DesignResult& nominal);
nlohmann::json design_uncertainty_json(const DesignUncertainty& u);

}  // namespace reesx::io
