// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Steady-state cascade: analytic limits (Kremser), an independent stage-to-stage calculation
// of the separation-factor model, minimum reflux, element balances on random cascades.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "CaseBuilder.h"

using namespace reesx;
using reesx::test::binary_case;
using reesx::test::product_index;
using reesx::test::solve_yaml;

namespace {

std::string kremser_case(double d, double qa, double qo, int n)
{
    std::ostringstream y;
    y.precision(17);
    y << "system: p507-hcl\nmodel: constant-distribution\n"
      << "stages: {extraction: " << n << "}\n"
      << "feed: {flow: " << qa << " L/h, concentration: 0.2 mol/L, composition: {La: 1}}\n"
      << "organic: {flow: " << qo << " L/h}\n"
      << "distribution: {La: " << d << "}\n";
    return y.str();
}

}  // namespace

// Kremser: constant D, one solute, solute-free organic, N countercurrent stages:
// fraction not extracted = (E - 1) / (E^(N+1) - 1), E = D Qo/Qa (chemistry.md §3.5).
TEST(Kremser, fractionUnextractedMatchesClosedForm)
{
    for (const double d : {0.3, 0.9, 1.7, 4.0}) {
        for (const int n : {1, 2, 5, 12, 40}) {
            const double qa = 100.0, qo = 80.0;
            const CascadeResult r = solve_yaml(kremser_case(d, qa, qo, n));
            const double e = d * qo / qa;
            const double expected = (e - 1.0) / (std::pow(e, n + 1) - 1.0);
            const int raff = product_index(r, "raffinate");
            ASSERT_GE(raff, 0);
            const int la = *element_index("La");
            // 1e-10 relative: the solve converges to ~1e-15 per stage; Kremser is exact.
            EXPECT_NEAR(r.recovery[raff][la], expected, 1e-10 * expected)
                << "D = " << d << ", N = " << n;
        }
    }
}

TEST(Kremser, unitExtractionFactorLimit)
{
    // E = 1 exactly: fraction not extracted = 1/(N+1).
    const CascadeResult r = solve_yaml(kremser_case(1.25, 100.0, 80.0, 9));
    EXPECT_NEAR(r.recovery[product_index(r, "raffinate")][*element_index("La")], 0.1, 1e-11);
}

// The separation-factor model against an independent calculation written here: a binary
// stage-to-stage march from the raffinate end (shooting on the raffinate composition by
// bisection), using only the flux bookkeeping of the theory and y = beta x / (1 + (beta-1) x).
namespace {

struct Binary {
    double purity_b = 0.0;  // Pr (less extractable) in the raffinate
    double purity_a = 0.0;  // Nd in the loaded organic
};

Binary shooting(double beta, double f_a, int n, int m, double s, double w)
{
    const int stages = n + m;
    // RE fluxes per mol feed: organic leaving stage j (1-based) is S, except S - W at the
    // top; aqueous leaving j is 1 + W - S + S... from the balance, computed below.
    std::vector<double> organic(stages + 1, s), aqueous(stages + 2, 0.0);
    organic[0] = 0.0;
    organic[stages] = s - w;
    double above = 0.0;
    for (int j = stages; j >= 1; --j) {
        const double feed = j == n ? 1.0 : 0.0;
        aqueous[j] = above + feed + organic[j - 1] - organic[j];
        above = aqueous[j];
    }
    const auto eq = [&](double x) { return beta * x / (1.0 + (beta - 1.0) * x); };
    // March from x_1; return the imbalance of A at the top stage, and whether every
    // composition on the way stayed physical (in [0, 1]).
    const auto march = [&](double x1, double* top_y, bool* physical) {
        std::vector<double> x(stages + 2, 0.0), y(stages + 1, 0.0);
        x[1] = x1;
        y[1] = eq(x1);
        *physical = true;
        for (int j = 1; j < stages; ++j) {
            const double feed = j == n ? f_a : 0.0;
            x[j + 1] = (organic[j] * y[j] + aqueous[j] * x[j] - organic[j - 1] * y[j - 1] - feed) /
                       aqueous[j + 1];
            y[j + 1] = eq(x[j + 1]);
            *physical = *physical && x[j + 1] >= 0.0 && x[j + 1] <= 1.0;
        }
        *top_y = y[stages];
        const double feed = stages == n ? f_a : 0.0;
        return organic[stages - 1] * y[stages - 1] + feed - organic[stages] * y[stages] -
               aqueous[stages] * x[stages];
    };
    // Outside the physical range the march is not monotone: bracket the root on a grid of
    // physical profiles, then bisect.
    double top = 0.0, lo = -1.0, hi = -1.0;
    bool physical = false;
    double previous = 0.0, previous_x = -1.0;
    for (int k = 1; k < 20000 && hi < 0.0; ++k) {
        const double x1 = k / 20000.0;
        const double g = march(x1, &top, &physical);
        if (physical && previous_x >= 0.0 && (g < 0.0) != (previous < 0.0)) {
            lo = previous_x;
            hi = x1;
        }
        if (physical) {
            previous = g;
            previous_x = x1;
        }
    }
    const double g_lo = march(lo, &top, &physical);
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        ((march(mid, &top, &physical) < 0.0) == (g_lo < 0.0) ? lo : hi) = mid;
    }
    const double x1 = 0.5 * (lo + hi);
    march(x1, &top, &physical);
    return {1.0 - x1, top};  // A fraction x1 in the raffinate; top = A fraction of the organic
}

}  // namespace

TEST(SeparationFactor, agreesWithIndependentStageToStageMarch)
{
    struct Case {
        double beta, f_a;
        int n, m;
        double s, w;
    };
    for (const Case c : {Case{1.5, 0.75, 6, 6, 4.09, 3.34}, Case{2.0, 0.5, 5, 7, 1.8, 1.3},
                         Case{1.45, 0.3, 8, 5, 2.6, 2.35}}) {
        SCOPED_TRACE("beta " + std::to_string(c.beta) + ", f_A " + std::to_string(c.f_a));
        const CascadeResult r = solve_yaml(binary_case(c.beta, c.f_a, c.n, c.m, c.s, c.w));
        const Binary ref = shooting(c.beta, c.f_a, c.n, c.m, c.s, c.w);
        const int pr = *element_index("Pr"), nd = *element_index("Nd");
        const auto& raff = r.products[product_index(r, "raffinate")];
        const auto& loaded = r.products[product_index(r, "loaded_organic")];
        // The march amplifies rounding by ~(beta E)^stages; 1e-8 is well above that here.
        EXPECT_NEAR(raff.composition[pr], ref.purity_b, 1e-8);
        EXPECT_NEAR(loaded.composition[nd], ref.purity_a, 1e-8);
        EXPECT_NEAR(r.reflux_S, c.s, 1e-12);
        EXPECT_NEAR(r.reflux_W, c.w, 1e-12);
    }
}

// Minimum reflux (chemistry.md §3.3): for a sharp split with aqueous feed,
// S_min = f_A + 1/(beta - 1), W_min = 1/(beta - 1). Below S_min the feed stage is a pinch:
// more stages do not help; 10 % above it, 99.99 % is reached with enough stages.
TEST(SeparationFactor, minimumRefluxPinches)
{
    const double beta = 1.5, f_a = 0.75;
    const double s_min = f_a + 1.0 / (beta - 1.0);
    const int nd = *element_index("Nd"), pr = *element_index("Pr");
    const auto impurity = [&](double s, int half) {
        const CascadeResult r = solve_yaml(binary_case(beta, f_a, half, half, s, s - f_a));
        EXPECT_LT(r.mass_balance_relative_error, 1e-10);
        return (1.0 - r.products[product_index(r, "raffinate")].composition[pr]) +
               (1.0 - r.products[product_index(r, "loaded_organic")].composition[nd]);
    };
    // Below S_min the feed stage pinches: past some length extra stages change nothing.
    const double below_120 = impurity(0.97 * s_min, 120), below_240 = impurity(0.97 * s_min, 240);
    EXPECT_GT(below_120, 1e-2);
    EXPECT_NEAR(below_240, below_120, 0.05 * below_120);
    // 10 % above S_min the impurity falls geometrically: 2 × 120 stages give 99.99 % on both
    // products. At S_min itself the same cascade is far from that (the approach to the
    // feed pinch costs stages).
    const double above_120 = impurity(1.1 * s_min, 120);
    EXPECT_LT(above_120, 2e-4);
    EXPECT_GT(impurity(s_min, 120), 100.0 * above_120);
}

TEST(SeparationFactor, stripSectionStripsLoadedOrganicCompletely)
{
    std::string ok = binary_case(2.0, 0.5, 8, 8, 1.8, 1.3, "strip: {flow: 1 L/h, acid: 3 mol/L}\n");
    ok.replace(ok.find("scrub: 8}"), 9, "scrub: 8, strip: 4}");
    const CascadeResult with_strip = solve_yaml(ok);
    const CascadeResult without = solve_yaml(binary_case(2.0, 0.5, 8, 8, 1.8, 1.3));
    const auto& liquor = with_strip.products[product_index(with_strip, "strip_liquor")];
    const auto& loaded = without.products[product_index(without, "loaded_organic")];
    const auto& stripped = with_strip.products[product_index(with_strip, "stripped_organic")];
    EXPECT_NEAR(liquor.re_mol_per_h, loaded.re_mol_per_h, 1e-12);
    EXPECT_EQ(stripped.re_mol_per_h, 0.0);
    EXPECT_NEAR(with_strip.reagents.strip_acid_consumed_h_mol_per_h, 3.0 * loaded.re_mol_per_h,
                1e-12);
    EXPECT_LT(with_strip.mass_balance_relative_error, 1e-12);
}

TEST(SeparationFactor, infeasibleFluxesSayWhy)
{
    // W >= S: the scrub strips more than the organic carries.
    try {
        solve_yaml(binary_case(2.0, 0.5, 5, 5, 1.0, 1.2));
        FAIL() << "expected InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_NE(std::string(e.what()).find("W ≥ S"), std::string::npos) << e.what();
    }
    // S >= F + W: the organic would take everything.
    try {
        solve_yaml(binary_case(2.0, 0.5, 5, 5, 2.5, 1.2));
        FAIL() << "expected InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_NE(std::string(e.what()).find("S ≥ F + W"), std::string::npos) << e.what();
    }
}

// Murphree efficiency, single stage with constant D and fresh organic:
// q = E D c, so c = F / (Qa + E D Qo).
TEST(Murphree, singleStageClosedForm)
{
    const double d = 2.0, qa = 100.0, qo = 50.0, e = 0.6;
    const CascadeResult r = solve_yaml(kremser_case(d, qa, qo, 1) + "efficiency: 0.6\n");
    const double expected = qa / (qa + e * d * qo);
    EXPECT_NEAR(r.recovery[product_index(r, "raffinate")][*element_index("La")], expected, 1e-12);
}

TEST(Murphree, lowerEfficiencyNeedsMoreStagesForSamePurity)
{
    const int nd = *element_index("Nd");
    const auto purity = [&](const std::string& extra) {
        const CascadeResult r = solve_yaml(binary_case(2.0, 0.5, 12, 12, 1.8, 1.3, extra));
        EXPECT_LT(r.mass_balance_relative_error, 1e-10);
        return r.products[product_index(r, "loaded_organic")].composition[nd];
    };
    const double ideal = purity("");
    const double nearly_ideal = purity("efficiency: 0.999999\n");
    const double poor = purity("efficiency: {extraction: 0.7, scrub: 0.7}\n");
    EXPECT_NEAR(nearly_ideal, ideal, 1e-5);
    EXPECT_LT(poor, ideal - 1e-4);
}

// Element balances on random cascades: random stage counts, flows, feeds and compositions,
// both models, side draws. Every element's feed equals what leaves, to 1e-10 relative.
TEST(Balances, closeOnRandomCascades)
{
    std::mt19937 rng(20261122);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const char* symbols[] = {"La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb",
                             "Dy", "Ho", "Y",  "Er", "Tm", "Yb", "Lu", "Sc"};
    int solved = 0;
    for (int trial = 0; trial < 40; ++trial) {
        const bool constant_d = trial % 2 == 0;
        const int n = 1 + static_cast<int>(unit(rng) * 30);
        const int m =
            constant_d ? static_cast<int>(unit(rng) * 10) : 1 + static_cast<int>(unit(rng) * 20);
        const int strip = static_cast<int>(unit(rng) * 4);
        std::ostringstream y;
        y.precision(17);
        y << "system: p507-hcl\nmodel: "
          << (constant_d ? "constant-distribution" : "separation-factor")
          << "\nstages: {extraction: " << n << ", scrub: " << m << ", strip: " << strip << "}\n";
        const int count = 2 + static_cast<int>(unit(rng) * 14);
        y << "feed: {flow: 100 L/h, concentration: 1 mol/L, composition: {";
        std::vector<double> fractions(count);
        double sum = 0.0;
        for (double& f : fractions) {
            f = 0.01 + unit(rng);
            sum += f;
        }
        for (int k = 0; k < count; ++k) {
            y << (k ? ", " : "") << symbols[k] << ": " << fractions[k] / sum;
        }
        y << "}}\n";
        if (constant_d) {
            y << "organic: {flow: " << 50 + 100 * unit(rng) << " L/h}\ndistribution: {";
            for (int k = 0; k < count; ++k) {
                y << (k ? ", " : "") << symbols[k] << ": " << std::pow(10.0, 2.0 * unit(rng) - 1.0);
            }
            y << "}\n";
            if (m > 0) {
                y << "scrub: {flow: " << 5 + 20 * unit(rng) << " L/h}\n";
            }
            if (strip > 0) {
                y << "strip: {flow: " << 5 + 20 * unit(rng) << " L/h}\n";
            }
        } else {
            // Feed 100 mol/h; S in (0.3, 0.9) F, W in (0.1, 0.9) S keeps all fluxes positive.
            const double s = 100.0 * (0.3 + 0.6 * unit(rng));
            const double w = s * (0.1 + 0.8 * unit(rng));
            y << "organic: {flow: " << s / 0.2 << " L/h, loading: 0.2 mol/L}\n"
              << "scrub: {flow: " << w * 3.0 / 4.0 << " L/h, acid: 4 mol/L}\n";
            if (strip > 0) {
                y << "strip: {flow: " << s << " L/h, acid: 6 mol/L}\n";
            }
            if (unit(rng) < 0.5 && n + m > 2) {
                // A tenth of the scrub liquor drawn from a stage in the scrub section.
                y << "draws: [{name: side, phase: aqueous, stage: " << n + 1 + m / 2
                  << ", flow: " << w * 3.0 / 40.0 << " L/h}]\n";
            }
        }
        const CascadeResult r = solve_yaml(y.str());
        ASSERT_TRUE(r.solver.converged) << y.str();
        EXPECT_LT(r.mass_balance_relative_error, 1e-10) << y.str();
        double recovered = 0.0;
        for (std::size_t p = 0; p < r.products.size(); ++p) {
            recovered += r.recovery[p][*element_index(symbols[0])];
        }
        EXPECT_NEAR(recovered, 1.0, 1e-10);
        ++solved;
    }
    EXPECT_EQ(solved, 40);
}
