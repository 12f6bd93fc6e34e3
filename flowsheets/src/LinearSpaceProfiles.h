// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The separation-factor model's element profiles by the Thomas recursion in scaled
// concentrations (LinearSpaceProfiles.cpp, docs/model.md).
#pragma once

#include "CascadeImpl.h"

namespace reesx::cascade_detail {

//! Concentrations c_ij = value_ij e^ln_scale_ij, per element (rows) and stage (columns).
struct ScaledProfiles {
    Eigen::MatrixXd value, ln_scale;
};

//! The profiles of `cascade` (separation-factor model, no holdup) at ln D_ij = ln_k_i +
//! sigma_j, as Cascade::Impl::solve_linear_profiles, by the recursion in concentrations: ln c
//! into x (stage-major, n per stage), or with x null the scaled concentrations into profiles
//! (for a point whose logarithms may not be needed: ln_concentrations takes them later); with
//! the closure's ln sum_i K_i c_ij per stage (ln_sum) and each element's share of that sum
//! (closure_weights, n x stages). False, with the outputs unspecified, where some quantity
//! leaves the range in which that is exact to rounding: the log-space recursion then.
bool profiles_in_linear_space(const Cascade::Impl& cascade, const Eigen::VectorXd& ln_k,
                              const Eigen::VectorXd& sigma, Eigen::VectorXd* x,
                              ScaledProfiles& profiles, Eigen::MatrixXd& closure_weights,
                              Eigen::VectorXd& ln_sum);

//! ln c of `profiles` into x, the same numbers as profiles_in_linear_space writes there.
void ln_concentrations(const ScaledProfiles& profiles, Eigen::VectorXd& x);

}  // namespace reesx::cascade_detail
