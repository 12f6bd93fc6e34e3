// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// One random sample of an extraction system's log10 extractabilities, as the data behind them
// say: the values a fit placed (system.fit) from the fit's covariance (multivariate normal,
// with its log10-kex-reference); every other value uniform in its range, read as the range of
// the pair with its lower neighbour in extraction order (the convention of the built-in system
// files), carrying the neighbour's sampled shift. Used by `design/separate/optimize
// --uncertainty` and `cost --monte-carlo`.
#pragma once

#include <functional>

#include "reesx/thermo/ExtractionSystem.h"

namespace reesx {

//! `uniform` gives numbers in [0, 1), `normal` standard normal ones. Draw order: one normal
//! per fitted parameter (a system with a fit), then one uniform per value not fitted, in
//! extraction order; a system without a fit draws exactly one uniform per value.
ExtractionSystem sample_system(const ExtractionSystem& system,
                               const std::function<double()>& uniform,
                               const std::function<double()>& normal);

}  // namespace reesx
