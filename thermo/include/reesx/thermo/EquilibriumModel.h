// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Equilibrium models: given the aqueous composition of a stage, the equilibrium organic
// composition. The cascade code only talks to this interface, so models slot in by name
// (factory below) without touching it.
//
// Everything is in natural-log concentrations: across 17 elements extractabilities span
// 10^5 and more, and trace elements fall far below 1e-300 mol/L in long cascades, where
// linear concentrations underflow. ln c has no such floor.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/thermo/ExtractionSystem.h"

namespace reesx {

//! Section of a cascade a stage belongs to.
enum class Section { extraction, scrub, strip };

//! What the cascade knows about a stage before solving it.
struct StageConditions {
    Section section = Section::extraction;
    //! Total RE concentration of the organic leaving the stage, mol/L, when the model fixes it
    //! (saturated-organic models); otherwise unused.
    double organic_re_mol_per_L = 0.0;
};

class EquilibriumModel {
public:
    virtual ~EquilibriumModel() = default;
    //! The name used in case files, e.g. "separation-factor".
    virtual std::string name() const = 0;
    //! Elements this model was set up for, as indices into elements(); the cascade's
    //! unknowns per stage follow this order.
    const std::vector<int>& components() const { return components_; }
    //! True when the organic RE concentration of each stage is fixed by the flows
    //! (StageConditions::organic_re_mol_per_L), as in the countercurrent-extraction theory.
    virtual bool saturated_organic() const = 0;
    //! True when a strip section strips everything (no equilibrium solved there).
    virtual bool strips_completely() const = 0;
    //! Equilibrium organic ln concentrations (ln mol/L) for the stage's aqueous ln
    //! concentrations, and the Jacobian d ln_org / d ln_aq (n×n).
    virtual void equilibrium(const StageConditions& stage, const Eigen::VectorXd& ln_aq,
                             Eigen::VectorXd& ln_org, Eigen::MatrixXd& jacobian) const = 0;
    //! For models whose organic follows q_i = D_j K_i c_i with one unknown scale D_j per
    //! stage (the separation-factor model: D_j = Y_j / sum_k K_k c_k), the ln K_i; empty
    //! otherwise. The cascade then eliminates the c_i exactly and iterates on ln D_j only.
    virtual Eigen::VectorXd ln_relative_extractability() const { return {}; }

protected:
    explicit EquilibriumModel(std::vector<int> components) : components_(std::move(components)) {}
    std::vector<int> components_;
};

//! Names of the models the factory knows.
std::vector<std::string> equilibrium_model_names();

//! Creates a model by name. `components` are the element indices present; `system` gives
//! the extractabilities; `case_root` is the whole case file for model-specific keys (for
//! constant-distribution: `distribution`). Unknown name: InputError at `name_node` listing
//! the valid names.
std::unique_ptr<EquilibriumModel> make_equilibrium_model(const InputNode& name_node,
                                                         const std::vector<int>& components,
                                                         const ExtractionSystem& system,
                                                         const InputNode& case_root);

}  // namespace reesx
