// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Dynamic.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "reesx/core/Error.h"
#include "reesx/solver/BlockTridiagonal.h"
#include "reesx/thermo/Feeds.h"

namespace reesx {
namespace {

constexpr double tiny_mol_per_L = 1e-30;  //!< "empty": below anything reported

//! Where the streams leaving a cascade are taken: the two ends (and the strip section's first
//! stage) and the side draws; `draw` indexes CaseSpec::draws, -1 for an end.
struct OutletPoint {
    std::string name;
    int stage = 0;  //!< 0-based
    bool aqueous = true;
    int draw = -1;
};

std::vector<OutletPoint> outlet_points(const CaseSpec& spec)
{
    const bool strip = spec.stages_strip > 0;
    std::vector<OutletPoint> points{{"raffinate", 0, true, -1}};
    if (strip) {
        points.push_back({"strip_liquor", spec.stages_extraction + spec.stages_scrub, true, -1});
    }
    points.push_back(
        {strip ? "stripped_organic" : "loaded_organic", spec.num_stages() - 1, false, -1});
    for (std::size_t i = 0; i < spec.draws.size(); ++i) {
        const DrawSpec& d = spec.draws[i];
        points.push_back({d.name, d.stage - 1, d.phase == Phase::aqueous, static_cast<int>(i)});
    }
    return points;
}

class DynamicCascade final : public solver::DaeSystem {
public:
    DynamicCascade(const CaseSpec& spec, const DynamicSpec& dynamic)
        : spec_(spec), model_(*spec.model), cells_(dynamic.settler_cells)
    {
        stages_ = spec.num_stages();
        n_ = static_cast<int>(spec.components.size());
        for (int j = 0; j < stages_; ++j) {
            efficiency_.push_back(spec.efficiency[static_cast<int>(spec.section_of(j))]);
        }
        if (model_.saturated_organic()) {
            efficiency_[0] = 1.0;  // fresh organic: nothing to rescale (as reesx run)
        }
        murphree_ =
            std::any_of(efficiency_.begin(), efficiency_.end(), [](double e) { return e < 1.0; });
        // A saturated organic whose composition follows fixed relative extractabilities
        // (q_i = D_j K_i c_i, so D_j = Y_j / sum K c): evaluated directly, without the
        // model's logarithms, K scaled to the largest (only ratios matter).
        if (const Eigen::VectorXd ln_k = model_.ln_relative_extractability();
            model_.saturated_organic() && ln_k.size() == n_) {
            relative_k_ = (ln_k.array() - ln_k.maxCoeff()).exp();
        }
        // Models with extra species carry their conserved quantities (protons, cation) from
        // stage to stage like elements: t_ transported quantities, m_ extra unknowns.
        k_ = static_cast<int>(model_.conserved_quantities().size());
        m_ = static_cast<int>(model_.extra_unknowns().size());
        t_ = n_ + k_;
        block_ = t_ * (3 + 2 * cells_) + m_ + (murphree_ ? n_ : 0) - k_;
        strip_start_ = spec.stages_strip > 0 ? spec.stages_extraction + spec.stages_scrub : -1;
        set_flows(DynamicEvent{});
        for (int j = 0; j < stages_; ++j) {
            // Equipment from the flows at t = 0 (volumes stay; residence times follow flows).
            mixer_aq_L_.push_back(dynamic.mixer_residence_h * q_aq_[j]);
            mixer_org_L_.push_back(dynamic.mixer_residence_h * q_org_[j]);
            const double cells = std::max(1, cells_);
            settler_aq_L_.push_back(dynamic.settler_residence_h * q_aq_[j] / cells);
            settler_org_L_.push_back(dynamic.settler_residence_h * q_org_[j] / cells);
            // Holdups of log-defined quantities below this are rounding (see soft_positive).
            holdup_floor_mol_.push_back(dynamic.ida.absolute_tolerance *
                                        (mixer_aq_L_.back() + mixer_org_L_.back()));
        }
        // A species the model carries like an element (the saponification cation) has both
        // phase contents positive, e^(extra); its holdup defines it in log form (see residual).
        for (const auto& d : model_.distributed_species()) {
            log_rows_.push_back(n_ + d.conserved);
        }
    }

    int size() const override { return stages_ * block_; }
    //! Within a block: aqueous settler cells, mixer holdups, mixer concentrations, amounts
    //! left, organic settler cells: every dependence is less than one block away. (Only IDA's
    //! band solver reads the bandwidth; this system solves with its own structure.)
    int half_bandwidth() const override { return block_ - 1; }
    Eigen::VectorXd differential_mask() const override
    {
        Eigen::VectorXd id = Eigen::VectorXd::Ones(size());
        for (int j = 0; j < stages_; ++j) {
            id.segment(c_index(j, 0), n_ + m_).setZero();  // compositions and extras
            if (murphree_) {
                id.segment(m_index(j, 0), n_).setZero();
            }
        }
        return id;
    }

    //! Flows × the event's factors; aqueous and organic flows leaving each stage follow, and
    //! each stage's conditions (a saturated organic's RE content follows the flows at once:
    //! the separation-factor model's assumption).
    void set_flows(const DynamicEvent& factors)
    {
        factored_ = false;
        CaseSpec scaled = spec_;
        for (auto& f : scaled.feeds) {
            f.flow_L_per_h *= factors.feed_flow_factor;
        }
        scaled.organic.flow_L_per_h *= factors.organic_flow_factor;
        if (scaled.scrub) {
            scaled.scrub->flow_L_per_h *= factors.scrub_flow_factor;
        }
        if (scaled.strip) {
            scaled.strip->flow_L_per_h *= factors.strip_flow_factor;
        }
        for (auto& d : scaled.draws) {
            d.flow_L_per_h *= factors.draw_flow_factor;
        }
        Eigen::MatrixXd conserved_feed;
        try {
            const Cascade cascade(scaled);  // checks the flows, too
            conditions_ = cascade.stage_conditions();
            conserved_feed = cascade.conserved_feed_mol_per_h();
        } catch (const InfeasibleError& e) {
            std::ostringstream message;
            message << "the flows from t = " << factors.time_h
                    << " h (by dynamic.events or dynamic.control) cannot run: " << e.what();
            throw InfeasibleError(message.str());
        }
        setup_t_ = std::numeric_limits<double>::quiet_NaN();  // the matrix holds the old flows
        // The flows through each stage, from the scaled case.
        const auto strip_side = [&](int j) { return strip_start_ >= 0 && j >= strip_start_; };
        q_aq_.assign(stages_, 0.0);
        q_org_.assign(stages_, scaled.organic.flow_L_per_h);
        feed_mol_per_h_ = Eigen::MatrixXd::Zero(t_, stages_);
        if (k_ > 0) {
            feed_mol_per_h_.bottomRows(k_) = conserved_feed.leftCols(stages_);
        }
        organic_feed_mol_per_h_ = Eigen::MatrixXd::Zero(n_, stages_);
        for (int j = 0; j < stages_; ++j) {
            q_aq_[j] = strip_side(j) ? scaled.strip->flow_L_per_h
                                     : (scaled.scrub ? scaled.scrub->flow_L_per_h : 0.0);
        }
        for (const auto& f : scaled.feeds) {
            const int at = f.stage - 1;
            for (int j = 0; j < stages_; ++j) {
                if (f.phase == Phase::aqueous && j <= at) {
                    q_aq_[j] += f.flow_L_per_h;
                } else if (f.phase == Phase::organic && j >= at) {
                    q_org_[j] += f.flow_L_per_h;
                }
            }
            const auto& fraction =
                factors.feed_mole_fraction ? *factors.feed_mole_fraction : f.mole_fraction;
            for (int k = 0; k < n_; ++k) {
                const double rate = f.re_mol_per_h() * fraction[spec_.components[k]];
                feed_mol_per_h_(k, at) += rate;
                if (f.phase == Phase::organic) {
                    organic_feed_mol_per_h_(k, at) += rate;
                }
            }
        }
        // A side draw takes part of a phase leaving its stage: the stages the phase flows
        // on to carry that much less (the strip section's aqueous is a run of its own).
        draw_flow_factor_ = factors.draw_flow_factor;
        draw_aq_.assign(stages_, 0.0);
        draw_org_.assign(stages_, 0.0);
        for (const auto& d : scaled.draws) {
            const int at = d.stage - 1;
            for (int j = 0; j < stages_; ++j) {
                if (d.phase == Phase::aqueous && j < at && strip_side(j) == strip_side(at)) {
                    q_aq_[j] -= d.flow_L_per_h;
                } else if (d.phase == Phase::organic && j > at) {
                    q_org_[j] -= d.flow_L_per_h;
                }
            }
            (d.phase == Phase::aqueous ? draw_aq_ : draw_org_)[at] += d.flow_L_per_h;
        }
    }

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
    Eigen::VectorXd ln_magnitudes(const double* c) const
    {
        Eigen::VectorXd ln_c(n_);
        for (int k = 0; k < n_; ++k) {
            ln_c[k] = std::log(std::max(std::abs(c[k]), 1e-300));
        }
        return ln_c;
    }

    //! D = Y / sum_m K_m |c_m| of a saturated organic whose composition follows the relative
    //! extractabilities K (the separation-factor model, docs/model.md): q_k = D K_k c_k.
    double saturated_scale(int j, const double* c) const
    {
        double sum = 0.0;
        for (int k = 0; k < n_; ++k) {
            sum += relative_k_[k] * std::abs(c[k]);
        }
        return conditions_[j].organic_re_mol_per_L / std::max(sum, 1e-300);
    }

    //! Equilibrium organic concentrations of stage j for aqueous c (mol/L).
    void organic(int j, const double* c, Eigen::VectorXd& q) const
    {
        if (relative_k_.size() > 0) {
            const double d = saturated_scale(j, c);
            for (int k = 0; k < n_; ++k) {
                q[k] = d * relative_k_[k] * c[k];
            }
            return;
        }
        // q_k = D_k(|c|) c_k: the distribution ratio from the magnitudes, so that the tiny
        // negative values an integrator gives trace elements stay smooth and conservative.
        const Eigen::VectorXd ln_c = ln_magnitudes(c);
        Eigen::VectorXd ln_q(n_);
        Eigen::MatrixXd jac(n_, n_);
        model_.equilibrium(conditions_[j], ln_c, ln_q, jac);
        for (int k = 0; k < n_; ++k) {
            q[k] = std::exp(ln_q[k] - ln_c[k]) * c[k];
        }
    }

    //! The separation-factor model's dq/dc at stage j, kept as its factors: q_k = D K_k c_k
    //! with D = Y / sum_m K_m |c_m|, dD/dc_m = -D^2 K_m sgn(c_m) / Y, so dq/dc = diag(D K) +
    //! l r^T with l_k = -K_k c_k, r_m = K_m sgn(c_m) D^2 / Y.
    void separation_factor_jacobian(int j, const double* c, Eigen::Ref<Eigen::VectorXd> diagonal,
                                    Eigen::Ref<Eigen::VectorXd> left,
                                    Eigen::Ref<Eigen::VectorXd> right) const
    {
        const double y_re = conditions_[j].organic_re_mol_per_L;
        const double d = saturated_scale(j, c);
        const double d_squared_over_y = y_re > 0.0 ? d * d / y_re : 0.0;
        for (int k = 0; k < n_; ++k) {
            diagonal[k] = d * relative_k_[k];
            left[k] = -relative_k_[k] * c[k];
            right[k] = std::copysign(relative_k_[k], c[k]) * d_squared_over_y;
        }
    }
    //! Relative change of row k of dq/dc between two sets of factors, largest over k:
    //! (|ΔΛ_k| + |Δl_k| |r|_1 + |l_k| |Δr|_1) / (|Λ_k| + |l_k| |r|_1).
    double rank_one_change(int j, const Eigen::VectorXd& diagonal, const Eigen::VectorXd& left,
                           const Eigen::VectorXd& right) const
    {
        const double r_norm = dq_dc_right_.col(j).lpNorm<1>();
        const double dr_norm = (right - dq_dc_right_.col(j)).lpNorm<1>();
        double worst = 0.0;
        for (int k = 0; k < n_; ++k) {
            const double old_l = dq_dc_left_(k, j);
            const double change = std::abs(diagonal[k] - dq_dc_diagonal_(k, j)) +
                                  std::abs(left[k] - old_l) * r_norm + std::abs(old_l) * dr_norm;
            const double size = std::abs(dq_dc_diagonal_(k, j)) + std::abs(old_l) * r_norm;
            worst = std::max(worst, change / std::max(size, 1e-300));
        }
        return worst;
    }

    //! The separation-factor model's reduced matrix at y. At an unchanged c_j the stages
    //! whose dq/dc rows all moved by at most kRefactorTolerance since the last factorization
    //! keep their factors up to the first one that moved; from there on (the sweep runs down
    //! the cascade) every block is refactorized. A Newton iteration with such a matrix
    //! converges as with the exact one: 17 x 100 start-up, 7,691 steps and 10,948 residuals
    //! against 7,752 and 11,029, with 35 % fewer blocks factorized, and products as close to
    //! a run at relative tolerance 1e-9 (docs/performance.md); at 2e-1 the steps grow 17 %.
    void update_rank_one_matrix(const double* y, double c_j)
    {
        constexpr double kRefactorTolerance = 3e-2;
        int first = factored_ && c_j == c_j_ ? stages_ : 0;
        Eigen::VectorXd diagonal(n_), left(n_), right(n_);
        for (int j = 0; j < stages_; ++j) {
            separation_factor_jacobian(j, y + c_index(j, 0), diagonal, left, right);
            if (first == stages_ &&
                rank_one_change(j, diagonal, left, right) <= kRefactorTolerance) {
                continue;
            }
            first = std::min(first, j);
            dq_dc_diagonal_.col(j) = diagonal;
            dq_dc_left_.col(j) = left;
            dq_dc_right_.col(j) = right;
        }
        if (first < stages_) {
            build_matrix(c_j, first);
        }
    }

    //! Whether the reduced matrix is built from those factors (no Murphree efficiencies).
    bool rank_one_dq_dc() const { return relative_k_.size() > 0 && !murphree_; }

    //! dq/dc of stage j at aqueous c: A_km = q_k (d ln q_k / d ln c_m) / c_m, from the
    //! model's log-space Jacobian (with the magnitudes of `organic`, so signs carry through).
    void organic_jacobian(int j, const double* c, Eigen::MatrixXd& dq_dc)
    {
        if (relative_k_.size() > 0) {
            separation_factor_jacobian(j, c, dq_dc_diagonal_.col(j), dq_dc_left_.col(j),
                                       dq_dc_right_.col(j));
            dq_dc.noalias() = dq_dc_left_.col(j) * dq_dc_right_.col(j).transpose();
            dq_dc.diagonal() += dq_dc_diagonal_.col(j);
            return;
        }
        const Eigen::VectorXd ln_c = ln_magnitudes(c);
        Eigen::VectorXd ln_q(n_);
        model_.equilibrium(conditions_[j], ln_c, ln_q, dq_dc);
        // q_k / c_m = D_k c_k / c_m with D_k = q_k / |c_k| (and c_m at least 1e-300).
        Eigen::VectorXd d(n_), c_clamped(n_);
        for (int k = 0; k < n_; ++k) {
            d[k] = std::exp(ln_q[k] - ln_c[k]);
            c_clamped[k] = std::copysign(std::exp(ln_c[k]), c[k]);
        }
        for (int m = 0; m < n_; ++m) {
            for (int k = 0; k < n_; ++k) {
                dq_dc(k, m) *= k == m ? d[k] : d[k] * c[k] / c_clamped[m];
            }
        }
    }

    bool has_linear_solver() const override { return true; }

    //! The iteration matrix J = dF/dy + c_j dF/dy', reduced: a settler cell depends only on
    //! the cell before it (diagonal in the elements), and a mixer's holdup N = V_aq c +
    //! V_org q(c) is explicit in its concentrations, so eliminating both leaves a
    //! block-tridiagonal system in the mixer concentrations with one n × n block per stage
    //! (docs/dynamics.md, "Linear solves").
    //! IDA asks for a fresh matrix (first step, c_j moved far, or a failed Newton iteration):
    //! nothing of the last factorization is kept.
    void setup_linear_solver(double t, const double* y, const double*, double c_j) override
    {
        factored_ = false;
        refresh_matrix(t, y, c_j);
    }
    void refresh_matrix(double t, const double* y, double c_j)
    {
        setup_t_ = t;
        if (m_ > 0) {
            for (int j = 0; j < stages_; ++j) {
                content_jacobians(j, y);
            }
            build_extras_matrix(c_j);
            return;
        }
        if (rank_one_dq_dc()) {
            update_rank_one_matrix(y, c_j);
            return;
        }
        for (int j = 0; j < stages_; ++j) {
            organic_jacobian(j, y + c_index(j, 0), dq_dc_[j]);
            if (murphree_) {
                murphree_target(j, y, nullptr, &entering_[j]);
            }
        }
        build_matrix(c_j);
    }

    //! Keeps c_j and each settler's gain at it: the concentration change leaving the last
    //! settler cell per change entering the first (1 without settler cells).
    void set_settler_gains(double c_j)
    {
        c_j_ = c_j;
        const auto gain = [&](double flow, double volume) {
            if (!(flow > 0.0)) {
                return 0.0;
            }
            const double per_cell = flow / (c_j * volume + flow);
            double g = 1.0;  // per_cell^cells (a few cells: no call to pow)
            for (int cell = 0; cell < cells_; ++cell) {
                g *= per_cell;
            }
            return g;
        };
        for (int j = 0; j < stages_; ++j) {
            aq_gain_[j] = gain(q_aq_[j], settler_aq_L_[j]);
            org_gain_[j] = gain(q_org_[j], settler_org_L_[j]);
        }
    }

    //! Row i of stage j's reduced right-hand side: r_N − c_j g_i r_definition (g: the
    //! definition gains, 1 where null) plus what the settler residuals of the neighbours
    //! carry into this mixer (settler_offsets first). Rows 0..count-1 into out.
    void reduced_rhs(int j, const double* r, int count, double* out,
                     const double* gain = nullptr) const
    {
        // Locals: a store through `out` could alias the flows as far as the compiler knows.
        const double c_j = c_j_;
        const double from_above = j + 1 < stages_ ? aq_down(j + 1) : 0.0;
        const double from_below = j > 0 ? org_up(j - 1) : 0.0;
        const double* above = aq_offset_.col(std::min(j + 1, stages_ - 1)).data();
        const double* below = org_offset_.col(std::max(j - 1, 0)).data();
        const double* __restrict r_holdup = r + n_index(j, 0);
        const double* __restrict r_definition = r + definition_row(j, 0);
        for (int i = 0; i < count; ++i) {
            const double definition = gain ? gain[i] * r_definition[i] : r_definition[i];
            out[i] = r_holdup[i] - c_j * definition + from_above * above[i] + from_below * below[i];
        }
    }

    //! The reduced matrix for dq/dc of the last setup and this c_j, factorized.
    void build_matrix(double c_j, int first = 0)
    {
        set_settler_gains(c_j);
        for (int j = first; j < stages_; ++j) {
            if (j + 1 < stages_) {
                matrix_.upper[j].setZero();
                matrix_.upper[j].head(n_).setConstant(-aq_down(j + 1) * aq_gain_[j + 1]);
            }
            if (rank_one_dq_dc()) {
                const double org_scale = c_j * mixer_org_L_[j] + q_org_[j];
                diagonal_scratch_ =
                    org_scale * dq_dc_diagonal_.col(j).array() + (c_j * mixer_aq_L_[j] + q_aq_[j]);
                left_scratch_ = org_scale * dq_dc_left_.col(j);
                matrix_.set_diagonal_plus_rank_one(j, diagonal_scratch_, left_scratch_,
                                                   dq_dc_right_.col(j));
                if (j > 0) {
                    const double scale = -org_up(j - 1) * org_gain_[j - 1];
                    matrix_.set_lower_diagonal_plus_rank_one(j, scale * dq_dc_diagonal_.col(j - 1),
                                                             scale * dq_dc_left_.col(j - 1),
                                                             dq_dc_right_.col(j - 1));
                }
                continue;
            }
            auto d = matrix_.diag(j);
            if (!murphree_) {
                d = (c_j * mixer_org_L_[j] + q_org_[j]) * dq_dc_[j];
                d.diagonal().array() += c_j * mixer_aq_L_[j] + q_aq_[j];
                if (j > 0) {
                    matrix_.lower(j) = -org_up(j - 1) * org_gain_[j - 1] * dq_dc_[j - 1];
                }
                continue;
            }
            // Unknowns [c; m] (m: the mixer's organic). Holdup rows: (c_j V_a + Q_a) δc +
            // (c_j V_o + Q_o) δm; Murphree rows: δm - E ∂q*/∂c δc - (what enters) δm_(j-1).
            d.setZero();
            d.topLeftCorner(n_, n_).diagonal().setConstant(c_j * mixer_aq_L_[j] + q_aq_[j]);
            d.topRightCorner(n_, n_).diagonal().setConstant(c_j * mixer_org_L_[j] + q_org_[j]);
            d.bottomLeftCorner(n_, n_) = -efficiency_[j] * dq_dc_[j];
            d.bottomRightCorner(n_, n_).setIdentity();
            if (j > 0) {
                auto l = matrix_.lower(j);
                l.setZero();
                l.topRightCorner(n_, n_).diagonal().setConstant(-org_up(j - 1) * org_gain_[j - 1]);
                l.bottomRightCorner(n_, n_) = -org_gain_[j - 1] * entering_[j];
            }
        }
        factored_ = false;
        if (!matrix_.factorize_from(first)) {
            throw solver::SolverError("singular stage block in the dynamic iteration matrix", true);
        }
        factored_ = true;
    }

    void solve_linear(double t, const double* y, double c_j, const double* r, double* z) override
    {
        // dq/dc moves fast enough during a start-up that a matrix kept over several steps
        // costs more steps than refactoring does (17 x 20 start-up: 6,600 steps against
        // 5,100), so it is refreshed at every step's first Newton iterate (IDA's t changes)
        // and whenever c_j changes; within a step that matrix converges as well as the exact
        // one (2,499 steps against 2,504) at a third less time.
        if (c_j != c_j_ || t != setup_t_) {
            refresh_matrix(t, y, c_j);
        }
        if (m_ > 0) {
            solve_extras(r, z);
            return;
        }
        for (int j = 0; j < stages_; ++j) {
            settler_offsets(j, r);
        }
        const int b = matrix_.block_size();
        for (int j = 0; j < stages_; ++j) {
            reduced_rhs(j, r, n_, work_.data() + j * b);
            if (murphree_) {
                auto bottom = work_.segment(j * b + n_, n_);
                bottom = Eigen::Map<const Eigen::VectorXd>(r + m_index(j, 0), n_);
                if (j > 0) {
                    bottom.noalias() += entering_[j] * org_offset_.col(j - 1);
                }
            }
        }
        matrix_.solve(work_);
        // Back-substitution: holdups, settler cells, amounts left.
        Eigen::VectorXd dq(n_);
        for (int j = 0; j < stages_; ++j) {
            const auto dc = work_.segment(j * b, n_);
            if (murphree_) {
                dq = work_.segment(j * b + n_, n_);
                Eigen::Map<Eigen::VectorXd>(z + m_index(j, 0), n_) = dq;
            } else if (rank_one_dq_dc()) {
                dq = dq_dc_diagonal_.col(j).cwiseProduct(dc) +
                     dq_dc_left_.col(j) * dq_dc_right_.col(j).dot(dc);
            } else {
                dq.noalias() = dq_dc_[j] * dc;
            }
            for (int k = 0; k < n_; ++k) {
                z[c_index(j, k)] = dc[k];
            }
            back_substitute(j, r, dc, dq, z);
        }
    }

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
    void content_jacobians(int j, const double* y)
    {
        Eigen::VectorXd q(n_);
        mixer_chemistry(j, y + c_index(j, 0), y + x_index(j, 0), chem_, q);
        Eigen::VectorXd per_c(n_ + m_);
        per_c.setOnes();
        for (int m = 0; m < n_; ++m) {
            const double c = y[c_index(j, m)];
            per_c[m] = 1.0 / std::copysign(std::max(std::abs(c), 1e-300), c);
        }
        Eigen::MatrixXd& a = aq_content_jac_[j];
        Eigen::MatrixXd& o = org_content_jac_[j];
        a.setZero();
        for (int k = 0; k < n_; ++k) {
            a(k, k) = 1.0;
            o.row(k) = q[k] * chem_.d_ln_org.row(k);
        }
        a.bottomRows(k_) = chem_.d_aqueous;
        o.bottomRows(k_) = chem_.d_organic;
        local_jac_[j] = chem_.d_local;
        for (int m = 0; m < n_; ++m) {
            o.col(m) *= per_c[m];
            a.col(m).tail(k_) *= per_c[m];
            local_jac_[j].col(m) *= per_c[m];
        }
        // A log-defined holdup row, ln N⁺(N) − ln S(u) with S = V_a A + V_o O, linearizes to
        // δN = g r + (g / S) dS/du δu with g = N⁺ / N⁺' (soft_positive).
        for (const int i : log_rows_) {
            const double held =
                mixer_aq_L_[j] * chem_.aqueous[i - n_] + mixer_org_L_[j] * chem_.organic[i - n_];
            definition_gain_(i, j) = soft_positive(y[n_index(j, i)], holdup_floor_mol_[j]).gain;
            holdup_scale_(i, j) = definition_gain_(i, j) / held;
        }
    }

    //! A positive stand-in N⁺ for a holdup N (mol) defined in log form: N itself from the
    //! floor ε up (ε: a concentration at the absolute tolerance in the mixer), ε² / (2ε − N)
    //! below it (value and slope continuous at ε; ε / 2 at 0, ε² / |N| far below). A holdup
    //! that rounding has taken to or below zero still has a logarithm. gain: N⁺ / N⁺'.
    struct SoftHoldup {
        double positive, gain;
    };
    static SoftHoldup soft_positive(double n, double floor)
    {
        if (n >= floor) {
            return {n, n};
        }
        const double gap = 2.0 * floor - n;  // N⁺' = ε² / gap²
        return {floor * floor / gap, gap};
    }

    void build_extras_matrix(double c_j)
    {
        set_settler_gains(c_j);
        for (int j = 0; j < stages_; ++j) {
            Eigen::MatrixXd& d = extras_matrix_.diag[j];
            // Holdup rows: c_j (scaled for log-defined quantities) d(V_a A + V_o O)/du plus
            // what the mixer's outflows carry.
            d.topRows(t_) =
                (c_j * holdup_scale_.col(j)).asDiagonal() *
                    (mixer_aq_L_[j] * aq_content_jac_[j] + mixer_org_L_[j] * org_content_jac_[j]) +
                q_aq_[j] * aq_content_jac_[j] + q_org_[j] * org_content_jac_[j];
            d.bottomRows(m_ - k_) = local_jac_[j];
            if (j + 1 < stages_) {
                extras_matrix_.upper[j].setZero();
                extras_matrix_.upper[j].topRows(t_) =
                    -aq_down(j + 1) * aq_gain_[j + 1] * aq_content_jac_[j + 1];
            }
            if (j > 0) {
                extras_matrix_.lower[j].setZero();
                extras_matrix_.lower[j].topRows(t_) =
                    -org_up(j - 1) * org_gain_[j - 1] * org_content_jac_[j - 1];
            }
        }
        work_.setZero();  // factorize_and_solve factorizes while it solves
        if (!extras_matrix_.factorize_and_solve(work_)) {
            throw solver::SolverError("singular stage block in the dynamic iteration matrix", true);
        }
    }

    void solve_extras(const double* r, double* z)
    {
        for (int j = 0; j < stages_; ++j) {
            settler_offsets(j, r);
        }
        const int b = n_ + m_;
        for (int j = 0; j < stages_; ++j) {
            reduced_rhs(j, r, t_, work_.data() + j * b, definition_gain_.col(j).data());
            for (int l = 0; l < m_ - k_; ++l) {
                work_[j * b + t_ + l] = r[x_index(j, k_ + l)];
            }
        }
        extras_matrix_.solve_factored(work_);
        Eigen::VectorXd d_aq(t_), d_org(t_);
        for (int j = 0; j < stages_; ++j) {
            const auto du = work_.segment(j * b, b);
            for (int k = 0; k < n_; ++k) {
                z[c_index(j, k)] = du[k];
            }
            for (int e = 0; e < m_; ++e) {
                z[x_index(j, e)] = du[n_ + e];
            }
            d_aq.noalias() = aq_content_jac_[j] * du;
            d_org.noalias() = org_content_jac_[j] * du;
            back_substitute(j, r, d_aq, d_org, z, definition_gain_.col(j).data(),
                            holdup_scale_.col(j).data());
        }
    }

    //! Holdups, settler cells and amounts left of stage j from the changes of its mixer's
    //! aqueous and organic contents (t each); gain and scale: the definition gains and holdup
    //! scales of log-defined quantities (null: 1).
    void back_substitute(int j, const double* r, const Eigen::Ref<const Eigen::VectorXd>& d_aq,
                         const Eigen::Ref<const Eigen::VectorXd>& d_org, double* z,
                         const double* gain = nullptr, const double* scale = nullptr) const
    {
        // Locals: a store through z could alias the flows as far as the compiler knows.
        const double q_aq = q_aq_[j], q_org = q_org_[j];
        const double v_aq = mixer_aq_L_[j], v_org = mixer_org_L_[j], per_c_j = 1.0 / c_j_;
        const double per_aq = 1.0 / (c_j_ * settler_aq_L_[j] + q_aq);
        const double per_org = 1.0 / (c_j_ * settler_org_L_[j] + q_org);
        const double aq_leaving = q_aq - aq_down(j), org_leaving = q_org - org_up(j);
        const int count = static_cast<int>(d_aq.size());
        const double* __restrict d_aq_data = d_aq.data();
        const double* __restrict d_org_data = d_org.data();
        const double* __restrict r_definition = r + definition_row(j, 0);
        double* __restrict z_holdup = z + n_index(j, 0);
        for (int i = 0; i < count; ++i) {
            const double held = v_aq * d_aq_data[i] + v_org * d_org_data[i];
            z_holdup[i] =
                gain ? gain[i] * r_definition[i] + scale[i] * held : r_definition[i] + held;
        }
        // Cell by cell down each settler, from the change leaving the mixer.
        const double* aq = d_aq_data;
        const double* org = d_org_data;
        for (int cell = 0; cell < cells_; ++cell) {
            const double* __restrict r_aq = r + cs_index(j, cell, 0);
            const double* __restrict r_org = r + qs_index(j, cell, 0);
            double* __restrict z_aq = z + cs_index(j, cell, 0);
            double* __restrict z_org = z + qs_index(j, cell, 0);
            for (int i = 0; i < count; ++i) {
                z_aq[i] = (r_aq[i] + q_aq * aq[i]) * per_aq;
                z_org[i] = (r_org[i] + q_org * org[i]) * per_org;
            }
            aq = z_aq;
            org = z_org;
        }
        const double* __restrict r_left = r + out_index(j, 0);
        double* __restrict z_left = z + out_index(j, 0);
        for (int i = 0; i < count; ++i) {
            z_left[i] = (r_left[i] + aq_leaving * aq[i] + org_leaving * org[i]) * per_c_j;
        }
    }

    //! The organic leaving stage j's mixer: at equilibrium with its aqueous, or, with Murphree
    //! efficiencies, the unknown m.
    void mixer_organic(int j, const double* y, Eigen::VectorXd& q) const
    {
        if (murphree_) {
            q = Eigen::Map<const Eigen::VectorXd>(y + m_index(j, 0), n_);
        } else if (m_ > 0) {
            StageChemistry chem;
            mixer_chemistry(j, y + c_index(j, 0), y + x_index(j, 0), chem, q);
        } else {
            organic(j, y + c_index(j, 0), q);
        }
    }

    //! With extra species: the model's view of stage j's mixer at aqueous c and extras x
    //! (chem), and the elements' organic q (with the signs of c, as organic()).
    void mixer_chemistry(int j, const double* c, const double* x, StageChemistry& chem,
                         Eigen::VectorXd& q) const
    {
        const Eigen::VectorXd ln_c = ln_magnitudes(c);
        model_.stage_chemistry(conditions_[j], ln_c, Eigen::Map<const Eigen::VectorXd>(x, m_),
                               chem);
        for (int k = 0; k < n_; ++k) {
            q[k] = std::exp(chem.ln_org[k] - ln_c[k]) * c[k];
        }
    }

    //! Murphree (organic side, as reesx run, docs/model.md): m = (1 - E) ρ q_in + E q*(c),
    //! q_in the organic entering the mixer, ρ (saturated model) rescaling it to the stage's
    //! RE content. Fills `target` and/or `entering` = (1 - E) ∂(ρ q_in)/∂q_in × the share of
    //! the entering organic that comes from the stage below.
    void murphree_target(int j, const double* y, Eigen::VectorXd* target,
                         Eigen::MatrixXd* entering) const
    {
        const double e = efficiency_[j];
        Eigen::VectorXd q_in = organic_feed_mol_per_h_.col(j) / q_org_[j];
        const double from_below = j > 0 ? org_up(j - 1) / q_org_[j] : 0.0;
        if (j > 0) {
            for (int k = 0; k < n_; ++k) {
                q_in[k] += from_below *
                           (cells_ > 0 ? y[qs_index(j - 1, cells_ - 1, k)] : y[m_index(j - 1, k)]);
            }
        }
        const double total_in = q_in.sum();
        const bool saturated = model_.saturated_organic() && total_in > 0.0;
        const double rho = saturated ? conditions_[j].organic_re_mol_per_L / total_in : 1.0;
        if (target) {
            Eigen::VectorXd q_star(n_);
            organic(j, y + c_index(j, 0), q_star);
            *target = (1.0 - e) * rho * q_in + e * q_star;
        }
        if (entering) {
            // ∂(ρ q_in)/∂q_in = ρ (I - q_in 1ᵀ / Σ q_in) when ρ rescales, else I.
            entering->setIdentity(n_, n_);
            if (saturated) {
                *entering -= q_in * Eigen::RowVectorXd::Ones(n_) / total_in;
                *entering *= rho;
            }
            *entering *= (1.0 - e) * from_below;
        }
    }

    void residual(double, const double* y, const double* yp, double* f) override
    {
        // Organic of every stage first: stage j needs its neighbour's.
        for (int j = 0; j < stages_; ++j) {
            if (m_ > 0) {
                mixer_chemistry(j, y + c_index(j, 0), y + x_index(j, 0), chem_, q_[j]);
                aq_extra_.col(j) = chem_.aqueous;
                org_extra_.col(j) = chem_.organic;
                for (int l = 0; l < m_ - k_; ++l) {
                    f[x_index(j, k_ + l)] = chem_.local[l];  // the stage's own equations
                }
            } else {
                mixer_organic(j, y, q_[j]);
            }
        }
        if (murphree_) {
            Eigen::VectorXd target(n_);
            for (int j = 0; j < stages_; ++j) {
                murphree_target(j, y, &target, nullptr);
                for (int k = 0; k < n_; ++k) {
                    f[m_index(j, k)] = y[m_index(j, k)] - target[k];
                }
            }
        }
        // What each stage's mixer phases hold of each quantity, mol/L: elements, then the
        // conserved quantities of the extra species.
        for (int j = 0; j < stages_; ++j) {
            aq_mix_.col(j).head(n_) = Eigen::Map<const Eigen::VectorXd>(y + c_index(j, 0), n_);
            org_mix_.col(j).head(n_) = q_[j];
            if (k_ > 0) {
                aq_mix_.col(j).tail(k_) = aq_extra_.col(j);
                org_mix_.col(j).tail(k_) = org_extra_.col(j);
            }
        }
        const double* none = zeros_.data();
        for (int j = 0; j < stages_; ++j) {
            // Locals: a store through f could alias the flows as far as the compiler knows.
            const double q_aq = q_aq_[j], q_org = q_org_[j];
            const double v_aq = mixer_aq_L_[j], v_org = mixer_org_L_[j];
            const double s_aq = settler_aq_L_[j], s_org = settler_org_L_[j];
            const double from_above = j + 1 < stages_ ? aq_down(j + 1) : 0.0;
            const double from_below = j > 0 ? org_up(j - 1) : 0.0;
            const double aq_leaving = q_aq - aq_down(j), org_leaving = q_org - org_up(j);
            // Each quantity's rows of stage j, t_ apart: the phases leaving its settler and
            // those entering from the neighbours' settlers (or mixers, without cells).
            const double* __restrict c = aq_mix_.col(j).data();
            const double* __restrict q = org_mix_.col(j).data();
            const double* __restrict aq_out = cells_ > 0 ? y + cs_index(j, cells_ - 1, 0) : c;
            const double* __restrict org_out = cells_ > 0 ? y + qs_index(j, cells_ - 1, 0) : q;
            const double* __restrict aq_in = j + 1 == stages_ ? none
                                             : cells_ > 0     ? y + cs_index(j + 1, cells_ - 1, 0)
                                                              : aq_mix_.col(j + 1).data();
            const double* __restrict org_in = j == 0       ? none
                                              : cells_ > 0 ? y + qs_index(j - 1, cells_ - 1, 0)
                                                           : org_mix_.col(j - 1).data();
            const double* __restrict feed = feed_mol_per_h_.col(j).data();
            const double* __restrict holdup = y + n_index(j, 0);
            const double* __restrict holdup_rate = yp + n_index(j, 0);
            const double* __restrict left_rate = yp + out_index(j, 0);
            double* __restrict f_holdup = f + n_index(j, 0);
            // The holdup fixes the mixer's composition: an element's row at its
            // concentration, a conserved quantity's at its extra unknown (definition_row).
            double* __restrict f_definition = f + definition_row(j, 0);
            double* __restrict f_left = f + out_index(j, 0);
            for (int i = 0; i < t_; ++i) {
                const double in = feed[i] + from_above * aq_in[i] + from_below * org_in[i];
                f_holdup[i] = holdup_rate[i] - (in - q_aq * c[i] - q_org * q[i]);
                f_definition[i] = holdup[i] - v_aq * c[i] - v_org * q[i];
                f_left[i] = left_rate[i] - (aq_leaving * aq_out[i] + org_leaving * org_out[i]);
            }
            // A species with positive contents e^(extra) in both phases, defined as
            // ln N⁺ - ln(V_a A + V_o O): its holdup falls by orders of magnitude as the
            // species leaves a section, and N - V_a e^x - V_o e^x' then takes a Newton
            // iteration per unit of ln (and none once rounding has taken N to zero or
            // below), while the logarithms take one.
            for (const int i : log_rows_) {
                f_definition[i] =
                    std::log(soft_positive(holdup[i], holdup_floor_mol_[j]).positive) -
                    std::log(v_aq * c[i] + v_org * q[i]);
            }
            for (int cell = 0; cell < cells_; ++cell) {
                const double* __restrict aq_before = cell == 0 ? c : y + cs_index(j, cell - 1, 0);
                const double* __restrict org_before = cell == 0 ? q : y + qs_index(j, cell - 1, 0);
                const double* __restrict aq_cell = y + cs_index(j, cell, 0);
                const double* __restrict org_cell = y + qs_index(j, cell, 0);
                const double* __restrict aq_rate = yp + cs_index(j, cell, 0);
                const double* __restrict org_rate = yp + qs_index(j, cell, 0);
                double* __restrict f_aq = f + cs_index(j, cell, 0);
                double* __restrict f_org = f + qs_index(j, cell, 0);
                for (int i = 0; i < t_; ++i) {
                    f_aq[i] = s_aq * aq_rate[i] - q_aq * (aq_before[i] - aq_cell[i]);
                    f_org[i] = s_org * org_rate[i] - q_org * (org_before[i] - org_cell[i]);
                }
            }
        }
    }

    //! A state with mixer aqueous concentrations c (stages × components), mixer organic
    //! concentrations `organic_c` (Murphree; otherwise, or when empty, at equilibrium with c),
    //! extras (stages × m, models with extra species) and settlers holding what their mixer
    //! holds.
    Eigen::VectorXd state_from(const Eigen::MatrixXd& c, const Eigen::MatrixXd& organic_c,
                               const Eigen::MatrixXd& extras) const
    {
        Eigen::VectorXd y = Eigen::VectorXd::Zero(size());
        Eigen::VectorXd q(n_), aq(t_), org(t_);
        StageChemistry chem;
        for (int j = 0; j < stages_; ++j) {
            const Eigen::VectorXd row = c.row(j).transpose();  // c is column-major
            if (m_ > 0) {
                const Eigen::VectorXd x = extras.row(j).transpose();
                mixer_chemistry(j, row.data(), x.data(), chem, q);
                y.segment(x_index(j, 0), m_) = x;
                aq.tail(k_) = chem.aqueous;
                org.tail(k_) = chem.organic;
            } else if (murphree_ && organic_c.size() > 0) {
                q = organic_c.row(j).transpose();
            } else {
                organic(j, row.data(), q);
            }
            aq.head(n_) = row;
            org.head(n_) = q;
            for (int k = 0; k < n_; ++k) {
                y[c_index(j, k)] = c(j, k);
                if (murphree_) {
                    y[m_index(j, k)] = q[k];
                }
            }
            for (int i = 0; i < t_; ++i) {
                y[n_index(j, i)] = mixer_aq_L_[j] * aq[i] + mixer_org_L_[j] * org[i];
                for (int cell = 0; cell < cells_; ++cell) {
                    y[cs_index(j, cell, i)] = aq[i];
                    y[qs_index(j, cell, i)] = org[i];
                }
            }
        }
        return y;
    }

    //! With extra species: stage j's mixer filled with the feed's aqueous and the fresh
    //! organic at its phase ratio, brought to equilibrium (the model's local equations) with
    //! every element and conserved quantity kept: Newton on (ln c, extras) from the feed's
    //! aqueous and the model's start for it. Returns the aqueous c and the extras.
    std::pair<Eigen::VectorXd, Eigen::VectorXd> mixed_feed_and_fresh_organic(int j) const
    {
        const FeedSpec& feed = spec_.feeds[0];
        StreamChemistry aqueous_stream, organic_stream;
        aqueous_stream.acid_mol_per_L = feed.acid_mol_per_L;
        aqueous_stream.re_mol_per_L = feed.concentration_mol_per_L;
        organic_stream.organic = true;
        organic_stream.fresh_organic = true;
        const Eigen::VectorXd aq_content = model_.stream_content(aqueous_stream);
        const Eigen::VectorXd org_content = model_.stream_content(organic_stream);
        const double va = mixer_aq_L_[j], vo = mixer_org_L_[j];
        // What the mixer holds (mol) and the scale of each balance.
        Eigen::VectorXd held(t_), scale(t_);
        for (int k = 0; k < n_; ++k) {
            held[k] = va * feed.concentration_mol_per_L * feed.mole_fraction[spec_.components[k]];
            scale[k] = std::max(held[k], 1e-300);
        }
        held.tail(k_) = va * aq_content + vo * org_content;
        scale.tail(k_) = va * aq_content.cwiseAbs() + vo * org_content.cwiseAbs();
        scale.tail(k_) = scale.tail(k_).cwiseMax(1e-12);
        // Unknowns u = (ln c, x); equations: the balances (relative) and the local ones.
        Eigen::VectorXd u(n_ + m_), x;
        for (int k = 0; k < n_; ++k) {
            u[k] = std::log(scale[k] / va);
        }
        model_.start_extras(conditions_[j], u.head(n_), aq_content.cwiseMax(1e-9), x);
        u.tail(m_) = x;
        StageChemistry chem;
        const auto residual = [&](const Eigen::VectorXd& at, Eigen::VectorXd& r,
                                  Eigen::MatrixXd* jac) {
            model_.stage_chemistry(conditions_[j], at.head(n_), at.tail(m_), chem);
            r.resize(n_ + m_);
            if (jac) {
                jac->setZero(n_ + m_, n_ + m_);
            }
            for (int k = 0; k < n_; ++k) {
                const double c = std::exp(at[k]), q = std::exp(chem.ln_org[k]);
                r[k] = (va * c + vo * q - held[k]) / scale[k];
                if (jac) {
                    jac->row(k) = vo * q * chem.d_ln_org.row(k) / scale[k];
                    (*jac)(k, k) += va * c / scale[k];
                }
            }
            for (int p = 0; p < k_; ++p) {
                r[n_ + p] =
                    (va * chem.aqueous[p] + vo * chem.organic[p] - held[n_ + p]) / scale[n_ + p];
                if (jac) {
                    jac->row(n_ + p) =
                        (va * chem.d_aqueous.row(p) + vo * chem.d_organic.row(p)) / scale[n_ + p];
                }
            }
            for (int l = 0; l < m_ - k_; ++l) {
                r[n_ + k_ + l] = chem.local[l];
                if (jac) {
                    jac->row(n_ + k_ + l) = chem.d_local.row(l);
                }
            }
        };
        Eigen::VectorXd r, trial_r;
        Eigen::MatrixXd jac;
        residual(u, r, &jac);
        for (int iteration = 0; iteration < 200 && r.lpNorm<Eigen::Infinity>() > 1e-13;
             ++iteration) {
            Eigen::VectorXd step = jac.fullPivLu().solve(-r);
            // Logarithms: at most a factor e^2 per iteration, then halve until |r| falls.
            const double longest = step.lpNorm<Eigen::Infinity>();
            if (!std::isfinite(longest)) {
                break;
            }
            if (longest > 2.0) {
                step *= 2.0 / longest;
            }
            double lambda = 1.0;
            for (; lambda > 1e-6; lambda /= 2.0) {
                residual(u + lambda * step, trial_r, nullptr);
                if (trial_r.allFinite() &&
                    trial_r.lpNorm<Eigen::Infinity>() < r.lpNorm<Eigen::Infinity>()) {
                    break;
                }
            }
            u += lambda * step;
            residual(u, r, &jac);
        }
        if (!(r.lpNorm<Eigen::Infinity>() <= 1e-10)) {
            throw ConvergenceError(
                "the start from feed: the feed's aqueous and the fresh organic of stage " +
                std::to_string(j + 1) + " do not reach an equilibrium the '" + spec_.model_name +
                "' model can describe (largest balance error " +
                std::to_string(r.lpNorm<Eigen::Infinity>()) + "); start from the steady state");
        }
        return {u.head(n_).array().exp(), u.tail(m_)};
    }

    //! Inventory of each transported quantity (elements first) in the stages of `section`
    //! (all when negative), mol.
    Eigen::VectorXd inventory(const Eigen::VectorXd& y, int section = -1) const
    {
        Eigen::VectorXd total = Eigen::VectorXd::Zero(t_);
        for (int j = 0; j < stages_; ++j) {
            if (section >= 0 && static_cast<int>(conditions_[j].section) != section) {
                continue;
            }
            for (int i = 0; i < t_; ++i) {
                total[i] += y[n_index(j, i)];
                for (int cell = 0; cell < cells_; ++cell) {
                    total[i] += settler_aq_L_[j] * y[cs_index(j, cell, i)] +
                                settler_org_L_[j] * y[qs_index(j, cell, i)];
                }
            }
        }
        return total;
    }

    //! What has left the cascade of each transported quantity since t = 0, mol.
    Eigen::VectorXd left(const Eigen::VectorXd& y) const
    {
        Eigen::VectorXd total = Eigen::VectorXd::Zero(t_);
        for (int j = 0; j < stages_; ++j) {
            for (int i = 0; i < t_; ++i) {
                total[i] += y[out_index(j, i)];
            }
        }
        return total;
    }

    Eigen::VectorXd feed_rate() const { return feed_mol_per_h_.rowwise().sum(); }

    //! Streams leaving the cascade (name, stage, phase outflow in mol/h per component).
    struct Outlet {
        std::string name;
        Eigen::VectorXd mol_per_h;
    };
    std::vector<Outlet> outlets(const Eigen::VectorXd& y) const
    {
        std::vector<Outlet> out;
        Eigen::VectorXd q(n_);
        // Concentrations leaving stage j's settler (its mixer without settler cells).
        const auto leaving = [&](int j, bool aqueous, double flow_L_per_h) {
            mixer_organic(j, y.data(), q);
            Eigen::VectorXd m(n_);
            for (int k = 0; k < n_; ++k) {
                const double conc =
                    cells_ > 0
                        ? y[aqueous ? cs_index(j, cells_ - 1, k) : qs_index(j, cells_ - 1, k)]
                        : (aqueous ? y[c_index(j, k)] : q[k]);
                m[k] = flow_L_per_h * conc;
            }
            return m;
        };
        for (const auto& p : outlet_points(spec_)) {
            const int j = p.stage;
            const double flow_L_per_h = p.draw >= 0
                                            ? draw_flow_factor_ * spec_.draws[p.draw].flow_L_per_h
                                        : p.aqueous ? q_aq_[j] - draw_aq_[j]
                                                    : q_org_[j] - draw_org_[j];
            out.push_back({p.name, leaving(j, p.aqueous, flow_L_per_h)});
        }
        return out;
    }

    //! Purity of the control's element at its measuring point.
    double measured_purity(const DynamicControl& control, const Eigen::VectorXd& y) const
    {
        Eigen::VectorXd amounts(n_);
        if (!control.product.empty()) {
            for (const auto& o : outlets(y)) {
                if (o.name == control.product) {
                    amounts = o.mol_per_h;
                }
            }
        } else {
            const int j = control.stage - 1;
            if (control.phase == Phase::aqueous) {
                amounts = y.segment(c_index(j, 0), n_);
            } else {
                mixer_organic(j, y.data(), amounts);
            }
        }
        const auto k =
            std::find(spec_.components.begin(), spec_.components.end(), control.element) -
            spec_.components.begin();
        const double total = amounts.cwiseMax(0.0).sum();
        return total > 0.0 && k < n_ ? std::max(amounts[k], 0.0) / total : 0.0;
    }

    int stages() const { return stages_; }
    int components() const { return n_; }
    bool has_extra_species() const { return m_ > 0; }
    double time_constant_h() const
    {
        // The stage residence time (mixer + settler) of the first stage, for messages.
        return (mixer_aq_L_[0] + mixer_org_L_[0] +
                std::max(1, cells_) * (settler_aq_L_[0] + settler_org_L_[0])) /
               (q_aq_[0] + q_org_[0]);
    }
    void prepare()
    {
        q_.assign(stages_, Eigen::VectorXd(n_));
        aq_extra_.setZero(k_, stages_);
        org_extra_.setZero(k_, stages_);
        aq_mix_.setZero(t_, stages_);
        org_mix_.setZero(t_, stages_);
        zeros_.setZero(t_);
        dq_dc_.assign(stages_, Eigen::MatrixXd::Zero(n_, n_));
        dq_dc_diagonal_.setZero(n_, stages_);
        dq_dc_left_.setZero(n_, stages_);
        dq_dc_right_.setZero(n_, stages_);
        aq_gain_.assign(stages_, 0.0);
        org_gain_.assign(stages_, 0.0);
        aq_offset_.setZero(t_, stages_);
        org_offset_.setZero(t_, stages_);
        if (m_ > 0) {
            extras_matrix_ = solver::BlockTridiagonalMatrix(stages_, n_ + m_);
            work_.resize(stages_ * (n_ + m_));
            aq_content_jac_.assign(stages_, Eigen::MatrixXd::Zero(t_, n_ + m_));
            org_content_jac_.assign(stages_, Eigen::MatrixXd::Zero(t_, n_ + m_));
            local_jac_.assign(stages_, Eigen::MatrixXd::Zero(m_ - k_, n_ + m_));
            definition_gain_.setOnes(t_, stages_);
            holdup_scale_.setOnes(t_, stages_);
            return;
        }
        matrix_ = solver::DiagonalUpperBlockTridiagonal(stages_, murphree_ ? 2 * n_ : n_);
        work_.resize(stages_ * matrix_.block_size());
        entering_.assign(stages_, Eigen::MatrixXd::Zero(n_, n_));
    }
    //! Models with extra species: their named stage profiles (pH, ...), stages × names.
    Eigen::MatrixXd chemistry_profile(const Eigen::VectorXd& y) const
    {
        const auto names = model_.profile_names();
        Eigen::MatrixXd out(stages_, static_cast<Eigen::Index>(names.size()));
        for (int j = 0; j < stages_; ++j) {
            const auto values = model_.profile_values(ln_magnitudes(y.data() + c_index(j, 0)),
                                                      y.segment(x_index(j, 0), m_));
            for (std::size_t p = 0; p < values.size(); ++p) {
                out(j, static_cast<Eigen::Index>(p)) = values[p];
            }
        }
        return out;
    }
    Eigen::MatrixXd organic_profile(const Eigen::VectorXd& y) const
    {
        Eigen::MatrixXd out(stages_, n_);
        Eigen::VectorXd q(n_);
        for (int j = 0; j < stages_; ++j) {
            mixer_organic(j, y.data(), q);
            out.row(j) = q.transpose();
        }
        return out;
    }

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
    Eigen::VectorXd relative_k_;      //!< K_i / max K of a saturated model; empty otherwise
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

    //! What the settler residuals alone move the concentration leaving stage j's last
    //! aqueous and organic cells by (the δ at zero mixer change), into aq_offset_/org_offset_.
    void settler_offsets(int j, const double* r)
    {
        const double q_aq = q_aq_[j], q_org = q_org_[j];
        const double per_aq = 1.0 / (c_j_ * settler_aq_L_[j] + q_aq);
        const double per_org = 1.0 / (c_j_ * settler_org_L_[j] + q_org);
        double* __restrict aq = aq_offset_.col(j).data();
        double* __restrict org = org_offset_.col(j).data();
        for (int i = 0; i < t_; ++i) {
            aq[i] = 0.0;
            org[i] = 0.0;
        }
        for (int cell = 0; cell < cells_; ++cell) {
            const double* __restrict r_aq = r + cs_index(j, cell, 0);
            const double* __restrict r_org = r + qs_index(j, cell, 0);
            for (int i = 0; i < t_; ++i) {
                aq[i] = (r_aq[i] + q_aq * aq[i]) * per_aq;
                org[i] = (r_org[i] + q_org * org[i]) * per_org;
            }
        }
    }

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

void check_supported(const CaseSpec& spec, const DynamicSpec& dynamic)
{
    const InputNode where = spec.root ? *spec.root : InputNode::load_string("{}", "case");
    if (!spec.model->extra_unknowns().empty() && dynamic.start == StartState::fresh) {
        where.fail("the '" + spec.model_name +
                   "' model has no state for an empty aqueous (without acid, the saponified "
                   "organic would make it basic, which the model does not describe); use "
                   "dynamic.start: feed or steady-state");
    }
    if (dynamic.start == StartState::fresh && spec.model->saturated_organic()) {
        where.fail(
            "the separation-factor model keeps the organic saturated and cannot start "
            "from an empty cascade; use dynamic.start: feed or steady-state, or model: "
            "constant-distribution");
    }
}

DynamicResult integrate(const CaseSpec& spec, const DynamicSpec& dynamic, DynamicCascade& model,
                        const Eigen::VectorXd& y0,
                        const std::function<void(const std::string&)>& progress,
                        DynamicResult& result, std::chrono::steady_clock::time_point start_time)
{
    const int stages = model.stages(), n = model.components();
    const Eigen::VectorXd inventory0 = model.inventory(y0);
    std::vector<double> times;
    for (int i = 1; i <= dynamic.outputs; ++i) {
        times.push_back(dynamic.hours * i / dynamic.outputs);
    }
    // Requested profile times are output times too.
    for (const double t : dynamic.profile_times_h) {
        if (t <= dynamic.hours) {
            times.push_back(t);
        }
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    solver::IdaOptions options = dynamic.ida;
    if (model.has_extra_species()) {
        // The extras' equilibria (organic ∝ ([(HA)2] / [H+])^3 for P507) make the Newton
        // rate vary from step to step: without this the mass-action start-up
        // (examples/prnd-p507-mass-action-startup.yaml) stops for tolerances from 2.5e-6
        // on, its algebraic unknowns drifting over steps accepted on one correction
        // (docs/dynamics.md). A bound of 10 costs the separation-factor start-up 9 % more
        // residuals for nothing, so it applies here only.
        options.first_correction_trust = 10.0;
    }
    solver::IdaIntegrator ida(model, 0.0, y0, options);
    ida.correct_initial_conditions(times.front());

    for (const auto& o : model.outlets(y0)) {
        ProductSeries p;
        p.name = o.name;
        // Purity is that of the element the product has at steady state (without one: at
        // the end, below).
        for (const auto& steady : result.steady_state.products) {
            if (steady.name == o.name) {
                p.main_element = steady.re_mol_per_h > 0.0 ? steady.main_element : -1;
            }
        }
        result.products.push_back(p);
    }
    Eigen::VectorXd fed = Eigen::VectorXd::Zero(model.feed_rate().size());  // elements first
    double t_fed = 0.0;
    bool flows_changed = false;
    std::size_t next_event = 0;
    int reported = 0;
    DynamicEvent flows;  // the factors in force
    std::optional<DynamicControl> control = dynamic.control;
    if (control && control->element < 0) {
        // A product's purity is that of the element it carries at steady state.
        for (const auto& p : result.products) {
            if (p.name == control->product) {
                control->element = p.main_element;
            }
        }
    }
    if (control) {
        result.control.element = control->element;
    }
    if (!spec.model->extra_unknowns().empty()) {
        result.chemistry_names = spec.model->profile_names();
    }
    double next_sample = control ? control->start_h : INFINITY;
    // Each product's outflow per element (mol/h) at each output time, for its purity once
    // its main element is known.
    std::vector<std::vector<Eigen::VectorXd>> outflow_mol_per_h(result.products.size());
    for (const double t_out : times) {
        // Scheduled changes and control samples inside this interval, in time order:
        // integrate to each, change the flows, restart.
        while (true) {
            const double t_event =
                next_event < dynamic.events.size() ? dynamic.events[next_event].time_h : INFINITY;
            const double t_action = std::min(t_event, next_sample);
            if (t_action > t_out) {
                break;
            }
            ida.advance_to(t_action);
            fed += model.feed_rate() * (t_action - t_fed);
            t_fed = t_action;
            DynamicEvent changed = flows;
            const bool scheduled = t_event <= next_sample;
            if (scheduled) {
                changed = dynamic.events[next_event++];
                if (control) {
                    changed.*(control->factor) = flows.*(control->factor);  // the loop's
                }
            } else {
                const double purity = model.measured_purity(*control, ida.state());
                const double impurity_ratio =
                    std::max(1.0 - purity, 1e-15) / (1.0 - control->setpoint_purity);
                changed.*(control->factor) = std::clamp(
                    flows.*(control->factor) * std::exp(control->gain * std::log(impurity_ratio)),
                    control->min_factor, control->max_factor);
                result.control.times_h.push_back(t_action);
                result.control.measured_purity.push_back(purity);
                result.control.factor.push_back(changed.*(control->factor));
                next_sample += control->interval_h;
            }
            if (scheduled || changed.*(control->factor) != flows.*(control->factor)) {
                changed.time_h = t_action;
                flows = changed;
                model.set_flows(flows);
                flows_changed = true;
                ida.restart(t_action, t_out > t_action ? t_out : t_action + 1e-6);
            }
        }
        ida.advance_to(t_out);
        fed += model.feed_rate() * (t_out - t_fed);
        t_fed = t_out;
        const Eigen::VectorXd y = ida.state();
        result.times_h.push_back(t_out);
        std::array<double, num_elements> inv{};
        const Eigen::VectorXd inventory = model.inventory(y);
        for (int k = 0; k < n; ++k) {
            inv[spec.components[k]] = inventory[k];
        }
        result.inventory_mol.push_back(inv);
        if (!spec.model->extra_unknowns().empty()) {
            result.chemistry.push_back(model.chemistry_profile(y));
        }
        const auto outlets = model.outlets(y);
        for (std::size_t p = 0; p < outlets.size(); ++p) {
            result.products[p].re_mol_per_h.push_back(outlets[p].mol_per_h.sum());
            outflow_mol_per_h[p].push_back(outlets[p].mol_per_h);
        }
        if (std::find(dynamic.profile_times_h.begin(), dynamic.profile_times_h.end(), t_out) !=
            dynamic.profile_times_h.end()) {
            StageProfile profile;
            profile.time_h = t_out;
            profile.aqueous_mol_per_L = Eigen::MatrixXd::Zero(stages, num_elements);
            profile.organic_mol_per_L = Eigen::MatrixXd::Zero(stages, num_elements);
            const Eigen::MatrixXd organic_now = model.organic_profile(y);
            for (int j = 0; j < stages; ++j) {
                for (int k = 0; k < n; ++k) {
                    profile.aqueous_mol_per_L(j, spec.components[k]) = y[model.c_index(j, k)];
                    profile.organic_mol_per_L(j, spec.components[k]) = organic_now(j, k);
                }
            }
            result.profiles.push_back(std::move(profile));
        }
        const int percent = static_cast<int>(100.0 * t_out / dynamic.hours);
        if (progress && percent >= reported + 10) {
            reported = percent - percent % 10;
            const auto s = ida.stats();
            std::ostringstream line;
            line << "dynamic: " << reported << " % (" << t_out << " h, " << s.steps << " steps)";
            progress(line.str());
        }
    }
    const Eigen::VectorXd y = ida.state();
    const Eigen::VectorXd balance = model.inventory(y) + model.left(y) - inventory0 - fed;
    for (int k = 0; k < n; ++k) {
        const double scale = std::max(fed[k], inventory0[k]);
        if (scale > 0.0) {
            result.conservation_relative_error =
                std::max(result.conservation_relative_error, std::abs(balance[k]) / scale);
        }
    }
    for (int s = 0; s < 3; ++s) {
        const Eigen::VectorXd inv = model.inventory(y, s);
        for (int k = 0; k < n; ++k) {
            result.section_inventory_mol[s][spec.components[k]] = inv[k];
        }
    }
    for (std::size_t p = 0; p < result.products.size(); ++p) {
        auto& series = result.products[p];
        const Eigen::VectorXd& end = outflow_mol_per_h[p].back();
        if (!result.has_steady_state && end.sum() > 0.0) {
            Eigen::Index largest = 0;
            end.maxCoeff(&largest);
            series.main_element = spec.components[static_cast<std::size_t>(largest)];
        }
        const auto main =
            std::find(spec.components.begin(), spec.components.end(), series.main_element) -
            spec.components.begin();
        for (const Eigen::VectorXd& m : outflow_mol_per_h[p]) {
            const double total = m.sum();
            // A product that carries nothing at steady state has no main element: purity 0.
            series.purity.push_back(total > 0.0 && series.main_element >= 0 ? m[main] / total
                                                                            : 0.0);
        }
        for (std::size_t i = series.purity.size(); i-- > 0;) {
            if (series.purity[i] < dynamic.target_purity) {
                break;
            }
            series.time_to_target_h = result.times_h[i];
        }
    }
    result.aqueous_mol_per_L = Eigen::MatrixXd::Zero(stages, num_elements);
    result.organic_mol_per_L = Eigen::MatrixXd::Zero(stages, num_elements);
    const Eigen::MatrixXd organic = model.organic_profile(y);
    double largest = 0.0;
    for (int j = 0; j < stages; ++j) {
        for (int k = 0; k < n; ++k) {
            const int e = spec.components[k];
            result.aqueous_mol_per_L(j, e) = y[model.c_index(j, k)];
            result.organic_mol_per_L(j, e) = organic(j, k);
            if (result.has_steady_state) {
                largest = std::max(largest, result.steady_state.aqueous_mol_per_L(j, e));
            }
        }
    }
    if (!result.has_steady_state) {
        result.steady_state_relative_difference = NAN;  // nothing to compare with
    } else if (!flows_changed) {
        for (int j = 0; j < stages; ++j) {
            for (int e = 0; e < num_elements; ++e) {
                const double ss = result.steady_state.aqueous_mol_per_L(j, e);
                if (ss > 1e-9 * largest) {
                    result.steady_state_relative_difference =
                        std::max(result.steady_state_relative_difference,
                                 std::abs(result.aqueous_mol_per_L(j, e) - ss) / ss);
                }
            }
        }
    } else {
        result.steady_state_relative_difference = NAN;  // the flows changed: another state
    }
    result.stats = ida.stats();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return result;
}

}  // namespace

namespace {

DynamicControl parse_control(const CaseSpec& spec, const InputNode& node)
{
    node.check_keys({"measure", "setpoint", "adjust", "gain", "interval", "start", "limits"});
    DynamicControl c;
    const InputNode measure = node.at("measure");
    measure.check_keys({"product", "stage", "phase", "element"});
    if (measure.has("product") == measure.has("stage")) {
        measure.fail(
            "give either product (raffinate, loaded_organic, strip_liquor, stripped_organic "
            "or a side draw's name) or stage (with phase and element) to measure");
    }
    if (const auto v = measure.find("product")) {
        c.product = v->as_string();
        std::string list;
        bool found = false;
        for (const auto& p : outlet_points(spec)) {
            list += (list.empty() ? "" : ", ") + p.name;
            found = found || p.name == c.product;
        }
        if (!found) {
            v->fail("this cascade has no product '" + c.product + "'; its products: " + list);
        }
    } else {
        c.stage = static_cast<int>(measure.at("stage").as_integer_in(1, spec.num_stages()));
        if (const auto phase_node = measure.find("phase")) {
            const std::string phase = phase_node->as_string();
            if (phase != "aqueous" && phase != "organic") {
                phase_node->fail("expected aqueous or organic, found '" + phase + "'");
            }
            c.phase = phase == "aqueous" ? Phase::aqueous : Phase::organic;
        }
        if (!measure.has("element")) {
            measure.fail("a stage measurement needs the element whose purity is measured");
        }
    }
    if (const auto v = measure.find("element")) {
        const auto e = element_index(v->as_string());
        if (!e || std::find(spec.components.begin(), spec.components.end(), *e) ==
                      spec.components.end()) {
            v->fail("'" + v->as_string() + "' is not an element of this cascade's feed");
        }
        c.element = *e;
    }
    c.setpoint_purity = node.at("setpoint").as_double_in(0.0, 1.0, false, false);
    const InputNode adjust = node.at("adjust");
    const std::string what = adjust.as_string();
    if (what == "feed-flow") {
        c.factor = &DynamicEvent::feed_flow_factor;
    } else if (what == "organic-flow") {
        c.factor = &DynamicEvent::organic_flow_factor;
    } else if (what == "scrub-flow") {
        c.factor = &DynamicEvent::scrub_flow_factor;
    } else if (what == "strip-flow") {
        c.factor = &DynamicEvent::strip_flow_factor;
    } else if (what == "draw-flow") {
        c.factor = &DynamicEvent::draw_flow_factor;
    } else {
        adjust.fail(
            "expected feed-flow, organic-flow, scrub-flow, strip-flow or draw-flow, found '" +
            what + "'");
    }
    c.adjusted = what;
    if ((what == "scrub-flow" && !spec.scrub) || (what == "strip-flow" && !spec.strip) ||
        (what == "draw-flow" && spec.draws.empty())) {
        adjust.fail("this cascade has no " + what.substr(0, what.find('-')) + " to adjust");
    }
    if (const auto v = node.find("gain")) {
        c.gain = v->as_double_in(-10.0, 10.0);
    }
    if (const auto v = node.find("interval")) {
        c.interval_h = v->as_quantity_in(Quantity::time, "h", 0.0, 1e6, false);
    }
    if (const auto v = node.find("start")) {
        c.start_h = v->as_quantity_in(Quantity::time, "h", 0.0, 1e7);
    }
    if (const auto v = node.find("limits")) {
        const auto limits = v->elements();
        if (limits.size() != 2) {
            v->fail("expected [lowest, highest] factor, e.g. [0.5, 2]");
        }
        c.min_factor = limits[0].as_double_in(0.0, 100.0, false);
        c.max_factor = limits[1].as_double_in(c.min_factor, 100.0);
    }
    return c;
}

}  // namespace

DynamicSpec parse_dynamic(const CaseSpec& spec)
{
    DynamicSpec d;
    if (!spec.root || !spec.root->has("dynamic")) {
        return d;
    }
    const InputNode node = spec.root->at("dynamic");
    node.check_keys({"hours", "mixer-residence-time", "settler-residence-time", "settler-cells",
                     "start", "outputs", "profiles-at", "events", "control", "target-purity",
                     "relative-tolerance", "absolute-tolerance"});
    if (const auto v = node.find("hours")) {
        d.hours = v->as_quantity_in(Quantity::time, "h", 0.0, 1e7, false);
    }
    if (const auto v = node.find("mixer-residence-time")) {
        d.mixer_residence_h = v->as_quantity_in(Quantity::time, "min", 0.0, 1e3, false);
    }
    if (const auto v = node.find("settler-residence-time")) {
        d.settler_residence_h = v->as_quantity_in(Quantity::time, "min", 0.0, 1e3, true);
    }
    if (const auto v = node.find("settler-cells")) {
        d.settler_cells = static_cast<int>(v->as_integer_in(0, 10));
    }
    if (d.settler_residence_h == 0.0) {
        d.settler_cells = 0;
    }
    if (const auto v = node.find("start")) {
        const std::string s = v->as_string();
        if (s == "steady-state") {
            d.start = StartState::steady_state;
        } else if (s == "feed") {
            d.start = StartState::feed;
        } else if (s == "fresh") {
            d.start = StartState::fresh;
        } else {
            v->fail(
                "expected steady-state, feed (every stage filled with the feed solution) "
                "or fresh (empty aqueous, fresh organic), found '" +
                s + "'");
        }
    }
    if (const auto v = node.find("outputs")) {
        d.outputs = static_cast<int>(v->as_integer_in(1, 100000));
    }
    if (const auto v = node.find("profiles-at")) {
        for (const auto& t : v->elements()) {
            d.profile_times_h.push_back(t.as_quantity_in(Quantity::time, "h", 0.0, 1e7, false));
        }
    }
    if (const auto v = node.find("target-purity")) {
        d.target_purity = v->as_double_in(0.0, 1.0, false, false);
    }
    if (const auto v = node.find("relative-tolerance")) {
        d.ida.relative_tolerance = v->as_double_in(1e-14, 1e-2);
    }
    if (const auto v = node.find("absolute-tolerance")) {
        d.ida.absolute_tolerance = v->as_double_in(1e-300, 1.0);
    }
    if (const auto events = node.find("events")) {
        for (const auto& e : events->elements()) {
            e.check_keys({"time", "feed-flow-factor", "organic-flow-factor", "scrub-flow-factor",
                          "strip-flow-factor", "draw-flow-factor", "composition",
                          "oxide-mass-fractions"});
            // Factors not given keep their value from the previous event.
            DynamicEvent ev = d.events.empty() ? DynamicEvent{} : d.events.back();
            ev.time_h = e.at("time").as_quantity_in(Quantity::time, "h", 0.0, 1e7, false);
            const auto factor = [&](const char* key, double& value) {
                if (const auto v = e.find(key)) {
                    value = v->as_double_in(0.0, 100.0, false);
                }
            };
            factor("feed-flow-factor", ev.feed_flow_factor);
            factor("organic-flow-factor", ev.organic_flow_factor);
            factor("scrub-flow-factor", ev.scrub_flow_factor);
            factor("strip-flow-factor", ev.strip_flow_factor);
            factor("draw-flow-factor", ev.draw_flow_factor);
            if (e.has("composition") || e.has("oxide-mass-fractions")) {
                const InputNode& key =
                    e.has("composition") ? e.at("composition") : e.at("oxide-mass-fractions");
                if (spec.feeds.size() != 1) {
                    key.fail("a composition step needs a case with one feed; this one has " +
                             std::to_string(spec.feeds.size()));
                }
                ev.feed_mole_fraction = parse_composition(e);
                for (int el = 0; el < num_elements; ++el) {
                    if ((*ev.feed_mole_fraction)[el] > 0.0 &&
                        std::find(spec.components.begin(), spec.components.end(), el) ==
                            spec.components.end()) {
                        key.fail(std::string("the cascade's elements are those of its feed, "
                                             "which has no ") +
                                 std::string(elements()[el].symbol) +
                                 "; give it a trace fraction in the case's feed (1e-9, say) "
                                 "so that a composition step can bring it in");
                    }
                }
            }
            if (!d.events.empty() && ev.time_h <= d.events.back().time_h) {
                e.at("time").fail("events must be in increasing time order");
            }
            d.events.push_back(ev);
        }
    }
    if (const auto c = node.find("control")) {
        d.control = parse_control(spec, *c);
        // Each sample restarts IDA: a million of them is hours of computing, not a study.
        if ((d.hours - d.control->start_h) / d.control->interval_h > 1e5) {
            c->fail("the control loop would sample more than 100,000 times in " +
                    std::to_string(d.hours) + " h; lengthen control.interval");
        }
    }
    check_supported(spec, d);
    return d;
}

DynamicResult simulate_dynamic(const CaseSpec& spec, const DynamicSpec& dynamic,
                               const std::function<void(const std::string&)>& progress)
{
    const auto start_time = std::chrono::steady_clock::now();
    check_supported(spec, dynamic);
    DynamicResult result;
    Cascade steady(spec);  // checks the flows: those errors stop any start
    try {
        result.steady_state = steady.solve();
        result.has_steady_state = true;
    } catch (const ConvergenceError& e) {
        if (dynamic.start == StartState::steady_state) {
            throw ConvergenceError(std::string("dynamic.start: steady-state needs the steady "
                                               "state of reesx run, which did not converge: ") +
                                   e.what() + ". A start from feed runs without it");
        }
        if (dynamic.control && dynamic.control->element < 0) {
            throw ConvergenceError("dynamic.control measures the main element of '" +
                                   dynamic.control->product +
                                   "' at the steady state of reesx run, which did not converge (" +
                                   e.what() + "); name it with dynamic.control.measure.element");
        }
        // Other starts only compare with the steady state: run on without it. The steady
        // result would have carried the case's warnings.
        result.warnings = spec.warnings;
        result.warnings.push_back(
            std::string("the steady state of reesx run did not converge (") + e.what() +
            "), so the dynamic result is not compared with it; each product's main element is "
            "the one it carries most of at the end");
    }
    DynamicCascade model(spec, dynamic);
    model.prepare();
    const int stages = model.stages(), n = model.components();

    Eigen::MatrixXd c0(stages, n), organic0;  // organic0 empty: at equilibrium with c0
    if (dynamic.start == StartState::steady_state) {
        organic0.resize(stages, n);
        for (int k = 0; k < n; ++k) {
            organic0.col(k) = result.steady_state.organic_mol_per_L.col(spec.components[k]);
        }
    }
    for (int j = 0; j < stages; ++j) {
        for (int k = 0; k < n; ++k) {
            const int e = spec.components[k];
            switch (dynamic.start) {
                case StartState::steady_state:
                    c0(j, k) =
                        std::max(result.steady_state.aqueous_mol_per_L(j, e), tiny_mol_per_L);
                    break;
                case StartState::feed:
                    c0(j, k) = std::max(
                        spec.feeds[0].concentration_mol_per_L * spec.feeds[0].mole_fraction[e],
                        tiny_mol_per_L);
                    break;
                case StartState::fresh:
                    c0(j, k) = tiny_mol_per_L;
                    break;
            }
        }
    }
    // Extra species: from the steady solution, or every stage the feed's aqueous and the
    // fresh organic mixed to equilibrium (no fresh start: check_supported).
    Eigen::MatrixXd extras0;
    if (!spec.model->extra_unknowns().empty()) {
        if (dynamic.start == StartState::steady_state) {
            extras0 = result.steady_state.extras.topRows(stages);
        } else {
            extras0.resize(stages, static_cast<Eigen::Index>(spec.model->extra_unknowns().size()));
            for (int j = 0; j < stages; ++j) {
                const auto [c, x] = model.mixed_feed_and_fresh_organic(j);
                c0.row(j) = c.transpose();
                extras0.row(j) = x.transpose();
            }
        }
    }
    const Eigen::VectorXd y0 = model.state_from(c0, organic0, extras0);
    try {
        return integrate(spec, dynamic, model, y0, progress, result, start_time);
    } catch (const solver::SolverError& e) {
        throw ConvergenceError(std::string("the dynamic simulation stopped: ") + e.what() +
                               ". Tighten dynamic.relative-tolerance, start from the steady "
                               "state, or check that every stage keeps enough rare earth for "
                               "a saturated organic (separation-factor model)");
    }
}

}  // namespace reesx
