// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Streams between the plant's cascades (PlantStreams.h).
#include <algorithm>

#include "reesx/core/Error.h"

#include "PlantDetail.h"
#include "PlantStreams.h"

namespace reesx {

std::string_view inlet_name(Inlet inlet)
{
    switch (inlet) {
        case Inlet::feed:
            return "feed";
        case Inlet::organic_feed:
            return "organic-feed";
        case Inlet::scrub:
            return "scrub";
    }
    return "";
}

double StreamValue::re_mol_per_h() const
{
    double total = 0.0;
    for (const double x : mol_per_h) {
        total += x;
    }
    return total;
}

double StreamValue::impurities_mol_per_h() const
{
    double total = 0.0;
    for (const double x : impurity_mol_per_h) {
        total += x;
    }
    return total;
}

void StreamValue::scale(double factor)
{
    flow_L_per_h *= factor;
    acid_mol_per_h *= factor;
    for (auto& m : mol_per_h) {
        m *= factor;
    }
    for (auto& m : impurity_mol_per_h) {
        m *= factor;
    }
}

namespace plant_detail {

//! The stream a cascade outlet delivers as a feed of the next cascade (`to`).
FeedSpec feed_from_stream(const StreamValue& v, Inlet inlet, int stage, const CaseSpec& to)
{
    FeedSpec f;
    f.phase = inlet_phase(inlet);
    f.stage = stage;
    f.flow_L_per_h = v.flow_L_per_h;
    const double re = v.re_mol_per_h();
    f.concentration_mol_per_L = re / v.flow_L_per_h;
    for (int e = 0; e < num_elements; ++e) {
        f.mole_fraction[e] = re > 0.0 ? v.mol_per_h[e] / re : 0.0;
    }
    for (int k = 0; k < num_impurities; ++k) {
        f.impurity_mol_per_L[k] = v.impurity_mol_per_h[k] / v.flow_L_per_h;
    }
    // The stream carries H+; a sulfate cascade takes its acid as mol/L H2SO4 (two H+ each).
    f.acid_mol_per_L = f.phase == Phase::aqueous
                           ? v.acid_mol_per_h / v.flow_L_per_h / (to.medium.sulfate ? 2.0 : 1.0)
                           : 0.0;
    return f;
}

//! An outlet of a solved cascade as a stream (all of it).
StreamValue outlet_value(const CascadeResult& r, const std::string& outlet)
{
    StreamValue v;
    for (const auto& p : r.products) {
        if (p.name != outlet) {
            continue;
        }
        v.phase = p.phase;
        v.flow_L_per_h = p.flow_L_per_h;
        std::copy_n(p.mol_per_h.begin(), num_elements, v.mol_per_h.begin());
        std::copy_n(p.mol_per_h.begin() + num_elements, num_impurities,
                    v.impurity_mol_per_h.begin());
        if (p.name == "raffinate") {
            v.acid_mol_per_h = r.reagents.raffinate_acid_h_mol_per_h;
        } else if (p.name == "strip_liquor") {
            v.acid_mol_per_h = r.reagents.strip_liquor_acid_h_mol_per_h;
        } else if (p.phase == Phase::aqueous) {
            const auto h = std::find(r.profile_names.begin(), r.profile_names.end(), "h_mol_per_L");
            if (h != r.profile_names.end()) {
                v.acid_mol_per_h =
                    p.flow_L_per_h * r.profiles(p.stage - 1, h - r.profile_names.begin());
            }
        }
        return v;
    }
    throw Error("internal: cascade result has no outlet '" + outlet + "'");
}

double stream_share(const PlantSpec& spec, const PlantStreamSpec& s, const StreamValue& outlet)
{
    if (s.fraction) {
        return *s.fraction;
    }
    if (s.flow_L_per_h) {
        if (*s.flow_L_per_h > outlet.flow_L_per_h * (1.0 + 1e-12)) {
            throw InfeasibleError(
                "stream " + s.label + " takes " + fmt(*s.flow_L_per_h) + " L/h but the " +
                s.outlet + " of '" + spec.cascade_names[s.from] + "' is only " +
                fmt(outlet.flow_L_per_h) + " L/h; take a smaller flow or a fraction");
        }
        return *s.flow_L_per_h / outlet.flow_L_per_h;
    }
    return 1.0;
}

std::array<double, num_impurities> take_passing_ions(std::vector<FeedSpec>& feeds,
                                                     const std::map<int, std::string>& routes,
                                                     const std::string& cascade)
{
    std::array<double, num_impurities> ions{};
    for (auto& f : feeds) {
        for (int k = 0; k < num_impurities; ++k) {
            auto& c = f.impurity_mol_per_L[static_cast<std::size_t>(k)];
            if (c <= 0.0) {
                continue;
            }
            if (routes.count(num_elements + k) == 0) {
                const std::string ion = species_symbol(num_elements + k);
                throw InfeasibleError("cascade '" + cascade + "' receives " + ion +
                                      ", which its ion-outlets does not route and its model "
                                      "cannot carry; add " +
                                      ion + ": raffinate (or another outlet) to its ion-outlets");
            }
            ions[static_cast<std::size_t>(k)] += c * f.flow_L_per_h;
            c = 0.0;
        }
    }
    return ions;
}

void add_passing_ions(CascadeResult& r, const std::map<int, std::string>& routes,
                      const std::array<double, num_impurities>& ions)
{
    for (const auto& [species, outlet] : routes) {
        const double amount = ions[static_cast<std::size_t>(species - num_elements)];
        if (amount <= 0.0) {
            continue;
        }
        r.feed_mol_per_h[static_cast<std::size_t>(species)] += amount;  // the balance closes
        for (auto& p : r.products) {
            if (p.name == outlet) {
                p.mol_per_h[static_cast<std::size_t>(species)] += amount;
                p.impurity_mol_per_h += amount;
                fill_impurity_content(p);
            }
        }
    }
}

}  // namespace plant_detail

}  // namespace reesx
