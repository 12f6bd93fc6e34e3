// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Issue 8 goal: the whole `reesx validate` suite in at most 10 s on the 2-core machine.
// BM_ValidateAll runs every built-in case as `reesx validate` does (parse, solve, compare);
// BM_ValidateCase/<name> times each case alone, to show where the time goes.
#include <benchmark/benchmark.h>

#include "reesx/validation/Validation.h"

namespace {

namespace v = reesx::validation;

void BM_ValidateAll(benchmark::State& state)
{
    const auto folders = v::embedded_case_files();
    std::size_t rows = 0;
    for (auto _ : state) {
        const v::Report report = v::run(folders);
        rows = report.rows.size();
        benchmark::DoNotOptimize(report.rows.data());
    }
    state.counters["comparisons"] = static_cast<double>(rows);
}
BENCHMARK(BM_ValidateAll)->Unit(benchmark::kMillisecond);

void BM_ValidateCase(benchmark::State& state, const std::string& name)
{
    const auto folders = v::embedded_case_files();
    for (auto _ : state) {
        const v::Report report = v::run(folders, {name});
        benchmark::DoNotOptimize(report.rows.data());
    }
}

// One benchmark per built-in case, registered at start-up from the embedded list.
const bool registered = [] {
    for (const auto& f : v::embedded_case_files()) {
        benchmark::RegisterBenchmark(("BM_ValidateCase/" + f.name).c_str(), BM_ValidateCase, f.name)
            ->Unit(benchmark::kMillisecond);
    }
    return true;
}();

}  // namespace
