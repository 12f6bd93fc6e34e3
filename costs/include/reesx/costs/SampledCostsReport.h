// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx optimize --uncertainty N` prints and adds to its JSON summary (`uncertainty`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/costs/SampledCosts.h"

namespace reesx::costs {

std::string format_optimize_uncertainty(const OptimizeUncertainty& u);
nlohmann::json optimize_uncertainty_json(const OptimizeUncertainty& u);

}  // namespace reesx::costs
