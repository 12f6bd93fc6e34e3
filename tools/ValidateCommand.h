// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx validate`: the validation cases, computed against published.
#pragma once

#include <string>
#include <vector>

namespace reesx::cli {

//! `reesx validate`: runs the validation cases (docs/validation.md). Exit 0 when every
//! evaluated comparison passes or is a known discrepancy documented in its case README
//! (pending cases are listed, not evaluated); 2 when one fails or a case does not solve, and
//! with `strict` when one is a known discrepancy.
int validate(const std::string& cases_dir, const std::vector<std::string>& only,
             const std::string& json_path, bool strict, bool quiet);

}  // namespace reesx::cli
