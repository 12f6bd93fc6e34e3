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
#include <limits>
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
    //! Total aqueous sulfate of the stage, mol/L (sulfate medium; set by the cascade from the
    //! streams, since sulfate stays in the aqueous): the bisulfate it holds is in the protons.
    double sulfate_mol_per_L = 0.0;
};

//! A stream entering the cascade, as far as the extra (non-RE) species of a model care.
struct StreamChemistry {
    bool organic = false;
    double acid_mol_per_L = 0.0;  //!< free HCl of an aqueous stream
    double re_mol_per_L = 0.0;    //!< RE carried (an RE-loaded organic feed)
    //! The cascade's fresh (made-up, saponified) organic rather than an RE-loaded organic feed.
    bool fresh_organic = false;
};

//! What a model with extra per-stage species says about one stage. With n components and m
//! extra unknowns, derivatives are taken with respect to the stage's (ln c (n), extra (m)).
struct StageChemistry {
    Eigen::VectorXd ln_org;    //!< n: equilibrium ln q (ln mol/L)
    Eigen::MatrixXd d_ln_org;  //!< n × (n + m)
    //! k conserved quantities (moved by the phases, balanced stage by stage by the cascade):
    //! content of each phase, mol/L (may be negative), and gradients k × (n + m).
    Eigen::VectorXd aqueous, organic;
    Eigen::MatrixXd d_aqueous, d_organic;
    //! m - k local equations of the stage (equilibria, site balances), well scaled (written
    //! as ln a - ln b), and their gradients (m - k) × (n + m).
    Eigen::VectorXd local;
    Eigen::MatrixXd d_local;
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

    // --- Extra per-stage species (acidity, free extractant, saponification cation) ---------
    // A model whose organic depends on more than the aqueous RE declares extra unknowns per
    // stage (natural logs of concentrations), k of which are set by conserved quantities that
    // the phases carry from stage to stage (balanced by the cascade like the elements) and
    // the rest by local equations of the stage. The cascade assembles them generically: a
    // model slots in without cascade code. Models without extras keep equilibrium() above.

    //! Names of the extra unknowns, e.g. "ln [H+] (aqueous)"; empty for none.
    virtual std::vector<std::string> extra_unknowns() const { return {}; }
    //! Names of the conserved quantities, e.g. "protons"; at most extra_unknowns().size().
    virtual std::vector<std::string> conserved_quantities() const { return {}; }
    //! The stage's organic, conserved contents and local equations (StageChemistry).
    //! (Eigen::Ref: the cascade passes segments of its unknowns without copies.)
    virtual void stage_chemistry(const StageConditions& /*stage*/,
                                 const Eigen::Ref<const Eigen::VectorXd>& /*ln_aq*/,
                                 const Eigen::Ref<const Eigen::VectorXd>& /*extra*/,
                                 StageChemistry& /*out*/) const
    {
    }
    //! ln D = ln q - ln c of every component at a stage from its extras alone, for a model
    //! whose distribution ratios do not depend on ln c (what the cascade's reduced Newton
    //! needs before it solves the element profiles); false where the model does not give
    //! them this way (the cascade then takes ln_org - ln_aq from stage_chemistry).
    virtual bool ln_distribution_ratios(const StageConditions& /*stage*/,
                                        const Eigen::Ref<const Eigen::VectorXd>& /*extra*/,
                                        Eigen::Ref<Eigen::VectorXd> /*ln_d*/) const
    {
        return false;
    }
    //! The conserved quantities carried by an entering stream, mol/L of that stream.
    virtual Eigen::VectorXd stream_content(const StreamChemistry& /*stream*/) const { return {}; }
    //! A starting value of the extras of a stage, from its aqueous ln c and a rough estimate
    //! of the aqueous content of each conserved quantity (mol/L); satisfies the local
    //! equations.
    virtual void start_extras(const StageConditions& /*stage*/, const Eigen::VectorXd& /*ln_aq*/,
                              const Eigen::VectorXd& /*aqueous_content*/,
                              Eigen::VectorXd& /*extra*/) const
    {
    }
    //! As start_extras, but matching a known organic ln q of the stage as closely as the model
    //! allows (the start from the separation-factor solution).
    virtual void start_extras_from_organic(const StageConditions& stage,
                                           const Eigen::VectorXd& ln_aq,
                                           const Eigen::VectorXd& /*ln_org*/,
                                           const Eigen::VectorXd& aqueous_content,
                                           Eigen::VectorXd& extra) const
    {
        start_extras(stage, ln_aq, aqueous_content, extra);
    }
    //! An extra species carried like an element (the saponification cation): its aqueous and
    //! organic ln concentrations are the extras `aqueous_slot` and `organic_slot`, its balance
    //! is conserved quantity `conserved`, and local equation `local_row` fixes its ratio
    //! ln D = extra[organic_slot] - extra[aqueous_slot] from the other extras alone
    //! (distributed_ln_d). The cascade may then solve its balances exactly, like an element's.
    struct DistributedSpecies {
        int conserved = 0;
        int aqueous_slot = 0;
        int organic_slot = 0;
        int local_row = 0;
    };
    virtual std::vector<DistributedSpecies> distributed_species() const { return {}; }
    virtual double distributed_ln_d(int /*species*/, const Eigen::VectorXd& /*extra*/) const
    {
        return 0.0;
    }
    //! Charge of the extra aqueous cations (H+, Na+), equivalents per litre: the cascade
    //! checks aqueous electroneutrality (sum z c + this = anion equivalents) with it.
    virtual double extra_aqueous_charge_eq_per_L(const Eigen::VectorXd& /*extra*/) const
    {
        return 0.0;
    }
    //! As above, in a stage: in sulfate the bisulfate's missing charge is added, so that the
    //! sum equals the anion equivalents fed (2 x total sulfate).
    virtual double stage_extra_charge_eq_per_L(const StageConditions& /*stage*/,
                                               const Eigen::VectorXd& extra) const
    {
        return extra_aqueous_charge_eq_per_L(extra);
    }
    //! Charge z of each component (3 for the rare earths), in components() order.
    std::vector<int> component_charges() const;
    //! Named per-stage values for the results (pH, free extractant, ...), in a fixed order.
    virtual std::vector<std::string> profile_names() const { return {}; }
    virtual std::vector<double> profile_values(const Eigen::VectorXd& /*ln_aq*/,
                                               const Eigen::VectorXd& /*extra*/) const
    {
        return {};
    }
    //! Aqueous free H+ (mol/L) of a stage from its extras; NaN when the model has none.
    virtual double aqueous_h_mol_per_L(const Eigen::VectorXd& /*extra*/) const
    {
        return std::numeric_limits<double>::quiet_NaN();
    }

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
