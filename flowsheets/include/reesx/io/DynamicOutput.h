// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx dynamic` writes: a readable summary (stdout), the JSON summary (interface.md:
// the `run` keys for the final state, plus the time series) and the HDF5 time series.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Dynamic.h"

namespace reesx::io {

nlohmann::json dynamic_summary(const CaseSpec& spec, const DynamicSpec& dynamic,
                               const DynamicResult& result);
std::string format_dynamic(const CaseSpec& spec, const DynamicSpec& dynamic,
                           const DynamicResult& result);
//! /time_h, /products/<name>/{purity, re_mol_per_h}, /inventory_mol (times × 17), the final
//! /stages/{aqueous,organic}_mol_per_L; written atomically.
void write_dynamic_hdf5(const std::string& path, const CaseSpec& spec, const DynamicResult& result);

}  // namespace reesx::io
