// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Issue 3 performance goal: 17 elements × 100 stages extraction–scrub–strip with the
// mass-action model (saponified P507), cold start, ≤ 20 ms on one core; the same with six
// impurity ions (goal ≤ 10 ms); and the Pr/Nd example (2 elements × 86 stages). Numbers and the
// machine in docs/performance.md.
#include <benchmark/benchmark.h>

#include "reesx/flowsheets/Cascade.h"

namespace {

// All 17 rare earths (the feed of bench_cascade.cpp), a Pr/Nd cut: 40 extraction, 40 scrub,
// 20 strip stages; 1.5 mol/L P507, 36 % saponified, loading capacity 0.18 mol/L; organic RE
// flux S ≈ 2.6 and scrub reflux W ≈ 2.45 mol per mol feed RE (1.1 × the minimum for the
// Nd/Pr split, beta 1.45); strip 5 mol/L HCl.
const char* case_17x100 = R"(system: p507-hcl
model: mass-action
stages: {extraction: 40, scrub: 40, strip: 20}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, acid: 0.01 mol/L, composition: {Sc: 0.0002,
  Y: 0.012, La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002,
  Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, Lu: 0.0001}}
organic: {flow: 2200 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 276 L/h, acid: 4.0 mol/L}
strip: {flow: 60 L/h, acid: 5.0 mol/L}
)";

// The same cascade fed a leach liquor with six impurity ions (23 components): Al, Ca, Mg
// stay mostly in the aqueous, Fe(III), Zn and some Ca load with the rare earths.
const char* case_23x100 = R"(system: p507-hcl
model: mass-action
stages: {extraction: 40, scrub: 40, strip: 20}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, acid: 0.01 mol/L, composition: {Sc: 0.0002,
  Y: 0.012, La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002,
  Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, Lu: 0.0001},
  impurities: {Al3+: 300 mg/L, Ca2+: 800 mg/L, Mg2+: 150 mg/L, Fe3+: 40 mg/L, Zn2+: 30 mg/L,
               Mn2+: 20 mg/L}}
organic: {flow: 2200 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 276 L/h, acid: 4.0 mol/L}
strip: {flow: 60 L/h, acid: 5.0 mol/L}
)";

void solve(benchmark::State& state, const reesx::CaseSpec& spec)
{
    int iterations = 0, factorizations = 0;
    double balance = 0.0;
    for (auto _ : state) {
        reesx::Cascade cascade(spec);  // cold start every time
        const reesx::CascadeResult r = cascade.solve();
        iterations = r.solver.iterations;
        factorizations = r.solver.jacobian_evaluations;
        balance = r.mass_balance_relative_error;
        benchmark::DoNotOptimize(r.products.data());
    }
    state.counters["newton_iterations"] = iterations;
    state.counters["factorizations"] = factorizations;
    state.counters["balance_rel_error"] = balance;
    state.counters["components"] = static_cast<double>(spec.components.size());
}

void BM_MassAction17x100(benchmark::State& state)
{
    solve(state, reesx::parse_case(reesx::InputNode::load_string(case_17x100, "bench")));
}
BENCHMARK(BM_MassAction17x100)->Unit(benchmark::kMillisecond);

void BM_MassAction17Plus6Impurities100(benchmark::State& state)
{
    solve(state, reesx::parse_case(reesx::InputNode::load_string(case_23x100, "bench")));
}
BENCHMARK(BM_MassAction17Plus6Impurities100)->Unit(benchmark::kMillisecond);

void BM_MassActionPrNd86(benchmark::State& state)
{
    solve(state,
          reesx::load_case(std::string(REESX_SOURCE_DIR) + "/examples/prnd-p507-mass-action.yaml"));
}
BENCHMARK(BM_MassActionPrNd86)->Unit(benchmark::kMillisecond);

}  // namespace
