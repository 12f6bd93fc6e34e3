// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The plant `separate` designed as a plant file (docs/plants.md, "Plant files").
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "reesx/flowsheets/Separate.h"

namespace reesx {
namespace {

constexpr const char* removal_name = "impurity-removal";

//! Per cascade (1-based index), the outlet each impurity ion leaves it with: the cuts carry
//! no ions (separation-factor), so each ion follows the path of the product `separate` sends
//! it to (ImpurityFate::product; the first product when that is not known) up to the feed.
std::map<int, std::map<std::string, std::string>> ion_routes(const SeparateResult& result,
                                                             const ImpurityRemoval& removal)
{
    std::map<int, std::map<std::string, std::string>> routes;
    const auto cascade = [&](int index) -> const PlantCascade& {
        for (const auto& c : result.cascades) {
            if (c.index == index) {
                return c;
            }
        }
        return result.cascades.front();
    };
    for (const auto& f : removal.fates) {
        const auto& product = result.products[static_cast<std::size_t>(std::max(f.product, 0))];
        const std::string ion = species_symbol(f.species);
        routes[product.cascade][ion] = product.outlet;
        for (const PlantCascade* c = &cascade(product.cascade); c->feed_cascade != 0;
             c = &cascade(c->feed_cascade)) {
            routes[c->feed_cascade][ion] = c->feed_outlet;
        }
    }
    return routes;
}

//! The plant feed's ions as a feed's `impurities:` mapping (mol/L).
YAML::Node feed_impurities(const SeparateSpec& spec)
{
    YAML::Node node(YAML::NodeType::Map);
    node.SetStyle(YAML::EmitterStyle::Flow);
    for (int k = 0; k < num_impurities; ++k) {
        const double c = spec.impurities->feed_mol_per_L[static_cast<std::size_t>(k)];
        if (c > 0.0) {
            char text[48];
            std::snprintf(text, sizeof text, "%.17g mol/L", c);
            node[species_symbol(num_elements + k)] = std::string(text);
        }
    }
    return node;
}

}  // namespace

std::string plant_file_yaml(const SeparateSpec& spec, const SeparateResult& result)
{
    return plant_file_yaml(spec, result,
                           result.impurity_removal ? &*result.impurity_removal : nullptr);
}

std::string plant_file_yaml(const SeparateSpec& spec, const SeparateResult& result,
                            const ImpurityRemoval* removal)
{
    // With impurity ions: the removal step (when built) is the first cascade and feeds the
    // first cut; the cuts route the ions (ion-outlets) as `separate` follows them.
    const bool ions = removal != nullptr && !removal->fates.empty();
    const bool step = ions && removal->built;
    const auto routes =
        ions ? ion_routes(result, *removal) : std::map<int, std::map<std::string, std::string>>{};
    const auto cascade_name = [](int index) { return std::string("c") += std::to_string(index); };
    YAML::Emitter out;
    out.SetDoublePrecision(15);
    out << YAML::Comment(
        "Written by reesx separate: `reesx run` on this file simulates the "
        "whole plant (docs/plants.md)");
    out << YAML::BeginMap;
    out << YAML::Key << "schema" << YAML::Value << 1;
    out << YAML::Key << "name" << YAML::Value
        << std::string(spec.linked ? "Linked full" : "Full") + " separation of " + spec.feed.name +
               " with " + spec.system.name;
    out << YAML::Key << "cascades" << YAML::Value << YAML::BeginSeq;
    if (step) {
        const YAML::Node case_node = YAML::Load(removal->case_yaml);
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << removal_name;
        out << YAML::Key << "description" << YAML::Value
            << "impurity removal ahead of the cuts (its raffinate is the rare-earth stream)";
        for (const auto& entry : case_node) {
            const std::string key = entry.first.as<std::string>();
            if (key != "schema" && key != "name") {
                out << YAML::Key << key << YAML::Value << entry.second;
            }
        }
        out << YAML::EndMap;
    }
    for (const auto& c : result.cascades) {
        // Each cascade's own case (what `reesx design` wrote); a cascade fed by another takes
        // its feed from the stream instead.
        const YAML::Node case_node = YAML::Load(c.design.case_yaml);
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << cascade_name(c.index);
        out << YAML::Key << "description" << YAML::Value << c.split + " split";
        for (const auto& entry : case_node) {
            const std::string key = entry.first.as<std::string>();
            const bool fed = c.feed_cascade != 0 || step;  // by a stream
            if (key == "schema" || key == "name" || (key == "feed" && fed)) {
                continue;
            }
            if (key == "feed" && ions) {  // the plant feed's ions enter with it
                YAML::Node feed = YAML::Clone(entry.second);
                feed["impurities"] = feed_impurities(spec);
                out << YAML::Key << key << YAML::Value << feed;
                continue;
            }
            out << YAML::Key << key << YAML::Value << entry.second;
        }
        if (const auto it = routes.find(c.index); it != routes.end()) {
            out << YAML::Key << "ion-outlets" << YAML::Value << YAML::Flow << YAML::BeginMap;
            for (const auto& [ion, outlet] : it->second) {
                out << YAML::Key << ion << YAML::Value << outlet;
            }
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "streams" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : result.cascades) {
        if (c.feed_from == "plant feed") {
            if (step) {
                out << YAML::Flow << YAML::BeginMap;
                out << YAML::Key << "from" << YAML::Value
                    << std::string(removal_name) + ".raffinate";
                out << YAML::Key << "to" << YAML::Value << cascade_name(c.index) + ".feed";
                out << YAML::EndMap;
            }
            continue;
        }
        const bool organic = c.design.targets.feed_phase == theory::FeedPhase::organic;
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "from" << YAML::Value
            << cascade_name(c.feed_cascade) + "." + c.feed_outlet;
        out << YAML::Key << "to" << YAML::Value
            << cascade_name(c.index) + (organic ? ".organic-feed" : ".feed");
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "products" << YAML::Value << YAML::BeginSeq;
    if (step) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << "impurity liquor";
        out << YAML::Key << "from" << YAML::Value << std::string(removal_name) + ".strip_liquor";
        out << YAML::EndMap;
    }
    for (const auto& p : result.products) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << p.name;
        out << YAML::Key << "from" << YAML::Value << cascade_name(p.cascade) + "." + p.outlet;
        out << YAML::Key << "elements" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const int e : p.elements) {
            out << species_symbol(e);
        }
        out << YAML::EndSeq;
        out << YAML::Key << "purity" << YAML::Value << spec.purity;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace reesx
