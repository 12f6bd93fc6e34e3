// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `reesx design --uncertainty N` and `reesx separate --uncertainty N` print and add to
// the JSON summary (`uncertainty`), and the rows and percentiles other commands' tables share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/flowsheets/SeparateUncertainty.h"

namespace reesx::io {

//! The column heads of the rows below.
std::string uncertainty_header();
//! One table row: what, nominal, P10, P50, P90 with `digits` decimals.
std::string uncertainty_row(const std::string& what, const Percentiles& p, double nominal,
                            int digits);
//! {p10, p50, p90} (null for a non-finite value).
nlohmann::json percentiles_json(const Percentiles& p);

std::string format_design_uncertainty(const DesignUncertainty& u, const DesignResult& nominal);
nlohmann::json design_uncertainty_json(const DesignUncertainty& u);

//! `cost_codes`: the countries of the costing's metrics (empty without one).
std::string format_separate_uncertainty(const SeparateUncertainty& u,
                                        const std::vector<std::string>& cost_codes);
nlohmann::json separate_uncertainty_json(const SeparateUncertainty& u,
                                         const std::vector<std::string>& cost_codes);

}  // namespace reesx::io
