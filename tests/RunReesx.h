// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Test helper: runs the built `reesx` executable (REESX_BINARY) with arguments and returns
// its exit status and its stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace reesx::test {

struct CommandRun {
    int status = -1;
    std::string out;  //!< stdout and stderr together
};

inline CommandRun run_reesx(const std::string& args)
{
    const std::string command = std::string(REESX_BINARY) + " " + args + " 2>&1";
    CommandRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        return run;
    }
    std::array<char, 4096> buffer{};
    while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe)) {
        run.out += buffer.data();
    }
    const int raw = pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return run;
}

}  // namespace reesx::test
