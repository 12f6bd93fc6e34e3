// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of `reesx dynamic` (issue 5 goal: 17 elements × 100 stages, start-up over 10^4
// stage residence times, ≤ 2 s on one core). Numbers go in docs/performance.md.
#include <benchmark/benchmark.h>

#include <string>

#include "reesx/flowsheets/Dynamic.h"

namespace {

//! The 17-element Pr/Nd cut of bench_cascade.cpp at 1.1 S_min (extraction and scrub stages
//! each `stages_per_section`), filled with feed at t = 0; a stage's residence time is 20 min
//! (4 min mixer + 16 min settler), so 10^4 of them are 3333 h.
void run_startup(benchmark::State& state, int stages_per_section)
{
    const std::string n = std::to_string(stages_per_section);
    const std::string yaml =
        "system: p507-hcl\nstages: {extraction: " + n + ", scrub: " + n +
        "}\n"
        "feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\n"
        "organic: {flow: 2.7 L/h, loading: 1 mol/L}\nscrub: {flow: 2.5 L/h, acid: 3 mol/L}\n"
        "dynamic: {hours: 3333, start: feed, outputs: 10}\n";
    const reesx::CaseSpec spec = reesx::parse_case(reesx::InputNode::load_string(yaml, "bench"));
    const reesx::DynamicSpec dynamic = reesx::parse_dynamic(spec);
    reesx::DynamicResult r;
    for (auto _ : state) {
        r = reesx::simulate_dynamic(spec, dynamic);
        benchmark::DoNotOptimize(r.times_h.data());
    }
    state.counters["steps"] = static_cast<double>(r.stats.steps);
    state.counters["jacobians"] = static_cast<double>(r.stats.jacobian_evaluations);
    state.counters["residuals"] = static_cast<double>(r.stats.residual_evaluations);
    state.counters["conservation"] = r.conservation_relative_error;
}

void BM_DynamicStartup17x100(benchmark::State& state)
{
    run_startup(state, 50);
}
BENCHMARK(BM_DynamicStartup17x100)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_DynamicStartup17x20(benchmark::State& state)
{
    run_startup(state, 10);
}
BENCHMARK(BM_DynamicStartup17x20)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
