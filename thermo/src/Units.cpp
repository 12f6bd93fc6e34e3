// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/core/Units.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace reesx {
namespace {

struct UnitDef {
    std::string_view name;
    Quantity kind;
    double to_internal;  //!< multiply a value in this unit to get the internal unit
};

// Internal units: L/h, mol/L, h, 1 (see Units.h).
constexpr std::array<UnitDef, 24> units = {{
    {"L/h", Quantity::flow, 1.0},
    {"L/min", Quantity::flow, 60.0},
    {"L/s", Quantity::flow, 3600.0},
    {"mL/min", Quantity::flow, 0.06},
    {"m3/h", Quantity::flow, 1000.0},
    {"m3/s", Quantity::flow, 3.6e6},
    {"m3/d", Quantity::flow, 1000.0 / 24.0},
    {"mol/L", Quantity::concentration, 1.0},
    {"M", Quantity::concentration, 1.0},
    {"mmol/L", Quantity::concentration, 1e-3},
    {"mM", Quantity::concentration, 1e-3},
    {"mol/m3", Quantity::concentration, 1e-3},
    {"kmol/m3", Quantity::concentration, 1.0},
    {"s", Quantity::time, 1.0 / 3600.0},
    {"min", Quantity::time, 1.0 / 60.0},
    {"h", Quantity::time, 1.0},
    {"d", Quantity::time, 24.0},
    {"%", Quantity::fraction, 0.01},
    {"1", Quantity::fraction, 1.0},
    {"1", Quantity::dimensionless, 1.0},
    {"mol/l", Quantity::concentration, 1.0},
    {"mmol/l", Quantity::concentration, 1e-3},
    {"L/d", Quantity::flow, 1.0 / 24.0},
    {"m3/min", Quantity::flow, 60000.0},
}};

std::string_view kind_name(Quantity kind)
{
    switch (kind) {
        case Quantity::flow:
            return "flow";
        case Quantity::concentration:
            return "concentration";
        case Quantity::time:
            return "time";
        case Quantity::fraction:
            return "fraction";
        case Quantity::dimensionless:
            return "dimensionless number";
    }
    return "";
}

std::string accepted(Quantity kind)
{
    std::string list;
    for (const auto& u : units) {
        if (u.kind == kind && u.name != "1" && u.name != "mol/l" && u.name != "mmol/l") {
            list += (list.empty() ? "" : ", ") + std::string(u.name);
        }
    }
    return list;
}

//! "m^3/h" and "m³/h" are written "m3/h" internally.
std::string normalize(std::string_view unit)
{
    std::string out;
    for (std::size_t i = 0; i < unit.size(); ++i) {
        if (unit[i] == '^') {
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
    for (const auto& u : units) {
        if (u.name == name && u.kind == kind) {
            return &u;
        }
    }
    return nullptr;
}

}  // namespace

std::string_view internal_unit(Quantity kind)
{
    switch (kind) {
        case Quantity::flow:
            return "L/h";
        case Quantity::concentration:
            return "mol/L";
        case Quantity::time:
            return "h";
        default:
            return "1";
    }
}

double parse_quantity(std::string_view text, Quantity kind, std::string_view default_unit)
{
    const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    double value = 0.0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (!text.empty() && *begin == '+') {
        ++begin;
    }
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || !std::isfinite(value)) {
        const std::string unit(internal_unit(kind));
        throw std::invalid_argument(
            (unit == "1" ? std::string("expected a number")
                         : "expected a number with an optional unit such as \"100 " + unit + "\"") +
            ", found \"" + std::string(text) + "\"");
    }
    std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
    while (!unit.empty() && is_space(unit.front())) {
        unit.remove_prefix(1);
    }
    if (unit.empty()) {
        unit = default_unit;
    }
    const std::string name = normalize(unit);
    if (kind == Quantity::dimensionless && name != "1") {
        throw std::invalid_argument("expected a plain number, found \"" + std::string(text) + "\"");
    }
    if (const UnitDef* u = find_unit(name, kind)) {
        return value * u->to_internal;
    }
    for (const auto& u : units) {
        if (u.name == name) {
            throw std::invalid_argument("'" + name + "' is a " + std::string(kind_name(u.kind)) +
                                        " unit, but a " + std::string(kind_name(kind)) +
                                        " is expected here");
        }
    }
    throw std::invalid_argument("unknown " + std::string(kind_name(kind)) + " unit '" + name +
                                "'; use one of " + accepted(kind));
}

}  // namespace reesx
