// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A solved plant's products, balances and reagents (PlantStreams.h).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "reesx/core/Error.h"

#include "PlantDetail.h"
#include "PlantStreams.h"

namespace reesx {

bool PlantResult::has_impurities() const
{
    return std::any_of(impurity_feed_mol_per_h.begin(), impurity_feed_mol_per_h.end(),
                       [](double x) { return x > 0.0; });
}

namespace plant_detail {
namespace {

//! A plant product's impurity ions: purity over all metal ions, each ion as its spec oxide in
//! ppm of the product's REO (as a cascade's products, Cascade.h), and its recovery; adds them
//! to the plant's products.
void fill_impurity_content(PlantProductResult& p,
                           const std::array<double, num_impurities>& impurity_feed,
                           PlantResult& result)
{
    double reo_g_per_h = 0.0, named = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        reo_g_per_h += p.value.mol_per_h[e] * species_oxide_g_per_mol(e);
    }
    for (const int e : p.elements) {
        named += p.value.mol_per_h[e];
    }
    const double metal = p.value.re_mol_per_h() + p.value.impurities_mol_per_h();
    p.metal_purity = metal > 0.0 ? named / metal : 0.0;
    for (int k = 0; k < num_impurities; ++k) {
        const double mol = p.value.impurity_mol_per_h[k];
        p.impurity_ppm_reo[k] =
            reo_g_per_h > 0.0 ? 1e6 * mol * species_oxide_g_per_mol(num_elements + k) / reo_g_per_h
                              : 0.0;
        p.impurity_recovery[k] = impurity_feed[k] > 0.0 ? mol / impurity_feed[k] : 0.0;
        result.impurity_product_mol_per_h[k] += mol;
    }
}

}  // namespace

void collect_products(const PlantSpec& spec, const std::vector<CascadeResult>& cascades,
                      const std::array<double, num_elements>& feed,
                      const std::array<double, num_impurities>& impurity_feed, PlantResult& result)
{
    const int count = static_cast<int>(spec.cascades.size());
    // Products: what of every outlet no stream takes.
    for (int c = 0; c < count; ++c) {
        for (const auto& o : outlets_of(spec.cascades[c])) {
            const StreamValue outlet = outlet_value(cascades[c], o.name);
            double taken = 0.0;
            for (const auto& s : spec.streams) {
                if (s.from == c && s.outlet == o.name) {
                    taken += stream_share(spec, s, outlet);
                }
            }
            if (taken > 1.0 + 1e-12) {
                throw InfeasibleError("the streams from " + spec.cascade_names[c] + "." + o.name +
                                      " take " + fmt(100.0 * taken) +
                                      " % of it; they can take at most all of it");
            }
            const double left = std::max(0.0, 1.0 - taken);
            if (left <= 1e-12 ||
                (outlet.re_mol_per_h() <= 0.0 && outlet.impurities_mol_per_h() <= 0.0)) {
                continue;  // all of it goes on, or it carries no metal (a stripped organic)
            }
            PlantProductResult p;
            p.name = spec.cascade_names[c] + "." + o.name;
            p.cascade = c;
            p.outlet = o.name;
            for (const auto& named : spec.products) {
                if (named.cascade == c && named.outlet == o.name) {
                    p.name = named.name;
                    p.elements = named.elements;
                    p.target = named.purity;
                }
            }
            p.value = outlet;
            p.value.scale(left);
            const double re = p.value.re_mol_per_h();
            int main = -1;
            for (int e = 0; e < num_elements; ++e) {
                p.composition[e] = re > 0.0 ? p.value.mol_per_h[e] / re : 0.0;
                p.recovery[e] = feed[e] > 0.0 ? p.value.mol_per_h[e] / feed[e] : 0.0;
                if (main < 0 || p.composition[e] > p.composition[main]) {
                    main = e;
                }
                result.product_mol_per_h[e] += p.value.mol_per_h[e];
                result.product_kg_reo_per_h +=
                    p.value.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1e3;
            }
            if (p.elements.empty() && re > 0.0) {
                p.elements = {main};
            } else if (re > 0.0 &&
                       std::find(p.elements.begin(), p.elements.end(), main) == p.elements.end()) {
                // A product named for some elements that comes out as another: a cut the
                // extraction order runs the other way, or the wrong outlet.
                std::string meant;
                for (const int e : p.elements) {
                    meant += (meant.empty() ? "" : ", ") + species_symbol(e);
                }
                result.warnings.push_back(
                    "product '" + p.name + "' (" + spec.cascade_names[c] + "." + o.name +
                    ") is meant for " + meant + " but comes out enriched in " +
                    species_symbol(main) + " (mole fraction " + fmt(p.composition[main]) +
                    "); check the system's extraction order and which outlet the product takes");
            }
            for (const int e : p.elements) {
                p.purity += p.composition[e];
            }
            fill_impurity_content(p, impurity_feed, result);
            result.products.push_back(p);
        }
    }
    for (int e = 0; e < num_elements; ++e) {
        if (feed[e] > 0.0) {
            result.balance_relative_error[e] =
                std::abs(feed[e] - result.product_mol_per_h[e]) / feed[e];
            result.mass_balance_relative_error =
                std::max(result.mass_balance_relative_error, result.balance_relative_error[e]);
        }
    }
    for (int k = 0; k < num_impurities; ++k) {
        if (impurity_feed[k] > 0.0) {
            auto& error = result.impurity_balance_relative_error[k];
            error = std::abs(impurity_feed[k] - result.impurity_product_mol_per_h[k]) /
                    impurity_feed[k];
            result.mass_balance_relative_error =
                std::max(result.mass_balance_relative_error, error);
        }
    }
    // One line per distinct warning, naming every cascade that gives it: the cascades of a
    // designed plant share their settings, and so their warnings.
    std::vector<std::pair<std::string, std::string>> warned;  // warning, cascades
    for (int c = 0; c < count; ++c) {
        const Reagents& r = cascades[c].reagents;
        result.base_mol_per_h += r.saponification_base_mol_per_h;
        result.scrub_acid_h_mol_per_h += r.scrub_acid_h_mol_per_h;
        result.strip_acid_h_mol_per_h += r.strip_acid_h_mol_per_h;
        for (const auto& w : cascades[c].warnings) {
            const auto same = std::find_if(warned.begin(), warned.end(),
                                           [&](const auto& seen) { return seen.first == w; });
            if (same == warned.end()) {
                warned.emplace_back(w, spec.cascade_names[c]);
            } else {
                same->second += ", " + spec.cascade_names[c];
            }
        }
    }
    for (const auto& [w, names] : warned) {
        result.warnings.push_back(names + ": " + w);
    }
}

}  // namespace plant_detail

}  // namespace reesx
