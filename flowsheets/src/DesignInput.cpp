// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Design files and options: the split, the targets, the feed and its rate, the system, the
// flows, and the case of one design trial parsed with errors located at the user's input.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "reesx/core/Error.h"
#include "reesx/core/Units.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/Design.h"

namespace reesx {
namespace {

std::string short_number(double value)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

}  // namespace

double parse_feed_rate(const InputNode& node, const FeedComposition& feed,
                       double concentration_mol_per_L)
{
    if (const auto mol_per_h = parse_feed_rate_mol_per_h(node, feed)) {
        return *mol_per_h;
    }
    const double flow = node.as_quantity_in(Quantity::flow, "L/h", 0.0, 1e12, false);
    return flow * concentration_mol_per_L;
}

namespace {

//! Positions in `order` named by one side of a split: "Nd" or a range "La-Nd".
std::vector<int> parse_side(const InputNode& node, const std::string& side,
                            const ExtractionSystem& system, const std::vector<int>& order)
{
    const auto position = [&](const std::string& text) {
        const auto element = element_index(text);
        if (!element) {
            node.fail("unknown element '" + text + "' in the split; write e.g. Pr/Nd or " +
                      "La-Nd/Sm-Lu (elements or ranges in the system's extraction order)");
        }
        const auto it = std::find(order.begin(), order.end(), *element);
        if (it == order.end()) {
            node.fail("extraction system '" + system.name + "' has no value for " + text +
                      "; give it inline (system: {base: ..., log10-extractability: {" + text +
                      ": ...}})");
        }
        return static_cast<int>(it - order.begin());
    };
    const auto dash = side.find('-');
    if (dash == std::string::npos) {
        return {position(side)};
    }
    int from = position(side.substr(0, dash)), to = position(side.substr(dash + 1));
    if (from > to) {
        std::swap(from, to);
    }
    std::vector<int> positions;
    for (int p = from; p <= to; ++p) {
        positions.push_back(p);
    }
    return positions;
}

std::string order_text(const std::vector<int>& order)
{
    std::string out;
    for (const int e : order) {
        out += (out.empty() ? "" : " < ") + std::string(elements()[e].symbol);
    }
    return out;
}

//! The cut: indices into `order` of the named elements on either side of it (the last of
//! the less extractable side, the first of the more extractable side).
std::pair<int, int> parse_split(const InputNode& node, const std::string& text,
                                const ExtractionSystem& system, const std::vector<int>& order,
                                const std::array<double, num_elements>& feed)
{
    const auto slash = text.find('/');
    if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos) {
        node.fail(
            "expected a split like Pr/Nd (two adjacent elements) or La-Nd/Sm-Lu (two "
            "groups), found \"" +
            text + "\"");
    }
    std::vector<int> first = parse_side(node, text.substr(0, slash), system, order);
    std::vector<int> second = parse_side(node, text.substr(slash + 1), system, order);
    if (first.front() > second.front()) {
        std::swap(first, second);
    }
    // Elements absent from the feed may lie between the two sides (Pm in Nd/Sm).
    bool adjacent = first.back() < second.front();
    for (int p = first.back() + 1; p < second.front(); ++p) {
        adjacent = adjacent && feed[order[p]] <= 0.0;
    }
    if (!adjacent) {
        node.fail("the two sides of the split \"" + text + "\" must be next to each other in " +
                  system.name + "'s extraction order (" + order_text(order) +
                  ") among the elements of the feed; name the two elements on either side of "
                  "the cut");
    }
    return {first.back(), second.front()};
}

double required_fraction(const InputNode& node)
{
    return node.as_double_in(0.0, 1.0, false, false);
}

}  // namespace

void parse_system_and_feed(const InputNode& root, ExtractionSystem& system,
                           std::string& system_reference, FeedComposition& feed)
{
    const std::string dir = std::filesystem::path(root.source_name()).parent_path().string();
    const InputNode system_node = root.at("system");
    system = parse_system_reference(system_node, dir);
    if (system_node.is_scalar() && system.origin == "built-in") {
        system_reference = system.name;
    }
    const InputNode feed_node = root.at("feed");
    if (!feed_node.is_scalar()) {
        feed = parse_feed(feed_node);
        return;
    }
    const std::string name = feed_node.as_string();
    const auto path = std::filesystem::path(dir) / name;
    if (is_feed_text(name) && !std::filesystem::is_regular_file(path)) {
        feed = parse_feed_text(feed_node);
        return;
    }
    try {
        feed = load_feed(std::filesystem::is_regular_file(path) ? path.string() : name);
    } catch (const InputError& e) {
        if (std::string(e.what()).find("is neither") != std::string::npos) {
            feed_node.fail(e.what());
        }
        throw;
    }
}

CaseSpec parse_design_case(const DesignSpec& spec, const std::string& yaml,
                           const std::string& source_name)
{
    try {
        return parse_case(InputNode::load_string(yaml, source_name));
    } catch (const InputError& e) {
        if (!spec.root || e.key_path().empty()) {
            throw;
        }
        // The case key a derived value sits under -> the design input it follows from.
        static const std::pair<std::string_view, std::string_view> origins[] = {
            {"feed.concentration", "feed"}, {"feed.composition", "feed"},
            {"feed.flow", "feed-rate"},     {"organic.flow", "feed-rate"},
            {"scrub.flow", "feed-rate"},    {"strip.flow", "feed-rate"},
            {"draws", "feed-rate"},         {"organic", "organic"},
            {"scrub.acid", "scrub-acid"},   {"strip", "strip"},
            {"system", "system"},           {"stages", "reflux"}};
        const InputNode& root = *spec.root;
        std::optional<InputNode> origin;
        for (const auto& [prefix, key] : origins) {
            if (e.key_path().starts_with(prefix)) {
                origin = root.find(key);
                break;
            }
        }
        if (!origin && e.key_path().starts_with("feed")) {
            origin = root.find("feed");  // a default feed rate: the feed sets it
        }
        const std::string message = "the cascade designed from this input would have an invalid " +
                                    e.key_path() + ": " + e.detail();
        if (origin) {
            origin->fail(message);
        }
        root.fail(message);
    }
}

DesignSpec parse_design(const InputNode& root)
{
    root.check_keys({"schema", "name", "system", "feed", "feed-phase", "feed-rate", "split",
                     "purity", "recovery", "reflux", "organic", "scrub-acid", "strip", "tradeoff",
                     "model", "middle-product", "efficiency"});
    if (const auto schema = root.find("schema")) {
        if (schema->as_integer() != 1) {
            schema->fail("this reesx reads design files of schema 1");
        }
    }
    if (const auto model = root.find("model")) {
        if (model->as_string() != "separation-factor") {
            model->fail(
                "design sizes cascades with the separation-factor model (the "
                "countercurrent-extraction theory's); other models come later");
        }
    }
    DesignSpec spec;
    spec.root = root;
    parse_system_and_feed(root, spec.system, spec.system_reference, spec.feed);
    spec.order = spec.system.extraction_order();
    std::vector<int> feed_elements;
    for (int e = 0; e < num_elements; ++e) {
        if (spec.feed.mole_fraction[e] > 0.0) {
            feed_elements.push_back(e);
        }
    }
    spec.warnings = extraction_order_reversals(spec.system, feed_elements);
    if (spec.feed.concentration_mol_per_L) {
        spec.feed_concentration_mol_per_L = *spec.feed.concentration_mol_per_L;
    }
    if (const auto phase = root.find("feed-phase")) {
        const std::string text = phase->as_string();
        if (text != "aqueous" && text != "organic") {
            phase->fail("expected 'aqueous' or 'organic', found '" + text + "'");
        }
        spec.feed_phase =
            text == "aqueous" ? theory::FeedPhase::aqueous : theory::FeedPhase::organic;
    }

    const InputNode split = root.at("split");
    spec.split_label = split.as_string();
    if (std::count(spec.split_label.begin(), spec.split_label.end(), '/') == 2) {
        // A/B/C: three groups, a three-outlet cascade; each cut is checked as a split.
        const auto first = spec.split_label.find('/'), second = spec.split_label.rfind('/');
        const auto cut = [&](const std::string& text) {
            return parse_split(split, text, spec.system, spec.order, spec.feed.mole_fraction);
        };
        MiddleProductSpec middle;
        std::tie(spec.key_b_position, spec.cut_position) = cut(spec.split_label.substr(0, second));
        std::tie(middle.last_position, std::ignore) = cut(spec.split_label.substr(first + 1));
        middle.first_position = spec.cut_position;
        spec.middle = middle;
    } else {
        std::tie(spec.key_b_position, spec.cut_position) =
            parse_split(split, spec.split_label, spec.system, spec.order, spec.feed.mole_fraction);
    }
    spec.name = root.has("name")
                    ? root.at("name").as_string()
                    : spec.split_label + " split of " + spec.feed.name + ", " + spec.system.name;

    if (const auto purity = root.find("purity")) {
        if (purity->is_map()) {
            purity->check_keys({"A", "B"});
            spec.purity_a = required_fraction(purity->at("A"));
            spec.purity_b = required_fraction(purity->at("B"));
        } else {
            spec.purity_a = spec.purity_b = required_fraction(*purity);
        }
    }
    if (const auto recovery = root.find("recovery")) {
        recovery->check_keys({"of", "value"});
        spec.recovery = required_fraction(recovery->at("value"));
        const InputNode of = recovery->at("of");
        const std::string side = of.as_string();
        if (side == "A" || side == "B") {
            spec.recovery_product = side[0];
        } else if (const auto e = element_index(side);
                   e && std::find(spec.order.begin(), spec.order.end(), *e) != spec.order.end()) {
            const auto p = std::find(spec.order.begin(), spec.order.end(), *e) - spec.order.begin();
            spec.recovery_product = p >= spec.cut_position ? 'A' : 'B';
        } else {
            of.fail(
                "expected A (the more extractable group), B, or an element of either group, "
                "found '" +
                side + "'");
        }
        if (const auto purity = root.find("purity"); purity && purity->is_map()) {
            recovery->fail(
                "with a recovery give one purity (purity: 0.9999), which applies to "
                "the same product");
        }
    }

    if (const auto efficiency = root.find("efficiency")) {
        spec.efficiency = parse_efficiency(*efficiency);
    }

    if (const auto reflux = root.find("reflux")) {
        if (reflux->is_scalar()) {
            if (reflux->as_string() != "optimum") {
                reflux->fail("expected 'optimum', {multiple-of-minimum: k} or {max-stages: N}");
            }
        } else {
            reflux->check_keys({"multiple-of-minimum", "max-stages"});
            if (reflux->has("multiple-of-minimum") == reflux->has("max-stages")) {
                reflux->fail("give one of multiple-of-minimum and max-stages");
            }
            if (const auto k = reflux->find("multiple-of-minimum")) {
                spec.reflux_mode = RefluxMode::multiple;
                spec.reflux_multiple = k->as_double_in(1.0, 100.0, false, true);
            } else {
                spec.reflux_mode = RefluxMode::stage_budget;
                spec.max_total_stages = static_cast<int>(
                    reflux->at("max-stages").as_integer_in(2, 2 * max_section_stages));
            }
        }
    }
    if (const auto organic = root.find("organic")) {
        organic->check_keys({"extractant-concentration", "saponification", "loading"});
        if (const auto v = organic->find("extractant-concentration")) {
            spec.extractant_mol_per_L =
                v->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
        }
        if (const auto v = organic->find("saponification")) {
            spec.saponification =
                v->as_quantity_in(Quantity::fraction, "1", 0.0, 1.0, false, false);
        }
        if (const auto v = organic->find("loading")) {
            spec.loading_mol_per_L =
                v->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
            // The case design writes gives the loading alone, so the ceiling is checked here.
            if (*spec.loading_mol_per_L > spec.extractant_mol_per_L / 3.0) {
                v->fail("a loading of " + v->text() +
                        " is above the stoichiometric ceiling of extractant/3 = " +
                        short_number(spec.extractant_mol_per_L / 3.0) +
                        " mol/L (three extractant anions per RE3+)");
            }
        }
    }
    if (const auto v = root.find("scrub-acid")) {
        spec.scrub_acid_mol_per_L =
            v->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 15.0, false);
    }
    if (const auto strip = root.find("strip")) {
        strip->check_keys({"stages", "acid", "excess"});
        spec.strip_stages = static_cast<int>(strip->at("stages").as_integer_in(1, 200));
        if (const auto v = strip->find("acid")) {
            spec.strip_acid_mol_per_L =
                v->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 15.0, false);
        }
        if (const auto v = strip->find("excess")) {
            spec.strip_acid_excess = v->as_quantity_in(Quantity::fraction, "1", 0.0, 10.0, true);
        }
    }
    if (const auto tradeoff = root.find("tradeoff")) {
        if (tradeoff->is_scalar()) {
            spec.tradeoff_points = tradeoff->as_bool() ? spec.tradeoff_points : 0;
        } else {
            tradeoff->check_keys({"points", "from", "to"});
            if (const auto v = tradeoff->find("points")) {
                spec.tradeoff_points = static_cast<int>(v->as_integer_in(0, 200));
            }
            if (const auto v = tradeoff->find("from")) {
                spec.tradeoff_from = v->as_double_in(1.0, 100.0, false, true);
            }
            if (const auto v = tradeoff->find("to")) {
                spec.tradeoff_to = v->as_double_in(spec.tradeoff_from, 100.0, true, true);
            }
        }
    }
    if (const auto middle = root.find("middle-product")) {
        if (!spec.middle) {
            middle->fail(
                "a middle product needs a split into three groups, e.g. split: La/Ce/Pr (the "
                "middle group is drawn as a side stream)");
        }
        middle->check_keys({"purity", "recovery"});
        if (const auto v = middle->find("purity")) {
            spec.middle->purity = required_fraction(*v);
        }
        if (const auto v = middle->find("recovery")) {
            spec.middle->recovery = required_fraction(*v);
        }
    } else if (spec.middle) {
        spec.middle->purity = std::min(spec.purity_a, spec.purity_b);
    }
    if (spec.middle) {
        // What the three-outlet design does not cover yet: say so where it is asked.
        const auto refuse = [&](const char* key, const std::string& why) {
            if (const auto node = root.find(key)) {
                node->fail(why);
            }
        };
        if (spec.feed_phase == theory::FeedPhase::organic) {
            refuse("feed-phase", "a three-outlet design takes an aqueous feed");
        }
        if (spec.reflux_mode == RefluxMode::stage_budget) {
            refuse("reflux",
                   "a three-outlet design takes reflux: optimum or {multiple-of-minimum: k}");
        }
        refuse("recovery",
               "with a three-group split give the middle product's recovery in "
               "middle-product: {purity: ..., recovery: ...}");
    }
    spec.feed_re_mol_per_h =
        root.has("feed-rate")
            ? parse_feed_rate(root.at("feed-rate"), spec.feed, spec.feed_concentration_mol_per_L)
            : 1000.0 * spec.feed_concentration_mol_per_L;  // 1000 L/h of feed solution
    return spec;
}

}  // namespace reesx
