// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of `reesx fit` and `design --uncertainty` (goals: the whole LLEPE compilation
// with the mass-action model <= 2 s; 1000 samples of a 17-element Pr/Nd design <= 5 s on one
// core). Numbers and the machine go in docs/performance.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/validation/Fit.h"

namespace {

const std::string kData =
    std::string(REESX_SOURCE_DIR) + "/../shared/validation/llepe_PC88A_HCl_NdPrCeLaDySmY.csv";

void fit_llepe(benchmark::State& state, reesx::validation::FitModel model)
{
    if (!std::filesystem::exists(kData)) {
        state.SkipWithError("shared/validation data not present");
        return;
    }
    const auto data = reesx::validation::read_batch_data(kData);
    reesx::validation::FitOptions options;
    options.model = model;
    options.base = reesx::builtin_system("p507-hcl");
    reesx::validation::FitResult r;
    for (auto _ : state) {
        r = reesx::validation::fit(data, options);
        benchmark::DoNotOptimize(r.rms_log10_d);
    }
    state.counters["points"] = static_cast<double>(r.points.size());
    state.counters["iterations"] = r.iterations;
}

void BM_FitLlepeMassAction(benchmark::State& state)
{
    fit_llepe(state, reesx::validation::FitModel::mass_action);
}
BENCHMARK(BM_FitLlepeMassAction)->Unit(benchmark::kMillisecond);

void BM_FitLlepeSeparationFactor(benchmark::State& state)
{
    fit_llepe(state, reesx::validation::FitModel::separation_factor);
}
BENCHMARK(BM_FitLlepeSeparationFactor)->Unit(benchmark::kMillisecond);

//! design --uncertainty on the 17-element mixed concentrate of bench_design.cpp, Pr/Nd cut;
//! the second argument is the chain length (1: every sample sized from the nominal alone).
void BM_DesignUncertainty17PrNd(benchmark::State& state)
{
    const std::string yaml =
        "system: p507-hcl\n"
        "feed: {name: mixed, concentration: 1.5 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\nsplit: Pr/Nd\npurity: 0.9999\ntradeoff: {points: 0}\n";
    const auto spec = reesx::parse_design(reesx::InputNode::load_string(yaml, "bench"));
    const auto nominal = reesx::design(spec);
    const int samples = static_cast<int>(state.range(0));
    reesx::DesignUncertainty u;
    for (auto _ : state) {
        u = reesx::design_uncertainty(spec, nominal, samples, 1, 1,
                                      static_cast<int>(state.range(1)));
        benchmark::DoNotOptimize(u.total_stages.p50);
    }
    if (const char* path = std::getenv("REESX_DUMP_SAMPLES")) {
        // Every sample's extraction and total stages, to compare two builds' answers.
        std::ofstream out(path);
        for (std::size_t i = 0; i < u.total_stage_samples.size(); ++i) {
            out << u.extraction_stage_samples[i] << ' ' << u.total_stage_samples[i] << '\n';
        }
    }
    state.counters["failed"] = u.failed;
    state.counters["trials_per_sample"] =
        static_cast<double>(u.simulations) / std::max(1, samples - u.failed);
}
BENCHMARK(BM_DesignUncertainty17PrNd)
    ->Args({100, 1})
    ->Args({100, reesx::sample_chain_length})
    ->Args({1000, 1})
    ->Args({1000, reesx::sample_chain_length})
    ->Unit(benchmark::kMillisecond);

}  // namespace
