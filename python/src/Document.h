// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The input document that the Python module solves: a YAML tree that Python edits.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "Convert.h"
#include "reesx/core/Input.h"

namespace reesx::python {

namespace py = pybind11;

//! An input document (case, plant, design or separate file). Edits go to a YAML tree; the
//! next parse emits it and parses the text again, so that a bad edited value is reported at
//! its line in the emitted text, under the name "<source> (changed)".
class Document {
public:
    static Document from_file(const std::string& path)
    {
        return Document(InputNode::load_file(path));
    }
    static Document from_string(const std::string& text, const std::string& source)
    {
        return Document(InputNode::load_string(text, source));
    }
    static Document from_python(py::handle value, const std::string& source)
    {
        if (!py::isinstance<py::dict>(value)) {
            throw py::type_error("expected a dict for the case document");
        }
        return from_string(emit(to_yaml(value)), source);
    }

    //! The parsed document, after any edits.
    const InputNode& root()
    {
        if (changed_) {
            const std::string& source = root_.source_name();
            root_ = InputNode::load_string(
                emit(tree()), source.ends_with(" (changed)") ? source : source + " (changed)");
            changed_ = false;
        }
        return root_;
    }

    //! Sets the value at a key path (keys of maps, indices of lists); missing maps are made.
    void set(const std::vector<py::object>& path, py::handle value)
    {
        if (path.empty()) {
            throw py::key_error("empty key path");
        }
        const YAML::Node replacement = to_yaml(value);
        YAML::Node node = tree();
        for (std::size_t k = 0; k + 1 < path.size(); ++k) {
            node.reset(child(node, path[k], true));
        }
        if (py::isinstance<py::str>(path.back())) {
            node[path.back().cast<std::string>()] = replacement;
        } else {
            child(node, path.back(), false) = replacement;
        }
        changed_ = true;
        ++revision_;
    }

    //! The value at a key path as Python objects; KeyError when absent.
    py::object get(const std::vector<py::object>& path)
    {
        YAML::Node node = tree();
        for (const auto& key : path) {
            node.reset(child(node, key, false));
        }
        return to_python(node);
    }

    py::object to_dict() { return to_python(tree()); }
    std::string yaml() { return root().dump(); }
    std::string source_name() { return root().source_name(); }
    //! Counts the edits: a result solved at this revision is the document's current state.
    long revision() const { return revision_; }

private:
    explicit Document(InputNode root) : root_(std::move(root)) {}

    //! The document as an editable tree, made on first use.
    YAML::Node& tree()
    {
        if (!tree_) {
            tree_ = YAML::Load(root_.dump());
        }
        return *tree_;
    }

    static std::string emit(const YAML::Node& node)
    {
        YAML::Emitter out;
        out << node;
        return out.c_str();
    }

    static YAML::Node child(YAML::Node& node, const py::object& key, bool create)
    {
        if (py::isinstance<py::str>(key)) {
            const auto name = key.cast<std::string>();
            if (node.IsMap() && node[name]) {
                return node[name];
            }
            if (create && (node.IsMap() || node.IsNull())) {
                node[name] = YAML::Node(YAML::NodeType::Map);
                return node[name];
            }
            throw py::key_error(name);
        }
        const auto index = key.cast<long>();
        if (!node.IsSequence() || index < 0 || static_cast<std::size_t>(index) >= node.size()) {
            throw py::key_error(std::to_string(index));
        }
        return node[static_cast<std::size_t>(index)];
    }

    InputNode root_;
    std::optional<YAML::Node> tree_;
    bool changed_ = false;
    long revision_ = 0;
};

}  // namespace reesx::python
