// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/SeparateUncertainty.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "reesx/core/Error.h"

namespace reesx {

SeparateUncertainty separate_uncertainty(const SeparateSpec& spec, const SeparateResult& nominal,
                                         int samples, std::uint64_t seed, int threads,
                                         const CascadeCosting& costing)
{
    const auto started = std::chrono::steady_clock::now();
    SeparateUncertainty out;
    out.seed = seed;
    out.samples = samples;
    out.basis = sampling_basis(spec.system);
    const std::size_t cascades = nominal.cascades.size();
    for (const auto& c : nominal.cascades) {
        CascadeSpread spread;
        spread.split = c.split;
        spread.nominal_n = c.design.n;
        spread.nominal_m = c.design.m;
        spread.nominal_s = c.design.s;
        out.nominal_total_stages += c.design.n + c.design.m;
        out.cascades.push_back(spread);
        if (costing) {
            // The nominal plant priced by the same costing as the samples (apples to apples).
            DesignSizing sized;
            sized.n = c.design.n;
            sized.m = c.design.m;
            sized.s = c.design.s;
            sized.w = c.design.w;
            sized.simulation = c.design.simulation;
            const std::vector<double> cost = costing(c.spec, sized);
            out.nominal_cost.resize(std::max(out.nominal_cost.size(), cost.size()), 0.0);
            for (std::size_t k = 0; k < cost.size(); ++k) {
                out.nominal_cost[k] += cost[k];
            }
        }
    }
    const std::vector<ExtractionSystem> systems = draw_systems(spec.system, samples, seed);
    struct Outcome {
        std::vector<DesignSizing> sized;  //!< per cascade; empty when one failed
        std::vector<double> cost;
        std::string error;
    };
    std::vector<Outcome> outcomes(static_cast<std::size_t>(samples));
    out.threads = for_each_sample(samples, threads, [&](int i) {
        auto& o = outcomes[static_cast<std::size_t>(i)];
        try {
            std::vector<DesignSizing> sized;
            std::vector<double> cost(out.nominal_cost.size(), 0.0);
            for (const auto& c : nominal.cascades) {
                DesignSpec trial = c.spec;
                trial.system = systems[static_cast<std::size_t>(i)];
                // The trials' case files carry the sampled values inline, not the name of
                // the built-in system.
                trial.system_reference.clear();
                // Each cascade's search starts from its nominal design, never from another
                // sample: the order of work is free.
                DesignSizing s = size_design(trial, c.design, static_cast<bool>(costing));
                if (costing) {
                    const std::vector<double> one = costing(trial, s);
                    for (std::size_t k = 0; k < std::min(one.size(), cost.size()); ++k) {
                        cost[k] += one[k];
                    }
                    s.simulation.reset();  // kept only for the costing
                }
                sized.push_back(std::move(s));
            }
            o.sized = std::move(sized);
            o.cost = std::move(cost);
        } catch (const Error& e) {
            o.error = e.what();
        }
    });
    std::vector<std::vector<double>> n(cascades), m(cascades), total(cascades), s(cascades);
    std::vector<double> plant_total;
    std::map<std::string, int> failures;
    for (const auto& o : outcomes) {
        if (o.sized.size() != cascades) {
            ++out.failed;
            ++failures[o.error.substr(0, std::min<std::size_t>(o.error.size(), 120))];
            continue;
        }
        int sum = 0;
        for (std::size_t c = 0; c < cascades; ++c) {
            const DesignSizing& r = o.sized[c];
            n[c].push_back(r.n);
            m[c].push_back(r.m);
            total[c].push_back(r.n + r.m);
            s[c].push_back(r.s);
            sum += r.n + r.m;
        }
        plant_total.push_back(sum);
        out.total_stage_samples.push_back(sum);
        if (costing) {
            out.cost_samples.push_back(o.cost);
        }
    }
    for (std::size_t c = 0; c < cascades; ++c) {
        out.cascades[c].extraction_stages = spread_percentiles(n[c]);
        out.cascades[c].scrub_stages = spread_percentiles(m[c]);
        out.cascades[c].total_stages = spread_percentiles(total[c]);
        out.cascades[c].s = spread_percentiles(s[c]);
    }
    out.total_stages = spread_percentiles(plant_total);
    if (out.failed > 0) {
        out.warnings.push_back(std::to_string(out.failed) + " of " + std::to_string(samples) +
                               " sampled plants had a cascade whose design failed (percentiles "
                               "are of the others), e.g.: " +
                               failures.begin()->first);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace reesx
