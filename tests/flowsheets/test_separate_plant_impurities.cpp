// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions in plant files: a separation-factor cascade passes the ions its inlets bring to
// the outlets its `ion-outlets` names, and the plant file `reesx separate --impurities` writes
// (the removal step feeding the cuts) reproduces separate's fate of every ion; bad
// `ion-outlets` are located errors.
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

PlantResult run_plant_text(const std::string& yaml)
{
    return solve_plant(parse_plant(InputNode::load_string(yaml, "plant.yaml")));
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

std::size_t ion(const std::string& symbol)
{
    return static_cast<std::size_t>(*species_index(symbol) - num_elements);
}

//! Two La/Ce separation-factor cascades, the first's raffinate feeding the second; the first's
//! feed carries Ca and Th; `routes1` and `routes2` are the cascades' extra keys (their
//! ion-outlets).
std::string ion_plant(const std::string& routes1, const std::string& routes2)
{
    return "schema: 1\n"
           "cascades:\n"
           "  - name: c1\n"
           "    system: p507-hcl\n"
           "    stages: {extraction: 5, scrub: 5}\n"
           "    feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {La: 0.5, Ce: 0.5},\n"
           "           impurities: {Ca2+: 800 mg/L, Th4+: 20 mg/L}}\n"
           "    organic: {flow: 800 L/h, loading: 0.18 mol/L}\n"
           "    scrub: {flow: 50 L/h, acid: 4 mol/L}\n" +
           routes1 +
           "  - name: c2\n"
           "    system: p507-hcl\n"
           "    stages: {extraction: 5, scrub: 5, strip: 2}\n"
           "    organic: {flow: 300 L/h, loading: 0.18 mol/L}\n"
           "    scrub: {flow: 20 L/h, acid: 4 mol/L}\n"
           "    strip: {flow: 40 L/h, acid: 5 mol/L}\n" +
           routes2 +
           "streams:\n"
           "  - {from: c1.raffinate, to: c2.feed}\n";
}

TEST(PlantIonOutlets, aSeparationFactorCascadePassesEachIonWholeToItsOutlet)
{
    const PlantResult r =
        run_plant_text(ion_plant("    ion-outlets: {Ca2+: raffinate, Th4+: loaded_organic}\n",
                                 "    ion-outlets: {Ca2+: strip_liquor}\n"));
    const auto product = [&](const std::string& name) -> const PlantProductResult& {
        for (const auto& p : r.products) {
            if (p.name == name) {
                return p;
            }
        }
        throw std::runtime_error("no product " + name);
    };
    const std::size_t ca = ion("Ca2+"), th = ion("Th4+");
    // 800 mg/L of Ca and 20 mg/L of Th in 100 L/h.
    EXPECT_NEAR(r.impurity_feed_mol_per_h[ca],
                0.8 / species_g_per_mol(*species_index("Ca2+")) * 100.0,
                1e-12 * r.impurity_feed_mol_per_h[ca]);
    // Th leaves c1 with its loaded organic; Ca goes with c1's raffinate into c2 and leaves c2
    // with its strip liquor; nothing of either anywhere else.
    EXPECT_EQ(product("c1.loaded_organic").value.impurity_mol_per_h[th],
              r.impurity_feed_mol_per_h[th]);
    EXPECT_EQ(product("c1.loaded_organic").value.impurity_mol_per_h[ca], 0.0);
    EXPECT_EQ(product("c2.strip_liquor").value.impurity_mol_per_h[ca],
              r.impurity_feed_mol_per_h[ca]);
    EXPECT_EQ(product("c2.raffinate").value.impurity_mol_per_h[ca], 0.0);
    EXPECT_EQ(product("c2.raffinate").value.impurity_mol_per_h[th], 0.0);
    EXPECT_GT(product("c2.strip_liquor").impurity_ppm_reo[ca], 0.0);
    EXPECT_LT(r.mass_balance_relative_error, 1e-9);
    EXPECT_LT(r.impurity_balance_relative_error[th], 1e-12);
}

TEST(PlantIonOutlets, badIonOutletsAreLocatedErrors)
{
    const std::string routes2 = "    ion-outlets: {Ca2+: strip_liquor}\n";
    std::string m = input_error(ion_plant("    ion-outlets: {Xx2+: raffinate}\n", routes2));
    EXPECT_THAT(m, HasSubstr("plant.yaml:10:"));
    EXPECT_THAT(m, HasSubstr("unknown species 'Xx2+'"));
    m = input_error(ion_plant("    ion-outlets: {Ca2+: extract}\n", routes2));
    EXPECT_THAT(m, HasSubstr("plant.yaml:10:"));
    EXPECT_THAT(m, HasSubstr("has no outlet 'extract'; its outlets are raffinate, loaded_organic"));
    m = input_error(ion_plant("    ion-outlets: {La: raffinate}\n", routes2));
    EXPECT_THAT(m, HasSubstr("is a rare earth"));
    m = input_error(ion_plant("    ion-outlets: raffinate\n", routes2));
    EXPECT_THAT(m, HasSubstr("expected a mapping of impurity ion to the outlet"));
    m = input_error(
        "cascades:\n"
        "  - name: m\n"
        "    system: p507-hcl\n"
        "    model: mass-action\n"
        "    stages: {extraction: 5, scrub: 5}\n"
        "    feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {La: 0.5, Ce: 0.5}}\n"
        "    organic: {flow: 800 L/h, extractant-concentration: 1.5 mol/L, saponification: "
        "0.36}\n"
        "    scrub: {flow: 50 L/h, acid: 4 mol/L}\n"
        "    ion-outlets: {Ca2+: raffinate}\n");
    EXPECT_THAT(m, HasSubstr("plant.yaml:9:"));
    EXPECT_THAT(m, HasSubstr("simulates the ions it receives"));
    // Without ion-outlets the separation-factor cascade refuses the ions of its feed.
    m = input_error(ion_plant("", routes2));
    EXPECT_THAT(m, HasSubstr("model: mass-action"));
    // A single case has no ion-outlets.
    try {
        parse_case(InputNode::load_string(
            "system: p507-hcl\nstages: {extraction: 5, scrub: 5}\n"
            "feed: {flow: 100 L/h, concentration: 1.5 mol/L, composition: {La: 0.5, Ce: 0.5}}\n"
            "organic: {flow: 800 L/h, loading: 0.18 mol/L}\n"
            "scrub: {flow: 50 L/h, acid: 4 mol/L}\nion-outlets: {Ca2+: raffinate}\n",
            "case.yaml"));
        ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr("case.yaml:6:"));
        EXPECT_THAT(e.what(), HasSubstr("plant file"));
    }
    // An ion that reaches a cascade whose ion-outlets does not route it: exit 2, named.
    try {
        run_plant_text(ion_plant("    ion-outlets: {Ca2+: raffinate, Th4+: raffinate}\n",
                                 "    ion-outlets: {Ca2+: strip_liquor}\n"));
        ADD_FAILURE() << "no error";
    } catch (const InfeasibleError& e) {
        EXPECT_THAT(e.what(), HasSubstr("cascade 'c2' receives Th4+"));
        EXPECT_THAT(e.what(), HasSubstr("add Th4+: raffinate"));
    }
}

// A monazite-type Pr/Nd liquor (examples/plant-thorium-removal.yaml's feed) at 99 %.
const char* thorium_feed =
    "system: p507-hcl\npurity: 0.99\n"
    "feed: {name: monazite-type, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: 0.75}}\n"
    "feed-rate: 100 L/h\n"
    "impurities: {Th4+: 200 mg/L, Fe3+: 40 mg/L, Ca2+: 800 mg/L}\n";

TEST(SeparatePlantImpurities, thePlantFileReproducesEveryIonsFate)
{
    const SeparateSpec spec = parse_separate(InputNode::load_string(thorium_feed, "separate.yaml"));
    const SeparateResult result = separate(spec);
    ASSERT_TRUE(result.impurity_removal);
    const ImpurityRemoval& removal = *result.impurity_removal;
    ASSERT_TRUE(removal.built);
    const std::string yaml = plant_file_yaml(spec, result);
    EXPECT_THAT(yaml, HasSubstr("ion-outlets"));
    const PlantSpec plant_spec = parse_plant(InputNode::load_string(yaml, "plant.yaml"));
    ASSERT_EQ(plant_spec.cascade_names.front(), "impurity-removal");
    const PlantResult plant = solve_plant(plant_spec);
    const auto relative = [](double a, double b) {
        return std::abs(a - b) / std::max(std::abs(b), 1e-300);
    };
    ASSERT_EQ(removal.fates.size(), 3u);
    for (const auto& f : removal.fates) {
        const auto k = static_cast<std::size_t>(f.species - num_elements);
        const std::string symbol = species_symbol(f.species);
        EXPECT_LT(relative(plant.impurity_feed_mol_per_h[k], f.feed_mol_per_h), 1e-12) << symbol;
        // What the removal step's outlets other than its raffinate take.
        double removed = 0.0;
        for (const auto& p : plant.products) {
            if (p.cascade == 0) {
                removed += p.value.impurity_mol_per_h[k];
            }
        }
        // separate's share is feed - raffinate, so a trace carries that difference's rounding
        // (about 1e-16 of the feed) besides the 1e-6.
        EXPECT_NEAR(removed, f.removed_mol_per_h,
                    1e-6 * f.removed_mol_per_h + 1e-14 * f.feed_mol_per_h)
            << symbol;
        // The rest in the product separate names, at its ppm, and in no other product.
        ASSERT_GE(f.product, 0) << symbol;
        const std::string& name = result.products[static_cast<std::size_t>(f.product)].name;
        for (const auto& p : plant.products) {
            if (p.name == name) {
                EXPECT_LT(relative(p.value.impurity_mol_per_h[k], f.re_stream_mol_per_h), 1e-6)
                    << symbol;
                EXPECT_LT(relative(p.impurity_ppm_reo[k], f.ppm_reo), 1e-6) << symbol;
            } else if (p.cascade != 0) {
                EXPECT_EQ(p.value.impurity_mol_per_h[k], 0.0) << symbol << " in " << p.name;
            }
        }
        EXPECT_LT(plant.impurity_balance_relative_error[k], 1e-9) << symbol;
    }
    // Thorium is taken within the limit; calcium (less extractable than every rare earth) and
    // iron are not, and leave with the Pr and Nd products.
    for (const auto& f : removal.fates) {
        const std::string symbol = species_symbol(f.species);
        const std::string& name = result.products[static_cast<std::size_t>(f.product)].name;
        if (symbol == "Th4+") {
            EXPECT_TRUE(f.meets_limit);
            EXPECT_GT(f.removed_mol_per_h, 0.99 * f.feed_mol_per_h);
        } else {
            EXPECT_FALSE(f.meets_limit) << symbol;
            EXPECT_EQ(name, symbol == "Ca2+" ? "Pr" : "Nd");
        }
    }
}

// The cuts are designed for what the step leaves them: the first cut's feed is the rare earths
// of the step's raffinate (the feed less what the step takes), the plant's rare-earth balance
// counts the step's loss, and in the plant file's run every product meets its purity.
TEST(SeparatePlantImpurities, theCutsAreDesignedForTheStepsRaffinate)
{
    const SeparateSpec spec = parse_separate(InputNode::load_string(thorium_feed, "separate.yaml"));
    const SeparateResult result = separate(spec);
    ASSERT_TRUE(result.impurity_removal);
    const ImpurityRemoval& removal = *result.impurity_removal;
    ASSERT_TRUE(removal.built);
    const PlantCascade& first = result.cascades.front();
    ASSERT_EQ(first.feed_from, "plant feed");
    double raffinate_re = 0.0;
    for (const auto& p : removal.simulation.products) {
        if (p.name == "raffinate") {
            for (int e = 0; e < num_elements; ++e) {
                raffinate_re += p.mol_per_h[e];
                EXPECT_NEAR(first.spec.feed.mole_fraction[e] * first.spec.feed_re_mol_per_h,
                            p.mol_per_h[e], 1e-12 * p.re_mol_per_h)
                    << elements()[e].symbol;
            }
        }
    }
    EXPECT_NEAR(first.spec.feed_re_mol_per_h, raffinate_re, 1e-12 * raffinate_re);
    EXPECT_NEAR(raffinate_re, (1.0 - removal.re_loss_fraction) * spec.feed_re_mol_per_h,
                1e-9 * spec.feed_re_mol_per_h);
    EXPECT_LT(raffinate_re, spec.feed_re_mol_per_h);
    // Products + what the step keeps = the plant feed.
    EXPECT_LT(result.mass_balance_relative_error, 1e-6);
    // The plant file's run (the step feeding the cuts): every product at its purity, as
    // separate reports it.
    const PlantResult plant = run_plant_text(plant_file_yaml(spec, result));
    ASSERT_EQ(removal.plant_product_purity.size(), result.products.size());
    for (std::size_t i = 0; i < result.products.size(); ++i) {
        bool found = false;
        for (const auto& p : plant.products) {
            if (p.name == result.products[i].name) {
                found = true;
                EXPECT_GE(p.purity, spec.purity) << p.name;
                EXPECT_NEAR(p.purity, removal.plant_product_purity[i], 1e-12) << p.name;
            }
        }
        EXPECT_TRUE(found) << result.products[i].name;
    }
    for (const auto& w : removal.warnings) {
        EXPECT_EQ(w.find("below the target"), std::string::npos) << w;
    }
}

// The plant diagram shows the step: the feed goes to it, its raffinate to the first cut, its
// strip liquor to the impurity liquor.
TEST(SeparatePlantImpurities, theDiagramShowsTheRemovalStep)
{
    const SeparateSpec spec = parse_separate(InputNode::load_string(thorium_feed, "separate.yaml"));
    const SeparateResult result = separate(spec);
    ASSERT_TRUE(result.impurity_removal && result.impurity_removal->built);
    const std::string dot = plant_dot(spec, result);
    EXPECT_THAT(dot, HasSubstr("removal [shape=box, label=\"impurity removal\\np204-hcl"));
    EXPECT_THAT(dot, HasSubstr("feed -> removal"));
    EXPECT_THAT(dot, HasSubstr("removal -> c1 [label=\"raffinate"));
    EXPECT_THAT(dot, HasSubstr("removal -> liquor"));
    EXPECT_THAT(dot, HasSubstr("Th4+"));
    EXPECT_THAT(dot, testing::Not(HasSubstr("feed -> c1")));
}

// Without a step (every ion within the limit in the feed) the ions enter with the first cut's
// own feed and are routed the same way.
TEST(SeparatePlantImpurities, withoutAStepTheIonsEnterWithTheFirstCut)
{
    const SeparateSpec spec = parse_separate(InputNode::load_string(
        "system: p507-hcl\npurity: 0.99\nfeed-rate: 100 L/h\n"
        "feed: {name: monazite-type, concentration: 1.5 mol/L, composition: {Pr: 0.25, Nd: "
        "0.75}}\nimpurities: {Th4+: 1 ug/L}\nimpurity-limit: 0.01 %\n",
        "separate.yaml"));
    const SeparateResult result = separate(spec);
    ASSERT_TRUE(result.impurity_removal);
    ASSERT_FALSE(result.impurity_removal->built);
    const ImpurityFate& th = result.impurity_removal->fates.front();
    const PlantResult plant = run_plant_text(plant_file_yaml(spec, result));
    EXPECT_EQ(plant.cascades.size(), result.cascades.size());
    const std::size_t k = ion("Th4+");
    EXPECT_NEAR(plant.impurity_feed_mol_per_h[k], th.feed_mol_per_h, 1e-12 * th.feed_mol_per_h);
    for (const auto& p : plant.products) {
        if (p.name == "Nd") {
            EXPECT_NEAR(p.impurity_ppm_reo[k], th.ppm_reo, 1e-6 * th.ppm_reo);
            EXPECT_GT(p.impurity_ppm_reo[k], 0.0);
        }
    }
}

}  // namespace
}  // namespace reesx
