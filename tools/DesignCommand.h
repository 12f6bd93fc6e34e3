// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx design`: one cascade sized for a cut (with --uncertainty, its spread).
#pragma once

#include <cstdint>
#include <string>

#include "CommandOutput.h"
#include "DesignOptions.h"

namespace reesx::cli {

//! `reesx design` options (DesignOptions.h) and what design alone writes.
struct DesignOptions : DesignArgs {
    int uncertainty = 0;  //!< samples of the system (design --uncertainty N)
    std::uint64_t seed = 1;
    int threads = 0;  //!< --uncertainty threads (0: all cores)
    SummaryFiles out;
    std::string case_path, h5_path;
    bool quiet = false;
};

//! Runs it; exit code (errors are thrown as reesx::Error for main to report).
int run_design(const DesignOptions& o);

}  // namespace reesx::cli
