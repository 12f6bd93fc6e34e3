// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The start of a many-element cascade from its major elements (LumpedStart.cpp,
// docs/model.md).
#pragma once

#include "CascadeImpl.h"

namespace reesx::cascade_detail {

//! A start for the reduced Newton of `cascade` (ideal stages, rare earths only, many of them
//! minor): the per-stage scale sigma of the same cascade with each minor element's feed
//! given to the nearest major element in extractability on its side of the cut, solved.
//! False where that does not apply or does not solve (sigma is then unchanged). The lumped
//! cascade's iterations, evaluations and factorizations are added to `report`.
bool start_from_major_elements(const Cascade::Impl& cascade, Eigen::VectorXd& sigma,
                               solver::SolverReport& report);

}  // namespace reesx::cascade_detail
