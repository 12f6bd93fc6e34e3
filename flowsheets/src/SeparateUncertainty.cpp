// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/SeparateUncertainty.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "reesx/core/Error.h"

namespace reesx {
namespace {

//! One sample's plant: its sequence, and either the nominal plant's cascades re-sized or the
//! totals of its own plant.
struct Outcome {
    std::string cuts;
    bool nominal_sequence = true;
    std::vector<DesignSizing> sized;  //!< per nominal cascade, when it keeps the sequence
    int total_stages = -1;            //!< extraction + scrub, every cascade; -1: failed
    std::vector<double> cost;
    std::string error;
};

DesignSizing sizing_of(const DesignResult& design)
{
    DesignSizing sized;
    sized.n = design.n;
    sized.m = design.m;
    sized.s = design.s;
    sized.w = design.w;
    sized.simulation = design.simulation;
    return sized;
}

void add_to(std::vector<double>& sum, const std::vector<double>& one)
{
    for (std::size_t k = 0; k < std::min(one.size(), sum.size()); ++k) {
        sum[k] += one[k];
    }
}

//! The nominal plant's cascades re-sized for the sampled system (each fed as in the nominal).
void resize_nominal(const SeparateResult& nominal, const ExtractionSystem& system,
                    const CascadeCosting& costing, Outcome& o)
{
    o.total_stages = 0;
    for (const auto& c : nominal.cascades) {
        DesignSpec trial = c.spec;
        trial.system = system;
        // The trials' case files carry the sampled values inline, not the name of the
        // built-in system.
        trial.system_reference.clear();
        // Each cascade's search starts from its nominal design, never from another sample:
        // the order of work is free.
        DesignSizing s = size_design(trial, c.design, static_cast<bool>(costing));
        if (costing) {
            add_to(o.cost, costing(trial, s));
            s.simulation.reset();  // kept only for the costing
        }
        o.total_stages += s.n + s.m;
        o.sized.push_back(std::move(s));
    }
}

//! The plant the sampled system's own sequence makes, designed in full.
void design_own_plant(const SeparateSpec& spec, const ExtractionSystem& system,
                      const CascadeCosting& costing, Outcome& o)
{
    SeparateSpec own = spec;
    own.system = system;
    own.system_reference.clear();
    const SeparateResult plant = separate(own);
    o.total_stages = 0;
    for (const auto& c : plant.cascades) {
        o.total_stages += c.design.n + c.design.m;
        if (costing) {
            add_to(o.cost, costing(c.spec, sizing_of(c.design)));
        }
    }
}

}  // namespace

SeparateUncertainty separate_uncertainty(const SeparateSpec& spec, const SeparateResult& nominal,
                                         int samples, std::uint64_t seed, int threads,
                                         const CascadeCosting& costing, bool keep_sequence)
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
            const std::vector<double> cost = costing(c.spec, sizing_of(c.design));
            out.nominal_cost.resize(std::max(out.nominal_cost.size(), cost.size()), 0.0);
            add_to(out.nominal_cost, cost);
        }
    }
    const std::string nominal_cuts = chosen_sequence(spec);
    const std::vector<ExtractionSystem> systems = draw_systems(spec.system, samples, seed);
    std::vector<Outcome> outcomes(static_cast<std::size_t>(samples));
    out.threads = for_each_sample(samples, threads, [&](int i) {
        auto& o = outcomes[static_cast<std::size_t>(i)];
        const ExtractionSystem& system = systems[static_cast<std::size_t>(i)];
        o.cost.assign(out.nominal_cost.size(), 0.0);
        try {
            SeparateSpec own = spec;
            own.system = system;
            o.cuts = chosen_sequence(own);
            o.nominal_sequence = o.cuts == nominal_cuts;
            if (o.cuts.empty()) {
                o.error = "no sequence of cuts reaches the purities with the sampled values";
            } else if (o.nominal_sequence || keep_sequence) {
                resize_nominal(nominal, system, costing, o);
            } else {
                design_own_plant(spec, system, costing, o);
            }
        } catch (const Error& e) {
            o.error = e.what();
            o.total_stages = -1;
            o.sized.clear();
        }
    });
    std::vector<std::vector<double>> n(cascades), m(cascades), total(cascades), s(cascades);
    std::vector<double> plant_total;
    std::map<std::string, int> failures, chosen;
    for (const auto& o : outcomes) {
        if (!o.cuts.empty()) {
            ++chosen[o.cuts];
            out.sequence_changed += o.nominal_sequence ? 0 : 1;
        }
        if (o.total_stages < 0) {
            ++out.failed;
            ++failures[o.error.substr(0, std::min<std::size_t>(o.error.size(), 120))];
            continue;
        }
        if (o.sized.size() == cascades) {
            ++out.nominal_sequence_samples;
            for (std::size_t c = 0; c < cascades; ++c) {
                const DesignSizing& r = o.sized[c];
                n[c].push_back(r.n);
                m[c].push_back(r.m);
                total[c].push_back(r.n + r.m);
                s[c].push_back(r.s);
            }
        }
        plant_total.push_back(o.total_stages);
        out.total_stage_samples.push_back(o.total_stages);
        if (costing) {
            out.cost_samples.push_back(o.cost);
        }
    }
    for (const auto& [cuts, count] : chosen) {
        out.sequences.push_back({cuts, count, cuts == nominal_cuts});
    }
    std::stable_sort(out.sequences.begin(), out.sequences.end(),
                     [](const SequenceShare& a, const SequenceShare& b) {
                         return a.samples != b.samples ? a.samples > b.samples
                                                       : a.nominal && !b.nominal;
                     });
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
    if (out.sequence_changed > 0) {
        out.warnings.push_back(
            std::to_string(out.sequence_changed) + " of " + std::to_string(samples) +
            " samples choose another sequence of cuts than the nominal plant's (" + nominal_cuts +
            ")" +
            (keep_sequence ? "; they were sized as the nominal plant all the same"
                           : "; they were designed as their own plants (the plant totals and "
                             "costs include them, the cascades' spreads do not)"));
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace reesx
