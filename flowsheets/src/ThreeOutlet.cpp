// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Three-outlet cascades (docs/design.md, "Three-outlet cascades"): a split A/B/C into three
// groups in one cascade, the least extractable group leaving in the raffinate, the most
// extractable in the loaded organic, and the middle group drawn from the organic at the
// stage where its organic concentration peaks (chemistry notes §3.6: the middle component
// accumulates between the two cuts). Every trial is a full simulation of the case text the
// design writes, as in Design.cpp. This file sizes the cascade with its side draw; the
// comparison with two two-outlet cascades is in ThreeOutletAlternatives.cpp.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

#include "ThreeOutletDesigner.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/Design.h"

namespace reesx {

using design_detail::num;
using design_detail::short_num;

namespace {

constexpr int max_total_stages = 3000;  //!< beyond this a target counts as unreachable

}  // namespace

namespace three_outlet_detail {

std::string group_name(const std::vector<int>& group)
{
    std::string out(elements()[group.front()].symbol);
    if (group.size() > 1) {
        out += '-';
        out += elements()[group.back()].symbol;
    }
    return out;
}

const ProductResult& product(const CascadeResult& r, const std::string& name)
{
    for (const auto& p : r.products) {
        if (p.name == name) {
            return p;
        }
    }
    throw Error("three-outlet design: the simulation has no " + name + " product");
}

//! Saponification base; HCl = scrub + strip H+ plus 3 H+ per RE of every organic outlet but
//! the stripped organic (each is stripped to become a product or the next cascade's feed).
void reagents(const CascadeResult& r, double& base, double& hcl)
{
    base += r.reagents.saponification_base_mol_per_h;
    hcl += r.reagents.scrub_acid_h_mol_per_h + r.reagents.strip_acid_h_mol_per_h;
    for (const auto& p : r.products) {
        if (p.phase == Phase::organic && p.name != "stripped_organic") {
            hcl += 3.0 * p.re_mol_per_h;
        }
    }
}

std::string ThreeOutletDesigner::case_yaml(int n, int m, int draw_stage) const
{
    std::string y = design_case_yaml(spec_, n, m, result_.s, result_.w, result_.d);
    // In the saturated-organic model the organic leaves every stage but the last scrub stage
    // at the capacity, so the draw's flow follows from its RE flux exactly.
    const double flow = result_.d * spec_.feed_re_mol_per_h / spec_.organic_capacity_mol_per_L();
    y += "draws:\n  - {name: middle, phase: organic, stage: " + std::to_string(draw_stage) +
         ", flow: " + num(flow) + " L/h}\n";
    return y;
}

CascadeResult ThreeOutletDesigner::simulate(int n, int m, int draw_stage)
{
    const CaseSpec c = parse_design_case(spec_, case_yaml(n, m, draw_stage), "three-outlet case");
    Cascade cascade(c);
    CascadeResult r = cascade.solve();
    ++result_.simulations;
    return r;
}

Trial ThreeOutletDesigner::trial(int n, int m, int draw_stage)
{
    const auto key = std::make_tuple(n, m, draw_stage);
    if (const auto it = cache_.find(key); it != cache_.end()) {
        return it->second;
    }
    Trial t;
    t.draw_stage = draw_stage;
    try {
        const CascadeResult r = simulate(n, m, draw_stage);
        const std::array<const ProductResult*, 3> outlets = {
            &product(r, "raffinate"), &product(r, "middle"), &product(r, a_outlet_)};
        for (int g = 0; g < 3; ++g) {
            t.purity[g] =
                sum_of(outlets[g]->mol_per_h, result_.groups[g]) / total_of(outlets[g]->mol_per_h);
        }
        // The peak of the middle group's organic concentration, over the stages a draw can
        // take organic from (not the last, whose organic is the loaded organic).
        double best = -1.0;
        for (int j = 0; j + 1 < n + m; ++j) {
            double conc = 0.0;
            for (const int e : result_.groups[1]) {
                conc += r.organic_mol_per_L(j, e);
            }
            if (conc > best) {
                best = conc;
                t.peak_stage = j + 1;
            }
        }
        t.converged = true;
    } catch (const ConvergenceError&) {
        // A trial the solver cannot settle misses the targets; the search moves on.
    } catch (const InfeasibleError&) {
        // Flows the model cannot satisfy at this draw stage: likewise.
    }
    cache_.emplace(key, t);
    return t;
}

Trial ThreeOutletDesigner::at_peak(int n, int m)
{
    if (const auto it = at_peak_cache_.find({n, m}); it != at_peak_cache_.end()) {
        return it->second;
    }
    // A draw lowers the middle group's organic flux above it, so the stage it is taken from
    // tends to become the peak wherever it is: several stages are self-consistent peaks.
    // Among them take the one whose products fall least short of their targets (coarse
    // scan, then every stage around the best).
    const int last = n + m - 1;
    Trial best;
    double best_worst = std::numeric_limits<double>::infinity();
    const auto consider = [&](int j) {
        const Trial t = trial(n, m, j);
        if (t.converged && t.peak_stage == j && worst(t) < best_worst) {
            best = t;
            best_worst = worst(t);
        }
    };
    const int step = std::max(1, last / 12);
    for (int j = 1; j <= last; j += step) {
        consider(j);
    }
    if (!best.converged) {  // no coarse stage was a peak: try them all
        for (int j = 1; j <= last; ++j) {
            consider(j);
        }
    }
    if (best.converged) {
        const int centre = best.draw_stage;
        for (int j = std::max(1, centre - step + 1); j <= std::min(last, centre + step - 1); ++j) {
            consider(j);
        }
    }
    at_peak_cache_.emplace(std::make_pair(n, m), best);
    return best;
}

void ThreeOutletDesigner::choose_reflux()
{
    // Each section works at its own cut's reflux: below the draw the cascade is the cut
    // C | M+A with organic flux S; above it the cut M | A of the feed's M + A with organic
    // flux S - D. S is the larger of what the two ask (Xu's optimum, or k S_min).
    const double p_middle_side = 1.0 - 0.5 * (1.0 - target_[1]);
    const double f_upper = f_[1] + f_[2];
    const theory::Targets low{result_.beta_low, f_upper, p_middle_side, target_[0],
                              theory::FeedPhase::aqueous};
    const theory::Targets high{result_.beta_high, f_[2] / f_upper, target_[2], p_middle_side,
                               theory::FeedPhase::aqueous};
    const theory::Result r_low = theory::evaluate(low), r_high = theory::evaluate(high);
    result_.s_min_low = r_low.s_min;
    result_.s_min_high = f_upper * r_high.s_min;
    const bool optimum = spec_.reflux_mode == RefluxMode::optimum;
    const double k = spec_.reflux_multiple;
    const double s_low = optimum ? r_low.s_opt : k * r_low.s_min;
    const double s_high = result_.d + f_upper * (optimum ? r_high.s_opt : k * r_high.s_min);
    // The middle product's own minimum. Below the draw the organic (flux S) rises through an
    // aqueous (L = S + f'_C) that carries C down to the raffinate, while the net flux of M
    // there is nearly zero (the feed enters above). The pinch of that section (C, M
    // pseudo-binary) is S y = L x with y = beta x / (1 + (beta - 1) x), i.e.
    // 1 - y = f'_C / ((beta - 1) S): the organic drawn can be no purer, so the middle
    // product's allowance of C, a_C, asks S >= f'_C / ((beta - 1) a_C).
    result_.s_min_middle = r_share_ / ((result_.beta_low - 1.0) * a_c_);
    const double margin = optimum ? r_low.s_opt / r_low.s_min : k;
    const double s_middle = margin * result_.s_min_middle;
    s_cap_ = 50.0 * std::max(r_low.s_min, result_.s_min_high);
    say("three-outlet: beta = " + short_num(result_.beta_low) + " and " +
        short_num(result_.beta_high) + "; S asked by the cuts " + short_num(s_low) + " and " +
        short_num(s_high) + ", by the middle purity " + short_num(s_middle) + " (S_min " +
        short_num(result_.s_min_middle) + "); draw D = " + short_num(result_.d) +
        " mol RE per mol feed RE");
    if (result_.s_min_middle >= s_cap_) {
        throw InfeasibleError(
            "a middle product of " + short_num(target_[1], 8) + " " +
            group_name(result_.groups[1]) +
            " cannot be drawn from this cascade at a practical reflux: the organic at the draw "
            "is in equilibrium with an aqueous that carries all of the " +
            group_name(result_.groups[0]) +
            " past it, which caps its purity at 1 - f'_C / "
            "((beta - 1) S); the middle purity asks S >= " +
            short_num(result_.s_min_middle) +
            " mol RE per mol feed RE, over 50 times the "
            "cuts' minimum reflux (" +
            short_num(s_cap_ / 50.0) +
            "). Lower the middle product's purity, or separate it with two two-outlet "
            "cascades");
    }
    set_reflux(std::min(s_cap_, std::max({s_low, s_high, s_middle})));
}

void ThreeOutletDesigner::set_reflux(double s)
{
    result_.s = s;
    // The organic product carries S - D - W = L = 1 - D - R.
    result_.w = result_.s - result_.d - (1.0 - result_.d - r_share_);
    cache_.clear();
    at_peak_cache_.clear();
}

std::optional<std::pair<int, int>> ThreeOutletDesigner::size_stages()
{
    // Per-stage fall of log10 impurity at the two cuts, roughly, from the separation factors:
    // it sizes the growth steps; the trim below makes the answer the fewest stages.
    const double slope_low = std::max(0.02, 0.5 * std::log10(result_.beta_low));
    const double slope_high = std::max(0.02, 0.5 * std::log10(result_.beta_high));
    int n = 4, m = 2;
    double best_worst = std::numeric_limits<double>::infinity();
    int stalled = 0;
    Trial t;
    for (;;) {
        t = at_peak(n, m);
        if (meets(t)) {
            break;
        }
        const double w = t.converged ? worst(t) : std::numeric_limits<double>::infinity();
        if (w < best_worst - 0.01) {
            best_worst = w;
            stalled = 0;
        } else if (++stalled >= 8 || n + m > max_total_stages) {
            last_ = t;
            return std::nullopt;
        }
        if (!t.converged) {
            n += std::max(1, n / 4);
            m += std::max(1, m / 4);
            continue;
        }
        // The raffinate's impurity falls with the extraction stages (those below the draw),
        // the middle product's with the extraction stages on both sides of the draw, the
        // loaded organic's with the scrub stages.
        const double d_c = deficit(t, 0), d_a = deficit(t, 2);
        int grow_n = 0, grow_m = 0;
        if (d_c > 0.0) {
            grow_n = std::max(grow_n, static_cast<int>(std::ceil(d_c / slope_low)));
        }
        if (d_a > 0.0) {
            grow_m = std::max(grow_m, static_cast<int>(std::ceil(d_a / slope_high)));
        }
        if (deficit(t, 1) > 0.0) {
            const int step =
                static_cast<int>(std::ceil(deficit(t, 1) / std::min(slope_low, slope_high)));
            grow_n = std::max(grow_n, step);
        }
        n += std::clamp(grow_n, 0, std::max(2, n / 2));
        m += std::clamp(grow_m, 0, std::max(2, m / 2));
    }
    // Trim: the fewest stages in each section that still meet every target, with the draw
    // at the peak each time.
    for (int step = std::max(1, std::max(n, m) / 8);; step = std::max(1, step / 2)) {
        bool moved = false;
        for (;;) {
            if (n - step >= 2 && meets(at_peak(n - step, m))) {
                n -= step;
                moved = true;
            } else if (m - step >= 1 && meets(at_peak(n, m - step))) {
                m -= step;
                moved = true;
            } else {
                break;
            }
        }
        if (step == 1 && !moved) {
            break;
        }
    }
    return std::make_pair(n, m);
}

void ThreeOutletDesigner::fill(int n, int m)
{
    const Trial t = at_peak(n, m);
    result_.n = n;
    result_.m = m;
    result_.strip = spec_.strip_stages;
    result_.draw_stage = t.draw_stage;
    result_.peak_stage = t.peak_stage;
    result_.case_yaml = case_yaml(n, m, t.draw_stage);
    const CaseSpec c = parse_design_case(spec_, result_.case_yaml, "three-outlet case");
    result_.feed_flow_L_per_h = c.feeds[0].flow_L_per_h;
    result_.organic_flow_L_per_h = c.organic.flow_L_per_h;
    result_.scrub_flow_L_per_h = c.scrub ? c.scrub->flow_L_per_h : 0.0;
    result_.strip_flow_L_per_h = c.strip ? c.strip->flow_L_per_h : 0.0;
    result_.draw_flow_L_per_h = c.draws.at(0).flow_L_per_h;
    result_.warnings = spec_.warnings;
    result_.warnings.insert(result_.warnings.end(), c.warnings.begin(), c.warnings.end());
    result_.simulation = simulate(n, m, t.draw_stage);
    const CascadeResult& r = result_.simulation;
    const std::array<std::string, 3> names = {"raffinate", "middle", a_outlet_};
    for (int g = 0; g < 3; ++g) {
        const ProductResult& p = product(r, names[g]);
        ThreeOutletProduct& out = result_.products[g];
        out.name = names[g];
        out.group = group_name(result_.groups[g]);
        out.re_mol_per_h = p.re_mol_per_h;
        out.purity = sum_of(p.mol_per_h, result_.groups[g]) / p.re_mol_per_h;
        out.recovery =
            sum_of(p.mol_per_h, result_.groups[g]) / sum_of(r.feed_mol_per_h, result_.groups[g]);
        out.target = target_[g];
    }
    reagents(r, result_.base_mol_per_h, result_.hcl_mol_per_h);
    if (result_.middle_recovery_target > 0.0 &&
        result_.products[1].recovery < result_.middle_recovery_target) {
        // The shares are the balances' estimate; the simulated split may differ slightly.
        result_.warnings.push_back(
            "the middle product recovers " + short_num(result_.products[1].recovery, 6) +
            " of its group, below the target " + short_num(result_.middle_recovery_target, 6) +
            "; raise the outer products' purities");
    }
}

ThreeOutletResult ThreeOutletDesigner::run()
{
    const auto start_time = std::chrono::steady_clock::now();
    const auto& order = spec_.order;
    const auto& x = spec_.feed.mole_fraction;
    const MiddleProductSpec& middle = *spec_.middle;
    for (int e = 0; e < num_elements; ++e) {
        if (x[e] > 0.0 && !spec_.system.has(e)) {
            throw InputError("the feed contains " + std::string(elements()[e].symbol) +
                             " but extraction system '" + spec_.system.name +
                             "' has no value for it; give one inline");
        }
    }
    for (std::size_t p = 0; p < order.size(); ++p) {
        if (x[order[p]] <= 0.0) {
            continue;
        }
        const int position = static_cast<int>(p);
        const int g = position < middle.first_position   ? 0
                      : position <= middle.last_position ? 1
                                                         : 2;
        result_.groups[g].push_back(order[p]);
        f_[g] += x[order[p]];
    }
    const std::array<const char*, 3> side = {"least", "middle", "most"};
    for (int g = 0; g < 3; ++g) {
        if (result_.groups[g].empty()) {
            throw InfeasibleError("the feed has no element in the " + std::string(side[g]) +
                                  " extractable group of the split " + spec_.split_label +
                                  ": a three-outlet cascade needs all three; use a two-group "
                                  "split");
        }
    }
    result_.beta_low = spec_.system.beta(result_.groups[1].front(), result_.groups[0].back());
    result_.beta_high = spec_.system.beta(result_.groups[2].front(), result_.groups[1].back());
    if (!(result_.beta_low > 1.0 && result_.beta_high > 1.0)) {
        throw InfeasibleError("a separation factor at a cut of " + spec_.split_label +
                              " is not above 1: the groups are not in extraction order");
    }
    target_ = {spec_.purity_b, middle.purity, spec_.purity_a};
    for (int g = 0; g < 3; ++g) {
        if (f_[g] >= target_[g]) {
            throw InfeasibleError("the feed is already " + short_num(f_[g], 6) + " " +
                                  group_name(result_.groups[g]) + ", at least its purity target " +
                                  short_num(target_[g], 6) + ": nothing to separate");
        }
    }
    // Product shares (the three-product analogue of f'_A = (P_B - f_B)/(P_A + P_B - 1)):
    // the middle product may hold half its impurity as C and half as A (a_C, a_A); with C
    // only in the raffinate and the middle, and A only in the loaded organic and the middle,
    // f_C = P_C R + a_C D and f_A = P_A L + a_A D with R + D + L = 1.
    a_c_ = 0.5 * (1.0 - target_[1]);
    const double a_a = a_c_;
    result_.d = (1.0 - f_[0] / target_[0] - f_[2] / target_[2]) /
                (1.0 - a_c_ / target_[0] - a_a / target_[2]);
    r_share_ = (f_[0] - a_c_ * result_.d) / target_[0];
    const double a_share = 1.0 - result_.d - r_share_;
    if (!(result_.d > 0.0 && r_share_ > 0.0 && a_share > 0.0)) {
        throw InfeasibleError(
            "these purities leave no share of the feed for one of the three products (draw " +
            short_num(result_.d) + ", raffinate " + short_num(r_share_) + ", loaded organic " +
            short_num(a_share) + " mol per mol feed RE); lower the purities");
    }
    // The middle group's recovery then follows: what the outer products may hold of it at
    // their purities is all it loses. A recovery target is a check on that.
    const double middle_recovery = target_[1] * result_.d / f_[1];
    result_.middle_recovery_target = middle.recovery ? *middle.recovery : 0.0;
    if (middle.recovery && middle_recovery < *middle.recovery) {
        throw InfeasibleError("at these purities the outer products may hold " +
                              short_num(f_[1] - target_[1] * result_.d, 4) +
                              " mol per mol feed RE of " + group_name(result_.groups[1]) +
                              ", so the middle product recovers " + short_num(middle_recovery, 6) +
                              " of it, below the target " + short_num(*middle.recovery, 6) +
                              "; raise the outer products' purities or lower the middle recovery");
    }
    a_outlet_ = spec_.strip_stages > 0 ? "strip_liquor" : "loaded_organic";
    choose_reflux();
    std::optional<std::pair<int, int>> sized;
    while (!(sized = size_stages())) {
        // More stages no longer help: the profile is pinched somewhere. A larger reflux
        // moves the pinches apart; past the cap the target counts as unreachable.
        say("  no design at S = " + short_num(result_.s) + "; raising the reflux");
        if (result_.s >= s_cap_) {
            std::ostringstream why;
            why << "the three-outlet targets are not reached with a side draw: up to S = "
                << short_num(result_.s) << " mol RE per mol feed RE (50 times the largest "
                << "minimum reflux) more stages stop raising ";
            const Trial& t = last_;
            if (t.converged) {
                why << "the purities at " << group_name(result_.groups[0]) << " "
                    << short_num(t.purity[0], 6) << ", " << group_name(result_.groups[1])
                    << " (the middle product, drawn at its peak, stage " << t.draw_stage << ") "
                    << short_num(t.purity[1], 6) << ", " << group_name(result_.groups[2]) << " "
                    << short_num(t.purity[2], 6);
            } else {
                why << "any converged solution";
            }
            why << ". The middle product is drawn from the organic, which is in equilibrium "
                   "with an aqueous carrying the less extractable group past the draw, so "
                   "its purity is capped by the reflux (S_min for a middle purity of "
                << short_num(target_[1], 6) << " is " << short_num(result_.s_min_middle)
                << "). Lower the middle product's purity"
                << ", or separate it with two two-outlet cascades";
            throw InfeasibleError(why.str());
        }
        set_reflux(std::min(s_cap_, result_.s * 1.25));
    }
    const auto [n, m] = *sized;
    fill(n, m);
    say("three-outlet: " + std::to_string(n) + " extraction + " + std::to_string(m) +
        " scrub stages, middle drawn at stage " + std::to_string(result_.draw_stage) + " (" +
        std::to_string(result_.simulations) + " simulations)");
    alternatives();
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return result_;
}

}  // namespace three_outlet_detail

ThreeOutletResult design_three_outlet(const DesignSpec& spec,
                                      const std::function<void(const std::string&)>& progress)
{
    three_outlet_detail::ThreeOutletDesigner designer(spec, progress);
    return designer.run();
}

}  // namespace reesx
