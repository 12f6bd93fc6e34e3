// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The start of a long cascade at its pinches (PinchStart.cpp, docs/model.md).
#pragma once

#include "CascadeImpl.h"

namespace reesx::cascade_detail {

//! A start for the reduced Newton of `cascade` (a section of 200 stages or more): the
//! per-stage scale sigma of the same flows over short sections, solved, with stages inserted
//! at each section's pinch. False where the short sections have no pinch up to half the
//! length, or where that does not apply or solve (sigma is then unchanged).
bool start_at_pinch(const Cascade::Impl& cascade, Eigen::VectorXd& sigma);

}  // namespace reesx::cascade_detail
