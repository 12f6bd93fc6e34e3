// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "Designer.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "reesx/core/Units.h"

namespace reesx::design_detail {

std::string num(double value)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

std::string short_num(double value, int digits)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

std::string round_trip(double value)
{
    char buffer[40];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return std::string(buffer, end);
}

Evaluation Designer::purities(const CascadeResult& r) const
{
    Evaluation e;
    const auto& pa = product_a(r);
    const auto& pb = r.products[0];
    for (const int i : result_.group_a) {
        e.purity_a += pa.composition[i];
    }
    for (const int i : result_.group_b) {
        e.purity_b += pb.composition[i];
    }
    return e;
}

bool Designer::decided(const Evaluation& e) const
{
    // log10 of each product's impurity over its target's: the trial meets the targets when
    // both are <= 0. A screening solve decides that when no purity lies within the margin of
    // its target.
    const auto excess = [](double purity, double target) {
        return std::log10(std::max(1.0 - purity, 1e-300) / (1.0 - target));
    };
    const double a = excess(e.purity_a, result_.targets.purity_a);
    const double b = excess(e.purity_b, result_.targets.purity_b);
    return a > screening_margin || b > screening_margin ||
           (a < -screening_margin && b < -screening_margin);
}

Evaluation Designer::evaluate(int n, int m, double s)
{
    const auto key = std::make_tuple(n, m, s);
    if (const auto it = cache_.find(key); it != cache_.end()) {
        return it->second;
    }
    if (memory_) {
        if (const auto known = dominated(n, m, s)) {
            return *known;
        }
    }
    Evaluation e;
    try {
        // A screening solve first (a looser closure: the element balances are exact at any
        // closure, the products' purities move by far less than the margin); the full
        // tolerance, from the screening profile, only when the purities lie near the targets.
        e = purities(simulate(n, m, s, false, screening_tolerance));
        if (!decided(e)) {
            e = purities(simulate(n, m, s));
            e.screened = false;
        }
    } catch (const ConvergenceError&) {
        // A trial the solver cannot settle counts as missing the targets: the search moves
        // on, and the design it returns is always a converged simulation.
        e.purity_a = e.purity_b = 0.0;
        e.converged = false;
    }
    cache_.emplace(key, e);
    return e;
}

Evaluation Designer::evaluate_exact(int n, int m, double s)
{
    Evaluation e = evaluate(n, m, s);
    if (e.converged && e.screened) {
        e = purities(simulate(n, m, s));
        e.screened = false;
        cache_.insert_or_assign(std::make_tuple(n, m, s), e);
    }
    return e;
}

std::optional<Evaluation> Designer::dominated(int n, int m, double s) const
{
    // More stages in either section at the same S and W never lower the purities: a trial
    // with no more stages in both sections that met the targets says (n, m) meets them, one
    // with no fewer that missed them (converged) says (n, m) misses them. The nearest such
    // trial's purities stand in for (n, m)'s: a bound on its deficit, with the right sign.
    std::optional<Evaluation> known;
    int closest = std::numeric_limits<int>::max();
    for (const auto& [key, e] : cache_) {
        const auto [kn, km, ks] = key;
        if (ks != s || !e.converged) {
            continue;
        }
        const bool implies = meets(e) ? kn <= n && km <= m : kn >= n && km >= m;
        const int distance = std::abs(kn - n) + std::abs(km - m);
        if (implies && distance < closest) {
            closest = distance;
            known = e;
        }
    }
    return known;
}

CascadeResult Designer::simulate(int n, int m, double s, bool cold, double tolerance)
{
    // The design's input is parsed once: the first trial's case (or the one a sampled sizing
    // was handed: another system's, parsed once for all samples) is the template of every
    // later trial, which differ only in the stage counts and the flows that S and W set
    // (design_trial_case: the same numbers the case file would carry). The reported design
    // (cold) is parsed from its own case file, as `reesx run` reads it.
    if (!trial_template_ && memory_ && memory_->parsed_case) {
        trial_template_ = *memory_->parsed_case;
    }
    const bool from_template = !cold && trial_template_ && m > 0;
    CaseSpec c =
        from_template
            ? design_trial_case(spec_, *trial_template_, n, m, s, w_for(s))
            : parse_design_case(spec_, design_case_yaml(spec_, n, m, s, w_for(s)), "design case");
    if (from_template && c.model != trial_template_->model) {
        trial_template_->system = c.system;  // later trials keep the model built for this one
        trial_template_->model = c.model;
    }
    if (!trial_template_ && !cold && m > 0) {
        trial_template_ = c;
    }
    if (tolerance > 0.0) {
        c.solver.tolerance = tolerance;
    }
    Cascade cascade(c);
    const CascadeResult* start = last_converged_ ? &*last_converged_ : nullptr;
    int closest = std::numeric_limits<int>::max();
    const auto nearest = [&](const std::map<std::pair<int, int>, CascadeResult>& trials) {
        for (const auto& [nm, previous] : trials) {
            const int distance = std::abs(nm.first - n) + std::abs(nm.second - m);
            if (distance < closest) {
                closest = distance;
                start = &previous;
            }
        }
    };
    if (!converged_.empty() && s == converged_s_) {
        // The trial nearest in stage counts at this reflux: its profile needs the least
        // stretching (the last trial may lie on the other side of the search).
        nearest(converged_);
    }
    if (memory_ && closest > 2) {
        // A neighbouring sample's trials differ from this one's by the small change of values
        // and reflux between the two: the start when this sample has no trial within two
        // stages (a trial of its own that near, stretched, starts closer).
        nearest(memory_->trials);
    }
    CascadeResult r = start && !cold ? cascade.solve(*start) : cascade.solve();
    ++result_.simulations;
    last_converged_ = r;
    if (!cold) {
        if (s != converged_s_) {
            converged_.clear();
            converged_s_ = s;
        }
        converged_.insert_or_assign({n, m}, r);
    }
    return r;
}

int Designer::fewest_stages(const std::function<double(int)>& deficit, int guess, double& slope,
                            int upper)
{
    // The smallest k in [1, upper] with deficit(k) <= 0, deficit falling with k (upper + 1
    // when there is none): secant steps on the (nearly linear) log impurity, kept inside the
    // bracket (fail, ok) of what is known and at most doubling k per step.
    int fail = 0, ok = upper + 1;
    int k = std::clamp(guess, 1, upper);
    double d = deficit(k);
    for (;;) {
        (d <= 0.0 ? ok : fail) = k;
        if (ok == fail + 1) {
            return ok;
        }
        const double root = k + d / slope;
        int next = std::isfinite(root) ? static_cast<int>(std::ceil(root - 1e-9)) : 2 * k + 10;
        if (next == k) {
            next += d > 0.0 ? 1 : -1;
        }
        next = std::clamp(next, std::max(fail + 1, k / 2), std::min({ok - 1, 2 * k + 10}));
        const double d_next = deficit(next);
        if (next > k + 1 && d_next > 0.05 && d - d_next < 1e-3 * (next - k)) {
            // Pinched: more stages in this section do not lower the impurity (under a
            // thousandth of a decade per stage); the other section or the reflux must change.
            return upper + 1;
        }
        if (std::isfinite(d) && std::isfinite(d_next) && (d - d_next) / (next - k) > 1e-6) {
            slope = (d - d_next) / (next - k);
        }
        k = next;
        d = d_next;
    }
}

namespace {

int boundary_guess(const std::map<int, int>& m_star, int n, int fallback)
{
    // m*(n) falls with n and is nearly linear over a few stages: interpolate between the
    // nearest n searched on either side, else extrapolate the line through the two nearest on
    // one side (never rising with n). Only the first trial of the search at n moves with it,
    // not the answer (the smallest m meeting the targets).
    if (m_star.empty()) {
        return fallback;
    }
    const auto above = m_star.lower_bound(n);
    if (above != m_star.end() && above != m_star.begin()) {
        const auto below = std::prev(above);
        const double t = static_cast<double>(n - below->first) / (above->first - below->first);
        return static_cast<int>(std::lround(below->second + t * (above->second - below->second)));
    }
    const bool from_above = above != m_star.end();
    const auto nearest = from_above ? above : std::prev(above);
    const auto second = from_above ? std::next(nearest) : nearest;
    if (second == m_star.end() || (!from_above && second == m_star.begin())) {
        return nearest->second;
    }
    const auto other = from_above ? second : std::prev(second);
    const double slope = std::min(0.0, static_cast<double>(other->second - nearest->second) /
                                           (other->first - nearest->first));
    return std::max(1,
                    static_cast<int>(std::lround(nearest->second + slope * (n - nearest->first))));
}

}  // namespace

std::pair<int, int> Designer::size_stages(double s, double n_guess, double m_guess)
{
    const double w = w_for(s);
    double e_m = 0.0, e_m_scrub = 0.0;
    theory::mixed_extraction_ratios(spec_.feed_phase, s, w, e_m, e_m_scrub);
    // Per-stage fall of log10 impurity in the scrub section, from the theory; the secant
    // steps refine it.
    double slope_m = std::max(0.005, std::log10(result_.targets.beta / e_m_scrub));
    const auto deficit = [&](const Evaluation& e) {
        const auto one = [](double purity, double target) {
            return std::log10(std::max(1.0 - purity, 1e-300) / (1.0 - target));
        };
        return std::max(one(e.purity_a, result_.targets.purity_a),
                        one(e.purity_b, result_.targets.purity_b));
    };
    const auto start = [](double stages) {
        return std::isfinite(stages) ? std::max(1, static_cast<int>(std::lround(stages))) : 50;
    };
    // With S and W fixed the product split is fixed, so the two purities rise and fall
    // together: one constraint on (n, m). The fewest total lies along its boundary: for each
    // n the fewest m (m*(n), a secant search bounded by the best total so far), and a pattern
    // search over n for the smallest n + m*(n).
    constexpr int unreachable = 4 * max_section_stages;
    std::map<int, int> m_star;
    int best = unreachable, last_m = start(m_guess);
    const auto total = [&](int n) {
        if (const auto it = m_star.find(n); it != m_star.end()) {
            return n + it->second;
        }
        const int upper = std::min(section_limit, best - n - 1);
        if (upper < 1) {
            return unreachable;
        }
        int guess = boundary_guess(m_star, n, last_m);
        if (const auto hint = memory_hint(m_star, n)) {
            // A neighbouring sample's m*(n), shifted by how far this sample's boundary lies
            // from its own where both are known: usually this sample's m*(n) or next to it.
            guess = *hint;
        } else if (guess >= upper - 2) {
            // Near the bound the answer is likely above it: one failing trial at the bound
            // settles that n cannot improve the best total.
            guess = upper;
        }
        const int m =
            fewest_stages([&](int k) { return deficit(evaluate(n, k, s)); }, guess, slope_m, upper);
        if (m > upper) {
            return unreachable;
        }
        m_star[n] = last_m = m;
        return n + m;
    };
    int n = std::min(start(n_guess), section_limit);
    best = total(n);
    while (best >= unreachable) {  // too few extraction stages for any scrub section
        if (n == section_limit) {
            std::ostringstream why;
            why << "the purity targets are not reached with " << section_limit
                << " stages in a section at S = " << short_num(s)
                << " (S/S_min = " << short_num(s / result_.theory.s_min) << "); raise the reflux";
            throw InfeasibleError(why.str());
        }
        n = std::min(section_limit, 2 * n);
        best = total(n);
    }
    for (int step = std::max(1, n / 8);; step = std::max(1, step / 2)) {
        bool moved = false;
        for (const int direction : {-1, 1}) {
            while (n + direction * step >= 1 && n + direction * step <= section_limit) {
                const int candidate = total(n + direction * step);
                if (candidate >= best) {
                    break;
                }
                n += direction * step;
                best = candidate;
                moved = true;
            }
        }
        if (step == 1 && !moved) {
            break;
        }
    }
    m_star_ = m_star;
    return {n, m_star.at(n)};
}

std::optional<int> Designer::memory_hint(const std::map<int, int>& m_star, int n) const
{
    if (!memory_ || memory_->m_star.empty()) {
        return std::nullopt;
    }
    // Its m*(n), or interpolated between the n it searched (its search may have started at
    // another n: the short-cut's n moves with the sample).
    const int theirs = boundary_guess(memory_->m_star, n, 0);
    // Shifted by the difference of the two boundaries at the nearest n this search sized.
    int shift = 0, closest = std::numeric_limits<int>::max();
    for (const auto& [k, m] : m_star) {
        if (std::abs(k - n) < closest) {
            closest = std::abs(k - n);
            shift = m - boundary_guess(memory_->m_star, k, 0);
        }
    }
    return std::max(1, theirs + shift);
}

double Designer::choose_s()
{
    const theory::Result& t = result_.theory;
    switch (spec_.reflux_mode) {
        case RefluxMode::optimum:
            return t.s_opt;
        case RefluxMode::multiple:
            return spec_.reflux_multiple * t.s_min;
        case RefluxMode::stage_budget:
            break;
    }
    const int budget = spec_.max_total_stages;
    if (budget < std::ceil(t.n_min)) {
        std::ostringstream why;
        why << "a budget of " << budget
            << " stages is below the Fenske minimum N_min = " << short_num(t.n_min, 3)
            << " for these purities (even infinite reflux needs more); allow at least "
            << static_cast<int>(std::ceil(t.n_min)) + 2 << " stages or lower the purities";
        throw InfeasibleError(why.str());
    }
    // Total stages fall as S rises: bisect on S/S_min for the smallest S within the budget.
    const auto total_at = [&](double k) {
        double n = 0.0, m = 0.0;
        const double s = k * t.s_min;
        theory::shortcut_stages(result_.targets, s, w_for(s), n, m);
        const auto [rn, rm] = size_stages(s, n, m);
        say("  stage budget: S/S_min = " + short_num(k) + " needs " + std::to_string(rn + rm) +
            " stages");
        return rn + rm;
    };
    double low = 1.0, high = 1.5;
    while (total_at(high) > budget) {
        low = high;
        high *= 2.0;
        if (high > 50.0) {
            std::ostringstream why;
            why << "even at S = 50 S_min the targets need more than " << budget
                << " stages; allow more stages (N_min = " << short_num(t.n_min, 3)
                << " at total reflux) or lower the purities";
            throw InfeasibleError(why.str());
        }
    }
    while (high - low > 0.005 * low) {
        const double mid = 0.5 * (low + high);
        (total_at(mid) <= budget ? high : low) = mid;
    }
    return high * t.s_min;
}

void Designer::fill_products(const CascadeResult& r)
{
    const auto& pa = product_a(r);
    const auto& pb = r.products[0];
    result_.product_a_name = pa.name;
    result_.product_b_name = pb.name;
    double feed_a = 0.0, feed_b = 0.0, out_a = 0.0, out_b = 0.0;
    result_.purity_a = result_.purity_b = 0.0;
    for (const int i : result_.group_a) {
        result_.purity_a += pa.composition[i];
        feed_a += r.feed_mol_per_h[i];
        out_a += pa.mol_per_h[i];
    }
    for (const int i : result_.group_b) {
        result_.purity_b += pb.composition[i];
        feed_b += r.feed_mol_per_h[i];
        out_b += pb.mol_per_h[i];
    }
    result_.recovery_a = out_a / feed_a;
    result_.recovery_b = out_b / feed_b;
    const auto kg_reo_per_h = [](const ProductResult& p) {
        double kg = 0.0;
        for (int i = 0; i < num_elements; ++i) {
            kg += p.mol_per_h[i] * elements()[i].oxide_mass_per_mol_element_g() / 1000.0;
        }
        return kg;
    };
    const double base = r.reagents.saponification_base_mol_per_h;
    const double hcl = r.reagents.scrub_acid_h_mol_per_h + r.reagents.strip_acid_h_mol_per_h;
    result_.base_mol_per_kg_a = base / kg_reo_per_h(pa);
    result_.hcl_mol_per_kg_a = hcl / kg_reo_per_h(pa);
    result_.base_mol_per_kg_b = base / kg_reo_per_h(pb);
    result_.hcl_mol_per_kg_b = hcl / kg_reo_per_h(pb);
}

void Designer::prepare()
{
    const auto& order = spec_.order;
    const auto& x = spec_.feed.mole_fraction;
    for (int e = 0; e < num_elements; ++e) {
        if (x[e] > 0.0 && !spec_.system.has(e)) {
            throw InputError("the feed contains " + species_symbol(e) + " but extraction system '" +
                             spec_.system.name + "' has no value for it; give one inline " +
                             "(system: {base: " + spec_.system.name + ", log10-extractability: {" +
                             species_symbol(e) + ": ...}})");
        }
    }
    const int key_b = order[spec_.key_b_position], key_a = order[spec_.cut_position];
    for (std::size_t p = 0; p < order.size(); ++p) {
        if (x[order[p]] > 0.0) {
            (static_cast<int>(p) < spec_.cut_position ? result_.group_b : result_.group_a)
                .push_back(order[p]);
        }
    }
    if (result_.group_a.empty() || result_.group_b.empty()) {
        throw InfeasibleError("the feed has no element on the " +
                              std::string(result_.group_a.empty() ? "more" : "less") +
                              " extractable side of the cut " + spec_.split_label +
                              ": there is nothing to separate there");
    }
    for (const int key : {key_b, key_a}) {
        if (x[key] <= 0.0) {
            const int b = result_.group_b.back(), a = result_.group_a.front();
            throw InfeasibleError(
                species_symbol(key) + " is absent from the feed, so the cut " + spec_.split_label +
                " is not defined by it: the elements present next to the cut are " +
                species_symbol(b) + " and " + species_symbol(a) + "; use the split " +
                species_symbol(b) + "/" + species_symbol(a) +
                " (beta = " + short_num(spec_.system.beta(a, b)) + ")");
        }
    }
    result_.key_a = key_a;
    result_.key_b = key_b;

    theory::Targets& t = result_.targets;
    t.beta = spec_.system.beta(key_a, key_b);
    t.feed_phase = spec_.feed_phase;
    for (const int i : result_.group_a) {
        t.f_a += x[i];
    }
    t.purity_a = spec_.purity_a;
    t.purity_b = spec_.purity_b;
    if (spec_.recovery) {
        // One purity plus the recovery of the same product: the product's share of the feed
        // follows, and the other product's purity from the balance of the other group.
        const double f_b = 1.0 - t.f_a, y = *spec_.recovery;
        if (spec_.recovery_product == 'A') {
            const double share = y * t.f_a / t.purity_a;
            t.purity_b = (f_b - share * (1.0 - t.purity_a)) / (1.0 - share);
        } else {
            const double share = y * f_b / t.purity_b;
            t.purity_a = (t.f_a - share * (1.0 - t.purity_b)) / (1.0 - share);
        }
        if (!(t.purity_a > 0.0 && t.purity_a < 1.0 && t.purity_b > 0.0 && t.purity_b < 1.0)) {
            throw InfeasibleError(
                "a recovery of " + short_num(y) + " at purity " +
                short_num(spec_.recovery_product == 'A' ? t.purity_a : t.purity_b) +
                " is not possible for this feed (the product would need "
                "more of its group than the feed holds); lower the recovery");
        }
    }
    result_.theory = theory::evaluate(t);
    say("theory: beta(" + species_symbol(key_a) + "/" + species_symbol(key_b) +
        ") = " + short_num(t.beta) + ", S_min = " + short_num(result_.theory.s_min) +
        ", S_opt = " + short_num(result_.theory.s_opt) +
        ", short-cut n + m = " + short_num(result_.theory.n + result_.theory.m, 3));
}

void Designer::finish(double s, int n, int m)
{
    result_.theory = theory::evaluate(result_.targets, s);
    result_.s = s;
    result_.w = w_for(s);
    result_.n = n;
    result_.m = m;
    result_.strip = spec_.strip_stages;
    say("rigorous: " + std::to_string(n) + " extraction + " + std::to_string(m) +
        " scrub stages (" + std::to_string(result_.simulations) + " simulations)");

    result_.case_yaml = design_case_yaml(spec_, n, m, s, result_.w);
    const CaseSpec c = parse_design_case(spec_, result_.case_yaml, "design case");
    result_.feed_flow_L_per_h = c.feeds[0].flow_L_per_h;
    result_.organic_flow_L_per_h = c.organic.flow_L_per_h;
    result_.scrub_flow_L_per_h = c.scrub ? c.scrub->flow_L_per_h : 0.0;
    result_.strip_flow_L_per_h = c.strip ? c.strip->flow_L_per_h : 0.0;
    result_.simulation = simulate(n, m, s, true);
    result_.warnings = spec_.warnings;
    result_.warnings.insert(result_.warnings.end(), c.warnings.begin(), c.warnings.end());
    fill_products(result_.simulation);
    result_.purity_a_one_less_scrub = m > 1 ? evaluate_exact(n, m - 1, s).purity_a : 0.0;
    result_.purity_b_one_less_extraction = n > 1 ? evaluate_exact(n - 1, m, s).purity_b : 0.0;
}

DesignResult Designer::run()
{
    const auto start_time = std::chrono::steady_clock::now();
    prepare();
    const double s = choose_s();
    if (!(s > result_.theory.s_min)) {
        throw InfeasibleError(
            "the reflux S = " + short_num(s) +
            " is not above the minimum S_min = " + short_num(result_.theory.s_min) +
            ": no number of stages reaches the targets; raise the reflux");
    }
    result_.theory = theory::evaluate(result_.targets, s);
    const auto [n, m] = size_stages(s, result_.theory.n, result_.theory.m);
    finish(s, n, m);
    const theory::Targets& t = result_.targets;

    if (spec_.tradeoff_points > 0) {
        const int points = spec_.tradeoff_points;
        // Each point starts its search from its neighbour's answer (the design's own first).
        double n_guess = n, m_guess = m;
        for (int k = points - 1; k >= 0; --k) {  // from high reflux down: guesses grow
            const double ratio = points == 1 ? spec_.tradeoff_from
                                             : spec_.tradeoff_from *
                                                   std::pow(spec_.tradeoff_to / spec_.tradeoff_from,
                                                            static_cast<double>(k) / (points - 1));
            TradeoffPoint p;
            p.s_over_s_min = ratio;
            p.s = ratio * result_.theory.s_min;
            p.w = w_for(p.s);
            theory::shortcut_stages(t, p.s, p.w, p.theory_n, p.theory_m);
            std::tie(p.n, p.m) = size_stages(p.s, n_guess, m_guess);
            n_guess = p.n;
            m_guess = p.m;
            say("  trade-off: S/S_min = " + short_num(ratio) + ": " + std::to_string(p.n + p.m) +
                " stages");
            result_.tradeoff.insert(result_.tradeoff.begin(), p);
        }
    }
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return result_;
}

}  // namespace reesx::design_detail
