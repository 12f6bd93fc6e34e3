// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Pareto fronts of a cut in one country (`reesx optimize --pareto...`, docs/optimize.md):
// cost against purity (the optimum at each purity of both products), cost against recovery
// (the optimum at each recovery of one product, its purity fixed) and capital against
// operating cost (the designs of fewest stages over a range of reflux, the dominated ones
// dropped).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "reesx/costs/Optimize.h"

namespace reesx::costs {

//! One point of a front: a design (stages, reflux) priced in the front's country.
struct FrontPoint {
    double target = 0.0;  //!< the purity or recovery asked; 0 on the capital-operating front
    double s_over_s_min = 0.0;
    int n = 0, m = 0;  //!< extraction, scrub stages
    double capex_usd = 0.0, opex_usd_per_year = 0.0, cost_usd_per_kg = 0.0;
    //! design's default at the same target, priced alike (NaN on the capital-operating front)
    double baseline_cost_usd_per_kg = 0.0;
    //! A plant's capital-operating point: the weight on the capital charge its plant was
    //! optimized with (NaN elsewhere).
    double capital_weight = std::numeric_limits<double>::quiet_NaN();
    double purity_a = 0.0, purity_b = 0.0, recovery_a = 0.0, recovery_b = 0.0;
    bool meets_targets = false;
    std::vector<std::string> warnings;
};

struct ParetoFronts {
    std::string country;
    std::vector<FrontPoint> purity;    //!< ascending purity
    std::vector<FrontPoint> recovery;  //!< ascending recovery
    //! Whose recovery the recovery front sets: "A" or "B" for a cut, "every" for a plant.
    std::string recovery_product = "A";
    std::vector<FrontPoint> capital_operating;  //!< ascending capital, descending opex
};

//! The optimum of a front's country as a point of it.
FrontPoint front_point(double target, const CountryOptimum& optimum);

//! The cost-optimal design at each recovery of the spec's recovery product (A unless the
//! spec says; its purity stays the spec's) in country `code`. InputError for a recovery
//! outside (0, 1).
std::vector<FrontPoint> pareto_recovery(const DesignSpec& spec, const OptimizeOptions& options,
                                        const std::string& code,
                                        const std::vector<double>& recoveries);

//! Capital against operating cost in country `code`: the fewest stages meeting the targets at
//! `points` refluxes spread geometrically in S - S_floor from 0.5 to 4 times the optimum's,
//! and the optimum itself, keeping the designs no other beats in both capital and operating
//! cost.
std::vector<FrontPoint> pareto_capital_operating(const DesignSpec& spec,
                                                 const OptimizeOptions& options,
                                                 const std::string& code,
                                                 const CountryOptimum& optimum, int points = 12);

//! The points no other point beats in both capital and operating cost (lower or equal in both,
//! lower in one), by ascending capital.
std::vector<FrontPoint> non_dominated(std::vector<FrontPoint> points);

}  // namespace reesx::costs
