// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the plant file's parser and the plant solver share: cascade outlets, inlet phases
// and number formatting.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "reesx/flowsheets/Plant.h"

namespace reesx::plant_detail {

inline std::string fmt(double value, int digits = 4)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

struct Outlet {
    std::string name;
    Phase phase;
};

//! The outlets of a cascade: raffinate; loaded organic, or strip liquor and stripped organic
//! when it has a strip section; its side draws.
inline std::vector<Outlet> outlets_of(const CaseSpec& c)
{
    std::vector<Outlet> out = {{"raffinate", Phase::aqueous}};
    if (c.stages_strip > 0) {
        out.push_back({"strip_liquor", Phase::aqueous});
        out.push_back({"stripped_organic", Phase::organic});
    } else {
        out.push_back({"loaded_organic", Phase::organic});
    }
    for (const auto& d : c.draws) {
        out.push_back({d.name, d.phase});
    }
    return out;
}

inline Phase inlet_phase(Inlet inlet)
{
    return inlet == Inlet::organic_feed ? Phase::organic : Phase::aqueous;
}

}  // namespace reesx::plant_detail
