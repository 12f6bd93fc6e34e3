// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `dynamic:` mapping of a case (docs/dynamics.md, "Case keys").
#include <algorithm>

#include "DynamicCascade.h"
#include "reesx/core/Error.h"
#include "reesx/thermo/Feeds.h"

namespace reesx {

void check_supported(const CaseSpec& spec, const DynamicSpec& dynamic)
{
    const InputNode where = spec.root ? *spec.root : InputNode::load_string("{}", "case");
    if (!spec.model->extra_unknowns().empty() && dynamic.start == StartState::fresh) {
        where.fail("the '" + spec.model_name +
                   "' model has no state for an empty aqueous (without acid, the saponified "
                   "organic would make it basic, which the model does not describe); use "
                   "dynamic.start: feed or steady-state");
    }
    if (dynamic.start == StartState::fresh && spec.model->saturated_organic()) {
        where.fail(
            "the separation-factor model keeps the organic saturated and cannot start "
            "from an empty cascade; use dynamic.start: feed or steady-state, or model: "
            "constant-distribution");
    }
}

namespace {

DynamicControl parse_control(const CaseSpec& spec, const InputNode& node)
{
    node.check_keys({"measure", "setpoint", "adjust", "gain", "interval", "start", "limits"});
    DynamicControl c;
    const InputNode measure = node.at("measure");
    measure.check_keys({"product", "stage", "phase", "element"});
    if (measure.has("product") == measure.has("stage")) {
        measure.fail(
            "give either product (raffinate, loaded_organic, strip_liquor, stripped_organic "
            "or a side draw's name) or stage (with phase and element) to measure");
    }
    if (const auto v = measure.find("product")) {
        c.product = v->as_string();
        std::string list;
        bool found = false;
        for (const auto& p : outlet_points(spec)) {
            list += (list.empty() ? "" : ", ") + p.name;
            found = found || p.name == c.product;
        }
        if (!found) {
            v->fail("this cascade has no product '" + c.product + "'; its products: " + list);
        }
    } else {
        c.stage = static_cast<int>(measure.at("stage").as_integer_in(1, spec.num_stages()));
        if (const auto phase_node = measure.find("phase")) {
            const std::string phase = phase_node->as_string();
            if (phase != "aqueous" && phase != "organic") {
                phase_node->fail("expected aqueous or organic, found '" + phase + "'");
            }
            c.phase = phase == "aqueous" ? Phase::aqueous : Phase::organic;
        }
        if (!measure.has("element")) {
            measure.fail("a stage measurement needs the element whose purity is measured");
        }
    }
    if (const auto v = measure.find("element")) {
        const auto e = element_index(v->as_string());
        if (!e || std::find(spec.components.begin(), spec.components.end(), *e) ==
                      spec.components.end()) {
            v->fail("'" + v->as_string() + "' is not an element of this cascade's feed");
        }
        c.element = *e;
    }
    c.setpoint_purity = node.at("setpoint").as_double_in(0.0, 1.0, false, false);
    const InputNode adjust = node.at("adjust");
    const std::string what = adjust.as_string();
    if (what == "feed-flow") {
        c.factor = &DynamicEvent::feed_flow_factor;
    } else if (what == "organic-flow") {
        c.factor = &DynamicEvent::organic_flow_factor;
    } else if (what == "scrub-flow") {
        c.factor = &DynamicEvent::scrub_flow_factor;
    } else if (what == "strip-flow") {
        c.factor = &DynamicEvent::strip_flow_factor;
    } else if (what == "draw-flow") {
        c.factor = &DynamicEvent::draw_flow_factor;
    } else {
        adjust.fail(
            "expected feed-flow, organic-flow, scrub-flow, strip-flow or draw-flow, found '" +
            what + "'");
    }
    c.adjusted = what;
    if ((what == "scrub-flow" && !spec.scrub) || (what == "strip-flow" && !spec.strip) ||
        (what == "draw-flow" && spec.draws.empty())) {
        adjust.fail("this cascade has no " + what.substr(0, what.find('-')) + " to adjust");
    }
    if (const auto v = node.find("gain")) {
        c.gain = v->as_double_in(-10.0, 10.0);
    }
    if (const auto v = node.find("interval")) {
        c.interval_h = v->as_quantity_in(Quantity::time, "h", 0.0, 1e6, false);
    }
    if (const auto v = node.find("start")) {
        c.start_h = v->as_quantity_in(Quantity::time, "h", 0.0, 1e7);
    }
    if (const auto v = node.find("limits")) {
        const auto limits = v->elements();
        if (limits.size() != 2) {
            v->fail("expected [lowest, highest] factor, e.g. [0.5, 2]");
        }
        c.min_factor = limits[0].as_double_in(0.0, 100.0, false);
        c.max_factor = limits[1].as_double_in(c.min_factor, 100.0);
    }
    return c;
}

}  // namespace

DynamicSpec parse_dynamic(const CaseSpec& spec)
{
    DynamicSpec d;
    if (!spec.root || !spec.root->has("dynamic")) {
        return d;
    }
    const InputNode node = spec.root->at("dynamic");
    node.check_keys({"hours", "mixer-residence-time", "settler-residence-time", "settler-cells",
                     "start", "outputs", "profiles-at", "events", "control", "target-purity",
                     "relative-tolerance", "absolute-tolerance"});
    if (const auto v = node.find("hours")) {
        d.hours = v->as_quantity_in(Quantity::time, "h", 0.0, 1e7, false);
    }
    if (const auto v = node.find("mixer-residence-time")) {
        d.mixer_residence_h = v->as_quantity_in(Quantity::time, "min", 0.0, 1e3, false);
    }
    if (const auto v = node.find("settler-residence-time")) {
        d.settler_residence_h = v->as_quantity_in(Quantity::time, "min", 0.0, 1e3, true);
    }
    if (const auto v = node.find("settler-cells")) {
        d.settler_cells = static_cast<int>(v->as_integer_in(0, 10));
    }
    if (d.settler_residence_h == 0.0) {
        d.settler_cells = 0;
    }
    if (const auto v = node.find("start")) {
        const std::string s = v->as_string();
        if (s == "steady-state") {
            d.start = StartState::steady_state;
        } else if (s == "feed") {
            d.start = StartState::feed;
        } else if (s == "fresh") {
            d.start = StartState::fresh;
        } else {
            v->fail(
                "expected steady-state, feed (every stage filled with the feed solution) "
                "or fresh (empty aqueous, fresh organic), found '" +
                s + "'");
        }
    }
    if (const auto v = node.find("outputs")) {
        d.outputs = static_cast<int>(v->as_integer_in(1, 100000));
    }
    if (const auto v = node.find("profiles-at")) {
        for (const auto& t : v->elements()) {
            d.profile_times_h.push_back(t.as_quantity_in(Quantity::time, "h", 0.0, 1e7, false));
        }
    }
    if (const auto v = node.find("target-purity")) {
        d.target_purity = v->as_double_in(0.0, 1.0, false, false);
    }
    if (const auto v = node.find("relative-tolerance")) {
        d.ida.relative_tolerance = v->as_double_in(1e-14, 1e-2);
    }
    if (const auto v = node.find("absolute-tolerance")) {
        d.ida.absolute_tolerance = v->as_double_in(1e-300, 1.0);
    }
    if (const auto events = node.find("events")) {
        for (const auto& e : events->elements()) {
            e.check_keys({"time", "feed-flow-factor", "organic-flow-factor", "scrub-flow-factor",
                          "strip-flow-factor", "draw-flow-factor", "composition",
                          "oxide-mass-fractions"});
            // Factors not given keep their value from the previous event.
            DynamicEvent ev = d.events.empty() ? DynamicEvent{} : d.events.back();
            ev.time_h = e.at("time").as_quantity_in(Quantity::time, "h", 0.0, 1e7, false);
            const auto factor = [&](const char* key, double& value) {
                if (const auto v = e.find(key)) {
                    value = v->as_double_in(0.0, 100.0, false);
                }
            };
            factor("feed-flow-factor", ev.feed_flow_factor);
            factor("organic-flow-factor", ev.organic_flow_factor);
            factor("scrub-flow-factor", ev.scrub_flow_factor);
            factor("strip-flow-factor", ev.strip_flow_factor);
            factor("draw-flow-factor", ev.draw_flow_factor);
            if (e.has("composition") || e.has("oxide-mass-fractions")) {
                const InputNode& key =
                    e.has("composition") ? e.at("composition") : e.at("oxide-mass-fractions");
                if (spec.feeds.size() != 1) {
                    key.fail("a composition step needs a case with one feed; this one has " +
                             std::to_string(spec.feeds.size()));
                }
                ev.feed_mole_fraction = parse_composition(e);
                for (int el = 0; el < num_elements; ++el) {
                    if ((*ev.feed_mole_fraction)[el] > 0.0 &&
                        std::find(spec.components.begin(), spec.components.end(), el) ==
                            spec.components.end()) {
                        key.fail(std::string("the cascade's elements are those of its feed, "
                                             "which has no ") +
                                 std::string(elements()[el].symbol) +
                                 "; give it a trace fraction in the case's feed (1e-9, say) "
                                 "so that a composition step can bring it in");
                    }
                }
            }
            if (!d.events.empty() && ev.time_h <= d.events.back().time_h) {
                e.at("time").fail("events must be in increasing time order");
            }
            d.events.push_back(ev);
        }
    }
    if (const auto c = node.find("control")) {
        d.control = parse_control(spec, *c);
        // Each sample restarts IDA: a million of them is hours of computing, not a study.
        if ((d.hours - d.control->start_h) / d.control->interval_h > 1e5) {
            c->fail("the control loop would sample more than 100,000 times in " +
                    std::to_string(d.hours) + " h; lengthen control.interval");
        }
    }
    check_supported(spec, d);
    return d;
}

}  // namespace reesx
