// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The command line's whole-plant costing: `reesx cost PLANT.yaml` and
// `reesx separate --countries` (docs/costs.md, "Whole plants").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reesx/costs/PlantCost.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx::cli {

//! `reesx cost PLANT.yaml`: solves the plant, costs it, prints the table (unless `quiet`) and
//! writes the JSON summary and CSV tables asked for. Returns the exit code.
int cost_plant(const InputNode& root, const std::string& json_path, const std::string& csv_dir,
               const std::string& h5_path, const costs::CostRequest& request, bool quiet);

//! `reesx separate --countries`: the designed plant, as the plant file `--plant-file` writes,
//! solved and costed. The table goes to stdout unless `quiet`; the returned JSON goes under the
//! separate summary's `cost`.
nlohmann::json cost_separated_plant(const SeparateSpec& spec, const SeparateResult& result,
                                    const costs::CostRequest& request, bool quiet);

}  // namespace reesx::cli

namespace reesx::cli {

//! `reesx run PLANT.yaml -o`: the plant's HDF5 result file (every cascade).
void write_plant_result(const std::string& h5_path, const InputNode& root, const PlantSpec& spec,
                        const PlantResult& result);

//! `reesx design -o`: the designed cascade's simulation in the layout of `run`, with the
//! design's resolved input.
void write_design_result(const std::string& h5_path, const InputNode& root, const DesignSpec& spec,
                         const DesignResult& result);

//! `reesx separate -o`: the designed plant, as the plant file `--plant-file` writes, solved
//! and written in the layout of a plant file's result.
void write_separate_result(const std::string& h5_path, const InputNode& root,
                           const SeparateSpec& spec, const SeparateResult& result);

}  // namespace reesx::cli
