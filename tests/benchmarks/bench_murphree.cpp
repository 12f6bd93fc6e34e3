// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The separation-factor cascades with Murphree efficiencies below 1 among the seeded random
// cases of the property test (tests/flowsheets/RandomCases.h, seed 1 as BM_RandomCascades'
// separation-factor sets): range(1) cases generated, up to range(0) stages per section, only
// those with an `efficiency` key solved. How many converge, and the median and largest time of
// one solve (parse included), in ms. docs/performance.md records the numbers.
// With REESX_CASE_TIMES=FILE set, one line per solved case (index, ms, converged) is written
// there, for a case-by-case comparison of two builds; with REESX_DUMP_FAILURES=DIR, each case
// that fails is written to DIR (murphree-INDEX.yaml) for study, and with REESX_DUMP_SLOWER_MS=T
// as well each converged case that took more than T ms (slow-murphree-INDEX.yaml).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "../flowsheets/RandomCases.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Cascade.h"

namespace {

void BM_RandomMurphreeCascades(benchmark::State& state)
{
    const int cases = static_cast<int>(state.range(1));
    std::vector<double> ms;
    int converged = 0;
    const char* times_path = std::getenv("REESX_CASE_TIMES");
    const char* slower = std::getenv("REESX_DUMP_SLOWER_MS");
    const double slow_ms = slower ? std::atof(slower) : INFINITY;
    std::ofstream times;
    if (times_path) {
        times.open(times_path);
    }
    for (auto _ : state) {
        reesx::test::RandomCaseGenerator generator(1, {static_cast<int>(state.range(0))});
        ms.clear();
        converged = 0;
        for (int k = 0; k < cases; ++k) {
            const reesx::test::RandomCase c = generator.next("separation-factor");
            if (c.yaml.find("efficiency:") == std::string::npos) {
                continue;
            }
            const auto start = std::chrono::steady_clock::now();
            bool ok = false;
            try {
                const reesx::CaseSpec spec =
                    reesx::parse_case(reesx::InputNode::load_string(c.yaml, "random"));
                reesx::Cascade cascade(spec);  // keeps a reference to spec
                ok = cascade.solve().solver.converged;
            } catch (const reesx::Error&) {
                ok = false;
            }
            converged += ok ? 1 : 0;
            if (const char* dir = std::getenv("REESX_DUMP_FAILURES"); dir && !ok) {
                std::ofstream(std::string(dir) + "/murphree-" + std::to_string(k) + ".yaml")
                    << c.yaml;
            }
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
            if (const char* dir = std::getenv("REESX_DUMP_FAILURES");
                dir && ok && ms.back() > slow_ms) {
                std::ofstream(std::string(dir) + "/slow-murphree-" + std::to_string(k) + ".yaml")
                    << c.yaml;
            }
            if (times_path) {
                times << k << ' ' << ms.back() << ' ' << (ok ? 1 : 0) << '\n';
            }
        }
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    state.SetLabel("separation-factor, Murphree");
    state.counters["converged"] = converged;
    state.counters["cases"] = static_cast<double>(sorted.size());
    state.counters["median_ms"] = sorted.empty() ? 0.0 : sorted[sorted.size() / 2];
    state.counters["max_ms"] = sorted.empty() ? 0.0 : sorted.back();
}

}  // namespace

BENCHMARK(BM_RandomMurphreeCascades)
    ->Args({100, 1000})
    ->Args({300, 400})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
