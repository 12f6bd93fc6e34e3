// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What `--csv DIR` writes (docs/user-guide.md, "CSV output"): tables built from a command's
// JSON summary, so that a CSV cell and the JSON value it came from are the same number.
// Conventions: comma-separated, one header row, column names carry their units
// ("Pr_aqueous_mol_per_L", "flow_L_per_h", "_fraction" for dimensionless ratios), numbers as
// the JSON file writes them (the shortest text that reads back as the same double), and a
// non-finite or missing number as an empty cell.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace reesx::io {

struct CsvTable {
    std::string file_name;  //!< e.g. "stages.csv"
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

//! One cell: a number as JSON writes it (empty when null or non-finite), a string
//! quoted when it holds a comma, quote or line break, a bool as true/false, a list of strings
//! joined with spaces.
std::string csv_cell(const nlohmann::json& value);

//! The table as CSV text (RFC 4180 quoting, "\n" line ends).
std::string csv_text(const CsvTable& table);

//! Rows of JSON objects as a table: `leading` columns first, then the others by name. A
//! number, string or bool is one column; a mapping of numbers is one column per entry,
//! named "<entry>_<key>" (elements by atomic number), with `key` renamed by `rename`
//! (e.g. composition -> mol_fraction; renamed to "" the column is the entry's name); lists of
//! numbers and deeper mappings are left out.
CsvTable csv_table_from_objects(
    const std::string& file_name, const std::vector<nlohmann::json>& rows,
    const std::vector<std::string>& leading,
    const std::vector<std::pair<std::string, std::string>>& rename = {});

//! Creates `directory` (and its parents) when missing and writes every table into it, each
//! file atomically. Throws reesx::InputError naming the directory when it cannot be made.
void write_csv_tables(const std::string& directory, const std::vector<CsvTable>& tables);

//! `run` of one cascade: stages.csv (stage, section, flows, every element's aqueous and
//! organic mol/L and the acidity models' profiles), products.csv, recovery.csv.
std::vector<CsvTable> run_csv(const nlohmann::json& run_summary);
//! `run` of a plant file: products.csv, recovery.csv, streams.csv and
//! stages_<cascade>.csv for each cascade.
std::vector<CsvTable> plant_run_csv(const nlohmann::json& plant_summary);
//! `dynamic`: time_series.csv (time_h and each product's purity and RE flow) and, when the
//! run reached a final steady profile, the `run` tables of the final state.
std::vector<CsvTable> dynamic_csv(const nlohmann::json& dynamic_summary);
//! `design`: products.csv (purity and recovery per product) and tradeoff.csv.
std::vector<CsvTable> design_csv(const nlohmann::json& design_summary);
//! `separate`: products.csv and cascades.csv.
std::vector<CsvTable> separate_csv(const nlohmann::json& separate_summary);

}  // namespace reesx::io
