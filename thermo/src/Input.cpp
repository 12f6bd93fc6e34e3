// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/core/Input.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

namespace reesx {

struct InputNode::Document {
    std::string source_name;
    std::vector<std::string> lines;
};

namespace {

std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        lines.push_back(line);
    }
    return lines;
}

//! "<file>:<line>:<col>: error: <message>" plus the source line and a caret (1-based).
std::string located(const std::string& source, const std::vector<std::string>& lines, int line,
                    int column, const std::string& message)
{
    std::ostringstream out;
    out << source;
    if (line > 0) {
        out << ":" << line << ":" << std::max(column, 1);
    }
    out << ": error: " << message;
    if (line > 0 && line <= static_cast<int>(lines.size())) {
        const std::string number = std::to_string(line);
        out << "\n " << number << " | " << lines[line - 1] << "\n "
            << std::string(number.size(), ' ') << " | "
            << std::string(static_cast<std::size_t>(std::max(column, 1) - 1), ' ') << "^";
    }
    return out.str();
}

std::string canonical(std::string_view word)
{
    std::string out;
    for (char c : word) {
        out += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string range_text(double min, double max, bool min_inclusive, bool max_inclusive)
{
    std::ostringstream out;
    out << (min_inclusive ? "[" : "(") << min << ", " << max << (max_inclusive ? "]" : ")");
    return out.str();
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates)
{
    const std::string w = canonical(word);
    std::string best;
    std::size_t best_distance = 3;
    for (const auto candidate : candidates) {
        const std::size_t d = edit_distance(w, canonical(candidate));
        if (d < best_distance) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

InputNode::InputNode(std::shared_ptr<const Document> doc, YAML::Node node, std::string path)
    : doc_(std::move(doc)), node_(std::move(node)), path_(std::move(path))
{
}

InputNode InputNode::load_string(const std::string& text, const std::string& source_name)
{
    auto doc = std::make_shared<Document>();
    doc->source_name = source_name;
    doc->lines = split_lines(text);
    try {
        return InputNode(doc, YAML::Load(text), "");
    } catch (const YAML::ParserException& e) {
        throw InputError(located(source_name, doc->lines, e.mark.line + 1, e.mark.column + 1,
                                 "invalid YAML: " + e.msg));
    }
}

InputNode InputNode::load_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError("cannot read " + path + ": no such file, or not readable");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return load_string(text.str(), path);
}

const std::string& InputNode::source_name() const
{
    return doc_->source_name;
}
int InputNode::line() const
{
    return node_.Mark().is_null() ? 0 : node_.Mark().line + 1;
}
int InputNode::column() const
{
    return node_.Mark().is_null() ? 0 : node_.Mark().column + 1;
}
bool InputNode::is_map() const
{
    return node_.IsMap();
}
bool InputNode::is_sequence() const
{
    return node_.IsSequence();
}
bool InputNode::is_scalar() const
{
    return node_.IsScalar();
}
bool InputNode::is_null() const
{
    return !node_.IsDefined() || node_.IsNull();
}

void InputNode::fail(const std::string& message) const
{
    const std::string where = path_.empty() ? "" : path_ + ": ";
    throw InputError(located(doc_->source_name, doc_->lines, line(), column(), where + message));
}

std::vector<std::pair<std::string, InputNode>> InputNode::entries() const
{
    if (!is_map()) {
        fail("expected a mapping (key: value pairs)");
    }
    std::vector<std::pair<std::string, InputNode>> out;
    for (const auto& kv : node_) {
        const std::string key = kv.first.Scalar();
        for (const auto& [seen, value] : out) {
            if (seen == key) {
                // yaml-cpp keeps duplicates; a silent "first wins" would be a guess.
                const int first_line = value.line();
                InputNode(doc_, kv.first, path_.empty() ? key : path_ + "." + key)
                    .fail("key '" + key + "' given twice (first on line " +
                          std::to_string(first_line) + ")");
            }
        }
        out.emplace_back(key, InputNode(doc_, kv.second, path_.empty() ? key : path_ + "." + key));
    }
    return out;
}

bool InputNode::has(std::string_view key) const
{
    return find(key).has_value();
}

std::optional<InputNode> InputNode::find(std::string_view key) const
{
    if (!is_map()) {
        return std::nullopt;
    }
    for (auto& [name, value] : entries()) {
        if (name == key) {
            return value;
        }
    }
    return std::nullopt;
}

InputNode InputNode::at(std::string_view key) const
{
    if (!is_map()) {
        fail("expected a mapping with key '" + std::string(key) + "'");
    }
    if (auto child = find(key)) {
        return *child;
    }
    std::vector<std::string> present;
    for (const auto& [name, value] : entries()) {
        present.push_back(name);
    }
    const std::vector<std::string_view> views(present.begin(), present.end());
    const std::string hint = closest_match(key, views);
    fail("missing required key '" + std::string(key) + "'" +
         (hint.empty() ? "" : " (is '" + hint + "' a misspelling of it?)"));
}

InputNode InputNode::at(std::size_t index) const
{
    if (!is_sequence() || index >= node_.size()) {
        fail("expected a list with at least " + std::to_string(index + 1) + " entries");
    }
    return InputNode(doc_, node_[index], path_ + "[" + std::to_string(index) + "]");
}

std::size_t InputNode::size() const
{
    return node_.size();
}

std::vector<InputNode> InputNode::elements() const
{
    if (!is_sequence()) {
        fail("expected a list");
    }
    std::vector<InputNode> out;
    for (std::size_t i = 0; i < node_.size(); ++i) {
        out.push_back(at(i));
    }
    return out;
}

void InputNode::check_keys(const std::vector<std::string_view>& allowed) const
{
    if (!is_map()) {
        fail("expected a mapping with keys " + [&] {
            std::string list;
            for (auto a : allowed) {
                list += (list.empty() ? "" : ", ") + std::string(a);
            }
            return list;
        }());
    }
    (void)entries();  // rejects duplicates
    for (const auto& kv : node_) {
        const std::string key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
            continue;
        }
        const std::string hint = closest_match(key, allowed);
        std::string list;
        for (auto a : allowed) {
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        const std::string where = path_.empty() ? "the top level" : path_;
        InputNode(doc_, kv.first, path_)
            .fail("unknown key '" + key + "' in " + where +
                  (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                  " Allowed keys: " + list);
    }
}

std::string InputNode::text() const
{
    if (is_scalar()) {
        return node_.Scalar();
    }
    return dump();
}

std::string InputNode::as_string() const
{
    if (!is_scalar()) {
        fail("expected a text value, found " + std::string(is_map()        ? "a mapping"
                                                           : is_sequence() ? "a list"
                                                                           : "nothing"));
    }
    return node_.Scalar();
}

double InputNode::as_double() const
{
    return as_quantity(Quantity::dimensionless, "1");
}

long InputNode::as_integer() const
{
    const std::string s = as_string();
    try {
        std::size_t used = 0;
        const long value = std::stol(s, &used);
        if (used == s.size()) {
            return value;
        }
    } catch (const std::exception&) {
    }
    fail("expected a whole number, found '" + s + "'");
}

bool InputNode::as_bool() const
{
    const std::string s = as_string();
    if (s == "true" || s == "yes" || s == "on") {
        return true;
    }
    if (s == "false" || s == "no" || s == "off") {
        return false;
    }
    fail("expected true or false, found '" + s + "'");
}

double InputNode::as_quantity(Quantity kind, std::string_view default_unit) const
{
    if (!is_scalar()) {
        fail("expected a number" +
             std::string(kind == Quantity::dimensionless ? "" : " with a unit") + ", found " +
             (is_map()        ? "a mapping"
              : is_sequence() ? "a list"
                              : "nothing"));
    }
    try {
        return parse_quantity(node_.Scalar(), kind, default_unit);
    } catch (const std::invalid_argument& e) {
        fail(e.what());
    }
}

double InputNode::as_quantity_in(Quantity kind, std::string_view default_unit, double min,
                                 double max, bool min_inclusive, bool max_inclusive) const
{
    const double value = as_quantity(kind, default_unit);
    const bool above = min_inclusive ? value >= min : value > min;
    const bool below = max_inclusive ? value <= max : value < max;
    if (!above || !below) {
        std::ostringstream found;
        found << value;
        const std::string unit(internal_unit(kind));
        const std::string suffix = unit == "1" ? "" : " " + unit;
        fail("expected a value in " + range_text(min, max, min_inclusive, max_inclusive) + suffix +
             ", found " + found.str() + suffix);
    }
    return value;
}

double InputNode::as_double_in(double min, double max, bool min_inclusive, bool max_inclusive) const
{
    return as_quantity_in(Quantity::dimensionless, "1", min, max, min_inclusive, max_inclusive);
}

long InputNode::as_integer_in(long min, long max) const
{
    const long value = as_integer();
    if (value < min || value > max) {
        fail("expected a whole number in [" + std::to_string(min) + ", " + std::to_string(max) +
             "], found " + std::to_string(value));
    }
    return value;
}

std::string InputNode::dump() const
{
    YAML::Emitter out;
    out << node_;
    return out.c_str();
}

}  // namespace reesx
