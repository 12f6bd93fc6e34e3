// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Four doubles, one AVX2 register (a GCC vector type), for the solver's kernels.
#pragma once

namespace reesx::solver {

//! Loads and stores need only a double's alignment, and it may alias the doubles it is read
//! from (as the intrinsics' __m256d_u).
typedef double Vec4 __attribute__((vector_size(32), aligned(8), may_alias));

}  // namespace reesx::solver
