// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx fit` prints and writes (docs/interface.md, "reesx fit"): the table of
// estimates, correlations, residuals per source and outliers; the JSON summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/validation/Fit.h"

namespace reesx::validation {

std::string format_fit(const FitResult& result, const BatchData& data);
nlohmann::json fit_summary(const FitResult& result, const BatchData& data);

}  // namespace reesx::validation
