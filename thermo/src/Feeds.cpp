// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/thermo/Feeds.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "reesx/core/Embedded.h"
#include "reesx/core/Error.h"
#include "reesx/core/Units.h"

namespace reesx::data {
std::span<const reesx::EmbeddedFile> builtin_feed_files();
}

namespace reesx {
namespace {

std::vector<std::string_view> element_symbols()
{
    std::vector<std::string_view> symbols;
    for (const auto& e : elements()) {
        symbols.push_back(e.symbol);
    }
    return symbols;
}

std::string stem_of(std::string_view file_name)
{
    return std::filesystem::path(file_name).stem().string();
}

const std::map<std::string, FeedComposition>& builtin_feed_map()
{
    static const std::map<std::string, FeedComposition> feeds = [] {
        std::map<std::string, FeedComposition> out;
        for (const auto& file : data::builtin_feed_files()) {
            const auto root = InputNode::load_string(std::string(file.text),
                                                     "thermo/data/feeds/" + std::string(file.name));
            FeedComposition feed = parse_feed(root);
            const std::string stem = stem_of(file.name);
            if (feed.name != stem) {
                throw Error("built-in feed file " + std::string(file.name) + " is named '" +
                            feed.name + "'; the name must equal the file name '" + stem + "'");
            }
            if (feed.source.empty()) {
                throw Error("built-in feed file " + std::string(file.name) + " has no source");
            }
            feed.origin = "built-in";
            out.emplace(stem, std::move(feed));
        }
        return out;
    }();
    return feeds;
}

}  // namespace

std::array<double, num_elements> parse_composition(const InputNode& holder)
{
    const bool by_mole = holder.has("composition");
    const bool by_oxide = holder.has("oxide-mass-fractions");
    if (by_mole == by_oxide) {
        holder.fail(by_mole ? "give either 'composition' or 'oxide-mass-fractions', not both"
                            : "missing the feed composition: give 'composition' (RE mole "
                              "fractions, e.g. {Pr: 0.25, Nd: 0.75}) or 'oxide-mass-fractions'");
    }
    const InputNode node = holder.at(by_mole ? "composition" : "oxide-mass-fractions");
    if (!node.is_map()) {
        node.fail("expected a mapping such as {Pr: 0.25, Nd: 0.75}");
    }
    std::array<double, num_elements> moles{};
    std::array<bool, num_elements> seen{};
    double sum = 0.0;
    for (const auto& [key, value] : node.entries()) {
        std::optional<int> element = by_mole ? element_index(key) : element_index_from_oxide(key);
        if (!element) {
            std::vector<std::string_view> candidates = element_symbols();
            if (!by_mole) {
                candidates.clear();
                for (const auto& e : elements()) {
                    candidates.push_back(e.oxide);
                }
            }
            const std::string hint = closest_match(key, candidates);
            value.fail(std::string(by_mole ? "unknown element '" : "unknown oxide '") + key + "'" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                       (by_mole ? " Elements: Sc Y La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu"
                                : " Use the oxide sold for each element (La2O3, CeO2, Pr6O11, "
                                  "Nd2O3, Tb4O7, the others RE2O3)"));
        }
        if (seen[*element]) {
            value.fail("element " + std::string(elements()[*element].symbol) + " given twice");
        }
        seen[*element] = true;
        const double fraction = value.as_quantity_in(Quantity::fraction, "1", 0.0, 1.0);
        sum += fraction;
        moles[*element] =
            by_mole ? fraction : fraction / elements()[*element].oxide_mass_per_mol_element_g();
    }
    if (sum <= 0.0) {
        node.fail("the feed is empty: every fraction is zero");
    }
    // Fractions must add up; a sum off by more than rounding is an error, not a guess.
    if (std::abs(sum - 1.0) > 1e-3) {
        node.fail("the fractions add up to " + std::to_string(sum) +
                  ", not 1; give fractions of the total rare earths that sum to 1");
    }
    const double total = std::accumulate(moles.begin(), moles.end(), 0.0);
    for (double& m : moles) {
        m /= total;
    }
    return moles;
}

std::array<double, num_elements> FeedComposition::oxide_mass_fraction() const
{
    std::array<double, num_elements> mass{};
    double total = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        mass[e] = mole_fraction[e] * elements()[e].oxide_mass_per_mol_element_g();
        total += mass[e];
    }
    for (double& m : mass) {
        m /= total;
    }
    return mass;
}

double FeedComposition::kg_reo_per_mol() const
{
    double grams = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        grams += mole_fraction[e] * elements()[e].oxide_mass_per_mol_element_g();
    }
    return grams / 1000.0;
}

FeedComposition parse_feed(const InputNode& node)
{
    node.check_keys({"name", "description", "composition", "oxide-mass-fractions", "concentration",
                     "source", "notes"});
    FeedComposition feed;
    feed.name = node.has("name") ? node.at("name").as_string() : "";
    feed.description = node.has("description") ? node.at("description").as_string() : "";
    feed.source = node.has("source") ? node.at("source").as_string() : "";
    feed.notes = node.has("notes") ? node.at("notes").as_string() : "";
    feed.mole_fraction = parse_composition(node);
    if (node.has("concentration")) {
        feed.concentration_mol_per_L =
            node.at("concentration")
                .as_quantity_in(Quantity::concentration, "mol/L", 0.0, 20.0, false);
    }
    feed.origin = node.source_name();
    return feed;
}

std::optional<double> parse_feed_rate_mol_per_h(const InputNode& node, const FeedComposition& feed)
{
    FeedRate rate;
    try {
        rate = parse_feed_rate(node.as_string());
    } catch (const std::invalid_argument& e) {
        node.fail(e.what());
    }
    if (rate.basis == FeedRate::Basis::solution_L_per_h) {
        return std::nullopt;
    }
    const double mol_per_h = rate.basis == FeedRate::Basis::re_mol_per_h
                                 ? rate.value
                                 : rate.value / feed.kg_reo_per_mol();
    if (!(mol_per_h > 0.0) || !std::isfinite(mol_per_h)) {
        node.fail("the feed rate must be positive, found \"" + node.text() + "\"");
    }
    return mol_per_h;
}

bool is_feed_text(const std::string& text)
{
    return text.find(':') != std::string::npos;
}

FeedComposition parse_feed_text(const InputNode& node)
{
    const std::string text = node.as_string();
    // Rewritten as a YAML mapping so that the composition is checked as in a feed file; its
    // errors are reported at `node` with the part of the text they concern.
    std::string yaml = "composition:\n";
    std::size_t begin = 0;
    while (begin <= text.size()) {
        std::size_t end = text.find(',', begin);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string part = text.substr(begin, end - begin);
        const std::size_t colon = part.find(':');
        const auto strip = [](std::string s) {
            s.erase(0, s.find_first_not_of(" \t"));
            s.erase(s.find_last_not_of(" \t") + 1);
            return s;
        };
        const std::string element = colon == std::string::npos ? "" : strip(part.substr(0, colon));
        const std::string value = colon == std::string::npos ? "" : strip(part.substr(colon + 1));
        if (element.empty() || value.empty()) {
            node.fail(
                "expected ELEMENT:FRACTION pairs separated by commas, such as "
                "\"Pr:0.25,Nd:0.75\", found \"" +
                strip(part) + "\" in \"" + text + "\"");
        }
        if (yaml.find("\n  \"" + element + "\":") != std::string::npos) {
            node.fail("element " + element + " given twice in \"" + text + "\"");
        }
        std::string quoted;
        for (const char c : value) {
            quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        }
        yaml += "  \"" + element + "\": \"" + quoted + "\"\n";
        begin = end + 1;
    }
    FeedComposition feed;
    try {
        feed.mole_fraction = parse_composition(InputNode::load_string(yaml, node.source_name()));
    } catch (const InputError& e) {
        node.fail("in \"" + text + "\": " + (e.detail().empty() ? e.what() : e.detail()));
    }
    feed.name = text;
    feed.origin = node.source_name();
    return feed;
}

std::vector<std::string> builtin_feed_names()
{
    std::vector<std::string> names;
    for (const auto& [name, feed] : builtin_feed_map()) {
        names.push_back(name);
    }
    return names;
}

std::vector<FeedComposition> builtin_feeds()
{
    std::vector<FeedComposition> feeds;
    for (const auto& [name, feed] : builtin_feed_map()) {
        feeds.push_back(feed);
    }
    return feeds;
}

FeedComposition load_feed(const std::string& name_or_path)
{
    const auto& feeds = builtin_feed_map();
    if (const auto it = feeds.find(name_or_path); it != feeds.end()) {
        return it->second;
    }
    if (std::filesystem::is_regular_file(name_or_path)) {
        FeedComposition feed = parse_feed(InputNode::load_file(name_or_path));
        if (feed.name.empty()) {
            feed.name = stem_of(name_or_path);
        }
        return feed;
    }
    const std::vector<std::string> names = builtin_feed_names();
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    std::string message = "'" + name_or_path + "' is neither a built-in feed nor a file";
    if (const auto guess = closest_match(name_or_path, candidates); !guess.empty()) {
        message += "; did you mean '" + guess + "'?";
    } else {
        message += ".";
    }
    message += " Built-in feeds:";
    for (const auto& n : names) {
        message += " " + n;
    }
    message += " (reesx feeds lists them with sources).";
    throw InputError(message);
}

}  // namespace reesx
