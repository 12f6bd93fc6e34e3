// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// InputNode: a YAML node that remembers where it came from, so that every input error can
// say file, line, column and key, show the offending line with a caret, and what was expected.
// The message format (compiler style, 1-based line and column):
//
//   case.yaml:12:11: error: organic.flow: expected a positive flow such as "3410 L/h", found "-5
//   L/h"
//      12 |     flow: -5 L/h
//         |           ^
//
// Unknown keys are errors with a "did you mean 'X'?" suggestion (edit distance ≤ 2, or a
// case-insensitive / '_' vs '-' match).
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reesx/core/Error.h"
#include "reesx/core/Units.h"

namespace reesx {

class InputNode {
public:
    //! Loads a YAML file; a syntax error becomes an InputError with line and column.
    static InputNode load_file(const std::string& path);
    //! Parses YAML text; `source_name` stands for the file name in messages.
    static InputNode load_string(const std::string& text, const std::string& source_name);

    //! Key path from the document root, e.g. "feed.composition.Nd" or "feeds[1].flow".
    const std::string& path() const { return path_; }
    const std::string& source_name() const;
    int line() const;    //!< 1-based, 0 if unknown
    int column() const;  //!< 1-based, 0 if unknown

    bool is_map() const;
    bool is_sequence() const;
    bool is_scalar() const;
    bool is_null() const;

    bool has(std::string_view key) const;
    //! Child by key; a missing key is an InputError at this node ("missing key 'flow' in organic").
    InputNode at(std::string_view key) const;
    std::optional<InputNode> find(std::string_view key) const;
    //! Sequence element.
    InputNode at(std::size_t index) const;
    std::size_t size() const;

    //! Map entries in file order: the key text and the value node.
    std::vector<std::pair<std::string, InputNode>> entries() const;
    //! Sequence elements in order (a map or scalar is an error "expected a list").
    std::vector<InputNode> elements() const;

    //! Rejects keys not in `allowed`, suggesting the closest allowed key.
    void check_keys(const std::vector<std::string_view>& allowed) const;

    std::string as_string() const;
    double as_double() const;
    long as_integer() const;
    bool as_bool() const;
    //! A value with optional unit, converted to the internal unit of `kind`.
    double as_quantity(Quantity kind, std::string_view default_unit) const;

    //! Range-checked helpers: the message says the accepted range and the value found.
    double as_quantity_in(Quantity kind, std::string_view default_unit, double min, double max,
                          bool min_inclusive = true, bool max_inclusive = true) const;
    double as_double_in(double min, double max, bool min_inclusive = true,
                        bool max_inclusive = true) const;
    long as_integer_in(long min, long max) const;

    //! The node's text as in the source (scalars), for messages.
    std::string text() const;
    //! The node re-emitted as YAML (used to store the resolved input).
    std::string dump() const;

    //! Throws an InputError located at this node: "<file>:<line>:<col>: error: <path>: <message>"
    //! followed by the source line and a caret.
    [[noreturn]] void fail(const std::string& message) const;

private:
    struct Document;
    InputNode(std::shared_ptr<const Document> doc, YAML::Node node, std::string path,
              YAML::Mark mark);
    //! The value of a map entry, located at its key when the value is empty.
    InputNode child(const YAML::Node& key, const YAML::Node& value) const;
    //! Rejects non-text and duplicate keys (yaml-cpp keeps duplicates without a word).
    void check_map_keys() const;
    //! "in organic", or "at the top level" for the root.
    std::string where() const;
    [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& message) const;

    std::shared_ptr<const Document> doc_;
    YAML::Node node_;
    std::string path_;
    YAML::Mark mark_;  //!< where messages point (0-based, as yaml-cpp gives it)
};

//! Closest candidate to `word` by edit distance (≤ 2, ignoring case and '_'/'-'), or "".
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace reesx
