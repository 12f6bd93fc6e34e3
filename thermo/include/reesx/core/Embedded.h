// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#pragma once

#include <span>
#include <string_view>

namespace reesx {

//! A data file compiled into the library (cmake/ReesxEmbed.cmake).
struct EmbeddedFile {
    std::string_view name;  //!< file name without directory, e.g. "p507-hcl.yaml"
    std::string_view text;  //!< whole file contents
};

}  // namespace reesx
