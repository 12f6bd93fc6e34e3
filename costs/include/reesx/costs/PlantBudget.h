// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The purity budget of an optimized plant (docs/optimize.md, "The purity budget"): how each
// product's impurity allowance is shared between the two cuts around it, chosen by the
// sequence's short-cut cost, and tightened where the plant's simulation finds a product short.
#pragma once

#include <string>
#include <vector>

#include "reesx/flowsheets/Separate.h"

namespace reesx::costs {

//! The shares of every interior product's allowance between its lower and upper boundary that
//! make the cheapest sum of `hooks.cut_cost` over the cuts of the sequence chosen with
//! `hooks` (coordinate search over a grid of shares, two sweeps; a share changes only the two
//! cuts around its product). Starts from `hooks.budget` (or half each).
PurityBudget choose_purity_budget(const SeparateSpec& spec, const SeparateHooks& hooks);

//! A product of a simulated plant against its purity, for `tighten_purity_budget`.
struct ProductPurity {
    std::vector<int> elements;  //!< the product's group (PlantProduct::elements)
    double purity = 0.0, target = 0.0;
    double recovery = 1.0, recovery_target = 0.0;  //!< of its elements from the plant feed
};

//! Shrinks the allowance of every product short of its target by the ratio of its allowed to
//! its found impurity (with a 5 % margin), so that the next build leaves it less, and the loss
//! cap of every product short of its recovery target by the ratio of its allowed to its found
//! loss (the budget's min_recovery); returns how many products were tightened (0: none short).
//! `groups` are the plant's product groups in extraction order (SeparateResult::product_groups).
int tighten_purity_budget(PurityBudget& budget, const std::vector<std::vector<int>>& groups,
                          const std::vector<ProductPurity>& products);

}  // namespace reesx::costs
