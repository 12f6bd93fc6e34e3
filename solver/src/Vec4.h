// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Four doubles, one AVX2 register (a GCC vector type), for the solver's kernels.
#pragma once

namespace reesx::solver {

//! Loads and stores need only a double's alignment, and it may alias the doubles it is read
//! from (as the intrinsics' __m256d_u).
typedef double Vec4 __attribute__((vector_size(32), aligned(8), may_alias));

// A kernel marked REESX_VECTOR_CLONES is compiled twice, for x86-64-v3 (AVX2, FMA) and for
// the build's baseline, and the loader picks the one the CPU runs (GCC function
// multiversioning, chosen by CPU features, not model). Without it a portable build lowers the
// 4-wide arithmetic to SSE2 through memory: the 17 x 100 stage factorization took 511 us
// against 83 us with the clones and 73 us with -march=native (2026-12-07, AMD EPYC).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__AVX2__)
#define REESX_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define REESX_VECTOR_CLONES
#endif

}  // namespace reesx::solver
