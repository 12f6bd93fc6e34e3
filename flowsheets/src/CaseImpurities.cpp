// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The parts of a case file about real leach liquors: a feed's `impurities:` (concentrations
// of non-rare-earth ions, by mass or amount through the unit parser), the `medium:`
// (chloride or sulfate) and the checks that tie them to the model.
#include "CaseImpurities.h"

#include <stdexcept>

namespace reesx {

void parse_feed_impurities(const InputNode& feed_node, FeedSpec& feed)
{
    const auto node = feed_node.find("impurities");
    if (!node) {
        return;
    }
    if (feed.phase == Phase::organic) {
        node->fail(
            "impurities are given for aqueous feeds (leach liquors); an organic feed "
            "carries rare earths only");
    }
    if (!node->is_map()) {
        node->fail(
            "expected a mapping of impurity ion to concentration, e.g. impurities: "
            "{Fe3+: 50 mg/L, Al3+: 1.2 g/L, Ca2+: 0.01 mol/L}");
    }
    for (const auto& [symbol, value] : node->entries()) {
        std::string hint;
        const auto species = species_index(symbol, &hint);
        if (!species) {
            value.fail("unknown species '" + symbol + "'; " + hint);
        }
        if (is_rare_earth(*species)) {
            value.fail(symbol +
                       " is a rare earth: give it in the feed's composition, not under "
                       "impurities");
        }
        const auto k = static_cast<std::size_t>(*species - num_elements);
        if (feed.impurity_mol_per_L[k] > 0.0) {
            value.fail(symbol + " is given twice (as " + species_symbol(*species) + ")");
        }
        double c = 0.0;
        try {
            c = parse_species_concentration_mol_per_L(value.as_string(),
                                                      species_g_per_mol(*species));
        } catch (const std::invalid_argument& e) {
            value.fail(std::string(e.what()) + " (concentration of " + species_symbol(*species) +
                       ")");
        }
        if (!(c >= 0.0 && c <= 10.0)) {
            value.fail("a concentration of " + std::to_string(c) + " mol/L of " +
                       species_symbol(*species) +
                       " is outside [0, 10] mol/L; check the value and its unit");
        }
        feed.impurity_mol_per_L[k] = c;
    }
}

void check_impurity_case(const InputNode& root, CaseSpec& spec)
{
    check_impurity_overrides(root);
    spec.medium = parse_medium(root);
    const bool acidity = spec.model_name == "mass-action" || spec.model_name == "ph-correlation";
    if (spec.medium.sulfate && !acidity) {
        root.at("medium").fail(
            "a sulfate medium changes the proton balance, which only the "
            "mass-action and ph-correlation models carry; use one of them "
            "(model: mass-action)");
    }
    bool impurities = false;
    for (const auto& f : spec.feeds) {
        for (double c : f.impurity_mol_per_L) {
            impurities = impurities || c > 0.0;
        }
    }
    // A plant cascade with `ion-outlets` passes its ions unsimulated (Plant.h).
    if (impurities && !acidity && !root.has("ion-outlets")) {
        (root.has("model") ? root.at("model") : root)
            .fail(
                "the feed carries impurity ions, whose extraction depends on acidity: use "
                "model: mass-action or ph-correlation (the " +
                spec.model_name + " model has no acidity)");
    }
    if (impurities && spec.medium.sulfate && spec.organic.saponification &&
        *spec.organic.saponification > 0.0) {
        spec.warnings.push_back(
            "a saponified organic in a sulfate medium: Na/NH4 forms rare-earth double sulfates "
            "that precipitate (chemistry.md: sulfate medium), which the model does not "
            "describe");
    }
}

std::vector<int> rare_earth_components(const std::vector<int>& components)
{
    std::vector<int> out;
    for (int c : components) {
        if (is_rare_earth(c)) {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace reesx
