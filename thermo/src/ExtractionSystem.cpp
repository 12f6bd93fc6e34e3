// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Extraction systems: relative extractabilities log10 K_i per element, read from the built-in
// data files (thermo/data/systems/*.yaml, compiled in by cmake/ReesxEmbed.cmake), from a
// system file, or from an inline `system:` mapping of a case file. The data layout (one
// log10 K per element rather than pair separation factors) follows chemistry.md §1.2: any
// pair beta is then 10^(difference), and non-adjacent pairs are consistent by construction.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string_view>

#include "reesx/thermo/ExtractionSystem.h"

#include "SystemInputDetail.h"

namespace reesx::data {
std::span<const reesx::EmbeddedFile> builtin_system_files();
}  // namespace reesx::data

namespace reesx {

using namespace system_input;

namespace {

const std::vector<std::string_view>& element_symbols()
{
    static const std::vector<std::string_view> symbols = [] {
        std::vector<std::string_view> s;
        for (const auto& e : elements()) {
            s.push_back(e.symbol);
        }
        return s;
    }();
    return symbols;
}

std::string join(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

std::string format_number(double value)
{
    std::string s = std::to_string(value);
    // std::to_string prints 6 decimals; drop the trailing zeros so messages quote the input.
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') {
        s.pop_back();
    }
    return s;
}

//! Four significant digits, for values computed from the input (10^0.18 = 1.514).
std::string short_number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

std::string stem_of(std::string_view file_name)
{
    const auto dot = file_name.rfind('.');
    return std::string(file_name.substr(0, dot));
}

//! One entry of log10-extractability: a bare number (a user's value; its source is where it
//! was written) or a mapping {value, range, source, design-estimate}.
Extractability parse_extractability(const InputNode& node)
{
    const std::string written_at =
        "case file " + node.source_name() + ":" + std::to_string(node.line());
    Extractability x;
    if (node.is_scalar()) {
        x.log10_k = node.as_double_in(-max_abs_log10_k, max_abs_log10_k);
        x.log10_k_low = x.log10_k;
        x.log10_k_high = x.log10_k;
        x.source = written_at;
        return x;
    }
    if (!node.is_map()) {
        node.fail(
            "expected a log10 extractability: a number such as 1.16, or a mapping "
            "{value, range: [low, high], source, design-estimate}");
    }
    node.check_keys({"value", "range", "source", "design-estimate"});
    x.log10_k = node.at("value").as_double_in(-max_abs_log10_k, max_abs_log10_k);
    x.log10_k_low = x.log10_k;
    x.log10_k_high = x.log10_k;
    if (const auto range = node.find("range")) {
        if (!range->is_sequence() || range->size() != 2) {
            range->fail("expected a range [low, high] of two numbers");
        }
        const double low = range->at(std::size_t{0}).as_double();
        const double high = range->at(std::size_t{1}).as_double();
        if (!(low <= x.log10_k && x.log10_k <= high)) {
            range->fail("the range [" + format_number(low) + ", " + format_number(high) +
                        "] must contain the value " + format_number(x.log10_k) +
                        " (low <= value <= high)");
        }
        x.log10_k_low = low;
        x.log10_k_high = high;
    }
    x.source = written_at;
    if (const auto source = node.find("source")) {
        x.source = trimmed_string(*source, "source (citation or derivation of the value)");
    }
    if (const auto estimate = node.find("design-estimate")) {
        x.design_estimate = estimate->as_bool();
    }
    return x;
}

std::vector<std::string> parse_sources(const InputNode& node)
{
    std::vector<std::string> out;
    if (node.is_scalar()) {
        out.push_back(trimmed_string(node, "source"));
        return out;
    }
    for (const auto& item : node.elements()) {
        out.push_back(trimmed_string(item, "source"));
    }
    return out;
}

//! Built-in systems by name, parsed once: the data are compiled in and cannot change.
const std::map<std::string, ExtractionSystem>& builtin_systems()
{
    static const std::map<std::string, ExtractionSystem> systems = [] {
        std::map<std::string, ExtractionSystem> out;
        for (const auto& file : data::builtin_system_files()) {
            // The source name points at the repository file, so a broken data file is easy
            // to find from the message.
            const auto root = InputNode::load_string(
                std::string(file.text), "thermo/data/systems/" + std::string(file.name));
            ExtractionSystem system = parse_system(root);
            const std::string stem = stem_of(file.name);
            if (system.name != stem) {
                throw Error("built-in system file " + std::string(file.name) + " is named '" +
                            system.name + "'; the name must equal the file name '" + stem + "'");
            }
            system.origin = "built-in";
            out.emplace(stem, std::move(system));
        }
        return out;
    }();
    return systems;
}

}  // namespace

namespace system_input {

std::string trimmed_string(const InputNode& node, std::string_view what)
{
    std::string s = node.as_string();
    if (s.find_first_not_of(" \t") == std::string::npos) {
        node.fail("expected a non-empty " + std::string(what));
    }
    return s;
}

int parse_element_symbol(const InputNode& node, const std::string& symbol)
{
    const auto index = element_index(symbol);
    if (!index) {
        std::string message = "unknown element '" + symbol + "'";
        if (const auto guess = closest_match(symbol, element_symbols()); !guess.empty()) {
            message += "; did you mean '" + guess + "'?";
        }
        std::vector<std::string> all(element_symbols().begin(), element_symbols().end());
        message += " Elements: " + join(all);
        node.fail(message);
    }
    return *index;
}

}  // namespace system_input

double ExtractionSystem::log10_k(int element) const
{
    if (element < 0 || element >= num_elements) {
        throw std::out_of_range("element index " + std::to_string(element) + " out of range 0.." +
                                std::to_string(num_elements - 1));
    }
    if (!extractability[element]) {
        throw std::out_of_range("extraction system '" + name +
                                "' has no log10-extractability for " +
                                std::string(elements()[element].symbol));
    }
    return extractability[element]->log10_k;
}

double ExtractionSystem::beta(int a, int b) const
{
    return std::pow(10.0, log10_k(a) - log10_k(b));
}

std::vector<int> ExtractionSystem::extraction_order() const
{
    std::vector<int> order;
    for (int i = 0; i < num_elements; ++i) {
        if (has(i)) {
            order.push_back(i);
        }
    }
    // Stable: equal K keep atomic-number order, so the order is reproducible.
    std::stable_sort(order.begin(), order.end(),
                     [this](int a, int b) { return log10_k(a) < log10_k(b); });
    return order;
}

std::vector<std::string> extraction_order_reversals(const ExtractionSystem& system,
                                                    const std::vector<int>& components)
{
    std::vector<std::string> warnings;
    std::vector<int> considered;
    for (int e = 0; e < num_elements; ++e) {
        const bool listed = components.empty() ||
                            std::find(components.begin(), components.end(), e) != components.end();
        if (listed && system.has(e) && system.base_log10_k[e]) {
            considered.push_back(e);
        }
    }
    const auto base_k = [&](int e) { return *system.base_log10_k[e]; };
    std::optional<int> base_reference;  // the base's element with log10 K = 0 (La in p507-hcl)
    for (int e = 0; e < num_elements; ++e) {
        if (system.base_log10_k[e] && base_k(e) == 0.0) {
            base_reference = e;
            break;
        }
    }
    for (const int moved : considered) {
        if (system.log10_k(moved) == base_k(moved)) {
            continue;
        }
        std::vector<std::string> passed;
        std::optional<int> base_neighbour;  // next less extractable in the base's order
        for (const int other : considered) {
            if (other == moved) {
                continue;
            }
            const double before = base_k(moved) - base_k(other);
            const double now = system.log10_k(moved) - system.log10_k(other);
            if ((before > 0.0 && now < 0.0) || (before < 0.0 && now > 0.0)) {
                passed.push_back(symbol(other) + " (" + short_number(system.log10_k(other)) + ")");
            }
            if (before > 0.0 && (!base_neighbour || base_k(other) > base_k(*base_neighbour))) {
                base_neighbour = other;
            }
        }
        if (passed.empty()) {
            continue;
        }
        const bool moved_down = system.log10_k(moved) < base_k(moved);
        std::string w =
            "system: " + symbol(moved) + " (log10 K " + short_number(system.log10_k(moved)) + ", " +
            system.extractability[moved]->source + ") is now " + (moved_down ? "less" : "more") +
            " extractable than " + join(passed) + ", the reverse of " + system.base_name +
            "'s order (" + symbol(moved) + " " + short_number(base_k(moved)) +
            " there): " + symbol(moved) + " now goes " +
            (moved_down ? "to the raffinate side" : "to the organic side") + " of those elements.";
        // The trap this catches: a log10 K written as if relative to the neighbour.
        if (base_reference && !system.extractability[moved]->from_beta) {
            w += " log10-extractability is relative to " + system.base_name + "'s reference " +
                 symbol(*base_reference) + " (log10 K 0), not to a neighbour";
            if (base_neighbour && moved_down) {
                const std::string pair = symbol(moved) + "/" + symbol(*base_neighbour);
                w += "; if " + short_number(system.log10_k(moved)) + " was meant as log10 of the " +
                     pair + " separation factor, write beta: {" + pair + ": " +
                     short_number(std::pow(10.0, system.log10_k(moved))) + "}";
            }
            w += ".";
        }
        warnings.push_back(std::move(w));
    }
    return warnings;
}

std::vector<std::string> builtin_system_names()
{
    std::vector<std::string> names;
    for (const auto& file : data::builtin_system_files()) {
        names.push_back(stem_of(file.name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

ExtractionSystem builtin_system(const std::string& name)
{
    const auto& systems = builtin_systems();
    if (const auto it = systems.find(name); it != systems.end()) {
        return it->second;
    }
    const auto names = builtin_system_names();
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    std::string message = "unknown extraction system '" + name + "'";
    if (const auto guess = closest_match(name, candidates); !guess.empty()) {
        message += "; did you mean '" + guess + "'?";
    }
    message += " Built-in systems: " + join(names) +
               " (or give a system file FILE.yaml or an inline mapping)";
    throw InputError(message);
}

static SystemFit parse_system_fit(const InputNode& node)
{
    node.check_keys({"model", "data", "parameters", "covariance", "rms-log10-d"});
    SystemFit fit;
    fit.model = node.at("model").as_string();
    if (const auto v = node.find("data")) {
        fit.data = v->as_string();
    }
    if (const auto v = node.find("rms-log10-d")) {
        fit.rms_log10_d = v->as_double_in(0.0, 30.0);
    }
    const InputNode names = node.at("parameters");
    if (!names.is_sequence() || names.size() == 0) {
        names.fail("expected a list of the fitted values: element symbols or log10-kex-reference");
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        const InputNode n = names.at(i);
        const std::string name = n.as_string();
        if (name != "log10-kex-reference") {
            (void)parse_element_symbol(n, name);
        }
        fit.parameters.push_back(name);
    }
    const InputNode rows = node.at("covariance");
    if (!rows.is_sequence() || rows.size() != names.size()) {
        rows.fail("expected " + std::to_string(names.size()) +
                  " rows (one per parameter), each a list of " + std::to_string(names.size()) +
                  " numbers");
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const InputNode row = rows.at(i);
        if (!row.is_sequence() || row.size() != names.size()) {
            row.fail("expected a list of " + std::to_string(names.size()) + " numbers");
        }
        std::vector<double> values;
        for (std::size_t j = 0; j < row.size(); ++j) {
            values.push_back(row.at(j).as_double_in(-1e6, 1e6));
        }
        if (values[i] < 0.0) {
            row.at(i).fail("a variance (diagonal of the covariance) must be >= 0");
        }
        fit.covariance.push_back(std::move(values));
    }
    return fit;
}

ExtractionSystem parse_system(const InputNode& node, const ExtractionSystem* base)
{
    if (!node.is_map()) {
        node.fail(
            "expected an extraction system mapping with keys name, log10-extractability "
            "(or beta), description, conditions, loading-per-extractant, loading-source, sources");
    }
    // `base` names a built-in system to start from; a case file resolves it itself and passes
    // it as `base`, a system file or a direct call gets it resolved here.
    node.check_keys({"name", "base", "description", "conditions", "loading-per-extractant",
                     "loading-source", "log10-extractability", "beta", "sources",
                     "log10-kex-reference", "log10-k-saponified", "fit"});

    ExtractionSystem system;
    bool from_base = base != nullptr;
    if (base) {
        system = *base;
    } else if (const auto base_node = node.find("base")) {
        try {
            system = builtin_system(base_node->as_string());
        } catch (const InputError& e) {
            base_node->fail(e.what());
        }
        from_base = true;
    }
    if (from_base) {
        system.base_name = system.name;
        for (int e = 0; e < num_elements; ++e) {
            if (system.has(e)) {
                system.base_log10_k[e] = system.log10_k(e);
            }
        }
    }

    if (const auto name = node.find("name")) {
        system.name = trimmed_string(*name, "system name");
    } else if (!from_base) {
        (void)node.at("name");  // throws "missing key 'name'" at this node
    } else if (node.has("log10-extractability") || node.has("beta") ||
               node.has("loading-per-extractant")) {
        // A modified built-in must not pass for the published set in results.
        system.name += " (modified)";
    }
    if (const auto v = node.find("description")) {
        system.description = v->as_string();
    }
    if (const auto v = node.find("conditions")) {
        system.conditions = v->as_string();
    }
    if (const auto v = node.find("loading-per-extractant")) {
        system.loading_per_extractant = v->as_double_in(0.0, 1.0, false, true);
        system.loading_source = "case file " + node.source_name() + ":" + std::to_string(v->line());
    }
    if (const auto v = node.find("loading-source")) {
        system.loading_source = trimmed_string(*v, "loading-source");
    }

    // Absolute anchor of the mass-action model (docs/chemistry-models.md): log10 Kex of an
    // element with log10 K = 0, so Kex_i = 10^(reference + log10 K_i); and the exchange
    // constant of the saponified (Na/NH4) form.
    const auto anchor = [&](const char* key, std::optional<Anchor>& out) {
        if (const auto v = node.find(key)) {
            Anchor a;
            if (v->is_map()) {
                v->check_keys({"value", "source", "residual", "design-estimate"});
                a.value = v->at("value").as_double_in(-30.0, 30.0);
                a.source = trimmed_string(v->at("source"), "source");
                if (const auto r = v->find("residual")) {
                    a.residual = r->as_double_in(0.0, 30.0);
                }
                if (const auto d = v->find("design-estimate")) {
                    a.design_estimate = d->as_bool();
                }
            } else {
                a.value = v->as_double_in(-30.0, 30.0);
                a.source = "case file " + node.source_name() + ":" + std::to_string(v->line());
            }
            out = a;
        }
    };
    anchor("log10-kex-reference", system.log10_kex_reference);
    anchor("log10-k-saponified", system.log10_k_saponified);

    std::map<int, int> line_set_by_log10_k;  // element -> line, to locate conflicts with beta
    if (const auto table = node.find("log10-extractability")) {
        if (!table->is_map() || table->size() == 0) {
            table->fail(
                "expected a mapping from element symbol to log10 extractability, "
                "e.g. {Pr: 0.0, Nd: 0.1614}");
        }
        for (const auto& [element_symbol, value] : table->entries()) {
            const int index = parse_element_symbol(value, element_symbol);
            system.extractability[index] = parse_extractability(value);
            line_set_by_log10_k[index] = value.line();
        }
    } else if (!from_base && !node.has("beta")) {
        (void)node.at("log10-extractability");  // throws "missing key" at this node
    }
    if (const auto table = node.find("beta")) {
        apply_separation_factors(*table, system, line_set_by_log10_k);
    }

    if (const auto v = node.find("sources")) {
        // Appended, not replaced: the kept values of a base still cite the base's sources.
        for (auto& s : parse_sources(*v)) {
            if (std::find(system.sources.begin(), system.sources.end(), s) ==
                system.sources.end()) {
                system.sources.push_back(std::move(s));
            }
        }
    }

    if (const auto v = node.find("fit")) {
        system.fit = parse_system_fit(*v);
    }

    system.origin =
        from_base ? system.origin + ", modified in " + node.source_name() : node.source_name();
    return system;
}

ExtractionSystem load_system_file(const std::string& path)
{
    const auto root = InputNode::load_file(path);
    ExtractionSystem system = parse_system(root);
    if (!root.has("base")) {
        system.origin = path;
    }
    return system;
}

}  // namespace reesx
