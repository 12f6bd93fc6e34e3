// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The robust plant (PlantRobust.h, docs/optimize.md "Whole plants"). Each cascade of the
// nominal optimal plant is a cut with its own feed and targets; robust_optima (Robust.cpp)
// prices its candidate stage pairs on the samples, every cascade on the same samples. The
// plant's cost in a sample is the sum of its cascades' annual costs over the plant's kg, so
// for the expected cost each cascade's own robust pair is the plant's; for a percentile (not
// a sum of the cascades') the pairs are chosen by coordinate descent over the candidates
// priced, from the cascades' own robust pairs and from the nominal plant, the better kept.
#include "reesx/costs/PlantRobust.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "RobustWorld.h"
#include "reesx/core/Error.h"

namespace reesx::costs {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinite_cost = std::numeric_limits<double>::infinity();

//! The cascade's cut as it was designed in the plant: its spec with the solutions its optimum
//! chose (scrub and strip acid, saponification).
DesignSpec cascade_spec(const PlantCascade& cascade, const PlantCascadeCost& cost)
{
    DesignSpec d = cascade.spec;
    d.tradeoff_points = 0;
    d.scrub_acid_mol_per_L =
        cost.scrub_acid_mol_per_L > 0.0 ? cost.scrub_acid_mol_per_L : d.scrub_acid_mol_per_L;
    d.saponification = cost.saponification > 0.0 ? cost.saponification : d.saponification;
    d.strip_acid_mol_per_L =
        cost.strip_acid_mol_per_L > 0.0 ? cost.strip_acid_mol_per_L : d.strip_acid_mol_per_L;
    d.extractant_mol_per_L =
        cost.extractant_mol_per_L > 0.0 ? cost.extractant_mol_per_L : d.extractant_mol_per_L;
    return d;
}

//! The plant's cost per sample for one candidate per cascade: the cascades' USD/kg weighted
//! by their kg over the plant's kg; NaN where any cascade is NaN.
void evaluate(PlantRobustDesign& d, const std::vector<PlantRobustCascade>& cascades,
              const std::vector<const RobustCandidate*>& chosen, double plant_kg,
              const std::optional<double>& percentile, int samples)
{
    d.cost_usd_per_kg.assign(static_cast<std::size_t>(samples), 0.0);
    d.stages.clear();
    for (std::size_t c = 0; c < cascades.size(); ++c) {
        d.stages.emplace_back(chosen[c]->n, chosen[c]->m);
        const double weight = cascades[c].reo_kg_per_year / plant_kg;
        for (std::size_t k = 0; k < d.cost_usd_per_kg.size(); ++k) {
            d.cost_usd_per_kg[k] += weight * chosen[c]->cost_usd_per_kg.at(k);
        }
    }
    d.infeasible = 0;
    double sum = 0.0;
    std::vector<double> finite;
    for (const double v : d.cost_usd_per_kg) {
        if (std::isfinite(v)) {
            finite.push_back(v);
            sum += v;
        } else {
            ++d.infeasible;
        }
    }
    if (finite.empty()) {
        d.objective = d.mean_usd_per_kg = infinite_cost;
        return;
    }
    d.mean_usd_per_kg = sum / static_cast<double>(finite.size());
    d.objective = percentile ? percentile_of(finite, *percentile) : d.mean_usd_per_kg;
}

bool better(const PlantRobustDesign& a, const PlantRobustDesign& b)
{
    return a.infeasible != b.infeasible ? a.infeasible < b.infeasible : a.objective < b.objective;
}

const RobustCandidate* find_candidate(const RobustResult& r, int n, int m)
{
    for (const auto& c : r.candidates) {
        if (c.n == n && c.m == m) {
            return &c;
        }
    }
    return nullptr;
}

//! Coordinate descent over the cascades' candidates from `start`, until no single cascade's
//! change improves the plant.
PlantRobustDesign descend(const std::vector<PlantRobustCascade>& cascades,
                          std::vector<const RobustCandidate*> chosen, double plant_kg,
                          const std::optional<double>& percentile, int samples)
{
    PlantRobustDesign best;
    evaluate(best, cascades, chosen, plant_kg, percentile, samples);
    for (int sweep = 0; sweep < 10; ++sweep) {
        bool moved = false;
        for (std::size_t c = 0; c < cascades.size(); ++c) {
            for (const auto& candidate : cascades[c].result.candidates) {
                std::vector<const RobustCandidate*> trial = chosen;
                trial[c] = &candidate;
                PlantRobustDesign d;
                evaluate(d, cascades, trial, plant_kg, percentile, samples);
                if (better(d, best)) {
                    best = std::move(d);
                    chosen = std::move(trial);
                    moved = true;
                }
            }
        }
        if (!moved) {
            break;
        }
    }
    return best;
}

PlantRobustCountry robust_country(const CostSetup& setup, const PlantCountryOptimum& country,
                                  const std::vector<std::string>& sampled,
                                  const RobustOptions& robust)
{
    const auto start = std::chrono::steady_clock::now();
    const PricedPlant& plant = country.optimum;
    PlantRobustCountry out;
    out.code = country.code;
    out.nominal_plant_file_usd_per_kg = plant.cost_usd_per_kg;
    double plant_kg = 0.0;
    for (const auto& q : plant.products) {
        plant_kg += q.reo_kg_per_year;
    }
    RobustOptions ro = robust;
    ro.sampled_countries = sampled;
    ro.fixed_reflux = false;
    std::vector<PricedDesign> nominal_designs;
    for (std::size_t c = 0; c < plant.design.cascades.size(); ++c) {
        const PlantCascade& cascade = plant.design.cascades[c];
        const DesignSpec d = cascade_spec(cascade, plant.cascades.at(c));
        CountryOptimum nominal;
        nominal.code = country.code;
        nominal.optimum = price_design(d, setup, country.code, cascade.design.s, cascade.design.n,
                                       cascade.design.m);
        PlantRobustCascade pc;
        pc.split = cascade.split;
        for (const auto& p : nominal.optimum.cost.products) {
            pc.reo_kg_per_year += p.reo_kg_per_year;
        }
        pc.result = robust_optima(d, setup, {nominal}, ro).front();
        pc.nominal_n = cascade.design.n;
        pc.nominal_m = cascade.design.m;
        out.simulations += pc.result.simulations + 1;
        for (const auto& w : pc.result.warnings) {
            out.warnings.push_back(cascade.split + ": " + w);
        }
        out.cascades.push_back(std::move(pc));
        nominal_designs.push_back(nominal.optimum);
    }
    // The nominal plant over the samples, and the robust one: from each cascade's own robust
    // pair and from the nominal plant, by coordinate descent (for the mean, the cascades' own
    // pairs are already the plant's best), the better kept.
    std::vector<const RobustCandidate*> own, nominal;
    for (const auto& c : out.cascades) {
        own.push_back(find_candidate(c.result, c.result.robust.n, c.result.robust.m));
        nominal.push_back(find_candidate(c.result, c.nominal_n, c.nominal_m));
    }
    evaluate(out.nominal, out.cascades, nominal, plant_kg, robust.percentile, robust.samples);
    out.robust = descend(out.cascades, own, plant_kg, robust.percentile, robust.samples);
    const PlantRobustDesign from_nominal =
        descend(out.cascades, nominal, plant_kg, robust.percentile, robust.samples);
    if (better(from_nominal, out.robust)) {
        out.robust = from_nominal;
    }
    // The nominal world: the nominal plant as optimize priced its cuts, the robust stages at
    // the smallest reflux they need there.
    const CostModel model(setup, nominal_designs.front().streams);
    const Region& region = model.region(country.code);
    out.nominal.nominal_world_usd_per_kg = 0.0;
    out.robust.nominal_world_usd_per_kg = 0.0;
    for (std::size_t c = 0; c < out.cascades.size(); ++c) {
        PlantRobustCascade& pc = out.cascades[c];
        const PricedDesign& nd = nominal_designs[c];
        const auto [n, m] = out.robust.stages[c];
        pc.robust_n = n;
        pc.robust_m = m;
        const double weight = pc.reo_kg_per_year / plant_kg;
        out.nominal.nominal_world_usd_per_kg += weight * nd.cost_usd_per_kg;
        double robust_cost = nd.cost_usd_per_kg;
        if (n != pc.nominal_n || m != pc.nominal_m) {
            const DesignSpec d = cascade_spec(plant.design.cascades[c], plant.cascades.at(c));
            WorldPricer at_nominal(d, model, {&region}, {model.nominal(region)}, 1e-3,
                                   nd.s / nd.s_over_s_min);
            const double s = at_nominal.smallest_reflux(n, m, nd.s);
            robust_cost = s > 0.0 ? at_nominal.price(n, m, s).front() : nan;
            out.simulations += at_nominal.simulations();
        }
        out.robust.nominal_world_usd_per_kg += weight * robust_cost;
    }
    if (out.robust.infeasible > 0) {
        out.warnings.push_back("the robust plant misses a cascade's targets in " +
                               std::to_string(out.robust.infeasible) + " of " +
                               std::to_string(robust.samples) + " samples");
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace

PlantRobustResult robust_plant(const SeparateSpec& spec, const PlantOptimizeOptions& options,
                               const PlantOptimizeResult& result, const RobustOptions& robust)
{
    if (robust.fixed_reflux) {
        throw InputError(
            "--robust-reflux fixed works on a single cut only, not yet with --plant: a robust "
            "plant retunes each cascade's reflux in every sample; remove --robust-reflux");
    }
    if (robust.samples < 2) {
        throw InputError("--robust: give at least 2 samples, e.g. --robust 20");
    }
    if (robust.percentile && !(*robust.percentile >= 0.0 && *robust.percentile <= 100.0)) {
        throw InputError("--percentile: expected a percentile between 0 and 100, e.g. 90");
    }
    PlantRobustResult out;
    out.samples = robust.samples;
    out.seed = robust.seed;
    out.percentile = robust.percentile;
    std::vector<std::string> codes;
    for (const auto& c : result.countries) {
        codes.push_back(c.code);
    }
    CostRequest request = options.request;
    request.countries = codes;
    CostSetup setup = parse_cost_mapping(std::nullopt, spec.system.name, {});
    apply_request(setup, request);
    for (const auto& c : result.countries) {
        out.countries.push_back(robust_country(setup, c, codes, robust));
    }
    return out;
}

}  // namespace reesx::costs
