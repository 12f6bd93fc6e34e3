// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Murphree stages solved with the compositions eliminated (ReducedMurphree.cpp): the linear
// profiles against Kremser's closed form at E < 1, and the separation-factor model's stage
// equations checked on the reported profiles, stage by stage.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "CaseBuilder.h"

namespace reesx {
namespace {

struct KremserCase {
    double efficiency, extraction_factor;
    int stages;
};

class MurphreeKremser : public ::testing::TestWithParam<KremserCase> {};

// One solute, q* = D c, solute-free organic: with straight lines each real stage multiplies
// the driving force by r = 1 + E (eps - 1) (Lewis 1936; validation/murphree-kremser/README.md),
// and the raffinate keeps phi = (eps - 1) / (eps r^N - 1) of the feed.
TEST_P(MurphreeKremser, raffinateFractionIsTheClosedForm)
{
    const KremserCase k = GetParam();
    const double d = 2.0, qa = 100.0, qo = k.extraction_factor * qa / d;
    std::ostringstream y;
    y.precision(17);
    y << "schema: 1\nsystem: p507-hcl\nmodel: constant-distribution\nstages: {extraction: "
      << k.stages << ", scrub: 0, strip: 0}\nfeed: {flow: " << qa
      << " L/h, concentration: 0.2 mol/L, composition: {La: 1.0}}\norganic: {flow: " << qo
      << " L/h}\ndistribution: {La: " << d << "}\nefficiency: " << k.efficiency << "\n";
    const CascadeResult r = test::solve_yaml(y.str());
    ASSERT_TRUE(r.solver.converged);
    const double eps = k.extraction_factor, ratio = 1.0 + k.efficiency * (eps - 1.0);
    const double phi = (eps - 1.0) / (eps * std::pow(ratio, k.stages) - 1.0);
    const auto& raffinate =
        r.products[static_cast<std::size_t>(test::product_index(r, "raffinate"))];
    const int la = *element_index("La");
    EXPECT_NEAR(raffinate.mol_per_h[la] / r.feed_mol_per_h[la], phi, 1e-12 * phi);
    EXPECT_LE(r.mass_balance_relative_error, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(EfficiencyAndExtractionFactor, MurphreeKremser,
                         ::testing::Values(KremserCase{0.7, 1.2, 8}, KremserCase{0.3, 0.8, 20},
                                           KremserCase{0.95, 3.0, 40}, KremserCase{0.5, 1.5, 200}));

// The separation-factor model with Murphree stages: on the reported profiles every stage's
// element balance holds, and the organic leaving stage j > 1 is E q* + (1 - E) rho q_in with
// q* = Y_j K c / sum K c (the saturated organic, Y_j its RE content) and rho = Y_j / Y_in.
// stages: extraction, scrub; log10_k and z per element.
void expect_murphree_stage_equations(const std::vector<std::string>& symbols,
                                     const std::vector<double>& log10_k,
                                     const std::vector<double>& z, int extraction, int scrub,
                                     double organic_L_per_h, double scrub_L_per_h, double e_ext,
                                     double e_scrub)
{
    std::ostringstream y;
    y.precision(17);
    y << "schema: 1\nsystem:\n  name: random\n  log10-extractability: {";
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        y << (i ? ", " : "") << symbols[i] << ": " << log10_k[i];
    }
    y << "}\nmodel: separation-factor\nstages: {extraction: " << extraction << ", scrub: " << scrub
      << ", strip: 0}\nfeed: {flow: 100 L/h, concentration: 0.5 mol/L, composition: {";
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        y << (i ? ", " : "") << symbols[i] << ": " << z[i];
    }
    y << "}}\norganic: {flow: " << organic_L_per_h
      << " L/h, loading: 0.18 mol/L}\nscrub: {flow: " << scrub_L_per_h
      << " L/h, acid: 3 mol/L}\nefficiency: {extraction: " << e_ext << ", scrub: " << e_scrub
      << "}\n";
    const CascadeResult r = test::solve_yaml(y.str());
    ASSERT_TRUE(r.solver.converged);
    EXPECT_NE(r.solver.method.find("Murphree"), std::string::npos) << r.solver.method;
    EXPECT_LE(r.mass_balance_relative_error, 1e-12);
    const int stages = extraction + scrub;
    ASSERT_EQ(r.num_stages, stages);
    std::vector<int> e(symbols.size());
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        e[i] = *element_index(symbols[i]);
    }
    const auto loading = [&](int j) {
        double total = 0.0;
        for (const int el : e) {
            total += r.organic_mol_per_L(j, el);
        }
        return total;
    };
    const int feed_stage = extraction - 1;  // the aqueous feed enters the last extraction
    double z_total = 0.0;                   // the composition as given, before normalizing
    for (const double zi : z) {
        z_total += zi;
    }
    for (int j = 0; j < stages; ++j) {
        double sum_kc = 0.0;
        for (std::size_t i = 0; i < e.size(); ++i) {
            sum_kc += std::pow(10.0, log10_k[i]) * r.aqueous_mol_per_L(j, e[i]);
        }
        const double efficiency = j < extraction ? e_ext : e_scrub;
        for (std::size_t i = 0; i < e.size(); ++i) {
            const double c = r.aqueous_mol_per_L(j, e[i]), q = r.organic_mol_per_L(j, e[i]);
            // Balance: what enters equals what leaves, relative to the largest term.
            const double in =
                (j + 1 < stages ? r.aqueous_flow_L_per_h[j + 1] * r.aqueous_mol_per_L(j + 1, e[i])
                                : 0.0) +
                (j > 0 ? r.organic_flow_L_per_h[j - 1] * r.organic_mol_per_L(j - 1, e[i]) : 0.0) +
                (j == feed_stage ? 100.0 * 0.5 * z[i] / z_total : 0.0);
            const double out = r.aqueous_flow_L_per_h[j] * c + r.organic_flow_L_per_h[j] * q;
            EXPECT_NEAR(in, out, 1e-9 * std::max(in, out))
                << "balance, stage " << j + 1 << " " << symbols[i];
            const double q_star = loading(j) * std::pow(10.0, log10_k[i]) * c / sum_kc;
            if (j == 0) {
                EXPECT_NEAR(q, q_star, 1e-9 * q) << "stage 1 at equilibrium, " << symbols[i];
                continue;
            }
            const double rho = loading(j) / loading(j - 1);
            const double mixed = (1.0 - efficiency) * rho * r.organic_mol_per_L(j - 1, e[i]);
            EXPECT_NEAR(q, efficiency * q_star + mixed, 1e-9 * (efficiency * q_star + mixed))
                << "Murphree relation, stage " << j + 1 << " " << symbols[i];
        }
    }
}

TEST(ReducedMurphree, stageEquationsHoldOnABinaryCascade)
{
    expect_murphree_stage_equations({"Pr", "Nd"}, {0.0, std::log10(1.5)}, {0.25, 0.75}, 31, 45,
                                    3410.0 * 0.5 / 1.5, 376.0 * 0.5 / 1.5 * 4.0 / 3.0, 0.7, 0.8);
}

// Six elements with a Sc-like jump of 10^5 and traces (the span the full Newton found hard).
TEST(ReducedMurphree, stageEquationsHoldWithAWideSpanAndTraces)
{
    expect_murphree_stage_equations(
        {"La", "Ce", "Pr", "Nd", "Sm", "Sc"}, {0.0, 0.5, 0.8, 1.1, 1.8, 6.8},
        {0.3, 0.4, 0.1, 0.2, 1e-6, 1e-9}, 30, 30, 220.0, 6.0, 0.6, 0.85);
}

// A random Murphree case (seed 1, case 164 of the property test's separation-factor set at
// up to 100 stages per section): extractabilities spanning 10^10.4 with Sc and traces at
// 1e-9 and 4e-11; the full Newton from the ideal-stage solution failed on it (exit 2). The
// continuation in the efficiencies solves it.
TEST(ReducedMurphree, wideSpanRandomCaseTheFullNewtonMissed)
{
    const CascadeResult r = test::solve_yaml(R"(
schema: 1
system:
  name: random
  log10-extractability: {Sm: 0, Sc: 0.54113239615359787, Er: 3.0274414101953506, Tm: 4.0339795513985521, Pm: 5.1358167980042531, Yb: 8.1027204519982359, La: 6.4849158411405359, Pr: 9.3474828060022368, Dy: 7.0393805610580102, Ce: 10.387963437637143}
model: separation-factor
stages: {extraction: 56, scrub: 13, strip: 0}
feed: {flow: 100 L/h, concentration: 0.80933770104109692 mol/L, composition: {Sm: 0.10111725240468318, Sc: 0.18084801338980117, Er: 0.074463187062697944, Tm: 0.10620893159266466, Pm: 0.14867669241547157, Yb: 1.8597161681487702e-09, La: 0.11950933755833915, Pr: 3.675326211890084e-11, Dy: 0.13587684654986146, Ce: 0.13329973713001159}}
organic: {flow: 5688.2180407817214 L/h, loading: 0.17999999999999999 mol/L}
scrub: {flow: 1176.7266063739726 L/h, acid: 2.4248519729501314 mol/L}
efficiency: {extraction: 0.68229061494288656, scrub: 0.94072623775782116}
)");
    ASSERT_TRUE(r.solver.converged);
    EXPECT_NE(r.solver.method.find("Murphree"), std::string::npos) << r.solver.method;
    for (int e = 0; e < num_species; ++e) {
        if (r.feed_mol_per_h[e] > 0.0) {
            EXPECT_LE(r.balance_relative_error[e], 1e-12) << species_symbol(e);
        }
    }
}

// Random Murphree cases of the seeded set at up to 100 stages per section (seed 1, cases 934
// and 663 of BM_RandomMurphreeCascades/100/1000): extractabilities spanning 10^8.7 and 10^7.7
// near the sharp split, where the reduced Murphree Newton and the continuation in the
// efficiencies stall (the closures' fold) and the full Newton fails too. The dense last resort
// on the Murphree closures (FoldFallback.cpp) converges.
void expect_balances_close(const CascadeResult& r)
{
    ASSERT_TRUE(r.solver.converged);
    EXPECT_NE(r.solver.method.find("Murphree"), std::string::npos) << r.solver.method;
    for (int e = 0; e < num_species; ++e) {
        if (r.feed_mol_per_h[e] > 0.0) {
            EXPECT_LE(r.balance_relative_error[e], 1e-12) << species_symbol(e);
        }
    }
}

TEST(ReducedMurphree, sideDrawNearTheSharpSplitConvergesAtTheLastResort)
{
    expect_balances_close(test::solve_yaml(R"(
schema: 1
system:
  name: random
  log10-extractability: {Tm: 0, Y: 0.57882624033751617, Nd: 5.4301207423776372, Sm: 7.4840342275840319, Pm: 8.6746530006324178}
model: separation-factor
stages: {extraction: 28, scrub: 19, strip: 0}
feed: {flow: 100 L/h, concentration: 1.4602759124776687 mol/L, composition: {Tm: 0.26834102027561368, Y: 0.27634473462146675, Nd: 0.21320874253584726, Sm: 8.4137675980540546e-12, Pm: 0.24210550255865837}}
organic: {flow: 327.54494640476253 L/h, loading: 0.17999999999999999 mol/L}
scrub: {flow: 12.206464095198008 L/h, acid: 5.8011902879406492 mol/L}
draws: [{name: side, phase: organic, stage: 43, flow: 27.73774144219669 L/h}]
efficiency: {extraction: 0.30502637220770534, scrub: 0.97340249805371282}
)"));
}

TEST(ReducedMurphree, fifteenElementsWithAStripConvergeAtTheLastResort)
{
    expect_balances_close(test::solve_yaml(R"(
schema: 1
system:
  name: random
  log10-extractability: {Pr: 0, Ce: 0.46350561331832818, Tm: 0.91283501551510071, Er: 1.0926842082329342, Yb: 1.5142177453078052, La: 2.2482659420364657, Eu: 3.1014216712173766, Nd: 3.7645577552732661, Lu: 4.4539937659386597, Y: 5.1224482853203464, Sc: 5.5787743779963614, Gd: 6.0550520115765734, Tb: 6.4047770589977882, Dy: 7.001450025654913, Pm: 7.662485354160828}
model: separation-factor
stages: {extraction: 39, scrub: 53, strip: 1}
feed: {flow: 100 L/h, concentration: 0.26699199184799527 mol/L, composition: {Pr: 3.0377556531593126e-07, Ce: 3.637670304302343e-10, Tm: 0.035520868624444667, Er: 1.3944230829227634e-12, Yb: 0.075525030496666562, La: 0.047881202930583754, Eu: 0.12268090213056784, Nd: 0.13517545904995665, Lu: 0.14114990520677806, Y: 0.038799555379494373, Sc: 5.0590982470029414e-06, Gd: 0.12873871554146382, Tb: 0.13315537624858698, Dy: 0.062379868735293158, Pm: 0.078987752417190374}}
organic: {flow: 169.30688617211604 L/h, loading: 0.17999999999999999 mol/L}
scrub: {flow: 24.106888777648216 L/h, acid: 2.3237037455792033 mol/L}
strip: {flow: 9.4422535429493948 L/h, acid: 5 mol/L}
efficiency: {extraction: 0.89884089126114031, scrub: 0.84512662807589201, strip: 0.74878100442082007}
)"));
}

// Case 312 of the same set: exactly at the Eu/Nd sharp split (S - W = f_B) with Ho and La
// traces between the keys and a scrub at E = 0.34. The continuation in the efficiencies cannot
// leave the ideal stages' solution (whose Ho fills 77 stages) and the dense last resort stops
// on a flat direction of the closures; the cascade with the scrub 1e-6 off converges directly
// and the reduced Newton from its steady state converges here. At the sharp split the organic
// product carries exactly f_B of the feed, so the A group's moles in it equal the B group's in
// the raffinate (up to the traces between the keys, 3e-9 mol/h).
TEST(ReducedMurphree, exactSharpSplitWithTracesBetweenTheKeysConverges)
{
    const CascadeResult r = test::solve_yaml(R"(
schema: 1
system:
  name: random
  log10-extractability: {Ce: 0, Dy: 0.66086069033516648, Lu: 1.3780318496565296, Eu: 2.3235511698482161, Ho: 3.1661570152833134, La: 3.4681443375123231, Nd: 3.929771280505991, Sc: 4.9050426011603259, Er: 5.7736313215008694, Sm: 6.3204565410961866}
model: separation-factor
stages: {extraction: 89, scrub: 19, strip: 0}
feed: {flow: 100 L/h, concentration: 1.1145223123148127 mol/L, composition: {Ce: 2.2505900798720854e-12, Dy: 0.032145388427874053, Lu: 2.1861813191249029e-10, Eu: 0.17706537752190765, Ho: 2.3562726999216845e-11, La: 2.1165751715510869e-12, Nd: 0.37563927048137158, Sc: 2.7369084030794606e-11, Er: 0.32151833488420739, Sm: 0.093631628410722284}}
organic: {flow: 7045.1739365954018 L/h, loading: 0.17999999999999999 mol/L}
scrub: {flow: 962.92090707774844 L/h, acid: 3.6763022031374635 mol/L}
efficiency: {extraction: 0.96187677607954902, scrub: 0.33950388119305613}
)");
    expect_balances_close(r);
    ASSERT_EQ(r.num_stages, 108);
    const auto moles = [&](const char* symbol, bool organic_product) {
        const int e = *element_index(symbol);
        return organic_product ? r.organic_flow_L_per_h[107] * r.organic_mol_per_L(107, e)
                               : r.aqueous_flow_L_per_h[0] * r.aqueous_mol_per_L(0, e);
    };
    double a_up = 0.0, b_down = 0.0;
    for (const char* a : {"Ce", "Dy", "Lu", "Eu"}) {
        a_up += moles(a, true);
    }
    for (const char* b : {"Nd", "Sc", "Er", "Sm"}) {
        b_down += moles(b, false);
    }
    EXPECT_GT(a_up, 1e-6);  // the keys cross at the split: neither leak is zero
    EXPECT_NEAR(a_up, b_down, 1e-8);
}

}  // namespace
}  // namespace reesx
