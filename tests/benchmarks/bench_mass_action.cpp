// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Issue 3 performance: cold-start solve of a full extraction–scrub–strip cascade with the
// mass-action model (saponified P507). The goal case (17 elements × 100 stages) does not
// converge yet (docs/performance.md); measured here: the Pr/Nd example, 2 elements × 86 stages.
#include <benchmark/benchmark.h>

#include "reesx/flowsheets/Cascade.h"

namespace {

void BM_MassActionPrNd86(benchmark::State& state)
{
    const reesx::CaseSpec spec =
        reesx::load_case(std::string(REESX_SOURCE_DIR) + "/examples/prnd-p507-mass-action.yaml");
    int iterations = 0;
    for (auto _ : state) {
        reesx::Cascade cascade(spec);  // cold start every time
        const reesx::CascadeResult r = cascade.solve();
        iterations = r.solver.iterations;
        benchmark::DoNotOptimize(r.products.data());
    }
    state.counters["newton_iterations"] = iterations;
}
BENCHMARK(BM_MassActionPrNd86)->Unit(benchmark::kMillisecond);

}  // namespace
