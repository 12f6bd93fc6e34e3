// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the commands share: exit codes, progress on stderr, the summary files (JSON, CSV)
// and the plant diagram (DOT, SVG).
#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reesx/core/Error.h"
#include "reesx/io/Csv.h"

namespace reesx::cli {

inline int code(ExitCode c)
{
    return static_cast<int>(c);
}

//! Progress lines on stderr; -q silences them with the tables (warnings still go to stderr).
std::function<void(const std::string&)> progress_on_stderr(bool quiet);

//! Each warning on its own line, "warning: " first.
void print_warnings(std::ostream& out, const std::vector<std::string>& warnings);

//! "CN-NM, US" -> {"CN-NM", "US"}.
std::vector<std::string> split_codes(const std::string& text);

//! Where the command's summary goes: the JSON file and the CSV folder, each when asked for;
//! `summary` is built only when one of them is.
struct SummaryFiles {
    std::string json_path, csv_dir;
    bool wanted() const { return !json_path.empty() || !csv_dir.empty(); }
};

//! Writes the summary files asked for; `tables` makes the CSV tables of the JSON summary.
void write_summary(
    const SummaryFiles& files, const std::function<nlohmann::json()>& summary,
    const std::function<std::vector<reesx::io::CsvTable>(const nlohmann::json&)>& tables);

//! The plant diagram asked for: DOT text, and SVG rendered from it by Graphviz.
struct DiagramFiles {
    std::string dot_path, svg_path;
    bool wanted() const { return !dot_path.empty() || !svg_path.empty(); }
};

//! Writes the diagram: the DOT file, and the SVG at `svg_path`, or beside the DOT file when
//! Graphviz is installed and no `svg_path` is given.
void write_diagram(const DiagramFiles& files, const std::function<std::string()>& dot_text,
                   bool quiet);

}  // namespace reesx::cli
