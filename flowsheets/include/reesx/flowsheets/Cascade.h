// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Steady state of one countercurrent cascade, stage by stage, all elements at once.
//
// Stage numbering (interface.md): stage 1 is where fresh organic enters and the raffinate
// leaves; extraction stages 1..n, scrub stages n+1..n+m (scrub liquor enters n+m, the
// loaded organic leaves it), strip stages after that (strip acid enters the last one, the
// strip liquor leaves the first). Organic flows up the stage numbers, aqueous down.
//
// Unknowns, stage-major: u_ij = ln c_ij (aqueous mol/L of component i in stage j) and, when
// some stage has a Murphree efficiency below 1, v_ij = ln q_ij (organic). Equations per
// stage and component: the element balance written as ln(inflow) - ln(outflow) = 0, which is
// a relative imbalance, well scaled at any concentration (down to 1e-1000 mol/L), and, with
// Murphree, v_ij = ln((1-E) rho_j q_in,ij + E q*_ij). The Jacobian is block-tridiagonal.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reesx/flowsheets/Case.h"
#include "reesx/solver/Newton.h"

namespace reesx {

struct ProductResult {
    std::string name;  //!< raffinate, loaded_organic, strip_liquor, stripped_organic, or a draw
    Phase phase = Phase::aqueous;
    int stage = 0;  //!< 1-based stage it leaves
    double flow_L_per_h = 0.0;
    //! By species (Species.h): the rare earths, then the impurity ions.
    std::array<double, num_species> mol_per_h{};
    double re_mol_per_h = 0.0;
    std::array<double, num_elements> composition{};  //!< RE mole fractions
    int main_element = -1;                           //!< element with the largest mole fraction
    double purity = 0.0;                             //!< mole fraction of main_element (RE basis)
    //! Impurity ions carried, mol/h, and main_element's fraction of all metal ions (RE and
    //! impurities: total-metal basis; equal to purity without impurities).
    double impurity_mol_per_h = 0.0;
    double metal_purity = 0.0;
    //! Each impurity as its spec oxide (Fe2O3, CaO, ...) per mass of rare-earth oxides, ppm
    //! (mg/kg REO), by impurity index.
    std::array<double, num_impurities> impurity_ppm_reo{};
};
//! Sets metal_purity and impurity_ppm_reo of a product from its mol_per_h, re_mol_per_h,
//! impurity_mol_per_h and main_element.
void fill_impurity_content(ProductResult& p);

struct Reagents {
    double saponification_base_mol_per_h = 0.0;    //!< Na+/NH4+ loaded on the fresh organic
    double scrub_acid_h_mol_per_h = 0.0;           //!< H+ fed with the scrub liquor
    double strip_acid_h_mol_per_h = 0.0;           //!< H+ fed with the strip acid
    double strip_acid_consumed_h_mol_per_h = 0.0;  //!< 3 H+ per RE stripped
    // Added with the acidity-dependent models (issue 3); every model fills them. Free acid
    // leaving is the "excess"; what the acid fed does not bring out again is "consumed".
    std::string base = "NaOH";                     //!< saponification base: NaOH or NH3
    double base_kg_per_h = 0.0;                    //!< saponification base as NaOH or NH3
    double feed_acid_h_mol_per_h = 0.0;            //!< free HCl fed with the aqueous feeds
    double raffinate_acid_h_mol_per_h = 0.0;       //!< free H+ leaving with the raffinate
    double strip_liquor_acid_h_mol_per_h = 0.0;    //!< free H+ leaving with the strip liquor
    double scrub_acid_consumed_h_mol_per_h = 0.0;  //!< feed + scrub H+ not in the raffinate
    double scrub_acid_excess_h_mol_per_h = 0.0;    //!< = raffinate_acid_h_mol_per_h
    double strip_acid_excess_h_mol_per_h = 0.0;    //!< = strip_liquor_acid_h_mol_per_h
    //! The acid of the medium: "HCl", or "H2SO4" in a sulfate medium. The hcl_* members hold
    //! that acid's mol and kg (H2SO4's in a sulfate medium; the JSON names them by the acid).
    std::string acid = "HCl";
    double hcl_fed_mol_per_h = 0.0;       //!< feed + scrub + strip acid (mol of the acid)
    double hcl_consumed_mol_per_h = 0.0;  //!< acid fed - acid leaving (free H+ and HSO4-)
    double hcl_fed_kg_per_h = 0.0;
    double hcl_consumed_kg_per_h = 0.0;
    //! Reagents per kg of each product's rare earths as oxides (REO).
    struct PerProduct {
        std::string product;
        double reo_kg_per_h = 0.0;
        double base_kg_per_kg = 0.0;
        double hcl_fed_kg_per_kg = 0.0;
        double hcl_consumed_kg_per_kg = 0.0;
    };
    std::vector<PerProduct> per_product;
};

struct CascadeResult {
    int num_stages = 0;
    std::vector<Section> sections;
    //! Concentrations by stage (rows) and species (columns, num_species: the 17 rare earths,
    //! then the impurity ions), mol/L. Values below ~1e-308 are 0 here; the ln arrays keep them.
    Eigen::MatrixXd aqueous_mol_per_L, organic_mol_per_L;
    //! log10 concentrations (log10 mol/L), -inf for elements not in the case.
    Eigen::MatrixXd aqueous_log10, organic_log10;
    std::vector<double> aqueous_flow_L_per_h, organic_flow_L_per_h;  //!< leaving each stage
    std::vector<ProductResult> products;
    //! recovery[p][i]: fraction of element i's feed leaving in product p.
    std::vector<std::array<double, num_species>> recovery;
    std::array<double, num_species> feed_mol_per_h{};
    //! Per element |feed - products| / feed, and the largest of them.
    std::array<double, num_species> balance_relative_error{};
    double mass_balance_relative_error = 0.0;
    //! Reflux of the countercurrent-extraction theory, mol RE per mol feed RE (saturated
    //! models): S = organic RE flux, W = scrub reflux.
    double reflux_S = 0.0, reflux_W = 0.0;
    Reagents reagents;
    //! Organic RE per stage (loading), mol/L.
    std::vector<double> organic_re_mol_per_L;
    //! Models with extra species (mass-action, ph-correlation): per-stage profiles named by
    //! the model (pH, h_mol_per_L, free_extractant_mol_per_L, ...), stages × names.
    std::vector<std::string> profile_names;
    Eigen::MatrixXd profiles;
    //! Their extra unknowns (EquilibriumModel::extra_unknowns order), stages × m.
    Eigen::MatrixXd extras;
    //! Aqueous anion equivalents per stage (chloride, or 2 x total sulfate in a sulfate
    //! medium; eq/L) and max |sum z c + H+ + Na+ (+ HSO4-) - anions| / anions over stages.
    std::vector<double> chloride_mol_per_L;
    double electroneutrality_relative_error = 0.0;
    //! Overall balance of each conserved quantity of the model (protons, cation):
    //! |in - out| / (sum of |in| and |out| terms).
    std::vector<std::string> conserved_names;
    std::vector<double> conserved_balance_relative_error;
    //! Outer iterations of the closed organic loop (organic.recycle), 0 without one.
    int recycle_iterations = 0;
    //! Acidity models (mass-action, ph-correlation): solver attempts run after the first one
    //! failed (another method, or the same from another start), summed over every cascade
    //! solve this result took (the closed loop's passes included); 0 for the other models.
    int fallback_attempts = 0;
    solver::SolverReport solver;
    //! Names the factors of the last Jacobian of the separation-factor model's reduced Newton,
    //! which the thread that solved keeps (its last two factorizations, up to 400 stages):
    //! Cascade::solve(*this) on that thread, with the same stage counts, starts with chord
    //! steps on them instead of a new factorization. 0: none kept.
    std::uint64_t jacobian_factors_id = 0;
    std::vector<std::string> warnings;
};

class Cascade {
public:
    //! Sets up flows and checks the model's assumptions; InfeasibleError when they cannot hold.
    //! The cascade refers to `spec`, which must outlive it.
    explicit Cascade(const CaseSpec& spec);
    //! A temporary spec would leave the cascade dangling.
    explicit Cascade(CaseSpec&&) = delete;
    ~Cascade();
    Cascade(const Cascade&) = delete;
    Cascade& operator=(const Cascade&) = delete;

    //! Solves to the case's tolerance; ConvergenceError when it cannot.
    CascadeResult solve();
    //! Solves starting from `previous`, the result of a cascade with the same elements (after
    //! a change of flows, separation factors, feed or stage counts): the separation-factor
    //! model's Newton starts from its per-stage scale, stretched section by section when the
    //! extraction and scrub stage counts differ, and falls back to a cold solve when that
    //! fails. Other models, and cascades with side draws or other sections, solve cold.
    //! With the same stage counts, on the thread that solved `previous`, the Newton begins
    //! with chord steps on previous's Jacobian factors (jacobian_factors_id), each accepted only
    //! when it contracts the closure, and factorizes anew when one does not.
    CascadeResult solve(const CascadeResult& previous);
    //! Lines on the solver's progress (each method tried, each Newton iteration's residual)
    //! go to `progress` during later solves (`reesx run --verbose`); empty: none.
    void set_progress(std::function<void(const std::string&)> progress);

    //! The nonlinear system itself, and the start the solve uses (for Jacobian checks in
    //! tests and for other solvers).
    solver::BlockTridiagonalSystem& equations();
    Eigen::VectorXd starting_point();

    int num_unknowns() const;
    int num_equations() const;
    //! Each stage's conditions as set up from the flows (section; for a saturated-organic
    //! model, the organic RE content the flows fix), before any solve.
    const std::vector<StageConditions>& stage_conditions() const;
    //! What the entering streams bring of the model's conserved quantities (protons,
    //! saponification cation), mol/h, quantities × stages; empty without extra species.
    const Eigen::MatrixXd& conserved_feed_mol_per_h() const;
    //! One line per structural fact: stages, components, unknowns per stage, bandwidth.
    std::vector<std::string> structure_summary() const;

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace reesx
