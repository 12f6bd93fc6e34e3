// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "Convert.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>

namespace py = pybind11;

namespace reesx::python {

py::object to_python(const nlohmann::json& value)
{
    using Type = nlohmann::json::value_t;
    switch (value.type()) {
        case Type::boolean:
            return py::bool_(value.get<bool>());
        case Type::number_integer:
            return py::int_(value.get<std::int64_t>());
        case Type::number_unsigned:
            return py::int_(value.get<std::uint64_t>());
        case Type::number_float: {
            const double x = value.get<double>();
            return std::isfinite(x) ? py::object(py::float_(x)) : py::object(py::none());
        }
        case Type::string:
            return py::str(value.get_ref<const std::string&>());
        case Type::array: {
            py::list list(value.size());
            for (std::size_t i = 0; i < value.size(); ++i) {
                list[i] = to_python(value[i]);
            }
            return list;
        }
        case Type::object: {
            py::dict dict;
            for (const auto& [key, item] : value.items()) {
                dict[py::str(key)] = to_python(item);
            }
            return dict;
        }
        default:
            return py::none();
    }
}

YAML::Node to_yaml(py::handle value)
{
    if (value.is_none()) {
        return YAML::Node(YAML::NodeType::Null);
    }
    if (py::isinstance<py::bool_>(value)) {
        return YAML::Node(value.cast<bool>() ? "true" : "false");
    }
    if (py::isinstance<py::str>(value)) {
        return YAML::Node(value.cast<std::string>());
    }
    // numpy arrays and scalars: as the Python lists and numbers they hold.
    if (py::hasattr(value, "tolist") && !py::isinstance<py::list>(value)) {
        return to_yaml(value.attr("tolist")());
    }
    if (py::isinstance<py::dict>(value)) {
        YAML::Node map(YAML::NodeType::Map);
        for (const auto& [key, item] : value.cast<py::dict>()) {
            if (!py::isinstance<py::str>(key)) {
                throw py::type_error("case keys must be text, found " +
                                     py::repr(key).cast<std::string>());
            }
            map[key.cast<std::string>()] = to_yaml(item);
        }
        return map;
    }
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
        YAML::Node sequence(YAML::NodeType::Sequence);
        for (const auto& item : value) {
            sequence.push_back(to_yaml(item));
        }
        return sequence;
    }
    // Integers have __index__; anything else numeric goes through float.
    if (PyIndex_Check(value.ptr()) != 0) {
        return YAML::Node(
            py::str(py::int_(py::reinterpret_borrow<py::object>(value))).cast<std::string>());
    }
    if (py::hasattr(value, "__float__")) {
        const double x = py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
        if (std::isnan(x)) {
            return YAML::Node(".nan");
        }
        if (std::isinf(x)) {
            return YAML::Node(x > 0 ? ".inf" : "-.inf");
        }
        return YAML::Node(py::repr(py::float_(x)).cast<std::string>());
    }
    throw py::type_error("cannot write " + py::repr(value).cast<std::string>() +
                         " into a case (expected dict, list, str, number, bool or None)");
}

py::object to_python(const YAML::Node& node)
{
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            py::dict dict;
            for (const auto& entry : node) {
                dict[py::str(entry.first.Scalar())] = to_python(entry.second);
            }
            return dict;
        }
        case YAML::NodeType::Sequence: {
            py::list list;
            for (const auto& item : node) {
                list.append(to_python(item));
            }
            return list;
        }
        case YAML::NodeType::Scalar:
            break;
        default:
            return py::none();
    }
    const std::string& text = node.Scalar();
    if (node.Tag() == "!") {  // quoted in the source: text, whatever it looks like
        return py::str(text);
    }
    static const std::regex integer("[-+]?[0-9]+");
    static const std::regex number(
        "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|"
        "NAN)");
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
        return py::none();
    }
    if (text == "true" || text == "True" || text == "TRUE") {
        return py::bool_(true);
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        return py::bool_(false);
    }
    if (std::regex_match(text, integer)) {
        return py::int_(py::str(text));
    }
    if (std::regex_match(text, number)) {
        return py::float_(node.as<double>());
    }
    return py::str(text);
}

}  // namespace reesx::python
