// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "CommandOutput.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "reesx/io/AtomicFile.h"
#include "reesx/io/Results.h"

namespace reesx::cli {
namespace {

//! Renders DOT text as an SVG file at `svg_path` (atomically) with Graphviz; false when `dot`
//! is not installed. Throws reesx::Error when `dot` fails.
bool render_svg(const std::string& dot_text, const std::string& svg_path)
{
    if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        return false;
    }
    reesx::io::write_file_atomically(svg_path, [&](const std::string& temp) {
        // The path in single quotes, each ' as '\'': the shell expands nothing in it.
        std::string command = "dot -Tsvg -o '";
        for (const char c : temp) {
            command += c == '\'' ? std::string("'\\''") : std::string(1, c);
        }
        command += '\'';
        FILE* pipe = popen(command.c_str(), "w");
        if (pipe == nullptr) {
            throw reesx::Error("cannot start Graphviz `dot` for '" + svg_path + "'");
        }
        std::fputs(dot_text.c_str(), pipe);
        if (pclose(pipe) != 0) {
            throw reesx::Error("Graphviz `dot -Tsvg` failed on the diagram for '" + svg_path + "'");
        }
    });
    return true;
}

}  // namespace

std::function<void(const std::string&)> progress_on_stderr(bool quiet)
{
    return [quiet](const std::string& line) {
        if (!quiet) {
            std::cerr << line << "\n";
        }
    };
}

void print_warnings(std::ostream& out, const std::vector<std::string>& warnings)
{
    for (const auto& w : warnings) {
        out << "warning: " << w << "\n";
    }
}

std::vector<std::string> split_codes(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    for (const char c : text + ",") {
        if (c == ',') {
            if (!item.empty()) {
                out.push_back(item);
            }
            item.clear();
        } else if (c != ' ' && c != '\t') {
            item += c;
        }
    }
    return out;
}

void write_summary(
    const SummaryFiles& files, const std::function<nlohmann::json()>& summary,
    const std::function<std::vector<reesx::io::CsvTable>(const nlohmann::json&)>& tables)
{
    if (!files.wanted()) {
        return;
    }
    const nlohmann::json j = summary();
    if (!files.json_path.empty()) {
        reesx::io::write_json(files.json_path, j);
    }
    if (!files.csv_dir.empty()) {
        reesx::io::write_csv_tables(files.csv_dir, tables(j));
    }
}

void write_diagram(const DiagramFiles& files, const std::function<std::string()>& dot_text,
                   bool quiet)
{
    if (!files.wanted()) {
        return;
    }
    const std::string dot = dot_text();
    if (!files.dot_path.empty()) {
        reesx::io::write_text_atomically(files.dot_path, dot);
    }
    if (!files.svg_path.empty()) {
        if (!render_svg(dot, files.svg_path)) {
            throw reesx::InputError(
                "--svg: Graphviz `dot` is not installed (tools/install-deps.sh installs it); "
                "--dot FILE writes the diagram as DOT text");
        }
        return;
    }
    const std::string svg = files.dot_path.substr(0, files.dot_path.rfind('.')) + ".svg";
    if (render_svg(dot, svg) && !quiet) {
        std::cerr << "wrote " << svg << "\n";
    }
}

}  // namespace reesx::cli
