// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Test helpers for `reesx dynamic`: a run from case text, a product series by name.
#pragma once

#include <stdexcept>
#include <string>

#include "CaseBuilder.h"
#include "reesx/flowsheets/Dynamic.h"

namespace reesx::test {

inline DynamicResult run_dynamic(const std::string& yaml, DynamicSpec* out = nullptr)
{
    const CaseSpec spec = case_from_yaml(yaml);
    const DynamicSpec dynamic = parse_dynamic(spec);
    if (out) {
        *out = dynamic;
    }
    return simulate_dynamic(spec, dynamic);
}

inline const ProductSeries& product(const DynamicResult& r, const std::string& name)
{
    for (const auto& p : r.products) {
        if (p.name == name) {
            return p;
        }
    }
    throw std::runtime_error("no product " + name);
}

}  // namespace reesx::test
