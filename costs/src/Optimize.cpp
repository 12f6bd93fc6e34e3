// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost-optimal cut (Optimize.h, docs/optimize.md). The search, in the variable
// u = ln(S/S_min - 1) (which spreads the reflux near its minimum, where the stages climb):
// 1. design's default (Xu's optimum reflux, or the user's reflux rule) is sized and priced;
// 2. from it, steps doubling in u bracket the cheapest reflux, where the price of a reflux is
//    that of the fewest stages meeting the targets there (design's search, warm-started);
//    golden-section steps narrow the bracket;
// 3. the price at fixed stages rises with S (base, acid, organic flow and the settlers all grow
//    with it), so the cheapest design with given stages is at the smallest S meeting the
//    targets: for the best stage pair found and its neighbours (one stage more or fewer in
//    each section) that S is bisected, and the cheapest of all is the optimum;
// 4. the optimum is re-run from a cold start (as `reesx run` solves its case file) and must
//    meet the targets; design's default is kept if nothing priced lower.
#include "reesx/costs/Optimize.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "reesx/core/Error.h"
#include "reesx/costs/ExtractionSide.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {
namespace {

constexpr double infinite_cost = std::numeric_limits<double>::infinity();
//! The search's range of S above its floor (the S at which W = 0), as fractions of S_min
//! above the floor: from 1 % (a multicomponent feed can reach its targets below the
//! pseudo-binary S_min, a binary one cannot) to 30 S_min, where the reagents dwarf all else.
constexpr double lowest_fraction = 0.01, highest_multiple = 30.0;
//! Sections of more stages than this multiple of design's default (and at least 100) are not
//! searched: they would cost more in capital than any reflux they save.
constexpr int stage_limit_multiple = 3, stage_limit_least = 100;

//! Streams that only name the system (the cost model takes the extractant's molar mass from
//! it); each design's own streams replace them.
PlantStreams placeholder_streams(const DesignSpec& spec)
{
    PlantStreams s;
    s.system_name = spec.system.name;
    s.base_equiv_mol_per_h = 1.0;
    return s;
}

//! Prices designs of one cut in one country.
class Pricer {
public:
    Pricer(const DesignSpec& spec, const CostSetup& setup, const std::string& code)
        : spec_(spec),
          model_(setup, placeholder_streams(spec)),
          region_(model_.region(code)),
          values_(model_.nominal(region_))
    {
    }
    PlantStreams streams(int n, int m, double s, double w, const CascadeResult& r) const
    {
        const CaseSpec c =
            parse_design_case(spec_, design_case_yaml(spec_, n, m, s, w), "optimize case");
        return plant_streams(c, r);
    }
    CountryCost cost(const PlantStreams& streams) const
    {
        return model_.evaluate(region_, values_, streams);
    }
    const Region& region() const { return region_; }

private:
    const DesignSpec& spec_;
    CostModel model_;
    const Region& region_;
    ParamValues values_;
};

PricedDesign priced(const DesignSpec& spec, const DesignResult& d, const theory::Targets& t,
                    const Pricer& pricer)
{
    PricedDesign p;
    p.s = d.s;
    p.w = d.w;
    p.s_over_s_min = d.s / d.theory.s_min;
    p.n = d.n;
    p.m = d.m;
    p.strip = d.strip;
    p.scrub_acid_mol_per_L = spec.scrub_acid_mol_per_L;
    p.saponification = spec.saponification;
    p.extractant_mol_per_L = spec.extractant_mol_per_L;
    p.strip_acid_mol_per_L = spec.strip_acid_mol_per_L;
    p.purity_a = d.purity_a;
    p.purity_b = d.purity_b;
    p.recovery_a = d.recovery_a;
    p.recovery_b = d.recovery_b;
    p.meets_targets = d.purity_a >= t.purity_a && d.purity_b >= t.purity_b;
    p.streams = pricer.streams(d.n, d.m, d.s, d.w, d.simulation);
    p.cost = pricer.cost(p.streams);
    p.cost_usd_per_kg = levelized_usd_per_kg(p.cost);
    p.case_yaml = d.case_yaml;
    return p;
}

}  // namespace

//! What the countries' searches share: the chemistry does not depend on prices, so the fewest
//! stages at a reflux, the smallest reflux of a stage pair and the simulated streams of a
//! design, once found by one country's thread, serve all.
struct OptimizeMemo {
    std::mutex mutex;
    std::map<double, std::optional<std::pair<int, int>>> fewest;  //!< by S; none: unreachable
    std::map<std::pair<int, int>, double> edge;  //!< smallest S meeting the targets; 0: none
    std::map<std::tuple<int, int, double>, PlantStreams> streams;
};

namespace {

class CountrySearch {
public:
    CountrySearch(const DesignSpec& spec, const CostSetup& setup, const std::string& code,
                  double tolerance, OptimizeMemo& memo)
        : memo_(memo),
          sizer_(spec),
          pricer_(spec, setup, code),
          tolerance_(tolerance),
          budget_(spec.reflux_mode == RefluxMode::stage_budget ? spec.max_total_stages : 0)
    {
    }
    CountryOptimum run(const DesignResult& baseline);

private:
    struct Priced {
        double cost = infinite_cost;
        int n = 0, m = 0;
    };
    OptimizeMemo& memo_;
    CutSizer sizer_;
    Pricer pricer_;
    double tolerance_;
    //! Extraction + scrub stages allowed (a stage-budget design); 0: no limit.
    int budget_ = 0;
    std::map<double, Priced> by_u_;  //!< the reflux search: u -> fewest stages, price
    std::vector<SearchPoint> points_;

    double s_of(double u) const { return s_floor_ + std::exp(u); }
    double u_of(double s) const { return std::log(s - s_floor_); }
    double s_floor_ = 0.0, d_lo_ = 0.0, d_hi_ = 0.0;  //!< S - floor in [d_lo, d_hi]
    double price(int n, int m, double s, bool edge);
    const Priced& at(double u);
    //! The smallest S (relative precision tolerance_) at which (n, m) meets the targets,
    //! searching from `s_start`; 0 when none in the search's range.
    double smallest_reflux(int n, int m, double s_start);
};

double CountrySearch::price(int n, int m, double s, bool edge)
{
    if (budget_ > 0 && n + m > budget_) {
        return infinite_cost;  // over the user's stage budget (design's --max-stages)
    }
    const auto key = std::make_tuple(n, m, s);
    std::optional<PlantStreams> streams;
    {
        const std::lock_guard lock(memo_.mutex);
        if (const auto it = memo_.streams.find(key); it != memo_.streams.end()) {
            streams = it->second;
        }
    }
    if (!streams) {
        streams = pricer_.streams(n, m, s, sizer_.w_for(s), sizer_.simulate(n, m, s));
        const std::lock_guard lock(memo_.mutex);
        memo_.streams.emplace(key, *streams);
    }
    const double cost = levelized_usd_per_kg(pricer_.cost(*streams));
    points_.push_back({s / sizer_.theory().s_min, n, m, cost, edge});
    return cost;
}

const CountrySearch::Priced& CountrySearch::at(double u)
{
    if (const auto it = by_u_.find(u); it != by_u_.end()) {
        return it->second;
    }
    Priced p;
    const double s = s_of(u);
    std::optional<std::optional<std::pair<int, int>>> known;
    {
        const std::lock_guard lock(memo_.mutex);
        if (const auto it = memo_.fewest.find(s); it != memo_.fewest.end()) {
            known = it->second;
        }
    }
    if (!known) {
        try {
            known = sizer_.fewest_stages(s);
        } catch (const InfeasibleError&) {
            known = std::optional<std::pair<int, int>>{};  // too little reflux: search moves up
        }
        const std::lock_guard lock(memo_.mutex);
        memo_.fewest.emplace(s, *known);
    }
    if (*known) {
        std::tie(p.n, p.m) = **known;
        try {
            p.cost = price(p.n, p.m, s, false);
        } catch (const ConvergenceError&) {
        }
    }
    return by_u_.emplace(u, p).first->second;
}

double CountrySearch::smallest_reflux(int n, int m, double s_start)
{
    {
        const std::lock_guard lock(memo_.mutex);
        if (const auto it = memo_.edge.find({n, m}); it != memo_.edge.end()) {
            return it->second;
        }
    }
    // On the grid S_k = floor + d_lo (1 + tolerance)^k, so that the answer does not depend on
    // where the search starts (nor on which country's thread finds it first): steps doubling
    // from the start to a bracket, then bisection of the index.
    const double q = std::log1p(tolerance_);
    const long k_max = static_cast<long>(std::floor(std::log(d_hi_ / d_lo_) / q));
    const auto s_at = [&](long k) {
        return s_floor_ + d_lo_ * std::exp(static_cast<double>(k) * q);
    };
    const auto meets = [&](long k) {
        try {
            return sizer_.meets_targets(n, m, s_at(k));
        } catch (const ConvergenceError&) {
            return false;
        }
    };
    const long start = std::clamp(
        static_cast<long>(std::lround(std::log((s_start - s_floor_) / d_lo_) / q)), 0L, k_max);
    long lo = -1, hi = -1, step = 16;  // meets(hi), not meets(lo)
    if (meets(start)) {
        hi = start;
        for (;;) {
            const long k = std::max(0L, hi - step);
            if (k == hi) {
                lo = -1;
                break;
            }
            if (!meets(k)) {
                lo = k;
                break;
            }
            hi = k;
            step *= 2;
        }
    } else {
        lo = start;
        for (;;) {
            const long k = std::min(k_max, lo + step);
            if (k == lo) {
                break;
            }
            if (meets(k)) {
                hi = k;
                break;
            }
            lo = k;
            step *= 2;
        }
    }
    double result = 0.0;
    if (hi >= 0) {
        while (hi - lo > 1) {
            const long mid = lo + (hi - lo) / 2;
            (meets(mid) ? hi : lo) = mid;
        }
        result = s_at(hi);
    }
    const std::lock_guard lock(memo_.mutex);
    return memo_.edge.emplace(std::make_pair(n, m), result).first->second;
}

CountryOptimum CountrySearch::run(const DesignResult& baseline)
{
    const auto start = std::chrono::steady_clock::now();
    CountryOptimum out;
    out.code = pricer_.region().code;
    out.name = pricer_.region().name;
    const theory::Targets& targets = sizer_.targets();
    out.baseline = priced(sizer_.spec(), baseline, targets, pricer_);
    const double s_min = sizer_.theory().s_min;
    s_floor_ =
        sizer_.spec().feed_phase == theory::FeedPhase::aqueous ? sizer_.theory().f_a_product : 0.0;
    d_lo_ = lowest_fraction * (s_min - s_floor_);
    d_hi_ = highest_multiple * s_min;
    const int limit = std::max(stage_limit_least, stage_limit_multiple * (baseline.n + baseline.m));
    sizer_.set_section_limit(limit);

    // Bracket the cheapest reflux, from design's default, in steps doubling in u.
    const double u_lo = std::log(d_lo_), u_hi = std::log(d_hi_);
    const double u0 = std::clamp(u_of(baseline.s), u_lo, u_hi);
    double step = 0.3;
    double a = u0 - step, b = u0, c = u0 + step;
    a = std::max(a, u_lo);
    c = std::min(c, u_hi);
    if (at(a).cost < at(b).cost) {  // downhill to lower reflux
        while (a > u_lo && at(a).cost < at(b).cost) {
            c = b;
            b = a;
            step *= 2.0;
            a = std::max(u_lo, b - step);
        }
    } else {
        while (c < u_hi && at(c).cost < at(b).cost) {
            a = b;
            b = c;
            step *= 2.0;
            c = std::min(u_hi, b + step);
        }
    }
    // Golden-section steps inside [a, c] around b, to ten times the final tolerance in S.
    const double golden = 0.381966011250105;
    for (int iteration = 0; iteration < 60; ++iteration) {
        if ((c - a) * std::exp(b) / s_of(b) < 10.0 * tolerance_) {
            break;
        }
        const bool right = c - b > b - a;
        const double x = right ? b + golden * (c - b) : b - golden * (b - a);
        if (at(x).cost < at(b).cost) {
            (right ? a : c) = b;
            b = x;
        } else {
            (right ? c : a) = x;
        }
    }
    if (!std::isfinite(at(b).cost)) {
        throw InfeasibleError("no reflux up to " + std::to_string(highest_multiple) +
                              " S_min reaches the targets in " + std::to_string(limit) +
                              " stages per section; lower the purities");
    }

    // The integers: at fixed stages the price rises with S, so each stage pair is priced at the
    // smallest S meeting the targets. From the best pair of the reflux search, a local search
    // over (n, m): the pair and its eight neighbours, then the neighbours of the cheapest,
    // until none is cheaper.
    struct Candidate {
        double cost, s;
        int n, m;
    };
    Candidate best{at(b).cost, s_of(b), at(b).n, at(b).m};
    std::set<std::pair<int, int>> tried;
    for (int round = 0; round < 50; ++round) {
        Candidate next = best;
        for (int dn = -1; dn <= 1; ++dn) {
            for (int dm = -1; dm <= 1; ++dm) {
                const int n = best.n + dn, m = best.m + dm;
                if (n < 1 || m < 1 || !tried.emplace(n, m).second) {
                    continue;
                }
                const double s = smallest_reflux(n, m, best.s);
                if (s <= 0.0) {
                    continue;
                }
                double cost = infinite_cost;
                try {
                    cost = price(n, m, s, true);
                } catch (const ConvergenceError&) {
                }
                if (cost < next.cost) {
                    next = {cost, s, n, m};
                }
            }
        }
        if (!(next.cost < best.cost)) {
            break;
        }
        best = next;
    }

    // Re-run from a cold start; a design exactly at its reflux edge may miss a target by a
    // rounding in the cold solve: then a hair more reflux.
    DesignResult d;
    bool met = false;
    for (int attempt = 0; attempt < 5 && !met; ++attempt) {
        const double s = best.s * (1.0 + attempt * tolerance_);
        d = sizer_.design_at(s, best.n, best.m);
        met = d.purity_a >= targets.purity_a && d.purity_b >= targets.purity_b;
    }
    out.optimum = priced(sizer_.spec(), d, targets, pricer_);
    if (!met) {
        out.warnings.push_back(
            "the optimum found misses a target when re-run from a cold start; design's default "
            "is returned");
    }
    if (!met || out.baseline.cost_usd_per_kg < out.optimum.cost_usd_per_kg) {
        if (met) {
            out.warnings.push_back(
                "the search found nothing cheaper than design's default design; it is returned");
        }
        out.optimum = out.baseline;
    }
    if (!out.optimum.meets_targets) {
        out.warnings.push_back("the returned design misses a purity target when re-run");
    }
    const double above_floor = out.optimum.s - s_floor_;
    if (above_floor < 1.5 * d_lo_ || above_floor > 0.5 * d_hi_) {
        out.warnings.push_back(
            "the optimum is at the edge of the reflux range searched: the prices make reflux "
            "almost free or almost prohibitive; check them");
    }
    if (std::max(out.optimum.n, out.optimum.m) > limit - 2) {
        out.warnings.push_back("the optimum's sections reach the " + std::to_string(limit) +
                               " stages searched: stages cost almost nothing at these prices");
    }
    out.search = points_;
    std::sort(out.search.begin(), out.search.end(), [](const SearchPoint& x, const SearchPoint& y) {
        return x.s_over_s_min < y.s_over_s_min;
    });
    out.simulations = sizer_.simulations() + d.simulations;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace

std::string_view objective_name(Objective o)
{
    switch (o) {
        case Objective::levelized:
            return "levelized";
    }
    return "";
}

double levelized_usd_per_kg(const CountryCost& c)
{
    double kg = 0.0;
    for (const auto& p : c.products) {
        kg += p.reo_kg_per_year;
    }
    return kg > 0.0 ? c.annual_cost_usd_per_year / kg : infinite_cost;
}

CountryOptimum optimize_country(const DesignSpec& spec, const CostSetup& setup,
                                const std::string& code, const DesignResult& baseline,
                                double reflux_tolerance, OptimizeMemo* memo)
{
    OptimizeMemo own;
    CountrySearch search(spec, setup, code, reflux_tolerance, memo ? *memo : own);
    return search.run(baseline);
}

PricedDesign price_design(const DesignSpec& spec, const CostSetup& setup, const std::string& code,
                          double s, int n, int m)
{
    CutSizer sizer(spec);
    const Pricer pricer(spec, setup, code);
    return priced(spec, sizer.design_at(s, n, m), sizer.targets(), pricer);
}

std::vector<ParetoPoint> pareto_purity(const DesignSpec& spec, const OptimizeOptions& options,
                                       const std::string& code, const std::vector<double>& purities)
{
    if (spec.recovery) {
        throw InputError(
            "the cost-against-purity front sets both purities; give purity targets "
            "without a recovery");
    }
    std::vector<ParetoPoint> front;
    for (const double purity : purities) {
        if (!(purity > 0.5 && purity < 1.0)) {
            throw InputError("--pareto: a purity must lie between 0.5 and 1, found " +
                             std::to_string(purity));
        }
        DesignSpec at = spec;
        at.purity_a = at.purity_b = purity;
        at.tradeoff_points = 0;
        const DesignResult baseline = design(at);
        front.push_back({purity, optimize_country(at, options.setup, code, baseline,
                                                  options.reflux_tolerance)});
    }
    return front;
}

OptimizeResult optimize(const DesignSpec& spec, const OptimizeOptions& options,
                        const std::function<void(const std::string&)>& progress)
{
    const auto start = std::chrono::steady_clock::now();
    OptimizeResult result;
    result.objective = options.objective;
    result.extraction_side = options.extraction_side;
    std::vector<std::string> codes = options.countries;
    const CostData& data = options.setup.data;
    if (codes.empty()) {
        if (data.regions.empty()) {
            throw InputError("the cost data has no country");
        }
        codes.push_back(data.regions.front().code);
    }
    {
        const CostModel check(options.setup, placeholder_streams(spec));
        for (const auto& code : codes) {
            (void)check.region(code);  // InputError naming the known codes
        }
    }
    // Design's default, once: the baseline every country prices and the search starts from.
    DesignSpec default_spec = spec;
    default_spec.tradeoff_points = 0;
    const DesignResult baseline = design(default_spec);
    if (baseline.three_outlet) {
        throw InputError("optimize sizes a two-group cut; a middle product is not optimized yet");
    }
    result.targets = baseline.targets;
    result.beta = baseline.targets.beta;
    const theory::Result at_opt = theory::evaluate(baseline.targets);
    result.s_min = at_opt.s_min;
    result.s_opt = at_opt.s_opt;
    result.n_min = at_opt.n_min;
    result.warnings = baseline.warnings;

    result.countries.resize(codes.size());
    std::vector<std::exception_ptr> errors(codes.size());
    std::atomic<std::size_t> next{0};
    OptimizeMemo memo;
    // A country's reflux and stages, then the solutions at them (ExtractionSide.h).
    const auto one = [&](std::size_t i) {
        try {
            result.countries[i] = optimize_country(spec, options.setup, codes[i], baseline,
                                                   options.reflux_tolerance, &memo);
            if (options.extraction_side) {
                choose_solutions(spec, options.setup, result.countries[i]);
            }
        } catch (...) {
            errors[i] = std::current_exception();
        }
    };
    const auto work = [&] {
        for (std::size_t i = next++; i < codes.size(); i = next++) {
            one(i);
        }
    };
    const std::size_t threads = std::min<std::size_t>(
        codes.size(),
        options.threads > 0 ? static_cast<std::size_t>(options.threads) : codes.size());
    // The first country alone fills the memo with the chemistry near the optimum; the others
    // then mostly price what it found (run together they would all simulate the same trials
    // at once).
    if (codes.size() > 1 && threads > 1) {
        one(next++);
    }
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool) {
        t.join();
    }
    for (const auto& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
    for (const auto& c : result.countries) {
        if (progress) {
            progress(c.code + ": S/S_min = " + std::to_string(c.optimum.s_over_s_min).substr(0, 5) +
                     ", " + std::to_string(c.optimum.n + c.optimum.m) + " stages, " +
                     std::to_string(c.simulations) + " simulations");
        }
    }

    // The cost gap to the reference country: its optimal design at each country's prices.
    std::size_t ref = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (result.countries[i].code == "CN-NM") {
            ref = i;
        }
    }
    const CountryOptimum& reference = result.countries[ref];
    result.reference = reference.code;
    const CostModel ref_design(options.setup, reference.optimum.streams);
    for (const auto& c : result.countries) {
        CostGap g;
        g.code = c.code;
        const double ref_cost = reference.optimum.cost_usd_per_kg;
        const double ref_design_here =
            levelized_usd_per_kg(ref_design.evaluate(ref_design.region(c.code)));
        g.gap_usd_per_kg = c.optimum.cost_usd_per_kg - ref_cost;
        g.prices_usd_per_kg = ref_design_here - ref_cost;
        g.design_usd_per_kg = c.optimum.cost_usd_per_kg - ref_design_here;
        g.ratio = c.optimum.cost_usd_per_kg / ref_cost;
        result.gaps.push_back(g);
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace reesx::costs
