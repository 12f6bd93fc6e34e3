// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/core/Input.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace reesx {

namespace {

bool is_continuation_byte(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

std::vector<std::string> split_lines(std::string_view text)
{
    // yaml-cpp does not count a byte-order mark in its columns, so the shown line drops it too.
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    std::vector<std::string> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string line(text.substr(0, end));
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        lines.push_back(std::move(line));
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return lines;
}

//! Numbers in messages: 12 significant digits hide binary noise ("6", not
//! "6.000000000000001"); exponents without padding ("1e12", not "1e+12").
std::string format_number(double value)
{
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    std::string text = buffer;
    if (const auto e = text.find('e'); e != std::string::npos) {
        std::string mantissa = text.substr(0, e);
        std::string exponent = text.substr(e + 1);
        const bool negative = exponent.front() == '-';
        exponent.erase(0, exponent.find_first_not_of("+-0"));
        text = mantissa + "e" + (negative ? "-" : "") + exponent;
    }
    return text == "-0" ? "0" : text;
}

std::string join(const std::vector<std::string_view>& words)
{
    std::string out;
    for (const auto word : words) {
        out += (out.empty() ? "" : ", ") + std::string(word);
    }
    return out;
}

//! What a node holds, for "found ..." in messages.
std::string describe(const YAML::Node& node)
{
    if (!node.IsDefined() || node.IsNull()) {
        return "nothing";
    }
    if (node.IsMap()) {
        return "a mapping";
    }
    if (node.IsSequence()) {
        return "a list";
    }
    return "\"" + node.Scalar() + "\"";
}

//! A short hint for yaml-cpp's terser syntax messages.
std::string syntax_hint(const std::string& message)
{
    if (message == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
        return "; a '[' is not closed by ']'";
    }
    if (message == YAML::ErrorMsg::END_OF_MAP_FLOW) {
        return "; a '{' is not closed by '}'";
    }
    if (message == YAML::ErrorMsg::MAP_VALUE || message == YAML::ErrorMsg::MAP_KEY ||
        message == YAML::ErrorMsg::END_OF_MAP) {
        return "; check the indentation, and quote text that contains ': '";
    }
    if (message == YAML::ErrorMsg::TAB_IN_INDENTATION) {
        return "; indent with spaces, not tabs";
    }
    return "";
}

//! "a flow", ... or "a value", for messages.
std::string kind_phrase(Quantity kind)
{
    switch (kind) {
        case Quantity::flow:
            return "a flow";
        case Quantity::concentration:
            return "a concentration";
        case Quantity::time:
            return "a time";
        case Quantity::fraction:
            return "a fraction";
        case Quantity::dimensionless:
            break;
    }
    return "a value";
}

//! The number in front of a quantity's text ("-5" of "-5 L/min"), if there is one.
std::optional<double> leading_number(std::string_view text)
{
    const auto start = text.find_first_not_of(" \t+");
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + text.size(), value);
    if (ec != std::errc()) {
        return std::nullopt;
    }
    return value;
}

std::string canonical(std::string_view word)
{
    std::string out;
    for (const char c : word) {
        out += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

//! Edit distance counting a swap of neighbours as one edit ("flwo" is one edit from "flow").
std::size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

struct InputNode::Document {
    std::string source_name;
    std::vector<std::string> lines;

    //! 1-based column in characters (yaml-cpp counts bytes, 0-based).
    int display_column(const YAML::Mark& mark) const
    {
        if (mark.line < 0 || static_cast<std::size_t>(mark.line) >= lines.size()) {
            return mark.column + 1;
        }
        const std::string& text = lines[static_cast<std::size_t>(mark.line)];
        const auto bytes = static_cast<std::size_t>(std::max(mark.column, 0));
        int column = 1;
        for (std::size_t i = 0; i < bytes; ++i) {
            if (i >= text.size() || !is_continuation_byte(text[i])) {
                ++column;
            }
        }
        return column;
    }

    //! "<file>:<line>:<col>: error: <message>", then the source line and a caret under the
    //! column, as compilers print them.
    std::string located(const YAML::Mark& mark, const std::string& message) const
    {
        const bool known = !mark.is_null() && mark.line >= 0 && mark.column >= 0;
        std::string out = source_name;
        if (known) {
            out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(display_column(mark));
        }
        out += ": error: " + message;
        if (!known || static_cast<std::size_t>(mark.line) >= lines.size()) {
            return out;
        }
        const std::string& text = lines[static_cast<std::size_t>(mark.line)];
        const std::string number = std::to_string(mark.line + 1);
        const std::size_t width = std::max<std::size_t>(5, number.size());
        // Tabs stay tabs in the padding so that the caret lines up in any terminal.
        std::string padding;
        for (std::size_t i = 0; i < static_cast<std::size_t>(mark.column); ++i) {
            if (i >= text.size()) {
                padding += ' ';
            } else if (!is_continuation_byte(text[i])) {
                padding += text[i] == '\t' ? '\t' : ' ';
            }
        }
        out += "\n" + std::string(width - number.size(), ' ') + number + " | " + text;
        out += "\n" + std::string(width, ' ') + " | " + padding + "^";
        return out;
    }
};

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates)
{
    const std::string w = canonical(word);
    if (w.empty()) {
        return "";
    }
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto candidate : candidates) {
        const std::string c = canonical(candidate);
        const std::size_t d = edit_distance(w, c);
        // Two edits turn any two-letter word into any other ("Xy" into "Nd"): short words get
        // one.
        const std::size_t limit =
            std::min<std::size_t>(2, std::max<std::size_t>(1, std::min(w.size(), c.size()) / 2));
        if (d <= limit && d < best_distance) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

InputNode::InputNode(std::shared_ptr<const Document> doc, YAML::Node node, std::string path,
                     YAML::Mark mark)
    : doc_(std::move(doc)), node_(std::move(node)), path_(std::move(path)), mark_(mark)
{
}

InputNode InputNode::load_string(const std::string& text, const std::string& source_name)
{
    auto doc = std::make_shared<Document>();
    doc->source_name = source_name;
    doc->lines = split_lines(text);
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        throw InputError(doc->located(e.mark, "invalid YAML: " + e.msg + syntax_hint(e.msg)));
    }
    if (documents.size() > 1) {
        throw InputError(doc->located(documents[1].Mark(),
                                      "invalid YAML: a second document starts here (after "
                                      "'---'); give one document per file"));
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    // An empty document has no mark; its messages point at the file's first line.
    const YAML::Mark first_line;
    return InputNode(doc, root, "", root.Mark().is_null() ? first_line : root.Mark());
}

InputNode InputNode::load_file(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError("cannot read " + path + ": it is a directory");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw InputError("cannot read " + path + ": " +
                         (err != 0 ? std::string(std::strerror(err)) : "cannot open it"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw InputError("cannot read " + path + ": read error");
    }
    return load_string(text.str(), path);
}

const std::string& InputNode::source_name() const
{
    return doc_->source_name;
}

int InputNode::line() const
{
    return mark_.is_null() || mark_.line < 0 ? 0 : mark_.line + 1;
}

int InputNode::column() const
{
    return mark_.is_null() || mark_.column < 0 ? 0 : doc_->display_column(mark_);
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
    throw InputError(doc_->located(mark_, path_.empty() ? message : path_ + ": " + message), path_,
                     message);
}

void InputNode::fail_at(const YAML::Mark& mark, const std::string& message) const
{
    throw InputError(doc_->located(mark, message));
}

std::string InputNode::where() const
{
    return path_.empty() ? "at the top level" : "in " + path_;
}

InputNode InputNode::child(const YAML::Node& key, const YAML::Node& value) const
{
    const std::string& name = key.Scalar();
    // The mark of an empty value is the next token, often lines further down; the key is
    // where the reader looks.
    const YAML::Mark mark = value.IsNull() ? key.Mark() : value.Mark();
    return InputNode(doc_, value, path_.empty() ? name : path_ + "." + name, mark);
}

void InputNode::check_map_keys() const
{
    std::vector<std::pair<std::string, int>> seen;  // key text and 1-based line
    for (const auto& kv : node_) {
        if (!kv.first.IsScalar()) {
            fail_at(kv.first.Mark(), "expected a plain key such as 'flow' " + where() + ", found " +
                                         describe(kv.first));
        }
        const std::string& key = kv.first.Scalar();
        const int key_line = kv.first.Mark().line + 1;
        for (const auto& [name, first_line] : seen) {
            if (name == key) {
                fail_at(kv.first.Mark(), "duplicate key '" + key + "' " + where() + " (lines " +
                                             std::to_string(first_line) + " and " +
                                             std::to_string(key_line) + "); give each key once");
            }
        }
        seen.emplace_back(key, key_line);
    }
}

std::vector<std::pair<std::string, InputNode>> InputNode::entries() const
{
    if (!is_map()) {
        fail("expected a mapping (key: value pairs), found " + describe(node_));
    }
    check_map_keys();
    std::vector<std::pair<std::string, InputNode>> out;
    for (const auto& kv : node_) {
        out.emplace_back(kv.first.Scalar(), child(kv.first, kv.second));
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
    check_map_keys();
    for (const auto& kv : node_) {
        if (kv.first.Scalar() == key) {
            return child(kv.first, kv.second);
        }
    }
    return std::nullopt;
}

InputNode InputNode::at(std::string_view key) const
{
    if (!is_map()) {
        fail("expected a mapping with key '" + std::string(key) + "', found " + describe(node_));
    }
    if (auto value = find(key)) {
        return *value;
    }
    std::vector<std::string_view> present;
    for (const auto& kv : node_) {
        present.push_back(kv.first.Scalar());
    }
    std::string message = "missing required key '" + std::string(key) + "'";
    if (path_.empty()) {
        message += " at the top level";
    }
    if (const std::string hint = closest_match(key, present); !hint.empty()) {
        for (const auto& kv : node_) {
            if (kv.first.Scalar() == hint) {
                message += "; is '" + hint + "' on line " +
                           std::to_string(kv.first.Mark().line + 1) + " a misspelling of it?";
                break;
            }
        }
    }
    fail(message);
}

InputNode InputNode::at(std::size_t index) const
{
    if (!is_sequence()) {
        fail("expected a list, found " + describe(node_));
    }
    if (index >= node_.size()) {
        fail("expected a list with at least " + std::to_string(index + 1) + " entries, found " +
             std::to_string(node_.size()));
    }
    const YAML::Node element = node_[index];
    return InputNode(doc_, element, path_ + "[" + std::to_string(index) + "]", element.Mark());
}

std::size_t InputNode::size() const
{
    return node_.IsMap() || node_.IsSequence() ? node_.size() : 0;
}

std::vector<InputNode> InputNode::elements() const
{
    if (!is_sequence()) {
        fail("expected a list, found " + describe(node_));
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
        fail("expected a mapping with keys " + join(allowed) + ", found " + describe(node_));
    }
    check_map_keys();
    for (const auto& kv : node_) {
        const std::string& key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
            continue;
        }
        const std::string hint = closest_match(key, allowed);
        // The key itself is wrong, so the message points at the key and names the map.
        fail_at(kv.first.Mark(), "unknown key '" + key + "' " + where() +
                                     (hint.empty() ? "." : "; did you mean '" + hint + "'?") +
                                     " Allowed keys: " + join(allowed));
    }
}

std::string InputNode::text() const
{
    if (is_null()) {
        return "";
    }
    return is_scalar() ? node_.Scalar() : dump();
}

std::string InputNode::as_string() const
{
    if (!is_scalar()) {
        fail("expected a text value, found " + describe(node_));
    }
    return node_.Scalar();
}

double InputNode::as_double() const
{
    return as_quantity(Quantity::dimensionless, "1");
}

long InputNode::as_integer() const
{
    if (!is_scalar()) {
        fail("expected a whole number, found " + describe(node_));
    }
    const std::string& s = node_.Scalar();
    const char* begin = s.data();
    const char* const end = s.data() + s.size();
    if (s.size() > 1 && s[0] == '+') {
        ++begin;
    }
    long value = 0;
    if (const auto [ptr, ec] = std::from_chars(begin, end, value);
        ec == std::errc() && ptr == end) {
        return value;
    }
    // "1e3" and "10.0" are whole numbers too.
    double real = 0.0;
    if (const auto [ptr, ec] = std::from_chars(begin, end, real);
        ec == std::errc() && ptr == end && std::isfinite(real) && real == std::floor(real)) {
        if (std::abs(real) < 9.0e18) {
            return static_cast<long>(real);
        }
        fail("expected a whole number, found \"" + s + "\" (too large)");
    }
    fail("expected a whole number, found \"" + s + "\"");
}

bool InputNode::as_bool() const
{
    if (!is_scalar()) {
        fail("expected true or false, found " + describe(node_));
    }
    const std::string s = canonical(node_.Scalar());
    if (s == "true" || s == "yes" || s == "on") {
        return true;
    }
    if (s == "false" || s == "no" || s == "off") {
        return false;
    }
    fail("expected true or false, found \"" + node_.Scalar() + "\"");
}

double InputNode::as_quantity(Quantity kind, std::string_view default_unit) const
{
    if (!is_scalar()) {
        std::string example;
        switch (kind) {
            case Quantity::flow:
                example = " such as \"100 L/h\"";
                break;
            case Quantity::concentration:
                example = " such as \"0.5 mol/L\"";
                break;
            case Quantity::time:
                example = " such as \"3 min\"";
                break;
            case Quantity::fraction:
                example = " such as 0.36 or \"36 %\"";
                break;
            case Quantity::dimensionless:
                break;
        }
        const std::string what = kind == Quantity::dimensionless ? "a number" : kind_phrase(kind);
        fail("expected " + what + example + ", found " + describe(node_));
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
    if (above && below) {
        return value;
    }
    const std::string unit(internal_unit(kind));
    const std::string suffix = unit == "1" ? "" : " " + unit;
    std::string found = format_number(value) + suffix;
    // When a unit conversion changed the number, also say what was written.
    const std::string& written = node_.Scalar();
    if (const auto number = leading_number(written); number && *number != value) {
        const bool bare = written.find_first_not_of(" \t+-.0123456789eE") == std::string::npos;
        found += " (written \"" + written + "\"" +
                 (bare ? ", taken in " + std::string(default_unit) : "") + ")";
    }
    fail("expected " + kind_phrase(kind) + " in " + (min_inclusive ? "[" : "(") +
         format_number(min) + ", " + format_number(max) + (max_inclusive ? "]" : ")") + suffix +
         ", found " + found);
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
