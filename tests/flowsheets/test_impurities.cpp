// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions and sulfate media in the acidity models and the cascade: the exchange
// stoichiometry (z H+ per ion), the site balance with a loaded impurity, balances and
// electroneutrality with impurities and bisulfate, an unextracted ion leaving in the
// raffinate, product reporting (ppm of REO, purity on both bases), and bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "CaseBuilder.h"
#include "reesx/core/Error.h"
#include "reesx/io/Results.h"

using namespace reesx;

namespace {

//! Saponified P507 Pr/Nd cascade (the mass-action tests' case) with impurities in the feed.
std::string chloride_case(const std::string& impurities, const std::string& extra = "")
{
    return R"(system: p507-hcl
model: mass-action
stages: {extraction: 12, scrub: 12, strip: 6}
feed: {flow: 100 L/h, concentration: 1.5 mol/L, acid: 0.01 mol/L, composition: {Pr: 0.25, Nd: 0.75},
       impurities: )" +
           impurities + R"(}
organic: {flow: 3410 L/h, extractant-concentration: 1.5 mol/L, saponification: 0.36}
scrub: {flow: 376 L/h, acid: 4.0 mol/L}
strip: {flow: 150 L/h, acid: 5.0 mol/L}
)" + extra;
}

//! Unsaponified D2EHPA on a dilute sulfate leachate with Fe, Al, Ca.
std::string sulfate_case(const std::string& model = "mass-action", const std::string& extra = "")
{
    return "system: p204-hcl\nmodel: " + model + R"(
medium: sulfate
stages: {extraction: 4, strip: 2}
feed: {flow: 1000 L/h, concentration: 0.002 mol/L, acid: 0.03 mol/L,
       composition: {La: 0.3, Nd: 0.4, Dy: 0.3},
       impurities: {Fe3+: 0.5 g/L, Al3+: 2 g/L, Ca2+: 300 mg/L}}
organic: {flow: 100 L/h, extractant-concentration: 0.6 mol/L}
strip: {flow: 20 L/h, acid: 3 mol/L}
)" + extra;
}

std::string input_error(const std::string& yaml)
{
    try {
        const CaseSpec spec = test::case_from_yaml(yaml);
        Cascade cascade(spec);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

int species(const char* s)
{
    return *species_index(s);
}

int component(const CaseSpec& spec, const char* s)
{
    const auto it = std::find(spec.components.begin(), spec.components.end(), species(s));
    EXPECT_NE(it, spec.components.end()) << s;
    return static_cast<int>(it - spec.components.begin());
}

}  // namespace

TEST(Impurities, jacobianMatchesFiniteDifferences)
{
    EXPECT_LT(test::max_jacobian_error(
                  chloride_case("{Fe3+: 40 mg/L, Ca2+: 800 mg/L, Th4+: 1 mg/L}"), true),
              1e-6);
    EXPECT_LT(test::max_jacobian_error(sulfate_case(), true), 1e-6);
    EXPECT_LT(test::max_jacobian_error(sulfate_case("ph-correlation", R"(ph-correlation:
  La: {slope: 3, intercept: -3}
  Nd: {slope: 3, intercept: -2.5}
  Dy: {slope: 3, intercept: -1}
)"),
                                       true),
              1e-6);
}

// The reduced Newton takes ln D from ln_distribution_ratios (the extras alone) where the model
// gives it: it must be stage_chemistry's ln q - ln c, for ions of charge 2, 3 and 4, with and
// without the saponification cation, in chloride and sulfate, for both acidity models.
TEST(Impurities, distributionRatiosFromTheExtrasAreThoseOfTheStageChemistry)
{
    const std::string ph_correlation = sulfate_case("ph-correlation", R"(ph-correlation:
  La: {slope: 3, intercept: -3}
  Nd: {slope: 3, intercept: -2.5}
  Dy: {slope: 3, intercept: -1}
)");
    for (const std::string& yaml : {chloride_case("{Fe3+: 40 mg/L, Ca2+: 800 mg/L, Th4+: 1 mg/L}"),
                                    sulfate_case(), ph_correlation}) {
        const CaseSpec spec = test::case_from_yaml(yaml);
        const auto& model = *spec.model;
        const Eigen::Index n = static_cast<Eigen::Index>(spec.components.size());
        const Eigen::Index m = static_cast<Eigen::Index>(model.extra_unknowns().size());
        StageConditions stage;
        stage.sulfate_mol_per_L = 0.2;
        for (int trial = 0; trial < 3; ++trial) {
            Eigen::VectorXd ln_aq(n), extra(m);
            for (Eigen::Index i = 0; i < n; ++i) {
                ln_aq[i] = -3.0 + std::sin(1.3 * static_cast<double>(i + 5 * trial));
            }
            for (Eigen::Index k = 0; k < m; ++k) {
                extra[k] = -2.0 + 1.5 * std::cos(0.7 * static_cast<double>(k + 3 * trial));
            }
            StageChemistry chem;
            model.stage_chemistry(stage, ln_aq, extra, chem);
            Eigen::VectorXd ln_d = Eigen::VectorXd::Constant(n, -999.0);
            ASSERT_TRUE(model.ln_distribution_ratios(stage, extra, ln_d)) << model.name();
            for (Eigen::Index i = 0; i < n; ++i) {
                EXPECT_NEAR(ln_d[i], chem.ln_org[i] - ln_aq[i], 1e-13)
                    << model.name() << " " << species_symbol(spec.components[i]);
            }
        }
    }
}

// An ion whose organic is below e^-708 (a trace ion stripped over many stages) binds no
// sites and adds nothing to the organic protons (not a subnormal that slows the arithmetic),
// while the other ions' charge equivalents add up as the exchange says.
TEST(Impurities, ionBelowTheSmallestNormalDoubleBindsNoSites)
{
    const CaseSpec spec = test::case_from_yaml(chloride_case("{Fe3+: 40 mg/L, Ca2+: 800 mg/L}"));
    const auto& model = *spec.model;
    const Eigen::Index n = static_cast<Eigen::Index>(spec.components.size());
    ASSERT_EQ(model.extra_unknowns().size(), 4u);  // saponified: H+, Na+, free dimer, NaA
    const int fe = component(spec, "Fe3+");
    Eigen::VectorXd ln_aq = Eigen::VectorXd::Constant(n, std::log(0.05));
    ln_aq[fe] = -900.0;
    Eigen::VectorXd extra(4);
    extra << std::log(0.1), std::log(0.5), std::log(0.2), std::log(0.3);
    StageChemistry chem;
    model.stage_chemistry(StageConditions{}, ln_aq, extra, chem);
    ASSERT_LT(chem.ln_org[fe], -708.0);
    double bound = 0.0;  // sum z q over the other ions
    for (Eigen::Index i = 0; i < n; ++i) {
        if (i != fe) {
            bound += chem.d_ln_org(i, n + 2) * std::exp(chem.ln_org[i]);  // z q
        }
    }
    EXPECT_EQ(chem.d_organic(0, fe), 0.0);
    EXPECT_NEAR(chem.organic[0], -bound - 0.3, 1e-14 * bound);
    EXPECT_NEAR(chem.local[0], std::log(1.5) - std::log(2.0 * 0.2 + 2.0 * bound + 0.3), 1e-14);
    EXPECT_TRUE(chem.d_organic.allFinite() && chem.d_local.allFinite());
}

TEST(Impurities, exchangeReleasesZProtonsAndGivesUnitDAtThePhHalf)
{
    const CaseSpec spec = test::case_from_yaml(sulfate_case());
    const auto& model = *spec.model;
    const Eigen::Index n = static_cast<Eigen::Index>(spec.components.size());
    const int ca = component(spec, "Ca2+"), fe = component(spec, "Fe3+");
    const auto root = InputNode::load_string("system: p204-hcl\n", "c.yaml");
    for (const int i : {ca, fe}) {
        const auto x = impurity_extraction(spec.system, root, spec.components[i]);
        // At pH = pH½ and free dimer C_ref / 2 the ion's D is 1.
        Eigen::VectorXd ln_aq = Eigen::VectorXd::Constant(n, std::log(1e-9));
        Eigen::VectorXd extra(2);
        extra << -x.ph_half * std::log(10.0), std::log(x.extractant_mol_per_L / 2.0);
        StageChemistry chem;
        StageConditions stage;
        model.stage_chemistry(stage, ln_aq, extra, chem);
        EXPECT_NEAR(chem.ln_org[i] - ln_aq[i], 0.0, 1e-12) << spec.components[i];
        // d ln q / d ln [H+] = -z: z protons released per ion.
        EXPECT_DOUBLE_EQ(chem.d_ln_org(i, n), -x.charge);
        EXPECT_DOUBLE_EQ(chem.d_ln_org(i, n + 1), x.charge);
    }
}

TEST(Impurities, ironLoadedOrganicLowersRareEarthExtractionAsTheSiteBalanceSays)
{
    // One stage of unsaponified D2EHPA at pH 1 with 0.1 mol/L Nd, with and without 0.05
    // mol/L Fe(III): the free dimer follows from the site balance, Nd's organic as its cube.
    const std::string yaml = sulfate_case();
    const auto root = InputNode::load_string(yaml, "test.yaml");
    const ExtractionSystem system = builtin_system("p204-hcl");
    const int nd = species("Nd"), fe = species("Fe3+");
    const auto nd_only = make_equilibrium_model(root.at("model"), {nd}, system, root);
    const auto nd_fe = make_equilibrium_model(root.at("model"), {nd, fe}, system, root);
    StageConditions stage;
    stage.sulfate_mol_per_L = 0.0;  // the chloride form of the aqueous protons: h given
    const double h = 0.1;
    Eigen::VectorXd content(1);
    content << h;
    Eigen::VectorXd e1, e2;
    nd_only->start_extras(stage, Eigen::VectorXd::Constant(1, std::log(0.1)), content, e1);
    Eigen::VectorXd ln_aq2(2);
    ln_aq2 << std::log(0.1), std::log(0.05);
    nd_fe->start_extras(stage, ln_aq2, content, e2);
    StageChemistry c1, c2;
    nd_only->stage_chemistry(stage, Eigen::VectorXd::Constant(1, std::log(0.1)), e1, c1);
    nd_fe->stage_chemistry(stage, ln_aq2, e2, c2);
    EXPECT_NEAR(c1.local[0], 0.0, 1e-12);  // sites close in both
    EXPECT_NEAR(c2.local[0], 0.0, 1e-12);
    const double f1 = std::exp(e1[1]), f2 = std::exp(e2[1]);
    const double q1 = std::exp(c1.ln_org[0]), q2 = std::exp(c2.ln_org[0]);
    const double q_fe = std::exp(c2.ln_org[1]);
    EXPECT_GT(q_fe, 0.0);
    EXPECT_LT(f2, f1);
    EXPECT_LT(q2, q1);
    // Site balance: 2 (HA)2 + 2 z q per ion = C_HA, and Nd's organic as (f2 / f1)^3.
    EXPECT_NEAR(2.0 * f2 + 6.0 * q2 + 6.0 * q_fe, 0.6, 1e-12);
    EXPECT_NEAR(2.0 * f1 + 6.0 * q1, 0.6, 1e-12);
    EXPECT_NEAR(q2 / q1, std::pow(f2 / f1, 3), 1e-12);
}

TEST(Impurities, chlorideCascadeBalancesAndReportsImpurityContent)
{
    const std::string yaml =
        chloride_case("{Al3+: 300 mg/L, Ca2+: 800 mg/L, Mg2+: 150 mg/L, Fe3+: 40 mg/L}");
    const CaseSpec spec = test::case_from_yaml(yaml);
    const CascadeResult r = test::solve_yaml(yaml);
    ASSERT_TRUE(r.solver.converged);
    EXPECT_LT(r.mass_balance_relative_error, 1e-10);
    test::expect_conserved_balances_close(r);
    EXPECT_LT(r.electroneutrality_relative_error, 1e-10);
    for (const char* s : {"Al3+", "Ca2+", "Mg2+", "Fe3+"}) {
        const int e = species(s);
        EXPECT_NEAR(r.feed_mol_per_h[e], 100.0 * spec.feeds[0].impurity_mol_per_L[e - num_elements],
                    1e-12);
        double out = 0.0;
        for (std::size_t p = 0; p < r.products.size(); ++p) {
            out += r.recovery[p][e];
        }
        EXPECT_NEAR(out, 1.0, 1e-10) << s;
    }
    // Sites: free HA + NaA + 2 z q summed over every ion = C_HA in every stage.
    for (int j = 0; j < r.num_stages; ++j) {
        double bound = 0.0;
        for (int e : spec.components) {
            bound += 2.0 * species_charge(e) * r.organic_mol_per_L(j, e);
        }
        const double free = r.profiles(j, 2), sap = r.profiles(j, 3);
        EXPECT_NEAR((free + sap + bound) / 1.5, 1.0, 1e-9) << "stage " << j + 1;
    }
    // Products: total-metal purity below RE purity where impurities are, ppm from the moles.
    for (const auto& p : r.products) {
        if (p.re_mol_per_h <= 0.0) {
            continue;
        }
        EXPECT_LE(p.metal_purity, p.purity * (1.0 + 1e-15)) << p.name;
        double reo_g = 0.0;
        for (int e = 0; e < num_elements; ++e) {
            reo_g += p.mol_per_h[e] * species_oxide_g_per_mol(e);
        }
        const int fe = species("Fe3+");
        EXPECT_NEAR(p.impurity_ppm_reo[fe - num_elements],
                    1e6 * p.mol_per_h[fe] * (2 * 55.845 + 3 * 15.999) / 2 / reo_g,
                    1e-9 * (1.0 + p.impurity_ppm_reo[fe - num_elements]));
    }
    // The rare-earth results on the rare-earth basis are what the same cascade without
    // impurities gives when the impurities take little extractant: same main elements.
    const nlohmann::json j = io::run_summary(spec, r);
    EXPECT_TRUE(j["products"]["raffinate"].contains("purity_total_metal"));
    EXPECT_TRUE(j["products"]["raffinate"]["impurities"].contains("Fe3+"));
    EXPECT_EQ(j["input"]["feeds"][0]["impurities_mol_per_L"].size(), 4u);
    const std::string table = io::format_run(spec, r, false);
    EXPECT_NE(table.find("Fe3+ as Fe2O3"), std::string::npos) << table;
    EXPECT_NE(table.find("purity metal %"), std::string::npos) << table;
}

TEST(Impurities, unextractedImpurityLeavesEntirelyInTheRaffinate)
{
    // Mg2+ with a pH½ of 13: D = 10^(2 (pH - 13)) below 1e-16 anywhere in the cascade.
    const CascadeResult r =
        test::solve_yaml(chloride_case("{Mg2+: 150 mg/L}", "impurity-ph-half: {Mg2+: 13}\n"));
    ASSERT_TRUE(r.solver.converged);
    const int raffinate = test::product_index(r, "raffinate");
    const int mg = species("Mg2+");
    EXPECT_NEAR(r.recovery[raffinate][mg], 1.0, 1e-12);
    const int liquor = test::product_index(r, "strip_liquor");
    EXPECT_LT(r.recovery[liquor][mg], 1e-12);
    EXPECT_EQ(r.products[liquor].impurity_ppm_reo[mg - num_elements] < 1e-6, true);
}

TEST(Impurities, sulfateCascadeClosesProtonAndChargeBalances)
{
    const std::string yaml = sulfate_case();
    const CaseSpec spec = test::case_from_yaml(yaml);
    ASSERT_TRUE(spec.medium.sulfate);
    const CascadeResult r = test::solve_yaml(yaml);
    ASSERT_TRUE(r.solver.converged);
    EXPECT_LT(r.mass_balance_relative_error, 1e-10);
    ASSERT_EQ(r.conserved_names.size(), 1u);
    EXPECT_LT(r.conserved_balance_relative_error[0], 1e-10);
    EXPECT_LT(r.electroneutrality_relative_error, 1e-10);
    // Sulfate per stage (anion equivalents / 2) in the extraction section: the feed's.
    const double feed_sulfate =
        0.03 + 0.5 * (0.5 / 55.845 * 3 + 2.0 / 26.982 * 3 + 0.3 / 40.078 * 2 + 0.002 * 3);
    EXPECT_NEAR(0.5 * r.chloride_mol_per_L[0], feed_sulfate, 1e-12);
    // Iron is extracted far more than aluminium and calcium at the same pH (pH½ 0.5 vs 2.4
    // and 2.1 for D2EHPA).
    const int raffinate = test::product_index(r, "raffinate");
    EXPECT_LT(r.recovery[raffinate][species("Fe3+")], r.recovery[raffinate][species("Al3+")]);
    EXPECT_LT(r.recovery[raffinate][species("Fe3+")], r.recovery[raffinate][species("Ca2+")]);
}

TEST(Impurities, badInputIsLocated)
{
    std::string e = input_error(chloride_case("{Xq3+: 40 mg/L}"));
    EXPECT_NE(e.find("test.yaml:5:"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown species 'Xq3+'"), std::string::npos) << e;
    e = input_error(chloride_case("{Fe: 40 mg/L}"));
    EXPECT_NE(e.find("Fe3+ or Fe2+"), std::string::npos) << e;
    e = input_error(chloride_case("{Fe3+: 40}"));
    EXPECT_NE(e.find("test.yaml:5:"), std::string::npos) << e;
    EXPECT_NE(e.find("has no unit"), std::string::npos) << e;
    e = input_error(chloride_case("{Fe3+: 40 mg/kg}"));
    EXPECT_NE(e.find("unknown concentration unit 'mg/kg'"), std::string::npos) << e;
    EXPECT_NE(e.find("Fe3+"), std::string::npos) << e;
    e = input_error(chloride_case("{Nd: 40 mg/L}"));
    EXPECT_NE(e.find("rare earth"), std::string::npos) << e;
    // A system without impurity data (missing extraction constant) says how to give one.
    std::string cyanex = chloride_case(
        "{Fe3+: 40 mg/L}", "mass-action: {log10-kex-reference: -4.0, log10-k-saponified: -5.0}\n");
    cyanex.replace(cyanex.find("p507-hcl"), 8, "cyanex272-hcl");
    e = input_error(cyanex);
    EXPECT_NE(e.find("test.yaml:1:"), std::string::npos) << e;
    EXPECT_NE(e.find("no extraction data for Fe3+"), std::string::npos) << e;
    // Models without acidity refuse impurities and the sulfate medium.
    std::string sf = chloride_case("{Fe3+: 40 mg/L}");
    sf.replace(sf.find("mass-action"), 11, "separation-factor");
    e = input_error(sf);
    EXPECT_NE(e.find("test.yaml:2:"), std::string::npos) << e;
    EXPECT_NE(e.find("mass-action or ph-correlation"), std::string::npos) << e;
    std::string sf_sulfate = test::binary_case(1.5, 0.5, 5, 5, 1.0, 0.5, "medium: sulfate\n");
    e = input_error(sf_sulfate);
    EXPECT_NE(e.find("medium"), std::string::npos) << e;
    EXPECT_NE(e.find("mass-action"), std::string::npos) << e;
}

TEST(Impurities, sulfateReagentsAreNamedAndCountedAsSulfuricAcid)
{
    const std::string yaml = sulfate_case();
    const CaseSpec spec = test::case_from_yaml(yaml);
    const CascadeResult r = test::solve_yaml(yaml);
    ASSERT_TRUE(r.solver.converged);
    const auto& g = r.reagents;
    EXPECT_EQ(g.acid, "H2SO4");
    // H+ fed: two per H2SO4 of the feed (0.03 mol/L) and the strip (3 mol/L); the acid fed is
    // counted in mol and kg of H2SO4 (98.08 g/mol).
    EXPECT_NEAR(g.feed_acid_h_mol_per_h, 2.0 * 1000.0 * 0.03, 1e-9);
    EXPECT_NEAR(g.strip_acid_h_mol_per_h, 2.0 * 20.0 * 3.0, 1e-9);
    EXPECT_NEAR(g.hcl_fed_mol_per_h, 1000.0 * 0.03 + 20.0 * 3.0, 1e-9);
    EXPECT_NEAR(g.hcl_fed_kg_per_h, g.hcl_fed_mol_per_h * 98.08e-3, 1e-12);
    // The acid leaving holds its protons as free H+ and HSO4- (stage 1's for the raffinate);
    // consumed is fed less that, in mol H2SO4.
    const int raffinate = test::product_index(r, "raffinate");
    const double h = r.profiles(0, 1);  // h_mol_per_L
    const double s = 0.5 * r.chloride_mol_per_L[0];
    const double hso4 = s * h / (h + spec.medium.ka_bisulfate_mol_per_L);
    EXPECT_NEAR(g.raffinate_acid_h_mol_per_h, r.products[raffinate].flow_L_per_h * (h + hso4),
                1e-9 * g.raffinate_acid_h_mol_per_h);
    EXPECT_NEAR(g.hcl_consumed_mol_per_h,
                g.hcl_fed_mol_per_h -
                    (g.raffinate_acid_h_mol_per_h + g.strip_liquor_acid_h_mol_per_h) / 2.0,
                1e-9);
    const nlohmann::json j = io::run_summary(spec, r);
    EXPECT_EQ(j["reagents"]["acid"], "H2SO4");
    EXPECT_TRUE(j["reagents"].contains("h2so4_fed_mol_per_h"));
    EXPECT_FALSE(j["reagents"].contains("hcl_fed_mol_per_h"));
    const std::string table = io::format_run(spec, r, false);
    EXPECT_NE(table.find("H2SO4 fed"), std::string::npos) << table;
    EXPECT_EQ(table.find("HCl"), std::string::npos) << table;
    // A chloride case keeps its names.
    const CascadeResult c = test::solve_yaml(chloride_case("{Fe3+: 40 mg/L}"));
    EXPECT_EQ(c.reagents.acid, "HCl");
    EXPECT_NE(io::format_run(test::case_from_yaml(chloride_case("{Fe3+: 40 mg/L}")), c, false)
                  .find("HCl fed"),
              std::string::npos);
}
