// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The dynamic cascade's states at t = 0: the steady state of `reesx run`, every stage filled
// with the feed, or empty (docs/dynamics.md).
#include <algorithm>
#include <cmath>

#include "DynamicCascade.h"
#include "reesx/core/Error.h"

namespace reesx {
namespace {

constexpr double tiny_mol_per_L = 1e-30;  //!< "empty": below anything reported

//! mol/L of a species (rare earth or impurity ion) in a feed.
double feed_mol_per_L(const FeedSpec& feed, int species)
{
    return is_rare_earth(species)
               ? feed.concentration_mol_per_L *
                     feed.mole_fraction[static_cast<std::size_t>(species)]
               : feed.impurity_mol_per_L[static_cast<std::size_t>(species - num_elements)];
}

}  // namespace

Eigen::VectorXd DynamicCascade::state_from(const Eigen::MatrixXd& c,
                                           const Eigen::MatrixXd& organic_c,
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

std::pair<Eigen::VectorXd, Eigen::VectorXd> DynamicCascade::mixed_feed_and_fresh_organic(
    int j) const
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
        held[k] = va * feed_mol_per_L(feed, spec_.components[k]);
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
    const auto residual = [&](const Eigen::VectorXd& at, Eigen::VectorXd& r, Eigen::MatrixXd* jac) {
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
    for (int iteration = 0; iteration < 200 && r.lpNorm<Eigen::Infinity>() > 1e-13; ++iteration) {
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

Eigen::VectorXd initial_state(const CaseSpec& spec, const DynamicSpec& dynamic,
                              const DynamicResult& result, const DynamicCascade& model)
{
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
                    c0(j, k) = std::max(feed_mol_per_L(spec.feeds[0], e), tiny_mol_per_L);
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
    return model.state_from(c0, organic0, extras0);
}

}  // namespace reesx
