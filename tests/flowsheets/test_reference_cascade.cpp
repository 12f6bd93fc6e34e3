// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx's ideal separation-factor cascades against the independent solver of
// ReferenceSaturatedCascade.h: hand-checkable limits (one element, a binary with a
// huge separation factor) and random binary and multicomponent cases, from this file's own
// generator (the reference's inputs come from the generator's numbers, not from reesx's
// parser) and from the seeded generator of RandomCases.h (inputs read from the parsed case).
//
// Agreement, for every product and element i (f_i its feed, S the organic RE flux, F the feed's):
//
//     |reesx − reference| ≤ 1e-8 · max(reesx, reference, 1e-10 · f_i) + (1e-14 + r + ρ) · (S + F)
//
// The first term is 1e-8 relative wherever a flow is above 1e-10 of its element's feed, and
// 1e-18 of that feed below. The second is the RE flux the solutions leave undetermined: r and ρ
// are reesx's and the reference's final residuals (relative imbalance of a stage's organic RE
// flux, so r · S mol/h), and 1e-14 · (S + F), some 50 ulps of the largest flux, the rounding of
// the flux bookkeeping itself (S − W − f_A is computed, and rounded, differently by the two).
// It matters at a sharp split (S − W = f_A, as the generators choose half of the time), where
// the products hold only impurities below any closure tolerance: there that flux is all the
// impurity there is, the keys take it, traces included, and its size is rounding. For flows
// above about 1e-6 · (S + F) the first term decides; below, in traces and impurities, the
// second. Cases the reference does not converge on are skipped and counted; cases reesx does
// not converge on fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>

#include "CaseBuilder.h"
#include "RandomCases.h"
#include "ReferenceSaturatedCascade.h"
#include "reesx/core/Error.h"

namespace reesx {
namespace {

constexpr double relative_tolerance = 1e-8;
constexpr double trace_floor = 1e-10;           // of the element's feed
constexpr double bookkeeping_rounding = 1e-14;  // relative, of S + F

//! The reference's inputs from a parsed case; false when the case is outside its scope.
bool reference_inputs(const CaseSpec& spec, test::ReferenceSaturatedCase& ref)
{
    const std::optional<double> capacity = spec.organic_capacity_mol_per_L();
    if (spec.model_name != "separation-factor" || spec.stages_strip != 0 || !spec.draws.empty() ||
        spec.feeds.size() != 1 || spec.feeds.front().phase != Phase::aqueous ||
        spec.organic.recycle || !capacity) {
        return false;
    }
    for (double e : spec.efficiency) {
        if (e != 1.0) {
            return false;
        }
    }
    const FeedSpec& feed = spec.feeds.front();
    ref = {};
    for (int e : spec.components) {
        ref.log10_k.push_back(spec.system.log10_k(e));
        ref.feed_mol_per_h.push_back(feed.re_mol_per_h() * feed.mole_fraction[e]);
    }
    ref.stages = spec.stages_extraction + spec.stages_scrub;
    ref.feed_stage = feed.stage;
    ref.organic_re_mol_per_h = spec.organic.flow_L_per_h * *capacity;
    ref.scrub_re_mol_per_h =
        spec.scrub && spec.stages_scrub > 0 ? spec.scrub->h_mol_per_h() / 3.0 : 0.0;
    return true;
}

//! REESX_REFERENCE_CASES=N runs N cases per generator instead of the default (as
//! REESX_PROPERTY_CASES does for the property test).
int case_count(int default_count)
{
    if (const char* env = std::getenv("REESX_REFERENCE_CASES")) {
        return std::max(1, std::atoi(env));
    }
    return default_count;
}

struct Tally {
    int compared = 0;
    int reference_failed = 0;
    int infeasible = 0;
    int reesx_failed = 0;
    int newton_max = 0;
    long flows = 0;               //!< product flows compared
    double worst_relative = 0.0;  //!< largest relative difference of a flow ≥ 1e-6 (S + F)
    double worst_usage = 0.0;     //!< largest difference / allowed difference
    std::string worst_where, worst_usage_where;

    void print(const std::string& what) const
    {
        std::cout
            << what << ": " << compared << " cases (" << flows
            << " product flows) compared; largest relative difference of a flow above 1e-6 (S + F) "
            << worst_relative << " (" << worst_where << "), largest difference / allowed "
            << worst_usage << " (" << worst_usage_where << "); reference did not converge "
            << reference_failed << ", infeasible " << infeasible << ", reesx failed "
            << reesx_failed << "; most reference Newton steps " << newton_max << "\n";
    }
};

//! Solves `yaml` with reesx and compares it with the reference for `ref` (components in the
//! order of `components`, reesx's element indices).
void compare(const std::string& label, const std::string& yaml,
             const test::ReferenceSaturatedCase& ref, const std::vector<int>& components,
             Tally& tally)
{
    const test::ReferenceSaturatedResult expected = test::solve_reference_saturated(ref);
    if (!expected.feasible) {
        ++tally.infeasible;
        return;
    }
    if (!expected.converged) {
        ++tally.reference_failed;
        std::cout << label << ": reference did not converge (closure " << expected.closure_residual
                  << " after " << expected.newton_steps << " Newton steps), skipped\n";
        return;
    }
    tally.newton_max = std::max(tally.newton_max, expected.newton_steps);
    EXPECT_LT(expected.aqueous_total_residual, 1e-10) << label;
    CascadeResult r;
    try {
        r = test::solve_yaml(yaml);
    } catch (const Error& e) {
        ++tally.reesx_failed;
        ADD_FAILURE() << label << ": reesx failed: " << e.what() << "\n" << yaml;
        return;
    }
    if (!r.solver.converged) {
        ++tally.reesx_failed;
        ADD_FAILURE() << label << ": reesx did not converge: " << r.solver.message << "\n" << yaml;
        return;
    }
    ++tally.compared;
    const int raffinate = test::product_index(r, "raffinate");
    const int organic = test::product_index(r, "loaded_organic");
    ASSERT_GE(raffinate, 0) << label;
    ASSERT_GE(organic, 0) << label;
    EXPECT_EQ(r.products.size(), 2u) << label;
    double feed_total = 0.0;
    for (double f : ref.feed_mol_per_h) {
        feed_total += f;
    }
    const double undetermined =
        (bookkeeping_rounding + r.solver.residual_norm + expected.closure_residual) *
        (ref.organic_re_mol_per_h + feed_total);
    for (std::size_t c = 0; c < components.size(); ++c) {
        const int e = components[c];
        const double floor = trace_floor * ref.feed_mol_per_h[c];
        const std::pair<int, double> products[] = {{raffinate, expected.raffinate_mol_per_h[c]},
                                                   {organic, expected.loaded_organic_mol_per_h[c]}};
        for (const auto& [p, want] : products) {
            const auto& product = r.products[static_cast<std::size_t>(p)];
            const double got = product.mol_per_h[e];
            const double scale = std::max({std::abs(got), want, floor});
            const double allowed = relative_tolerance * scale + undetermined;
            const double difference = std::abs(got - want);
            EXPECT_LE(difference, allowed)
                << label << ": " << product.name << " " << elements()[e].symbol << ": reesx " << got
                << " mol/h, reference " << want << " mol/h (feed " << ref.feed_mol_per_h[c]
                << " mol/h); residuals: reesx " << r.solver.residual_norm << ", reference "
                << expected.closure_residual << "\n"
                << yaml;
            ++tally.flows;
            const std::string where =
                label + " " + product.name + " " + std::string(elements()[e].symbol);
            if (std::max(std::abs(got), want) >= 1e-6 * (ref.organic_re_mol_per_h + feed_total) &&
                difference / scale > tally.worst_relative) {
                tally.worst_relative = difference / scale;
                tally.worst_where = where;
            }
            if (difference / allowed > tally.worst_usage) {
                tally.worst_usage = difference / allowed;
                tally.worst_usage_where = where;
            }
        }
    }
}

//! This file's own generator: 2–6 elements with neighbour beta 1.2–8, the organic product on
//! the sharp split half of the time (else within ±10 % of it), S 1.05–4 times the theory's
//! sharp-split S_min = P + 1/(beta − 1), 1–75 stages per section, the feed at the last
//! extraction stage (70 %) or any extraction stage. Feed 1 mol/h, loading 1 mol/L, scrub acid
//! 3 mol/L: S and W are the organic and scrub flows in L/h.
struct OwnCase {
    std::string yaml;
    test::ReferenceSaturatedCase ref;
    std::vector<int> components;
};

OwnCase own_case(std::mt19937_64& rng)
{
    const auto uniform = [&](double a, double b) {
        return std::uniform_real_distribution<double>(a, b)(rng);
    };
    const auto integer = [&](int a, int b) {
        return std::uniform_int_distribution<int>(a, b)(rng);
    };
    // Elements by extractability, weakest first, whatever their chemistry; in reesx's element
    // order too, so that the reference's components line up with reesx's.
    static const char* symbols[] = {"La", "Ce", "Pr", "Nd", "Sm", "Gd"};
    const int n = uniform(0.0, 1.0) < 0.4 ? 2 : integer(2, 6);
    OwnCase c;
    std::vector<double> z(static_cast<std::size_t>(n));
    double total = 0.0;
    for (double& v : z) {
        v = uniform(0.05, 1.0);
        total += v;
    }
    double log10_k = 0.0;
    for (int k = 0; k < n; ++k) {
        z[static_cast<std::size_t>(k)] /= total;
        c.ref.log10_k.push_back(log10_k);
        c.ref.feed_mol_per_h.push_back(z[static_cast<std::size_t>(k)]);
        c.components.push_back(*element_index(symbols[k]));
        log10_k += std::log10(uniform(1.2, 8.0));
    }
    const int cut = integer(1, n - 1);
    double f_a = 0.0;
    for (int k = cut; k < n; ++k) {
        f_a += z[static_cast<std::size_t>(k)];
    }
    const double beta = std::pow(10.0, c.ref.log10_k[static_cast<std::size_t>(cut)] -
                                           c.ref.log10_k[static_cast<std::size_t>(cut - 1)]);
    const double product = uniform(0.0, 1.0) < 0.5 ? f_a : f_a * uniform(0.9, 1.1);
    const double s_min = product + 1.0 / (beta - 1.0);
    const double s = std::max(product * 1.01, s_min * uniform(1.05, 4.0));
    const double w = s - product;
    const int n_ext = integer(1, 75), n_scrub = integer(1, 75);
    const int feed_stage = uniform(0.0, 1.0) < 0.3 ? integer(1, n_ext) : n_ext;
    c.ref.stages = n_ext + n_scrub;
    c.ref.feed_stage = feed_stage;
    c.ref.organic_re_mol_per_h = s;
    c.ref.scrub_re_mol_per_h = w;

    std::ostringstream y;
    y.precision(17);
    y << "system:\n  name: own\n  log10-extractability: {";
    for (int k = 0; k < n; ++k) {
        y << (k ? ", " : "") << elements()[c.components[static_cast<std::size_t>(k)]].symbol << ": "
          << c.ref.log10_k[static_cast<std::size_t>(k)];
    }
    y << "}\nmodel: separation-factor\nstages: {extraction: " << n_ext << ", scrub: " << n_scrub
      << "}\nfeed: {flow: 1 L/h, concentration: 1 mol/L, stage: " << feed_stage
      << ", composition: {";
    for (int k = 0; k < n; ++k) {
        y << (k ? ", " : "") << elements()[c.components[static_cast<std::size_t>(k)]].symbol << ": "
          << c.ref.feed_mol_per_h[static_cast<std::size_t>(k)];
    }
    y << "}}\norganic: {flow: " << s << " L/h, loading: 1 mol/L}\nscrub: {flow: " << w
      << " L/h, acid: 3 mol/L}\n";
    c.yaml = y.str();
    return c;
}

TEST(ReferenceCascade, OneElementGoesWhereTheBookkeepingSends)
{
    // One element: every stage's composition is trivial, the organic product is S − W and the
    // raffinate F + W − S (F = 1, S = 1.5, W = 0.9: 0.6 and 0.4 mol/h).
    const std::string yaml =
        "system:\n  name: one\n  log10-extractability: {Nd: 0.7}\n"
        "stages: {extraction: 4, scrub: 3}\n"
        "feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Nd: 1}}\n"
        "organic: {flow: 1.5 L/h, loading: 1 mol/L}\nscrub: {flow: 0.9 L/h, acid: 3 mol/L}\n";
    test::ReferenceSaturatedCase ref;
    ref.log10_k = {0.7};
    ref.feed_mol_per_h = {1.0};
    ref.stages = 7;
    ref.feed_stage = 4;
    ref.organic_re_mol_per_h = 1.5;
    ref.scrub_re_mol_per_h = 0.9;
    const auto expected = test::solve_reference_saturated(ref);
    ASSERT_TRUE(expected.converged);
    EXPECT_NEAR(expected.loaded_organic_mol_per_h[0], 0.6, 1e-14);
    EXPECT_NEAR(expected.raffinate_mol_per_h[0], 0.4, 1e-14);
    const CascadeResult r = test::solve_yaml(yaml);
    const int nd = *element_index("Nd");
    EXPECT_NEAR(r.products[test::product_index(r, "loaded_organic")].mol_per_h[nd], 0.6, 1e-12);
    EXPECT_NEAR(r.products[test::product_index(r, "raffinate")].mol_per_h[nd], 0.4, 1e-12);
}

TEST(ReferenceCascade, HugeSeparationFactorSeparatesCompletely)
{
    // beta = 1e4 on the sharp split (S − W = f_A = 0.4), 10 + 10 stages: every stage cuts the
    // wrong element by about beta, so both products are pure far beyond 1e-12 mol/h.
    // (Beyond beta ~ 1e6 the reference no longer converges here: the impurities, ~beta^-10,
    // are so far below every closure that nothing in double precision places the front.)
    const double beta = 1e4, f_a = 0.4, s = 0.9, w = 0.5;
    const std::string yaml = test::binary_case(beta, f_a, 10, 10, s, w);
    test::ReferenceSaturatedCase ref;
    ref.log10_k = {0.0, 4.0};  // Pr, Nd (reesx's element order)
    ref.feed_mol_per_h = {1.0 - f_a, f_a};
    ref.stages = 20;
    ref.feed_stage = 10;
    ref.organic_re_mol_per_h = s;
    ref.scrub_re_mol_per_h = w;
    const auto expected = test::solve_reference_saturated(ref);
    ASSERT_TRUE(expected.converged) << expected.closure_residual;
    EXPECT_LT(expected.loaded_organic_mol_per_h[0], 1e-12);
    EXPECT_LT(expected.raffinate_mol_per_h[1], 1e-12);
    EXPECT_NEAR(expected.loaded_organic_mol_per_h[1], f_a, 1e-12);
    EXPECT_NEAR(expected.raffinate_mol_per_h[0], 1.0 - f_a, 1e-12);
    const CascadeResult r = test::solve_yaml(yaml);
    const int nd = *element_index("Nd"), pr = *element_index("Pr");
    const auto& organic = r.products[test::product_index(r, "loaded_organic")];
    const auto& raffinate = r.products[test::product_index(r, "raffinate")];
    EXPECT_LT(organic.mol_per_h[pr], 1e-12);
    EXPECT_LT(raffinate.mol_per_h[nd], 1e-12);
    EXPECT_NEAR(organic.mol_per_h[nd], f_a, 1e-12);
    EXPECT_NEAR(raffinate.mol_per_h[pr], 1.0 - f_a, 1e-12);
    Tally tally;
    compare("beta 1e4", yaml, ref, {pr, nd}, tally);
    EXPECT_EQ(tally.compared, 1);
}

TEST(ReferenceCascade, AgreesOnOwnRandomCases)
{
    std::mt19937_64 rng(20261202);
    Tally tally;
    const int count = case_count(60);
    for (int k = 0; k < count; ++k) {
        const OwnCase c = own_case(rng);
        compare("own case " + std::to_string(k), c.yaml, c.ref, c.components, tally);
    }
    tally.print("own cases");
    EXPECT_GE(tally.compared, count * 5 / 6);
}

TEST(ReferenceCascade, AgreesOnRandomGeneratorCases)
{
    test::RandomCaseGenerator generator(7, test::RandomCaseLimits{75});
    Tally tally;
    int out_of_scope = 0;
    const int count = case_count(120);
    for (int k = 0; k < count; ++k) {
        const test::RandomCase c = generator.next("separation-factor");
        if (!c.ideal_simple) {
            ++out_of_scope;
            continue;
        }
        CaseSpec spec;
        try {
            spec = test::case_from_yaml(c.yaml);
        } catch (const Error& e) {
            ADD_FAILURE() << "random case " << k << " does not parse: " << e.what();
            continue;
        }
        test::ReferenceSaturatedCase ref;
        if (!reference_inputs(spec, ref)) {
            ++out_of_scope;
            continue;
        }
        compare("random case " + std::to_string(k), c.yaml, ref, spec.components, tally);
    }
    tally.print("random generator cases");
    std::cout << "out of the reference's scope: " << out_of_scope << "\n";
}

}  // namespace
}  // namespace reesx
