// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the reader of YAML nodes (Input.cpp), the conversion of their values (InputValues.cpp)
// and the spelling suggestions (ClosestMatch.cpp) share.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace reesx::input_detail {

//! What a node holds, for "found ..." in messages.
std::string describe(const YAML::Node& node);

//! Lower case, '_' read as '-': the form in which keys and words are compared.
std::string canonical(std::string_view word);

}  // namespace reesx::input_detail
