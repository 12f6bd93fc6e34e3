// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/core/Units.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace reesx {
namespace {

struct UnitDef {
    std::string_view name;
    Quantity kind;
    // value_internal = value * num / den: a ratio keeps "3 min" = 3 / 60 h and "500 mmol/L"
    // = 0.5 mol/L correctly rounded, which a pre-rounded factor would not.
    double num;
    double den;
    bool listed;  //!< named in "use one of ..."; spelling variants are accepted but not listed
};

constexpr std::array<UnitDef, 23> units = {{
    {"L/h", Quantity::flow, 1.0, 1.0, true},
    {"L/min", Quantity::flow, 60.0, 1.0, true},
    {"L/s", Quantity::flow, 3600.0, 1.0, true},
    {"mL/min", Quantity::flow, 60.0, 1000.0, true},
    {"m3/h", Quantity::flow, 1000.0, 1.0, true},
    {"m3/s", Quantity::flow, 3.6e6, 1.0, true},
    {"m3/d", Quantity::flow, 1000.0, 24.0, true},
    {"l/h", Quantity::flow, 1.0, 1.0, false},
    {"l/min", Quantity::flow, 60.0, 1.0, false},
    {"l/s", Quantity::flow, 3600.0, 1.0, false},
    {"ml/min", Quantity::flow, 60.0, 1000.0, false},
    {"mol/L", Quantity::concentration, 1.0, 1.0, true},
    {"M", Quantity::concentration, 1.0, 1.0, true},
    {"mmol/L", Quantity::concentration, 1.0, 1000.0, true},
    {"mM", Quantity::concentration, 1.0, 1000.0, true},
    {"mol/m3", Quantity::concentration, 1.0, 1000.0, true},
    {"kmol/m3", Quantity::concentration, 1.0, 1.0, true},
    {"mol/l", Quantity::concentration, 1.0, 1.0, false},
    {"mmol/l", Quantity::concentration, 1.0, 1000.0, false},
    {"s", Quantity::time, 1.0, 3600.0, true},
    {"min", Quantity::time, 1.0, 60.0, true},
    {"h", Quantity::time, 1.0, 1.0, true},
    {"d", Quantity::time, 24.0, 1.0, true},
}};

// A fraction takes "%" or no unit; kept apart from the table so that "use one of" lists
// for the other kinds stay as documented.
constexpr UnitDef percent = {"%", Quantity::fraction, 1.0, 100.0, true};
constexpr UnitDef unity = {"1", Quantity::fraction, 1.0, 1.0, false};

}  // namespace

std::string kind_phrase(Quantity kind)
{
    switch (kind) {
        case Quantity::flow:
            return "a flow";
        case Quantity::concentration:
            return "a concentration";
        case Quantity::time:
            return "a time";
        case Quantity::fraction:
            return "a fraction";
        case Quantity::dimensionless:
            return "a plain number";
    }
    return "a value";
}

namespace {

std::string kind_name(Quantity kind)
{
    return kind_phrase(kind).substr(2);
}

//! What to write instead, for "use ..." hints.
std::string accepted_units(Quantity kind)
{
    if (kind == Quantity::fraction) {
        return "give a bare number such as 0.36 or a percentage such as \"36 %\"";
    }
    if (kind == Quantity::dimensionless) {
        return "give a number without a unit";
    }
    std::string list;
    for (const auto& u : units) {
        if (u.kind == kind && u.listed) {
            list += (list.empty() ? "" : ", ") + std::string(u.name);
        }
    }
    return "use one of " + list;
}

//! An example such as "100 L/h" for messages, in the unit a bare number would take.
std::string example(Quantity kind, std::string_view default_unit)
{
    switch (kind) {
        case Quantity::flow:
            return "\"100 " + std::string(default_unit) + "\"";
        case Quantity::concentration:
            return "\"0.5 " + std::string(default_unit) + "\"";
        case Quantity::time:
            return "\"3 " + std::string(default_unit) + "\"";
        case Quantity::fraction:
            return "0.36 or \"36 %\"";
        case Quantity::dimensionless:
            break;
    }
    return "";
}

bool is_space(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

//! Spelling variants to the table's names: "m^3/h", "m³/h" and "mol / L" are accepted.
std::string normalize(std::string_view unit)
{
    std::string out;
    for (std::size_t i = 0; i < unit.size(); ++i) {
        if (unit[i] == '^' || is_space(unit[i])) {
            continue;
        }
        if (unit.substr(i, 2) == "\xc2\xb3") {  // UTF-8 superscript three
            out += '3';
            ++i;
            continue;
        }
        out += unit[i];
    }
    return out;
}

const UnitDef* find_unit(std::string_view name, Quantity kind)
{
    if (kind == Quantity::fraction && name == percent.name) {
        return &percent;
    }
    for (const auto& u : units) {
        if (u.name == name && u.kind == kind) {
            return &u;
        }
    }
    return nullptr;
}

//! The unit a bare number takes; a unit of the wrong kind is the caller's bug, not the user's.
const UnitDef& default_unit_def(Quantity kind, std::string_view default_unit)
{
    const std::string name = normalize(default_unit);
    if (kind == Quantity::fraction || kind == Quantity::dimensionless) {
        if (name.empty() || name == "1") {
            return unity;
        }
        if (kind == Quantity::fraction && name == "%") {
            return percent;
        }
    } else if (const UnitDef* u = find_unit(name, kind)) {
        return *u;
    }
    // std::logic_error, not std::invalid_argument: callers turn the latter into input errors.
    throw std::logic_error("parse_quantity: default unit '" + std::string(default_unit) +
                           "' is not a " + kind_name(kind) + " unit");
}

enum class NumberProblem { malformed, not_finite, decimal_comma };

[[noreturn]] void throw_not_a_number(std::string_view text, Quantity kind,
                                     std::string_view default_unit, NumberProblem problem)
{
    std::string what = "number";
    if (kind == Quantity::fraction) {
        what = "fraction such as " + example(kind, default_unit);
    } else if (kind != Quantity::dimensionless) {
        what = "number with an optional unit such as " + example(kind, default_unit);
    }
    std::string message = "expected a " +
                          std::string(problem == NumberProblem::not_finite ? "finite " : "") +
                          what + ", found \"" + std::string(text) + "\"";
    if (problem == NumberProblem::decimal_comma) {
        message += "; write decimals with '.' and no thousands separators";
    }
    throw std::invalid_argument(message);
}

bool starts_with_yaml_special(std::string_view text)
{
    std::string lower;
    for (char c : text.substr(0, 5)) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (std::string_view special : {".inf", "+.inf", "-.inf", ".nan"}) {
        if (lower.starts_with(special)) {
            return true;
        }
    }
    return false;
}

//! Feed-rate units other than flows: REO mass (to kg/h) and RE amount (to mol/h).
struct RateUnit {
    std::string_view name;
    FeedRate::Basis basis;
    double num;
    double den;
};

constexpr std::array<RateUnit, 6> rate_units = {{
    {"kg/h", FeedRate::Basis::reo_kg_per_h, 1.0, 1.0},
    {"t/h", FeedRate::Basis::reo_kg_per_h, 1000.0, 1.0},
    {"t/d", FeedRate::Basis::reo_kg_per_h, 1000.0, 24.0},
    {"t/y", FeedRate::Basis::reo_kg_per_h, 1000.0, 8760.0},  // a calendar year
    {"mol/h", FeedRate::Basis::re_mol_per_h, 1.0, 1.0},
    {"kmol/h", FeedRate::Basis::re_mol_per_h, 1000.0, 1.0},
}};

std::string accepted_feed_rate_units()
{
    return "use a mass of rare-earth oxides (kg/h, t/h, t/d, t/y, optionally followed by REO), "
           "an amount of rare earths (mol/h, kmol/h) or a flow of feed solution (" +
           accepted_units(Quantity::flow).substr(std::string_view("use one of ").size()) + ")";
}

}  // namespace

FeedRate parse_feed_rate(std::string_view text)
{
    const std::string_view trimmed = trim(text);
    std::string_view unit_text = trimmed;
    // The number's end: what parse_quantity accepts as a number, checked by it below.
    std::size_t start = 0;
    while (start < unit_text.size() &&
           (std::isdigit(static_cast<unsigned char>(unit_text[start])) != 0 ||
            std::string_view("+-.eE").find(unit_text[start]) != std::string_view::npos)) {
        ++start;
    }
    unit_text = trim(unit_text.substr(start));
    bool reo = false;
    if (unit_text.size() >= 3 && unit_text.substr(unit_text.size() - 3) == "REO") {
        reo = true;
        unit_text = trim(unit_text.substr(0, unit_text.size() - 3));
    }
    const std::string name = normalize(unit_text);
    for (const auto& u : rate_units) {
        if (u.name == name) {
            if (reo && u.basis != FeedRate::Basis::reo_kg_per_h) {
                throw std::invalid_argument("\"" + std::string(trimmed) +
                                            "\": REO goes with a mass rate (kg/h, t/h, t/d, t/y)");
            }
            const std::string number(trimmed.substr(0, start));
            return {u.basis, parse_quantity(number, Quantity::dimensionless, "") * u.num / u.den};
        }
    }
    if (reo ||
        (!name.empty() && find_unit(name, Quantity::flow) == nullptr &&
         std::isdigit(static_cast<unsigned char>(name.front())) == 0 && name.front() != ',')) {
        for (Quantity other : {Quantity::concentration, Quantity::time, Quantity::fraction}) {
            if (!reo && find_unit(name, other) != nullptr) {
                throw std::invalid_argument(
                    "'" + std::string(unit_text) + "' is " + kind_phrase(other) +
                    " unit, but a feed rate is expected here; " + accepted_feed_rate_units());
            }
        }
        throw std::invalid_argument("unknown feed-rate unit '" + std::string(unit_text) +
                                    "' in \"" + std::string(trimmed) + "\"; " +
                                    accepted_feed_rate_units());
    }
    return {FeedRate::Basis::solution_L_per_h, parse_quantity(trimmed, Quantity::flow, "L/h")};
}

std::string_view internal_unit(Quantity kind)
{
    switch (kind) {
        case Quantity::flow:
            return "L/h";
        case Quantity::concentration:
            return "mol/L";
        case Quantity::time:
            return "h";
        case Quantity::fraction:
        case Quantity::dimensionless:
            return "1";
    }
    return "1";
}

double parse_quantity(std::string_view text, Quantity kind, std::string_view default_unit)
{
    const UnitDef& bare = default_unit_def(kind, default_unit);
    text = trim(text);

    const char* begin = text.data();
    const char* const end = text.data() + text.size();
    // from_chars takes no '+'; "+5" is a fine way to write 5.
    if (text.size() > 1 && text[0] == '+' &&
        (std::isdigit(static_cast<unsigned char>(text[1])) != 0 || text[1] == '.')) {
        ++begin;
    }
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(value))) {
        throw_not_a_number(text, kind, default_unit, NumberProblem::not_finite);
    }
    if (ec != std::errc()) {
        throw_not_a_number(
            text, kind, default_unit,
            starts_with_yaml_special(text) ? NumberProblem::not_finite : NumberProblem::malformed);
    }

    const std::string_view unit = trim(std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
    if (unit.empty()) {
        return value * bare.num / bare.den;
    }
    // "1,5" or "1 000" is a mistyped number, not a unit.
    const char first = unit.front();
    if (std::isdigit(static_cast<unsigned char>(first)) != 0 || first == ',' || first == '.' ||
        first == '+' || first == '-' || first == '_') {
        throw_not_a_number(text, kind, default_unit,
                           first == ',' ? NumberProblem::decimal_comma : NumberProblem::malformed);
    }
    if (kind == Quantity::dimensionless) {
        throw std::invalid_argument("expected a plain number without a unit, found \"" +
                                    std::string(text) + "\"");
    }

    const std::string name = normalize(unit);
    if (const UnitDef* u = find_unit(name, kind)) {
        return value * u->num / u->den;
    }
    for (Quantity other :
         {Quantity::flow, Quantity::concentration, Quantity::time, Quantity::fraction}) {
        if (other != kind && find_unit(name, other) != nullptr) {
            throw std::invalid_argument("'" + std::string(unit) + "' is " + kind_phrase(other) +
                                        " unit, but " + kind_phrase(kind) + " is expected here; " +
                                        accepted_units(kind));
        }
    }
    throw std::invalid_argument("unknown " + kind_name(kind) + " unit '" + std::string(unit) +
                                "'; " + accepted_units(kind));
}

double parse_species_concentration_mol_per_L(std::string_view text, double g_per_mol)
{
    // Mass concentrations, g/L per unit (a litre of dilute liquor: ppm would be mg/kg, so
    // it is not accepted, to keep mass and volume apart).
    struct MassUnit {
        std::string_view name;
        double g_per_L;
    };
    constexpr std::array<MassUnit, 8> mass_units{{{"g/L", 1.0},
                                                  {"g/l", 1.0},
                                                  {"mg/L", 1e-3},
                                                  {"mg/l", 1e-3},
                                                  {"ug/L", 1e-6},
                                                  {"\xc2\xb5g/L", 1e-6},
                                                  {"kg/m3", 1.0},
                                                  {"g/m3", 1e-3}}};
    const std::string_view trimmed = trim(text);
    std::size_t start = 0;
    while (start < trimmed.size() &&
           (std::isdigit(static_cast<unsigned char>(trimmed[start])) != 0 ||
            std::string_view("+-.eE").find(trimmed[start]) != std::string_view::npos)) {
        ++start;
    }
    const std::string_view unit_text = trim(trimmed.substr(start));
    const std::string name = normalize(unit_text);
    if (name.empty()) {
        throw std::invalid_argument("\"" + std::string(trimmed) +
                                    "\" has no unit; write it with one, e.g. \"50 mg/L\", "
                                    "\"1.2 g/L\" or \"0.02 mol/L\"");
    }
    for (const auto& u : mass_units) {
        if (u.name == name) {
            const std::string number(trimmed.substr(0, start));
            return parse_quantity(number, Quantity::dimensionless, "") * u.g_per_L / g_per_mol;
        }
    }
    if (find_unit(name, Quantity::concentration) != nullptr) {
        return parse_quantity(trimmed, Quantity::concentration, "mol/L");
    }
    throw std::invalid_argument(
        "unknown concentration unit '" + std::string(unit_text) + "' in \"" + std::string(trimmed) +
        "\"; use a mass concentration (g/L, mg/L, ug/L, kg/m3, g/m3) or " +
        accepted_units(Quantity::concentration).substr(std::string_view("use ").size()));
}

}  // namespace reesx
