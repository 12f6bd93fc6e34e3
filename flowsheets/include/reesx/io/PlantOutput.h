// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx separate` writes: a readable report (stdout) and the JSON summary
// (interface.md, `separate` keys); and what `reesx run` writes for a plant file.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/Separate.h"
#include "reesx/io/Hdf5.h"

namespace reesx::io {

//! reesx_version, command, input, cascades, products, total_stages, reagents, sequences,
//! mass_balance_relative_error, notes.
nlohmann::json separate_summary(const SeparateSpec& spec, const SeparateResult& result);

std::string format_separate(const SeparateSpec& spec, const SeparateResult& result);

//! The `run` JSON summary of a plant: the core `run` keys for the plant (products, recovery,
//! mass_balance_relative_error, solver) plus plant, streams, balance, reagents and `cascades`
//! (each cascade's own `run` summary, by name).
nlohmann::json plant_run_summary(const PlantSpec& spec, const PlantResult& result);

//! Each cascade's outlets and where they go, the plant's products, reagents and element
//! balance; with `stage_profile` every cascade's own report and stage profile after.
std::string format_plant_run(const PlantSpec& spec, const PlantResult& result, bool stage_profile);

//! `reesx run PLANT.yaml --dot`: the plant as a Graphviz DOT graph: each cascade (name,
//! stages), its own feeds, the streams between cascades and the products, each arrow labelled
//! with its flow (L/h) and main elements (dot_stream_label).
std::string plant_run_dot(const PlantSpec& spec, const PlantResult& result);

//! The HDF5 result file of a plant, atomically: the result header (`command`, the resolved
//! input, `input_yaml`), /elements, /cascade_order, every cascade under /cascades/NAME in the
//! layout of a single cascade's file (write_cascade_hdf5), /products/NAME (flow, mol_per_h,
//! composition, purity; attributes phase, cascade, outlet), /recovery with
//! /recovery_products, /feed_mol_per_h, /balance_relative_error and /solver; then whatever
//! `extra` writes (the costs of `reesx cost PLANT.yaml -o`).
void write_plant_hdf5(const std::string& path, const std::string& command, const PlantSpec& spec,
                      const PlantResult& result, const nlohmann::json& resolved_input,
                      const std::string& input_yaml,
                      const std::function<void(Hdf5Writer&)>& extra = {});

}  // namespace reesx::io
