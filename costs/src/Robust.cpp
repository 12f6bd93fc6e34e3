// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The robust optimum of a cut (Robust.h, docs/optimize.md). Sample average approximation with
// common random numbers: the samples (separation factors and cost parameters, seeded) are
// drawn once and every candidate stage pair is priced on all of them, so that the difference
// between two candidates is not sampling noise. In each sample a candidate runs at the
// smallest reflux at which its stages meet the targets there (the reflux is set in operation,
// the stages are built), found by doubling steps and bisection in ln(S - S_floor); with a
// fixed reflux, at the largest of those over the samples, held in every sample. Several
// countries share the samples and every simulation (RobustWorld.h prices it in each).
#include "reesx/costs/Robust.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "RobustWorld.h"
#include "reesx/core/Error.h"
#include "reesx/costs/Uncertainty.h"

namespace reesx::costs {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinite_cost = std::numeric_limits<double>::infinity();

//! A stage pair in one sample: its reflux there (retuned: the smallest meeting the targets;
//! fixed: the one held) and its USD/kg in each country (NaN where it misses the targets).
struct Priced {
    double s = nan;
    std::vector<double> cost;
};

void summarize(RobustCandidate& c, const std::optional<double>& percentile,
               const std::vector<double>& s_over_s_min)
{
    std::vector<double> finite;
    double s_sum = 0.0;
    for (std::size_t k = 0; k < c.cost_usd_per_kg.size(); ++k) {
        if (std::isfinite(c.cost_usd_per_kg[k])) {
            finite.push_back(c.cost_usd_per_kg[k]);
            s_sum += s_over_s_min[k];
        } else {
            ++c.infeasible;
        }
    }
    if (finite.empty()) {
        c.objective = c.mean_usd_per_kg = c.mean_s_over_s_min = infinite_cost;
        return;
    }
    double sum = 0.0;
    for (double v : finite) {
        sum += v;
    }
    c.mean_usd_per_kg = sum / static_cast<double>(finite.size());
    c.mean_s_over_s_min = s_sum / static_cast<double>(finite.size());
    c.objective = percentile ? percentile_of(finite, *percentile) : c.mean_usd_per_kg;
}

//! Fewer infeasible samples first, then the lower objective.
bool better(const RobustCandidate& a, const RobustCandidate& b)
{
    return a.infeasible != b.infeasible ? a.infeasible < b.infeasible : a.objective < b.objective;
}

}  // namespace

double percentile_of(std::vector<double> values, double percent)
{
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
        values.end());
    if (values.empty()) {
        return nan;
    }
    std::sort(values.begin(), values.end());
    const double last = static_cast<double>(values.size() - 1);
    const double rank = std::clamp(percent, 0.0, 100.0) / 100.0 * last;
    const auto below = static_cast<std::size_t>(std::floor(rank));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
}

RobustResult robust_optimum(const DesignSpec& spec, const CostSetup& setup, const std::string& code,
                            const CountryOptimum& nominal, const RobustOptions& options)
{
    CountryOptimum first = nominal;
    first.code = code;
    return robust_optima(spec, setup, {first}, options).front();
}

std::vector<RobustResult> robust_optima(const DesignSpec& spec, const CostSetup& setup,
                                        const std::vector<CountryOptimum>& nominals,
                                        const RobustOptions& options)
{
    if (options.samples < 2) {
        throw InputError("--robust: give at least 2 samples, e.g. --robust 20");
    }
    if (options.percentile && !(*options.percentile >= 0.0 && *options.percentile <= 100.0)) {
        throw InputError("--percentile: expected a percentile between 0 and 100, e.g. 90");
    }
    if (nominals.empty()) {
        throw InputError("--robust: no country to optimize");
    }
    const auto start = std::chrono::steady_clock::now();
    DesignSpec base = spec;
    base.tradeoff_points = 0;
    const CostModel model(setup, nominals.front().optimum.streams);
    const std::size_t countries = nominals.size();
    std::vector<const Region*> regions;
    for (const auto& c : nominals) {
        regions.push_back(&model.region(c.code));
    }
    // The chemistry is the same in every country: the first country's reflux is where each
    // search starts and its S_min the unit of the refluxes reported.
    const double s_start = nominals.front().optimum.s;
    const double s_min = nominals.front().optimum.s / nominals.front().optimum.s_over_s_min;
    constexpr double tolerance = 1e-3;

    // The samples, drawn first (the work may then run in any order on any thread).
    const auto samples = static_cast<std::size_t>(options.samples);
    std::vector<const Region*> drawn = regions;
    std::vector<std::size_t> drawn_index(countries);
    for (std::size_t c = 0; c < countries; ++c) {
        drawn_index[c] = c;
    }
    if (!options.sampled_countries.empty()) {
        drawn.clear();
        for (const auto& code : options.sampled_countries) {
            drawn.push_back(&model.region(code));
        }
        for (std::size_t c = 0; c < countries; ++c) {
            const auto at = std::find(drawn.begin(), drawn.end(), regions[c]);
            if (at == drawn.end()) {
                throw InputError("--robust: country " + nominals[c].code +
                                 " is optimized but not among the countries sampled");
            }
            drawn_index[c] = static_cast<std::size_t>(at - drawn.begin());
        }
    }
    std::vector<SampledWorlds> worlds;
    worlds.reserve(samples);
    for (std::size_t k = 0; k < samples; ++k) {
        SampledWorlds w = sample_worlds(spec.system, model, drawn, options.seed, k);
        std::vector<ParamValues> priced_values;
        for (std::size_t c = 0; c < countries; ++c) {
            priced_values.push_back(w.values.at(drawn_index[c]));
        }
        w.values = std::move(priced_values);
        worlds.push_back(std::move(w));
    }
    // One pricer per sample, kept warm from round to round (none for a sample that failed).
    std::vector<std::unique_ptr<WorldPricer>> pricers(samples);
    std::vector<std::string> failures(samples);
    std::map<std::pair<int, int>, std::vector<Priced>> priced;  // pair -> per sample
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = std::min<std::size_t>(
        samples, options.threads > 0 ? static_cast<std::size_t>(options.threads) : hardware);
    // Runs `job(k, pricer)` for every sample that has not failed, samples in parallel.
    const auto for_each_sample = [&](const std::function<void(std::size_t, WorldPricer&)>& job) {
        std::vector<std::exception_ptr> errors(samples);
        std::atomic<std::size_t> next{0};
        const auto work = [&] {
            for (std::size_t k = next++; k < samples; k = next++) {
                if (!failures[k].empty()) {
                    continue;
                }
                try {
                    if (!pricers[k]) {
                        DesignSpec world = base;
                        world.system = worlds[k].system;
                        // The trial cases must carry the sampled values, not the built-in
                        // system's name (which would read the nominal values back).
                        world.system_reference.clear();
                        pricers[k] = std::make_unique<WorldPricer>(
                            world, model, regions, worlds[k].values, tolerance, s_min);
                    }
                    job(k, *pricers[k]);
                } catch (const Error& e) {
                    failures[k] = e.what();  // this sample's system cannot be designed at all
                } catch (...) {
                    errors[k] = std::current_exception();
                }
            }
        };
        std::vector<std::thread> pool;
        for (std::size_t t = 1; t < threads; ++t) {
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
    };
    const auto price_pairs = [&](const std::vector<std::pair<int, int>>& pairs) {
        for (const auto& p : pairs) {
            priced[p] = std::vector<Priced>(samples);  // filled below, each sample its entry
        }
        for_each_sample([&](std::size_t k, WorldPricer& pricer) {
            for (const auto& [n, m] : pairs) {
                Priced& at = priced.at({n, m})[k];
                at.s = pricer.smallest_reflux(n, m, s_start);
                if (!options.fixed_reflux && at.s > 0.0) {
                    at.cost = pricer.price(n, m, at.s);
                }
            }
        });
        if (!options.fixed_reflux) {
            return;
        }
        // Held at one reflux: the smallest that meets the targets in every sample, the
        // largest of the samples' smallest (meeting the targets is monotone in the reflux).
        std::map<std::pair<int, int>, double> held;
        for (const auto& p : pairs) {
            double s = 0.0;
            for (const auto& at : priced.at(p)) {
                s = std::max(s, at.s);
            }
            held[p] = s;
        }
        for_each_sample([&](std::size_t k, WorldPricer& pricer) {
            for (const auto& [n, m] : pairs) {
                Priced& at = priced.at({n, m})[k];
                if (at.s > 0.0) {
                    at.s = held.at({n, m});
                    at.cost = pricer.price(n, m, at.s);
                }
            }
        });
    };
    const auto candidate = [&](const std::pair<int, int>& pair, std::size_t country) {
        RobustCandidate c;
        c.n = pair.first;
        c.m = pair.second;
        std::vector<double> s_over(samples, nan);
        const auto& per_sample = priced.at(pair);
        double held = 0.0;
        for (std::size_t k = 0; k < samples; ++k) {
            const Priced& at = per_sample[k];
            c.cost_usd_per_kg.push_back(at.cost.empty() ? nan : at.cost[country]);
            s_over[k] = at.s / s_min;
            held = std::max(held, at.s);
        }
        if (options.fixed_reflux && held > 0.0) {
            c.fixed_s_over_s_min = held / s_min;
        }
        summarize(c, options.percentile, s_over);
        return c;
    };

    // Each country's box of stage pairs around its nominal optimum's; while a country's best
    // pair is on the edge of its box, that box moves to it. Every pair is priced once, in
    // every country (pairs already priced are not priced again).
    constexpr int max_rounds = 10;
    std::vector<RobustResult> out(countries);
    std::vector<std::pair<int, int>> centres;
    for (const auto& c : nominals) {
        centres.emplace_back(c.optimum.n, c.optimum.m);
    }
    std::vector<bool> at_edge(countries, true);
    for (int round = 0; round < max_rounds; ++round) {
        std::set<std::pair<int, int>> fresh;
        for (std::size_t c = 0; c < countries; ++c) {
            if (!at_edge[c]) {
                continue;
            }
            const auto [n0, m0] = centres[c];
            for (int n = n0 - options.radius; n <= n0 + options.radius; ++n) {
                for (int m = m0 - options.radius; m <= m0 + options.radius; ++m) {
                    if (n >= 1 && m >= 1 && !priced.contains({n, m})) {
                        fresh.emplace(n, m);
                    }
                }
            }
        }
        price_pairs({fresh.begin(), fresh.end()});
        bool any_at_edge = false;
        for (std::size_t c = 0; c < countries; ++c) {
            RobustResult& r = out[c];
            r.candidates.clear();
            for (const auto& [pair, values] : priced) {
                r.candidates.push_back(candidate(pair, c));
            }
            r.robust = *std::min_element(r.candidates.begin(), r.candidates.end(), better);
            at_edge[c] =
                options.radius > 0 && (std::abs(r.robust.n - centres[c].first) == options.radius ||
                                       std::abs(r.robust.m - centres[c].second) == options.radius);
            if (at_edge[c]) {
                centres[c] = {r.robust.n, r.robust.m};
                any_at_edge = true;
            }
        }
        if (!any_at_edge) {
            break;
        }
    }
    std::vector<std::string> sample_warnings;
    for (std::size_t k = 0; k < samples; ++k) {
        if (!failures[k].empty()) {
            sample_warnings.push_back("sample " + std::to_string(k) + " failed: " + failures[k]);
        }
    }
    int simulations = 0;
    for (const auto& p : pricers) {
        simulations += p ? p->simulations() : 0;
    }

    // The nominal world: each country's nominal optimum as optimize priced it, and its robust
    // stages at the smallest reflux they need there (or at the reflux held).
    std::vector<ParamValues> nominal_values;
    for (const Region* region : regions) {
        nominal_values.push_back(model.nominal(*region));
    }
    WorldPricer at_nominal(base, model, regions, nominal_values, tolerance, s_min);
    for (std::size_t c = 0; c < countries; ++c) {
        RobustResult& r = out[c];
        const PricedDesign& optimum = nominals[c].optimum;
        r.code = nominals[c].code;
        r.samples = options.samples;
        r.seed = options.seed;
        r.percentile = options.percentile;
        r.fixed_reflux = options.fixed_reflux;
        r.nominal = candidate({optimum.n, optimum.m}, c);
        r.warnings = sample_warnings;
        if (r.robust.infeasible > 0) {
            r.warnings.push_back(
                "no stage pair searched meets the targets in every sample: the robust design "
                "fails them in " +
                std::to_string(r.robust.infeasible) + " of " + std::to_string(options.samples) +
                " samples (lower the purities, or the system's ranges are wide)");
        }
        if (at_edge[c]) {
            r.warnings.push_back(
                "after " + std::to_string(max_rounds) +
                " moves of the box of stage pairs searched the robust pair is still at its "
                "edge: a wider --robust-radius may find a cheaper one");
        }
        r.nominal_world_nominal_usd_per_kg = optimum.cost_usd_per_kg;
        const bool same = r.robust.n == optimum.n && r.robust.m == optimum.m;
        if (same && !options.fixed_reflux) {
            r.nominal_world_robust_usd_per_kg = optimum.cost_usd_per_kg;
            r.robust_s_over_s_min = optimum.s_over_s_min;
        } else {
            const double s = options.fixed_reflux
                                 ? r.robust.fixed_s_over_s_min * s_min
                                 : at_nominal.smallest_reflux(r.robust.n, r.robust.m, s_start);
            r.nominal_world_robust_usd_per_kg =
                s > 0.0 ? at_nominal.price(r.robust.n, r.robust.m, s)[c] : nan;
            r.robust_s_over_s_min = s > 0.0 ? s / s_min : nan;
        }
        if (options.fixed_reflux) {
            // The nominal optimum not retuned: how often its own reflux misses the targets.
            std::atomic<int> off_spec{0};
            for_each_sample([&](std::size_t, WorldPricer& pricer) {
                if (!pricer.meets_at(optimum.n, optimum.m, optimum.s)) {
                    ++off_spec;
                }
            });
            r.nominal_off_spec_samples = off_spec;
        }
    }
    simulations += at_nominal.simulations();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (auto& r : out) {
        r.simulations = simulations;
        r.seconds = seconds;
    }
    return out;
}

}  // namespace reesx::costs
