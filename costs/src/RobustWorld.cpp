// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "RobustWorld.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {
namespace {

//! The reflux range searched, as optimize's: from 1 % of (S_min - floor) above the floor to
//! 30 S_min.
constexpr double lowest_fraction = 0.01, highest_multiple = 30.0;

}  // namespace

WorldPricer::WorldPricer(const DesignSpec& spec, const CostModel& model,
                         const std::vector<const Region*>& regions, std::vector<ParamValues> values,
                         double tolerance, double nominal_s_min)
    : spec_(spec),
      sizer_(spec_),
      model_(model),
      regions_(regions),
      values_(std::move(values)),
      tolerance_(tolerance),
      nominal_s_min_(nominal_s_min)
{
    floor_ = spec_.feed_phase == theory::FeedPhase::aqueous ? sizer_.theory().f_a_product : 0.0;
    const double s_min = sizer_.theory().s_min;
    x_lo_ = std::log(lowest_fraction * (s_min - floor_));
    x_hi_ = std::log(highest_multiple * s_min);
}

double WorldPricer::s_of(double x) const
{
    return floor_ + std::exp(x);
}

std::vector<double> WorldPricer::price(int n, int m, double s)
{
    std::vector<double> out(regions_.size(), std::numeric_limits<double>::quiet_NaN());
    try {
        const CascadeResult r = sizer_.simulate(n, m, s);
        const CaseSpec c = parse_design_case(
            spec_, design_case_yaml(spec_, n, m, s, sizer_.w_for(s)), "robust case");
        const PlantStreams streams = plant_streams(c, r);
        for (std::size_t k = 0; k < regions_.size(); ++k) {
            out[k] = levelized_usd_per_kg(model_.evaluate(*regions_[k], values_[k], streams));
        }
    } catch (const ConvergenceError&) {
    }
    return out;
}

bool WorldPricer::meets_at(int n, int m, double s)
{
    try {
        return sizer_.meets_targets(n, m, s);
    } catch (const ConvergenceError&) {
        return false;
    }
}

bool WorldPricer::meets(int n, int m, double x)
{
    return meets_at(n, m, s_of(x));
}

double WorldPricer::smallest_reflux(int n, int m, double s_start)
{
    const double x0 = std::clamp(std::log(std::max(s_start - floor_, 1e-300)), x_lo_, x_hi_);
    double lo = 0.0, hi = 0.0, step = 0.05;  // meets(hi), not meets(lo)
    if (meets(n, m, x0)) {
        hi = x0;
        for (;;) {
            if (hi <= x_lo_) {
                return s_of(x_lo_);
            }
            lo = std::max(x_lo_, hi - step);
            if (!meets(n, m, lo)) {
                break;
            }
            hi = lo;
            step *= 2.0;
        }
    } else {
        lo = x0;
        for (;;) {
            if (lo >= x_hi_) {
                return 0.0;
            }
            hi = std::min(x_hi_, lo + step);
            if (meets(n, m, hi)) {
                break;
            }
            lo = hi;
            step *= 2.0;
        }
    }
    // ln(S - floor) to `tolerance` is S to better than that relative precision.
    while (hi - lo > tolerance_) {
        const double mid = 0.5 * (lo + hi);
        (meets(n, m, mid) ? hi : lo) = mid;
    }
    return s_of(hi);
}

}  // namespace reesx::costs
