// Commands of the program that the Python package carries out (`reesx report`, `reesx sweep`):
// the program runs `python3 -m reesx COMMAND ARGS...` with the package on PYTHONPATH.
#pragma once

#include <CLI/CLI.hpp>

namespace reesx::tools {

//! The subcommands, their arguments passed on untouched (`reesx report --help` is Python's).
struct PythonCommands {
    CLI::App* report = nullptr;
    CLI::App* sweep = nullptr;
};

PythonCommands add_python_commands(CLI::App& app);

//! When one of the commands was given: runs it and returns its exit code (it replaces this
//! process, so returns only when Python cannot be started: exit code 3 with the reason).
//! Otherwise -1.
int run_python_command(const PythonCommands& commands);

}  // namespace reesx::tools
