// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The values of input nodes: text, numbers, whole numbers, booleans and quantities with units,
// with the range checks and their messages.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "InputDetail.h"
#include "reesx/core/Input.h"

namespace reesx {

namespace {

using input_detail::canonical;
using input_detail::describe;

//! Numbers in messages: 12 significant digits hide binary noise ("6", not
//! "6.000000000000001"); exponents without padding ("1e12", not "1e+12").
std::string format_number(double value)
{
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    std::string text = buffer;
    if (const auto e = text.find('e'); e != std::string::npos) {
        std::string mantissa = text.substr(0, e);
        std::string exponent = text.substr(e + 1);
        const bool negative = exponent.front() == '-';
        exponent.erase(0, exponent.find_first_not_of("+-0"));
        text = mantissa + "e" + (negative ? "-" : "") + exponent;
    }
    return text == "-0" ? "0" : text;
}

//! The number in front of a quantity's text ("-5" of "-5 L/min"), if there is one.
std::optional<double> leading_number(std::string_view text)
{
    const auto start = text.find_first_not_of(" \t+");
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + text.size(), value);
    if (ec != std::errc()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::string InputNode::as_string() const
{
    if (!is_scalar()) {
        fail("expected a text value, found " + describe(node_));
    }
    return node_.Scalar();
}

double InputNode::as_double() const
{
    return as_quantity(Quantity::dimensionless, "1");
}

long InputNode::as_integer() const
{
    if (!is_scalar()) {
        fail("expected a whole number, found " + describe(node_));
    }
    const std::string& s = node_.Scalar();
    const char* begin = s.data();
    const char* const end = s.data() + s.size();
    if (s.size() > 1 && s[0] == '+') {
        ++begin;
    }
    long value = 0;
    if (const auto [ptr, ec] = std::from_chars(begin, end, value);
        ec == std::errc() && ptr == end) {
        return value;
    }
    // "1e3" and "10.0" are whole numbers too.
    double real = 0.0;
    if (const auto [ptr, ec] = std::from_chars(begin, end, real);
        ec == std::errc() && ptr == end && std::isfinite(real) && real == std::floor(real)) {
        if (std::abs(real) < 9.0e18) {
            return static_cast<long>(real);
        }
        fail("expected a whole number, found \"" + s + "\" (too large)");
    }
    fail("expected a whole number, found \"" + s + "\"");
}

bool InputNode::as_bool() const
{
    if (!is_scalar()) {
        fail("expected true or false, found " + describe(node_));
    }
    const std::string s = canonical(node_.Scalar());
    if (s == "true" || s == "yes" || s == "on") {
        return true;
    }
    if (s == "false" || s == "no" || s == "off") {
        return false;
    }
    fail("expected true or false, found \"" + node_.Scalar() + "\"");
}

double InputNode::as_quantity(Quantity kind, std::string_view default_unit) const
{
    if (!is_scalar()) {
        std::string example;
        switch (kind) {
            case Quantity::flow:
                example = " such as \"100 L/h\"";
                break;
            case Quantity::concentration:
                example = " such as \"0.5 mol/L\"";
                break;
            case Quantity::time:
                example = " such as \"3 min\"";
                break;
            case Quantity::fraction:
                example = " such as 0.36 or \"36 %\"";
                break;
            case Quantity::dimensionless:
                break;
        }
        const std::string what = kind == Quantity::dimensionless ? "a number" : kind_phrase(kind);
        fail("expected " + what + example + ", found " + describe(node_));
    }
    try {
        return parse_quantity(node_.Scalar(), kind, default_unit);
    } catch (const std::invalid_argument& e) {
        fail(e.what());
    }
}

double InputNode::as_quantity_in(Quantity kind, std::string_view default_unit, double min,
                                 double max, bool min_inclusive, bool max_inclusive) const
{
    const double value = as_quantity(kind, default_unit);
    const bool above = min_inclusive ? value >= min : value > min;
    const bool below = max_inclusive ? value <= max : value < max;
    if (above && below) {
        return value;
    }
    const std::string unit(internal_unit(kind));
    const std::string suffix = unit == "1" ? "" : " " + unit;
    std::string found = format_number(value) + suffix;
    // When a unit conversion changed the number, also say what was written.
    const std::string& written = node_.Scalar();
    if (const auto number = leading_number(written); number && *number != value) {
        const bool bare = written.find_first_not_of(" \t+-.0123456789eE") == std::string::npos;
        found += " (written \"" + written + "\"" +
                 (bare ? ", taken in " + std::string(default_unit) : "") + ")";
    }
    fail("expected " + kind_phrase(kind) + " in " + (min_inclusive ? "[" : "(") +
         format_number(min) + ", " + format_number(max) + (max_inclusive ? "]" : ")") + suffix +
         ", found " + found);
}

double InputNode::as_double_in(double min, double max, bool min_inclusive, bool max_inclusive) const
{
    return as_quantity_in(Quantity::dimensionless, "1", min, max, min_inclusive, max_inclusive);
}

long InputNode::as_integer_in(long min, long max) const
{
    const long value = as_integer();
    if (value < min || value > max) {
        fail("expected a whole number in [" + std::to_string(min) + ", " + std::to_string(max) +
             "], found " + std::to_string(value));
    }
    return value;
}

}  // namespace reesx
