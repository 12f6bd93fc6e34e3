// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx dynamic`: integrates the dynamic cascade (DynamicCascade.h) with IDA, through the
// case's events and control loop, into the products' series and the final profile
// (docs/dynamics.md).
#include "reesx/flowsheets/Dynamic.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "DynamicCascade.h"
#include "reesx/core/Error.h"

namespace reesx {

namespace {

//! 1 for a rare earth, 0 for an impurity ion, by component (purity is on the RE basis).
Eigen::VectorXd rare_earth_mask(const CaseSpec& spec)
{
    Eigen::VectorXd mask(static_cast<Eigen::Index>(spec.components.size()));
    for (std::size_t k = 0; k < spec.components.size(); ++k) {
        mask[static_cast<Eigen::Index>(k)] = is_rare_earth(spec.components[k]) ? 1.0 : 0.0;
    }
    return mask;
}

int component_index(const CaseSpec& spec, int element)
{
    return static_cast<int>(std::find(spec.components.begin(), spec.components.end(), element) -
                            spec.components.begin());
}

//! When each product with a main element last reached the target purity and held it since:
//! from IDA's roots of purity − target (DynamicCascade::roots), exact to the integrator's
//! tolerance whatever the output times, and from the state at t = 0 and after each change
//! of the flows (where the purity of a mixer's outlet can jump).
class TargetTracker {
public:
    TargetTracker(const DynamicCascade& model, const std::vector<std::pair<int, int>>& roots)
        : model_(model), roots_(roots), since_h_(roots.size(), -1.0)
    {
    }
    //! Sets each purity's side of the target from the state y at t_h.
    void check(const Eigen::VectorXd& y, double t_h)
    {
        std::vector<double> g(roots_.size());
        model_.purity_margins(y.data(), g.data());
        for (std::size_t r = 0; r < roots_.size(); ++r) {
            if (g[r] < 0.0) {
                since_h_[r] = -1.0;
            } else if (since_h_[r] < 0.0) {
                since_h_[r] = t_h;
            }
        }
    }
    //! Crossings IDA located.
    void passed(const std::vector<solver::IdaRoot>& roots)
    {
        for (const auto& root : roots) {
            since_h_[static_cast<std::size_t>(root.index)] = root.direction > 0 ? root.t : -1.0;
        }
    }
    //! Since when product p has held the target; -1 when it does not now (or has no root).
    double held_since_h(int p) const
    {
        for (std::size_t r = 0; r < roots_.size(); ++r) {
            if (roots_[r].first == p) {
                return since_h_[r];
            }
        }
        return -1.0;
    }

private:
    const DynamicCascade& model_;
    std::vector<std::pair<int, int>> roots_;
    std::vector<double> since_h_;
};

}  // namespace

DynamicResult integrate(const CaseSpec& spec, const DynamicSpec& dynamic, DynamicCascade& model,
                        const Eigen::VectorXd& y0,
                        const std::function<void(const std::string&)>& progress,
                        DynamicResult& result, std::chrono::steady_clock::time_point start_time)
{
    const int stages = model.stages(), n = model.components();
    const Eigen::VectorXd re_mask = rare_earth_mask(spec);
    const Eigen::VectorXd inventory0 = model.inventory(y0);
    std::vector<double> times;
    for (int i = 1; i <= dynamic.outputs; ++i) {
        times.push_back(dynamic.hours * i / dynamic.outputs);
    }
    // Requested profile times are output times too.
    for (const double t : dynamic.profile_times_h) {
        if (t <= dynamic.hours) {
            times.push_back(t);
        }
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    solver::IdaOptions options = dynamic.ida;
    if (model.has_extra_species()) {
        // The extras' equilibria (organic ∝ ([(HA)2] / [H+])^3 for P507) make the Newton
        // rate vary from step to step: without this the mass-action start-up
        // (examples/prnd-p507-mass-action-startup.yaml) stops for tolerances from 2.5e-6
        // on, its algebraic unknowns drifting over steps accepted on one correction
        // (docs/dynamics.md). A bound of 10 costs the separation-factor start-up 9 % more
        // residuals for nothing, so it applies here only.
        options.first_correction_trust = 10.0;
    }
    // Purity is that of the element the product has at steady state (without one: at the
    // end, below). IDA locates where each such purity crosses the target.
    std::vector<std::pair<int, int>> purity_roots;  // (product, component)
    for (const auto& o : model.outlets(y0)) {
        ProductSeries p;
        p.name = o.name;
        for (const auto& steady : result.steady_state.products) {
            if (steady.name == o.name) {
                p.main_element = steady.re_mol_per_h > 0.0 ? steady.main_element : -1;
            }
        }
        if (p.main_element >= 0) {
            purity_roots.emplace_back(static_cast<int>(result.products.size()),
                                      component_index(spec, p.main_element));
        }
        result.products.push_back(p);
    }
    model.set_purity_roots(purity_roots, dynamic.target_purity);
    solver::IdaIntegrator ida(model, 0.0, y0, options);
    ida.correct_initial_conditions(times.front());
    TargetTracker target(model, purity_roots);
    target.check(ida.state(), 0.0);
    Eigen::VectorXd fed = Eigen::VectorXd::Zero(model.feed_rate().size());  // elements first
    double t_fed = 0.0;
    bool flows_changed = false;
    std::size_t next_event = 0;
    int reported = 0;
    DynamicEvent flows;  // the factors in force
    std::optional<DynamicControl> control = dynamic.control;
    if (control && control->element < 0) {
        // A product's purity is that of the element it carries at steady state.
        for (const auto& p : result.products) {
            if (p.name == control->product) {
                control->element = p.main_element;
            }
        }
    }
    if (control) {
        result.control.element = control->element;
    }
    if (!spec.model->extra_unknowns().empty()) {
        result.chemistry_names = spec.model->profile_names();
    }
    double next_sample = control ? control->start_h : INFINITY;
    // Each product's outflow per element (mol/h) at each output time, for its purity once
    // its main element is known.
    std::vector<std::vector<Eigen::VectorXd>> outflow_mol_per_h(result.products.size());
    for (const double t_out : times) {
        // Scheduled changes and control samples inside this interval, in time order:
        // integrate to each, change the flows, restart.
        while (true) {
            const double t_event =
                next_event < dynamic.events.size() ? dynamic.events[next_event].time_h : INFINITY;
            const double t_action = std::min(t_event, next_sample);
            if (t_action > t_out) {
                break;
            }
            ida.advance_to(t_action);
            fed += model.feed_rate() * (t_action - t_fed);
            t_fed = t_action;
            DynamicEvent changed = flows;
            const bool scheduled = t_event <= next_sample;
            if (scheduled) {
                changed = dynamic.events[next_event++];
                if (control) {
                    changed.*(control->factor) = flows.*(control->factor);  // the loop's
                }
            } else {
                const double purity = model.measured_purity(*control, ida.state());
                const double impurity_ratio =
                    std::max(1.0 - purity, 1e-15) / (1.0 - control->setpoint_purity);
                changed.*(control->factor) = std::clamp(
                    flows.*(control->factor) * std::exp(control->gain * std::log(impurity_ratio)),
                    control->min_factor, control->max_factor);
                result.control.times_h.push_back(t_action);
                result.control.measured_purity.push_back(purity);
                result.control.factor.push_back(changed.*(control->factor));
                next_sample += control->interval_h;
            }
            if (scheduled || changed.*(control->factor) != flows.*(control->factor)) {
                changed.time_h = t_action;
                flows = changed;
                model.set_flows(flows);
                flows_changed = true;
                target.passed(ida.take_roots());
                ida.restart(t_action, t_out > t_action ? t_out : t_action + 1e-6);
                target.check(ida.state(), t_action);  // a purity that jumped at the change
            }
        }
        ida.advance_to(t_out);
        target.passed(ida.take_roots());
        fed += model.feed_rate() * (t_out - t_fed);
        t_fed = t_out;
        const Eigen::VectorXd y = ida.state();
        result.times_h.push_back(t_out);
        std::array<double, num_elements> inv{};  // rare earths (impurity ions: not kept)
        const Eigen::VectorXd inventory = model.inventory(y);
        for (int k = 0; k < n; ++k) {
            if (is_rare_earth(spec.components[k])) {
                inv[spec.components[k]] = inventory[k];
            }
        }
        result.inventory_mol.push_back(inv);
        if (!spec.model->extra_unknowns().empty()) {
            result.chemistry.push_back(model.chemistry_profile(y));
        }
        const auto outlets = model.outlets(y);
        for (std::size_t p = 0; p < outlets.size(); ++p) {
            result.products[p].re_mol_per_h.push_back(outlets[p].mol_per_h.dot(re_mask));
            for (int k = 0; k < n; ++k) {
                if (!is_rare_earth(spec.components[k])) {
                    result.products[p]
                        .impurity_mol_per_h[static_cast<std::size_t>(spec.components[k] -
                                                                     num_elements)]
                        .push_back(outlets[p].mol_per_h[k]);
                }
            }
            outflow_mol_per_h[p].push_back(outlets[p].mol_per_h);
        }
        if (std::find(dynamic.profile_times_h.begin(), dynamic.profile_times_h.end(), t_out) !=
            dynamic.profile_times_h.end()) {
            StageProfile profile;
            profile.time_h = t_out;
            profile.aqueous_mol_per_L = Eigen::MatrixXd::Zero(stages, num_species);
            profile.organic_mol_per_L = Eigen::MatrixXd::Zero(stages, num_species);
            const Eigen::MatrixXd organic_now = model.organic_profile(y);
            for (int j = 0; j < stages; ++j) {
                for (int k = 0; k < n; ++k) {
                    profile.aqueous_mol_per_L(j, spec.components[k]) = y[model.c_index(j, k)];
                    profile.organic_mol_per_L(j, spec.components[k]) = organic_now(j, k);
                }
            }
            result.profiles.push_back(std::move(profile));
        }
        const int percent = static_cast<int>(100.0 * t_out / dynamic.hours);
        if (progress && percent >= reported + 10) {
            reported = percent - percent % 10;
            const auto s = ida.stats();
            std::ostringstream line;
            line << "dynamic: " << reported << " % (" << t_out << " h, " << s.steps << " steps)";
            progress(line.str());
        }
    }
    const Eigen::VectorXd y = ida.state();
    const Eigen::VectorXd balance = model.inventory(y) + model.left(y) - inventory0 - fed;
    for (int k = 0; k < n; ++k) {
        const double scale = std::max(fed[k], inventory0[k]);
        if (scale > 0.0) {
            result.conservation_relative_error =
                std::max(result.conservation_relative_error, std::abs(balance[k]) / scale);
        }
    }
    for (int s = 0; s < 3; ++s) {
        const Eigen::VectorXd inv = model.inventory(y, s);
        for (int k = 0; k < n; ++k) {
            if (is_rare_earth(spec.components[k])) {
                result.section_inventory_mol[s][spec.components[k]] = inv[k];
            }
        }
    }
    for (std::size_t p = 0; p < result.products.size(); ++p) {
        auto& series = result.products[p];
        const Eigen::VectorXd& end = outflow_mol_per_h[p].back();
        if (!result.has_steady_state && end.dot(re_mask) > 0.0) {
            Eigen::Index largest = 0;
            end.cwiseProduct(re_mask).maxCoeff(&largest);
            series.main_element = spec.components[static_cast<std::size_t>(largest)];
        }
        const int main = component_index(spec, series.main_element);
        for (const Eigen::VectorXd& m : outflow_mol_per_h[p]) {
            const double total = m.dot(re_mask);  // purity on the RE basis
            // A product that carries nothing at steady state has no main element: purity 0.
            series.purity.push_back(total > 0.0 && series.main_element >= 0 ? m[main] / total
                                                                            : 0.0);
        }
        if (result.has_steady_state) {
            series.time_to_target_h = series.purity.back() >= dynamic.target_purity
                                          ? target.held_since_h(static_cast<int>(p))
                                          : -1.0;
            continue;
        }
        // The main element is known only now: the first output time from which the purity
        // holds the target.
        for (std::size_t i = series.purity.size(); i-- > 0;) {
            if (series.purity[i] < dynamic.target_purity) {
                break;
            }
            series.time_to_target_h = result.times_h[i];
        }
    }
    // With changed flows, compare with `reesx run` at the flows and feed in force at the
    // end: the state the run heads for, not the one it started from.
    const CascadeResult* reference = result.has_steady_state ? &result.steady_state : nullptr;
    if (reference && flows_changed) {
        CaseSpec at_end = scaled_case(spec, flows);
        if (flows.feed_mole_fraction) {
            at_end.feeds[0].mole_fraction = *flows.feed_mole_fraction;
        }
        try {
            Cascade cascade(at_end);
            result.steady_state_at_end = cascade.solve();
            reference = &*result.steady_state_at_end;
        } catch (const ConvergenceError& e) {
            reference = nullptr;
            result.warnings.push_back(
                std::string("the steady state of reesx run at the flows in force at the end "
                            "did not converge (") +
                e.what() + "), so the final profile is not compared with it");
        }
    }
    result.aqueous_mol_per_L = Eigen::MatrixXd::Zero(stages, num_species);
    result.organic_mol_per_L = Eigen::MatrixXd::Zero(stages, num_species);
    const Eigen::MatrixXd organic = model.organic_profile(y);
    for (int j = 0; j < stages; ++j) {
        for (int k = 0; k < n; ++k) {
            result.aqueous_mol_per_L(j, spec.components[k]) = y[model.c_index(j, k)];
            result.organic_mol_per_L(j, spec.components[k]) = organic(j, k);
        }
    }
    if (!reference) {
        result.steady_state_relative_difference = NAN;  // nothing to compare with
    } else {
        const Eigen::MatrixXd& ss = reference->aqueous_mol_per_L;
        const double largest = ss.topRows(stages).maxCoeff();
        for (int j = 0; j < stages; ++j) {
            for (int e = 0; e < num_species; ++e) {  // rare earths and impurity ions
                if (ss(j, e) > 1e-9 * largest) {
                    result.steady_state_relative_difference =
                        std::max(result.steady_state_relative_difference,
                                 std::abs(result.aqueous_mol_per_L(j, e) - ss(j, e)) / ss(j, e));
                }
            }
        }
    }
    result.stats = ida.stats();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return result;
}

DynamicResult simulate_dynamic(const CaseSpec& spec, const DynamicSpec& dynamic,
                               const std::function<void(const std::string&)>& progress)
{
    const auto start_time = std::chrono::steady_clock::now();
    check_supported(spec, dynamic);
    DynamicResult result;
    Cascade steady(spec);  // checks the flows: those errors stop any start
    try {
        result.steady_state = steady.solve();
        result.has_steady_state = true;
    } catch (const ConvergenceError& e) {
        if (dynamic.start == StartState::steady_state) {
            throw ConvergenceError(std::string("dynamic.start: steady-state needs the steady "
                                               "state of reesx run, which did not converge: ") +
                                   e.what() + ". A start from feed runs without it");
        }
        if (dynamic.control && dynamic.control->element < 0) {
            throw ConvergenceError("dynamic.control measures the main element of '" +
                                   dynamic.control->product +
                                   "' at the steady state of reesx run, which did not converge (" +
                                   e.what() + "); name it with dynamic.control.measure.element");
        }
        // Other starts only compare with the steady state: run on without it. The steady
        // result would have carried the case's warnings.
        result.warnings = spec.warnings;
        result.warnings.push_back(
            std::string("the steady state of reesx run did not converge (") + e.what() +
            "), so the dynamic result is not compared with it; each product's main element is "
            "the one it carries most of at the end");
    }
    DynamicCascade model(spec, dynamic);
    model.prepare();
    const Eigen::VectorXd y0 = initial_state(spec, dynamic, result, model);
    if (result.has_steady_state) {
        DynamicSpec at_steady_state = dynamic;
        at_steady_state.start = StartState::steady_state;
        result.slowest_time_constant_h =
            model.slowest_time_constant_h(initial_state(spec, at_steady_state, result, model));
    }
    try {
        return integrate(spec, dynamic, model, y0, progress, result, start_time);
    } catch (const solver::SolverError& e) {
        throw ConvergenceError(std::string("the dynamic simulation stopped: ") + e.what() +
                               ". Tighten dynamic.relative-tolerance, start from the steady "
                               "state, or check that every stage keeps enough rare earth for "
                               "a saturated organic (separation-factor model)");
    }
}

}  // namespace reesx
