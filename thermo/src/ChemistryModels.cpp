// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The organic inputs that the acidity-dependent models (MassActionModel.cpp,
// PhCorrelationModel.cpp) read from a case, and the check of its organic feeds.
#include <string>
#include <vector>

#include "ChemistryModels.h"

namespace reesx::chemistry_detail {

OrganicInputs read_organic(const InputNode& case_root)
{
    OrganicInputs in;
    const InputNode organic = case_root.at("organic");
    if (auto n = organic.find("extractant-concentration")) {
        in.extractant_mol_per_L =
            n->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
    }
    if (auto n = organic.find("saponification")) {
        in.saponification = n->as_quantity_in(Quantity::fraction, "1", 0.0, 1.0, true, false);
    }
    return in;
}

void check_organic_feeds(const InputNode& case_root, double ceiling, const std::string& why)
{
    std::vector<InputNode> feeds;
    if (auto f = case_root.find("feed")) {
        feeds.push_back(*f);
    } else if (auto list = case_root.find("feeds")) {
        feeds = list->elements();
    }
    for (const auto& feed : feeds) {
        const auto phase = feed.find("phase");
        if (!phase || phase->as_string() != "organic") {
            continue;
        }
        const auto node = feed.at("concentration");
        const double c = node.as_quantity(Quantity::concentration, "mol/L");
        if (c > ceiling) {
            node.fail("an organic feed with " + std::to_string(c) +
                      " mol/L of RE is above the stoichiometric ceiling of " +
                      std::to_string(ceiling) + " mol/L (" + why +
                      "); lower the concentration or raise organic.extractant-concentration");
        }
    }
}

}  // namespace reesx::chemistry_detail
