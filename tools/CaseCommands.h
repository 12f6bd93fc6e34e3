// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx run` (a case or a plant file) and `reesx check`.
#pragma once

#include <string>

#include "CommandOutput.h"

namespace reesx::cli {

//! `reesx run`: the steady state of the case or plant file at `case_path`; exit code.
int run_case(const std::string& case_path, const std::string& h5_path, const SummaryFiles& out,
             const DiagramFiles& diagram, bool stage_profile, bool quiet, bool verbose);

//! `reesx check`: parses the case or plant file and prints its structure; exit code.
int check_case(const std::string& case_path);

}  // namespace reesx::cli
