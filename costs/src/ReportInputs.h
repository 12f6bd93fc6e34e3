// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the cost reports say about their inputs, shared by the table (CostTable.cpp), the JSON
// (CostJson.cpp) and the country listing (CountriesReport.cpp): each parameter with its range
// and source, and the design estimates without a primary source.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reesx/costs/CostData.h"

namespace reesx::costs::report_inputs {

nlohmann::json param_json(const Param& p);

//! Every plant-wide parameter with value, range, unit, year, source and confidence.
nlohmann::json global_inputs_json(const CostData& data);

//! Region parameters a costing of this region relies on that carry no primary source.
std::vector<std::string> unverified_region(const Region& r);

std::vector<std::string> unverified_global(const CostData& d);

std::string join(const std::vector<std::string>& items, const char* sep = ", ");

}  // namespace reesx::costs::report_inputs
