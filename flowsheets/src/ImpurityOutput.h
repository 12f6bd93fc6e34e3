// reesx — rare-earth solvent-extraction simulator. See LICENSE.
// Impurity content of a cascade's products for the `reesx run` table (ImpurityOutput.cpp).
#pragma once

#include <string>

#include "reesx/flowsheets/Cascade.h"

namespace reesx::io {

std::string impurity_table(const CaseSpec& spec, const CascadeResult& r);

}  // namespace reesx::io
