// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx run` writes: readable tables (stdout), the JSON summary (core keys of
// interface.md) and the HDF5 result file (layout in docs/file-formats.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Cascade.h"
#include "reesx/io/Hdf5.h"

namespace reesx::io {

//! The case with every default filled in and units stated (the JSON `input` key).
nlohmann::json resolved_input(const CaseSpec& spec);

//! The `run` JSON summary: reesx_version, command, input, converged, products, recovery,
//! stages, mass_balance_relative_error, solver, plus reflux, reagents, warnings.
//! The `reagents` of a run summary: base and acid flows (mol/h, kg/h) and `per_kg_product`
//! (kg per kg REO of each product); `design` reports the same keys for its simulation.
nlohmann::json reagents_summary(const CascadeResult& result);

nlohmann::json run_summary(const CaseSpec& spec, const CascadeResult& result);

//! Products, recoveries and reagents as text tables; with `stage_profile` also one line per
//! stage. Concentrations below 1e-99 mol/L print as their log10.
std::string format_run(const CaseSpec& spec, const CascadeResult& result, bool stage_profile);

//! Writes the HDF5 result file atomically (temporary file, then rename).
//! The root attributes of every result file: filetype, format_version, reesx_version,
//! created (UTC, ISO 8601), command, input_file, resolved_input_json, input_yaml.
void write_result_header(Hdf5Writer& h5, const std::string& command, const CaseSpec& spec);
//! The same for an input that is not one case (a plant file, a design or separate file).
void write_result_header(Hdf5Writer& h5, const std::string& command, const std::string& input_file,
                         const nlohmann::json& resolved_input, const std::string& input_yaml);

//! One cascade's result under the group `prefix` ("" for the root, "/cascades/c1" in a plant
//! file): /elements, /components, /stages (number, section, flows, concentrations), /products,
//! /recovery, /feed_mol_per_h, /balance_relative_error, /solver (docs/interface.md, "HDF5").
void write_cascade_hdf5(Hdf5Writer& h5, const std::string& prefix, const CaseSpec& spec,
                        const CascadeResult& result);

void write_run_hdf5(const std::string& path, const CaseSpec& spec, const CascadeResult& result);

//! Writes text atomically; used for the JSON file.
void write_json(const std::string& path, const nlohmann::json& json);

std::string version();

}  // namespace reesx::io
