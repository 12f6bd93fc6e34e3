// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The reduced Newton's block-LU storage, kept per thread with the factors in it, so that a
// warm re-solve can start with chord steps on the factors of the solve it starts from
// (CascadeResult::jacobian_factors_id names them).
#pragma once

#include <cstdint>

#include "reesx/solver/BlockTridiagonal.h"

namespace reesx::cascade_detail {

//! Structured factors of a reduced Jacobian and the id a result names them by (0: none).
struct KeptFactors {
    solver::DiagonalUpperBlockTridiagonal matrix;
    std::uint64_t id = 0;
};

//! A new id, unique over the process (a result of one thread names nothing on another).
std::uint64_t next_factors_id();

//! This thread's two slots, for a Jacobian of `stages` blocks of size m: `start` holds the
//! factors named start_id (nullptr when this thread keeps none such), `own` is the slot to
//! factorize into, sized for the Jacobian: the other slot, so that start's factors stay for
//! more re-solves from the same result, or without start the older one. Both nullptr above
//! kMaxKeptStages (the caller then allocates per solve).
struct FactorSlots {
    const KeptFactors* start = nullptr;
    KeptFactors* own = nullptr;
};
inline constexpr int kMaxKeptStages = 400;
FactorSlots factor_slots(int stages, int m, std::uint64_t start_id);

}  // namespace reesx::cascade_detail
