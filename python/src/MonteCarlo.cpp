#include "MonteCarlo.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace reesx::python {

namespace {

using Matrix = std::vector<std::vector<double>>;

struct Quantity {
    const char* name;
    Matrix costs::MonteCarloResult::*member;
};

constexpr Quantity quantities[] = {
    {"cost_usd_per_kg", &costs::MonteCarloResult::cost_usd_per_kg},
    {"capex_usd", &costs::MonteCarloResult::capex_usd},
    {"opex_usd_per_year", &costs::MonteCarloResult::opex_usd_per_year},
    {"energy_kwh_per_kg", &costs::MonteCarloResult::energy_kwh_per_kg},
    {"co2_kg_per_kg", &costs::MonteCarloResult::co2_kg_per_kg},
};

py::array_t<double> to_array(const Matrix& m)
{
    const auto rows = static_cast<py::ssize_t>(m.size());
    const auto cols = static_cast<py::ssize_t>(m.empty() ? 0 : m.front().size());
    py::array_t<double> out({rows, cols});
    auto view = out.mutable_unchecked<2>();
    for (py::ssize_t i = 0; i < rows; ++i) {
        for (py::ssize_t c = 0; c < cols; ++c) {
            view(i, c) = m[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)];
        }
    }
    return out;
}

void append(Matrix& m, const py::handle& values)
{
    const auto array =
        py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    if (!array || array.ndim() != 2) {
        throw py::value_error("a Monte Carlo chunk holds samples × countries arrays");
    }
    const auto view = array.unchecked<2>();
    for (py::ssize_t i = 0; i < view.shape(0); ++i) {
        std::vector<double> row(static_cast<std::size_t>(view.shape(1)));
        for (py::ssize_t c = 0; c < view.shape(1); ++c) {
            row[static_cast<std::size_t>(c)] = view(i, c);
        }
        m.push_back(std::move(row));
    }
}

}  // namespace

py::dict monte_carlo_samples(const costs::MonteCarloResult& result)
{
    py::dict out;
    for (const Quantity& q : quantities) {
        out[q.name] = to_array(result.*q.member);
    }
    out["failed"] = result.failed;
    out["failure_messages"] = result.failure_messages;
    return out;
}

costs::MonteCarloResult join_monte_carlo(const py::list& chunks,
                                         const std::vector<std::string>& countries,
                                         std::uint64_t seed, bool resimulated, int threads,
                                         double seconds)
{
    costs::MonteCarloResult out;
    out.seed = seed;
    out.resimulated = resimulated;
    out.threads = threads;
    out.seconds = seconds;
    for (const py::handle& chunk : chunks) {
        const py::dict d = py::reinterpret_borrow<py::dict>(chunk);
        for (const Quantity& q : quantities) {
            append(out.*q.member, d[q.name]);
        }
        out.failed += d["failed"].cast<int>();
        for (const auto& message : d["failure_messages"].cast<std::vector<std::string>>()) {
            if (out.failure_messages.size() < 3) {  // the first three, as one run keeps them
                out.failure_messages.push_back(message);
            }
        }
    }
    out.samples = static_cast<int>(out.cost_usd_per_kg.size());
    for (const Quantity& q : quantities) {
        if ((out.*q.member).size() != out.cost_usd_per_kg.size()) {
            throw py::value_error("Monte Carlo chunks with different sample counts per quantity");
        }
    }
    costs::summarize_monte_carlo(out, countries);
    return out;
}

}  // namespace reesx::python
