// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/PurityBudget.h"

#include <algorithm>
#include <cstddef>

namespace reesx {

PurityAllowances purity_allowances(const std::vector<double>& fraction, double purity,
                                   const PurityBudget& budget)
{
    const std::size_t products = fraction.size();
    const double ratio = (1.0 - purity) / purity;
    const auto share = [&](std::size_t g) {
        if (g == 0) {
            return 0.0;  // no lower boundary
        }
        if (g + 1 == products) {
            return 1.0;  // no upper boundary
        }
        return budget.lower_share.size() > g ? std::clamp(budget.lower_share[g], 0.0, 1.0) : 0.5;
    };
    const auto scale = [&](std::size_t g) {
        return budget.scale.size() > g ? std::clamp(budget.scale[g], 1e-6, 1.0) : 1.0;
    };
    const auto loss_cap = [&](std::size_t g) {
        const double factor =
            budget.loss_scale.size() > g ? std::clamp(budget.loss_scale[g], 1e-6, 1.0) : 1.0;
        return (1.0 - budget.min_recovery) * factor * fraction[g];
    };
    PurityAllowances a;
    a.fraction = fraction;
    a.own = fraction;
    const std::size_t boundaries = products > 0 ? products - 1 : 0;
    a.into_upper.assign(boundaries, 0.0);
    a.into_lower.assign(boundaries, 0.0);
    // Fixed point: the losses are (1 - purity)-small, so a few sweeps converge to rounding.
    for (int sweep = 0; sweep < 30; ++sweep) {
        for (std::size_t g = 0; g < products; ++g) {
            // What each neighbour can give (0 where there is none), the product's allowance
            // shared as asked, then what one side cannot give moved to the other.
            const double from_lower = g > 0 ? max_loss_per_boundary * a.own[g - 1] : 0.0;
            const double from_upper = g + 1 < products ? max_loss_per_boundary * a.own[g + 1] : 0.0;
            const double allowance = ratio * scale(g) * a.own[g];
            const double upper_asked = std::min((1.0 - share(g)) * allowance, from_upper);
            const double lower = std::min(from_lower, allowance - upper_asked);
            const double upper = std::min(from_upper, allowance - lower);
            if (g > 0) {
                a.into_upper[g - 1] = lower;
            }
            if (g + 1 < products) {
                a.into_lower[g] = upper;
            }
        }
        // A recovery target caps each product's two losses (each loss is one product's only).
        for (std::size_t g = 0; g < products && budget.min_recovery > 0.0; ++g) {
            const double up = g + 1 < products ? a.into_upper[g] : 0.0;
            const double down = g > 0 ? a.into_lower[g - 1] : 0.0;
            const double cap = loss_cap(g);
            if (up + down > cap) {
                const double f = cap / (up + down);
                if (g + 1 < products) {
                    a.into_upper[g] *= f;
                }
                if (g > 0) {
                    a.into_lower[g - 1] *= f;
                }
            }
        }
        for (std::size_t g = 0; g < products; ++g) {
            double lost = 0.0;
            if (g + 1 < products) {
                lost += a.into_upper[g];  // its elements that go up with the next product
            }
            if (g > 0) {
                lost += a.into_lower[g - 1];  // and down with the one before
            }
            a.own[g] = std::max(0.0, fraction[g] - lost);
        }
    }
    return a;
}

std::pair<double, double> budget_cut_purities(const PurityAllowances& a, int i, int j, int k)
{
    // Each side's own elements as the cut receives them: its products' feed fractions less
    // what the cuts above already took across the range's outer boundaries, less what this
    // cut loses to the other side (the losses inside a side happen further down).
    const auto at = [](const std::vector<double>& v, int index) {
        return v[static_cast<std::size_t>(index)];
    };
    const int last = static_cast<int>(a.fraction.size()) - 1;
    double own_b = 0.0, own_a = 0.0;
    for (int g = i; g <= k; ++g) {
        own_b += at(a.fraction, g);
    }
    for (int g = k + 1; g <= j; ++g) {
        own_a += at(a.fraction, g);
    }
    const double up = at(a.into_upper, k), down = at(a.into_lower, k);
    own_b -= up + (i > 0 ? at(a.into_lower, i - 1) : 0.0);
    own_a -= down + (j < last ? at(a.into_upper, j) : 0.0);
    return {own_a / (own_a + up), own_b / (own_b + down)};
}

}  // namespace reesx
