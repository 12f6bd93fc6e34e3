// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx fit` (docs/interface.md): the subcommand's options and its run.
#pragma once

#include <CLI/CLI.hpp>

namespace reesx::cli {

//! Adds `fit` to `app`; returns the subcommand (true after parsing when it was given).
CLI::App* add_fit_command(CLI::App& app);
//! Runs `fit` with the parsed options; the exit code.
int run_fit_command();

}  // namespace reesx::cli
