// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/costs/PlantBudget.h"

#include <algorithm>
#include <cstddef>

namespace reesx::costs {
namespace {

//! The shares tried per product: 0.1 to 0.9 of its allowance to its lower boundary.
constexpr int share_steps = 9;
constexpr int sweeps = 2;
//! What a product short of its purity keeps of the ratio allowed / found impurity: the
//! impurity does not fall exactly in proportion to the target (integer stages, the search's
//! tolerance), so aim a little below.
constexpr double tighten_margin = 0.95;

}  // namespace

PurityBudget choose_purity_budget(const SeparateSpec& spec, const SeparateHooks& hooks)
{
    PurityBudget budget = hooks.budget.value_or(PurityBudget{});
    SeparateHooks trial = hooks;
    trial.budget = budget;
    const std::vector<SequenceCut> cuts = chosen_cuts(spec, trial);
    const std::size_t products = cuts.size() + 1;
    if (cuts.empty() || !hooks.cut_cost) {
        return budget;
    }
    budget.lower_share.resize(products, 0.5);
    budget.scale.resize(products, 1.0);
    // The cut at each boundary k|k+1 (every boundary is cut once in any sequence).
    std::vector<const SequenceCut*> at(products - 1, nullptr);
    for (const auto& c : cuts) {
        at[static_cast<std::size_t>(c.cut)] = &c;
    }
    const auto cost_of = [&](std::size_t g, double share) {
        trial.budget = budget;
        trial.budget->lower_share[g] = share;
        double total = 0.0;
        for (const std::size_t k : {g - 1, g}) {
            const SequenceCut* c = at[k];
            total += c ? hooks.cut_cost(sequence_cut(spec, trial, c->first, c->last, c->cut)) : 0.0;
        }
        return total;
    };
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        for (std::size_t g = 1; g + 1 < products; ++g) {
            double best_share = budget.lower_share[g];
            double best = cost_of(g, best_share);
            for (int s = 1; s <= share_steps; ++s) {
                const double share = s / (share_steps + 1.0);
                const double cost = cost_of(g, share);
                if (cost < best * (1.0 - 1e-9)) {
                    best = cost;
                    best_share = share;
                }
            }
            budget.lower_share[g] = best_share;
        }
    }
    return budget;
}

int tighten_purity_budget(PurityBudget& budget, const std::vector<std::vector<int>>& groups,
                          const std::vector<ProductPurity>& products)
{
    budget.lower_share.resize(groups.size(), 0.5);
    budget.scale.resize(groups.size(), 1.0);
    budget.loss_scale.resize(groups.size(), 1.0);
    int tightened = 0;
    for (const auto& p : products) {
        const bool impure = p.purity < p.target;
        const bool lossy = p.recovery_target > 0.0 && p.recovery < p.recovery_target;
        const auto g = static_cast<std::size_t>(
            std::find(groups.begin(), groups.end(), p.elements) - groups.begin());
        if ((!impure && !lossy) || g >= groups.size()) {
            continue;
        }
        if (impure) {
            const double allowed = (1.0 - p.target) / p.target;
            const double found = (1.0 - p.purity) / std::max(p.purity, 1e-12);
            budget.scale[g] *= std::clamp(tighten_margin * allowed / found, 0.1, 1.0);
        }
        if (lossy) {
            const double allowed = 1.0 - p.recovery_target;
            const double found = std::max(1.0 - p.recovery, 1e-12);
            budget.loss_scale[g] *= std::clamp(tighten_margin * allowed / found, 0.1, 1.0);
        }
        ++tightened;
    }
    return tightened;
}

}  // namespace reesx::costs
