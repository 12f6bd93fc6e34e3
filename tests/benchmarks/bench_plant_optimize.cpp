// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of `reesx optimize --plant` (goal: a 15-element plant optimized for one country
// <= 30 s). Numbers and the machine go in docs/performance.md.
#include <benchmark/benchmark.h>

#include <string>

#include "reesx/costs/PlantOptimize.h"
#include "reesx/costs/PlantRobust.h"

namespace {

// The 17-element mixed concentrate of bench_optimize.cpp without its Pm and Sc traces: 15
// elements, each a product at 99.99 % (14 cascades).
reesx::SeparateSpec spec15()
{
    const std::string yaml =
        "system: p507-hcl\npurity: 0.9999\nfeed-rate: 1000 kg/h REO\n"
        "feed: {name: mixed-15, concentration: 1.5 mol/L, composition: {Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\n";
    return reesx::parse_separate(reesx::InputNode::load_string(yaml, "bench"));
}

void BM_OptimizePlant15OneCountry(benchmark::State& state)
{
    const reesx::SeparateSpec spec = spec15();
    reesx::costs::PlantOptimizeOptions options;
    options.request.countries = {"CN-NM"};
    reesx::costs::PlantOptimizeResult r;
    for (auto _ : state) {
        r = reesx::costs::optimize_plant(spec, options);
        benchmark::DoNotOptimize(r.countries.front().optimum.cost_usd_per_kg);
    }
    const auto& c = r.countries.front();
    state.counters["simulations"] = c.simulations;
    state.counters["cascades"] = static_cast<double>(c.optimum.cascades.size());
    state.counters["stages"] = c.optimum.total_stages;
    state.counters["cost_usd_per_kg"] = c.optimum.cost_usd_per_kg;
    state.counters["baseline_usd_per_kg"] = c.baseline.cost_usd_per_kg;
}
BENCHMARK(BM_OptimizePlant15OneCountry)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

// The robust plant of Mountain Pass (5 products, 4 cascades, 99.99 %) for CN-NM: 10 samples,
// stage pairs within 1 of each cascade's nominal pair; the nominal optimization not timed.
void BM_RobustPlantMountainPass10(benchmark::State& state)
{
    const reesx::SeparateSpec spec = reesx::parse_separate(reesx::InputNode::load_string(
        "system: p507-hcl\nfeed: mountain-pass\npurity: 0.9999\n", "bench"));
    reesx::costs::PlantOptimizeOptions options;
    options.request.countries = {"CN-NM"};
    const reesx::costs::PlantOptimizeResult nominal = reesx::costs::optimize_plant(spec, options);
    reesx::costs::RobustOptions robust;
    robust.samples = 10;
    robust.radius = 1;
    reesx::costs::PlantRobustResult r;
    for (auto _ : state) {
        r = reesx::costs::robust_plant(spec, options, nominal, robust);
        benchmark::DoNotOptimize(r.countries.front().robust.objective);
    }
    const auto& c = r.countries.front();
    state.counters["simulations"] = c.simulations;
    state.counters["nominal_expected_usd_per_kg"] = c.nominal.objective;
    state.counters["robust_expected_usd_per_kg"] = c.robust.objective;
}
BENCHMARK(BM_RobustPlantMountainPass10)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
