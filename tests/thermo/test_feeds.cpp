// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The feed library (thermo/data/feeds/*.yaml), feed files and their errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reesx/core/Error.h"
#include "reesx/thermo/Feeds.h"

namespace reesx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

int idx(std::string_view symbol)
{
    return *element_index(symbol);
}

//! The message of the InputError `f` throws ("" and a test failure if it throws none).
template <class F>
std::string input_error_of(F&& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an InputError";
    return "";
}

FeedComposition parse_text(const std::string& text)
{
    return parse_feed(InputNode::load_string(text, "feed.yaml"));
}

fs::path write_file(const std::string& name, const std::string& text)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_test_feeds";
    fs::create_directories(dir);
    std::ofstream(dir / name) << text;
    return dir / name;
}

//! The raw mapping of a built-in feed's file, as written (before normalisation).
InputNode builtin_file_root(const std::string& name)
{
    return InputNode::load_file(std::string(REESX_SOURCE_DIR) + "/thermo/data/feeds/" + name +
                                ".yaml");
}

TEST(BuiltinFeeds, namesSortedUniqueAndLoadable)
{
    const auto names = builtin_feed_names();
    ASSERT_FALSE(names.empty());
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
    const auto feeds = builtin_feeds();
    ASSERT_EQ(feeds.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(feeds[i].name, names[i]);
        EXPECT_EQ(load_feed(names[i]).name, names[i]);
        EXPECT_EQ(feeds[i].origin, "built-in");
    }
}

TEST(BuiltinFeeds, everyFeedHasSourceDescriptionAndNotes)
{
    for (const auto& feed : builtin_feeds()) {
        SCOPED_TRACE(feed.name);
        EXPECT_FALSE(feed.source.empty());
        EXPECT_FALSE(feed.description.empty());
        // Notes say how unreported elements were treated (interface.md, feed library).
        EXPECT_FALSE(feed.notes.empty());
    }
}

TEST(BuiltinFeeds, fileFractionsSumToOneAsWritten)
{
    for (const auto& name : builtin_feed_names()) {
        SCOPED_TRACE(name);
        const InputNode root = builtin_file_root(name);
        const char* key = root.has("composition") ? "composition" : "oxide-mass-fractions";
        ASSERT_TRUE(root.has(key));
        double sum = 0.0;
        for (const auto& [element, value] : root.at(key).entries()) {
            const double f = value.as_double();
            EXPECT_GE(f, 0.0) << element;
            sum += f;
        }
        EXPECT_NEAR(sum, 1.0, 1e-3);
        // The parsed distribution is a proper mole-fraction vector.
        const FeedComposition feed = load_feed(name);
        const auto& x = feed.mole_fraction;
        EXPECT_NEAR(std::accumulate(x.begin(), x.end(), 0.0), 1.0, 1e-12);
        for (double v : x) {
            EXPECT_GE(v, 0.0);
        }
        EXPECT_EQ(x[idx("Pm")], 0.0) << "Pm is absent from natural and recycled feeds";
    }
}

TEST(BuiltinFeeds, oxideAndMoleFractionsRoundTrip)
{
    for (const auto& feed : builtin_feeds()) {
        SCOPED_TRACE(feed.name);
        const auto oxide = feed.oxide_mass_fraction();
        EXPECT_NEAR(std::accumulate(oxide.begin(), oxide.end(), 0.0), 1.0, 1e-12);
        // Write the oxide distribution as a feed file and read it back.
        std::string text = "name: round-trip\noxide-mass-fractions:\n";
        for (int e = 0; e < num_elements; ++e) {
            if (oxide[e] > 0.0) {
                char line[80];
                std::snprintf(line, sizeof line, "  %s: %.17g\n",
                              std::string(elements()[e].oxide).c_str(), oxide[e]);
                text += line;
            }
        }
        const FeedComposition back = parse_text(text);
        for (int e = 0; e < num_elements; ++e) {
            EXPECT_NEAR(back.mole_fraction[e], feed.mole_fraction[e], 1e-12)
                << elements()[e].symbol;
        }
        EXPECT_NEAR(back.kg_reo_per_mol(), feed.kg_reo_per_mol(), 1e-15);
    }
}

TEST(FeedComposition, oxideMassOfKnownMixtures)
{
    // Pure Nd: 1 mol Nd gives half a mol of Nd2O3 = (2 x 144.24 + 3 x 15.999) / 2 g.
    const FeedComposition nd = parse_text("composition: {Nd: 1.0}\n");
    EXPECT_NEAR(nd.kg_reo_per_mol(), (2 * 144.24 + 3 * 15.999) / 2 / 1000, 1e-12);
    // Equimolar Ce/Pr: CeO2 per Ce, Pr6O11 / 6 per Pr.
    const FeedComposition cepr = parse_text("composition: {Ce: 0.5, Pr: 0.5}\n");
    const double ce = 140.12 + 2 * 15.999;
    const double pr = (6 * 140.91 + 11 * 15.999) / 6;
    const auto oxide = cepr.oxide_mass_fraction();
    EXPECT_NEAR(oxide[idx("Ce")], ce / (ce + pr), 1e-12);
    EXPECT_NEAR(oxide[idx("Pr")], pr / (ce + pr), 1e-12);
    EXPECT_NEAR(cepr.kg_reo_per_mol(), 0.5 * (ce + pr) / 1000, 1e-12);
}

// The NdFeB scrap feed is published as element wt.% of the magnet; its file holds mole
// fractions derived from them. Converting back must give the published ratios to the
// rounding of the file (6 decimals), i.e. every published number is transcribed.
TEST(BuiltinFeeds, ndfebScrapReproducesPublishedWeightPercent)
{
    const FeedComposition feed = load_feed("ndfeb-scrap");
    const std::vector<std::pair<std::string, double>> published = {
        {"La", 1.07}, {"Ce", 0.15}, {"Pr", 5.13}, {"Nd", 15.8},
        {"Sm", 0.09}, {"Gd", 3.16}, {"Dy", 1.27}};
    double mass_total = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        mass_total += feed.mole_fraction[e] * elements()[e].atomic_mass_g_per_mol;
    }
    double published_total = 0.0;
    for (const auto& [symbol, wt] : published) {
        published_total += wt;
    }
    double listed = 0.0;
    for (const auto& [symbol, wt] : published) {
        const int e = idx(symbol);
        const double mass_share = feed.mole_fraction[e] * elements()[e].atomic_mass_g_per_mol;
        EXPECT_NEAR(100.0 * mass_share / mass_total, 100.0 * wt / published_total, 5e-4) << symbol;
        listed += feed.mole_fraction[e];
    }
    EXPECT_NEAR(listed, 1.0, 1e-12) << "only the published elements carry a fraction";
    EXPECT_EQ(feed.mole_fraction[idx("Tb")], 0.0) << "Tb is not reported in the source";
}

// The Mountain Pass feed is published as oxide wt.% of ore (MP Materials 10-K FY2021, resource
// table, row "Total Inferred"); its file holds those grades normalised to their sum. The oxide
// distribution must give back every published grade to the file's 6 decimals, and only the five
// published oxides may carry a fraction.
TEST(BuiltinFeeds, mountainPassReproducesPublishedGrades)
{
    const FeedComposition feed = load_feed("mountain-pass");
    const std::vector<std::pair<std::string, double>> published = {
        {"La", 1.66}, {"Ce", 2.54}, {"Pr", 0.22}, {"Nd", 0.62}, {"Sm", 0.05}};
    const auto oxide = feed.oxide_mass_fraction();
    double listed_wt_percent = 0.0;
    double listed_fraction = 0.0;
    for (const auto& [symbol, grade] : published) {
        listed_wt_percent += grade;
    }
    for (const auto& [symbol, grade] : published) {
        const int e = idx(symbol);
        EXPECT_NEAR(oxide[e] * listed_wt_percent, grade, 5e-6 * listed_wt_percent) << symbol;
        listed_fraction += oxide[e];
    }
    EXPECT_NEAR(listed_fraction, 1.0, 1e-12) << "only the published oxides carry a fraction";
    // The same filing's reserve distribution (Ce 50.2, La 32.3, Nd+Pr 15.7 % of TREO) agrees with
    // the resource row to within one point of REO (the notes give both).
    EXPECT_NEAR(100.0 * oxide[idx("Ce")], 50.2, 1.0);
    EXPECT_NEAR(100.0 * oxide[idx("La")], 32.3, 1.0);
    EXPECT_NEAR(100.0 * (oxide[idx("Pr")] + oxide[idx("Nd")]), 15.7, 1.0);
    for (const char* absent : {"Eu", "Gd", "Tb", "Dy", "Y", "Sc"}) {
        EXPECT_EQ(feed.mole_fraction[idx(absent)], 0.0)
            << absent << " is not resolved in the source";
    }
}

TEST(LoadFeed, readsAFileWithItsOriginAndNameFromTheStem)
{
    const fs::path path = write_file("my-concentrate.yaml",
                                     "composition: {La: 0.25, Ce: 0.5, Pr: 0.05, Nd: 0.2}\n"
                                     "concentration: 1.5 mol/L\n"
                                     "notes: test feed\n");
    const FeedComposition feed = load_feed(path.string());
    EXPECT_EQ(feed.name, "my-concentrate");
    EXPECT_EQ(feed.origin, path.string());
    EXPECT_EQ(feed.notes, "test feed");
    EXPECT_TRUE(feed.source.empty()) << "a user feed needs no source";
    ASSERT_TRUE(feed.concentration_mol_per_L.has_value());
    EXPECT_DOUBLE_EQ(*feed.concentration_mol_per_L, 1.5);
    EXPECT_DOUBLE_EQ(feed.mole_fraction[idx("Ce")], 0.5);
}

TEST(LoadFeed, unknownNameListsTheBuiltInFeeds)
{
    const std::string message = input_error_of([] { load_feed("no-such-feed"); });
    EXPECT_THAT(message, HasSubstr("'no-such-feed' is neither a built-in feed nor a file."));
    for (const auto& name : builtin_feed_names()) {
        EXPECT_THAT(message, HasSubstr(name));
    }
    EXPECT_THAT(message, HasSubstr("reesx feeds"));
    // A near miss gets a suggestion.
    EXPECT_THAT(input_error_of([] { load_feed("ndfeb-scrp"); }),
                HasSubstr("did you mean 'ndfeb-scrap'?"));
}

TEST(FeedFile, badFilesGiveLocatedErrors)
{
    struct Case {
        std::string text, expected;
    };
    const std::vector<Case> cases = {
        {"name: x\ncomposition: {La: 0.5, Ce: 0.4}\n", "feed.yaml:2:14"},
        {"name: x\ncomposition: {La: 0.5, Ce: 0.4}\n", "add up to 0.9"},
        {"name: x\ncomposition: {La: 0.5, Xx: 0.5}\n", "unknown element 'Xx'"},
        {"name: x\noxide-mass-fractions: {La2O3: 0.5, Ce2O3: 0.5}\n", "unknown oxide 'Ce2O3'"},
        {"name: x\ncomposition: {La: 1.0}\noxide-mass-fractions: {La2O3: 1.0}\n", "not both"},
        {"name: x\nsource: s\n", "missing the feed composition"},
        {"name: x\ncomposition: {La: 1.5, Ce: -0.5}\n", "feed.yaml:2"},
        {"name: x\ncompositon: {La: 1.0}\n", "compositon"},
        {"name: x\ncomposition: {La: 1.0}\nconcentration: 30 mol/L\n", "concentration"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const std::string message = input_error_of([&] { parse_text(c.text); });
        EXPECT_THAT(message, HasSubstr(c.expected));
        EXPECT_THAT(message, HasSubstr("feed.yaml:"));
    }
}

TEST(FeedFile, loadFeedReportsTheFileInItsErrors)
{
    const fs::path path = write_file("bad-feed.yaml", "name: bad\ncomposition: {La: 0.7}\n");
    const std::string message = input_error_of([&] { load_feed(path.string()); });
    EXPECT_THAT(message, HasSubstr(path.string() + ":2:"));
    EXPECT_THAT(message, HasSubstr("add up to 0.7"));
}

}  // namespace
}  // namespace reesx

namespace reesx {
namespace {

//! RE mol/h of a feed rate for a Pr/Nd 25:75 distribution; the InputError message as the
//! second member when it is refused.
std::pair<std::optional<double>, std::string> rate_of(const std::string& text)
{
    FeedComposition prnd;
    prnd.mole_fraction[*element_index("Pr")] = 0.25;
    prnd.mole_fraction[*element_index("Nd")] = 0.75;
    try {
        return {parse_feed_rate_mol_per_h(
                    InputNode::load_string("feed-rate: \"" + text + "\"", "f.yaml").at("feed-rate"),
                    prnd),
                ""};
    } catch (const InputError& e) {
        return {std::nullopt, e.what()};
    }
}

}  // namespace

TEST(FeedRate, plantUnitsConvertThroughTheOxideMass)
{
    FeedComposition prnd;
    prnd.mole_fraction[*element_index("Pr")] = 0.25;
    prnd.mole_fraction[*element_index("Nd")] = 0.75;
    const double kg_per_mol = prnd.kg_reo_per_mol();
    EXPECT_DOUBLE_EQ(*rate_of("1000 kg/h REO").first, 1000.0 / kg_per_mol);
    EXPECT_DOUBLE_EQ(*rate_of("1000 kg/h").first, 1000.0 / kg_per_mol);
    EXPECT_DOUBLE_EQ(*rate_of("24 t/d").first, 1000.0 / kg_per_mol);
    EXPECT_DOUBLE_EQ(*rate_of("8760 t/y REO").first, 1000.0 / kg_per_mol);  // a calendar year
    EXPECT_DOUBLE_EQ(*rate_of("2 t/h").first, 2000.0 / kg_per_mol);
    EXPECT_EQ(*rate_of("20 mol/h").first, 20.0);
    EXPECT_EQ(*rate_of("0.5 kmol/h").first, 500.0);
    // A flow of solution is left to the caller, who knows the concentration.
    EXPECT_FALSE(rate_of("500 L/h").first);
    EXPECT_FALSE(rate_of("2 m3/h").first);
    EXPECT_FALSE(rate_of("500").first);
    EXPECT_EQ(rate_of("500 L/h").second, "");
}

TEST(FeedRate, anUnknownUnitListsEveryAcceptedUnit)
{
    const std::string e = rate_of("2000 t/month").second;
    EXPECT_THAT(e, HasSubstr("f.yaml:1:"));
    EXPECT_THAT(e, HasSubstr("unknown feed-rate unit 't/month'"));
    for (const char* unit : {"kg/h", "t/h", "t/d", "t/y", "REO", "mol/h", "kmol/h", "L/h", "L/min",
                             "L/s", "mL/min", "m3/h", "m3/s", "m3/d"}) {
        EXPECT_THAT(e, HasSubstr(unit)) << unit;
    }
    EXPECT_THAT(rate_of("20 mol/h REO").second, HasSubstr("REO goes with a mass rate"));
    EXPECT_THAT(rate_of("-5 t/y").second, HasSubstr("must be positive"));
    EXPECT_THAT(rate_of("1,5 t/y").second, HasSubstr("write decimals with '.'"));
}

TEST(FeedFile, compositionsTakePercentages)
{
    const FeedComposition percent = parse_feed(
        InputNode::load_string("composition: {Pr: 25 %, Nd: \"75%\"}\n", "percent.yaml"));
    const FeedComposition fraction =
        parse_feed(InputNode::load_string("composition: {Pr: 0.25, Nd: 0.75}\n", "f.yaml"));
    EXPECT_EQ(percent.mole_fraction, fraction.mole_fraction);
    EXPECT_THROW(
        parse_feed(InputNode::load_string("composition: {Pr: 25 %, Nd: 80 %}\n", "f.yaml")),
        InputError);
}

TEST(FeedText, aLineOfFractionsIsAFeed)
{
    const auto text = [](const std::string& line) {
        return parse_feed_text(
            InputNode::load_string("feed: \"" + line + "\"", "command line").at("feed"));
    };
    const FeedComposition expected =
        parse_feed(InputNode::load_string("composition: {Pr: 0.25, Nd: 0.75}\n", "f.yaml"));
    EXPECT_EQ(text("Pr:0.25,Nd:0.75").mole_fraction, expected.mole_fraction);
    EXPECT_EQ(text("Pr: 25 %, Nd: 75 %").mole_fraction, expected.mole_fraction);
    EXPECT_TRUE(is_feed_text("Pr:0.25,Nd:0.75"));
    EXPECT_FALSE(is_feed_text("ndfeb-scrap"));
    const auto error = [&](const std::string& line) {
        try {
            text(line);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_THAT(error("Pr:0.25,Nx:0.75"), HasSubstr("command line:1:"));
    EXPECT_THAT(error("Pr:0.25,Nx:0.75"), HasSubstr("unknown element 'Nx'"));
    EXPECT_THAT(error("Pr:0.25,Nx:0.75"), HasSubstr("in \"Pr:0.25,Nx:0.75\""));
    EXPECT_THAT(error("Pr:0.25,Nd"), HasSubstr("expected ELEMENT:FRACTION pairs"));
    EXPECT_THAT(error("Pr:0.25,Nd"), HasSubstr("found \"Nd\""));
    EXPECT_THAT(error("Pr:0.25,Nd:0.5"), HasSubstr("add up to"));
    EXPECT_THAT(error("Pr:0.25,Pr:0.75"), HasSubstr("given twice"));
}

}  // namespace reesx
