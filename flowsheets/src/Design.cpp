// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Design.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "reesx/core/Error.h"
#include "reesx/core/Units.h"
#include "reesx/flowsheets/Case.h"

namespace reesx {
namespace {

std::string num(double value)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

std::string short_num(double value, int digits = 4)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

//! The shortest text that reads back as the same double ("0.9", not "0.90000000000000002").
std::string round_trip(double value)
{
    char buffer[40];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return std::string(buffer, end);
}

std::string symbol(int element)
{
    return std::string(elements()[element].symbol);
}

struct Evaluation {
    double purity_a = 0.0, purity_b = 0.0;
};

class Designer {
public:
    Designer(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
        : spec_(spec), progress_(progress)
    {
    }

    DesignResult run();
    //! The cut, groups and theory (everything before the reflux is chosen).
    void prepare();
    //! The design at (s, n, m): flows, a cold re-run (as `reesx run` solves the case file),
    //! products, the one-stage-fewer purities; no trade-off curve.
    void finish(double s, int n, int m);
    const DesignResult& result() const { return result_; }
    //! The fewest (n, m) meeting both purities at S, from a first guess.
    std::pair<int, int> size_stages(double s, double n_guess, double m_guess);
    double w_for(double s) const
    {
        return spec_.feed_phase == theory::FeedPhase::aqueous ? s - result_.theory.f_a_product
                                                              : s + result_.theory.f_b_product;
    }
    //! The full simulation of a trial; `cold`: from the theory's start, as `reesx run` solves
    //! the design's case file (the reported design must reproduce exactly).
    CascadeResult simulate(int n, int m, double s, bool cold = false);
    bool meets_targets(int n, int m, double s) { return meets(evaluate(n, m, s)); }
    //! The next trial starts from this profile (another design's steady state).
    void warm_start_from(const CascadeResult& r) { last_converged_ = r; }
    //! The reflux of the spec's rule (after prepare).
    double reflux() { return choose_s(); }
    //! Stages in one section beyond which size_stages counts the targets unreachable.
    int section_limit = max_section_stages;

private:
    const DesignSpec& spec_;
    const std::function<void(const std::string&)>& progress_;
    DesignResult result_;
    std::map<std::tuple<int, int, double>, Evaluation> cache_;
    //! The last converged trial: the next trial starts from its profile, stretched over its
    //! own stage counts (a cold start only when that fails).
    std::optional<CascadeResult> last_converged_;
    //! The first trial's case, parsed from its case file; later trials are set on a copy.
    std::optional<CaseSpec> trial_template_;
    CaseSpec trial_case(int n, int m, double s) const;

    //! The product of the more extractable group: the loaded organic, or the strip liquor.
    const ProductResult& product_a(const CascadeResult& r) const
    {
        const std::string name = spec_.strip_stages > 0 ? "strip_liquor" : "loaded_organic";
        for (const auto& p : r.products) {
            if (p.name == name) {
                return p;
            }
        }
        throw Error("design: the simulation has no " + name + " product");
    }
    void say(const std::string& line) const
    {
        if (progress_) {
            progress_(line);
        }
    }
    Evaluation evaluate(int n, int m, double s);
    bool meets(const Evaluation& e) const
    {
        return e.purity_a >= result_.targets.purity_a && e.purity_b >= result_.targets.purity_b;
    }
    int fewest_stages(const std::function<double(int)>& deficit, int guess, double& slope,
                      int upper);
    double choose_s();
    void fill_products(const CascadeResult& r);
};

CaseSpec Designer::trial_case(int n, int m, double s) const
{
    // What design_case_yaml writes for (n, m, S, W), set on the parsed template.
    const double f = spec_.feed_re_mol_per_h, w = w_for(s);
    CaseSpec c = *trial_template_;
    c.stages_extraction = n;
    c.stages_scrub = m;
    for (auto& feed : c.feeds) {
        feed.stage = feed.phase == Phase::aqueous ? n : n + 1;
    }
    c.organic.flow_L_per_h = s * f / spec_.organic_capacity_mol_per_L();
    c.scrub->flow_L_per_h = 3.0 * w * f / spec_.scrub_acid_mol_per_L;
    if (c.strip) {
        const bool aqueous = spec_.feed_phase == theory::FeedPhase::aqueous;
        const double loaded = (aqueous ? s - w : s + 1.0 - w) * f;
        c.strip->flow_L_per_h =
            3.0 * loaded * (1.0 + spec_.strip_acid_excess) / spec_.strip_acid_mol_per_L;
    }
    return c;
}

Evaluation Designer::evaluate(int n, int m, double s)
{
    const auto key = std::make_tuple(n, m, s);
    if (const auto it = cache_.find(key); it != cache_.end()) {
        return it->second;
    }
    Evaluation e;
    CascadeResult r;
    try {
        r = simulate(n, m, s);
    } catch (const ConvergenceError&) {
        // A trial the solver cannot settle counts as missing the targets: the search moves
        // on, and the design it returns is always a converged simulation.
        e.purity_a = e.purity_b = 0.0;
        cache_.emplace(key, e);
        return e;
    }
    const auto& pa = product_a(r);
    const auto& pb = r.products[0];
    for (const int i : result_.group_a) {
        e.purity_a += pa.composition[i];
    }
    for (const int i : result_.group_b) {
        e.purity_b += pb.composition[i];
    }
    cache_.emplace(key, e);
    return e;
}

CascadeResult Designer::simulate(int n, int m, double s, bool cold)
{
    // The design's input is parsed once: the first trial's case is the template of every
    // later trial, which differ only in the stage counts and the flows that S and W set
    // (the same numbers the case file would carry: it writes them to 17 digits). The
    // reported design (cold) is parsed from its own case file, as `reesx run` reads it.
    const bool from_template = !cold && trial_template_ && m > 0;
    const CaseSpec c =
        from_template
            ? trial_case(n, m, s)
            : parse_design_case(spec_, design_case_yaml(spec_, n, m, s, w_for(s)), "design case");
    if (!trial_template_ && !cold && m > 0) {
        trial_template_ = c;
    }
    Cascade cascade(c);
    CascadeResult r = last_converged_ && !cold ? cascade.solve(*last_converged_) : cascade.solve();
    ++result_.simulations;
    last_converged_ = r;
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
        const auto near = m_star.lower_bound(n);
        const int guess =
            near != m_star.end() && near->second < unreachable ? near->second : last_m;
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
    return {n, m_star.at(n)};
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
            throw InputError("the feed contains " + symbol(e) + " but extraction system '" +
                             spec_.system.name + "' has no value for it; give one inline " +
                             "(system: {base: " + spec_.system.name + ", log10-extractability: {" +
                             symbol(e) + ": ...}})");
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
                symbol(key) + " is absent from the feed, so the cut " + spec_.split_label +
                " is not defined by it: the elements present next to the cut are " + symbol(b) +
                " and " + symbol(a) + "; use the split " + symbol(b) + "/" + symbol(a) +
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
    say("theory: beta(" + symbol(key_a) + "/" + symbol(key_b) + ") = " + short_num(t.beta) +
        ", S_min = " + short_num(result_.theory.s_min) +
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
    result_.purity_a_one_less_scrub = m > 1 ? evaluate(n, m - 1, s).purity_a : 0.0;
    result_.purity_b_one_less_extraction = n > 1 ? evaluate(n - 1, m, s).purity_b : 0.0;
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

}  // namespace

struct CutSizer::Impl {
    Impl(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
        : designer(spec, progress)
    {
    }
    Designer designer;
};

CutSizer::CutSizer(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
    : spec_(spec), progress_(progress)
{
    if (spec_.middle) {
        throw InputError(
            "a three-outlet design (a middle product) cannot be sized by reflux "
            "yet; give a two-group split");
    }
    impl_ = std::make_unique<Impl>(spec_, progress_);
    impl_->designer.prepare();
    theory_ = impl_->designer.result().theory;
}

CutSizer::~CutSizer() = default;

const theory::Targets& CutSizer::targets() const
{
    return impl_->designer.result().targets;
}

double CutSizer::w_for(double s) const
{
    return impl_->designer.w_for(s);
}

std::pair<int, int> CutSizer::fewest_stages(double s)
{
    if (const auto it = sized_.find(s); it != sized_.end()) {
        return it->second;
    }
    if (!(w_for(s) > 0.0)) {
        throw InfeasibleError("the reflux S = " + short_num(s) +
                              " leaves no scrub flux (W <= 0); raise the reflux");
    }
    // The nearest sized reflux gives the first guess (the stages change smoothly with S);
    // else the short-cut at this S.
    double n_guess = 0.0, m_guess = 0.0;
    if (sized_.empty()) {
        theory::shortcut_stages(targets(), s, w_for(s), n_guess, m_guess);
    } else {
        auto near = sized_.lower_bound(s);
        if (near == sized_.end() ||
            (near != sized_.begin() && s - std::prev(near)->first < near->first - s)) {
            near = std::prev(near);
        }
        n_guess = near->second.first;
        m_guess = near->second.second;
    }
    const auto nm = impl_->designer.size_stages(s, n_guess, m_guess);
    sized_.emplace(s, nm);
    return nm;
}

bool CutSizer::meets_targets(int n, int m, double s)
{
    return impl_->designer.meets_targets(n, m, s);
}

CascadeResult CutSizer::simulate(int n, int m, double s)
{
    return impl_->designer.simulate(n, m, s);
}

DesignResult CutSizer::design_at(double s, int n, int m)
{
    // A fresh designer: its result starts clean, its trials warm from nothing but its own.
    Designer designer(spec_, progress_);
    designer.prepare();
    designer.finish(s, n, m);
    DesignResult r = designer.result();
    r.simulations = designer.result().simulations;
    return r;
}

void CutSizer::set_section_limit(int stages)
{
    impl_->designer.section_limit = std::clamp(stages, 1, max_section_stages);
    sized_.clear();
}

int CutSizer::simulations() const
{
    return impl_->designer.result().simulations;
}

DesignSizing size_design(const DesignSpec& spec, const DesignResult& near)
{
    if (spec.middle) {
        throw InputError("a three-outlet design cannot be sized from another yet");
    }
    Designer designer(spec, {});
    designer.prepare();
    if (near.simulation.num_stages > 0) {
        designer.warm_start_from(near.simulation);
    }
    const double s = designer.reflux();
    const double s_min = designer.result().theory.s_min;
    if (!(s > s_min)) {
        throw InfeasibleError("the reflux S = " + short_num(s) +
                              " is not above the minimum S_min = " + short_num(s_min) +
                              ": no number of stages reaches the targets; raise the reflux");
    }
    // design's own search from the short-cut's stages: the total stages along the boundary
    // of the targets step with the integer stage counts and have several local minima, so a
    // search started elsewhere (at the near design's stages) can end on another one. Only the
    // trials' starting profiles differ from design's.
    const theory::Result t = theory::evaluate(designer.result().targets, s);
    DesignSizing out;
    std::tie(out.n, out.m) = designer.size_stages(s, t.n, t.m);
    out.s = s;
    out.w = designer.w_for(s);
    out.simulations = designer.result().simulations;
    return out;
}

double DesignSpec::organic_capacity_mol_per_L() const
{
    return loading_mol_per_L
               ? *loading_mol_per_L
               : extractant_mol_per_L * saponification * system.loading_per_extractant;
}

std::string design_case_yaml(const DesignSpec& spec, int n, int m, double s, double w, double drawn)
{
    const double f = spec.feed_re_mol_per_h, capacity = spec.organic_capacity_mol_per_L();
    const bool aqueous = spec.feed_phase == theory::FeedPhase::aqueous;
    std::ostringstream y;
    y << "# Written by reesx design: " << spec.split_label << " split, S = " << num(s)
      << ", W = " << num(w) << " mol RE per mol feed RE.\n";
    y << "schema: 1\nname: \"" << spec.name << "\"\n";
    if (!spec.system_reference.empty()) {
        y << "system: " << spec.system_reference << "\n";
    } else {
        y << "system:\n  name: \"" << spec.system.name
          << "\"\n  loading-per-extractant: " << num(spec.system.loading_per_extractant)
          << "\n  log10-extractability:\n";
        for (int e = 0; e < num_elements; ++e) {
            if (spec.system.has(e)) {
                y << "    " << symbol(e) << ": " << num(spec.system.log10_k(e)) << "\n";
            }
        }
    }
    y << "model: separation-factor\n";
    y << "stages: {extraction: " << n << ", scrub: " << m << ", strip: " << spec.strip_stages
      << "}\n";
    const double feed_concentration = aqueous ? spec.feed_concentration_mol_per_L : capacity;
    y << "feed:\n  phase: " << (aqueous ? "aqueous" : "organic")
      << "\n  flow: " << num(f / feed_concentration)
      << " L/h\n  concentration: " << num(feed_concentration) << " mol/L\n  composition:\n";
    for (int e = 0; e < num_elements; ++e) {
        if (spec.feed.mole_fraction[e] > 0.0) {
            y << "    " << symbol(e) << ": " << num(spec.feed.mole_fraction[e]) << "\n";
        }
    }
    y << "organic:\n  flow: " << num(s * f / capacity) << " L/h\n";
    if (spec.loading_mol_per_L) {
        y << "  loading: " << num(*spec.loading_mol_per_L) << " mol/L\n";
    } else {
        y << "  extractant-concentration: " << num(spec.extractant_mol_per_L)
          << " mol/L\n  saponification: " << num(spec.saponification) << "\n";
    }
    y << "scrub:\n  flow: " << num(3.0 * w * f / spec.scrub_acid_mol_per_L)
      << " L/h\n  acid: " << num(spec.scrub_acid_mol_per_L) << " mol/L\n";
    if (spec.strip_stages > 0) {
        // The separation-factor model strips completely given 3 H+ per RE; the excess keeps
        // the strip liquor acidic (chemistry.md §2.3).
        const double loaded = (aqueous ? s - w : s + 1.0 - w) * f - drawn * f;
        y << "strip:\n  flow: "
          << num(3.0 * loaded * (1.0 + spec.strip_acid_excess) / spec.strip_acid_mol_per_L)
          << " L/h\n  acid: " << num(spec.strip_acid_mol_per_L) << " mol/L\n";
    }
    const auto& e = spec.efficiency;
    if (*std::min_element(e.begin(), e.end()) < 1.0) {
        y << "efficiency: {extraction: " << round_trip(e[0]) << ", scrub: " << round_trip(e[1])
          << ", strip: " << round_trip(e[2]) << "}\n";
    }
    return y.str();
}

DesignResult design(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
{
    if (spec.middle) {
        DesignResult result;
        result.three_outlet = design_three_outlet(spec, progress);
        result.case_yaml = result.three_outlet->case_yaml;  // what --case writes
        return result;
    }
    Designer designer(spec, progress);
    return designer.run();
}

}  // namespace reesx
