// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Conversions between Python objects, YAML nodes and JSON for the Python module.
#pragma once

#include <pybind11/pybind11.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace reesx::python {

//! A JSON value as Python objects. NaN and infinities become None, as in the JSON files the
//! command line writes, so that a summary equals the parsed `--json` file.
pybind11::object to_python(const nlohmann::json& value);

//! A Python value (dict, list, tuple, str, bool, int, float, None; numpy arrays) as a YAML
//! node. Floats keep every digit (Python's shortest round-trip text). TypeError otherwise.
YAML::Node to_yaml(pybind11::handle value);

//! A YAML node as Python: maps to dicts, sequences to lists, plain scalars to int, float,
//! bool or None where they read as one (YAML 1.2 core schema), everything else to str.
pybind11::object to_python(const YAML::Node& node);

}  // namespace reesx::python
