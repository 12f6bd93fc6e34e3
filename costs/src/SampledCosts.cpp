// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/SampledCosts.h"

#include <chrono>
#include <map>
#include <optional>

#include "reesx/core/Error.h"
#include "reesx/costs/ExtractionSide.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {

PlantStreams sized_streams(const DesignSpec& spec, const DesignSizing& sized)
{
    if (!sized.simulation) {
        throw Error("sized_streams: the sizing kept no simulation");
    }
    const CaseSpec c = parse_design_case(
        spec, design_case_yaml(spec, sized.n, sized.m, sized.s, sized.w), "sampled design case");
    return plant_streams(c, *sized.simulation);
}

CascadeCosting plant_share_costing(const CostSetup& setup, const std::vector<std::string>& codes,
                                   double plant_feed_reo_kg_per_h)
{
    return
        [setup, codes, plant_feed_reo_kg_per_h](const DesignSpec& spec, const DesignSizing& sized) {
            const CostModel model(setup, sized_streams(spec, sized));
            std::vector<double> share;
            for (const auto& code : codes) {
                const Region& region = model.region(code);
                const CountryCost c = model.evaluate(region, model.nominal(region));
                share.push_back(c.annual_cost_usd_per_year /
                                (plant_feed_reo_kg_per_h * c.operating_hours_per_year));
            }
            return share;
        };
}

OptimizeUncertainty optimize_uncertainty(const DesignSpec& spec, const OptimizeOptions& options,
                                         const OptimizeResult& result, int samples,
                                         std::uint64_t seed, int threads)
{
    const auto started = std::chrono::steady_clock::now();
    OptimizeUncertainty out;
    out.samples = samples;
    out.seed = seed;
    out.basis = sampling_basis(spec.system);
    const std::vector<ExtractionSystem> systems = draw_systems(spec.system, samples, seed);
    PlantStreams placeholder;
    placeholder.system_name = spec.system.name;
    placeholder.base_equiv_mol_per_h = 1.0;
    const CostModel model(options.setup, placeholder);
    for (const auto& country : result.countries) {
        CountrySpread spread;
        spread.code = country.code;
        spread.nominal = country.optimum;
        spread.s_over_s_min = country.optimum.s_over_s_min;
        DesignSpec rule = with_solutions(spec, country.optimum);  // the optimum's solutions
        rule.tradeoff_points = 0;
        rule.reflux_mode = RefluxMode::multiple;
        rule.reflux_multiple = spread.s_over_s_min;
        // The optimum's steady state: every sample's search starts from it.
        CutSizer sizer(rule);
        const DesignResult near =
            sizer.design_at(country.optimum.s, country.optimum.n, country.optimum.m);
        const Region& region = model.region(country.code);
        const ParamValues prices = model.nominal(region);
        struct Outcome {
            std::optional<DesignSizing> sized;
            double cost_usd_per_kg = 0.0;
            std::string error;
        };
        std::vector<Outcome> outcomes(static_cast<std::size_t>(samples));
        out.threads = for_each_sample(samples, threads, [&](int i) {
            auto& o = outcomes[static_cast<std::size_t>(i)];
            DesignSpec trial = rule;
            trial.system = systems[static_cast<std::size_t>(i)];
            // The trials' case files carry the sampled values inline, not the built-in's name.
            trial.system_reference.clear();
            try {
                DesignSizing sized = size_design(trial, near, true);
                o.cost_usd_per_kg = levelized_usd_per_kg(
                    model.evaluate(region, prices, sized_streams(trial, sized)));
                sized.simulation.reset();
                o.sized = std::move(sized);
            } catch (const Error& e) {
                o.error = e.what();
            }
        });
        std::vector<double> n, m, total, s, cost;
        std::map<std::string, int> failures;
        for (const auto& o : outcomes) {
            if (!o.sized) {
                ++spread.failed;
                ++failures[o.error.substr(0, std::min<std::size_t>(o.error.size(), 120))];
                continue;
            }
            n.push_back(o.sized->n);
            m.push_back(o.sized->m);
            total.push_back(o.sized->n + o.sized->m);
            s.push_back(o.sized->s);
            cost.push_back(o.cost_usd_per_kg);
        }
        spread.extraction_stages = spread_percentiles(n);
        spread.scrub_stages = spread_percentiles(m);
        spread.total_stages = spread_percentiles(total);
        spread.s = spread_percentiles(s);
        spread.cost_usd_per_kg = spread_percentiles(cost);
        if (spread.failed > 0) {
            out.warnings.push_back(country.code + ": " + std::to_string(spread.failed) + " of " +
                                   std::to_string(samples) +
                                   " sampled designs failed (percentiles are of the others), "
                                   "e.g.: " +
                                   failures.begin()->first);
        }
        out.countries.push_back(std::move(spread));
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace reesx::costs
