// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/validation/BatchData.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "reesx/core/Error.h"
#include "reesx/thermo/Elements.h"

namespace reesx::validation {
namespace {

struct Cell {
    std::string text;
    int column = 0;  //!< 1-based character column of the field's start
};

//! Splits a CSV line (RFC 4180 quotes, no embedded newlines).
std::vector<Cell> split_csv(const std::string& line)
{
    std::vector<Cell> cells;
    Cell cell{"", 1};
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cell.text += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell.text += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.push_back(cell);
            cell = Cell{"", static_cast<int>(i) + 2};
        } else if (c != '\r') {
            cell.text += c;
        }
    }
    cells.push_back(cell);
    for (auto& c : cells) {
        const auto first = c.text.find_first_not_of(" \t");
        const auto last = c.text.find_last_not_of(" \t");
        c.text = first == std::string::npos ? "" : c.text.substr(first, last - first + 1);
    }
    return cells;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string checksum_of(const std::string& text)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : text) {
        h = (h ^ c) * 1099511628211ULL;
    }
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
    return std::string("fnv1a64:") + buffer;
}

class Reader {
public:
    Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(int line, int column, const std::string& what) const
    {
        throw InputError(source_ + ":" + std::to_string(line) + ":" + std::to_string(column) +
                         ": " + what);
    }

    double number(int line, const Cell& cell, const std::string& column_name,
                  bool allow_negative = false) const
    {
        double value = 0.0;
        const char* begin = cell.text.data();
        const char* end = begin + cell.text.size();
        const auto [ptr, ec] = std::from_chars(begin, end, value);
        if (cell.text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
            fail(line, cell.column,
                 "column '" + column_name + "': expected a number, got '" + cell.text + "'");
        }
        if (!allow_negative && value < 0.0) {
            fail(line, cell.column,
                 "column '" + column_name + "': negative value " + cell.text +
                     " (concentrations and distribution ratios are >= 0)");
        }
        return value;
    }

    const std::string& source() const { return source_; }

    //! body(line, cells) for each data row after the header (blank rows skipped); a row with
    //! another number of fields than the header's is a located error.
    template <class Body>
    void for_each_row(const std::vector<std::string>& lines, std::size_t fields, Body&& body) const
    {
        for (std::size_t li = 1; li < lines.size(); ++li) {
            const int line = static_cast<int>(li) + 1;
            if (lines[li].find_first_not_of(" \t\r,") == std::string::npos) {
                continue;
            }
            const auto cells = split_csv(lines[li]);
            if (cells.size() != fields) {
                fail(line, 1,
                     "expected " + std::to_string(fields) + " fields as in the header, got " +
                         std::to_string(cells.size()));
            }
            body(line, cells);
        }
    }

private:
    std::string source_;
};

std::string element_list()
{
    std::string s;
    for (const auto& e : elements()) {
        if (!s.empty()) {
            s += ' ';
        }
        s += e.symbol;
    }
    return s;
}

void check_point(const Reader& reader, int line, const Cell& d_cell, const std::string& element,
                 double feed, double d)
{
    if (d > 0.0 && feed <= 0.0) {
        reader.fail(line, d_cell.column,
                    "a D for " + element + " (" + d_cell.text +
                        "), an element not in the feed of this test (feed concentration 0): "
                        "give its feed concentration, or D = 0 if it is absent");
    }
}

BatchData parse_wide(const Reader& reader, const std::vector<std::string>& lines,
                     const std::vector<Cell>& header)
{
    BatchData data;
    data.layout = "wide";
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < header.size(); ++i) {
        index.emplace(header[i].text, i);  // the first of duplicated names (".1" copies ignored)
    }
    const auto find_column =
        [&](std::initializer_list<const char*> names) -> std::optional<std::size_t> {
        for (const char* n : names) {
            if (const auto it = index.find(n); it != index.end()) {
                return it->second;
            }
        }
        return std::nullopt;
    };
    const auto h_col = find_column({"Feed H+[M]", "Feed H+ [M]"});
    const auto x_col = find_column({"PC88A[M]", "Extractant[M]", "PC88A [M]", "Extractant [M]"});
    if (!h_col) {
        reader.fail(1, 1, "missing column 'Feed H+[M]' (feed acid, mol/L) in the wide layout");
    }
    if (!x_col) {
        reader.fail(1, 1,
                    "missing column 'PC88A[M]' (or 'Extractant[M]', mol/L) in the wide layout");
    }
    struct ElementColumns {
        int element;
        std::size_t feed, aqueous, d;
    };
    std::vector<ElementColumns> columns;
    for (int e = 0; e < num_elements; ++e) {
        const std::string s(elements()[static_cast<std::size_t>(e)].symbol);
        const auto d = find_column({("D " + s).c_str()});
        const auto feed = find_column({("Feed " + s + "[M]").c_str()});
        const auto aq = find_column({("Xaq " + s).c_str()});
        if (!d && !feed && !aq) {
            continue;
        }
        if (!d || !feed || !aq) {
            reader.fail(1, 1,
                        "element " + s + ": the wide layout needs all three columns 'Feed " + s +
                            "[M]', 'Xaq " + s + "', 'D " + s + "'; missing '" +
                            (!feed ? "Feed " + s + "[M]"
                             : !aq ? "Xaq " + s
                                   : "D " + s) +
                            "'");
        }
        columns.push_back({e, *feed, *aq, *d});
    }
    if (columns.empty()) {
        reader.fail(1, 1, "no element columns ('Feed El[M]', 'Xaq El', 'D El') in the header");
    }
    const auto label_col = find_column({"label", "source"});
    reader.for_each_row(lines, header.size(), [&](int line, const std::vector<Cell>& cells) {
        ++data.rows;
        BatchTest test;
        test.id = "row " + std::to_string(line);
        test.line = line;
        test.source = label_col ? cells[*label_col].text : "data";
        test.h_mol_per_L = reader.number(line, cells[*h_col], header[*h_col].text);
        test.extractant_mol_per_L = reader.number(line, cells[*x_col], header[*x_col].text);
        for (const auto& c : columns) {
            const std::string s(elements()[static_cast<std::size_t>(c.element)].symbol);
            const double feed = reader.number(line, cells[c.feed], header[c.feed].text);
            const double aq = reader.number(line, cells[c.aqueous], header[c.aqueous].text);
            const double d = reader.number(line, cells[c.d], header[c.d].text);
            check_point(reader, line, cells[c.d], s, feed, d);
            if (feed > 0.0 && d == 0.0) {
                ++data.skipped_zero_d;
                continue;
            }
            if (feed <= 0.0) {
                continue;
            }
            BatchPoint p;
            p.element = c.element;
            p.feed_mol_per_L = feed;
            p.aqueous_mol_per_L = aq;
            p.d = d;
            p.line = line;
            p.column = cells[c.d].column;
            test.points.push_back(p);
        }
        if (!test.points.empty()) {
            data.tests.push_back(std::move(test));
        }
    });
    return data;
}

BatchData parse_long(const Reader& reader, const std::vector<std::string>& lines,
                     const std::vector<Cell>& header)
{
    BatchData data;
    data.layout = "long";
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string name = lower(header[i].text);
        if (!index.emplace(name, i).second) {
            reader.fail(1, header[i].column, "column '" + header[i].text + "' appears twice");
        }
    }
    static const std::set<std::string> known{"test",
                                             "source",
                                             "element",
                                             "feed_mol_per_l",
                                             "aqueous_mol_per_l",
                                             "d",
                                             "h_mol_per_l",
                                             "extractant_mol_per_l",
                                             "o_to_a",
                                             "sigma_log10_d"};
    for (const auto& h : header) {
        if (!known.contains(lower(h.text))) {
            reader.fail(1, h.column,
                        "unknown column '" + h.text +
                            "'; the long layout has test, element, feed_mol_per_L, D and "
                            "optionally source, h_mol_per_L, extractant_mol_per_L, "
                            "aqueous_mol_per_L, o_to_a, sigma_log10_D");
        }
    }
    for (const char* required : {"test", "element", "feed_mol_per_l", "d"}) {
        if (!index.contains(required)) {
            reader.fail(1, 1,
                        std::string("missing column '") +
                            (std::string(required) == "feed_mol_per_l" ? "feed_mol_per_L"
                             : std::string(required) == "d"            ? "D"
                                                                       : required) +
                            "' (the long layout needs test, element, feed_mol_per_L, D)");
        }
    }
    const auto col = [&](const char* name) -> std::optional<std::size_t> {
        if (const auto it = index.find(name); it != index.end()) {
            return it->second;
        }
        return std::nullopt;
    };
    std::map<std::string, std::size_t> test_index;
    std::map<std::pair<std::size_t, int>, int> element_line;
    reader.for_each_row(lines, header.size(), [&](int line, const std::vector<Cell>& cells) {
        ++data.rows;
        const Cell& id = cells[*col("test")];
        if (id.text.empty()) {
            reader.fail(line, id.column, "column 'test': empty test name");
        }
        const Cell& el = cells[*col("element")];
        const auto element = element_index(el.text);
        if (!element) {
            reader.fail(line, el.column,
                        "column 'element': unknown element '" + el.text + "' (one of " +
                            element_list() + ")");
        }
        auto [it, inserted] = test_index.emplace(id.text, data.tests.size());
        if (inserted) {
            BatchTest t;
            t.id = id.text;
            t.line = line;
            data.tests.push_back(t);
        }
        BatchTest& test = data.tests[it->second];
        // Test-level conditions: the same on every row of a test.
        const auto same = [&](const char* name, std::optional<double>& slot, bool first) {
            const auto c = col(name);
            if (!c || cells[*c].text.empty()) {
                return;
            }
            const double v = reader.number(line, cells[*c], header[*c].text);
            if (first) {
                slot = v;
            } else if (!slot || std::abs(*slot - v) > 1e-12 * std::max(1.0, std::abs(v))) {
                reader.fail(line, cells[*c].column,
                            "column '" + header[*c].text + "': test '" + test.id + "' has " +
                                (slot ? std::to_string(*slot) : std::string("no value")) +
                                " on line " + std::to_string(test.line) +
                                "; a test's conditions must be the same on all its rows");
            }
        };
        same("h_mol_per_l", test.h_mol_per_L, inserted);
        same("extractant_mol_per_l", test.extractant_mol_per_L, inserted);
        std::optional<double> ratio = inserted ? std::nullopt : std::optional<double>(test.o_to_a);
        same("o_to_a", ratio, inserted);
        if (ratio) {
            if (*ratio <= 0.0) {
                reader.fail(line, cells[*col("o_to_a")].column, "column 'o_to_a': must be > 0");
            }
            test.o_to_a = *ratio;
        }
        if (const auto c = col("source")) {
            if (inserted) {
                test.source = cells[*c].text;
            }
        }
        if (test.source.empty()) {
            test.source = "data";
        }
        if (const auto [e, fresh] = element_line.emplace(std::pair{it->second, *element}, line);
            !fresh) {
            reader.fail(line, el.column,
                        "element " + el.text + " twice in test '" + test.id + "' (also line " +
                            std::to_string(e->second) + ")");
        }
        const Cell& d_cell = cells[*col("d")];
        const double feed = reader.number(line, cells[*col("feed_mol_per_l")], "feed_mol_per_L");
        const double d = reader.number(line, d_cell, "D");
        check_point(reader, line, d_cell, el.text, feed, d);
        if (d == 0.0) {
            ++data.skipped_zero_d;
            return;
        }
        BatchPoint p;
        p.element = *element;
        p.feed_mol_per_L = feed;
        p.d = d;
        p.line = line;
        p.column = d_cell.column;
        if (const auto c = col("aqueous_mol_per_l"); c && !cells[*c].text.empty()) {
            p.aqueous_mol_per_L = reader.number(line, cells[*c], "aqueous_mol_per_L");
        }
        if (const auto c = col("sigma_log10_d"); c && !cells[*c].text.empty()) {
            const double s = reader.number(line, cells[*c], "sigma_log10_D");
            if (s <= 0.0) {
                reader.fail(line, cells[*c].column, "column 'sigma_log10_D': must be > 0");
            }
            p.sigma_log10_d = s;
        }
        test.points.push_back(p);
    });
    std::erase_if(data.tests, [](const BatchTest& t) { return t.points.empty(); });
    return data;
}

}  // namespace

BatchData parse_batch_data(const std::string& text, const std::string& source_name)
{
    const Reader reader(source_name);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    if (lines.empty() || lines[0].find_first_not_of(" \t\r") == std::string::npos) {
        reader.fail(1, 1,
                    "empty file: expected a CSV header (wide: label, Feed H+[M], PC88A[M], "
                    "Feed El[M], Xaq El, D El; long: test, element, feed_mol_per_L, D)");
    }
    const auto header = split_csv(lines[0]);
    bool wide = false;
    for (const auto& h : header) {
        wide = wide || h.text.rfind("D ", 0) == 0 || h.text.rfind("Feed H+", 0) == 0;
    }
    BatchData data = wide ? parse_wide(reader, lines, header) : parse_long(reader, lines, header);
    data.path = source_name;
    data.checksum = checksum_of(text);
    if (data.tests.empty()) {
        reader.fail(2, 1, "no data: no row with an element fed and D > 0");
    }
    return data;
}

BatchData read_batch_data(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path + ": cannot read the data file (does it exist?)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_batch_data(text.str(), path);
}

}  // namespace reesx::validation
