// reesx — rare-earth solvent-extraction simulator. See LICENSE.
// The acidity-dependent models (docs/chemistry-models.md): their factories, used by the model
// factory (EquilibriumModels.cpp), and the organic inputs both read (ChemistryModels.cpp).
// mass-action in MassActionModel.cpp, ph-correlation in PhCorrelationModel.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reesx/thermo/EquilibriumModel.h"

namespace reesx {

std::unique_ptr<EquilibriumModel> make_mass_action_model(const std::vector<int>& components,
                                                         const ExtractionSystem& system,
                                                         const InputNode& case_root);
std::unique_ptr<EquilibriumModel> make_ph_correlation_model(const std::vector<int>& components,
                                                            const ExtractionSystem& system,
                                                            const InputNode& case_root);

namespace chemistry_detail {

constexpr double ln10 = 2.302585092994046;

//! Organic extractant and saponification of a case (organic.extractant-concentration and
//! organic.saponification), read again here so that the model owns its inputs.
struct OrganicInputs {
    std::optional<double> extractant_mol_per_L;
    double saponification = 0.0;
};

OrganicInputs read_organic(const InputNode& case_root);

//! Organic feeds of a case must stay below a loading ceiling (mol/L).
void check_organic_feeds(const InputNode& case_root, double ceiling, const std::string& why);

}  // namespace chemistry_detail
}  // namespace reesx
