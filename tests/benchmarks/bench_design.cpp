// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of `reesx design` (issue 4 goals: one cut of a 17-element feed to 99.99 % /
// 99.99 %, theory + rigorous search, ≤ 50 ms; the 20-point trade-off curve ≤ 0.5 s).
// Numbers and the machine go in docs/performance.md.
#include <benchmark/benchmark.h>

#include <string>

#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/Separate.h"

namespace {

// The same illustrative 17-element mixed-concentrate distribution as bench_cascade.cpp.
std::string design_yaml(const std::string& split, int tradeoff_points)
{
    return "system: p507-hcl\n"
           "feed: {name: mixed, concentration: 1.5 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
           "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
           "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
           "Lu: 0.0001}}\n"
           "split: " +
           split + "\npurity: 0.9999\ntradeoff: {points: " + std::to_string(tradeoff_points) +
           "}\n";
}

void run(benchmark::State& state, const std::string& yaml)
{
    const reesx::DesignSpec spec =
        reesx::parse_design(reesx::InputNode::load_string(yaml, "bench"));
    reesx::DesignResult r;
    for (auto _ : state) {
        r = reesx::design(spec);
        benchmark::DoNotOptimize(r.n);
    }
    state.counters["simulations"] = r.simulations;
    state.counters["stages"] = r.n + r.m;
    state.counters["shortcut_stages"] = r.theory.n + r.theory.m;
}

void BM_Design17(benchmark::State& state, const char* split)
{
    run(state, design_yaml(split, 0));
}
BENCHMARK_CAPTURE(BM_Design17, PrNd, "Pr/Nd")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Design17, SmEu, "Sm/Eu")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Design17, LaCe, "La/Ce")->Unit(benchmark::kMillisecond);

void BM_Design17Tradeoff20(benchmark::State& state)
{
    run(state, design_yaml("Pr/Nd", 20));
}
BENCHMARK(BM_Design17Tradeoff20)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// Issue 6 goal: full separation of a Bayan Obo type feed to 99.99 %, sequence search plus
// rigorous simulation of the chosen plant, ≤ 1 s on one core. The feed is the illustrative
// distribution of examples/bayan-obo-nd-sm.yaml (no sourced Bayan Obo feed is built in yet).
void BM_SeparateBayanOboLike(benchmark::State& state)
{
    const std::string yaml =
        "system: p507-hcl\n"
        "feed: {name: bayan-obo-like, concentration: 1.5 mol/L, oxide-mass-fractions: {La2O3: "
        "0.27, CeO2: 0.5, Pr6O11: 0.05, Nd2O3: 0.15, Sm2O3: 0.012, Eu2O3: 0.002, Gd2O3: 0.005, "
        "Tb4O7: 0.0008, Dy2O3: 0.0012, Ho2O3: 0.0003, Er2O3: 0.0004, Tm2O3: 0.0001, Yb2O3: "
        "0.0002, Lu2O3: 0.0001, Y2O3: 0.0078, Sc2O3: 0.0001}}\n";
    const reesx::SeparateSpec spec =
        reesx::parse_separate(reesx::InputNode::load_string(yaml, "bench"));
    reesx::SeparateResult r;
    for (auto _ : state) {
        r = reesx::separate(spec);
        benchmark::DoNotOptimize(r.total_stages);
    }
    state.counters["cascades"] = static_cast<double>(r.cascades.size());
    state.counters["stages"] = r.total_stages;
    state.counters["simulations"] = r.simulations;
}
BENCHMARK(BM_SeparateBayanOboLike)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// Three-outlet design (issue 6): La/Ce/Pr 40:40:20, outer products 99.9 %, the Ce middle
// product at 99 % (or 90 %) drawn at its peak, plus the two two-outlet alternatives.
void BM_DesignThreeOutletLaCePr(benchmark::State& state)
{
    const std::string purity = state.range(0) == 99 ? "0.99" : "0.9";
    const reesx::DesignSpec spec = reesx::parse_design(reesx::InputNode::load_string(
        "system: p507-hcl\n"
        "feed: {name: la-ce-pr, composition: {La: 0.4, Ce: 0.4, Pr: 0.2}}\n"
        "split: La/Ce/Pr\npurity: 0.999\nmiddle-product: {purity: " +
            purity + "}\n",
        "bench"));
    reesx::DesignResult r;
    for (auto _ : state) {
        r = reesx::design(spec);
        benchmark::DoNotOptimize(r.three_outlet->n);
    }
    state.counters["simulations"] = r.three_outlet->simulations;
    state.counters["stages"] = r.three_outlet->n + r.three_outlet->m;
    state.counters["S"] = r.three_outlet->s;
}
BENCHMARK(BM_DesignThreeOutletLaCePr)->Arg(99)->Arg(90)->Unit(benchmark::kMillisecond);

}  // namespace
