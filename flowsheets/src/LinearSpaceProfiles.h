// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The element profiles by the Thomas recursion in scaled concentrations (LinearSpaceProfiles.cpp,
// docs/model.md).
#pragma once

#include "CascadeImpl.h"

namespace reesx::cascade_detail {

//! The profiles of `cascade` (separation-factor model, no holdup) at ln D_ij = ln_k_i +
//! sigma_j, as Cascade::Impl::solve_linear_profiles, by the recursion in concentrations: ln c
//! into x (stage-major, n per stage), or with x null the scaled concentrations kept on this
//! thread as its deferred profiles (for a point whose logarithms may not be needed:
//! ln_of_deferred_profiles takes them later); with the closure's ln sum_i K_i c_ij per stage
//! (ln_sum) and each element's share of that sum (closure_weights, n x stages). False, with
//! the outputs unspecified, where some quantity leaves the range in which that is exact to
//! rounding: the log-space recursion then.
bool profiles_in_linear_space(const Cascade::Impl& cascade, const Eigen::VectorXd& ln_k,
                              const Eigen::VectorXd& sigma, Eigen::VectorXd* x,
                              Eigen::MatrixXd& closure_weights, Eigen::VectorXd& ln_sum);

//! The profiles at any distribution ratios ln_d (n x stages), as
//! Cascade::Impl::solve_linear_profiles without holdups, by the same recursion in
//! concentrations: ln c into the first n entries of each stage's block of x. False, with
//! x unspecified, where some ratio or pivot leaves the range in which that is exact to
//! rounding: the log-space recursion then.
bool profiles_in_linear_space(const Cascade::Impl& cascade, const Eigen::MatrixXd& ln_d,
                              Eigen::VectorXd& x);

//! A copy of this thread's deferred profiles, and their return from it (of `stages` stages:
//! after a call that wrote x, the profiles left deferred are the copy's).
void save_deferred_profiles();
void restore_deferred_profiles(int stages);

//! ln c of this thread's deferred profiles into x, the numbers profiles_in_linear_space
//! writes there.
void ln_of_deferred_profiles(Eigen::VectorXd& x);

}  // namespace reesx::cascade_detail
