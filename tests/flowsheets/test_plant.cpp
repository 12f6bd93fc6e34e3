// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Plant files (`reesx run PLANT.yaml`): the plant that `reesx separate` writes re-runs to the
// same products, element balances close over the plant, recycles converge, linked cascades
// give the same products as independent ones with less base and acid, bad streams are
// located errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx {
namespace {

using ::testing::HasSubstr;

const char* mixed_feed =
    "feed: {name: mixed, concentration: 1.5 mol/L, composition: {La: 0.30, Ce: 0.45, "
    "Pr: 0.06, Nd: 0.16, Sm: 0.02, Gd: 0.005, Dy: 0.003, Y: 0.002}}\n";

SeparateResult run_separate(const std::string& yaml, SeparateSpec* spec_out = nullptr)
{
    const SeparateSpec spec = parse_separate(InputNode::load_string(yaml, "separate.yaml"));
    if (spec_out) {
        *spec_out = spec;
    }
    return separate(spec);
}

PlantResult run_plant_text(const std::string& yaml)
{
    return solve_plant(parse_plant(InputNode::load_string(yaml, "plant.yaml")));
}

const PlantProductResult& product_named(const PlantResult& r, const std::string& name)
{
    for (const auto& p : r.products) {
        if (p.name == name) {
            return p;
        }
    }
    throw std::runtime_error("no product " + name);
}

//! The plant file of a separation re-runs to the separation's products.
void expect_plant_file_reproduces(const SeparateSpec& spec, const SeparateResult& s)
{
    const PlantResult r = run_plant_text(plant_file_yaml(spec, s));
    EXPECT_TRUE(r.tears.empty());
    EXPECT_EQ(r.iterations, 1);
    EXPECT_EQ(r.cascade_solves, static_cast<int>(s.cascades.size()));
    ASSERT_EQ(r.products.size(), s.products.size());
    for (const auto& expected : s.products) {
        SCOPED_TRACE(expected.name);
        const PlantProductResult& p = product_named(r, expected.name);
        ASSERT_TRUE(p.target.has_value());
        EXPECT_GE(p.purity, *p.target);
        EXPECT_NEAR(p.purity, expected.purity, 1e-12);
        for (int e = 0; e < num_elements; ++e) {
            EXPECT_NEAR(p.value.mol_per_h[e], expected.mol_per_h[e],
                        1e-9 * expected.mol_per_h[e] + 1e-12 * expected.re_mol_per_h);
        }
    }
    EXPECT_LT(r.mass_balance_relative_error, 1e-12);
    EXPECT_EQ(r.mass_balance_relative_error,
              *std::max_element(r.balance_relative_error.begin(), r.balance_relative_error.end()));
    // The plant's reagents are the cascades' own.
    EXPECT_NEAR(r.base_mol_per_h, s.base_mol_per_h, 1e-9 * s.base_mol_per_h);
    EXPECT_NEAR(r.scrub_acid_h_mol_per_h + r.strip_acid_h_mol_per_h, s.hcl_mol_per_h,
                1e-9 * s.hcl_mol_per_h);
}

TEST(Plant, separatePlantFileRerunsToTheSameProducts)
{
    SeparateSpec spec;
    const SeparateResult s = run_separate(std::string("system: p507-hcl\n") + mixed_feed, &spec);
    expect_plant_file_reproduces(spec, s);
    // Every cascade has separate's idle second strip stage: one warning names them all.
    const PlantResult r = run_plant_text(plant_file_yaml(spec, s));
    std::vector<std::string> about_strip;
    for (const auto& w : r.warnings) {
        if (w.find("strip stage 2 is empty") != std::string::npos) {
            about_strip.push_back(w);
        }
    }
    ASSERT_EQ(about_strip.size(), 1U);
    std::string names;
    for (std::size_t c = 0; c < s.cascades.size(); ++c) {
        names += (c ? ", c" : "c") + std::to_string(c + 1);
    }
    EXPECT_THAT(about_strip[0], HasSubstr(names + ": stages.strip:"));
}

TEST(Plant, linkedCascadesGiveTheSameProductsWithLessBaseAndAcid)
{
    SeparateSpec spec;
    const SeparateResult linked =
        run_separate(std::string("system: p507-hcl\nlinked: true\n") + mixed_feed, &spec);
    const SeparateResult independent = run_separate(std::string("system: p507-hcl\n") + mixed_feed);
    ASSERT_TRUE(linked.independent.has_value());
    // The comparison inside the linked run is the independent plant itself.
    EXPECT_EQ(linked.independent->total_stages, independent.total_stages);
    EXPECT_NEAR(linked.independent->base_mol_per_h, independent.base_mol_per_h,
                1e-12 * independent.base_mol_per_h);
    EXPECT_NEAR(linked.independent->hcl_mol_per_h, independent.hcl_mol_per_h,
                1e-12 * independent.hcl_mol_per_h);
    EXPECT_LT(linked.base_mol_per_h, independent.base_mol_per_h);
    EXPECT_LT(linked.hcl_mol_per_h, independent.hcl_mol_per_h);
    // Some cascade is linked: fed with another's loaded organic.
    int organic_fed = 0;
    for (const auto& c : linked.cascades) {
        organic_fed += c.feed_outlet == "loaded_organic" ? 1 : 0;
    }
    EXPECT_GT(organic_fed, 0);
    // The same products: every one at its purity, recoveries within 0.1 %.
    ASSERT_EQ(linked.products.size(), independent.products.size());
    for (std::size_t p = 0; p < linked.products.size(); ++p) {
        SCOPED_TRACE(linked.products[p].name);
        EXPECT_EQ(linked.products[p].name, independent.products[p].name);
        EXPECT_GE(linked.products[p].purity, spec.purity);
        EXPECT_GE(independent.products[p].purity, spec.purity);
        EXPECT_NEAR(linked.products[p].recovery, independent.products[p].recovery, 1e-3);
    }
    EXPECT_LT(linked.mass_balance_relative_error, 1e-12);
    expect_plant_file_reproduces(spec, linked);
}

std::string example(const std::string& name)
{
    return std::string(REESX_SOURCE_DIR) + "/examples/" + name;
}

TEST(Plant, recycleConvergesByWegsteinAndBySubstitution)
{
    const PlantSpec spec = parse_plant(InputNode::load_file(example("plant-scrub-recycle.yaml")));
    const PlantResult wegstein = solve_plant(spec);
    PlantSpec by_substitution = spec;
    by_substitution.method = "substitution";
    const PlantResult substitution = solve_plant(by_substitution);
    for (const PlantResult* r : {&wegstein, &substitution}) {
        ASSERT_EQ(r->tears.size(), 1U);
        EXPECT_LE(r->tear_change, spec.tolerance);
        // The plant balance closes to the tear tolerance, not just each cascade's.
        EXPECT_LT(r->mass_balance_relative_error, 1e-11);
        for (const auto& c : r->cascades) {
            EXPECT_LT(c.mass_balance_relative_error, 1e-11);
        }
    }
    EXPECT_LT(wegstein.iterations, substitution.iterations);
    // Both find the same steady state.
    ASSERT_EQ(wegstein.products.size(), substitution.products.size());
    for (std::size_t p = 0; p < wegstein.products.size(); ++p) {
        for (int e = 0; e < num_elements; ++e) {
            EXPECT_NEAR(wegstein.products[p].value.mol_per_h[e],
                        substitution.products[p].value.mol_per_h[e],
                        1e-10 * std::max(wegstein.feed_mol_per_h[e], 1e-300));
        }
    }
    // The recycled stream carries what the scrub must strip: the fraction of c2's raffinate.
    const StreamValue& back = wegstein.streams[1];
    EXPECT_NEAR(back.re_mol_per_h(),
                *spec.streams[1].fraction * wegstein.cascades[1].products[0].re_mol_per_h, 1e-9);
    // Too few passes: a convergence error that says so.
    PlantSpec short_of_passes = spec;
    short_of_passes.max_iterations = 3;
    try {
        solve_plant(short_of_passes);
        FAIL() << "expected a ConvergenceError";
    } catch (const ConvergenceError& e) {
        EXPECT_THAT(e.what(), HasSubstr("did not converge in 3 passes"));
        EXPECT_THAT(e.what(), HasSubstr("c2.raffinate -> c1.scrub"));
    }
}

// Two cascades for the error tests (not solved).
std::string two_cascades(const std::string& streams, const std::string& extra = "")
{
    return std::string(
               "schema: 1\n"
               "name: two cascades\n"
               "cascades:\n"
               "  - name: c1\n"
               "    system: p507-hcl\n"
               "    stages: {extraction: 5, scrub: 5}\n"
               "    feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {La: 0.5, "
               "Ce: 0.5}}\n"
               "    organic: {flow: 800 L/h, loading: 0.18 mol/L}\n"
               "    scrub: {flow: 50 L/h, acid: 4 mol/L}\n"
               "  - name: c2\n"
               "    system: p507-hcl\n"
               "    stages: {extraction: 5, scrub: 5}\n"
               "    organic: {flow: 300 L/h, loading: 0.18 mol/L}\n"
               "    scrub: {flow: 20 L/h, acid: 4 mol/L}\n"
               "streams:\n") +
           streams + extra;
}

std::string input_error(const std::string& yaml)
{
    try {
        parse_plant(InputNode::load_string(yaml, "plant.yaml"));
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(PlantErrors, badStreamsAreLocated)
{
    // The base file parses.
    EXPECT_EQ(input_error(two_cascades("  - {from: c1.raffinate, to: c2.feed}\n")), "(no error)");
    const auto line = [](int n) { return "plant.yaml:" + std::to_string(n) + ":"; };
    // Unknown cascade, with a suggestion.
    std::string m = input_error(two_cascades("  - {from: c3.raffinate, to: c2.feed}\n"));
    EXPECT_THAT(m, HasSubstr(line(16)));
    EXPECT_THAT(m, HasSubstr("one of the cascades c1, c2"));
    EXPECT_THAT(m, HasSubstr("did you mean 'c1'?"));
    // Unknown outlet: the cascade's outlets listed.
    m = input_error(two_cascades("  - {from: c1.extract, to: c2.feed}\n"));
    EXPECT_THAT(m, HasSubstr(line(16)));
    EXPECT_THAT(m, HasSubstr("has no outlet 'extract'; its outlets are raffinate, loaded_organic"));
    // Unknown inlet.
    m = input_error(two_cascades("  - {from: c1.raffinate, to: c2.feeed}\n"));
    EXPECT_THAT(m, HasSubstr("unknown inlet 'feeed'"));
    // An inlet fed twice.
    m =
        input_error(two_cascades("  - {from: c1.raffinate, to: c2.feed, fraction: 0.5}\n"
                                 "  - {from: c1.raffinate, to: c2.feed, fraction: 0.5}\n"));
    EXPECT_THAT(m, HasSubstr(line(17)));
    EXPECT_THAT(m, HasSubstr("c2.feed is already fed by c1.raffinate (line 16)"));
    // Phases: an aqueous outlet cannot be an organic feed.
    m = input_error(two_cascades("  - {from: c1.raffinate, to: c2.organic-feed}\n"));
    EXPECT_THAT(m, HasSubstr("the raffinate is aqueous"));
    // A cascade's own feed and a stream to the same inlet.
    m = input_error(two_cascades("  - {from: c2.raffinate, to: c1.feed}\n",
                                 "  - {from: c1.raffinate, to: c2.feed}\n"));
    EXPECT_THAT(m, HasSubstr("has an aqueous feed of its own"));
    // An outlet sent whole to one place and split to another.
    m =
        input_error(two_cascades("  - {from: c1.raffinate, to: c2.feed}\n"
                                 "  - {from: c1.raffinate, to: c2.scrub, fraction: 0.2}\n"));
    EXPECT_THAT(m, HasSubstr("give each part a 'fraction' or a 'flow'"));
    // Fractions above 1.
    m =
        input_error(two_cascades("  - {from: c1.raffinate, to: c2.feed, fraction: 0.7}\n"
                                 "  - {from: c1.raffinate, to: c2.scrub, fraction: 0.4}\n"));
    EXPECT_THAT(m, HasSubstr("add up to 1.1, more than 1"));
    // A cascade nothing feeds.
    m = input_error(two_cascades("  - {from: c1.raffinate, to: c1.scrub, fraction: 0.1}\n"));
    EXPECT_THAT(m, HasSubstr("cascade 'c2' has no feed"));
    // A product from an outlet that all goes on.
    m = input_error(two_cascades("  - {from: c1.raffinate, to: c2.feed}\n",
                                 "products:\n  - {name: La, from: c1.raffinate}\n"));
    EXPECT_THAT(m, HasSubstr("nothing of it leaves the plant"));
    // The solver and duplicate names.
    m = input_error(
        two_cascades("  - {from: c1.raffinate, to: c2.feed}\n", "solver: {method: newton}\n"));
    EXPECT_THAT(m, HasSubstr("expected 'wegstein' (default) or 'substitution'"));
    std::string twice = two_cascades("  - {from: c1.raffinate, to: c2.feed}\n");
    twice.replace(twice.find("name: c2"), 8, "name: c1");
    EXPECT_THAT(input_error(twice), HasSubstr("cascade name 'c1' is used twice"));
}

TEST(PlantErrors, infeasibleStreamsExitTwoNamingThem)
{
    // 10,000 L/h asked of a raffinate of about 150 L/h: exit 2 naming the stream.
    try {
        run_plant_text(two_cascades("  - {from: c1.raffinate, to: c2.feed, flow: 10000 L/h}\n"));
        FAIL() << "expected an InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("c1.raffinate -> c2.feed takes 1e+04 L/h"));
    }
    // A loop that returns all of what it receives grows without bound.
    try {
        run_plant_text(
            two_cascades("  - {from: c1.raffinate, to: c2.feed}\n"
                         "  - {from: c2.raffinate, to: c1.scrub}\n"));
        FAIL() << "expected an InfeasibleError";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("grows without bound"));
    }
}

// A product named for Ce that takes the La-rich raffinate: the plant runs, and says so.
TEST(Plant, aProductEnrichedInTheWrongElementIsWarned)
{
    const PlantResult r = run_plant_text(
        two_cascades("  - {from: c1.raffinate, to: c2.feed}\n",
                     "products:\n  - {name: Ce, from: c2.raffinate, elements: [Ce]}\n"
                     "  - {name: LaCe, from: c1.loaded_organic, elements: [La, Ce]}\n"));
    const PlantProductResult& ce = product_named(r, "Ce");
    ASSERT_GT(ce.composition[*element_index("La")], 0.5);  // the premise: it is mostly La
    std::vector<std::string> about_products;
    for (const auto& w : r.warnings) {
        if (w.starts_with("product ")) {
            about_products.push_back(w);
        }
    }
    // The La + Ce product holds its main element, whichever it is: no warning for it.
    ASSERT_EQ(about_products.size(), 1U);
    EXPECT_THAT(about_products[0], HasSubstr("product 'Ce' (c2.raffinate) is meant for Ce but "
                                             "comes out enriched in La"));
}

}  // namespace
}  // namespace reesx
