// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The options of `reesx design`, which `reesx optimize` takes too: on the command line they
// are written into a design document so that one parser (parse_design) checks them, with the
// same messages as a design file.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "reesx/core/Input.h"

namespace reesx::cli {

using reesx::InputNode;

struct DesignArgs {
    std::string file, system, feed, split, feed_rate, feed_phase, recovery_of, scrub_acid;
    std::string efficiency;  //!< "0.9" or "extraction:0.9,scrub:0.85"
    double purity = 0.0, purity_a = 0.0, purity_b = 0.0, recovery = 0.0, reflux_multiple = 0.0;
    double middle_purity = 0.0, middle_recovery = 0.0;
    int max_stages = 0, strip_stages = 0, tradeoff_points = -1;
};

//! `text` in double quotes, YAML-escaped.
std::string quoted(const std::string& text);
//! A number as the user typed it (15 significant digits, no trailing zeros).
std::string shortest(double value);
//! The design document the options spell ("" when none is given).
std::string design_document(const DesignArgs& o);
//! The design file, or the options as a design document (InputError when both are given).
InputNode design_input(const DesignArgs& o);

//! Registers the design file and the options that define the cut and its targets (system,
//! feed, split, purities, recovery, feed rate and phase, scrub acid, efficiency, strip stages,
//! reflux rule) on `command`.
void add_design_args(CLI::App* command, DesignArgs& d);

}  // namespace reesx::cli
