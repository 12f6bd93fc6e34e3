// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `separate` case file: system, feed, feed rate, purity, lumping, objective weights and
// impurity limits, checked against the system before any cascade is designed.
#include <string>
#include <vector>

#include "PlantDetail.h"
#include "SeparateRemovalCuts.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx {

SeparateSpec parse_separate(const InputNode& root)
{
    root.check_keys({"schema", "system", "feed", "feed-rate", "purity", "lump-below", "threshold",
                     "objective", "strip-stages", "linked", "impurities", "impurity-limit"});
    SeparateSpec spec;
    spec.root = root;
    parse_system_and_feed(root, spec.system, spec.system_reference, spec.feed);
    if (spec.feed.concentration_mol_per_L) {
        spec.feed_concentration_mol_per_L = *spec.feed.concentration_mol_per_L;
    }
    spec.feed_re_mol_per_h =
        root.has("feed-rate")
            ? parse_feed_rate(root.at("feed-rate"), spec.feed, spec.feed_concentration_mol_per_L)
            : 1000.0 * spec.feed_concentration_mol_per_L;
    if (const auto v = root.find("purity")) {
        spec.purity = v->as_double_in(0.0, 1.0, false, false);
    }
    if (root.has("lump-below") && root.has("threshold")) {
        root.at("threshold").fail("give lump-below or its old name threshold, not both");
    }
    // `threshold` is the old name of lump-below, kept for existing files.
    if (const auto v = root.has("threshold") ? root.find("threshold") : root.find("lump-below")) {
        spec.lump_below = v->as_double_in(0.0, 0.5);
    }
    if (const auto objective = root.find("objective")) {
        objective->check_keys({"stage-weight", "reagent-weight"});
        if (const auto v = objective->find("stage-weight")) {
            spec.stage_weight = v->as_double_in(0.0, 1e6);
        }
        if (const auto v = objective->find("reagent-weight")) {
            spec.reagent_weight = v->as_double_in(0.0, 1e6);
        }
    }
    if (const auto v = root.find("strip-stages")) {
        spec.strip_stages = static_cast<int>(v->as_integer_in(1, 50));
    }
    if (const auto v = root.find("linked")) {
        spec.linked = v->as_bool();
    }
    std::vector<int> feed_elements;
    for (int e = 0; e < num_elements; ++e) {
        if (spec.feed.mole_fraction[e] > 0.0 && !spec.system.has(e)) {
            root.at("feed").fail("the feed contains " + species_symbol(e) + " but system '" +
                                 spec.system.name + "' has no value for it");
        }
        if (spec.feed.mole_fraction[e] > 0.0) {
            feed_elements.push_back(e);
        }
    }
    spec.warnings = extraction_order_reversals(spec.system, feed_elements);
    spec.impurities = parse_separate_impurities(root);
    return spec;
}

}  // namespace reesx
