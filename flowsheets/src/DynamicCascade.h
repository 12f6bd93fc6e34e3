// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The dynamic cascade as IDA sees it (reesx/flowsheets/Dynamic.h for the model): internal to
// reesx_flowsheets. DynamicModel.cpp holds the flows, the DAE residual and the outlets,
// DynamicLinearSolve.cpp the structured solves with the iteration matrix,
// DynamicLinearization.cpp the slowest time constant, DynamicStart.cpp the start states,
// Dynamic.cpp the integration (events, control, time to target, comparison) and
// DynamicInput.cpp the `dynamic:` mapping.
#pragma once

#include <chrono>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reesx/flowsheets/Dynamic.h"
#include "reesx/solver/BlockTridiagonal.h"

namespace reesx {

//! Where the streams leaving a cascade are taken: the two ends (and the strip section's first
//! stage) and the side draws; `draw` indexes CaseSpec::draws, -1 for an end.
struct OutletPoint {
    std::string name;
    int stage = 0;  //!< 0-based
    bool aqueous = true;
    int draw = -1;
};

std::vector<OutletPoint> outlet_points(const CaseSpec& spec);

//! The case with its flows × the event's factors (not its feed's composition).
CaseSpec scaled_case(const CaseSpec& spec, const DynamicEvent& factors);

class DynamicCascade final : public solver::DaeSystem {
public:
    DynamicCascade(const CaseSpec& spec, const DynamicSpec& dynamic);

    int size() const override { return stages_ * block_; }
    //! Within a block: aqueous settler cells, mixer holdups, mixer concentrations, amounts
    //! left, organic settler cells: every dependence is less than one block away. (Only IDA's
    //! band solver reads the bandwidth; this system solves with its own structure.)
    int half_bandwidth() const override { return block_ - 1; }
    Eigen::VectorXd differential_mask() const override;

    //! Flows × the event's factors; aqueous and organic flows leaving each stage follow, and
    //! each stage's conditions (a saturated organic's RE content follows the flows at once:
    //! the separation-factor model's assumption).
    void set_flows(const DynamicEvent& factors);

    //! Aqueous flow from stage j down to j-1 and organic flow from j up to j+1, L/h.
    double aq_down(int j) const { return aqueous_goes_down(j) ? q_aq_[j] - draw_aq_[j] : 0.0; }
    double org_up(int j) const { return organic_goes_up(j) ? q_org_[j] - draw_org_[j] : 0.0; }

    // Stage j's block: aqueous settler cells (t_ each), mixer holdups (t_), mixer aqueous
    // concentrations (n_), extras (m_), amounts left (t_), Murphree organic (n_), organic
    // settler cells (t_ each). Index i runs over the t_ transported quantities (elements
    // first), k over the elements.
    int cs_index(int j, int cell, int i) const { return j * block_ + cell * t_ + i; }
    int n_index(int j, int i) const { return j * block_ + cells_ * t_ + i; }
    int c_index(int j, int k) const { return n_index(j, t_) + k; }
    int x_index(int j, int e) const { return c_index(j, n_) + e; }
    int out_index(int j, int i) const { return x_index(j, m_) + i; }
    //! The mixer's organic concentration, an unknown with Murphree efficiencies below 1.
    int m_index(int j, int k) const { return out_index(j, t_) + k; }
    int qs_index(int j, int cell, int i) const
    {
        return m_index(j, murphree_ ? n_ : 0) + cell * t_ + i;
    }
    bool aqueous_goes_down(int j) const { return j > 0 && j != strip_start_; }
    bool organic_goes_up(int j) const { return j + 1 < stages_; }

    //! ln |c_k| of n_ aqueous concentrations (at least 1e-300): the models work in logarithms,
    //! and the tiny negative values an integrator gives trace elements keep their magnitude.
    Eigen::VectorXd ln_magnitudes(const double* c) const;

    //! D = Y / sum_m K_m |c_m| of a saturated organic whose composition follows the relative
    //! extractabilities K (the separation-factor model, docs/model.md): q_k = D K_k c_k.
    double saturated_scale(int j, const double* c) const;

    //! Equilibrium organic concentrations of stage j for aqueous c (mol/L).
    void organic(int j, const double* c, Eigen::VectorXd& q) const;

    //! The separation-factor model's dq/dc at stage j, kept as its factors: q_k = D K_k c_k
    //! with D = Y / sum_m K_m |c_m|, dD/dc_m = -D^2 K_m sgn(c_m) / Y, so dq/dc = diag(D K) +
    //! l r^T with l_k = -K_k c_k, r_m = K_m sgn(c_m) D^2 / Y.
    void separation_factor_jacobian(int j, const double* c, Eigen::Ref<Eigen::VectorXd> diagonal,
                                    Eigen::Ref<Eigen::VectorXd> left,
                                    Eigen::Ref<Eigen::VectorXd> right) const;
    //! Relative change of row k of dq/dc between two sets of factors, largest over k:
    //! (|ΔΛ_k| + |Δl_k| |r|_1 + |l_k| |Δr|_1) / (|Λ_k| + |l_k| |r|_1).
    double rank_one_change(int j, const Eigen::VectorXd& diagonal, const Eigen::VectorXd& left,
                           const Eigen::VectorXd& right) const;

    //! The separation-factor model's reduced matrix at y. At an unchanged c_j the stages
    //! whose dq/dc rows all moved by at most kRefactorTolerance since the last factorization
    //! keep their factors up to the first one that moved; from there on (the sweep runs down
    //! the cascade) every block is refactorized. A Newton iteration with such a matrix
    //! converges as with the exact one: 17 x 100 start-up, 7,691 steps and 10,948 residuals
    //! against 7,752 and 11,029, with 35 % fewer blocks factorized, and products as close to
    //! a run at relative tolerance 1e-9 (docs/performance.md); at 2e-1 the steps grow 17 %.
    void update_rank_one_matrix(const double* y, double c_j);

    //! Whether the reduced matrix is built from those factors (no Murphree efficiencies).
    bool rank_one_dq_dc() const { return relative_k_.size() > 0 && !murphree_; }

    //! dq/dc of stage j at aqueous c: A_km = q_k (d ln q_k / d ln c_m) / c_m, from the
    //! model's log-space Jacobian (with the magnitudes of `organic`, so signs carry through).
    void organic_jacobian(int j, const double* c, Eigen::MatrixXd& dq_dc);
    //! The same from the model's log-space Jacobian (any model without extra species).
    void equilibrium_jacobian(int j, const double* c, Eigen::MatrixXd& dq_dc) const;

    //! The slowest time constant of the cascade linearized at y (docs/dynamics.md): -1 /
    //! Re λ of the eigenvalue λ of smallest magnitude of the holdups' and settler cells'
    //! linearized equations, in h; infinite where that linearization is singular, NaN where
    //! it is not computed (models with extra species, Murphree efficiencies, a phase without
    //! flow).
    double slowest_time_constant_h(const Eigen::VectorXd& y) const;

    bool has_linear_solver() const override { return true; }

    //! The iteration matrix J = dF/dy + c_j dF/dy', reduced: a settler cell depends only on
    //! the cell before it (diagonal in the elements), and a mixer's holdup N = V_aq c +
    //! V_org q(c) is explicit in its concentrations, so eliminating both leaves a
    //! block-tridiagonal system in the mixer concentrations with one n × n block per stage
    //! (docs/dynamics.md, "Linear solves").
    //! IDA asks for a fresh matrix (first step, c_j moved far, or a failed Newton iteration):
    //! nothing of the last factorization is kept.
    void setup_linear_solver(double t, const double* y, const double*, double c_j) override;
    void refresh_matrix(double t, const double* y, double c_j);

    //! Keeps c_j and each settler's gain at it: the concentration change leaving the last
    //! settler cell per change entering the first (1 without settler cells).
    void set_settler_gains(double c_j);

    //! Row i of stage j's reduced right-hand side: r_N − c_j g_i r_definition (g: the
    //! definition gains, 1 where null) plus what the settler residuals of the neighbours
    //! carry into this mixer (settler_offsets first). Rows 0..count-1 into out.
    void reduced_rhs(int j, const double* r, int count, double* out,
                     const double* gain = nullptr) const;

    //! The reduced matrix for dq/dc of the last setup and this c_j, factorized.
    void build_matrix(double c_j, int first = 0);

    void solve_linear(double t, const double* y, double c_j, const double* r, double* z) override;

    // --- The structured solve with extra species -------------------------------------------
    // Unknowns per stage u = [c; x]. As without extras, settler cells and holdups eliminate;
    // each transported quantity i gives a row
    //   [(c_j V_a + Q_a) dA_i/du + (c_j V_o + Q_o) dO_i/du] δu_j − Q_a,down g_a dA_i/du|_(j+1)
    //   δu_(j+1) − Q_o,up g_o dO_i/du|_(j−1) δu_(j−1),
    // A_i and O_i the mixer's aqueous and organic contents (c_k and q_k for an element), and
    // the model's local equations their own rows: a block-tridiagonal system with
    // (n + m) × (n + m) blocks, general above and below the diagonal.

    //! Row i of the rows of stage j's holdup definition: an element's at its concentration,
    //! a conserved quantity's at its extra unknown (the extras follow the elements, so the
    //! rows are consecutive).
    int definition_row(int j, int i) const { return c_index(j, 0) + i; }

    //! dA/du, dO/du (t × (n + m)) and the local equations' gradient of stage j's mixer, from
    //! the model's derivatives in (ln c, x): d/dc_m = d/d ln c_m / c_m.
    void content_jacobians(int j, const double* y);

    //! A positive stand-in N⁺ for a holdup N (mol) defined in log form: N itself from the
    //! floor ε up (ε: a concentration at the absolute tolerance in the mixer), ε² / (2ε − N)
    //! below it (value and slope continuous at ε; ε / 2 at 0, ε² / |N| far below). A holdup
    //! that rounding has taken to or below zero still has a logarithm. gain: N⁺ / N⁺'.
    struct SoftHoldup {
        double positive, gain;
    };
    static SoftHoldup soft_positive(double n, double floor);

    void build_extras_matrix(double c_j);

    void solve_extras(const double* r, double* z);

    //! Holdups, settler cells and amounts left of stage j from the changes of its mixer's
    //! aqueous and organic contents (t each); gain and scale: the definition gains and holdup
    //! scales of log-defined quantities (null: 1).
    void back_substitute(int j, const double* r, const Eigen::Ref<const Eigen::VectorXd>& d_aq,
                         const Eigen::Ref<const Eigen::VectorXd>& d_org, double* z,
                         const double* gain = nullptr, const double* scale = nullptr) const;

    //! The organic leaving stage j's mixer: at equilibrium with its aqueous, or, with Murphree
    //! efficiencies, the unknown m.
    void mixer_organic(int j, const double* y, Eigen::VectorXd& q) const;

    //! With extra species: the model's view of stage j's mixer at aqueous c and extras x
    //! (chem), and the elements' organic q (with the signs of c, as organic()).
    void mixer_chemistry(int j, const double* c, const double* x, StageChemistry& chem,
                         Eigen::VectorXd& q) const;

    //! Murphree (organic side, as reesx run, docs/model.md): m = (1 - E) ρ q_in + E q*(c),
    //! q_in the organic entering the mixer, ρ (saturated model) rescaling it to the stage's
    //! RE content. Fills `target` and/or `entering` = (1 - E) ∂(ρ q_in)/∂q_in × the share of
    //! the entering organic that comes from the stage below.
    void murphree_target(int j, const double* y, Eigen::VectorXd* target,
                         Eigen::MatrixXd* entering) const;

    void residual(double, const double* y, const double* yp, double* f) override;

    //! A state with mixer aqueous concentrations c (stages × components), mixer organic
    //! concentrations `organic_c` (Murphree; otherwise, or when empty, at equilibrium with c),
    //! extras (stages × m, models with extra species) and settlers holding what their mixer
    //! holds.
    Eigen::VectorXd state_from(const Eigen::MatrixXd& c, const Eigen::MatrixXd& organic_c,
                               const Eigen::MatrixXd& extras) const;

    //! With extra species: stage j's mixer filled with the feed's aqueous and the fresh
    //! organic at its phase ratio, brought to equilibrium (the model's local equations) with
    //! every element and conserved quantity kept: Newton on (ln c, extras) from the feed's
    //! aqueous and the model's start for it. Returns the aqueous c and the extras.
    std::pair<Eigen::VectorXd, Eigen::VectorXd> mixed_feed_and_fresh_organic(int j) const;

    //! Inventory of each transported quantity (elements first) in the stages of `section`
    //! (all when negative), mol.
    Eigen::VectorXd inventory(const Eigen::VectorXd& y, int section = -1) const;

    //! What has left the cascade of each transported quantity since t = 0, mol.
    Eigen::VectorXd left(const Eigen::VectorXd& y) const;

    Eigen::VectorXd feed_rate() const { return feed_mol_per_h_.rowwise().sum(); }

    //! Streams leaving the cascade (name, stage, phase outflow in mol/h per component).
    struct Outlet {
        std::string name;
        Eigen::VectorXd mol_per_h;
    };
    std::vector<Outlet> outlets(const Eigen::VectorXd& y) const;
    //! What leaves at one outlet, mol/h per component.
    Eigen::VectorXd outflow_mol_per_h(const OutletPoint& point, const double* y) const;

    //! IDA's root functions: for each (outlet index of outlet_points, component), the sign of
    //! the outlet's purity in that component minus target_purity.
    void set_purity_roots(const std::vector<std::pair<int, int>>& outlet_components,
                          double target_purity);
    int root_count() const override { return static_cast<int>(purity_roots_.size()); }
    void roots(double, const double* y, const double*, double* g) override { purity_margins(y, g); }
    //! The root functions at y: m_main − target × Σm per root, the sign of purity − target
    //! wherever the product carries anything and smooth where a purity would divide by a
    //! vanishing flow.
    void purity_margins(const double* y, double* g) const;

    //! Purity of the control's element at its measuring point.
    double measured_purity(const DynamicControl& control, const Eigen::VectorXd& y) const;

    int stages() const { return stages_; }
    int components() const { return n_; }
    bool has_extra_species() const { return m_ > 0; }
    void prepare();
    //! Models with extra species: their named stage profiles (pH, ...), stages × names.
    Eigen::MatrixXd chemistry_profile(const Eigen::VectorXd& y) const;
    Eigen::MatrixXd organic_profile(const Eigen::VectorXd& y) const;

private:
    const CaseSpec& spec_;
    const EquilibriumModel& model_;
    int cells_ = 1, stages_ = 0, n_ = 0, block_ = 0, strip_start_ = -1;
    int k_ = 0, m_ = 0, t_ = 0;  //!< conserved quantities, extra unknowns, n_ + k_
    std::vector<double> q_aq_, q_org_;
    std::vector<double> draw_aq_, draw_org_;  //!< side draws per stage, L/h, now
    double draw_flow_factor_ = 1.0;
    std::vector<double> mixer_aq_L_, mixer_org_L_, settler_aq_L_, settler_org_L_;
    Eigen::MatrixXd feed_mol_per_h_, organic_feed_mol_per_h_;
    Eigen::VectorXd relative_k_;  //!< K_i / max K of a saturated model; empty otherwise
    //! 1 for a rare earth, 0 for an impurity ion, by component: purity is on the RE basis.
    Eigen::VectorXd rare_earth_mask_;
    std::vector<double> efficiency_;  //!< Murphree (organic side) per stage
    bool murphree_ = false;
    std::vector<StageConditions> conditions_;
    std::vector<Eigen::VectorXd> q_;
    //! With extra species: the conserved quantities in each mixer's phases (k × stages), and
    //! the model's scratch.
    Eigen::MatrixXd aq_extra_, org_extra_;
    //! The residual's mixer contents (t_ × stages_: elements, then conserved quantities),
    //! and zeros for the flows that enter no stage.
    Eigen::MatrixXd aq_mix_, org_mix_;
    Eigen::VectorXd zeros_;
    StageChemistry chem_;
    struct PurityRoot {
        OutletPoint point;
        int component = 0;
    };
    std::vector<PurityRoot> purity_roots_;
    double target_purity_ = 1.0;

    //! What the settler residuals alone move the concentration leaving stage j's last
    //! aqueous and organic cells by (the δ at zero mixer change), into aq_offset_/org_offset_.
    void settler_offsets(int j, const double* r);

    // Linear solver (setup_linear_solver): c_j, dq/dc per stage, settler gains, the
    // reduced block-tridiagonal matrix and its factors.
    double c_j_ = 0.0;
    std::vector<Eigen::MatrixXd> dq_dc_;
    bool factored_ = false;  //!< matrix_ holds the factors of the current flows at c_j_

    //! The separation-factor model's dq/dc = diag + left right^T, one column per stage.
    Eigen::MatrixXd dq_dc_diagonal_, dq_dc_left_, dq_dc_right_;
    Eigen::VectorXd diagonal_scratch_, left_scratch_;  //!< a diagonal block's factors
    std::vector<double> aq_gain_, org_gain_;
    Eigen::MatrixXd aq_offset_, org_offset_;
    //! With Murphree efficiencies: (1 - E) ∂(ρ q_in)/∂q_in × (share of the entering organic
    //! that comes from the stage below), per stage, at the setup's y.
    std::vector<Eigen::MatrixXd> entering_;
    solver::DiagonalUpperBlockTridiagonal matrix_;
    //! With extra species: the general block matrix and each stage's content Jacobians.
    solver::BlockTridiagonalMatrix extras_matrix_;
    std::vector<Eigen::MatrixXd> aq_content_jac_, org_content_jac_, local_jac_;
    //! Quantities whose holdup defines them in log form (residual), the holdup below which
    //! that is rounding per stage (mol), and their linearization δN = g r + s dS/du δu at
    //! the setup's y (t_ × stages, 1 for the linear definitions).
    std::vector<int> log_rows_;
    std::vector<double> holdup_floor_mol_;
    Eigen::MatrixXd definition_gain_, holdup_scale_;
    Eigen::VectorXd work_;
    //! The step (IDA's t) of the last factorization; NaN when the flows changed since.
    double setup_t_ = std::numeric_limits<double>::quiet_NaN();
};

//! InputError (located) for a start the dynamic model does not cover.
void check_supported(const CaseSpec& spec, const DynamicSpec& dynamic);

//! The state at t = 0 of dynamic.start: result's steady state, the feed or empty (mixers,
//! settlers and, with extra species, the model's extras).
Eigen::VectorXd initial_state(const CaseSpec& spec, const DynamicSpec& dynamic,
                              const DynamicResult& result, const DynamicCascade& model);

//! The steady state's last resort (models with extra species): the cascade's dynamics from
//! a start filled with feed, integrated until its mixers settle, at most max_hours. Column j:
//! stage j's ln |c| of the mixer aqueous, then its extras (the steady state's unknowns);
//! nothing where IDA fails or the mixers do not settle. `say` gets a line per horizon.
std::optional<Eigen::MatrixXd> settle_by_dynamics(
    const CaseSpec& spec, double max_hours, const std::function<void(const std::string&)>& say);

//! Integrates model from y0 over dynamic.hours (events, control) into result.
DynamicResult integrate(const CaseSpec& spec, const DynamicSpec& dynamic, DynamicCascade& model,
                        const Eigen::VectorXd& y0,
                        const std::function<void(const std::string&)>& progress,
                        DynamicResult& result, std::chrono::steady_clock::time_point start_time);

}  // namespace reesx
