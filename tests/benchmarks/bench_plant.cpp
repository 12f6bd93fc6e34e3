// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Plant files (`reesx run PLANT.yaml`, issue 6): the rigorous simulation of a whole plant.
// Goal: Bayan Obo full separation including the rigorous plant simulation <= 1 s on one core.
#include <benchmark/benchmark.h>

#include <string>

#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/Separate.h"

namespace {

// The illustrative Bayan Obo type distribution of examples/bayan-obo-nd-sm.yaml (as
// BM_SeparateBayanOboLike in bench_design.cpp; no sourced Bayan Obo feed is built in yet).
reesx::SeparateSpec bayan_obo_like(bool linked)
{
    const std::string yaml =
        std::string(linked ? "linked: true\n" : "") +
        "system: p507-hcl\n"
        "feed: {name: bayan-obo-like, concentration: 1.5 mol/L, oxide-mass-fractions: {La2O3: "
        "0.27, CeO2: 0.5, Pr6O11: 0.05, Nd2O3: 0.15, Sm2O3: 0.012, Eu2O3: 0.002, Gd2O3: 0.005, "
        "Tb4O7: 0.0008, Dy2O3: 0.0012, Ho2O3: 0.0003, Er2O3: 0.0004, Tm2O3: 0.0001, Yb2O3: "
        "0.0002, Lu2O3: 0.0001, Y2O3: 0.0078, Sc2O3: 0.0001}}\n";
    return reesx::parse_separate(reesx::InputNode::load_string(yaml, "bench"));
}

//! (DoNotOptimize is given an int: GCC 12 handed the double it was given back as garbage.)
void count(benchmark::State& state, const reesx::PlantResult& r)
{
    state.counters["cascades"] = static_cast<double>(r.cascades.size());
    state.counters["passes"] = r.iterations;
    state.counters["cascade_solves"] = r.cascade_solves;
    state.counters["balance"] = r.mass_balance_relative_error;
}

//! `reesx run` of the plant file `reesx separate --plant-file` writes: parse + solve.
void BM_PlantFileBayanOboLike(benchmark::State& state)
{
    const reesx::SeparateSpec spec = bayan_obo_like(state.range(0) != 0);
    const std::string text = reesx::plant_file_yaml(spec, reesx::separate(spec));
    reesx::PlantResult r;
    for (auto _ : state) {
        const reesx::PlantSpec plant =
            reesx::parse_plant(reesx::InputNode::load_string(text, "plant.yaml"));
        r = reesx::solve_plant(plant);
        benchmark::DoNotOptimize(r.iterations);
    }
    count(state, r);
}
BENCHMARK(BM_PlantFileBayanOboLike)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("linked")
    ->Unit(benchmark::kMillisecond);

//! The goal end to end: sequence, design of every cascade, the plant file, and its
//! rigorous simulation.
void BM_SeparateThenPlantFileBayanOboLike(benchmark::State& state)
{
    const reesx::SeparateSpec spec = bayan_obo_like(false);
    reesx::PlantResult r;
    for (auto _ : state) {
        const std::string text = reesx::plant_file_yaml(spec, reesx::separate(spec));
        r = reesx::solve_plant(
            reesx::parse_plant(reesx::InputNode::load_string(text, "plant.yaml")));
        benchmark::DoNotOptimize(r.iterations);
    }
    count(state, r);
}
BENCHMARK(BM_SeparateThenPlantFileBayanOboLike)->Unit(benchmark::kMillisecond);

//! A recycle: examples/plant-scrub-recycle.yaml (one torn stream, Wegstein).
void BM_PlantRecycle(benchmark::State& state)
{
    const reesx::PlantSpec plant = reesx::parse_plant(reesx::InputNode::load_file(
        std::string(REESX_SOURCE_DIR) + "/examples/plant-scrub-recycle.yaml"));
    reesx::PlantResult r;
    for (auto _ : state) {
        r = reesx::solve_plant(plant);
        benchmark::DoNotOptimize(r.iterations);
    }
    count(state, r);
}
BENCHMARK(BM_PlantRecycle)->Unit(benchmark::kMillisecond);

}  // namespace
