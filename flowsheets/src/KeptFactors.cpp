// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "KeptFactors.h"

#include <array>
#include <atomic>

namespace reesx::cascade_detail {

std::uint64_t next_factors_id()
{
    static std::atomic<std::uint64_t> last{0};
    return ++last;
}

FactorSlots factor_slots(int stages, int m, std::uint64_t start_id)
{
    // Kept per thread: allocated anew for each solve, the storage's page faults took a fifth
    // of a 17 x 100 solve's time.
    static thread_local std::array<KeptFactors, 2> kept;
    if (stages > kMaxKeptStages) {
        // A long cascade's storage (3 x 361 doubles per stage: 43 MB at 5,000 stages) is
        // kept too, without its factors: allocated and zeroed per solve, its page faults
        // were a third of a 17 x 600 solve.
        static thread_local KeptFactors long_cascade;
        long_cascade.id = 0;
        if (long_cascade.matrix.num_blocks() != stages || long_cascade.matrix.block_size() != m) {
            long_cascade.matrix.resize(stages, m);
        }
        return {nullptr, &long_cascade};
    }
    int start = -1;
    for (int s = 0; s < 2 && start_id != 0; ++s) {
        if (kept[s].id == start_id && kept[s].matrix.num_blocks() == stages &&
            kept[s].matrix.block_size() == m) {
            start = s;
        }
    }
    KeptFactors& own = kept[start >= 0 ? 1 - start : (kept[0].id <= kept[1].id ? 0 : 1)];
    if (own.matrix.num_blocks() != stages || own.matrix.block_size() != m) {
        own.id = 0;
        own.matrix.resize(stages, m);
    }
    return {start >= 0 ? &kept[start] : nullptr, &own};
}

}  // namespace reesx::cascade_detail
