// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Plant files: cascades, the streams between them and the plant's products, with errors
// located at the file's keys.
#include <algorithm>
#include <map>
#include <optional>

#include "PlantDetail.h"
#include "reesx/core/Error.h"

namespace reesx {

using namespace plant_detail;

namespace {

std::string outlet_list(const CaseSpec& c)
{
    std::string text;
    for (const auto& o : outlets_of(c)) {
        text += text.empty() ? "" : ", ";
        text += o.name;
    }
    return text;
}

std::string names_list(const std::vector<std::string>& names)
{
    std::string text;
    for (const auto& n : names) {
        text += text.empty() ? "" : ", ";
        text += n;
    }
    return text;
}

//! "CASCADE.REST": the cascade is the longest prefix before a '.' that names one.
std::pair<int, std::string> split_reference(const InputNode& node,
                                            const std::vector<std::string>& names, const char* what)
{
    const std::string text = node.as_string();
    int found = -1;
    std::string rest;
    for (std::size_t dot = text.find('.'); dot != std::string::npos;
         dot = text.find('.', dot + 1)) {
        const auto it = std::find(names.begin(), names.end(), text.substr(0, dot));
        if (it != names.end()) {
            found = static_cast<int>(it - names.begin());
            rest = text.substr(dot + 1);
        }
    }
    if (found < 0) {
        const std::string cascade = text.substr(0, text.find('.'));
        std::vector<std::string_view> views(names.begin(), names.end());
        const std::string hint = closest_match(cascade, views);
        node.fail("expected CASCADE." + std::string(what) + " with one of the cascades " +
                  names_list(names) + ", found '" + text + "'" +
                  (hint.empty() ? std::string() : "; did you mean '" + hint + "'?"));
    }
    return {found, rest};
}

std::optional<Inlet> parse_inlet(const std::string& text)
{
    if (text == "feed") {
        return Inlet::feed;
    }
    if (text == "organic-feed") {
        return Inlet::organic_feed;
    }
    if (text == "scrub") {
        return Inlet::scrub;
    }
    return std::nullopt;
}

//! A cascade's `ion-outlets: {Ca2+: raffinate, Th4+: strip_liquor}`: which outlet each impurity
//! ion leaves with when the cascade's model carries no ions.
std::map<int, std::string> parse_ion_outlets(const InputNode& cascade, const CaseSpec& cs,
                                             const std::string& name)
{
    std::map<int, std::string> routes;
    const auto node = cascade.find("ion-outlets");
    if (!node) {
        return routes;
    }
    if (cs.model_name == "mass-action" || cs.model_name == "ph-correlation") {
        node->fail("cascade '" + name + "' uses model: " + cs.model_name +
                   ", which simulates the ions it receives; ion-outlets is for a cascade whose "
                   "model carries no ions (separation-factor, constant-distribution): remove it");
    }
    if (!node->is_map() || node->size() == 0) {
        node->fail(
            "expected a mapping of impurity ion to the outlet it leaves this cascade with, e.g. "
            "ion-outlets: {Ca2+: raffinate, Th4+: strip_liquor}");
    }
    for (const auto& [symbol, value] : node->entries()) {
        std::string hint;
        const auto species = species_index(symbol, &hint);
        if (!species) {
            value.fail("unknown species '" + symbol + "'; " + hint);
        }
        if (is_rare_earth(*species)) {
            value.fail(symbol +
                       " is a rare earth, which the cascade's model separates; ion-outlets "
                       "names impurity ions (Fe3+, Ca2+, Th4+, ...)");
        }
        if (routes.count(*species) > 0) {
            value.fail(symbol + " is given twice (as " + species_symbol(*species) + ")");
        }
        const std::string outlet = value.as_string();
        const auto outs = outlets_of(cs);
        if (std::none_of(outs.begin(), outs.end(),
                         [&](const Outlet& o) { return o.name == outlet; })) {
            value.fail("cascade '" + name + "' has no outlet '" + outlet + "'; its outlets are " +
                       outlet_list(cs));
        }
        routes[*species] = outlet;
    }
    return routes;
}

}  // namespace

bool is_plant_file(const InputNode& root)
{
    return root.is_map() && (root.has("plant") || root.has("cascades"));
}

CaseSpec parse_one_cascade(const InputNode& root, const std::string& command)
{
    if (is_plant_file(root)) {
        throw InputError(root.source_name() + ": a plant file (several cascades); `reesx " +
                         command + "` takes one cascade's case file, `reesx run` takes plants");
    }
    return parse_case(root);
}

PlantSpec parse_plant(const InputNode& root)
{
    root.check_keys({"schema", "name", "description", "plant", "cascades", "streams", "products",
                     "solver", "cost"});
    if (auto schema = root.find("schema")) {
        if (schema->as_integer() != 1) {
            schema->fail("this reesx reads schema 1 plant files");
        }
    }
    if (root.has("plant") && root.has("cascades")) {
        root.fail("give the cascades under either 'plant' or 'cascades', not both");
    }
    PlantSpec spec;
    spec.source_file = root.source_name();
    spec.name = root.has("name") ? root.at("name").as_string() : spec.source_file;
    spec.cost = root.find("cost");
    const InputNode list = root.at(root.has("plant") ? "plant" : "cascades");
    if (!list.is_sequence() || list.size() == 0) {
        list.fail("expected a list of cascades, each a case mapping with a `name`");
    }
    const std::vector<InputNode> nodes = list.elements();
    std::vector<InputNode> name_nodes;
    for (const auto& node : nodes) {
        if (!node.is_map()) {
            node.fail("expected a cascade: a case mapping (as `reesx run` takes) with a `name`");
        }
        const InputNode name = node.at("name");
        const std::string text = name.as_string();
        if (text.empty()) {
            name.fail("a cascade's name is how streams refer to it; it cannot be empty");
        }
        for (std::size_t k = 0; k < spec.cascade_names.size(); ++k) {
            if (spec.cascade_names[k] == text) {
                name.fail("cascade name '" + text + "' is used twice (also at line " +
                          std::to_string(name_nodes[k].line()) + ")");
            }
        }
        spec.cascade_names.push_back(text);
        name_nodes.push_back(name);
    }
    const int count = static_cast<int>(nodes.size());

    // Streams: where they go decides what each case may leave out.
    std::vector<CaseInlets> inlets(count);
    std::vector<InputNode> from_nodes, to_nodes;
    if (auto streams = root.find("streams")) {
        for (const auto& node : streams->elements()) {
            node.check_keys({"from", "to", "fraction", "flow", "stage"});
            PlantStreamSpec s;
            s.node = node;
            const InputNode from = node.at("from"), to = node.at("to");
            std::tie(s.from, s.outlet) = split_reference(from, spec.cascade_names, "OUTLET");
            std::string inlet;
            std::tie(s.to, inlet) = split_reference(to, spec.cascade_names, "INLET");
            const auto parsed = parse_inlet(inlet);
            if (!parsed) {
                to.fail("unknown inlet '" + inlet + "' of cascade '" + spec.cascade_names[s.to] +
                        "': expected feed (aqueous feed), organic-feed or scrub (scrub liquor)");
            }
            s.inlet = *parsed;
            s.label = from.as_string() + " -> " + to.as_string();
            if (node.has("fraction") && node.has("flow")) {
                node.fail("give the share of the outlet as 'fraction' or 'flow', not both");
            }
            if (auto f = node.find("fraction")) {
                s.fraction = f->as_double_in(0.0, 1.0, false, true);
            }
            if (auto f = node.find("flow")) {
                s.flow_L_per_h = f->as_quantity_in(Quantity::flow, "L/h", 0.0, 1e12, false);
            }
            if (auto st = node.find("stage")) {
                if (s.inlet == Inlet::scrub) {
                    st->fail(
                        "the scrub liquor enters the last scrub stage; 'stage' is for the feed "
                        "and organic-feed inlets");
                }
                s.stage = static_cast<int>(st->as_integer_in(1, 10000));
            }
            for (std::size_t k = 0; k < spec.streams.size(); ++k) {
                const auto& other = spec.streams[k];
                if (other.to == s.to && other.inlet == s.inlet) {
                    to.fail(to.as_string() + " is already fed by " + from_nodes[k].as_string() +
                            " (line " + std::to_string(to_nodes[k].line()) +
                            "); each inlet takes one stream");
                }
            }
            (s.inlet == Inlet::scrub ? inlets[s.to].scrub : inlets[s.to].feed) = true;
            spec.streams.push_back(s);
            from_nodes.push_back(from);
            to_nodes.push_back(to);
        }
    }

    // The cases.
    for (int c = 0; c < count; ++c) {
        const InputNode& node = nodes[c];
        if (!node.has("feed") && !node.has("feeds") && !inlets[c].feed && !inlets[c].scrub) {
            node.fail("cascade '" + spec.cascade_names[c] +
                      "' has no feed: give it `feed:` or a stream to " + spec.cascade_names[c] +
                      ".feed, .organic-feed or .scrub");
        }
        inlets[c].plant = true;
        spec.cascades.push_back(parse_case(node, inlets[c]));
        spec.ion_outlets.push_back(
            parse_ion_outlets(node, spec.cascades.back(), spec.cascade_names[c]));
    }
    bool any_feed = false;
    for (const auto& c : spec.cascades) {
        any_feed = any_feed || !c.feeds.empty();
    }
    if (!any_feed) {
        list.fail(
            "no cascade has a feed of its own: at least one needs `feed:` (what enters the "
            "plant)");
    }

    // Streams against the parsed cascades: outlets, phases, stages, shares.
    for (std::size_t k = 0; k < spec.streams.size(); ++k) {
        auto& s = spec.streams[k];
        const CaseSpec& from = spec.cascades[s.from];
        const CaseSpec& to = spec.cascades[s.to];
        const auto outs = outlets_of(from);
        const auto outlet = std::find_if(outs.begin(), outs.end(),
                                         [&](const Outlet& o) { return o.name == s.outlet; });
        if (outlet == outs.end()) {
            from_nodes[k].fail("cascade '" + spec.cascade_names[s.from] + "' has no outlet '" +
                               s.outlet + "'; its outlets are " + outlet_list(from));
        }
        if (outlet->phase != inlet_phase(s.inlet)) {
            to_nodes[k].fail(
                "the " + s.outlet + " is " + std::string(phase_name(outlet->phase)) +
                (outlet->phase == Phase::aqueous
                     ? ": it can feed a cascade's feed or scrub inlet, not its organic-feed"
                     : ": it can feed a cascade's organic-feed inlet only"));
        }
        const int last_feedable = to.stages_extraction + to.stages_scrub;
        const std::string& to_name = spec.cascade_names[s.to];
        if (s.inlet == Inlet::scrub || (s.inlet == Inlet::organic_feed && s.stage == 0)) {
            if (to.stages_scrub == 0) {
                to_nodes[k].fail("cascade '" + to_name + "' has no scrub section: " +
                                 (s.inlet == Inlet::scrub
                                      ? std::string("it has no scrub inlet")
                                      : std::string("give the organic feed's 'stage'")));
            }
        }
        if (s.stage > last_feedable) {
            s.node->at("stage").fail("cascade '" + to_name + "' has " +
                                     std::to_string(last_feedable) +
                                     " extraction and scrub stages; a stream enters one of them");
        }
        if (s.stage == 0) {
            s.stage = s.inlet == Inlet::feed           ? to.stages_extraction
                      : s.inlet == Inlet::organic_feed ? to.stages_extraction + 1
                                                       : last_feedable;
        }
        if (s.inlet != Inlet::scrub) {
            for (const auto& f : to.feeds) {
                if (f.phase == inlet_phase(s.inlet)) {
                    to_nodes[k].fail("cascade '" + to_name + "' has an " +
                                     std::string(phase_name(f.phase)) +
                                     " feed of its own (its `feed:`); a stream cannot feed " +
                                     to_nodes[k].as_string() + " as well");
                }
            }
        }
        // Shares of one outlet: at most one stream takes all of it, fractions sum to <= 1.
        double fractions = 0.0;
        for (std::size_t o = 0; o <= k; ++o) {
            const auto& other = spec.streams[o];
            if (other.from != s.from || other.outlet != s.outlet) {
                continue;
            }
            const bool whole = !other.fraction && !other.flow_L_per_h;
            if (o < k && (whole || (!s.fraction && !s.flow_L_per_h))) {
                from_nodes[k].fail(
                    from_nodes[k].as_string() + " also goes to " + to_nodes[o].as_string() +
                    " (line " + std::to_string(from_nodes[o].line()) +
                    "); when an outlet is split, give each part a 'fraction' or a 'flow'");
            }
            fractions += other.fraction.value_or(0.0);
        }
        if (fractions > 1.0 + 1e-12) {
            s.node->fail("the fractions taken from " + from_nodes[k].as_string() + " add up to " +
                         fmt(fractions, 6) + ", more than 1");
        }
    }

    // Every element that enters the plant may reach every cascade.
    for (int c = 0; c < count; ++c) {
        const CaseSpec& cs = spec.cascades[c];
        if (cs.model_name != "separation-factor") {
            continue;
        }
        for (const auto& other : spec.cascades) {
            for (const auto& f : other.feeds) {
                for (int e = 0; e < num_elements; ++e) {
                    if (f.mole_fraction[e] > 0.0 && !cs.system.has(e)) {
                        nodes[c].at("system").fail(
                            "the system '" + cs.system.name + "' has no extractability for " +
                            species_symbol(e) + ", which enters the plant with " + other.name +
                            "'s feed; add it under log10-extractability");
                    }
                }
            }
        }
    }

    if (auto products = root.find("products")) {
        for (const auto& node : products->elements()) {
            node.check_keys({"name", "from", "elements", "purity"});
            PlantProductSpec p;
            p.name = node.at("name").as_string();
            for (const auto& other : spec.products) {
                if (other.name == p.name) {
                    node.at("name").fail("product name '" + p.name + "' is used twice");
                }
            }
            const InputNode from = node.at("from");
            std::tie(p.cascade, p.outlet) = split_reference(from, spec.cascade_names, "OUTLET");
            const CaseSpec& c = spec.cascades[p.cascade];
            const auto outs = outlets_of(c);
            if (std::none_of(outs.begin(), outs.end(),
                             [&](const Outlet& o) { return o.name == p.outlet; })) {
                from.fail("cascade '" + spec.cascade_names[p.cascade] + "' has no outlet '" +
                          p.outlet + "'; its outlets are " + outlet_list(c));
            }
            for (const auto& s : spec.streams) {
                if (s.from == p.cascade && s.outlet == p.outlet && !s.fraction && !s.flow_L_per_h) {
                    from.fail(from.as_string() + " goes whole to " +
                              s.label.substr(s.label.find("-> ") + 3) +
                              "; nothing of it leaves the plant as a product");
                }
            }
            if (auto list_node = node.find("elements")) {
                const std::vector<InputNode> items =
                    list_node->is_sequence() ? list_node->elements() : std::vector{*list_node};
                for (const auto& item : items) {
                    const auto e = element_index(item.as_string());
                    if (!e) {
                        item.fail("unknown element '" + item.as_string() + "'");
                    }
                    p.elements.push_back(*e);
                }
            }
            if (auto purity = node.find("purity")) {
                p.purity = purity->as_double_in(0.0, 1.0, false, false);
            }
            spec.products.push_back(p);
        }
    }

    if (auto solver = root.find("solver")) {
        solver->check_keys({"tolerance", "max-iterations", "method"});
        if (auto t = solver->find("tolerance")) {
            spec.tolerance = t->as_double_in(1e-15, 1e-3);
        }
        if (auto m = solver->find("max-iterations")) {
            spec.max_iterations = static_cast<int>(m->as_integer_in(1, 100000));
        }
        if (auto m = solver->find("method")) {
            spec.method = m->as_string();
            if (spec.method != "wegstein" && spec.method != "substitution") {
                m->fail("expected 'wegstein' (default) or 'substitution' for the tear streams");
            }
        }
    }
    return spec;
}

}  // namespace reesx
