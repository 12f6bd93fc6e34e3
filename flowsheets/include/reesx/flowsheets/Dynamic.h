// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Dynamics of a mixer-settler cascade (`reesx dynamic`), a semi-explicit index-1 DAE solved
// with SUNDIALS IDA (solver/Ida.h). Each stage is a well-mixed mixer, where the phases are at
// equilibrium (the case's model) or reach a Murphree efficiency, and a settler: per phase,
// `settler_cells` well-mixed cells in series without mass transfer. States per stage and
// element: the mixer holdup (mol, differential), the mixer's aqueous concentration (algebraic:
// the holdup splits between the phases), with Murphree efficiencies the mixer's organic
// concentration (algebraic), the settler cells' concentrations (differential) and the
// cumulative amount that has left the cascade from this stage (differential, for the
// conservation check). Stage-major; the linear solves use that structure (docs/dynamics.md).
#pragma once

#include <array>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "reesx/flowsheets/Cascade.h"
#include "reesx/solver/Ida.h"

namespace reesx {

enum class StartState { steady_state, feed, fresh };

//! From time_h on, the case's flows × these factors (1: as in the case), and the feed's
//! composition when given.
struct DynamicEvent {
    double time_h = 0.0;
    double feed_flow_factor = 1.0;  //!< every feed's flow (and RE inflow)
    double organic_flow_factor = 1.0;
    double scrub_flow_factor = 1.0;
    double strip_flow_factor = 1.0;
    double draw_flow_factor = 1.0;  //!< every side draw's flow
    std::optional<std::array<double, num_elements>> feed_mole_fraction;
};

//! A sampled feedback loop: every interval, the purity of one element at one point (a stage's
//! mixer phase or a product) moves one flow factor by
//!   factor ← clamp(factor × exp(gain × ln(impurity / setpoint impurity)))
//! (integral action on the log of the impurity, which spans decades).
struct DynamicControl {
    std::string product;  //!< measured product, or empty for a stage
    int stage = 0;        //!< measured stage (1-based) when product is empty
    Phase phase = Phase::aqueous;
    int element = -1;  //!< -1: the product's main element at steady state (ControlSeries)
    double setpoint_purity = 0.999;
    double DynamicEvent::*factor = &DynamicEvent::scrub_flow_factor;
    std::string adjusted;  //!< the factor's key, e.g. "scrub-flow"
    double gain = 0.5;
    double interval_h = 1.0;
    double start_h = 0.0;
    double min_factor = 0.5, max_factor = 2.0;
};

//! What the loop saw and did, one entry per sample.
struct ControlSeries {
    int element = -1;  //!< the element measured (a product's: its main one at steady state)
    std::vector<double> times_h, measured_purity, factor;
};

struct DynamicSpec {
    double hours = 100.0;
    double mixer_residence_h = 4.0 / 60.0;     //!< chemistry notes §4.1: mixing 3–10 min
    double settler_residence_h = 16.0 / 60.0;  //!< settler ≈ 4 × mixer (MEAB/CWX data, §4.1)
    int settler_cells = 1;                     //!< 0: no settler holdup
    StartState start = StartState::steady_state;
    int outputs = 100;                    //!< evenly spaced output times after t = 0
    std::vector<double> profile_times_h;  //!< stage profiles kept at these times
    std::vector<DynamicEvent> events;
    std::optional<DynamicControl> control;
    double target_purity = 0.9999;
    solver::IdaOptions ida;
};

struct ProductSeries {
    std::string name;
    int main_element = -1;
    std::vector<double> purity, re_mol_per_h;  //!< at each output time
    //! Impurity ions leaving, mol/h, at each output time, by impurity index (empty for an ion
    //! the case does not carry).
    std::array<std::vector<double>, num_impurities> impurity_mol_per_h;
    //! Since when the purity has held the target without a break, h (-1: not at the end).
    double time_to_target_h = -1.0;
};

struct StageProfile {
    double time_h = 0.0;
    Eigen::MatrixXd aqueous_mol_per_L, organic_mol_per_L;  //!< stages × 17 elements, mixers
};

struct DynamicResult {
    std::vector<double> times_h;
    std::vector<ProductSeries> products;
    //! Inventory (mol) of every element at each output time, summed over the cascade.
    std::vector<std::array<double, num_elements>> inventory_mol;
    //! Inventory per section (extraction, scrub, strip) and element at the end, mol.
    std::array<std::array<double, num_elements>, 3> section_inventory_mol{};
    //! |inventory(t) + left(t) - inventory(0) - fed(0..t)| / fed(0..t), worst element, end.
    double conservation_relative_error = 0.0;
    std::vector<StageProfile> profiles;  //!< at DynamicSpec::profile_times_h
    //! Models with extra species: the model's stage profiles (pH, free extractant, ...,
    //! EquilibriumModel::profile_names) at each output time, times × (stages × names).
    std::vector<std::string> chemistry_names;
    std::vector<Eigen::MatrixXd> chemistry;
    ControlSeries control;  //!< empty without DynamicSpec::control
    //! The final aqueous and organic mixer concentrations, mol/L (stages × 17 elements).
    Eigen::MatrixXd aqueous_mol_per_L, organic_mol_per_L;
    //! Max relative difference of the final mixer concentrations from the steady state of
    //! `reesx run` (steady_state_at_end when the flows changed; over concentrations above
    //! 1e-9 of the largest); NaN when not compared (no steady state).
    double steady_state_relative_difference = 0.0;
    //! False when `reesx run` did not converge and the start did not need it (feed, fresh):
    //! steady_state is then empty and each product's main element is its largest at the end.
    bool has_steady_state = false;
    CascadeResult steady_state;
    //! The slowest time constant of the cascade linearized at that steady state, h:
    //! -1 / Re λ of the eigenvalue of smallest magnitude (docs/dynamics.md); infinite where
    //! the linearization is singular, NaN where not computed (no steady state, models with
    //! extra species, Murphree efficiencies).
    double slowest_time_constant_h = std::numeric_limits<double>::quiet_NaN();
    //! `reesx run` at the flows and feed in force at the end, when events or the control
    //! loop changed them (and it converges): the state the run heads for, which the final
    //! profile and the products are compared with.
    std::optional<CascadeResult> steady_state_at_end;
    //! Warnings beyond steady_state.warnings: without a steady state, the case's own and why.
    std::vector<std::string> warnings;
    solver::IdaStats stats;
    double seconds = 0.0;
};

//! The `dynamic:` mapping of a case (defaults when absent); located InputErrors.
DynamicSpec parse_dynamic(const CaseSpec& spec);

//! Integrates; InputError for cases the dynamic model does not cover (models with extra
//! per-stage species not started from their steady state, an empty start of a saturated
//! organic), InfeasibleError for flows that cannot run after an event or a control move,
//! ConvergenceError when IDA fails, or when `reesx run` does not converge and the start
//! (steady-state) or the control loop (a product's main element) needs its steady state.
//! `progress` gets a line per 10 % of the time.
DynamicResult simulate_dynamic(const CaseSpec& spec, const DynamicSpec& dynamic,
                               const std::function<void(const std::string&)>& progress = {});

}  // namespace reesx
