// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// How a plant's products share their impurity allowance between the cuts around them
// (`reesx optimize --plant`, docs/optimize.md "The purity budget"). In a sequence of cuts over
// contiguous groups of the extraction order, every boundary between two neighbouring products
// is cut exactly once, whatever the sequence, and the impurity a cut leaves on either side of
// its boundary ends up in the product next to that boundary. So a product's allowance,
// (1 - purity) / purity times what is left of it, is shared between its lower and upper
// boundary, and each boundary's two impurities fix the cut's group purities.
#pragma once

#include <utility>
#include <vector>

namespace reesx {

//! The allocation: per product (extraction order), the share of its allowance given to its
//! lower boundary (the rest to its upper one), and a factor on its allowance (1: the whole
//! allowance; below 1 when the plant's simulation asked for a margin). The first and the last
//! product have one boundary each and give it the whole allowance, whatever their share.
struct PurityBudget {
    std::vector<double> lower_share;  //!< in [0, 1]; empty: 0.5 for every product
    std::vector<double> scale;        //!< in (0, 1]; empty: 1 for every product
    //! Every product keeps at least this share of its feed amount (0: no recovery target): its
    //! losses across its two boundaries are capped at (1 - min_recovery) x loss_scale x its
    //! feed fraction, its neighbours' allowances shrunk to fit (they are then purer).
    double min_recovery = 0.0;
    std::vector<double> loss_scale;  //!< in (0, 1]; empty: 1 for every product
};

//! The impurity (mol per mol plant feed RE) that crosses each boundary, and what is left of
//! each product's own elements after those losses (its recovery times its feed fraction).
struct PurityAllowances {
    std::vector<double> fraction;    //!< per product, of the plant feed RE
    std::vector<double> own;         //!< per product
    std::vector<double> into_upper;  //!< per boundary k|k+1: lower-side elements into k + 1
    std::vector<double> into_lower;  //!< per boundary k|k+1: upper-side elements into k
};

//! A design rule, not chemistry: a product gives at most this share of itself to one
//! neighbour. Without it a large product's allowance empties a small neighbour (end-of-life
//! magnets at 99 %: half of Nd's allowance is 90 % of the Sm beside it).
inline constexpr double max_loss_per_boundary = 0.1;

//! The allowances of products with feed fractions `fraction` at purity `purity`. Each product
//! g keeps own_g = fraction_g minus what it loses across its two boundaries, and the
//! impurities reaching it are (1 - purity) / purity x scale_g x own_g, so that it meets
//! `purity` exactly after its losses (fixed point; the losses are a small share). Where a
//! neighbour cannot give its part (max_loss_per_boundary), the other neighbour gives the
//! rest; where neither can, the product comes out purer. With a `min_recovery` its losses are
//! capped, so that it keeps at least that share.
PurityAllowances purity_allowances(const std::vector<double>& fraction, double purity,
                                   const PurityBudget& budget);

//! The group purities of the cut splitting products i..j between k and k + 1 (the A side
//! k + 1..j, more extractable, and the B side i..k) that leave the allowances' impurities:
//! each side's impurity over that impurity plus the side's own elements as the cut receives
//! them.
std::pair<double, double> budget_cut_purities(const PurityAllowances& a, int i, int j, int k);

}  // namespace reesx
