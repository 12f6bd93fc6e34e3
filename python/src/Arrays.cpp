// reesx — rare-earth solvent-extraction simulator. See LICENSE.

#include "Arrays.h"

#include "reesx/thermo/Species.h"

namespace py = pybind11;

namespace reesx::python {

std::vector<std::string> component_symbols(const CaseSpec& spec)
{
    std::vector<std::string> out;
    for (int e : spec.components) {
        out.emplace_back(reesx::species_symbol(e));  // impurity ions after the rare earths
    }
    return out;
}

py::array_t<double> component_columns(const CaseSpec& spec, const Eigen::MatrixXd& m)
{
    const auto n = static_cast<py::ssize_t>(m.rows());
    const auto c = static_cast<py::ssize_t>(spec.components.size());
    py::array_t<double> out({n, c});
    auto view = out.mutable_unchecked<2>();
    for (py::ssize_t s = 0; s < n; ++s) {
        for (py::ssize_t k = 0; k < c; ++k) {
            view(s, k) = m(s, spec.components[static_cast<std::size_t>(k)]);
        }
    }
    return out;
}

py::array_t<double> vector_array(const std::vector<double>& values)
{
    return py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
}

}  // namespace reesx::python
