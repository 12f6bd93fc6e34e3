// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx cost`: capital, operating cost, energy and CO2 of a cascade or a plant file.
#pragma once

#include <cstdint>
#include <string>

#include "CommandOutput.h"

namespace reesx::cli {

struct CostArgs {
    std::string countries;
    std::string scenario;
    bool sensitivity = false;
    int monte_carlo = 0;
    std::uint64_t seed = 1;
    int threads = 0;
    bool no_resimulate = false;
    bool quiet = false;
};

//! Runs it on the case or plant file at `case_path`; exit code.
int cost_case(const std::string& case_path, const std::string& h5_path, const SummaryFiles& out,
              const CostArgs& args);

}  // namespace reesx::cli
