// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The countercurrent-extraction theory of Xu Guangxian for a two-component (or
// pseudo-binary) fractional extraction: product split, purification factors, minimum and
// optimum reflux, short-cut stage numbers. Equations as collected in chemistry.md §3 (Xu
// Guangxian, "Rare Earths", 2nd ed., Metallurgical Industry Press, 1995, ch. 13; Cheng et
// al., Adv. Mater. Phys. Chem. 4 (2014) 249). All RE flows are per mole of feed RE.
//
// A is the more extractable component (it leaves in the loaded organic), B the less
// extractable (raffinate); beta = beta(A/B) > 1.
#pragma once

namespace reesx::theory {

enum class FeedPhase { aqueous, organic };

struct Targets {
    double beta = 0.0;
    double f_a = 0.0;       //!< mole fraction of A in the feed (f_B = 1 - f_A)
    double purity_a = 0.0;  //!< P_A: purity of A in the organic product
    double purity_b = 0.0;  //!< P_B: purity of B in the raffinate
    FeedPhase feed_phase = FeedPhase::aqueous;
};

struct Result {
    double f_a_product = 0.0, f_b_product = 0.0;  //!< f'_A, f'_B: shares of the feed RE
    double recovery_a = 0.0, recovery_b = 0.0;    //!< Y_A, Y_B
    double a = 0.0, b = 0.0;                      //!< purification factors (scrub, extraction)
    double s_min = 0.0, w_min = 0.0;              //!< minimum extraction and scrub quantities
    double s_opt = 0.0, w_opt = 0.0;              //!< Xu's optimum (sqrt(beta) rule)
    double e_m = 0.0, e_m_scrub = 0.0;            //!< mixed extraction ratios E_M, E'_M at S, W
    double n = 0.0, m = 0.0;                      //!< short-cut extraction and scrub stages
    double n_min = 0.0;                           //!< Fenske-type total at total reflux
};

//! f'_A = (P_B - f_B) / (P_A + P_B - 1) (chemistry.md §3.1).
double organic_product_share(double f_a, double purity_a, double purity_b);

//! S_min, W_min for the pinch at the feed stage (chemistry.md §3.3): aqueous feed
//! S_min = (Y_A - f'_A)(1 + (beta - 1) f_A) / (f_B (beta - 1)), W_min = S_min - f'_A;
//! organic feed W_min = (Y_B - f'_B)(1 + (beta - 1) f_B) / (f_A (beta - 1)),
//! S_min = W_min - f'_B. Sharp splits: S_min = f_A + 1/(beta - 1) (aqueous feed).
void minimum_reflux(const Targets& t, double& s_min, double& w_min);

//! Mixed extraction ratios E_M, E'_M for fluxes S, W (chemistry.md §3.1): aqueous feed
//! E_M = S/(1 + W), E'_M = S/W; organic feed E_M = S/W, E'_M = (S + 1)/W.
void mixed_extraction_ratios(FeedPhase phase, double s, double w, double& e_m, double& e_m_scrub);

//! Short-cut stage numbers (chemistry.md §3.5): aqueous feed n = lg b / lg(beta E_M),
//! m + 1 = lg a / lg(beta / E'_M); organic feed n + 1 = lg b / lg(beta E_M),
//! m = lg a / lg(beta / E'_M). Infinite when a section cannot purify (beta E_M <= 1 or
//! E'_M >= beta).
void shortcut_stages(const Targets& t, double s, double w, double& n, double& m);

//! Everything at Xu's optimum reflux (sqrt(beta) rule, chemistry.md §3.4), or at the given
//! S when `s` > 0 (W from the product split: W = S - f'_A for aqueous feed, S + f'_B for
//! organic feed). Throws InfeasibleError for beta <= 1 or purities the feed already meets
//! (P_A <= f_A or P_B <= f_B) or that are not below 1.
Result evaluate(const Targets& t, double s = 0.0);

}  // namespace reesx::theory
