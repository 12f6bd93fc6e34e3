// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Performance of the steady-state cascade solve (issue 2 goal: 17 elements × 100 stages,
// separation-factor model, cold start to 1e-10 in ≤ 5 ms on one core), and the floor it is
// compared with: one block-tridiagonal factorization of the same size. Numbers and the
// machine go in docs/performance.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "../flowsheets/RandomCases.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/solver/BandLu.h"

namespace {

// All 17 rare earths: an illustrative mixed-concentrate distribution (mole fractions, La–Nd
// dominant, heavies in trace) with Pm at 1e-6 so that every element is a live unknown.
const char* feed_composition =
    "{Sc: 0.0002, Y: 0.012, La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, "
    "Sm: 0.012, Eu: 0.002, Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, "
    "Tm: 0.0001, Yb: 0.0002, Lu: 0.0001}";

// A Pr/Nd cut of that feed (beta 1.45 with p507-hcl): S = factor × S_min for a sharp split,
// S_min = f_A + 1/(beta - 1), f_A = the fraction of Nd and heavier.
std::string pr_nd_case(int half_stages, double factor)
{
    const double f_a = 1.0 - 0.27 - 0.4907 - 0.05;
    const auto system = reesx::builtin_system("p507-hcl");
    const double beta = system.beta(*reesx::element_index("Nd"), *reesx::element_index("Pr"));
    const double s = factor * (f_a + 1.0 / (beta - 1.0));
    const double w = s - f_a;
    std::ostringstream y;
    y << "system: p507-hcl\nstages: {extraction: " << half_stages << ", scrub: " << half_stages
      << "}\nfeed: {flow: 1 L/h, concentration: 1 mol/L, composition: " << feed_composition
      << "}\norganic: {flow: " << s << " L/h, loading: 1 mol/L}\n"
      << "scrub: {flow: " << w << " L/h, acid: 3 mol/L}\nsolver: {tolerance: 1e-10}\n";
    return y.str();
}

void solve_case(benchmark::State& state, const std::string& yaml)
{
    const reesx::CaseSpec spec = reesx::parse_case(reesx::InputNode::load_string(yaml, "bench"));
    int iterations = 0, factorizations = 0, evaluations = 0;
    double balance = 0.0;
    for (auto _ : state) {
        reesx::Cascade cascade(spec);  // cold start every time: set-up + start + Newton
        const reesx::CascadeResult r = cascade.solve();
        iterations = r.solver.iterations;
        factorizations = r.solver.jacobian_evaluations;
        evaluations = r.solver.residual_evaluations;
        balance = r.mass_balance_relative_error;
        benchmark::DoNotOptimize(r.products.data());
    }
    state.counters["newton_iterations"] = iterations;
    state.counters["factorizations"] = factorizations;
    state.counters["evaluations"] = evaluations;
    state.counters["balance_rel_error"] = balance;
    state.counters["components"] = static_cast<double>(spec.components.size());
}

void BM_Cascade17x100(benchmark::State& state)
{
    solve_case(state, pr_nd_case(50, 1.1));
}
void BM_Cascade17x300NearMinReflux(benchmark::State& state)
{
    solve_case(state, pr_nd_case(150, 1.05));
}
// Re-solve after a 1 % change of the reflux, warm-started from the solution before it (with
// chord steps on its Jacobian's factors, which this thread keeps).
void BM_Cascade17x100WarmResolve(benchmark::State& state)
{
    const reesx::CaseSpec before =
        reesx::parse_case(reesx::InputNode::load_string(pr_nd_case(50, 1.1), "bench"));
    const reesx::CaseSpec after =
        reesx::parse_case(reesx::InputNode::load_string(pr_nd_case(50, 1.1 * 1.01), "bench"));
    reesx::Cascade first(before);
    const reesx::CascadeResult previous = first.solve();
    int iterations = 0, factorizations = 0, evaluations = 0;
    for (auto _ : state) {
        reesx::Cascade cascade(after);
        const reesx::CascadeResult r = cascade.solve(previous);
        iterations = r.solver.iterations;
        factorizations = r.solver.jacobian_evaluations;
        evaluations = r.solver.residual_evaluations;
        benchmark::DoNotOptimize(r.products.data());
    }
    state.counters["newton_iterations"] = iterations;
    state.counters["factorizations"] = factorizations;
    state.counters["evaluations"] = evaluations;
}

// Longer Pr/Nd cascades at 1.1 S_min: range(0) stages per section.
void BM_Cascade17Long(benchmark::State& state)
{
    solve_case(state, pr_nd_case(static_cast<int>(state.range(0)), 1.1));
}

// The seeded random sets of the property test (tests/flowsheets/RandomCases.h) for the
// model named by range(1) (0 separation-factor, 1 constant-distribution, 2 mass-action,
// 3 ph-correlation), range(2) cases up to range(0) stages per section, with the property
// test's seeds: how many converge, and the median and largest time of one solve (parse
// included), in ms. The four models at 250 cases each are the 1,000-case set.
// With REESX_DUMP_FAILURES=DIR set, each case that fails is written to DIR for study, and
// with REESX_DUMP_SLOWER_MS=T as well each case that took more than T ms (as
// slow-MODEL-INDEX.yaml). With REESX_CASE_TIMES=FILE, one line per case (index, ms,
// converged), for a case-by-case comparison of two builds. `with_fallback` counts the
// converged cases that needed a solver attempt after the first
// (CascadeResult::fallback_attempts), and REESX_DUMP_FALLBACKS=DIR writes those.
void dump_failure(const reesx::test::RandomCase& c, int index, const char* prefix = "",
                  const char* variable = "REESX_DUMP_FAILURES")
{
    if (const char* dir = std::getenv(variable)) {
        std::ofstream(std::string(dir) + "/" + prefix + c.model + "-" + std::to_string(index) +
                      ".yaml")
            << c.yaml;
    }
}

void BM_RandomCascades(benchmark::State& state)
{
    static const char* models[] = {"separation-factor", "constant-distribution", "mass-action",
                                   "ph-correlation"};
    const int model = static_cast<int>(state.range(1)), cases = static_cast<int>(state.range(2));
    std::vector<double> ms;
    int converged = 0, count = 0, with_fallback = 0;
    const char* times_path = std::getenv("REESX_CASE_TIMES");
    const char* slower = std::getenv("REESX_DUMP_SLOWER_MS");
    const double slow_ms = slower ? std::atof(slower) : INFINITY;
    std::ofstream times;
    if (times_path) {
        times.open(times_path);
    }
    for (auto _ : state) {
        reesx::test::RandomCaseGenerator generator(static_cast<std::uint64_t>(model + 1),
                                                   {static_cast<int>(state.range(0))});
        ms.clear();
        converged = count = with_fallback = 0;
        for (int k = 0; k < cases; ++k) {
            const reesx::test::RandomCase c = generator.next(models[model]);
            const auto start = std::chrono::steady_clock::now();
            bool ok = false;
            try {
                const reesx::CaseSpec spec =
                    reesx::parse_case(reesx::InputNode::load_string(c.yaml, "random"));
                reesx::Cascade cascade(spec);  // keeps a reference to spec
                const reesx::CascadeResult r = cascade.solve();
                ok = r.solver.converged;
                if (r.fallback_attempts > 0) {
                    ++with_fallback;
                    dump_failure(c, k, "", "REESX_DUMP_FALLBACKS");
                }
            } catch (const reesx::Error&) {
                ok = false;
            }
            converged += ok ? 1 : 0;
            if (!ok) {
                dump_failure(c, k);
            }
            ++count;
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
            if (ok && ms.back() > slow_ms) {
                dump_failure(c, k, "slow-");
            }
            if (times_path) {
                times << k << ' ' << ms.back() << ' ' << (ok ? 1 : 0) << '\n';
            }
        }
    }
    std::sort(ms.begin(), ms.end());
    state.SetLabel(models[model]);
    state.counters["converged"] = converged;
    state.counters["cases"] = count;
    state.counters["with_fallback"] = with_fallback;
    state.counters["median_ms"] = ms[ms.size() / 2];
    state.counters["p90_ms"] = ms[ms.size() * 9 / 10];
    state.counters["max_ms"] = ms.back();
}

// Random blocks in [-1, 1], diagonal blocks shifted by 40 (well conditioned).
void fill_random(reesx::solver::BlockTridiagonalMatrix& a)
{
    const int blocks = a.num_blocks(), m = a.block_size();
    for (int k = 0; k < blocks; ++k) {
        a.diag[k] = Eigen::MatrixXd::Random(m, m) + 40.0 * Eigen::MatrixXd::Identity(m, m);
        if (k > 0) {
            a.lower[k] = Eigen::MatrixXd::Random(m, m);
        }
        if (k + 1 < blocks) {
            a.upper[k] = Eigen::MatrixXd::Random(m, m);
        }
    }
}

// The floor: one block-tridiagonal factorization + solve with 17×17 blocks.
void BM_BlockTridiagonalFactorization(benchmark::State& state)
{
    const int blocks = static_cast<int>(state.range(0)), m = 17;
    reesx::solver::BlockTridiagonalMatrix a(blocks, m);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(blocks) * m);
    for (auto _ : state) {
        state.PauseTiming();
        fill_random(a);
        b.setOnes();
        state.ResumeTiming();
        benchmark::DoNotOptimize(a.factorize_and_solve(b));
    }
    // Dense block Thomas: per block an LU (2/3 m^3), S^-1 U (2 m^3) and L G (2 m^3).
    state.counters["flops"] = benchmark::Counter(blocks * (2.0 / 3.0 + 4.0) * m * m * m,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

// The stable fallback of the same solve: band LU with partial pivoting across blocks.
void BM_BandLuFactorization(benchmark::State& state)
{
    const int blocks = static_cast<int>(state.range(0)), m = 17;
    reesx::solver::BlockTridiagonalMatrix a(blocks, m);
    fill_random(a);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(blocks) * m);
    reesx::solver::BandLu lu;
    for (auto _ : state) {
        benchmark::DoNotOptimize(lu.factorize(a));
        lu.solve(b);
        benchmark::DoNotOptimize(b.data());
    }
}

// The dynamic iteration matrix's factorization (issue 5): 100 blocks of 17 with diagonal
// upper blocks, factorized and solved once, as on every IDA step; blocks below the diagonal
// full (range 1 = 0) or diagonal plus rank one (1, the separation-factor model's).
void BM_DiagonalUpperFactorization(benchmark::State& state)
{
    const int blocks = static_cast<int>(state.range(0)), m = 17;
    reesx::solver::DiagonalUpperBlockTridiagonal a(blocks, m);
    for (int k = 0; k < blocks; ++k) {
        if (state.range(1) == 1) {
            a.set_lower_diagonal_plus_rank_one(k, Eigen::VectorXd::Random(m),
                                               Eigen::VectorXd::Random(m),
                                               Eigen::VectorXd::Random(m));
        } else {
            a.lower(k) = Eigen::MatrixXd::Random(m, m);
        }
        a.upper[k] = Eigen::VectorXd::Random(m);
    }
    std::vector<Eigen::MatrixXd> diag(blocks);
    for (auto& d : diag) {
        d = Eigen::MatrixXd::Random(m, m) + 40.0 * Eigen::MatrixXd::Identity(m, m);
    }
    Eigen::VectorXd b = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(blocks) * m);
    for (auto _ : state) {
        for (int k = 0; k < blocks; ++k) {  // factorize overwrites the diagonal blocks
            a.diag(k) = diag[k];
        }
        benchmark::DoNotOptimize(a.factorize());
        a.solve(b);
        benchmark::DoNotOptimize(b.data());
    }
}

}  // namespace

BENCHMARK(BM_Cascade17x100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Cascade17x300NearMinReflux)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Cascade17x100WarmResolve)->Unit(benchmark::kMillisecond);
// 17 × 20 to 17 × 5,000 stages (range = stages per section), for the growth of the time with N.
BENCHMARK(BM_Cascade17Long)
    ->Arg(10)
    ->Arg(25)
    ->Arg(100)
    ->Arg(200)
    ->Arg(300)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Cascade17Long)->Arg(2500)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RandomCascades)
    ->Args({100, 0, 200})
    ->Args({300, 0, 200})
    ->Args({2500, 0, 50})
    ->Args({100, 0, 250})
    ->Args({100, 1, 250})
    ->Args({40, 2, 250})
    ->Args({100, 3, 250})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_BlockTridiagonalFactorization)->Arg(100)->Arg(300)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BandLuFactorization)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DiagonalUpperFactorization)
    ->Args({100, 0})
    ->Args({100, 1})
    ->Unit(benchmark::kMicrosecond);
