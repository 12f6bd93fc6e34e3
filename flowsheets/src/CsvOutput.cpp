// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "reesx/core/Error.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Csv.h"
#include "reesx/thermo/Elements.h"

namespace reesx::io {
namespace {

using nlohmann::json;
using Rename = std::vector<std::pair<std::string, std::string>>;

//! An element's atomic number for an element symbol, else a large number (names sort last).
int element_rank(const std::string& name)
{
    return element_index(name).value_or(num_elements);
}

std::vector<std::string> keys_by_element(const json& object)
{
    std::vector<std::string> keys;
    for (const auto& [key, value] : object.items()) {
        keys.push_back(key);
    }
    std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
        return element_rank(a) < element_rank(b);
    });
    return keys;
}

bool is_scalar(const json& v)
{
    return v.is_number() || v.is_string() || v.is_boolean() || v.is_null();
}

bool is_string_list(const json& v)
{
    return v.is_array() &&
           std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); });
}

bool is_scalar_map(const json& v)
{
    return v.is_object() && !v.empty() &&
           std::all_of(v.begin(), v.end(), [](const json& x) { return is_scalar(x); });
}

std::string renamed(const std::string& key, const Rename& rename)
{
    for (const auto& [from, to] : rename) {
        if (from == key) {
            return to;
        }
    }
    return key;
}

//! (column, value) pairs of one row object, in column order (see csv_table_from_objects).
std::vector<std::pair<std::string, json>> flatten(const json& row,
                                                  const std::vector<std::string>& leading,
                                                  const Rename& rename)
{
    std::vector<std::string> keys;
    for (const auto& key : leading) {
        if (row.contains(key)) {
            keys.push_back(key);
        }
    }
    for (const auto& [key, value] : row.items()) {
        if (std::find(leading.begin(), leading.end(), key) == leading.end()) {
            keys.push_back(key);
        }
    }
    std::vector<std::pair<std::string, json>> out;
    for (const auto& key : keys) {
        const json& value = row.at(key);
        if (is_scalar(value) || is_string_list(value)) {
            out.emplace_back(renamed(key, rename), value);
        } else if (is_scalar_map(value)) {
            const std::string suffix = renamed(key, rename);
            for (const auto& entry : keys_by_element(value)) {
                out.emplace_back(suffix.empty() ? entry : entry + "_" + suffix, value.at(entry));
            }
        }
    }
    return out;
}

//! A mapping of name -> object as a list of objects with the name under `name_key`.
std::vector<json> named_rows(const json& mapping, const std::string& name_key)
{
    std::vector<json> rows;
    if (!mapping.is_object()) {
        return rows;
    }
    for (const auto& [name, value] : mapping.items()) {
        json row = value.is_object() ? value : json::object();
        row[name_key] = name;
        rows.push_back(row);
    }
    return rows;
}

std::vector<json> list_rows(const json& list)
{
    return list.is_array() ? std::vector<json>(list.begin(), list.end()) : std::vector<json>{};
}

const Rename product_columns = {{"composition", "mol_fraction"},
                                {"purity", "purity_fraction"},
                                {"purity_target", "purity_target_fraction"}};

CsvTable stages_table(const std::string& file_name, const json& stages)
{
    return csv_table_from_objects(file_name, list_rows(stages), {"stage", "section"});
}

CsvTable products_table(const json& products)
{
    return csv_table_from_objects("products.csv", named_rows(products, "product"),
                                  {"product", "phase", "stage", "cascade", "outlet", "flow_L_per_h",
                                   "re_mol_per_h", "main_element", "purity"},
                                  product_columns);
}

CsvTable recovery_table(const json& recovery)
{
    std::vector<json> rows;
    for (const auto& [product, by_element] : recovery.items()) {
        rows.push_back({{"product", product}, {"recovery", by_element}});
    }
    return csv_table_from_objects("recovery.csv", rows, {"product"},
                                  {{"recovery", "recovery_fraction"}});
}

}  // namespace

std::string csv_cell(const json& value)
{
    if (value.is_null() || (value.is_number_float() && !std::isfinite(value.get<double>()))) {
        return "";
    }
    if (value.is_number() || value.is_boolean()) {
        return value.dump();  // a double as the shortest text that reads back as the same double
    }
    std::string text;
    if (value.is_array()) {
        for (const auto& item : value) {
            // Appended piecewise: GCC 12 gives a false -Wrestrict on `"literal" + std::string`.
            if (!text.empty()) {
                text += ' ';
            }
            text += item.get<std::string>();
        }
    } else {
        text = value.get<std::string>();
    }
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return quoted + "\"";
}

std::string csv_text(const CsvTable& table)
{
    std::string out;
    const auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t k = 0; k < cells.size(); ++k) {
            if (k > 0) {
                out += ',';
            }
            out += cells[k];
        }
        out += "\n";
    };
    line(table.header);
    for (const auto& row : table.rows) {
        line(row);
    }
    return out;
}

CsvTable csv_table_from_objects(const std::string& file_name, const std::vector<json>& rows,
                                const std::vector<std::string>& leading, const Rename& rename)
{
    CsvTable table{file_name, {}, {}};
    std::vector<std::vector<std::pair<std::string, json>>> flat;
    for (const auto& row : rows) {
        flat.push_back(flatten(row, leading, rename));
        for (const auto& [column, value] : flat.back()) {
            if (std::find(table.header.begin(), table.header.end(), column) == table.header.end()) {
                table.header.push_back(column);
            }
        }
    }
    for (const auto& cells : flat) {
        std::map<std::string, std::string> by_column;
        for (const auto& [column, value] : cells) {
            by_column[column] = csv_cell(value);
        }
        std::vector<std::string> line;
        for (const auto& column : table.header) {
            line.push_back(by_column[column]);
        }
        table.rows.push_back(line);
    }
    return table;
}

void write_csv_tables(const std::string& directory, const std::vector<CsvTable>& tables)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec || !fs::is_directory(directory)) {
        throw InputError("--csv: cannot make the directory '" + directory +
                         "': " + (ec ? ec.message() : std::string("not a directory")));
    }
    for (const auto& table : tables) {
        write_text_atomically((fs::path(directory) / table.file_name).string(), csv_text(table));
    }
}

std::vector<CsvTable> run_csv(const json& summary)
{
    std::vector<CsvTable> out;
    if (summary.contains("stage_profile") && summary["stage_profile"].is_array()) {
        out.push_back(stages_table("stages.csv", summary["stage_profile"]));
    }
    out.push_back(products_table(summary.value("products", json::object())));
    out.push_back(recovery_table(summary.value("recovery", json::object())));
    return out;
}

std::vector<CsvTable> plant_run_csv(const json& summary)
{
    std::vector<CsvTable> out = {
        products_table(summary.at("products")), recovery_table(summary.at("recovery")),
        csv_table_from_objects("streams.csv", list_rows(summary.at("streams")), {"from", "to"},
                               product_columns)};
    for (const auto& [name, cascade] : summary.at("cascades").items()) {
        out.push_back(stages_table("stages_" + name + ".csv", cascade.at("stage_profile")));
    }
    return out;
}

std::vector<CsvTable> dynamic_csv(const json& summary)
{
    const json& dynamic = summary.at("dynamic");
    const json& times = dynamic.at("times_h");
    CsvTable series{"time_series.csv", {"time_h"}, {}};
    std::vector<const json*> columns;
    for (const auto& [product, values] : dynamic.at("products").items()) {
        for (const auto& [key, unit_name] :
             {std::pair<std::string, std::string>{"purity", "purity_fraction"},
              {"re_mol_per_h", "re_mol_per_h"}}) {
            series.header.push_back(product + "_" + unit_name);
            columns.push_back(&values.at(key));
        }
    }
    for (std::size_t t = 0; t < times.size(); ++t) {
        std::vector<std::string> row = {csv_cell(times[t])};
        for (const json* column : columns) {
            row.push_back(t < column->size() ? csv_cell((*column)[t]) : std::string());
        }
        series.rows.push_back(row);
    }
    std::vector<CsvTable> out = {series};
    if (summary.value("converged", false)) {
        for (auto& table : run_csv(summary)) {
            table.file_name = "final_" + table.file_name;
            out.push_back(table);
        }
    }
    return out;
}

std::vector<CsvTable> design_csv(const json& summary)
{
    std::vector<CsvTable> out;
    const json& products = summary.at("products");
    if (products.is_array()) {  // a three-outlet design: one entry per product
        out.push_back(csv_table_from_objects("products.csv", list_rows(products),
                                             {"stream", "group"},
                                             {{"purity", "purity_fraction"},
                                              {"purity_target", "purity_target_fraction"},
                                              {"recovery", "recovery_fraction"}}));
        return out;
    }
    std::vector<json> rows;
    for (const char* group : {"A", "B"}) {
        rows.push_back({{"group", group},
                        {"stream", products.at(group)},
                        {"purity_fraction", summary.at("purity").at(group)},
                        {"purity_target_fraction", summary.at("purity_target").at(group)},
                        {"recovery_fraction", summary.at("recovery").at(group)}});
    }
    out.push_back(csv_table_from_objects(
        "products.csv", rows,
        {"group", "stream", "purity_fraction", "purity_target_fraction", "recovery_fraction"}));
    out.push_back(csv_table_from_objects(
        "tradeoff.csv", list_rows(summary.value("tradeoff", json::array())),
        {"S_over_S_min", "S", "W", "extraction", "scrub", "total", "shortcut_total"},
        {{"S", "S_mol_per_mol_feed"},
         {"W", "W_mol_per_mol_feed"},
         {"extraction", "extraction_stages"},
         {"scrub", "scrub_stages"},
         {"total", "total_stages"},
         {"shortcut_total", "shortcut_total_stages"}}));
    return out;
}

std::vector<CsvTable> separate_csv(const json& summary)
{
    std::vector<json> cascades = list_rows(summary.at("cascades"));
    for (auto& cascade : cascades) {
        cascade.erase("case");    // the case YAML: --plant-file writes the plant as YAML
        cascade.erase("stages");  // the old name of stage_counts
        if (cascade.contains("flows")) {
            cascade["flows"].erase("unit");
        }
    }
    return {csv_table_from_objects("products.csv", list_rows(summary.at("products")),
                                   {"element", "group", "elements", "main_element"},
                                   {{"purity", "purity_fraction"},
                                    {"main_element_purity", "main_element_purity_fraction"},
                                    {"recovery", "recovery_fraction"}}),
            csv_table_from_objects("cascades.csv", cascades,
                                   {"index", "split", "feed_from", "product_A_to", "product_B_to"},
                                   {{"stage_counts", "stages"},
                                    {"flows", "flow_L_per_h"},
                                    {"purity_target", "purity_target_fraction"},
                                    {"reflux", "reflux_mol_per_mol_feed"},
                                    {"reagents", ""}})};
}

}  // namespace reesx::io
