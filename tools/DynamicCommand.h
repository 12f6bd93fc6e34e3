// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx dynamic`: a cascade's time-domain simulation.
#pragma once

#include <string>

#include "CommandOutput.h"

namespace reesx::cli {

//! Runs it over `hours` (0: the case's dynamic.hours); exit code.
int run_dynamic(const std::string& case_path, double hours, const std::string& h5_path,
                const SummaryFiles& out, bool quiet);

}  // namespace reesx::cli
