// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The robust optimum of a cut (Robust.h, docs/optimize.md). Sample average approximation with
// common random numbers: the samples (separation factors and cost parameters, seeded) are
// drawn once and every candidate stage pair is priced on all of them, so that the difference
// between two candidates is not sampling noise. In each sample a candidate runs at the
// smallest reflux at which its stages meet the targets there (the reflux is set in operation,
// the stages are built), found by doubling steps and bisection in ln(S - S_floor).
#include "reesx/costs/Robust.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "reesx/core/Error.h"
#include "reesx/costs/Uncertainty.h"
#include "reesx/flowsheets/Case.h"

namespace reesx::costs {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinite_cost = std::numeric_limits<double>::infinity();
//! The reflux range searched, as optimize's: from 1 % of (S_min - floor) above the floor to
//! 30 S_min.
constexpr double lowest_fraction = 0.01, highest_multiple = 30.0;

struct Priced {
    double cost = nan, s_over_s_min = nan;
};

//! Prices the candidate stage pairs in one world (a system and its cost parameters).
class WorldPricer {
public:
    //! `nominal_s_min`: the nominal S_min, the unit of the refluxes reported (each sample has its
    //! own).
    WorldPricer(const DesignSpec& spec, const CostModel& model, const Region& region,
                const ParamValues& values, double tolerance, double nominal_s_min)
        : spec_(spec),
          sizer_(spec_),
          model_(model),
          region_(region),
          values_(values),
          tolerance_(tolerance),
          nominal_s_min_(nominal_s_min)
    {
        floor_ = spec_.feed_phase == theory::FeedPhase::aqueous ? sizer_.theory().f_a_product : 0.0;
        const double s_min = sizer_.theory().s_min;
        x_lo_ = std::log(lowest_fraction * (s_min - floor_));
        x_hi_ = std::log(highest_multiple * s_min);
    }

    //! (n, m) at the smallest reflux meeting the targets, searched from `s_start`; NaN cost
    //! when no reflux in the range does.
    Priced price(int n, int m, double s_start)
    {
        const double s = smallest_reflux(n, m, s_start);
        if (!(s > 0.0)) {
            return {};
        }
        try {
            const CascadeResult r = sizer_.simulate(n, m, s);
            const CaseSpec c = parse_design_case(
                spec_, design_case_yaml(spec_, n, m, s, sizer_.w_for(s)), "robust case");
            const CountryCost cost = model_.evaluate(region_, values_, plant_streams(c, r));
            return {levelized_usd_per_kg(cost), s / nominal_s_min_};
        } catch (const ConvergenceError&) {
            return {};
        }
    }
    int simulations() const { return sizer_.simulations(); }
    double s_of(double x) const { return floor_ + std::exp(x); }

private:
    bool meets(int n, int m, double x)
    {
        try {
            return sizer_.meets_targets(n, m, s_of(x));
        } catch (const ConvergenceError&) {
            return false;
        }
    }
    double smallest_reflux(int n, int m, double s_start)
    {
        const double x0 = std::clamp(std::log(std::max(s_start - floor_, 1e-300)), x_lo_, x_hi_);
        double lo = 0.0, hi = 0.0, step = 0.05;  // meets(hi), not meets(lo)
        if (meets(n, m, x0)) {
            hi = x0;
            for (;;) {
                if (hi <= x_lo_) {
                    return s_of(x_lo_);
                }
                lo = std::max(x_lo_, hi - step);
                if (!meets(n, m, lo)) {
                    break;
                }
                hi = lo;
                step *= 2.0;
            }
        } else {
            lo = x0;
            for (;;) {
                if (lo >= x_hi_) {
                    return 0.0;
                }
                hi = std::min(x_hi_, lo + step);
                if (meets(n, m, hi)) {
                    break;
                }
                lo = hi;
                step *= 2.0;
            }
        }
        // ln(S - floor) to `tolerance` is S to better than that relative precision.
        while (hi - lo > tolerance_) {
            const double mid = 0.5 * (lo + hi);
            (meets(n, m, mid) ? hi : lo) = mid;
        }
        return s_of(hi);
    }

    DesignSpec spec_;
    CutSizer sizer_;
    const CostModel& model_;
    const Region& region_;
    ParamValues values_;
    double tolerance_, nominal_s_min_;
    double floor_ = 0.0, x_lo_ = 0.0, x_hi_ = 0.0;
};

void summarize(RobustCandidate& c, const std::optional<double>& percentile,
               const std::vector<double>& s_over_s_min)
{
    std::vector<double> finite;
    double s_sum = 0.0;
    for (std::size_t k = 0; k < c.cost_usd_per_kg.size(); ++k) {
        if (std::isfinite(c.cost_usd_per_kg[k])) {
            finite.push_back(c.cost_usd_per_kg[k]);
            s_sum += s_over_s_min[k];
        } else {
            ++c.infeasible;
        }
    }
    if (finite.empty()) {
        c.objective = c.mean_usd_per_kg = c.mean_s_over_s_min = infinite_cost;
        return;
    }
    double sum = 0.0;
    for (double v : finite) {
        sum += v;
    }
    c.mean_usd_per_kg = sum / static_cast<double>(finite.size());
    c.mean_s_over_s_min = s_sum / static_cast<double>(finite.size());
    c.objective = percentile ? percentile_of(finite, *percentile) : c.mean_usd_per_kg;
}

//! Fewer infeasible samples first, then the lower objective.
bool better(const RobustCandidate& a, const RobustCandidate& b)
{
    return a.infeasible != b.infeasible ? a.infeasible < b.infeasible : a.objective < b.objective;
}

}  // namespace

double percentile_of(std::vector<double> values, double percent)
{
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
        values.end());
    if (values.empty()) {
        return nan;
    }
    std::sort(values.begin(), values.end());
    const double last = static_cast<double>(values.size() - 1);
    const double rank = std::clamp(percent, 0.0, 100.0) / 100.0 * last;
    const auto below = static_cast<std::size_t>(std::floor(rank));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
}

RobustResult robust_optimum(const DesignSpec& spec, const CostSetup& setup, const std::string& code,
                            const CountryOptimum& nominal, const RobustOptions& options)
{
    if (options.samples < 2) {
        throw InputError("--robust: give at least 2 samples, e.g. --robust 20");
    }
    if (options.percentile && !(*options.percentile >= 0.0 && *options.percentile <= 100.0)) {
        throw InputError("--percentile: expected a percentile between 0 and 100, e.g. 90");
    }
    const auto start = std::chrono::steady_clock::now();
    RobustResult out;
    out.code = code;
    out.samples = options.samples;
    out.seed = options.seed;
    out.percentile = options.percentile;
    DesignSpec base = spec;
    base.tradeoff_points = 0;
    const CostModel model(setup, nominal.optimum.streams);
    const Region& region = model.region(code);

    const int n0 = nominal.optimum.n, m0 = nominal.optimum.m;
    const double s_start = nominal.optimum.s;
    const double s_min = nominal.optimum.s / nominal.optimum.s_over_s_min;
    constexpr double tolerance = 1e-3;

    // The samples, drawn first (the work may then run in any order on any thread).
    const auto samples = static_cast<std::size_t>(options.samples);
    std::vector<SampledWorld> worlds;
    worlds.reserve(samples);
    for (std::size_t k = 0; k < samples; ++k) {
        worlds.push_back(sample_world(spec.system, model, region, options.seed, k));
    }
    // One pricer per sample, kept warm from round to round (none for a sample that failed).
    std::vector<std::unique_ptr<WorldPricer>> pricers(samples);
    std::vector<std::string> failures(samples);
    std::map<std::pair<int, int>, std::vector<Priced>> priced;  // pair -> per sample
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = std::min<std::size_t>(
        samples, options.threads > 0 ? static_cast<std::size_t>(options.threads) : hardware);
    const auto price_pairs = [&](const std::vector<std::pair<int, int>>& pairs) {
        for (const auto& p : pairs) {
            priced[p] = std::vector<Priced>(samples);  // filled below, each sample its entry
        }
        std::vector<std::exception_ptr> errors(samples);
        std::atomic<std::size_t> next{0};
        const auto work = [&] {
            for (std::size_t k = next++; k < samples; k = next++) {
                if (!failures[k].empty()) {
                    continue;
                }
                try {
                    if (!pricers[k]) {
                        DesignSpec world = base;
                        world.system = worlds[k].system;
                        // The trial cases must carry the sampled values, not the built-in
                        // system's name (which would read the nominal values back).
                        world.system_reference.clear();
                        pricers[k] = std::make_unique<WorldPricer>(
                            world, model, region, worlds[k].values, tolerance, s_min);
                    }
                    for (const auto& p : pairs) {
                        priced.at(p)[k] = pricers[k]->price(p.first, p.second, s_start);
                    }
                } catch (const Error& e) {
                    failures[k] = e.what();  // this sample's system cannot be designed at all
                } catch (...) {
                    errors[k] = std::current_exception();
                }
            }
        };
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
    };
    const auto candidate = [&](const std::pair<int, int>& pair) {
        RobustCandidate c;
        c.n = pair.first;
        c.m = pair.second;
        std::vector<double> s_over(samples, nan);
        const auto& per_sample = priced.at(pair);
        for (std::size_t k = 0; k < samples; ++k) {
            c.cost_usd_per_kg.push_back(per_sample[k].cost);
            s_over[k] = per_sample[k].s_over_s_min;
        }
        summarize(c, options.percentile, s_over);
        return c;
    };

    // The box of stage pairs around the nominal optimum's; while the best pair is on its edge,
    // the box moves to it (pairs already priced are not priced again).
    constexpr int max_rounds = 10;
    std::pair<int, int> centre{n0, m0};
    bool at_edge = false;
    for (int round = 0; round < max_rounds; ++round) {
        std::vector<std::pair<int, int>> fresh;
        for (int n = centre.first - options.radius; n <= centre.first + options.radius; ++n) {
            for (int m = centre.second - options.radius; m <= centre.second + options.radius; ++m) {
                if (n >= 1 && m >= 1 && !priced.contains({n, m})) {
                    fresh.emplace_back(n, m);
                }
            }
        }
        price_pairs(fresh);
        out.candidates.clear();
        for (const auto& [pair, values] : priced) {
            out.candidates.push_back(candidate(pair));
        }
        out.robust = *std::min_element(out.candidates.begin(), out.candidates.end(), better);
        at_edge = options.radius > 0 && (std::abs(out.robust.n - centre.first) == options.radius ||
                                         std::abs(out.robust.m - centre.second) == options.radius);
        if (!at_edge) {
            break;
        }
        centre = {out.robust.n, out.robust.m};
    }
    out.nominal = candidate({n0, m0});
    for (std::size_t k = 0; k < samples; ++k) {
        if (!failures[k].empty()) {
            out.warnings.push_back("sample " + std::to_string(k) + " failed: " + failures[k]);
        }
    }
    int simulations = 0;
    for (const auto& p : pricers) {
        simulations += p ? p->simulations() : 0;
    }
    if (out.robust.infeasible > 0) {
        out.warnings.push_back(
            "no stage pair searched meets the targets in every sample: the robust design fails "
            "them in " +
            std::to_string(out.robust.infeasible) + " of " + std::to_string(options.samples) +
            " samples (lower the purities, or the system's ranges are wide)");
    }
    if (at_edge) {
        out.warnings.push_back("after " + std::to_string(max_rounds) +
                               " moves of the box of stage pairs searched the robust pair is "
                               "still at its edge: a wider --robust-radius may find a cheaper one");
    }

    // The nominal world: the nominal optimum as optimize priced it, and the robust stages at
    // the smallest reflux they need there.
    out.nominal_world_nominal_usd_per_kg = nominal.optimum.cost_usd_per_kg;
    out.simulations = simulations;
    if (out.robust.n == n0 && out.robust.m == m0) {
        out.nominal_world_robust_usd_per_kg = nominal.optimum.cost_usd_per_kg;
        out.robust_s_over_s_min = nominal.optimum.s_over_s_min;
    } else {
        WorldPricer at_nominal(base, model, region, model.nominal(region), tolerance, s_min);
        const Priced robust_here = at_nominal.price(out.robust.n, out.robust.m, s_start);
        out.nominal_world_robust_usd_per_kg = robust_here.cost;
        out.robust_s_over_s_min = robust_here.s_over_s_min;
        out.simulations += at_nominal.simulations();
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace reesx::costs
