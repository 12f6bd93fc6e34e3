// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `separate`: the sequence of cuts that splits a feed into its products (a memoized dynamic
// program over contiguous groups of the extraction order, each cut designed by Designer),
// and the plant that runs it. Input in SeparateInput.cpp; the plant file, diagram and
// impurity report in SeparatePlantFile.cpp, SeparateDiagram.cpp, SeparateImpurityOutput.cpp.
#include "reesx/flowsheets/Separate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "PlantDetail.h"
#include "SeparateRemovalCuts.h"
#include "reesx/core/Error.h"

namespace reesx {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

std::string group_name(const std::vector<int>& group)
{
    return group.size() == 1 ? species_symbol(group.front())
                             : species_symbol(group.front()) + "-" + species_symbol(group.back());
}

//! A product's name: its element, or "Nd-Lu group" when several elements are lumped, so
//! that a group's purity is never read as one element's.
std::string product_name(const std::vector<int>& group)
{
    return group.size() == 1 ? group_name(group) : group_name(group) + " group";
}

//! The design problem of the cut that splits products i..j between k and k + 1, fed with
//! `stream` (mol/h per element) in `phase`.
DesignSpec cut_design_spec(const SeparateSpec& spec, const std::vector<std::vector<int>>& groups,
                           int k, const std::pair<double, double>& purities,
                           const std::array<double, num_elements>& stream, theory::FeedPhase phase)
{
    DesignSpec d;
    d.root = spec.root;
    d.system = spec.system;
    d.system_reference = spec.system_reference;
    d.order = spec.system.extraction_order();
    double total = 0.0;
    for (const double x : stream) {
        total += x;
    }
    for (int e = 0; e < num_elements; ++e) {
        d.feed.mole_fraction[e] = stream[e] / total;
    }
    d.feed_re_mol_per_h = total;
    d.feed_concentration_mol_per_L = spec.feed_concentration_mol_per_L;
    d.feed_phase = phase;
    const auto position = [&](int element) {
        return static_cast<int>(std::find(d.order.begin(), d.order.end(), element) -
                                d.order.begin());
    };
    d.key_b_position = position(groups[k].back());
    d.cut_position = position(groups[k + 1].front());
    d.purity_a = purities.first;
    d.purity_b = purities.second;
    d.strip_stages = spec.strip_stages;
    d.tradeoff_points = 0;
    return d;
}

//! The sequence problem over products 0..P-1 (contiguous groups of the extraction order).
class Sequencer {
public:
    Sequencer(const SeparateSpec& spec, const std::vector<std::vector<int>>& groups,
              const SeparateHooks& hooks)
        : spec_(spec), groups_(groups), hooks_(hooks)
    {
        for (const auto& g : groups_) {
            double f = 0.0;
            for (const int e : g) {
                f += spec.feed.mole_fraction[e];
            }
            fraction_.push_back(f);
        }
        allowances_ =
            purity_allowances(fraction_, spec_.purity, hooks_.budget.value_or(PurityBudget{}));
    }

    double amount(int i, int j) const
    {
        double f = 0.0;
        for (int g = i; g <= j; ++g) {
            f += fraction_[g];
        }
        return f;
    }

    //! Group purities a cut must reach so that, with every product's allowance shared as
    //! the budget says and counted after its losses, each of its two key products (groups k
    //! and k + 1) meets the final purity.
    std::pair<double, double> cut_purities(int i, int j, int k) const
    {
        return budget_cut_purities(allowances_, i, j, k);
    }

    //! Short-cut cost of the cascade that splits groups i..j between k and k + 1.
    double cascade_cost(int i, int j, int k, double* stages = nullptr,
                        double* reagent = nullptr) const
    {
        const theory::Targets t = cascade_targets(i, j, k);
        theory::Result r;
        try {
            r = theory::evaluate(t);
        } catch (const InfeasibleError&) {
            return infinity;
        }
        // Base 3 S and acid 3 (W + f'_A) = 3 S per mol of this cascade's feed (chemistry
        // notes §3.8), per mol of plant feed.
        const double reagent_per_plant_mol = 6.0 * r.s_opt * amount(i, j);
        const double n = std::max(1.0, std::ceil(r.n)) + std::max(1.0, std::ceil(r.m));
        if (stages) {
            *stages += n;
        }
        if (reagent) {
            *reagent += reagent_per_plant_mol;
        }
        if (hooks_.cut_cost) {
            return priced_cut(i, j, k, t);
        }
        return spec_.stage_weight * n + spec_.reagent_weight * reagent_per_plant_mol;
    }

    //! The theory's pseudo-binary problem of the cut (its key elements).
    theory::Targets cascade_targets(int i, int j, int k) const
    {
        const int key_b = groups_[k].back(), key_a = groups_[k + 1].front();
        const auto [purity_a, purity_b] = cut_purities(i, j, k);
        return {spec_.system.beta(key_a, key_b), amount(k + 1, j) / amount(i, j), purity_a,
                purity_b, theory::FeedPhase::aqueous};
    }

    //! The cut as a design fed the plant feed's elements of products i..j.
    SequenceCut make_cut(int i, int j, int k, const theory::Targets& t) const
    {
        SequenceCut cut;
        cut.first = i;
        cut.last = j;
        cut.cut = k;
        cut.share_of_feed = amount(i, j);
        cut.targets = t;
        std::array<double, num_elements> stream{};
        for (int g = i; g <= j; ++g) {
            for (const int e : groups_[g]) {
                stream[e] = spec_.feed.mole_fraction[e] * spec_.feed_re_mol_per_h;
            }
        }
        cut.design = cut_design_spec(spec_, groups_, k, cut_purities(i, j, k), stream,
                                     theory::FeedPhase::aqueous);
        cut.design.feed.name = "products " + split_label(i, j, k);
        cut.design.split_label = split_label(i, j, k);
        return cut;
    }

    //! The hook's objective of a cut (once per cut: the runners-up ask again).
    double priced_cut(int i, int j, int k, const theory::Targets& t) const
    {
        const auto key = std::make_tuple(i, j, k);
        if (const auto it = priced_.find(key); it != priced_.end()) {
            return it->second;
        }
        const SequenceCut cut = make_cut(i, j, k, t);
        return priced_.emplace(key, hooks_.cut_cost(cut)).first->second;
    }

    double best(int i, int j)
    {
        if (i == j) {
            return 0.0;
        }
        const auto key = std::make_pair(i, j);
        if (const auto it = memo_.find(key); it != memo_.end()) {
            return it->second.first;
        }
        double best_cost = infinity;
        int best_cut = -1;
        for (int k = i; k < j; ++k) {
            const double cost = cascade_cost(i, j, k) + best(i, k) + best(k + 1, j);
            if (cost < best_cost) {
                best_cost = cost;
                best_cut = k;
            }
        }
        memo_[key] = {best_cost, best_cut};
        return best_cost;
    }

    int cut(int i, int j)
    {
        best(i, j);
        return memo_.at({i, j}).second;
    }

    //! The cuts of the best plant below (i, j), first cut given, in design order.
    void describe(int i, int j, int k, SequenceOption& option)
    {
        if (i == j) {
            return;
        }
        option.cuts += (option.cuts.empty() ? "" : ", ") + split_label(i, j, k);
        option.objective +=
            cascade_cost(i, j, k, &option.shortcut_stages, &option.reagent_mol_per_mol);
        if (k > i) {
            describe(i, k, cut(i, k), option);
        }
        if (k + 1 < j) {
            describe(k + 1, j, cut(k + 1, j), option);
        }
    }

    std::string split_label(int i, int j, int k) const
    {
        const auto side = [&](int from, int to) {
            const std::string first = species_symbol(groups_[from].front());
            const std::string last = species_symbol(groups_[to].back());
            return first == last ? first : first + "-" + last;
        };
        return side(i, k) + "/" + side(k + 1, j);
    }

private:
    const SeparateSpec& spec_;
    const std::vector<std::vector<int>>& groups_;
    const SeparateHooks& hooks_;
    std::vector<double> fraction_;
    PurityAllowances allowances_;
    std::map<std::pair<int, int>, std::pair<double, int>> memo_;
    mutable std::map<std::tuple<int, int, int>, double> priced_;
};

class PlantBuilder {
public:
    PlantBuilder(const SeparateSpec& spec, Sequencer& sequencer, SeparateResult& result,
                 const std::function<void(const std::string&)>& progress,
                 const SeparateHooks& hooks)
        : spec_(spec), sequencer_(sequencer), result_(result), progress_(progress), hooks_(hooks)
    {
    }

    //! Designs the cascade for groups i..j fed with `stream` (mol/h per element) from outlet
    //! `outlet` of cascade `from_cascade` (0: the plant feed) in `phase`, then the cascades
    //! below it.
    void build(int i, int j, const std::array<double, num_elements>& stream, int from_cascade,
               const std::string& outlet, theory::FeedPhase phase)
    {
        const std::string from = from_cascade == 0
                                     ? "plant feed"
                                     : "cascade " + std::to_string(from_cascade) + " " + outlet;
        const auto& groups = result_.product_groups;
        if (i == j) {
            PlantProduct p;
            p.name = product_name(groups[i]);
            p.elements = groups[i];
            p.main_element =
                static_cast<int>(std::max_element(stream.begin(), stream.end()) - stream.begin());
            p.stream = from;
            p.cascade = from_cascade;
            p.outlet = outlet;
            p.mol_per_h = stream;
            for (int e = 0; e < num_elements; ++e) {
                p.re_mol_per_h += stream[e];
                p.kg_reo_per_h += stream[e] * elements()[e].oxide_mass_per_mol_element_g() / 1e3;
            }
            double own = 0.0, fed = 0.0;
            for (const int e : p.elements) {
                own += stream[e];
                fed += spec_.feed.mole_fraction[e] * spec_.feed_re_mol_per_h;
            }
            p.purity = own / p.re_mol_per_h;
            p.main_element_purity = stream[p.main_element] / p.re_mol_per_h;
            p.recovery = own / fed;
            result_.products.push_back(p);
            return;
        }
        const int k = sequencer_.cut(i, j);
        const auto [purity_a, purity_b] = sequencer_.cut_purities(i, j, k);
        DesignSpec d = cut_design_spec(spec_, groups, k, {purity_a, purity_b}, stream, phase);
        d.feed.name = from;
        d.split_label = sequencer_.split_label(i, j, k);
        // Linked: a more extractable side that is split further leaves as loaded organic.
        const bool a_linked = spec_.linked && k + 1 < j;
        d.strip_stages = a_linked ? 0 : spec_.strip_stages;
        PlantCascade c;
        c.index = static_cast<int>(result_.cascades.size()) + 1;
        c.split = d.split_label;
        c.feed_from = from;
        c.feed_cascade = from_cascade;
        c.feed_outlet = outlet;
        c.purity_target = std::min(purity_a, purity_b);
        d.name = "cascade " + std::to_string(c.index) + ": " + c.split;
        if (progress_) {
            progress_("cascade " + std::to_string(c.index) + ": " + c.split + " (fed from " + from +
                      ")");
        }
        if (phase == theory::FeedPhase::organic) {
            // An organic feed needs less extraction than the same feed in the aqueous: S_min
            // is lower by about f_A (chemistry notes §3.3), while Xu's optimum S is the same
            // for both phases when f'_B > 1/(1 + sqrt(beta)). Take the reflux at the aqueous
            // optimum's margin over its minimum, S = (S_opt/S_min)_aqueous x S_min,organic,
            // so that the link saves base and acid; Xu's optimum if that reaches no design.
            double f_a = 0.0;
            for (int g = k + 1; g <= j; ++g) {
                for (const int e : groups[g]) {
                    f_a += d.feed.mole_fraction[e];
                }
            }
            const theory::Result aqueous =
                theory::evaluate({spec_.system.beta(groups[k + 1].front(), groups[k].back()), f_a,
                                  purity_a, purity_b, theory::FeedPhase::aqueous});
            d.reflux_mode = RefluxMode::multiple;
            d.reflux_multiple = aqueous.s_opt / aqueous.s_min;
            try {
                c.design = design_cut(d);
            } catch (const InfeasibleError&) {
                d.reflux_mode = RefluxMode::optimum;
                c.design = design_cut(d);
            }
        } else {
            c.design = design_cut(d);
        }
        c.spec = d;
        result_.simulations += c.design.simulations;
        c.product_a_to = k + 1 == j ? product_name(groups[j]) + " product" : "next cascade";
        c.product_b_to = k == i ? product_name(groups[i]) + " product" : "next cascade";
        const CascadeResult& sim = c.design.simulation;
        std::array<double, num_elements> a{}, b{};
        for (const auto& p : sim.products) {
            if (p.name == c.design.product_a_name) {
                std::copy_n(p.mol_per_h.begin(), num_elements, a.begin());
            } else if (p.name == "raffinate") {
                std::copy_n(p.mol_per_h.begin(), num_elements, b.begin());
            }
        }
        const std::string a_outlet = c.design.product_a_name;
        const int index = c.index;
        result_.cascades.push_back(std::move(c));
        build(i, k, b, index, "raffinate", theory::FeedPhase::aqueous);
        build(k + 1, j, a, index, a_outlet,
              a_linked ? theory::FeedPhase::organic : theory::FeedPhase::aqueous);
    }

private:
    DesignResult design_cut(const DesignSpec& d) const
    {
        return hooks_.design ? hooks_.design(d) : design(d);
    }
    const SeparateSpec& spec_;
    Sequencer& sequencer_;
    SeparateResult& result_;
    const std::function<void(const std::string&)>& progress_;
    const SeparateHooks& hooks_;
};

//! The plant's products: every element present, or with lump-below every element at or above
//! it; the ones below (`lumped`) join their neighbour in the extraction order (the preceding
//! product, or the first one).
std::vector<std::vector<int>> product_groups(const SeparateSpec& spec, std::vector<int>& lumped)
{
    std::vector<std::vector<int>> groups;
    std::vector<int> leading;
    for (const int e : spec.system.extraction_order()) {
        if (!(spec.feed.mole_fraction[e] > 0.0)) {
            continue;
        }
        if (spec.feed.mole_fraction[e] >= spec.lump_below) {
            groups.push_back({e});
        } else {
            lumped.push_back(e);
            (groups.empty() ? leading : groups.back()).push_back(e);
        }
    }
    if (!groups.empty()) {  // traces before the first product join it
        auto& first = groups.front();
        first.insert(first.begin(), leading.begin(), leading.end());
    }
    return groups;
}

}  // namespace

SeparateResult separate(const SeparateSpec& spec,
                        const std::function<void(const std::string&)>& progress,
                        const SeparateHooks& hooks)
{
    const auto start_time = std::chrono::steady_clock::now();
    SeparateResult result;
    std::vector<int> lumped;
    result.product_groups = product_groups(spec, lumped);
    if (!lumped.empty()) {
        std::string text = "below lump-below = " + std::to_string(spec.lump_below) +
                           " mole fraction, lumped with their neighbour in the extraction "
                           "order (the products named 'group'):";
        for (const int e : lumped) {
            text += ' ';
            text += elements()[e].symbol;
        }
        result.notes.push_back(text);
    }
    if (result.product_groups.size() < 2) {
        throw InfeasibleError("the feed has fewer than two products at or above lump-below (" +
                              std::to_string(spec.lump_below) +
                              " mole fraction): there is nothing to separate; lower lump-below");
    }
    Sequencer sequencer(spec, result.product_groups, hooks);
    const int last = static_cast<int>(result.product_groups.size()) - 1;
    if (!std::isfinite(sequencer.best(0, last))) {
        throw InfeasibleError(
            "no sequence of cuts reaches the purities: some cut has a "
            "separation factor <= 1 or an empty side");
    }
    // The chosen sequence and the best plant for every other first cut (runners-up).
    for (int k = 0; k < last; ++k) {
        SequenceOption option;
        sequencer.describe(0, last, k, option);
        if (std::isfinite(option.objective)) {
            result.sequences.push_back(option);
        }
    }
    std::sort(
        result.sequences.begin(), result.sequences.end(),
        [](const SequenceOption& a, const SequenceOption& b) { return a.objective < b.objective; });

    std::array<double, num_elements> feed{};
    for (int e = 0; e < num_elements; ++e) {
        feed[e] = spec.feed.mole_fraction[e] * spec.feed_re_mol_per_h;
    }
    // What the first cut is designed for: the plant feed, or the rare earths of the impurity
    // removal step's raffinate when the plant has one.
    std::array<double, num_elements> cut_feed = feed;
    const auto build = [&](const SeparateSpec& s) {
        result.cascades.clear();
        result.products.clear();
        PlantBuilder builder(s, sequencer, result, progress, hooks);
        builder.build(0, last, cut_feed, 0, "", theory::FeedPhase::aqueous);
        PlantTotals totals;
        for (const auto& c : result.cascades) {
            totals.total_stages += c.design.n + c.design.m + c.design.strip;
            const Reagents& r = c.design.simulation.reagents;
            totals.base_mol_per_h += r.saponification_base_mol_per_h;
            totals.hcl_mol_per_h += r.scrub_acid_h_mol_per_h + r.strip_acid_h_mol_per_h;
        }
        return totals;
    };
    const auto build_plant = [&]() {
        if (spec.linked && hooks.compare_independent) {
            SeparateSpec independent = spec;
            independent.linked = false;
            if (progress) {
                progress("the sequence as independent cascades (for comparison):");
            }
            result.independent = build(independent);
            if (progress) {
                progress("the sequence as linked cascades:");
            }
        }
        return build(spec);
    };
    PlantTotals totals = build_plant();
    if (spec.impurities) {
        design_removal_and_cuts(
            spec, feed, cut_feed, result, [&] { totals = build_plant(); }, progress);
    }

    double kg_products = 0.0;
    std::array<double, num_elements> out{};
    if (result.impurity_removal && result.impurity_removal->built) {
        // The rare earths the removal step keeps (its impurity liquor and stripped organic).
        for (const auto& p : result.impurity_removal->simulation.products) {
            if (p.name != "raffinate") {
                for (int e = 0; e < num_elements; ++e) {
                    out[e] += p.mol_per_h[e];
                }
            }
        }
    }
    for (const auto& p : result.products) {
        kg_products += p.kg_reo_per_h;
        for (int e = 0; e < num_elements; ++e) {
            out[e] += p.mol_per_h[e];
        }
    }
    for (int e = 0; e < num_elements; ++e) {
        if (feed[e] > 0.0) {
            result.balance_relative_error[e] = std::abs(out[e] - feed[e]) / feed[e];
            result.mass_balance_relative_error =
                std::max(result.mass_balance_relative_error, result.balance_relative_error[e]);
        }
    }
    result.total_stages = totals.total_stages;
    result.base_mol_per_h = totals.base_mol_per_h;
    result.hcl_mol_per_h = totals.hcl_mol_per_h;
    result.base_mol_per_kg_product = result.base_mol_per_h / kg_products;
    result.hcl_mol_per_kg_product = result.hcl_mol_per_h / kg_products;
    result.notes.push_back(
        !hooks.sequence_note.empty()
            ? hooks.sequence_note
            : "sequence chosen with the short-cut costs of the countercurrent-extraction theory "
              "(objective: " +
                  std::to_string(spec.stage_weight) + " x stages + " +
                  std::to_string(spec.reagent_weight) +
                  " x mol base and acid per mol feed RE); the chosen plant is designed and "
                  "simulated rigorously");
    result.notes.push_back("each cascade's aqueous feed is its upstream product brought to " +
                           std::to_string(spec.feed_concentration_mol_per_L) +
                           " mol/L RE (stripped, then concentrated or diluted)");
    for (const auto& p : result.products) {
        if (p.purity < spec.purity) {
            result.warnings.push_back(
                "product " + p.name + " (" + p.stream + ") comes out at purity " +
                plant_detail::fmt(p.purity, 8) + ", below the target " +
                plant_detail::fmt(spec.purity, 8) + " (recovery " +
                plant_detail::fmt(p.recovery, 4) +
                "): its cuts were sized with the short-cut theory, and the rigorous cascades "
                "leave more impurity in it than that budgets; raise --purity, or use "
                "`reesx optimize --plant`, which rebuilds the plant until its simulation meets "
                "every purity");
        }
    }
    const bool any_linked =
        std::any_of(result.cascades.begin(), result.cascades.end(),
                    [](const PlantCascade& c) { return c.feed_outlet == "loaded_organic"; });
    if (spec.linked && !any_linked) {
        result.notes.push_back(
            "linked: no cut of this sequence has a more extractable side that is split again, "
            "so there is nothing to link; the plant is the independent one");
    } else if (spec.linked) {
        result.notes.push_back(
            "linked: a cascade whose more extractable side is split again has no strip "
            "section; its loaded organic is the next cascade's organic feed (at the organic's "
            "loading), so that side is neither stripped nor extracted again");
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return result;
}

std::vector<SequenceCut> chosen_cuts(const SeparateSpec& spec, const SeparateHooks& hooks)
{
    std::vector<int> lumped;
    const std::vector<std::vector<int>> groups = product_groups(spec, lumped);
    std::vector<SequenceCut> cuts;
    if (groups.size() < 2) {
        return cuts;
    }
    Sequencer sequencer(spec, groups, hooks);
    const int last = static_cast<int>(groups.size()) - 1;
    if (!std::isfinite(sequencer.best(0, last))) {
        return cuts;
    }
    // Design order: the cut of i..j, then those of its B side, then of its A side.
    const auto walk = [&](const auto& self, int i, int j) -> void {
        if (i == j) {
            return;
        }
        const int k = sequencer.cut(i, j);
        cuts.push_back(sequencer.make_cut(i, j, k, sequencer.cascade_targets(i, j, k)));
        self(self, i, k);
        self(self, k + 1, j);
    };
    walk(walk, 0, last);
    return cuts;
}

SequenceCut sequence_cut(const SeparateSpec& spec, const SeparateHooks& hooks, int i, int j, int k)
{
    std::vector<int> lumped;
    const std::vector<std::vector<int>> groups = product_groups(spec, lumped);
    const Sequencer sequencer(spec, groups, hooks);
    return sequencer.make_cut(i, j, k, sequencer.cascade_targets(i, j, k));
}

std::string chosen_sequence(const SeparateSpec& spec)
{
    std::string cuts;
    for (const auto& cut : chosen_cuts(spec, {})) {
        cuts += (cuts.empty() ? "" : ", ") + cut.design.split_label;
    }
    return cuts;
}

}  // namespace reesx
