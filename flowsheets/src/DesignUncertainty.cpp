// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/DesignUncertainty.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <thread>

#include "reesx/core/Error.h"

namespace reesx {

Percentiles spread_percentiles(std::vector<double> v)
{
    Percentiles p;
    if (v.empty()) {
        return p;
    }
    std::sort(v.begin(), v.end());
    // Linear interpolation between order statistics (type 7, the default of R and NumPy).
    const auto at = [&](double q) {
        const double h = q * static_cast<double>(v.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
    };
    p.p10 = at(0.1);
    p.p50 = at(0.5);
    p.p90 = at(0.9);
    return p;
}

std::vector<ExtractionSystem> draw_systems(const ExtractionSystem& system, int samples,
                                           std::uint64_t seed)
{
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::normal_distribution<double> n01(0.0, 1.0);
    const std::function<double()> uniform = [&] { return u01(engine); };
    const std::function<double()> normal = [&] { return n01(engine); };
    std::vector<ExtractionSystem> systems;
    systems.reserve(static_cast<std::size_t>(std::max(0, samples)));
    for (int i = 0; i < samples; ++i) {
        systems.push_back(sample_system(system, uniform, normal));
    }
    return systems;
}

std::string sampling_basis(const ExtractionSystem& system)
{
    return system.fit ? "the fit's covariance (" + system.fit->model +
                            " fit), the ranges of the values it did not fit"
                      : "the ranges of the system's values (uniform, per pair)";
}

int for_each_sample(int samples, int threads, const std::function<void(int)>& job)
{
    const int used = std::clamp(threads, 1, std::max(1, samples));
    std::atomic<int> next{0};
    // An exception must not leave a worker thread (that terminates the program): each is
    // kept and the first sample's rethrown once every thread has joined.
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(0, samples)));
    const auto work = [&] {
        for (int i = next++; i < samples; i = next++) {
            try {
                job(i);
            } catch (...) {
                errors[static_cast<std::size_t>(i)] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < used; ++t) {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool) {
        t.join();
    }
    for (const auto& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
    return used;
}

std::vector<std::vector<int>> sample_chains(const std::vector<ExtractionSystem>& systems,
                                            const DesignResult& nominal, int length)
{
    const auto chain = static_cast<std::size_t>(std::max(1, length));
    std::vector<int> order(systems.size());
    std::iota(order.begin(), order.end(), 0);
    if (nominal.key_a >= 0 && nominal.key_b >= 0) {
        std::vector<double> beta;
        for (const auto& system : systems) {
            beta.push_back(system.beta(nominal.key_a, nominal.key_b));
        }
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return beta[static_cast<std::size_t>(a)] < beta[static_cast<std::size_t>(b)];
        });
    }
    std::vector<std::vector<int>> chains;
    for (std::size_t first = 0; first < order.size(); first += chain) {
        const std::size_t last = std::min(order.size(), first + chain);
        chains.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(first),
                            order.begin() + static_cast<std::ptrdiff_t>(last));
    }
    return chains;
}

DesignUncertainty design_uncertainty(const DesignSpec& spec, const DesignResult& nominal,
                                     int samples, std::uint64_t seed, int threads, int chain_length)
{
    const auto started = std::chrono::steady_clock::now();
    DesignUncertainty out;
    out.seed = seed;
    out.basis = sampling_basis(spec.system);
    if (spec.middle) {
        throw InputError(
            "--uncertainty: three-outlet designs are not sampled yet; give a "
            "two-product split");
    }
    if (nominal.key_a >= 0 && nominal.key_b >= 0) {
        out.beta_key_nominal = spec.system.beta(nominal.key_a, nominal.key_b);
    }
    // Draw every sample first: the designs may then run in any order on any thread.
    const std::vector<ExtractionSystem> systems = draw_systems(spec.system, samples, seed);
    struct Outcome {
        std::optional<DesignSizing> result;
        std::string error;
    };
    std::vector<Outcome> outcomes(static_cast<std::size_t>(samples));
    const std::vector<std::vector<int>> chains = sample_chains(systems, nominal, chain_length);
    // The design's input is parsed once for all samples: each sample's trials are built on the
    // nominal design's parsed case with its own system (design_trial_case).
    std::shared_ptr<const CaseSpec> parsed;
    if (!nominal.case_yaml.empty()) {
        parsed = std::make_shared<const CaseSpec>(
            parse_design_case(spec, nominal.case_yaml, "design case"));
    }
    out.threads = for_each_sample(static_cast<int>(chains.size()), threads, [&](int c) {
        // Along a chain each sample's search starts from the last one's boundary and trials
        // (a sample of nearby values); each chain from the nominal design alone, so that the
        // result does not depend on which thread runs which chain.
        SizingMemory memory;
        memory.parsed_case = parsed;
        for (const int i : chains[static_cast<std::size_t>(c)]) {
            DesignSpec trial = spec;
            trial.tradeoff_points = 0;
            auto& o = outcomes[static_cast<std::size_t>(i)];
            trial.system = systems[static_cast<std::size_t>(i)];
            // A trial's case file would carry the sampled values inline, not the built-in's name.
            trial.system_reference.clear();
            try {
                o.result = size_design(trial, nominal, false, &memory);
            } catch (const Error& e) {
                o.error = e.what();
            }
        }
    });
    std::vector<double> n, m, total, s, w, beta;
    std::map<std::string, int> failures;
    for (int i = 0; i < samples; ++i) {
        const auto& o = outcomes[static_cast<std::size_t>(i)];
        if (nominal.key_a >= 0 && nominal.key_b >= 0) {
            beta.push_back(systems[static_cast<std::size_t>(i)].beta(nominal.key_a, nominal.key_b));
        }
        if (!o.result) {
            ++out.failed;
            ++failures[o.error.substr(0, std::min<std::size_t>(o.error.size(), 120))];
            continue;
        }
        const DesignSizing& r = *o.result;
        out.simulations += r.simulations;
        n.push_back(r.n);
        m.push_back(r.m);
        total.push_back(r.n + r.m);
        s.push_back(r.s);
        w.push_back(r.w);
        out.total_stage_samples.push_back(r.n + r.m);
        out.extraction_stage_samples.push_back(r.n);
    }
    out.samples = samples;
    out.extraction_stages = spread_percentiles(n);
    out.scrub_stages = spread_percentiles(m);
    out.total_stages = spread_percentiles(total);
    out.s = spread_percentiles(s);
    out.w = spread_percentiles(w);
    out.beta_key = spread_percentiles(beta);
    if (out.failed > 0) {
        std::string first = failures.begin()->first;
        out.warnings.push_back(
            std::to_string(out.failed) + " of " + std::to_string(samples) +
            " sampled designs failed (percentiles are of the others), e.g.: " + first);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace reesx
