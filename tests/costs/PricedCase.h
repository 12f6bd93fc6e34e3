// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Test helper: a case solved and priced by the cost model, as `reesx cost CASE.yaml` does.
#pragma once

#include <memory>
#include <string>

#include "../flowsheets/CaseBuilder.h"
#include "reesx/costs/Report.h"

namespace reesx::test {

struct Priced {
    CaseSpec spec;
    CascadeResult result;
    std::unique_ptr<costs::CostModel> model;
};

inline Priced price(const std::string& yaml)
{
    Priced p{case_from_yaml(yaml), {}, nullptr};
    Cascade cascade(p.spec);
    p.result = cascade.solve();
    p.model = std::make_unique<costs::CostModel>(costs::parse_cost_setup(p.spec),
                                                 costs::plant_streams(p.spec, p.result));
    return p;
}

}  // namespace reesx::test
