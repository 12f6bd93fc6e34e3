// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Test helper: writes small case files as YAML text, so tests read like the cases users write.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "reesx/flowsheets/Cascade.h"

namespace reesx::test {

inline CaseSpec case_from_yaml(const std::string& yaml)
{
    return parse_case(InputNode::load_string(yaml, "test.yaml"));
}

//! The text of a file in examples/ (the tests' own copy of what users run).
inline std::string example_text(const std::string& file)
{
    std::ifstream in(std::string(REESX_SOURCE_DIR) + "/examples/" + file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline CascadeResult solve_yaml(const std::string& yaml)
{
    const CaseSpec spec = case_from_yaml(yaml);
    Cascade cascade(spec);
    return cascade.solve();
}

//! Every conserved quantity of a model with extra species (protons, the saponification
//! cation) closes its cascade balance (|in - out| over the sum of the terms' sizes) to 1e-10:
//! each stage's rows hold to the solver's tolerance (1e-12), and the terms' rounding adds up
//! over the cascade's streams.
inline void expect_conserved_balances_close(const CascadeResult& r)
{
    for (std::size_t k = 0; k < r.conserved_balance_relative_error.size(); ++k) {
        EXPECT_LT(r.conserved_balance_relative_error[k], 1e-10)
            << (k < r.conserved_names.size() ? r.conserved_names[k] : std::string());
    }
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

//! Largest difference between the cascade's analytic Jacobian and central finite differences
//! (h = 1e-6) at a point moved away from the start, so that no structure of the start hides an
//! error. With `relative_to_residual` the difference is divided by max(1, max |F|): the
//! rounding of F(x +- h) is ~1e-16 |F| / h, and chemistry rows have large residuals there.
inline double max_jacobian_error(const std::string& yaml, bool relative_to_residual = false)
{
    const CaseSpec spec = case_from_yaml(yaml);
    Cascade cascade(spec);
    auto& system = cascade.equations();
    Eigen::VectorXd x = cascade.starting_point();
    for (Eigen::Index k = 0; k < x.size(); ++k) {
        x[k] += 0.05 * std::sin(1.7 * static_cast<double>(k));
    }
    solver::BlockTridiagonalMatrix jacobian(system.num_blocks(), system.block_size());
    Eigen::VectorXd f, fp, fm;
    system.evaluate(x, f, &jacobian);
    const double scale = relative_to_residual ? std::max(1.0, f.cwiseAbs().maxCoeff()) : 1.0;
    double worst = 0.0;
    for (Eigen::Index k = 0; k < x.size(); ++k) {
        const double h = 1e-6;
        Eigen::VectorXd xp = x, xm = x;
        xp[k] += h;
        xm[k] -= h;
        system.evaluate(xp, fp, nullptr);
        system.evaluate(xm, fm, nullptr);
        const Eigen::VectorXd column = (fp - fm) / (2 * h);
        Eigen::VectorXd unit = Eigen::VectorXd::Zero(x.size());
        unit[k] = 1.0;
        const Eigen::VectorXd analytic = jacobian.multiply(unit);
        worst = std::max(worst, (column - analytic).cwiseAbs().maxCoeff() / scale);
    }
    return worst;
}

}  // namespace reesx::test
