// reesx — rare-earth solvent-extraction simulator. See LICENSE.
// Factories of the acidity-dependent models (ChemistryModels.cpp), used by the model factory.
#pragma once

#include <memory>
#include <vector>

#include "reesx/thermo/EquilibriumModel.h"

namespace reesx {

std::unique_ptr<EquilibriumModel> make_mass_action_model(const std::vector<int>& components,
                                                         const ExtractionSystem& system,
                                                         const InputNode& case_root);
std::unique_ptr<EquilibriumModel> make_ph_correlation_model(const std::vector<int>& components,
                                                            const ExtractionSystem& system,
                                                            const InputNode& case_root);

}  // namespace reesx
