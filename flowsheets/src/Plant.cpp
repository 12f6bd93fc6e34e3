// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Plant.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <tuple>

#include "reesx/core/Error.h"

#include "PlantDetail.h"
#include "PlantStreams.h"

namespace reesx {

using namespace plant_detail;

namespace {

class PlantSolver {
public:
    PlantSolver(const PlantSpec& spec, const std::function<void(const std::string&)>& progress)
        : spec_(spec), progress_(progress), count_(static_cast<int>(spec.cascades.size()))
    {
        order_and_tears();
        for (const auto& c : spec_.cascades) {
            for (const auto& f : c.feeds) {
                for (int e = 0; e < num_elements; ++e) {
                    feed_[e] += f.re_mol_per_h() * f.mole_fraction[e];
                }
                for (int k = 0; k < num_impurities; ++k) {
                    impurity_feed_[k] += f.mol_per_h_of(num_elements + k);
                }
            }
        }
        for (const double x : feed_) {
            feed_total_ += x;
        }
        for (const double x : impurity_feed_) {
            impurities_ = impurities_ || x > 0.0;
        }
    }

    PlantResult solve();

private:
    //! Tear streams: a depth-first search from the cascades with feeds of their own tears
    //! every stream to a cascade still on the search path (it closes a loop). Calculation
    //! order: topological over the other streams.
    void order_and_tears();
    //! Volumetric flows and, for saturated-organic cascades, RE totals of every stream, by
    //! substitution over the order (both are linear in the inlets): the tear streams' start.
    std::vector<StreamValue> estimate_streams() const;
    //! Solves every cascade in order with the tear streams at `tears`; fills streams_ (every
    //! stream's value) and results_.
    void pass(const std::vector<StreamValue>& tears);
    void solve_cascade(int c);
    std::vector<double> pack(const std::vector<StreamValue>& tears) const;
    std::vector<StreamValue> unpack(const std::vector<double>& x) const;
    std::vector<double> scales(const std::vector<double>& g) const;

    const PlantSpec& spec_;
    const std::function<void(const std::string&)>& progress_;
    int count_ = 0;
    std::vector<int> order_, tears_;
    std::vector<bool> is_tear_;
    std::array<double, num_elements> feed_{};
    std::array<double, num_impurities> impurity_feed_{};
    bool impurities_ = false;  //!< the tear streams carry impurity ions too
    double feed_total_ = 0.0;
    std::vector<StreamValue> streams_;
    std::vector<CaseSpec> specs_;
    std::vector<CascadeResult> results_;
    std::vector<std::vector<FeedSpec>> solved_with_;  //!< stream feeds of each cascade's last solve
    std::vector<bool> solved_;
    int solves_ = 0;
};

void PlantSolver::order_and_tears()
{
    std::vector<int> state(count_, 0);  // 0 new, 1 on the path, 2 done
    is_tear_.assign(spec_.streams.size(), false);
    std::function<void(int)> visit = [&](int c) {
        state[c] = 1;
        for (std::size_t k = 0; k < spec_.streams.size(); ++k) {
            const auto& s = spec_.streams[k];
            if (s.from != c) {
                continue;
            }
            if (state[s.to] == 1) {
                is_tear_[k] = true;
                tears_.push_back(static_cast<int>(k));
            } else if (state[s.to] == 0) {
                visit(s.to);
            }
        }
        state[c] = 2;
    };
    for (int pass = 0; pass < 2; ++pass) {
        for (int c = 0; c < count_; ++c) {
            if (state[c] == 0 && (pass == 1 || !spec_.cascades[c].feeds.empty())) {
                visit(c);
            }
        }
    }
    std::sort(tears_.begin(), tears_.end());
    // With the loops torn the streams form no cycle: the order is any topological one; take
    // the one nearest the file's order.
    std::vector<int> waiting(count_, 0);
    for (std::size_t k = 0; k < spec_.streams.size(); ++k) {
        waiting[spec_.streams[k].to] += is_tear_[k] ? 0 : 1;
    }
    std::vector<bool> placed(count_, false);
    while (static_cast<int>(order_.size()) < count_) {
        int next = 0;
        while (placed[next] || waiting[next] > 0) {
            ++next;
        }
        placed[next] = true;
        order_.push_back(next);
        for (std::size_t k = 0; k < spec_.streams.size(); ++k) {
            if (spec_.streams[k].from == next && !is_tear_[k]) {
                --waiting[spec_.streams[k].to];
            }
        }
    }
}

std::vector<StreamValue> PlantSolver::estimate_streams() const
{
    const auto& streams = spec_.streams;
    std::vector<StreamValue> value(streams.size());
    // Start: a tear stream carries the plant feed's composition at a typical concentration
    // (the mean of the plant's aqueous feeds, or the source cascade's organic capacity).
    double aqueous_flow = 0.0, aqueous_re = 0.0;
    for (const auto& c : spec_.cascades) {
        for (const auto& f : c.feeds) {
            if (f.phase == Phase::aqueous) {
                aqueous_flow += f.flow_L_per_h;
                aqueous_re += f.re_mol_per_h();
            }
        }
    }
    const double aqueous_concentration = aqueous_flow > 0.0 ? aqueous_re / aqueous_flow : 1.0;
    std::vector<double> concentration(streams.size());
    for (std::size_t k = 0; k < streams.size(); ++k) {
        const CaseSpec& from = spec_.cascades[streams[k].from];
        const auto capacity = from.organic_capacity_mol_per_L();
        concentration[k] = inlet_phase(streams[k].inlet) == Phase::organic && capacity
                               ? *capacity
                               : aqueous_concentration;
        value[k].phase = inlet_phase(streams[k].inlet);
    }
    std::vector<double> flow(streams.size(), 0.0), re(streams.size(), -1.0);
    bool settled = false, flows_settled = false;
    for (int sweep = 0; sweep < 100000 && !settled; ++sweep) {
        double flow_change = 0.0, re_change = 0.0;
        for (const int c : order_) {
            const CaseSpec& cs = spec_.cascades[c];
            double aqueous_in = 0.0, organic_in = cs.organic.flow_L_per_h, re_aq = 0.0,
                   re_org = 0.0;
            bool re_known = true;
            for (const auto& f : cs.feeds) {
                (f.phase == Phase::aqueous ? aqueous_in : organic_in) += f.flow_L_per_h;
                (f.phase == Phase::aqueous ? re_aq : re_org) += f.re_mol_per_h();
            }
            for (std::size_t k = 0; k < streams.size(); ++k) {
                if (streams[k].to == c) {
                    const bool aqueous = inlet_phase(streams[k].inlet) == Phase::aqueous;
                    (aqueous ? aqueous_in : organic_in) += flow[k];
                    (aqueous ? re_aq : re_org) += std::max(re[k], 0.0);
                    re_known = re_known && re[k] >= 0.0;
                }
            }
            if (cs.scrub && cs.stages_scrub > 0) {
                aqueous_in += cs.scrub->flow_L_per_h;
            }
            const int last_scrub = cs.stages_extraction + cs.stages_scrub;
            std::map<std::string, double> out_flow, out_re;
            double aqueous_drawn = 0.0, organic_drawn = 0.0, strip_drawn = 0.0,
                   organic_drawn_all = 0.0;
            for (const auto& d : cs.draws) {
                out_flow[d.name] = d.flow_L_per_h;
                if (d.phase == Phase::aqueous) {
                    (d.stage <= last_scrub ? aqueous_drawn : strip_drawn) += d.flow_L_per_h;
                } else {
                    organic_drawn_all += d.flow_L_per_h;
                    organic_drawn += d.stage <= last_scrub ? d.flow_L_per_h : 0.0;
                }
            }
            out_flow["raffinate"] = aqueous_in - aqueous_drawn;
            out_flow["loaded_organic"] = organic_in - organic_drawn;
            out_flow["stripped_organic"] = organic_in - organic_drawn_all;
            out_flow["strip_liquor"] = cs.strip ? cs.strip->flow_L_per_h - strip_drawn : 0.0;
            // RE totals of the separation-factor bookkeeping (draws neglected): the organic
            // loads S at stage 1, the scrub acid strips W, the strip section strips the rest.
            const auto capacity = cs.organic_capacity_mol_per_L();
            if (cs.model_name == "separation-factor" && capacity && re_known) {
                const double s = cs.organic.flow_L_per_h * *capacity;
                const double w =
                    cs.scrub && cs.stages_scrub > 0 ? cs.scrub->h_mol_per_h() / 3.0 : 0.0;
                const double organic_out = std::max(s + re_org - w, 0.0);
                out_re["raffinate"] = std::max(re_aq + w - s, 0.0);
                out_re["loaded_organic"] = organic_out;
                out_re["strip_liquor"] = organic_out;
                out_re["stripped_organic"] = 0.0;
            }
            for (std::size_t k = 0; k < streams.size(); ++k) {
                const auto& s = streams[k];
                if (s.from != c) {
                    continue;
                }
                const double outlet = out_flow[s.outlet];
                double f = s.fraction       ? *s.fraction * outlet
                           : s.flow_L_per_h ? std::min(*s.flow_L_per_h, outlet)
                                            : outlet;
                f = std::max(f, 0.0);
                const auto it = out_re.find(s.outlet);
                const double r = it == out_re.end() ? concentration[k] * f
                                 : outlet > 0.0     ? it->second * f / outlet
                                                    : 0.0;
                flow_change = std::max(flow_change, std::abs(f - flow[k]) / std::max(f, 1e-300));
                re_change = std::max(re_change, std::abs(r - re[k]) / std::max(r, 1e-300));
                flow[k] = f;
                re[k] = r;
            }
        }
        flows_settled = flow_change < 1e-13;
        settled = flows_settled && re_change < 1e-13;
    }
    if (!flows_settled) {
        // The flows are linear in the inlets: they settle unless a loop returns at least as
        // much liquid as it receives.
        std::string tears;
        for (const int k : tears_) {
            tears += tears.empty() ? "" : ", ";
            tears += streams[k].label;
        }
        throw InfeasibleError("the streams' flows do not settle: the loop closed by " + tears +
                              " returns at least as much liquid as it receives, so its flow "
                              "grows without bound; send only part of an outlet round the loop");
    }
    for (std::size_t k = 0; k < streams.size(); ++k) {
        if (!(flow[k] > 0.0) || !std::isfinite(flow[k])) {
            throw InfeasibleError("stream " + streams[k].label + " carries no liquid (" +
                                  fmt(flow[k]) +
                                  " L/h): its outlet receives nothing; check the streams' "
                                  "shares");
        }
        value[k].flow_L_per_h = flow[k];
        const double r = re[k] > 0.0 ? re[k] : concentration[k] * flow[k];
        for (int e = 0; e < num_elements; ++e) {
            value[k].mol_per_h[e] = r * feed_[e] / feed_total_;
        }
        for (int i = 0; i < num_impurities; ++i) {
            value[k].impurity_mol_per_h[i] = r * impurity_feed_[i] / feed_total_;
        }
    }
    return value;
}

void PlantSolver::solve_cascade(int c)
{
    std::vector<FeedSpec> stream_feeds;
    for (std::size_t k = 0; k < spec_.streams.size(); ++k) {
        const auto& s = spec_.streams[k];
        if (s.to == c) {
            stream_feeds.push_back(
                feed_from_stream(streams_[k], s.inlet, s.stage, spec_.cascades[c]));
        }
    }
    const auto same = [](const FeedSpec& a, const FeedSpec& b) {
        return a.phase == b.phase && a.stage == b.stage && a.flow_L_per_h == b.flow_L_per_h &&
               a.concentration_mol_per_L == b.concentration_mol_per_L &&
               a.mole_fraction == b.mole_fraction && a.acid_mol_per_L == b.acid_mol_per_L &&
               a.impurity_mol_per_L == b.impurity_mol_per_L;
    };
    if (solved_[c] && std::equal(stream_feeds.begin(), stream_feeds.end(), solved_with_[c].begin(),
                                 solved_with_[c].end(), same)) {
        return;  // nothing it receives has changed
    }
    CaseSpec cs = spec_.cascades[c];
    cs.feeds.insert(cs.feeds.end(), stream_feeds.begin(), stream_feeds.end());
    const auto& routes = spec_.ion_outlets[c];
    try {
        // The ions pass a cascade with ion-outlets unsimulated, each to its outlet.
        const auto passing = routes.empty()
                                 ? std::array<double, num_impurities>{}
                                 : take_passing_ions(cs.feeds, routes, spec_.cascade_names[c]);
        set_components(cs);
        Cascade cascade(cs);
        // A recycle changes the feeds a little between passes: start from the last solution.
        results_[c] = solved_[c] ? cascade.solve(results_[c]) : cascade.solve();
        add_passing_ions(results_[c], routes, passing);
    } catch (const InfeasibleError& e) {
        throw InfeasibleError("cascade '" + spec_.cascade_names[c] + "': " + e.what());
    } catch (const ConvergenceError& e) {
        throw ConvergenceError("cascade '" + spec_.cascade_names[c] + "': " + e.what());
    }
    ++solves_;
    specs_[c] = std::move(cs);
    solved_with_[c] = std::move(stream_feeds);
    solved_[c] = true;
}

void PlantSolver::pass(const std::vector<StreamValue>& tears)
{
    for (std::size_t t = 0; t < tears_.size(); ++t) {
        streams_[tears_[t]] = tears[t];
    }
    for (const int c : order_) {
        solve_cascade(c);
        // What this cascade sends on (the torn streams keep their start for this pass).
        for (std::size_t k = 0; k < spec_.streams.size(); ++k) {
            const auto& s = spec_.streams[k];
            if (s.from != c || is_tear_[k]) {
                continue;
            }
            const StreamValue outlet = outlet_value(results_[c], s.outlet);
            const double f = stream_share(spec_, s, outlet);
            StreamValue& v = streams_[k];
            v = outlet;
            v.scale(f);
        }
    }
}

std::vector<double> PlantSolver::pack(const std::vector<StreamValue>& tears) const
{
    std::vector<double> x;
    for (const auto& v : tears) {
        x.push_back(v.flow_L_per_h);
        x.push_back(v.acid_mol_per_h);
        x.insert(x.end(), v.mol_per_h.begin(), v.mol_per_h.end());
        if (impurities_) {
            x.insert(x.end(), v.impurity_mol_per_h.begin(), v.impurity_mol_per_h.end());
        }
    }
    return x;
}

std::vector<StreamValue> PlantSolver::unpack(const std::vector<double>& x) const
{
    std::vector<StreamValue> tears(tears_.size());
    std::size_t i = 0;
    for (std::size_t t = 0; t < tears_.size(); ++t) {
        tears[t].phase = inlet_phase(spec_.streams[tears_[t]].inlet);
        tears[t].flow_L_per_h = x[i++];
        tears[t].acid_mol_per_h = x[i++];
        for (int e = 0; e < num_elements; ++e) {
            tears[t].mol_per_h[e] = x[i++];
        }
        for (int k = 0; impurities_ && k < num_impurities; ++k) {
            tears[t].impurity_mol_per_h[k] = x[i++];
        }
    }
    return tears;
}

std::vector<double> PlantSolver::scales(const std::vector<double>& g) const
{
    // Flows relative to themselves; each element relative to the larger of its flow in the
    // stream and its plant feed (a trace far below the plant's feed of it cannot move the
    // plant balance); acid relative to the plant's RE feed.
    std::vector<double> scale(g.size());
    std::size_t i = 0;
    for (std::size_t t = 0; t < tears_.size(); ++t) {
        scale[i] = std::abs(g[i]);
        ++i;
        scale[i] = std::max(std::abs(g[i]), feed_total_);
        ++i;
        for (int e = 0; e < num_elements; ++e, ++i) {
            scale[i] = std::max(std::abs(g[i]), feed_[e]);
        }
        for (int k = 0; impurities_ && k < num_impurities; ++k, ++i) {
            scale[i] = std::max(std::abs(g[i]), impurity_feed_[k]);
        }
    }
    return scale;
}

PlantResult PlantSolver::solve()
{
    const auto start_time = std::chrono::steady_clock::now();
    streams_ = estimate_streams();
    specs_.resize(count_);
    results_.resize(count_);
    solved_with_.resize(count_);
    solved_.assign(count_, false);

    std::vector<StreamValue> start;
    for (const int k : tears_) {
        start.push_back(streams_[k]);
    }
    std::vector<double> x = pack(start), x_old, g_old;
    PlantResult result;
    const auto tear_labels = [&] {
        std::string text;
        for (const int k : tears_) {
            text += text.empty() ? "" : ", ";
            text += spec_.streams[k].label;
        }
        return text;
    };
    for (int iteration = 1;; ++iteration) {
        try {
            pass(unpack(x));
        } catch (const Error& e) {
            if (x_old.empty() || x == g_old) {
                throw;
            }
            // A Wegstein step can overshoot into flows a cascade cannot run: fall back to
            // the plain substitution step of this pass.
            if (progress_) {
                progress_(std::string("plant: accelerated step failed (") + e.what() +
                          "); substitution step instead");
            }
            x = g_old;
            pass(unpack(x));
        }
        result.iterations = iteration;
        if (tears_.empty()) {
            break;
        }
        std::vector<StreamValue> computed;
        for (const int k : tears_) {
            const auto& s = spec_.streams[k];
            const StreamValue outlet = outlet_value(results_[s.from], s.outlet);
            const double f = stream_share(spec_, s, outlet);
            StreamValue v = outlet;
            v.scale(f);
            computed.push_back(v);
        }
        const std::vector<double> g = pack(computed);
        const std::vector<double> scale = scales(g);
        double change = 0.0;
        for (std::size_t i = 0; i < g.size(); ++i) {
            if (scale[i] > 0.0) {
                change = std::max(change, std::abs(g[i] - x[i]) / scale[i]);
            }
        }
        result.tear_change = change;
        if (progress_) {
            progress_("plant: pass " + std::to_string(iteration) + ", largest tear change " +
                      fmt(change, 3));
        }
        if (change <= spec_.tolerance) {
            break;
        }
        if (iteration >= spec_.max_iterations) {
            throw ConvergenceError(
                "the plant's recycle streams (" + tear_labels() + ") did not converge in " +
                std::to_string(spec_.max_iterations) + " passes (" + spec_.method +
                "): the largest scaled change of the last pass was " + fmt(change, 3) +
                ", the tolerance " + fmt(spec_.tolerance, 3) +
                ". Raise solver.max-iterations in the plant file, try method: substitution, or "
                "send less of the recycled outlet round the loop.");
        }
        // Bounded Wegstein (q in [-5, 0]) per variable; plain substitution on the first pass
        // and where a variable did not move.
        std::vector<double> next = g;
        if (spec_.method == "wegstein" && !x_old.empty()) {
            for (std::size_t i = 0; i < g.size(); ++i) {
                const double dx = x[i] - x_old[i];
                if (dx == 0.0) {
                    continue;
                }
                const double slope = (g[i] - g_old[i]) / dx;
                double q = slope / (slope - 1.0);
                q = std::isfinite(q) ? std::clamp(q, -5.0, 0.0) : -5.0;
                const double candidate = q * x[i] + (1.0 - q) * g[i];
                if (candidate >= 0.0) {  // flows and amounts stay non-negative
                    next[i] = candidate;
                }
            }
        }
        x_old = x;
        g_old = g;
        x = next;
    }

    result.order = order_;
    result.tears = tears_;
    result.specs = specs_;
    result.cascades = results_;
    result.streams = streams_;
    result.cascade_solves = solves_;
    result.feed_mol_per_h = feed_;
    result.impurity_feed_mol_per_h = impurity_feed_;
    collect_products(spec_, results_, feed_, impurity_feed_, result);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return result;
}

}  // namespace

PlantResult solve_plant(const PlantSpec& spec,
                        const std::function<void(const std::string&)>& progress)
{
    PlantSolver solver(spec, progress);
    return solver.solve();
}

}  // namespace reesx
