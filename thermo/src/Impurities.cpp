// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity extraction data (thermo/data/impurities/impurity-extraction.yaml, every value with
// its source and range) and the aqueous medium.
//
// Bisulfate: HSO4- = H+ + SO4^2-, pKa2 = 1.99 at 25 °C and infinite dilution (Dickson,
// Wesolowski, Palmer, Mesmer, J. Phys. Chem. 94 (1990) 7978: log K = -1.98 +- 0.01 at 25 °C;
// CRC Handbook of Chemistry and Physics: pKa2 1.99). Concentrations, not activities: at an
// ionic strength I the conditional constant follows the Davies equation,
//   log10 Ka(I) = log10 Ka(0) + A (sum z^2) (sqrt I / (1 + sqrt I) - 0.3 I),
// with A = 0.509 (water, 25 °C) and sum z^2 = 1 + 4 - 1 = 4 (H+ and SO4^2- formed, HSO4-
// consumed), i.e. pKa2 = 1.58 at I = 1 mol/L. The case states I; reesx does not compute it
// per stage (a design simplification; the Davies equation itself is good to I ~ 0.5).
#include "reesx/thermo/Impurities.h"

#include <cmath>
#include <span>

#include "reesx/core/Embedded.h"

namespace reesx::data {
std::span<const reesx::EmbeddedFile> builtin_impurity_files();
}

namespace reesx {
namespace {

constexpr double davies_a = 0.509;  // water at 25 °C (Davies 1962, Ion Association)

const InputNode& builtin_data()
{
    static const InputNode node = [] {
        for (const auto& file : data::builtin_impurity_files()) {
            if (file.name == "impurity-extraction.yaml") {
                return InputNode::load_string(std::string(file.text),
                                              "built-in impurity-extraction.yaml");
            }
        }
        throw std::logic_error("impurity-extraction.yaml is not embedded");
    }();
    return node;
}

std::optional<InputNode> case_override(const InputNode& case_root, int species)
{
    const auto node = case_root.find("impurity-ph-half");
    if (!node) {
        return std::nullopt;
    }
    for (const auto& [key, value] : node->entries()) {
        if (species_index(key) == species) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace

double ImpurityExtraction::log10_kex() const
{
    return -charge * (ph_half + std::log10(extractant_mol_per_L / 2.0));
}

std::vector<std::string> impurity_data_systems()
{
    std::vector<std::string> names;
    for (const auto& [key, value] : builtin_data().entries()) {
        names.push_back(key);
    }
    return names;
}

void check_impurity_overrides(const InputNode& case_root)
{
    const auto node = case_root.find("impurity-ph-half");
    if (!node) {
        return;
    }
    if (!node->is_map()) {
        node->fail(
            "expected a mapping of impurity ion to its pH half-value, e.g. "
            "impurity-ph-half: {Fe3+: 1.2}");
    }
    for (const auto& [key, value] : node->entries()) {
        std::string hint;
        const auto species = species_index(key, &hint);
        if (!species) {
            value.fail("unknown species '" + key + "'; " + hint);
        }
        if (is_rare_earth(*species)) {
            value.fail(key +
                       " is a rare earth: its extraction is the system's log10-extractability "
                       "(and mass-action.log10-kex-reference), not a pH half-value");
        }
        if (value.is_map()) {
            value.check_keys({"ph-half", "extractant", "source"});
            value.at("ph-half").as_double_in(-5.0, 14.0);
            if (auto c = value.find("extractant")) {
                c->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
            }
        } else {
            value.as_double_in(-5.0, 14.0);
        }
    }
}

std::optional<ImpurityExtraction> builtin_impurity_extraction(const std::string& system_name,
                                                              int species)
{
    const auto data = builtin_data().find(system_name);
    if (!data || is_rare_earth(species)) {
        return std::nullopt;
    }
    const std::string symbol = species_symbol(species);
    for (const auto& [key, value] : data->at("ph-half").entries()) {
        if (key != symbol) {
            continue;
        }
        ImpurityExtraction x;
        x.species = species;
        x.charge = species_charge(species);
        x.extractant_mol_per_L = data->at("extractant").as_double();
        x.ph_half = value.at("value").as_double();
        const auto range = value.at("range");
        x.ph_half_low = range.at(std::size_t{0}).as_double();
        x.ph_half_high = range.at(std::size_t{1}).as_double();
        x.source = value.at("source").as_string();
        x.design_estimate = value.has("design-estimate") && value.at("design-estimate").as_bool();
        return x;
    }
    return std::nullopt;
}

ImpurityExtraction impurity_extraction(const ExtractionSystem& system, const InputNode& case_root,
                                       int species)
{
    ImpurityExtraction x;
    x.species = species;
    x.charge = species_charge(species);
    const std::string symbol = species_symbol(species);
    if (auto value = case_override(case_root, species)) {
        if (value->is_map()) {
            x.ph_half = value->at("ph-half").as_double_in(-5.0, 14.0);
            if (auto c = value->find("extractant")) {
                x.extractant_mol_per_L =
                    c->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
            }
            x.source = value->has("source") ? value->at("source").as_string()
                                            : "case file " + value->path();
        } else {
            x.ph_half = value->as_double_in(-5.0, 14.0);
            x.source = "case file " + value->path();
        }
        x.ph_half_low = x.ph_half_high = x.ph_half;
        return x;
    }
    for (const std::string& name : {system.name, system.base_name}) {
        if (name.empty()) {
            continue;
        }
        if (auto builtin = builtin_impurity_extraction(name, species)) {
            return *builtin;
        }
    }
    std::string have;
    for (const auto& n : impurity_data_systems()) {
        have += (have.empty() ? "" : ", ") + n;
    }
    case_root.at("system").fail("the system '" + system.name + "' has no extraction data for " +
                                symbol + ", which is in the feed (built-in impurity data: " + have +
                                "); give it as impurity-ph-half: {" + symbol +
                                ": {ph-half: VALUE, extractant: 0.6 mol/L}} in the case");
}

Medium parse_medium(const InputNode& case_root)
{
    Medium m;
    const auto node = case_root.find("medium");
    if (node) {
        // (No assignment between InputNodes: yaml-cpp nodes share storage, assigning one
        // overwrites what it refers to.)
        if (node->is_map()) {
            node->check_keys({"name", "pka-bisulfate", "ionic-strength"});
            if (auto p = node->find("pka-bisulfate")) {
                m.pka_bisulfate = p->as_double_in(-2.0, 5.0);
            }
            if (auto i = node->find("ionic-strength")) {
                m.ionic_strength_mol_per_L =
                    i->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 3.0);
            }
        }
        const InputNode name = node->is_map() ? node->at("name") : *node;
        const std::string text = name.as_string();
        if (text == "sulfate" || text == "sulphate") {
            m.sulfate = true;
        } else if (text != "chloride") {
            name.fail("unknown medium '" + text +
                      "'; expected chloride (HCl, the default) or "
                      "sulfate (H2SO4)");
        }
        if (!m.sulfate && node->is_map() &&
            (node->has("pka-bisulfate") || node->has("ionic-strength"))) {
            node->fail("pka-bisulfate and ionic-strength apply to the sulfate medium only");
        }
    }
    const double root_i = std::sqrt(m.ionic_strength_mol_per_L);
    const double log10_ka =
        -m.pka_bisulfate +
        davies_a * 4.0 * (root_i / (1.0 + root_i) - 0.3 * m.ionic_strength_mol_per_L);
    m.ka_bisulfate_mol_per_L = std::pow(10.0, log10_ka);
    return m;
}

double bisulfate_mol_per_L(double h, double sulfate, double ka)
{
    return sulfate * h / (h + ka);
}

double d_bisulfate_d_ln_h(double h, double sulfate, double ka)
{
    const double d = h + ka;
    return sulfate * h * ka / (d * d);
}

}  // namespace reesx
