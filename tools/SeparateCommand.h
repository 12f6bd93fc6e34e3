// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx separate`: a plant of cascades that separates every element of a feed.
#pragma once

#include <cstdint>
#include <string>

#include "CommandOutput.h"

namespace reesx::cli {

struct SeparateOptions {
    std::string file, system = "p507-hcl", feed, feed_rate, plant_path, h5_path;
    DiagramFiles diagram;
    SummaryFiles out;
    double purity = 0.0, lump_below = -1.0;
    bool quiet = false, linked = false;
    std::string countries, scenario;  //!< --countries: cost the plant in these
    int uncertainty = 0;              //!< samples of the system (--uncertainty N)
    std::uint64_t seed = 1;
    int threads = 0;             //!< --uncertainty threads (0: all cores)
    bool keep_sequence = false;  //!< --keep-sequence: every sample sized as the nominal plant
    //! --impurities "Th4+:200 mg/L,Fe3+:40 mg/L" and --impurity-limit "10 ppm".
    std::string impurities, impurity_limit;
};

//! Runs it; exit code (errors are thrown as reesx::Error for main to report).
int run_separate(const SeparateOptions& o);

}  // namespace reesx::cli
