// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The comparison a three-outlet design reports: the same three products from two two-outlet
// cascades in series, either cut first, each designed as `reesx design` does.
#include <algorithm>
#include <array>
#include <string>

#include "ThreeOutletDesigner.h"
#include "reesx/core/Error.h"

namespace reesx::three_outlet_detail {

void ThreeOutletDesigner::alternatives()
{
    // Two two-outlet cascades in series for the same three products, either cut first; each
    // designed by `reesx design`'s method, the second fed (as a 1.5 mol/L aqueous feed, as
    // in `reesx separate`) with the first's simulated product. A final product's impurity
    // comes from both cuts, so each cut gets half of the middle product's allowance.
    const auto& g = result_.groups;
    const double half = 0.5 * (1.0 - target_[1]);
    const auto cut = [&](const std::array<double, num_species>& stream, int key_b, int key_a,
                         const std::string& label, double purity_a, double purity_b) {
        DesignSpec d = spec_;
        d.middle.reset();
        d.recovery.reset();
        d.tradeoff_points = 0;
        d.strip_stages = 0;
        const double total = total_of(stream);
        d.feed.name = label;
        for (int e = 0; e < num_elements; ++e) {
            d.feed.mole_fraction[e] = stream[e] / total;
        }
        d.feed_re_mol_per_h = total;
        d.split_label = label;
        const auto position = [&](int element) {
            return static_cast<int>(std::find(d.order.begin(), d.order.end(), element) -
                                    d.order.begin());
        };
        d.key_b_position = position(key_b);
        d.cut_position = position(key_a);
        d.purity_a = purity_a;
        d.purity_b = purity_b;
        return design(d);
    };
    std::array<double, num_species> feed{};
    for (int e = 0; e < num_elements; ++e) {
        feed[e] = spec_.feed.mole_fraction[e] * spec_.feed_re_mol_per_h;
    }
    const std::string c = group_name(g[0]), mid = group_name(g[1]), a = group_name(g[2]);
    for (const bool low_first : {true, false}) {
        TwoCascadeAlternative alt;
        try {
            DesignResult first, second;
            std::array<std::array<double, num_species>, 3> out{};
            if (low_first) {
                alt.cuts = c + "/" + mid + "-" + a + ", then " + mid + "/" + a;
                say("two-outlet alternative: " + alt.cuts);
                first = cut(feed, g[0].back(), g[1].front(), c + "/" + mid + "-" + a,
                            1.0 - half * f_[1] / (f_[1] + f_[2]), target_[0]);
                second = cut(product(first.simulation, "loaded_organic").mol_per_h, g[1].back(),
                             g[2].front(), mid + "/" + a, target_[2], 1.0 - half);
                out = {product(first.simulation, "raffinate").mol_per_h,
                       product(second.simulation, "raffinate").mol_per_h,
                       product(second.simulation, "loaded_organic").mol_per_h};
            } else {
                alt.cuts = c + "-" + mid + "/" + a + ", then " + c + "/" + mid;
                say("two-outlet alternative: " + alt.cuts);
                first = cut(feed, g[1].back(), g[2].front(), c + "-" + mid + "/" + a, target_[2],
                            1.0 - half * f_[1] / (f_[0] + f_[1]));
                second = cut(product(first.simulation, "raffinate").mol_per_h, g[0].back(),
                             g[1].front(), c + "/" + mid, 1.0 - half, target_[0]);
                out = {product(second.simulation, "raffinate").mol_per_h,
                       product(second.simulation, "loaded_organic").mol_per_h,
                       product(first.simulation, "loaded_organic").mol_per_h};
            }
            result_.simulations += first.simulations + second.simulations;
            alt.stages = {first.n + first.m, second.n + second.m};
            alt.total_stages = alt.stages[0] + alt.stages[1];
            reagents(first.simulation, alt.base_mol_per_h, alt.hcl_mol_per_h);
            reagents(second.simulation, alt.base_mol_per_h, alt.hcl_mol_per_h);
            const std::array<std::string, 3> names = {"raffinate", "middle", "loaded_organic"};
            for (int k = 0; k < 3; ++k) {
                ThreeOutletProduct& p = alt.products[k];
                p.name = names[k];
                p.group = group_name(g[k]);
                p.re_mol_per_h = total_of(out[k]);
                p.purity = sum_of(out[k], g[k]) / p.re_mol_per_h;
                p.recovery = sum_of(out[k], g[k]) / sum_of(feed, g[k]);
                p.target = target_[k];
            }
        } catch (const InfeasibleError& e) {
            alt.error = e.what();
        }
        result_.alternatives.push_back(alt);
    }
}

}  // namespace reesx::three_outlet_detail
