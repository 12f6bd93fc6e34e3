// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of `reesx optimize` (goals: one cut of a 17-element feed optimized for one
// country ≤ 1 s; seven countries ≤ 3 s with threads). Numbers and the machine go in
// docs/performance.md.
#include <benchmark/benchmark.h>

#include <string>

#include "reesx/costs/Optimize.h"
#include "reesx/costs/Pareto.h"
#include "reesx/costs/Robust.h"

namespace {

// The 17-element mixed-concentrate distribution of bench_design.cpp, cut Pr/Nd to 99.99 %.
reesx::DesignSpec spec17()
{
    const std::string yaml =
        "system: p507-hcl\n"
        "feed: {name: mixed, concentration: 1.5 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\n"
        "split: Pr/Nd\nfeed-rate: 1000 kg/h REO\npurity: 0.9999\ntradeoff: {points: 0}\n";
    return reesx::parse_design(reesx::InputNode::load_string(yaml, "bench"));
}

void run(benchmark::State& state, const std::vector<std::string>& countries, int threads)
{
    const reesx::DesignSpec spec = spec17();
    reesx::costs::OptimizeOptions options;
    options.setup.data = reesx::costs::builtin_cost_data();
    options.countries = countries;
    options.threads = threads;
    reesx::costs::OptimizeResult r;
    for (auto _ : state) {
        r = reesx::costs::optimize(spec, options);
        benchmark::DoNotOptimize(r.countries.front().optimum.cost_usd_per_kg);
    }
    int simulations = 0;
    for (const auto& c : r.countries) {
        simulations += c.simulations;
    }
    state.counters["simulations"] = simulations;
    state.counters["stages_first"] = r.countries.front().optimum.n + r.countries.front().optimum.m;
    state.counters["S_over_S_min_first"] = r.countries.front().optimum.s_over_s_min;
}

void BM_Optimize17OneCountry(benchmark::State& state)
{
    run(state, {"CN-NM"}, 1);
}
BENCHMARK(BM_Optimize17OneCountry)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Optimize17SevenCountries(benchmark::State& state)
{
    run(state, {"CN-NM", "US", "AU", "MY", "VN", "JP", "FR"}, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_Optimize17SevenCountries)
    ->Arg(1)
    ->Arg(7)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The fronts and the robust optimum after the one-country optimum (which is not timed).
reesx::costs::CountryOptimum optimum17(const reesx::costs::OptimizeOptions& options)
{
    const reesx::DesignSpec spec = spec17();
    return reesx::costs::optimize_country(spec, options.setup, "CN-NM", reesx::design(spec));
}

void BM_Pareto17CapitalOperating(benchmark::State& state)
{
    const reesx::DesignSpec spec = spec17();
    reesx::costs::OptimizeOptions options;
    options.setup.data = reesx::costs::builtin_cost_data();
    const auto optimum = optimum17(options);
    std::size_t points = 0;
    for (auto _ : state) {
        const auto front = reesx::costs::pareto_capital_operating(spec, options, "CN-NM", optimum,
                                                                  static_cast<int>(state.range(0)));
        points = front.size();
        benchmark::DoNotOptimize(points);
    }
    state.counters["front_points"] = static_cast<double>(points);
}
BENCHMARK(BM_Pareto17CapitalOperating)->Arg(12)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Robust17(benchmark::State& state)
{
    const reesx::DesignSpec spec = spec17();
    reesx::costs::OptimizeOptions options;
    options.setup.data = reesx::costs::builtin_cost_data();
    const auto optimum = optimum17(options);
    reesx::costs::RobustOptions robust;
    robust.samples = static_cast<int>(state.range(0));
    robust.radius = 1;
    robust.threads = 2;
    reesx::costs::RobustResult r;
    for (auto _ : state) {
        r = reesx::costs::robust_optimum(spec, options.setup, "CN-NM", optimum, robust);
        benchmark::DoNotOptimize(r.robust.objective);
    }
    state.counters["simulations"] = r.simulations;
    state.counters["robust_stages"] = r.robust.n + r.robust.m;
    state.counters["nominal_stages"] = r.nominal.n + r.nominal.m;
    state.counters["expected_premium"] = r.robust.objective - r.nominal.objective;
}
BENCHMARK(BM_Robust17)->Arg(10)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
