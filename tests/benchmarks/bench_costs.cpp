// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of the cost model (issue 7 goals): the cost of a 100-stage cascade in 14
// countries ≤ 10 ms (measured without and with the cascade solve), and Monte Carlo with
// 10,000 samples of a single cut, re-simulating each, ≤ 30 s on 2 cores. Numbers and the
// machine go in docs/performance.md.
#include <benchmark/benchmark.h>

#include <sstream>

#include "reesx/costs/Report.h"

namespace {

using namespace reesx;

const std::vector<std::string> fourteen = {"CN-NM", "CN-JX", "CN-SC", "US", "AU", "MY", "VN",
                                           "JP",    "FR",    "EE",    "BR", "IN", "MM", "CA"};

// The 17-element, 100-stage Pr/Nd cut of bench_cascade.cpp (S = 1.1 S_min).
std::string cascade_100_stages()
{
    const char* feed =
        "{Sc: 0.0002, Y: 0.012, La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, "
        "Sm: 0.012, Eu: 0.002, Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, "
        "Tm: 0.0001, Yb: 0.0002, Lu: 0.0001}";
    const double f_a = 1.0 - 0.27 - 0.4907 - 0.05;
    const auto system = builtin_system("p507-hcl");
    const double beta = system.beta(*element_index("Nd"), *element_index("Pr"));
    const double s = 1.1 * (f_a + 1.0 / (beta - 1.0));
    std::ostringstream y;
    y << "system: p507-hcl\nstages: {extraction: 50, scrub: 50}\nfeed: {flow: 1 L/h, "
         "concentration: 1 mol/L, composition: "
      << feed << "}\norganic: {flow: " << s << " L/h, loading: 1 mol/L}\n"
      << "scrub: {flow: " << s - f_a << " L/h, acid: 3 mol/L}\nsolver: {tolerance: 1e-10}\n";
    return y.str();
}

CaseSpec parse(const std::string& yaml)
{
    return parse_case(InputNode::load_string(yaml, "bench"));
}

// Costing only: streams from a solved cascade, 14 countries priced.
void BM_Cost100Stages14Countries(benchmark::State& state)
{
    const CaseSpec spec = parse(cascade_100_stages());
    Cascade cascade(spec);
    const CascadeResult result = cascade.solve();
    const costs::CostModel model(costs::parse_cost_setup(spec), costs::plant_streams(spec, result));
    double sum = 0.0;
    for (auto _ : state) {
        const costs::CostRun run = costs::run_costs(model, fourteen, false);
        sum += run.countries.back().cost_usd_per_kg_reo_fed;
        benchmark::DoNotOptimize(sum);
    }
}

// The whole `reesx cost` computation: solve, sizing, 14 countries.
void BM_Cost100Stages14CountriesWithSolve(benchmark::State& state)
{
    const CaseSpec spec = parse(cascade_100_stages());
    for (auto _ : state) {
        Cascade cascade(spec);
        const CascadeResult result = cascade.solve();
        const costs::CostModel model(costs::parse_cost_setup(spec),
                                     costs::plant_streams(spec, result));
        const costs::CostRun run = costs::run_costs(model, fourteen, false);
        benchmark::DoNotOptimize(run.countries.data());
    }
}

// Tornado for 14 countries (every ranged parameter at both ends).
void BM_Sensitivity100Stages14Countries(benchmark::State& state)
{
    const CaseSpec spec = parse(cascade_100_stages());
    Cascade cascade(spec);
    const CascadeResult result = cascade.solve();
    const costs::CostModel model(costs::parse_cost_setup(spec), costs::plant_streams(spec, result));
    for (auto _ : state) {
        const costs::CostRun run = costs::run_costs(model, fourteen, true);
        benchmark::DoNotOptimize(run.tornado.data());
    }
}

// Monte Carlo on the single Pr/Nd cut of examples/prnd-p507.yaml (76 stages), every sample
// re-solved, 6 countries, threads = state.range(0).
void BM_MonteCarloSingleCut(benchmark::State& state)
{
    const CaseSpec spec = load_case(std::string(REESX_SOURCE_DIR) + "/examples/prnd-p507.yaml");
    Cascade cascade(spec);
    const costs::CostModel model(costs::parse_cost_setup(spec),
                                 costs::plant_streams(spec, cascade.solve()));
    costs::MonteCarloOptions o;
    o.samples = static_cast<int>(state.range(1));
    o.seed = 1;
    o.threads = static_cast<int>(state.range(0));
    int failed = 0;
    for (auto _ : state) {
        const auto mc = costs::monte_carlo(spec, model, {"CN-NM", "US", "AU", "MY", "VN", "JP"}, o);
        failed = mc.failed;
        benchmark::DoNotOptimize(mc.countries.data());
    }
    state.counters["failed"] = failed;
    state.counters["samples"] = static_cast<double>(o.samples);
}

}  // namespace

BENCHMARK(BM_Cost100Stages14Countries)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Cost100Stages14CountriesWithSolve)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sensitivity100Stages14Countries)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MonteCarloSingleCut)
    ->Args({1, 10000})
    ->Args({2, 10000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
