// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Reading YAML into located nodes and walking them: loading a file or text, the located error
// messages (line, column, caret), maps, lists and the checks of their keys. The values of the
// nodes are in InputValues.cpp, the spelling suggestions in ClosestMatch.cpp.
#include "reesx/core/Input.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "InputDetail.h"

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

std::string join(const std::vector<std::string_view>& words)
{
    std::string out;
    for (const auto word : words) {
        out += (out.empty() ? "" : ", ") + std::string(word);
    }
    return out;
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

}  // namespace

namespace input_detail {

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

}  // namespace input_detail

using input_detail::describe;

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
            // Appended piecewise: GCC 12 gives a false -Wrestrict on `"literal" + std::string`.
            out += ':';
            out += std::to_string(mark.line + 1);
            out += ':';
            out += std::to_string(display_column(mark));
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

std::string InputNode::dump() const
{
    YAML::Emitter out;
    out << node_;
    return out.c_str();
}

}  // namespace reesx
