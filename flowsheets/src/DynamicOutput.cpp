// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/DynamicOutput.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "reesx/io/AtomicFile.h"
#include "reesx/io/Hdf5.h"
#include "reesx/io/Results.h"

namespace reesx::io {
namespace {

std::string symbol_or_dash(int element)
{
    return element >= 0 ? std::string(elements()[element].symbol) : "-";
}

//! The purity of a product's main element at the steady state the run is compared with
//! (reesx run at the flows in force at the end); -1 without one (none converged, or the flows
//! changed and none converged at the new ones: not compared).
double steady_purity(const DynamicResult& r, const ProductSeries& p)
{
    if (!r.has_steady_state || std::isnan(r.steady_state_relative_difference)) {
        return -1.0;
    }
    const CascadeResult& steady = r.steady_state_at_end ? *r.steady_state_at_end : r.steady_state;
    for (const auto& s : steady.products) {
        if (s.name == p.name) {
            return p.main_element >= 0 ? s.composition[p.main_element] : 0.0;
        }
    }
    return -1.0;
}

std::vector<double> row_major(const Eigen::MatrixXd& m)
{
    std::vector<double> out;
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            out.push_back(m(r, c));
        }
    }
    return out;
}

}  // namespace

nlohmann::json dynamic_summary(const CaseSpec& spec, const DynamicSpec& dynamic,
                               const DynamicResult& r)
{
    using nlohmann::json;
    json j = run_summary(spec, r.steady_state);  // the core keys, then the dynamic ones
    j["command"] = "dynamic";
    j["steady_state_of_run"] = j["products"];
    if (!r.has_steady_state) {
        // No steady state: its numbers would read as a solution (a balance error of 0).
        for (const char* key :
             {"mass_balance_relative_error", "balance_relative_error", "feed_mol_per_h", "solver",
              "reflux", "reagents", "steady_state_of_run"}) {
            if (j.contains(key)) {
                j[key] = nullptr;
            }
        }
    }
    for (const auto& w : r.warnings) {
        j["warnings"].push_back(w);
    }
    json series = json::object();
    for (const auto& p : r.products) {
        const double steady = steady_purity(r, p);
        series[p.name] = {{"main_element", symbol_or_dash(p.main_element)},
                          {"purity", p.purity},
                          {"steady_state_purity", steady < 0.0 ? json(nullptr) : json(steady)},
                          {"re_mol_per_h", p.re_mol_per_h},
                          {"time_to_target_h",
                           p.time_to_target_h < 0.0 ? json(nullptr) : json(p.time_to_target_h)}};
        for (int k = 0; k < num_impurities; ++k) {
            const auto& ion = p.impurity_mol_per_h[static_cast<std::size_t>(k)];
            if (!ion.empty()) {
                series[p.name]["impurity_mol_per_h"][species_symbol(num_elements + k)] = ion;
            }
        }
    }
    j["dynamic"] = {
        {"hours", dynamic.hours},
        {"times_h", r.times_h},
        {"target_purity", dynamic.target_purity},
        {"products", series},
        {"slowest_time_constant_h", std::isfinite(r.slowest_time_constant_h)
                                        ? json(r.slowest_time_constant_h)
                                        : json(nullptr)},
        {"conservation_relative_error", r.conservation_relative_error},
        {"steady_state_relative_difference", std::isfinite(r.steady_state_relative_difference)
                                                 ? json(r.steady_state_relative_difference)
                                                 : json(nullptr)},
        {"ida",
         {{"steps", r.stats.steps},
          {"residual_evaluations", r.stats.residual_evaluations},
          {"jacobian_evaluations", r.stats.jacobian_evaluations},
          {"error_test_failures", r.stats.error_test_failures},
          {"nonlinear_failures", r.stats.nonlinear_failures}}},
        {"seconds", r.seconds}};
    if (!r.chemistry_names.empty()) {
        // name: [time][stage], as HDF5's /chemistry/<name> (times × stages).
        json chemistry = json::object();
        for (std::size_t p = 0; p < r.chemistry_names.size(); ++p) {
            json by_time = json::array();
            for (const auto& at : r.chemistry) {
                const Eigen::VectorXd column = at.col(static_cast<Eigen::Index>(p));
                by_time.push_back(
                    std::vector<double>(column.data(), column.data() + column.size()));
            }
            chemistry[r.chemistry_names[p]] = by_time;
        }
        j["dynamic"]["chemistry"] = chemistry;
    }
    if (dynamic.control) {
        const DynamicControl& c = *dynamic.control;
        j["dynamic"]["control"] = {
            {"adjust", c.adjusted},
            {"measure", c.product.empty()
                            ? json{{"stage", c.stage}, {"phase", std::string(phase_name(c.phase))}}
                            : json{{"product", c.product}}},
            {"element", symbol_or_dash(r.control.element)},
            {"setpoint_purity", c.setpoint_purity},
            {"times_h", r.control.times_h},
            {"measured_purity", r.control.measured_purity},
            {"factor", r.control.factor}};
    }
    return j;
}

std::string format_dynamic(const CaseSpec& spec, const DynamicSpec& dynamic, const DynamicResult& r)
{
    std::ostringstream out;
    char line[256];
    out << "Dynamic simulation of " << spec.name << ": " << dynamic.hours << " h, " << r.stats.steps
        << " IDA steps, " << r.stats.jacobian_evaluations << " Jacobians, " << r.seconds
        << " s\n\n";
    std::snprintf(line, sizeof line, "  %-18s %-4s %14s %14s %14s %16s\n", "product", "main",
                  "purity start", "purity end", "steady state", "time to target h");
    out << line;
    for (const auto& p : r.products) {
        char steady[32] = "n/a";  // no steady state
        if (const double purity = steady_purity(r, p); purity >= 0.0) {
            std::snprintf(steady, sizeof steady, "%.8f", purity);
        }
        char reached[32] = "not reached";
        if (p.time_to_target_h >= 0.0) {
            std::snprintf(reached, sizeof reached, "%.2f", p.time_to_target_h);
        }
        std::snprintf(line, sizeof line, "  %-18s %-4s %14.8f %14.8f %14s %16s\n", p.name.c_str(),
                      symbol_or_dash(p.main_element).c_str(), p.purity.front(), p.purity.back(),
                      steady, reached);
        out << line;
    }
    if (r.steady_state_at_end) {
        out << "  (steady state: reesx run at the flows in force at the end)\n";
    }
    std::snprintf(line, sizeof line, "\n  conservation (in - out - accumulation) / in: %.3g\n",
                  r.conservation_relative_error);
    out << line;
    if (std::isfinite(r.slowest_time_constant_h)) {
        std::snprintf(line, sizeof line,
                      "  slowest time constant, linearized at the case's steady state: %.4g h\n",
                      r.slowest_time_constant_h);
    } else {
        std::snprintf(line, sizeof line,
                      "  slowest time constant, linearized at the case's steady state: %s\n",
                      std::isinf(r.slowest_time_constant_h)
                          ? "unbounded (the linearization is singular)"
                          : "not computed");
    }
    out << line;
    const char* which = r.steady_state_at_end ? " at the flows in force at the end" : "";
    if (std::isfinite(r.steady_state_relative_difference)) {
        std::snprintf(line, sizeof line,
                      "  final profile vs steady state of reesx run%s: %.3g (max relative)\n",
                      which, r.steady_state_relative_difference);
    } else {
        std::snprintf(line, sizeof line,
                      "  final profile vs steady state of reesx run: not compared (%s)\n",
                      r.has_steady_state ? "it did not converge at the flows in force at the end"
                                         : "the steady state did not converge");
    }
    out << line;
    for (std::size_t p = 0; p < r.chemistry_names.size() && !r.chemistry.empty(); ++p) {
        const auto i = static_cast<Eigen::Index>(p);
        const Eigen::Index last_stage = r.chemistry.back().rows() - 1;
        std::snprintf(line, sizeof line,
                      "  %s, stage 1 / stage %ld: start %.6g / %.6g, end %.6g / %.6g\n",
                      r.chemistry_names[p].c_str(), static_cast<long>(last_stage + 1),
                      r.chemistry.front()(0, i), r.chemistry.front()(last_stage, i),
                      r.chemistry.back()(0, i), r.chemistry.back()(last_stage, i));
        out << line;
    }
    if (dynamic.control && !r.control.times_h.empty()) {
        const DynamicControl& c = *dynamic.control;
        const std::string where =
            c.product.empty() ? "stage " + std::to_string(c.stage) : c.product;
        std::snprintf(line, sizeof line,
                      "  control: %s purity at %s %.8f (setpoint %.8f) at %.1f h; %s factor "
                      "%.4f (%zu samples)\n",
                      symbol_or_dash(r.control.element).c_str(), where.c_str(),
                      r.control.measured_purity.back(), c.setpoint_purity, r.control.times_h.back(),
                      c.adjusted.c_str(), r.control.factor.back(), r.control.times_h.size());
        out << line;
    }
    // The steady state's warnings (the case's own among them) and the dynamic run's, as in
    // the JSON.
    std::vector<std::string> warnings;
    if (r.has_steady_state) {
        warnings = r.steady_state.warnings;
    }
    warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
    for (const auto& w : warnings) {  // as format_run
        out << "\nwarning: " << w;
    }
    if (!warnings.empty()) {
        out << "\n";
    }
    return out.str();
}

void write_dynamic_hdf5(const std::string& path, const CaseSpec& spec, const DynamicResult& r)
{
    write_file_atomically(path, [&](const std::string& temp) {
        Hdf5Writer h5(temp);
        write_result_header(h5, "dynamic", spec);
        std::vector<std::string> symbols;
        for (const auto& e : elements()) {
            symbols.emplace_back(e.symbol);
        }
        h5.write_strings("/elements", symbols);
        h5.write_dataset("/time_h", r.times_h, "h");
        for (const auto& p : r.products) {
            h5.write_dataset("/products/" + p.name + "/purity", p.purity, "1");
            h5.write_dataset("/products/" + p.name + "/re_mol_per_h", p.re_mol_per_h, "mol/h");
        }
        std::vector<double> inventory;
        for (const auto& row : r.inventory_mol) {
            inventory.insert(inventory.end(), row.begin(), row.end());
        }
        h5.write_dataset("/inventory_mol", inventory, r.inventory_mol.size(), num_elements, "mol");
        for (std::size_t i = 0; i < r.profiles.size(); ++i) {
            const auto& p = r.profiles[i];
            const std::string group = "/profiles/" + std::to_string(i);
            h5.write_dataset(group + "/aqueous_mol_per_L",
                             row_major(p.aqueous_mol_per_L.leftCols(num_elements)),
                             p.aqueous_mol_per_L.rows(), num_elements, "mol/L");
            h5.write_dataset(group + "/organic_mol_per_L",
                             row_major(p.organic_mol_per_L.leftCols(num_elements)),
                             p.organic_mol_per_L.rows(), num_elements, "mol/L");
            h5.write_attribute(group, "time_h", p.time_h);
        }
        for (std::size_t p = 0; p < r.chemistry_names.size() && !r.chemistry.empty(); ++p) {
            std::vector<double> by_time;  // times × stages, row-major
            for (const auto& at : r.chemistry) {
                const Eigen::VectorXd column = at.col(static_cast<Eigen::Index>(p));
                by_time.insert(by_time.end(), column.data(), column.data() + column.size());
            }
            h5.write_dataset("/chemistry/" + r.chemistry_names[p], by_time, r.chemistry.size(),
                             static_cast<std::size_t>(r.chemistry.front().rows()), "see name");
        }
        if (!r.control.times_h.empty()) {
            h5.write_dataset("/control/time_h", r.control.times_h, "h");
            h5.write_dataset("/control/measured_purity", r.control.measured_purity, "1");
            h5.write_dataset("/control/factor", r.control.factor, "1");
        }
        // The final state in the layout of `run`: stage numbers, sections, concentrations.
        const auto rows = static_cast<std::size_t>(r.aqueous_mol_per_L.rows());
        std::vector<int> numbers;
        std::vector<std::string> sections;
        for (std::size_t j = 0; j < rows; ++j) {
            numbers.push_back(static_cast<int>(j) + 1);
            const int n = static_cast<int>(j);
            sections.emplace_back(section_name(n < spec.stages_extraction ? Section::extraction
                                               : n < spec.stages_extraction + spec.stages_scrub
                                                   ? Section::scrub
                                                   : Section::strip));
        }
        h5.write_dataset("/stages/number", numbers, "1");
        h5.write_strings("/stages/section", sections);
        h5.write_dataset("/stages/aqueous/concentration",
                         row_major(r.aqueous_mol_per_L.leftCols(num_elements)), rows, num_elements,
                         "mol/L");
        h5.write_dataset("/stages/organic/concentration",
                         row_major(r.organic_mol_per_L.leftCols(num_elements)), rows, num_elements,
                         "mol/L");
        // The names before the common layout, kept for existing readers.
        h5.write_dataset("/stages/aqueous_mol_per_L",
                         row_major(r.aqueous_mol_per_L.leftCols(num_elements)), rows, num_elements,
                         "mol/L");
        h5.write_dataset("/stages/organic_mol_per_L",
                         row_major(r.organic_mol_per_L.leftCols(num_elements)), rows, num_elements,
                         "mol/L");
        h5.close();
    });
}

}  // namespace reesx::io
