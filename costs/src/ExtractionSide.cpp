// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/ExtractionSide.h"

#include <limits>
#include <utility>

#include "reesx/core/Error.h"

namespace reesx::costs {
namespace {

//! Golden-section steps over the extractant range: its width × 0.618^8, about 1 % of it.
constexpr int extractant_steps = 8;

//! spec with the scrub and strip acid, saponification and extractant concentration of
//! `from` (an ExtractionChoice or a PricedDesign).
template <class Solutions>
DesignSpec with_four_solutions(const DesignSpec& spec, const Solutions& from)
{
    DesignSpec d = spec;
    d.scrub_acid_mol_per_L = from.scrub_acid_mol_per_L;
    d.saponification = from.saponification;
    d.strip_acid_mol_per_L = from.strip_acid_mol_per_L;
    d.extractant_mol_per_L = from.extractant_mol_per_L;
    return d;
}

}  // namespace

DesignSpec with_choice(const DesignSpec& spec, const ExtractionChoice& choice)
{
    return with_four_solutions(spec, choice);
}

DesignSpec with_solutions(const DesignSpec& spec, const PricedDesign& design)
{
    return with_four_solutions(spec, design);
}

ExtractionChoice choose_extraction_side(const DesignSpec& spec, const CostSetup& setup,
                                        const std::string& code, double s, int n, int m,
                                        const ExtractionBounds& bounds, bool vary_extractant)
{
    ExtractionChoice best;
    best.scrub_acid_mol_per_L = spec.scrub_acid_mol_per_L;
    best.saponification = spec.saponification;
    best.strip_acid_mol_per_L = spec.strip_acid_mol_per_L;
    best.extractant_mol_per_L = spec.extractant_mol_per_L;
    best.strip_acid_chosen = spec.strip_stages > 0;
    best.extractant_chosen = vary_extractant && !spec.loading_mol_per_L;
    // Stays infinite, with the spec's values, when no trial meets the targets.
    best.cost_usd_per_kg = std::numeric_limits<double>::infinity();
    // Prices the choice `trial`; keeps it when cheaper than the best so far; its cost.
    const auto price = [&](const ExtractionChoice& trial) {
        ++best.trials;
        double cost = std::numeric_limits<double>::infinity();
        try {
            PricedDesign p = price_design(with_choice(spec, trial), setup, code, s, n, m);
            if (p.meets_targets) {
                cost = p.cost_usd_per_kg;
                if (cost < best.cost_usd_per_kg) {
                    const int trials = best.trials;
                    best = trial;
                    best.trials = trials;
                    best.cost_usd_per_kg = cost;
                    best.design = std::move(p);
                }
            }
        } catch (const ConvergenceError&) {
        }
        return cost;
    };
    const auto vary = [&](double ExtractionChoice::*member, double value) {
        ExtractionChoice trial = best;
        trial.*member = value;
        return price(trial);
    };
    price(best);
    // The acids (the scrub and strip volumes) and the saponification (the organic volume):
    // the cost is monotone in each, so its bounds decide.
    for (const double acid : {bounds.scrub_acid_min_mol_per_L, bounds.scrub_acid_max_mol_per_L}) {
        vary(&ExtractionChoice::scrub_acid_mol_per_L, acid);
    }
    for (const double sap : {bounds.saponification_min, bounds.saponification_max}) {
        vary(&ExtractionChoice::saponification, sap);
    }
    if (best.strip_acid_chosen) {
        for (const double acid :
             {bounds.strip_acid_min_mol_per_L, bounds.strip_acid_max_mol_per_L}) {
            vary(&ExtractionChoice::strip_acid_mol_per_L, acid);
        }
    }
    if (best.extractant_chosen) {
        // Settler volume and diluent fall with the concentration, the extractant entrained in
        // the aqueous outflows rises with it: golden section over the range, bounds included.
        constexpr double golden = 0.381966011250105;
        double a = bounds.extractant_min_mol_per_L, c = bounds.extractant_max_mol_per_L;
        const auto f = [&](double x) { return vary(&ExtractionChoice::extractant_mol_per_L, x); };
        f(a);
        f(c);
        double x1 = a + golden * (c - a), x2 = c - golden * (c - a);
        double f1 = f(x1), f2 = f(x2);
        for (int step = 0; step < extractant_steps; ++step) {
            if (f1 <= f2) {
                c = x2;
                x2 = x1;
                f2 = f1;
                x1 = a + golden * (c - a);
                f1 = f(x1);
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = c - golden * (c - a);
                f2 = f(x2);
            }
        }
    }
    return best;
}

void choose_solutions(const DesignSpec& spec, const CostSetup& setup, CountryOptimum& optimum,
                      const ExtractionBounds& bounds)
{
    const PricedDesign& o = optimum.optimum;
    ExtractionChoice x = choose_extraction_side(spec, setup, optimum.code, o.s, o.n, o.m, bounds);
    optimum.simulations += x.trials;
    if (x.cost_usd_per_kg < o.cost_usd_per_kg) {
        optimum.optimum = std::move(x.design);
    }
}

}  // namespace reesx::costs
