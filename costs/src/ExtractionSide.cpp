// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/ExtractionSide.h"

#include <algorithm>
#include <array>
#include <limits>

#include "reesx/core/Error.h"

namespace reesx::costs {

ExtractionChoice choose_extraction_side(const DesignSpec& spec, const CostSetup& setup,
                                        const std::string& code, double s, int n, int m,
                                        const ExtractionBounds& bounds)
{
    ExtractionChoice best;
    best.scrub_acid_mol_per_L = spec.scrub_acid_mol_per_L;
    best.saponification = spec.saponification;
    const auto price = [&](double acid, double sap) {
        DesignSpec trial = spec;
        trial.scrub_acid_mol_per_L = acid;
        trial.saponification = sap;
        ++best.trials;
        try {
            const PricedDesign p = price_design(trial, setup, code, s, n, m);
            return p.meets_targets ? p.cost_usd_per_kg : std::numeric_limits<double>::infinity();
        } catch (const ConvergenceError&) {
            return std::numeric_limits<double>::infinity();
        }
    };
    best.cost_usd_per_kg = price(best.scrub_acid_mol_per_L, best.saponification);
    // One variable after the other: the acid (the scrub volume), then the saponification (the
    // organic volume); each at its two bounds.
    for (const double acid : {bounds.scrub_acid_min_mol_per_L, bounds.scrub_acid_max_mol_per_L}) {
        const double cost = price(acid, best.saponification);
        if (cost < best.cost_usd_per_kg) {
            best.cost_usd_per_kg = cost;
            best.scrub_acid_mol_per_L = acid;
        }
    }
    for (const double sap : {bounds.saponification_min, bounds.saponification_max}) {
        const double cost = price(best.scrub_acid_mol_per_L, sap);
        if (cost < best.cost_usd_per_kg) {
            best.cost_usd_per_kg = cost;
            best.saponification = sap;
        }
    }
    return best;
}

}  // namespace reesx::costs
