// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// One world of the robust optimum (Robust.cpp): a sample of the separation factors and of the
// countries' cost parameters. It finds the smallest reflux at which a stage pair meets the
// targets there, and prices a design in every country from one simulation (the chemistry does
// not depend on prices).
#pragma once

#include <vector>

#include "reesx/costs/Optimize.h"

namespace reesx::costs {

class WorldPricer {
public:
    //! `values`: each region's cost parameters in this world, in the order of `regions`;
    //! `nominal_s_min`: the nominal S_min, the unit of the refluxes reported (each sample has
    //! its own).
    WorldPricer(const DesignSpec& spec, const CostModel& model,
                const std::vector<const Region*>& regions, std::vector<ParamValues> values,
                double tolerance, double nominal_s_min);

    //! The smallest reflux at which (n, m) meets the targets, searched from `s_start` by
    //! doubling steps and bisection in ln(S - S_floor); 0 when no reflux in the range does.
    double smallest_reflux(int n, int m, double s_start);

    //! (n, m) at reflux `s`: USD/kg per region (NaN each when the simulation fails).
    std::vector<double> price(int n, int m, double s);

    //! Whether (n, m) meets the targets at reflux `s` (false when the simulation fails).
    bool meets_at(int n, int m, double s);

    double s_over_s_min(double s) const { return s / nominal_s_min_; }
    int simulations() const { return sizer_.simulations(); }

private:
    bool meets(int n, int m, double x);
    double s_of(double x) const;

    DesignSpec spec_;
    CutSizer sizer_;
    const CostModel& model_;
    std::vector<const Region*> regions_;
    std::vector<ParamValues> values_;
    double tolerance_, nominal_s_min_;
    double floor_ = 0.0, x_lo_ = 0.0, x_hi_ = 0.0;
};

}  // namespace reesx::costs
