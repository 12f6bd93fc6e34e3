// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Separation factors as users quote them (`beta: {Nd/Pr: 1.45}`), turned into the system's
// log10 extractabilities (chemistry.md §1.2).
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "SystemInputDetail.h"

namespace reesx::system_input {
namespace {

//! A separation factor as users quote it (beta > 0), as log10 beta with its range and source.
Extractability parse_log10_beta(const InputNode& node)
{
    const double max_beta = std::pow(10.0, max_abs_log10_k);
    const auto log10_of = [&](const InputNode& n) {
        const double beta = n.as_double_in(0.0, max_beta, false, true);
        if (beta < 1.0 / max_beta) {
            n.fail("a separation factor below 1e-30 is a typo, not chemistry; found " + n.text());
        }
        return std::log10(beta);
    };
    Extractability x;
    x.source = "case file " + node.source_name() + ":" + std::to_string(node.line());
    if (node.is_scalar()) {
        x.log10_k = x.log10_k_low = x.log10_k_high = log10_of(node);
        return x;
    }
    if (!node.is_map()) {
        node.fail(
            "expected a separation factor: a number such as 1.45, or a mapping "
            "{value, range: [low, high], source, design-estimate}");
    }
    node.check_keys({"value", "range", "source", "design-estimate"});
    x.log10_k = x.log10_k_low = x.log10_k_high = log10_of(node.at("value"));
    if (const auto range = node.find("range")) {
        if (!range->is_sequence() || range->size() != 2) {
            range->fail("expected a range [low, high] of two separation factors");
        }
        x.log10_k_low = log10_of(range->at(std::size_t{0}));
        x.log10_k_high = log10_of(range->at(std::size_t{1}));
        if (!(x.log10_k_low <= x.log10_k && x.log10_k <= x.log10_k_high)) {
            range->fail("the range must contain the value (low <= value <= high)");
        }
    }
    if (const auto source = node.find("source")) {
        x.source = trimmed_string(*source, "source (citation or derivation of the value)");
    }
    if (const auto estimate = node.find("design-estimate")) {
        x.design_estimate = estimate->as_bool();
    }
    return x;
}

}  // namespace

//! `beta: {Nd/Pr: 1.45, Sm/Nd: 8}`: each entry sets the first element's log10 K to the
//! second's plus log10 beta (its range likewise, around the reference's value, as the data
//! files do). Entries may chain in any order; an element set twice (here or in
//! log10-extractability) or a cycle is an error at the entry. A system given by separation
//! factors alone takes the one element they all lead to as its reference (log10 K = 0).
void apply_separation_factors(const InputNode& table, ExtractionSystem& system,
                              const std::map<int, int>& line_set_by_log10_k)
{
    if (!table.is_map() || table.size() == 0) {
        table.fail(
            "expected a mapping from element pair to separation factor, e.g. {Nd/Pr: 1.45} "
            "(sets Nd relative to Pr)");
    }
    struct Entry {
        int element = 0;    //!< the element set
        int reference = 0;  //!< the element it is relative to
        Extractability relative;
        std::string key;
        InputNode node;
    };
    std::vector<Entry> entries;
    for (const auto& [key, value] : table.entries()) {
        const auto slash = key.find('/');
        if (slash == std::string::npos || key.find('/', slash + 1) != std::string::npos) {
            value.fail(
                "expected a pair such as Nd/Pr (the separation factor of Nd over Pr: Nd's "
                "extractability divided by Pr's), found '" +
                key + "'");
        }
        const auto trim = [](std::string text) {
            text.erase(0, text.find_first_not_of(" \t"));
            text.erase(text.find_last_not_of(" \t") + 1);
            return text;
        };
        const int element = parse_element_symbol(value, trim(key.substr(0, slash)));
        const int reference = parse_element_symbol(value, trim(key.substr(slash + 1)));
        if (element == reference) {
            value.fail("a separation factor relates two different elements, found '" + key + "'");
        }
        const std::string name = symbol(element);
        if (const auto it = line_set_by_log10_k.find(element); it != line_set_by_log10_k.end()) {
            value.fail(name + " is also set by log10-extractability at line " +
                       std::to_string(it->second) + "; set each element once");
        }
        for (const auto& other : entries) {
            if (other.element == element) {
                value.fail(name + " is already set by " + other.key + " at line " +
                           std::to_string(other.node.line()) +
                           "; set each element once (the element before the '/' is the one set)");
            }
        }
        entries.push_back({element, reference, parse_log10_beta(value), key, value});
    }

    const auto is_set_here = [&](int element) {
        return std::any_of(entries.begin(), entries.end(),
                           [&](const Entry& e) { return e.element == element; });
    };
    const bool factors_only =
        std::none_of(system.extractability.begin(), system.extractability.end(),
                     [](const auto& x) { return x.has_value(); });
    std::optional<int> anchor;
    for (const auto& entry : entries) {
        if (system.has(entry.reference) || is_set_here(entry.reference) ||
            entry.reference == anchor) {
            continue;
        }
        const std::string name = symbol(entry.reference);
        if (!factors_only) {
            entry.node.fail(name +
                            " has no log10-extractability to be relative to; give its value "
                            "under log10-extractability or relate it to an element that has one "
                            "(beta: {" +
                            name + "/<element>: ...})");
        }
        if (anchor) {
            entry.node.fail("the separation factors relate elements to " + symbol(*anchor) +
                            " and to " + name +
                            " but not these two to each other; add a factor between the two "
                            "groups or give log10-extractability values");
        }
        anchor = entry.reference;
    }
    if (anchor) {
        Extractability reference;
        reference.source =
            "reference of the separation factors in " + table.source_name() + " (log10 K = 0)";
        system.extractability[*anchor] = reference;
    }

    std::vector<bool> done(entries.size(), false);
    for (std::size_t resolved = 0; resolved < entries.size();) {
        const std::size_t before = resolved;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const Entry& entry = entries[i];
            const bool reference_pending =
                std::any_of(entries.begin(), entries.end(), [&](const Entry& other) {
                    return other.element == entry.reference && !done[&other - entries.data()];
                });
            if (done[i] || reference_pending) {
                continue;
            }
            const double reference_log10_k = system.log10_k(entry.reference);
            Extractability x = entry.relative;
            x.log10_k += reference_log10_k;
            x.log10_k_low += reference_log10_k;
            x.log10_k_high += reference_log10_k;
            if (x.source.starts_with("case file ")) {
                x.source = "beta(" + entry.key + ") = " + entry.node.text() + ", " + x.source;
            }
            x.from_beta = true;
            system.extractability[entry.element] = x;
            done[i] = true;
            ++resolved;
        }
        if (resolved == before) {
            // Every pending entry waits on another: follow the references round the cycle.
            std::size_t i = std::find(done.begin(), done.end(), false) - done.begin();
            std::string cycle = entries[i].key;
            const std::size_t first = i;
            for (;;) {
                const int reference = entries[i].reference;
                i = std::find_if(entries.begin(), entries.end(),
                                 [&](const Entry& e) { return e.element == reference; }) -
                    entries.begin();
                if (i == first) {
                    break;
                }
                cycle += ", " + entries[i].key;
            }
            entries[first].node.fail(
                "the separation factors " + cycle +
                " form a cycle, so none of them has a value to start from; drop one of them "
                "or give one element's log10-extractability instead");
        }
    }
}

}  // namespace reesx::system_input
