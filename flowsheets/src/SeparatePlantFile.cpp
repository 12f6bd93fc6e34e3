// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The plant `separate` designed as a plant file (docs/plants.md, "Plant files").
#include <yaml-cpp/yaml.h>

#include "reesx/flowsheets/Separate.h"

namespace reesx {
namespace {

std::string symbol(int element)
{
    return std::string(elements()[element].symbol);
}

}  // namespace

std::string plant_file_yaml(const SeparateSpec& spec, const SeparateResult& result)
{
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
    for (const auto& c : result.cascades) {
        // Each cascade's own case (what `reesx design` wrote); a cascade fed by another takes
        // its feed from the stream instead.
        const YAML::Node case_node = YAML::Load(c.design.case_yaml);
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << cascade_name(c.index);
        out << YAML::Key << "description" << YAML::Value << c.split + " split";
        for (const auto& entry : case_node) {
            const std::string key = entry.first.as<std::string>();
            if (key == "schema" || key == "name" || (key == "feed" && c.feed_cascade != 0)) {
                continue;
            }
            out << YAML::Key << key << YAML::Value << entry.second;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "streams" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : result.cascades) {
        if (c.feed_from == "plant feed") {
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
    for (const auto& p : result.products) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << p.name;
        out << YAML::Key << "from" << YAML::Value << cascade_name(p.cascade) + "." + p.outlet;
        out << YAML::Key << "elements" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const int e : p.elements) {
            out << symbol(e);
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
