// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The element profiles at given distribution ratios (the separation-factor model's at fixed
// per-stage scales, or any model's), by the Thomas recursion of solve_linear_profiles
// carried in scaled concentrations instead of their logarithms: far fewer exp and log, the
// same numbers to rounding.
#include "LinearSpaceProfiles.h"

namespace reesx::cascade_detail {

namespace {

//! The recursion's coefficients and scaled values, per element and stage, and the last
//! deferred profiles and a saved copy (`stages` of their columns); kept per thread (as
//! solve_linear_profiles' scratch) and only grown: allocated per solve, the deferred profiles
//! moved the top of the heap, and 17 x 100 took three more page faults per solve.
struct LinearScratch {
    Eigen::ArrayXXd alpha, beta, ln_beta_scale, value, ln_scale, saved_value, saved_ln_scale;
    Eigen::ArrayXd k, d, d_prev, h, p, gamma, ln_gamma_scale;
    int deferred_stages = 0;
    void resize(int n, int stages)
    {
        if (alpha.rows() != n || alpha.cols() < stages) {
            for (Eigen::ArrayXXd* a : {&alpha, &beta, &ln_beta_scale, &value, &ln_scale,
                                       &saved_value, &saved_ln_scale}) {
                a->resize(n, stages);
            }
        }
        for (Eigen::ArrayXd* a : {&k, &d, &d_prev, &h, &p, &gamma, &ln_gamma_scale}) {
            a->resize(n);
        }
    }
};

// Distribution ratios within 1e±150 and pivots above 1e-30: there every coefficient of the
// recursion, and its product with a scaled value, is a normal number; outside (long
// cascades' fronts) the log-space recursion runs.
constexpr double kMaxRatio = 1e150, kMinPivot = 1e-30;
// A scaled value outside [1e-100, 1e100] is rescaled to 1 (its logarithm joins its scale):
// the products and quotients of the next stages stay normal, and a term that underflows
// beside one within this range is below its rounding.
constexpr double kRescaleBelow = 1e-100, kRescaleAbove = 1e100;

bool out_of_scale(double v)
{
    return v > 0.0 && (v < kRescaleBelow || v > kRescaleAbove);
}

thread_local LinearScratch scratch;

//! The Thomas recursion of solve_linear_profiles (StartingPoint.cpp) in scaled
//! concentrations, with the distribution ratios of stage j from ratios(j, d) (false where
//! they leave the range of the recursion) and each stage's result, from the top down, given
//! to out(j, gamma, ln_gamma_scale) (c = gamma e^ln_gamma_scale; false to stop).
template <typename Ratios, typename Out>
bool linear_recursion(const Cascade::Impl& cascade, Ratios&& ratios, Out&& out)
{
    // The balances and pivots of solve_linear_profiles: a_j = Qo_up(j-1) d(j-1),
    // p_j = h_j + Qo_out(j) d(j),
    // h_j = (Qa_out(j) - Qa_down(j)) + Qa_down(j) (h_{j-1} + Qo_drawn(j-1) d(j-1)) / p_{j-1},
    // alpha_j = Qa_down(j+1) / p_j, beta_j = (F_j + a_j beta_{j-1}) / p_j, and back
    // c_j = alpha_j c_{j+1} + beta_j. Every term is non-negative (no cancellation), so only
    // the range of double needs the logarithms: beta and c are carried as a value times
    // e^scale, the scale changing only where the value leaves [1e-100, 1e100] (trace
    // elements fall by hundreds of decades along a cascade). One log per element and stage,
    // and an exp per rescaling, where the log-space form takes about seven.
    const int stages = cascade.solved_stages_, n = cascade.n_;
    const auto& qa_out = cascade.qa_out_;
    const auto& qa_down = cascade.qa_down_;
    const auto& qo_out = cascade.qo_out_;
    const auto& qo_up = cascade.qo_up_;
    const Eigen::MatrixXd& feed_mol_per_h = cascade.feed_mol_per_h_;
    const Eigen::MatrixXd& ln_feed = cascade.ln_feed_;
    LinearScratch& s = scratch;
    s.resize(n, stages);
    for (int j = 0; j < stages; ++j) {
        if (!ratios(j, s.d)) {
            return false;
        }
        if (j > 0) {
            const double drawn = qo_out[j - 1] - qo_up[j - 1];
            s.h = (qa_out[j] - qa_down[j]) + qa_down[j] * (s.h + drawn * s.d_prev) / s.p;
        } else {
            s.h.setConstant(qa_out[0]);
        }
        s.p = s.h + qo_out[j] * s.d;
        if (!(s.p.minCoeff() >= kMinPivot)) {
            return false;
        }
        s.alpha.col(j) = (j + 1 < stages ? qa_down[j + 1] : 0.0) / s.p;
        const double q_up = j > 0 ? qo_up[j - 1] : 0.0;
        for (int i = 0; i < n; ++i) {
            // beta = b e^t, t that of the stage below.
            const double t = j > 0 ? s.ln_beta_scale(i, j - 1) : 0.0;
            const double below = j > 0 ? q_up * s.d_prev[i] * s.beta(i, j - 1) : 0.0;
            const double feed = feed_mol_per_h(i, j);
            double b = (feed > 0.0 ? std::exp(ln_feed(i, j) - t) : 0.0) + below;
            b /= s.p[i];
            double ln_scale = t;
            if (out_of_scale(b)) {
                ln_scale += std::log(b);
                b = 1.0;
            }
            s.beta(i, j) = b;
            s.ln_beta_scale(i, j) = ln_scale;
        }
        s.d_prev = s.d;
    }
    // Back: c_j = g e^u, carried from the stage above and brought to beta's scale where beta
    // has a value (else the scale of c stays).
    s.gamma = s.beta.col(stages - 1);
    s.ln_gamma_scale = s.ln_beta_scale.col(stages - 1);
    for (int j = stages - 1; j >= 0; --j) {
        for (int i = 0; j + 1 < stages && i < n; ++i) {
            double g = s.alpha(i, j) * s.gamma[i];
            const double b = s.beta(i, j), t = s.ln_beta_scale(i, j);
            double u = s.ln_gamma_scale[i];
            if (b > 0.0 && t != u) {
                g *= std::exp(u - t);
                u = t;
            }
            g += b;
            if (out_of_scale(g)) {
                u += std::log(g);
                g = 1.0;
            }
            s.gamma[i] = g;
            s.ln_gamma_scale[i] = u;
        }
        if (!out(j, s.gamma, s.ln_gamma_scale)) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool profiles_in_linear_space(const Cascade::Impl& cascade, const Eigen::VectorXd& ln_k,
                              const Eigen::VectorXd& sigma, Eigen::VectorXd* x,
                              Eigen::MatrixXd& closure_weights, Eigen::VectorXd& ln_sum)
{
    // d = K exp(sigma_j): one exp per stage.
    const int stages = cascade.solved_stages_, n = cascade.n_;
    if (cascade.block_ != n || stages == 0) {
        return false;
    }
    LinearScratch& s = scratch;
    s.resize(n, stages);
    s.k = ln_k.array().exp();
    const double k_max = s.k.maxCoeff(), k_min = s.k.minCoeff();
    const auto ratios = [&](int j, Eigen::ArrayXd& d) {
        const double scale = std::exp(sigma[j]);
        if (!(k_max * scale <= kMaxRatio && k_min * scale >= 1.0 / kMaxRatio)) {
            return false;
        }
        d = s.k * scale;
        return true;
    };
    if (x) {
        x->resize(static_cast<Eigen::Index>(stages) * n);
    }
    s.deferred_stages = x ? 0 : stages;
    const auto out = [&](int j, const Eigen::ArrayXd& gamma, const Eigen::ArrayXd& ln_scale) {
        // ln c or c, and the closure's sum K c (terms with e^u below e^-708 are 0, as in
        // LogSum). Kept as c, ln c is finite where every value is positive: a value or scale
        // that is not finite makes the sum so.
        bool finite_ln = true;
        if (x) {
            auto x_j = x->segment(static_cast<Eigen::Index>(j) * n, n).array();
            x_j = gamma.log() + ln_scale;
            finite_ln = x_j.allFinite();
        } else {
            s.value.col(j) = gamma;
            s.ln_scale.col(j) = ln_scale;
            finite_ln = (gamma > 0.0).all();
        }
        auto weights = closure_weights.col(j).array();
        for (int i = 0; i < n; ++i) {
            const double u = ln_scale[i];
            weights[i] = u == 0.0     ? s.k[i] * gamma[i]
                         : u < -708.0 ? 0.0
                                      : s.k[i] * gamma[i] * std::exp(u);
        }
        const double sum = weights.sum();
        if (!(sum > 0.0) || !std::isfinite(sum) || !finite_ln) {
            return false;
        }
        weights /= sum;
        ln_sum[j] = std::log(sum);
        return true;
    };
    return linear_recursion(cascade, ratios, out);
}

bool profiles_in_linear_space(const Cascade::Impl& cascade, const Eigen::MatrixXd& ln_d,
                              Eigen::VectorXd& x)
{
    // d = exp(ln d): an exp per element and stage, still about a third of the log-space
    // form's exp and log.
    const int stages = cascade.solved_stages_, n = cascade.n_;
    if (stages == 0) {
        return false;
    }
    const double ln_max_ratio = std::log(kMaxRatio);
    const auto ratios = [&](int j, Eigen::ArrayXd& d) {
        const auto ln_d_j = ln_d.col(j).array();
        if (!(ln_d_j.abs() <= ln_max_ratio).all()) {
            return false;
        }
        d = ln_d_j.exp();
        return true;
    };
    const auto out = [&](int j, const Eigen::ArrayXd& gamma, const Eigen::ArrayXd& ln_scale) {
        auto x_j = x.segment(static_cast<Eigen::Index>(j) * cascade.block_, n).array();
        x_j = gamma.log() + ln_scale;
        return x_j.allFinite();
    };
    return linear_recursion(cascade, ratios, out);
}

void save_deferred_profiles()
{
    const int stages = scratch.deferred_stages;
    scratch.saved_value.leftCols(stages) = scratch.value.leftCols(stages);
    scratch.saved_ln_scale.leftCols(stages) = scratch.ln_scale.leftCols(stages);
}

void restore_deferred_profiles(int stages)
{
    scratch.deferred_stages = stages;
    scratch.value.leftCols(stages) = scratch.saved_value.leftCols(stages);
    scratch.ln_scale.leftCols(stages) = scratch.saved_ln_scale.leftCols(stages);
}

void ln_of_deferred_profiles(Eigen::VectorXd& x)
{
    const Eigen::Index n = scratch.value.rows(), stages = scratch.deferred_stages;
    x.resize(n * stages);
    // Per stage from an aligned copy, as profiles_in_linear_space writes x: the same packets,
    // the same numbers.
    Eigen::ArrayXd& value = scratch.gamma;
    for (Eigen::Index j = 0; j < stages; ++j) {
        value = scratch.value.col(j);
        x.segment(j * n, n).array() = value.log() + scratch.ln_scale.col(j);
    }
}

}  // namespace reesx::cascade_detail
