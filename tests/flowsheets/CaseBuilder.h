// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Test helper: writes small case files as YAML text, so tests read like the cases users write.
#pragma once

#include <sstream>
#include <string>

#include "reesx/flowsheets/Cascade.h"

namespace reesx::test {

inline CaseSpec case_from_yaml(const std::string& yaml)
{
    return parse_case(InputNode::load_string(yaml, "test.yaml"));
}

inline CascadeResult solve_yaml(const std::string& yaml)
{
    const CaseSpec spec = case_from_yaml(yaml);
    Cascade cascade(spec);
    return cascade.solve();
}

//! Index of a product by name in a result; -1 if absent.
inline int product_index(const CascadeResult& r, const std::string& name)
{
    for (std::size_t p = 0; p < r.products.size(); ++p) {
        if (r.products[p].name == name) {
            return static_cast<int>(p);
        }
    }
    return -1;
}

//! A binary A/B separation-factor case with an inline system (log10 K_A = log10 beta,
//! K_B = 1), aqueous feed of 1 mol/h RE (1 L/h × 1 mol/L) at the last extraction stage, an
//! organic of loading 1 mol/L, so that S and W are the organic and scrub flows directly:
//! organic flow S L/h, scrub flow W L/h at 3 mol/L acid.
inline std::string binary_case(double beta, double f_a, int n_extraction, int n_scrub, double s,
                               double w, const std::string& extra = "")
{
    std::ostringstream y;
    y.precision(17);
    y << "system:\n  name: binary\n  log10-extractability: {Nd: " << std::log10(beta)
      << ", Pr: 0.0}\n"
      << "stages: {extraction: " << n_extraction << ", scrub: " << n_scrub << "}\n"
      << "feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Nd: " << f_a
      << ", Pr: " << 1.0 - f_a << "}}\n"
      << "organic: {flow: " << s << " L/h, loading: 1 mol/L}\n";
    if (n_scrub > 0) {
        y << "scrub: {flow: " << w << " L/h, acid: 3 mol/L}\n";
    }
    y << extra;
    return y.str();
}

}  // namespace reesx::test
