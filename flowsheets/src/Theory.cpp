// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Theory.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "reesx/core/Error.h"

namespace reesx::theory {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

void check(const Targets& t)
{
    std::ostringstream why;
    if (!(t.beta > 1.0)) {
        why << "the separation factor at the cut is " << t.beta
            << " (must be > 1): the two groups cannot be separated by this system";
    } else if (!(t.f_a > 0.0 && t.f_a < 1.0)) {
        why << "the feed has " << (t.f_a <= 0.0 ? "none of the A group" : "none of the B group")
            << " (f_A = " << t.f_a << "): there is nothing to separate at this cut";
    } else if (!(t.purity_a < 1.0 && t.purity_b < 1.0)) {
        why << "purities must be below 1 (a finite cascade never reaches 100 %)";
    } else if (!(t.purity_a > t.f_a)) {
        why << "the A product purity " << t.purity_a << " is not above the feed's A fraction "
            << t.f_a << ": no separation is needed for it; ask for a higher purity";
    } else if (!(t.purity_b > 1.0 - t.f_a)) {
        why << "the B product purity " << t.purity_b << " is not above the feed's B fraction "
            << 1.0 - t.f_a << ": no separation is needed for it; ask for a higher purity";
    }
    if (!why.str().empty()) {
        throw InfeasibleError(why.str());
    }
}

}  // namespace

double organic_product_share(double f_a, double purity_a, double purity_b)
{
    return (purity_b - (1.0 - f_a)) / (purity_a + purity_b - 1.0);
}

void minimum_reflux(const Targets& t, double& s_min, double& w_min)
{
    const double f_b = 1.0 - t.f_a;
    const double fa_prod = organic_product_share(t.f_a, t.purity_a, t.purity_b);
    const double fb_prod = 1.0 - fa_prod;
    if (t.feed_phase == FeedPhase::aqueous) {
        // Scrub-section balance of A at the pinch: the aqueous at the feed stage has the feed
        // composition x = f_A and the organic is in equilibrium with it.
        const double recovery_a = fa_prod * t.purity_a / t.f_a;
        s_min = (recovery_a - fa_prod) * (1.0 + (t.beta - 1.0) * t.f_a) / (f_b * (t.beta - 1.0));
        w_min = s_min - fa_prod;
    } else {
        // Extraction-section balance of B at the pinch: the organic at the feed stage has the
        // feed composition y = f_A.
        const double recovery_b = fb_prod * t.purity_b / f_b;
        w_min = (recovery_b - fb_prod) * (1.0 + (t.beta - 1.0) * f_b) / (t.f_a * (t.beta - 1.0));
        s_min = w_min - fb_prod;
    }
}

void mixed_extraction_ratios(FeedPhase phase, double s, double w, double& e_m, double& e_m_scrub)
{
    if (phase == FeedPhase::aqueous) {
        e_m = s / (1.0 + w);
        e_m_scrub = s / w;
    } else {
        e_m = s / w;
        e_m_scrub = (s + 1.0) / w;
    }
}

void shortcut_stages(const Targets& t, double s, double w, double& n, double& m)
{
    const double f_b = 1.0 - t.f_a;
    const double a = (t.purity_a / (1.0 - t.purity_a)) / (t.f_a / f_b);
    const double b = (t.purity_b / (1.0 - t.purity_b)) / (f_b / t.f_a);
    double e_m = 0.0, e_m_scrub = 0.0;
    mixed_extraction_ratios(t.feed_phase, s, w, e_m, e_m_scrub);
    const double per_stage_b = t.beta * e_m, per_stage_a = t.beta / e_m_scrub;
    const double lg_n = per_stage_b > 1.0 ? std::log10(b) / std::log10(per_stage_b) : infinity;
    const double lg_m = per_stage_a > 1.0 ? std::log10(a) / std::log10(per_stage_a) : infinity;
    if (t.feed_phase == FeedPhase::aqueous) {
        n = lg_n;
        m = lg_m - 1.0;
    } else {
        n = lg_n - 1.0;
        m = lg_m;
    }
}

Result evaluate(const Targets& t, double s)
{
    check(t);
    Result r;
    const double f_b = 1.0 - t.f_a;
    r.f_a_product = organic_product_share(t.f_a, t.purity_a, t.purity_b);
    r.f_b_product = 1.0 - r.f_a_product;
    r.recovery_a = r.f_a_product * t.purity_a / t.f_a;
    r.recovery_b = r.f_b_product * t.purity_b / f_b;
    r.a = (t.purity_a / (1.0 - t.purity_a)) / (t.f_a / f_b);
    r.b = (t.purity_b / (1.0 - t.purity_b)) / (f_b / t.f_a);
    minimum_reflux(t, r.s_min, r.w_min);

    // Xu's optimum: the controlling section gets sqrt(beta) per stage (chemistry.md §3.4).
    const double sb = std::sqrt(t.beta);
    const double fa = r.f_a_product, fb = r.f_b_product;
    if (t.feed_phase == FeedPhase::aqueous) {
        if (fa <= 1.0 / (1.0 + sb)) {
            r.w_opt = (1.0 - sb * fa) / (sb - 1.0);
            r.s_opt = r.w_opt + fa;
        } else {
            r.w_opt = fa / (sb - 1.0);
            r.s_opt = sb * fa / (sb - 1.0);
        }
    } else {
        if (fb <= 1.0 / (1.0 + sb)) {
            r.w_opt = fa / (sb - 1.0);
            r.s_opt = r.w_opt - fb;
        } else {
            r.s_opt = fb / (sb - 1.0);
            r.w_opt = sb * fb / (sb - 1.0);
        }
    }
    const double s_used = s > 0.0 ? s : r.s_opt;
    const double w_used = t.feed_phase == FeedPhase::aqueous ? s_used - fa : s_used + fb;
    mixed_extraction_ratios(t.feed_phase, s_used, w_used, r.e_m, r.e_m_scrub);
    shortcut_stages(t, s_used, w_used, r.n, r.m);
    // Fenske-type minimum at total reflux (E_M = E'_M = 1): N_min = lg(a b) / lg beta.
    r.n_min = std::log10(r.a * r.b) / std::log10(t.beta);
    return r;
}

}  // namespace reesx::theory
