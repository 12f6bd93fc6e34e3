// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Number formatting shared by the cost reports' tables and JSON (CostTable.cpp, CostJson.cpp,
// CountriesReport.cpp, OptimizeReport.cpp, PlantOptimizeReport.cpp, FrontsReport.cpp).
#pragma once

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace reesx::costs::report_format {

//! value printed with a printf format, or "-" when it is not finite.
inline std::string fmt(const char* format, double value)
{
    if (!std::isfinite(value)) {
        return "-";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

//! JSON has no NaN or infinity: those are written as null.
inline nlohmann::json number_or_null(double x)
{
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

}  // namespace reesx::costs::report_format
