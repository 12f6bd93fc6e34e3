// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Vector operations for SUNDIALS serial vectors, compiled with reesx's flags.
#pragma once
#include <nvector/nvector_serial.h>

namespace reesx::solver {

//! Replaces the arithmetic operations of serial vector v (and so of every clone IDA makes of
//! it: clones copy the operations table) with loops compiled here, and adds the fused
//! operations (linear combination, scale-add-multi, multiple dot products) that the serial
//! vector leaves out, so that IDA's predictor and corrector updates make one pass over memory
//! instead of one per term. Debian's serial vector spends several times longer per element
//! than these loops (docs/performance.md, "Dynamic simulation"); on a 17-element, 100-stage
//! cascade IDA's vector operations were 40 % of the run.
void use_fast_operations(N_Vector v);

//! IDA's error weights w_i = 1 / (relative |y_i| + absolute) in one pass over y (IDA's own
//! function takes five vector operations); false where a tolerance is not positive (NaN
//! included).
bool set_error_weights(N_Vector y, double relative, double absolute, N_Vector weights);

}  // namespace reesx::solver
