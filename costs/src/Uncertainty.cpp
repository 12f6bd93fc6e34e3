// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Tornado and Monte Carlo. Random numbers: SplitMix64 (Steele, Lea, Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014) seeds one std::mt19937_64 per sample from
// (seed, sample index); uniforms take the top 53 bits. Triangular sampling by inverting its
// CDF (Evans, Hastings, Peacock, Statistical Distributions, ch. 40); normals by Box and Muller,
// Ann. Math. Stat. 29 (1958) 610.
#include "reesx/costs/Uncertainty.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <numbers>
#include <optional>
#include <random>
#include <thread>

#include <unistd.h>

#include "reesx/thermo/SystemSampling.h"

namespace reesx::costs {
namespace {

std::uint64_t splitmix64(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class SampleRng {
public:
    SampleRng(std::uint64_t seed, std::uint64_t index)
        : engine_(splitmix64(splitmix64(seed) ^ splitmix64(index + 0x5851f42d4c957f2dULL)))
    {
    }
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    //! Standard normal by the Box-Muller transform (two uniforms per draw, no state kept, so
    //! the draw order stays that of the calls).
    double normal()
    {
        const double u1 = 1.0 - uniform();  // in (0, 1]: the logarithm stays finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    double triangular(double low, double mode, double high)
    {
        const double u = uniform();
        if (!(high > low)) {
            return mode;
        }
        mode = std::clamp(mode, low, high);
        const double fc = (mode - low) / (high - low);
        return u < fc ? low + std::sqrt(u * (high - low) * (mode - low))
                      : high - std::sqrt((1.0 - u) * (high - low) * (high - mode));
    }

private:
    std::mt19937_64 engine_;
};

ExtractionSystem sample_system_with(const ExtractionSystem& system, SampleRng& rng)
{
    // What the system's data say (thermo/SystemSampling.h): a fitted system's values from its
    // covariance, every other value's range as the range of its pair with its lower neighbour.
    return reesx::sample_system(
        system, [&] { return rng.uniform(); }, [&] { return rng.normal(); });
}

ParamValues sample_globals(const CostModel& model, SampleRng& rng)
{
    ParamValues v;
    const auto& data = model.setup().data;
    for (int p = 0; p < num_global_params; ++p) {
        const Param& q = data.global[p];
        v.global[p] = rng.triangular(q.low, q.value, q.high);
    }
    return v;
}

void sample_region(const CostModel& model, const Region& region, SampleRng& rng, ParamValues& v)
{
    const ParamValues nominal = model.nominal(region);
    for (int p = 0; p < num_region_params; ++p) {
        const Param& q = region.params[p];
        v.region[p] = rng.triangular(q.low, nominal.region[p], q.high);
    }
}

void print_progress(int done, int total, double seconds)
{
    // On a terminal the bar redraws in place; into a file or pipe, one line per 10 %.
    static const bool tty = isatty(fileno(stderr)) != 0;
    if (!tty) {
        static int last_decile = -1;
        const int decile = total > 0 ? done * 10 / total : 10;
        if (decile != last_decile) {
            last_decile = decile;
            std::fprintf(stderr, "Monte Carlo %d/%d  %.1f s\n", done, total, seconds);
        }
        return;
    }
    const int width = 40;
    const int filled = total > 0 ? static_cast<int>(static_cast<double>(done) / total * width) : 0;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\rMonte Carlo [%s] %d/%d  %.1f s", bar.c_str(), done, total, seconds);
    std::fflush(stderr);
}

}  // namespace

std::vector<TornadoBar> sensitivity(const CostModel& model, const Region& region)
{
    std::vector<TornadoBar> bars;
    const ParamValues nominal = model.nominal(region);
    const auto& data = model.setup().data;
    const auto run = [&](const ParamValues& v) {
        return model.evaluate(region, v).cost_usd_per_kg_reo_fed;
    };
    for (int p = 0; p < num_global_params; ++p) {
        const Param& q = data.global[p];
        if (!(q.high > q.low)) {
            continue;
        }
        TornadoBar b;
        b.key = info(static_cast<GlobalParam>(p)).key;
        b.label = info(static_cast<GlobalParam>(p)).what;
        b.low = q.low;
        b.high = q.high;
        ParamValues v = nominal;
        v.global[p] = q.low;
        b.cost_at_low = run(v);
        v.global[p] = q.high;
        b.cost_at_high = run(v);
        bars.push_back(b);
    }
    for (int p = 0; p < num_region_params; ++p) {
        const Param& q = region.params[p];
        if (!(q.high > q.low)) {
            continue;
        }
        TornadoBar b;
        b.key = info(static_cast<RegionParam>(p)).key;
        b.label = info(static_cast<RegionParam>(p)).what;
        b.regional = true;
        b.low = q.low;
        b.high = q.high;
        ParamValues v = nominal;
        v.region[p] = q.low;
        b.cost_at_low = run(v);
        v.region[p] = q.high;
        b.cost_at_high = run(v);
        bars.push_back(b);
    }
    std::stable_sort(bars.begin(), bars.end(), [](const TornadoBar& a, const TornadoBar& b) {
        return a.swing() > b.swing();
    });
    return bars;
}

Percentiles percentiles(std::vector<double> values)
{
    std::erase_if(values, [](double x) { return !std::isfinite(x); });
    Percentiles p;
    if (values.empty()) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {nan, nan, nan, nan};
    }
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) {
        const double pos = q * static_cast<double>(values.size() - 1);
        const auto i = static_cast<std::size_t>(std::floor(pos));
        const double f = pos - static_cast<double>(i);
        return i + 1 < values.size() ? values[i] * (1.0 - f) + values[i + 1] * f : values[i];
    };
    p.p5 = at(0.05);
    p.p50 = at(0.50);
    p.p95 = at(0.95);
    double sum = 0.0;
    for (double x : values) {
        sum += x;
    }
    p.mean = sum / static_cast<double>(values.size());
    return p;
}

ExtractionSystem sample_system(const ExtractionSystem& system, std::uint64_t seed,
                               std::uint64_t index)
{
    SampleRng rng(seed, index);
    return sample_system_with(system, rng);
}

SampledWorld sample_world(const ExtractionSystem& system, const CostModel& model,
                          const Region& region, std::uint64_t seed, std::uint64_t index)
{
    SampledWorlds w = sample_worlds(system, model, {&region}, seed, index);
    return {std::move(w.system), w.values.front()};
}

SampledWorlds sample_worlds(const ExtractionSystem& system, const CostModel& model,
                            const std::vector<const Region*>& regions, std::uint64_t seed,
                            std::uint64_t index)
{
    SampleRng rng(seed, index);
    SampledWorlds w{sample_system_with(system, rng), {}};
    ParamValues v = sample_globals(model, rng);
    for (const Region* region : regions) {
        sample_region(model, *region, rng, v);
        w.values.push_back(v);
    }
    return w;
}

MonteCarloResult monte_carlo(const CaseSpec& spec, const CostModel& model,
                             const std::vector<std::string>& countries,
                             const MonteCarloOptions& options)
{
    const auto t0 = std::chrono::steady_clock::now();
    MonteCarloResult out;
    out.samples = options.samples;
    out.seed = options.seed;
    out.resimulated = options.resimulate;
    const int n = options.samples;
    const std::size_t nc = countries.size();
    std::vector<const Region*> regions;
    for (const auto& code : countries) {
        regions.push_back(&model.region(code));
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // [metric][sample][country]
    enum { cost, capex, opex, energy, co2, metrics };
    std::vector<std::vector<std::vector<double>>> values(
        metrics, std::vector<std::vector<double>>(static_cast<std::size_t>(n),
                                                  std::vector<double>(nc, nan)));
    std::vector<std::string> errors(static_cast<std::size_t>(n));

    const InputNode model_name = spec.root && spec.root->has("model")
                                     ? spec.root->at("model")
                                     : InputNode::load_string(spec.model_name, spec.source_file);

    // The nominal steady state: each resimulated sample (other separation factors, the same
    // stages and flows) starts from it.
    std::optional<CascadeResult> nominal;
    if (options.resimulate) {
        try {
            Cascade cascade(spec);
            nominal = cascade.solve();
        } catch (const Error&) {
        }
    }
    std::atomic<int> next{0}, done{0};
    std::exception_ptr internal_error;
    std::mutex error_mutex, yaml_mutex;
    const auto worker = [&] {
        for (;;) {
            const int i = next.fetch_add(1);
            if (i >= n) {
                return;
            }
            SampleRng rng(options.seed, options.first_sample + static_cast<std::uint64_t>(i));
            try {
                // Draw order is fixed (system, globals, each country), so sample i is the same
                // whichever thread runs it.
                const ExtractionSystem system = sample_system_with(spec.system, rng);
                PlantStreams streams = model.streams();
                if (options.resimulate) {
                    CaseSpec sampled = spec;
                    sampled.system = system;
                    {
                        // The factory reads the case's YAML nodes; yaml-cpp does not promise
                        // that concurrent reads are safe, so one thread at a time (cheap).
                        const std::lock_guard yaml_lock(yaml_mutex);
                        sampled.model =
                            make_equilibrium_model(model_name, sampled.components, sampled.system,
                                                   spec.root ? *spec.root : model_name);
                    }
                    Cascade cascade(sampled);
                    streams =
                        plant_streams(sampled, nominal ? cascade.solve(*nominal) : cascade.solve());
                }
                ParamValues v = sample_globals(model, rng);
                for (std::size_t c = 0; c < nc; ++c) {
                    sample_region(model, *regions[c], rng, v);
                    const CountryCost r = model.evaluate(*regions[c], v, streams);
                    values[cost][static_cast<std::size_t>(i)][c] = r.cost_usd_per_kg_reo_fed;
                    values[capex][static_cast<std::size_t>(i)][c] = r.capex_usd;
                    values[opex][static_cast<std::size_t>(i)][c] = r.opex_usd_per_year;
                    values[energy][static_cast<std::size_t>(i)][c] = r.energy_kwh_per_kg_reo_fed;
                    values[co2][static_cast<std::size_t>(i)][c] = r.co2_kg_per_kg_reo_fed;
                }
            } catch (const Error& e) {
                errors[static_cast<std::size_t>(i)] = e.what();
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!internal_error) {
                    internal_error = std::current_exception();
                }
                next.store(n);
            }
            done.fetch_add(1);
        }
    };
    int threads = options.threads > 0 ? options.threads
                                      : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::clamp(threads, 1, std::max(1, n));
    out.threads = threads;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back(worker);
    }
    if (options.progress) {
        while (done.load() < n && !internal_error) {
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            print_progress(done.load(), n, s);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    for (auto& t : pool) {
        t.join();
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (options.progress) {
        print_progress(done.load(), n, out.seconds);
        if (isatty(fileno(stderr)) != 0) {
            std::fprintf(stderr, "\n");
        }
    }
    if (internal_error) {
        std::rethrow_exception(internal_error);
    }
    for (const auto& e : errors) {
        if (!e.empty()) {
            ++out.failed;
            if (out.failure_messages.size() < 3) {
                out.failure_messages.push_back(e);
            }
        }
    }
    out.cost_usd_per_kg = std::move(values[cost]);
    out.capex_usd = std::move(values[capex]);
    out.opex_usd_per_year = std::move(values[opex]);
    out.energy_kwh_per_kg = std::move(values[energy]);
    out.co2_kg_per_kg = std::move(values[co2]);
    summarize_monte_carlo(out, countries);
    return out;
}

void summarize_monte_carlo(MonteCarloResult& result, const std::vector<std::string>& countries)
{
    const std::size_t n = result.cost_usd_per_kg.size();
    const auto column = [&](const std::vector<std::vector<double>>& values, std::size_t c) {
        std::vector<double> col(n);
        for (std::size_t i = 0; i < n; ++i) {
            col[i] = values[i][c];
        }
        return col;
    };
    result.countries.clear();
    for (std::size_t c = 0; c < countries.size(); ++c) {
        MonteCarloCountry mc;
        mc.code = countries[c];
        mc.cost_usd_per_kg = percentiles(column(result.cost_usd_per_kg, c));
        mc.capex_usd = percentiles(column(result.capex_usd, c));
        mc.opex_usd_per_year = percentiles(column(result.opex_usd_per_year, c));
        mc.energy_kwh_per_kg = percentiles(column(result.energy_kwh_per_kg, c));
        mc.co2_kg_per_kg = percentiles(column(result.co2_kg_per_kg, c));
        std::vector<double> ratio(n);
        for (std::size_t i = 0; i < n; ++i) {
            ratio[i] = result.cost_usd_per_kg[i][c] / result.cost_usd_per_kg[i][0];
        }
        mc.ratio_to_first = percentiles(ratio);
        result.countries.push_back(mc);
    }
}

}  // namespace reesx::costs
