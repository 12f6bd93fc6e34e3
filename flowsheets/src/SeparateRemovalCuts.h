// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `separate` with an impurity removal step: the step and the cuts after it designed together
// (the cuts for the step's raffinate, the step for the cuts' products).
#pragma once

#include <array>
#include <functional>
#include <string>

#include "reesx/flowsheets/Separate.h"

namespace reesx {

//! Designs the impurity removal step ahead of the cuts `build_plant` designed for the plant
//! feed, then has `build_plant` design the cuts again for what the step leaves them (its
//! raffinate's rare earths, written to `cut_feed`; `feed` without a step) and the step again
//! for those cuts (its limit is judged against their products' REO), until the step no longer
//! changes (at most three times; a warning in the step's warnings if it does not settle).
void design_removal_and_cuts(const SeparateSpec& spec, const std::array<double, num_elements>& feed,
                             std::array<double, num_elements>& cut_feed, SeparateResult& result,
                             const std::function<void()>& build_plant,
                             const std::function<void(const std::string&)>& progress);

}  // namespace reesx
