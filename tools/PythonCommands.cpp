#include "PythonCommands.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#ifndef REESX_PYTHON_EXECUTABLE  // python/CMakeLists.txt names the package's interpreter
#define REESX_PYTHON_EXECUTABLE "/usr/bin/python3"
#endif

namespace reesx::tools {

namespace {

namespace fs = std::filesystem;

CLI::App* pass_through(CLI::App& app, const char* name, const char* help)
{
    CLI::App* sub = app.add_subcommand(name, help);
    sub->prefix_command();  // every argument after the name goes to Python as it is
    sub->set_help_flag();   // `reesx report --help` prints Python's help
    return sub;
}

//! The folder that holds the package `reesx`: beside the program in the build tree
//! (build/tools/reesx -> build/python), or where `cmake --install` put it relative to the
//! installed program (PREFIX/bin/reesx -> PREFIX/REESX_PYTHON_INSTALL_DIR). Empty when neither
//! has it (then Python's own path decides).
std::string package_folder()
{
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    if (error) {
        return {};
    }
    std::vector<fs::path> candidates{exe.parent_path().parent_path() / "python"};
#ifdef REESX_PYTHON_INSTALL_DIR
    candidates.push_back(exe.parent_path().parent_path() / REESX_PYTHON_INSTALL_DIR);
#endif
    for (const fs::path& folder : candidates) {
        if (fs::exists(folder / "reesx" / "__init__.py", error)) {
            return folder.string();
        }
    }
    return {};
}

}  // namespace

PythonCommands add_python_commands(CLI::App& app)
{
    PythonCommands out;
    out.report = pass_through(app, "report",
                              "one self-contained HTML report (figures, tables, provenance) of "
                              "a case, plant or design file: report FILE -o report.html");
    out.sweep = pass_through(app, "sweep",
                             "solve a case over a grid or samples of parameters (sweep file); "
                             "table as CSV or HDF5: sweep SWEEP.yaml -o out.csv");
    return out;
}

int run_python_command(const PythonCommands& commands)
{
    CLI::App* given = nullptr;
    for (CLI::App* sub : {commands.report, commands.sweep}) {
        if (sub != nullptr && sub->parsed()) {
            given = sub;
        }
    }
    if (given == nullptr) {
        return -1;
    }
    const std::string folder = package_folder();
    if (!folder.empty()) {
        const char* old = std::getenv("PYTHONPATH");
        const std::string path = old != nullptr && *old != '\0' ? folder + ":" + old : folder;
        if (setenv("PYTHONPATH", path.c_str(), 1) != 0) {
            std::cerr << "reesx: cannot set PYTHONPATH: " << std::strerror(errno) << "\n";
            return 3;
        }
    }
    // Python's usage lines name the command as the user typed it.
    if (setenv("REESX_PROGRAM", "reesx", 1) != 0) {
        std::cerr << "reesx: cannot set REESX_PROGRAM: " << std::strerror(errno) << "\n";
        return 3;
    }
    std::vector<std::string> args{REESX_PYTHON_EXECUTABLE, "-m", "reesx", given->get_name()};
    for (const std::string& a : given->remaining()) {
        args.push_back(a);
    }
    std::vector<char*> argv;
    for (std::string& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::cout.flush();
    execv(args[0].c_str(), argv.data());
    std::cerr << "reesx: " << given->get_name() << " runs the Python package (" << args[0]
              << " -m reesx): cannot start it: " << std::strerror(errno)
              << (folder.empty() ? "; the package `reesx` was not found beside this program "
                                   "(build with -DREESX_BUILD_PYTHON=ON, the default)"
                                 : "")
              << "\n";
    return 3;
}

}  // namespace reesx::tools
