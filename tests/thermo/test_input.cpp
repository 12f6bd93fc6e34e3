// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// reesx/core: located input errors (file:line:column, source line and caret), unknown-key
// suggestions, duplicate keys, units and range checks.
#include <gtest/gtest.h>

#include "reesx/core/Input.h"

using namespace reesx;

namespace {

std::string message_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

bool has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST(Units, convertsToInternalUnits)
{
    EXPECT_DOUBLE_EQ(parse_quantity("100 L/h", Quantity::flow, "L/h"), 100.0);
    EXPECT_DOUBLE_EQ(parse_quantity("2 m3/h", Quantity::flow, "L/h"), 2000.0);
    EXPECT_DOUBLE_EQ(parse_quantity("2 m^3/h", Quantity::flow, "L/h"), 2000.0);
    EXPECT_DOUBLE_EQ(parse_quantity("1 L/min", Quantity::flow, "L/h"), 60.0);
    EXPECT_DOUBLE_EQ(parse_quantity("500 mmol/L", Quantity::concentration, "mol/L"), 0.5);
    EXPECT_DOUBLE_EQ(parse_quantity("1.5M", Quantity::concentration, "mol/L"), 1.5);
    EXPECT_DOUBLE_EQ(parse_quantity("3 min", Quantity::time, "min"), 0.05);
    EXPECT_DOUBLE_EQ(parse_quantity("36 %", Quantity::fraction, "1"), 0.36);
    EXPECT_DOUBLE_EQ(parse_quantity("7", Quantity::flow, "L/min"), 420.0);  // bare number
}

TEST(Units, errorsSayWhatWasExpected)
{
    const auto error = [](std::string_view text, Quantity kind) {
        try {
            parse_quantity(text, kind, internal_unit(kind));
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_TRUE(has(error("1.5 mol/L", Quantity::flow), "'mol/L' is a concentration unit"));
    EXPECT_TRUE(has(error("3 kg/h", Quantity::flow), "unknown flow unit 'kg/h'; use one of L/h"));
    EXPECT_TRUE(has(error("abc", Quantity::flow), "found \"abc\""));
    EXPECT_TRUE(has(error("nan L/h", Quantity::flow), "expected a finite number"));
    EXPECT_TRUE(has(error("2 %", Quantity::dimensionless), "expected a plain number"));
}

TEST(InputNode, syntaxErrorIsLocated)
{
    const std::string m =
        message_of([] { InputNode::load_string("a: 1\nb: [1, 2\nc: 3\n", "case.yaml"); });
    EXPECT_TRUE(has(m, "case.yaml:")) << m;
    EXPECT_TRUE(has(m, "invalid YAML")) << m;
}

TEST(InputNode, failShowsLineAndCaret)
{
    const InputNode root = InputNode::load_string("organic:\n  flow: -5 L/h\n", "case.yaml");
    const std::string m = message_of([&] {
        root.at("organic").at("flow").as_quantity_in(Quantity::flow, "L/h", 0.0, 1e9, false);
    });
    EXPECT_TRUE(has(m,
                    "case.yaml:2:9: error: organic.flow: expected a flow in (0, 1000000000] "
                    "L/h, found -5 L/h"))
        << m;
    EXPECT_TRUE(has(m, " 2 |   flow: -5 L/h")) << m;
    EXPECT_TRUE(has(m, "\n      |         ^")) << m;
}

TEST(InputNode, unknownKeySuggestsAndListsAllowed)
{
    const InputNode root = InputNode::load_string("organic:\n  flwo: 5\n", "case.yaml");
    const std::string m = message_of([&] { root.at("organic").check_keys({"flow", "loading"}); });
    EXPECT_TRUE(has(m, "case.yaml:2:3:")) << m;
    EXPECT_TRUE(has(m, "unknown key 'flwo' in organic; did you mean 'flow'?")) << m;
    EXPECT_TRUE(has(m, "Allowed keys: flow, loading")) << m;
}

TEST(InputNode, duplicateKeysAreErrors)
{
    const InputNode root = InputNode::load_string("a: 1\nb: 2\na: 3\n", "case.yaml");
    const std::string m = message_of([&] { root.check_keys({"a", "b"}); });
    EXPECT_TRUE(has(m, "case.yaml:3:1:")) << m;
    EXPECT_TRUE(has(m, "duplicate key 'a' at the top level (lines 1 and 3)")) << m;
}

TEST(InputNode, missingKeyAndWrongTypes)
{
    const InputNode root =
        InputNode::load_string("stages: {extraction: 3.5}\nname: [1]\n", "c.yaml");
    EXPECT_TRUE(has(message_of([&] { root.at("feed"); }), "missing required key 'feed'"));
    EXPECT_TRUE(has(message_of([&] { root.at("stages").at("extraction").as_integer(); }),
                    "expected a whole number, found \"3.5\""));
    EXPECT_TRUE(has(message_of([&] { root.at("name").as_string(); }),
                    "expected a text value, found a list"));
    EXPECT_TRUE(has(message_of([&] { root.at("stages").at("extraction").as_integer_in(1, 9); }),
                    "whole number"));
}

TEST(InputNode, pathsOfListElements)
{
    const InputNode root =
        InputNode::load_string("feeds:\n  - {flow: 1}\n  - {flow: x}\n", "c.yaml");
    const auto feeds = root.at("feeds").elements();
    ASSERT_EQ(feeds.size(), 2u);
    EXPECT_EQ(feeds[1].at("flow").path(), "feeds[1].flow");
    EXPECT_TRUE(has(message_of([&] { feeds[1].at("flow").as_double(); }),
                    "c.yaml:3:12: error: feeds[1].flow: expected a number, found \"x\""));
}

TEST(ClosestMatch, toleratesCaseAndSeparators)
{
    EXPECT_EQ(closest_match("Extractant_Concentration", {"extractant-concentration", "flow"}),
              "extractant-concentration");
    EXPECT_EQ(closest_match("zzzz", {"flow", "loading"}), "");
}
