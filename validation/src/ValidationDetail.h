// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What reading, running and reporting the validation cases share.
#pragma once

#include <cstdio>
#include <string>

namespace reesx::validation::detail {

//! The file of a case folder that lists its comparisons.
constexpr const char* kCaseIndex = "validation.yaml";

inline std::string printf_string(const char* format, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

}  // namespace reesx::validation::detail
