// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/Results.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "ImpurityOutput.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Hdf5.h"

namespace reesx::io {
namespace {

//! Values of the case's components (rare earths and, for arrays by species, impurities).
template <std::size_t N>
nlohmann::json element_map(const CaseSpec& spec, const std::array<double, N>& values)
{
    nlohmann::json out = nlohmann::json::object();
    for (int e : spec.components) {
        if (static_cast<std::size_t>(e) < N) {
            out[species_symbol(e)] = values[static_cast<std::size_t>(e)];
        }
    }
    return out;
}

bool has_impurities(const CaseSpec& spec)
{
    return !spec.components.empty() && !is_rare_earth(spec.components.back());
}

//! A product's impurities: mol/h and ppm of spec oxide per REO, by ion.
nlohmann::json impurity_content(const CaseSpec& spec, const ProductResult& p)
{
    nlohmann::json out = nlohmann::json::object();
    for (int e : spec.components) {
        if (is_rare_earth(e)) {
            continue;
        }
        const auto k = static_cast<std::size_t>(e - num_elements);
        out[species_symbol(e)] = {{"mol_per_h", p.mol_per_h[static_cast<std::size_t>(e)]},
                                  {"oxide", std::string(impurities()[k].oxide)},
                                  {"ppm_of_reo", p.impurity_ppm_reo[k]}};
    }
    return out;
}

std::string iso_now()
{
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

std::string printf_string(const char* format, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

//! A concentration or fraction for a table: fixed for ordinary values, scientific for small
//! ones, and "1e-NNN" from the log where the linear value has underflowed.
std::string small_number(double value, double log10_value = 0.0)
{
    if (value == 0.0 && std::isfinite(log10_value) && log10_value < 0.0) {
        return "1e" + std::to_string(static_cast<long>(std::floor(log10_value)));
    }
    if (value == 0.0) {
        return "0";
    }
    return printf_string(std::abs(value) >= 1e-3 ? "%.6f" : "%.3e", value);
}

}  // namespace

std::string version()
{
    return REESX_VERSION;
}

nlohmann::json resolved_input(const CaseSpec& spec)
{
    nlohmann::json in;
    in["name"] = spec.name;
    in["file"] = spec.source_file;
    in["system"] = {{"name", spec.system.name}, {"origin", spec.system.origin}};
    nlohmann::json k = nlohmann::json::object();
    for (int e : spec.components) {
        k[species_symbol(e)] = is_rare_earth(e) && spec.system.has(e)
                                   ? nlohmann::json(spec.system.log10_k(e))
                                   : nlohmann::json(nullptr);
    }
    in["system"]["log10_extractability"] = k;
    in["model"] = spec.model_name;
    in["medium"] = spec.medium.name();
    if (spec.medium.sulfate) {
        in["pka_bisulfate"] = -std::log10(spec.medium.ka_bisulfate_mol_per_L);
    }
    in["stages"] = {{"extraction", spec.stages_extraction},
                    {"scrub", spec.stages_scrub},
                    {"strip", spec.stages_strip}};
    nlohmann::json feeds = nlohmann::json::array();
    for (const auto& f : spec.feeds) {
        nlohmann::json composition = nlohmann::json::object();
        nlohmann::json impurity = nlohmann::json::object();
        for (int e : spec.components) {
            if (is_rare_earth(e)) {
                composition[species_symbol(e)] = f.mole_fraction[static_cast<std::size_t>(e)];
            } else {
                impurity[species_symbol(e)] =
                    f.impurity_mol_per_L[static_cast<std::size_t>(e - num_elements)];
            }
        }
        feeds.push_back({{"phase", phase_name(f.phase)},
                         {"stage", f.stage},
                         {"flow_L_per_h", f.flow_L_per_h},
                         {"concentration_mol_per_L", f.concentration_mol_per_L},
                         {"composition", composition}});
        if (has_impurities(spec)) {
            feeds.back()["impurities_mol_per_L"] = impurity;
        }
    }
    in["feeds"] = feeds;
    nlohmann::json organic = {{"flow_L_per_h", spec.organic.flow_L_per_h}};
    if (spec.organic.extractant_mol_per_L) {
        organic["extractant_mol_per_L"] = *spec.organic.extractant_mol_per_L;
    }
    if (spec.organic.saponification) {
        organic["saponification"] = *spec.organic.saponification;
    }
    if (auto capacity = spec.organic_capacity_mol_per_L()) {
        organic["loading_mol_per_L"] = *capacity;
    }
    in["organic"] = organic;
    if (spec.scrub) {
        in["scrub"] = {{"flow_L_per_h", spec.scrub->flow_L_per_h},
                       {"acid_mol_per_L", spec.scrub->acid_mol_per_L}};
    }
    if (spec.strip) {
        in["strip"] = {{"flow_L_per_h", spec.strip->flow_L_per_h},
                       {"acid_mol_per_L", spec.strip->acid_mol_per_L}};
    }
    if (spec.reflux) {
        // The flows `reflux:` stated are in organic and scrub above; the ratios as given.
        in["reflux"] = {{"S", spec.reflux->S},
                        {"W", spec.reflux->W ? nlohmann::json(*spec.reflux->W) : nullptr}};
    }
    in["efficiency"] = {{"extraction", spec.efficiency[0]},
                        {"scrub", spec.efficiency[1]},
                        {"strip", spec.efficiency[2]}};
    nlohmann::json draws = nlohmann::json::array();
    for (const auto& d : spec.draws) {
        draws.push_back({{"name", d.name},
                         {"phase", phase_name(d.phase)},
                         {"stage", d.stage},
                         {"flow_L_per_h", d.flow_L_per_h}});
    }
    in["draws"] = draws;
    in["solver"] = {{"tolerance", spec.solver.tolerance},
                    {"max_iterations", spec.solver.max_iterations},
                    {"method", spec.solver.method}};
    return in;
}

nlohmann::json reagents_summary(const CascadeResult& r)
{
    const auto& g = r.reagents;
    nlohmann::json j = {{"saponification_base_mol_per_h", g.saponification_base_mol_per_h},
                        {"scrub_acid_h_mol_per_h", g.scrub_acid_h_mol_per_h},
                        {"strip_acid_h_mol_per_h", g.strip_acid_h_mol_per_h},
                        {"strip_acid_consumed_h_mol_per_h", g.strip_acid_consumed_h_mol_per_h},
                        {"base", g.base},
                        {"base_kg_per_h", g.base_kg_per_h},
                        {"feed_acid_h_mol_per_h", g.feed_acid_h_mol_per_h},
                        {"scrub_acid_consumed_h_mol_per_h", g.scrub_acid_consumed_h_mol_per_h},
                        {"scrub_acid_excess_h_mol_per_h", g.scrub_acid_excess_h_mol_per_h},
                        {"strip_acid_excess_h_mol_per_h", g.strip_acid_excess_h_mol_per_h},
                        {"raffinate_acid_h_mol_per_h", g.raffinate_acid_h_mol_per_h},
                        {"strip_liquor_acid_h_mol_per_h", g.strip_liquor_acid_h_mol_per_h},
                        {"acid", g.acid}};
    // The acid's figures are named by the acid: hcl_* in a chloride medium, h2so4_* in sulfate.
    const std::string a = g.acid == "H2SO4" ? "h2so4" : "hcl";
    j[a + "_fed_mol_per_h"] = g.hcl_fed_mol_per_h;
    j[a + "_consumed_mol_per_h"] = g.hcl_consumed_mol_per_h;
    j[a + "_fed_kg_per_h"] = g.hcl_fed_kg_per_h;
    j[a + "_consumed_kg_per_h"] = g.hcl_consumed_kg_per_h;
    nlohmann::json per_product = nlohmann::json::object();
    for (const auto& pp : g.per_product) {
        per_product[pp.product] = {{"reo_kg_per_h", pp.reo_kg_per_h},
                                   {"base_kg_per_kg", pp.base_kg_per_kg},
                                   {a + "_fed_kg_per_kg", pp.hcl_fed_kg_per_kg},
                                   {a + "_consumed_kg_per_kg", pp.hcl_consumed_kg_per_kg}};
    }
    j["per_kg_product"] = per_product;
    return j;
}

nlohmann::json run_summary(const CaseSpec& spec, const CascadeResult& r)
{
    nlohmann::json j;
    j["reesx_version"] = version();
    j["command"] = "run";
    j["input"] = resolved_input(spec);
    j["converged"] = r.solver.converged;
    nlohmann::json products = nlohmann::json::object(), recovery = nlohmann::json::object();
    for (std::size_t p = 0; p < r.products.size(); ++p) {
        const auto& prod = r.products[p];
        products[prod.name] = {{"phase", phase_name(prod.phase)},
                               {"stage", prod.stage},
                               {"flow_L_per_h", prod.flow_L_per_h},
                               {"re_mol_per_h", prod.re_mol_per_h},
                               {"composition", element_map(spec, prod.composition)},
                               {"mol_per_h", element_map(spec, prod.mol_per_h)},
                               {"main_element", prod.main_element >= 0 && prod.re_mol_per_h > 0
                                                    ? species_symbol(prod.main_element)
                                                    : ""},
                               {"purity", prod.purity},
                               {"purity_total_metal", prod.metal_purity}};
        if (has_impurities(spec)) {
            products[prod.name]["impurity_mol_per_h"] = prod.impurity_mol_per_h;
            products[prod.name]["impurities"] = impurity_content(spec, prod);
        }
        recovery[prod.name] = element_map(spec, r.recovery[p]);
    }
    j["products"] = products;
    j["recovery"] = recovery;
    nlohmann::json stages = nlohmann::json::array();
    for (int s = 0; s < r.num_stages; ++s) {
        nlohmann::json aq = nlohmann::json::object(), org = nlohmann::json::object();
        for (int e : spec.components) {
            aq[species_symbol(e)] = r.aqueous_mol_per_L(s, e);
            org[species_symbol(e)] = r.organic_mol_per_L(s, e);
        }
        nlohmann::json stage = {{"stage", s + 1},
                                {"section", section_name(r.sections[s])},
                                {"aqueous_flow_L_per_h", r.aqueous_flow_L_per_h[s]},
                                {"organic_flow_L_per_h", r.organic_flow_L_per_h[s]},
                                {"aqueous_mol_per_L", aq},
                                {"organic_mol_per_L", org}};
        if (static_cast<std::size_t>(s) < r.organic_re_mol_per_L.size()) {
            stage["organic_re_mol_per_L"] = r.organic_re_mol_per_L[s];
        }
        // Acidity-dependent models: pH, h_mol_per_L, free_extractant_mol_per_L, ...
        for (std::size_t k = 0; k < r.profile_names.size(); ++k) {
            stage[r.profile_names[k]] = r.profiles(s, static_cast<Eigen::Index>(k));
        }
        if (static_cast<std::size_t>(s) < r.chloride_mol_per_L.size()) {
            stage["chloride_mol_per_L"] = r.chloride_mol_per_L[s];
        }
        stages.push_back(stage);
    }
    j["stage_profile"] = stages;
    j["stages"] = stages;  // the old name of stage_profile (docs/interface.md)
    j["mass_balance_relative_error"] = r.mass_balance_relative_error;
    j["balance_relative_error"] = element_map(spec, r.balance_relative_error);
    j["feed_mol_per_h"] = element_map(spec, r.feed_mol_per_h);
    j["solver"] = {{"iterations", r.solver.iterations},
                   {"residual_evaluations", r.solver.residual_evaluations},
                   {"jacobian_evaluations", r.solver.jacobian_evaluations},
                   {"seconds", r.solver.seconds},
                   {"residual_norm", r.solver.residual_norm},
                   {"method", r.solver.method}};
    if (spec.model->saturated_organic()) {
        j["reflux"] = {{"S", r.reflux_S}, {"W", r.reflux_W}};
    }
    j["reagents"] = reagents_summary(r);
    if (!r.conserved_names.empty()) {
        nlohmann::json balances = nlohmann::json::object();
        for (std::size_t k = 0; k < r.conserved_names.size(); ++k) {
            balances[r.conserved_names[k]] = r.conserved_balance_relative_error[k];
        }
        j["conserved_balance_relative_error"] = balances;
        j["electroneutrality_relative_error"] = r.electroneutrality_relative_error;
    }
    if (r.recycle_iterations > 0) {
        j["recycle_iterations"] = r.recycle_iterations;
    }
    j["warnings"] = r.warnings;
    return j;
}

std::string format_run(const CaseSpec& spec, const CascadeResult& r, bool stage_profile)
{
    std::ostringstream out;
    char line[512];
    out << spec.name << "  (model " << spec.model_name << ", system " << spec.system.name << ")\n";
    std::snprintf(line, sizeof line, "%d stages: %d extraction, %d scrub, %d strip", r.num_stages,
                  spec.stages_extraction, spec.stages_scrub, spec.stages_strip);
    out << line;
    if (spec.model->saturated_organic()) {
        std::snprintf(line, sizeof line, "; S = %.4g, W = %.4g mol RE per mol feed RE", r.reflux_S,
                      r.reflux_W);
        out << line;
    }
    if (spec.reflux) {
        std::snprintf(line, sizeof line, "\nFrom the given reflux: organic flow %.6g L/h",
                      spec.organic.flow_L_per_h);
        out << line;
        if (spec.reflux->W) {
            std::snprintf(line, sizeof line, ", scrub flow %.6g L/h", spec.scrub->flow_L_per_h);
            out << line;
        }
    }
    std::snprintf(line, sizeof line,
                  "\nSolved in %d Newton iterations (%.3g ms, %s); element balances close to "
                  "%.1e relative\n\n",
                  r.solver.iterations, r.solver.seconds * 1e3, r.solver.method.c_str(),
                  r.mass_balance_relative_error);
    out << line;

    out << "Products\n";
    std::snprintf(line, sizeof line, "  %-18s %-8s %5s %12s %12s %5s %12s\n", "product", "phase",
                  "stage", "flow L/h", "RE mol/h", "main", "purity %");
    out << line;
    for (const auto& p : r.products) {
        const bool empty = p.re_mol_per_h <= 0.0;
        std::snprintf(line, sizeof line, "  %-18s %-8s %5d %12.4g %12.6g %5s %12s\n",
                      p.name.c_str(), std::string(phase_name(p.phase)).c_str(), p.stage,
                      p.flow_L_per_h, p.re_mol_per_h,
                      empty ? "-" : std::string(elements()[p.main_element].symbol).c_str(),
                      empty ? "-" : printf_string("%.6f", 100.0 * p.purity).c_str());
        out << line;
    }
    if (has_impurities(spec)) {
        out << impurity_table(spec, r);
    }

    out << "\nRecovery (fraction of each element's feed leaving in each product)\n";
    std::snprintf(line, sizeof line, "  %-7s %12s", "element", "feed mol/h");
    out << line;
    for (const auto& p : r.products) {
        std::snprintf(line, sizeof line, " %17s", p.name.c_str());
        out << line;
    }
    out << "\n";
    for (int e : spec.components) {
        std::snprintf(line, sizeof line, "  %-7s %12.6g", species_symbol(e).c_str(),
                      r.feed_mol_per_h[e]);
        out << line;
        for (std::size_t p = 0; p < r.products.size(); ++p) {
            std::snprintf(line, sizeof line, " %17s", small_number(r.recovery[p][e]).c_str());
            out << line;
        }
        out << "\n";
    }

    out << "\nReagents\n";
    std::snprintf(line, sizeof line, "  %-34s %12.6g mol/h\n", "saponification base (Na+/NH4+)",
                  r.reagents.saponification_base_mol_per_h);
    out << line;
    std::snprintf(line, sizeof line, "  %-34s %12.6g mol/h\n", "scrub acid (H+ fed)",
                  r.reagents.scrub_acid_h_mol_per_h);
    out << line;
    if (spec.stages_strip > 0) {
        std::snprintf(line, sizeof line, "  %-34s %12.6g mol/h (%.6g consumed)\n",
                      "strip acid (H+ fed)", r.reagents.strip_acid_h_mol_per_h,
                      r.reagents.strip_acid_consumed_h_mol_per_h);
        out << line;
    }
    const std::string acid = r.reagents.acid;
    std::snprintf(line, sizeof line, "  %-34s %12.6g mol/h (%.6g kg/h %s)\n",
                  (acid + " fed (feed + scrub + strip)").c_str(), r.reagents.hcl_fed_mol_per_h,
                  r.reagents.hcl_fed_kg_per_h, acid.c_str());
    out << line;
    std::snprintf(line, sizeof line,
                  "  %-34s %12.6g mol/h (H+ out: raffinate %.6g, strip liquor %.6g)\n",
                  (acid + " consumed (fed - acid out)").c_str(), r.reagents.hcl_consumed_mol_per_h,
                  r.reagents.raffinate_acid_h_mol_per_h, r.reagents.strip_liquor_acid_h_mol_per_h);
    out << line;
    for (const auto& pp : r.reagents.per_product) {
        if (pp.reo_kg_per_h <= 0.0) {
            continue;
        }
        std::snprintf(line, sizeof line,
                      "  per kg REO in %-20s %8.4g kg %s, %8.4g kg %s fed (%.4g consumed)\n",
                      pp.product.c_str(), pp.base_kg_per_kg, r.reagents.base.c_str(),
                      pp.hcl_fed_kg_per_kg, acid.c_str(), pp.hcl_consumed_kg_per_kg);
        out << line;
    }
    if (!r.profile_names.empty() && stage_profile) {
        out << "\nStage chemistry: pH, organic RE (loading) mol/L, free extractant (HA) mol/L\n";
        int ph = -1, free = -1;
        for (std::size_t k = 0; k < r.profile_names.size(); ++k) {
            ph = r.profile_names[k] == "pH" ? static_cast<int>(k) : ph;
            free = r.profile_names[k] == "free_extractant_mol_per_L" ? static_cast<int>(k) : free;
        }
        for (int s = 0; s < r.num_stages; ++s) {
            std::snprintf(line, sizeof line, "  %5d %-10s %8.3f %11.4e %11s\n", s + 1,
                          std::string(section_name(r.sections[s])).c_str(),
                          ph >= 0 ? r.profiles(s, ph) : NAN, r.organic_re_mol_per_L[s],
                          free >= 0 ? printf_string("%.4e", r.profiles(s, free)).c_str() : "-");
            out << line;
        }
    }

    if (stage_profile) {
        out << "\nStage profile: aqueous RE mol/L, organic RE mol/L, aqueous RE mole fractions\n";
        std::snprintf(line, sizeof line, "  %5s %-10s %11s %11s", "stage", "section", "aq RE",
                      "org RE");
        out << line;
        for (int e : spec.components) {
            std::snprintf(line, sizeof line, " %10s", species_symbol(e).c_str());
            out << line;
        }
        out << "\n";
        for (int s = 0; s < r.num_stages; ++s) {
            const double aq = r.aqueous_mol_per_L.row(s).head(num_elements).sum();
            const double org = r.organic_mol_per_L.row(s).head(num_elements).sum();
            std::snprintf(line, sizeof line, "  %5d %-10s %11.4e %11.4e", s + 1,
                          std::string(section_name(r.sections[s])).c_str(), aq, org);
            out << line;
            for (int e : spec.components) {
                const double x = aq > 0.0 ? r.aqueous_mol_per_L(s, e) / aq : 0.0;
                const double log10_x =
                    aq > 0.0 ? r.aqueous_log10(s, e) - std::log10(aq) : -INFINITY;
                std::snprintf(line, sizeof line, " %10s", small_number(x, log10_x).c_str());
                out << line;
            }
            out << "\n";
        }
    }
    for (const auto& w : r.warnings) {
        out << "\nwarning: " << w;
    }
    if (!r.warnings.empty()) {
        out << "\n";
    }
    return out.str();
}

void write_result_header(Hdf5Writer& h5, const std::string& command, const CaseSpec& spec)
{
    write_result_header(h5, command, spec.source_file, resolved_input(spec),
                        spec.root ? spec.root->dump() : std::string());
}

void write_result_header(Hdf5Writer& h5, const std::string& command, const std::string& input_file,
                         const nlohmann::json& resolved_input, const std::string& input_yaml)
{
    h5.write_attribute("/", "filetype", "reesx-result");
    h5.write_attribute("/", "format_version", "1.0");
    h5.write_attribute("/", "reesx_version", version());
    h5.write_attribute("/", "created", iso_now());
    h5.write_attribute("/", "command", command);
    h5.write_attribute("/", "input_file", input_file);
    h5.write_attribute("/", "resolved_input_json", resolved_input.dump(2));
    h5.write_attribute("/", "input_yaml", input_yaml);
}

void write_run_hdf5(const std::string& path, const CaseSpec& spec, const CascadeResult& r)
{
    write_file_atomically(path, [&](const std::string& temp) {
        Hdf5Writer h5(temp);
        write_result_header(h5, "run", spec);
        write_cascade_hdf5(h5, "", spec, r);
        h5.close();
    });
}

void write_cascade_hdf5(Hdf5Writer& h5, const std::string& prefix, const CaseSpec& spec,
                        const CascadeResult& r)
{
    {
        if (!prefix.empty()) {
            h5.create_group(prefix);
        }
        std::vector<std::string> symbols, components;
        for (const auto& e : elements()) {
            symbols.emplace_back(e.symbol);
        }
        for (int e : spec.components) {
            components.push_back(species_symbol(e));
        }
        h5.write_strings(prefix + "/elements", symbols);
        h5.write_strings(prefix + "/components", components);

        h5.create_group(prefix + "/stages");
        std::vector<int> numbers;
        std::vector<std::string> sections;
        for (int s = 0; s < r.num_stages; ++s) {
            numbers.push_back(s + 1);
            sections.emplace_back(section_name(r.sections[s]));
        }
        h5.write_dataset(prefix + "/stages/number", numbers, "1");
        h5.write_strings(prefix + "/stages/section", sections);
        h5.write_dataset(prefix + "/stages/aqueous_flow", r.aqueous_flow_L_per_h, "L/h");
        h5.write_dataset(prefix + "/stages/organic_flow", r.organic_flow_L_per_h, "L/h");
        const auto matrix = [&](const Eigen::MatrixXd& m) {
            std::vector<double> row_major(static_cast<std::size_t>(m.size()));
            for (Eigen::Index i = 0; i < m.rows(); ++i) {
                for (Eigen::Index k = 0; k < m.cols(); ++k) {
                    row_major[static_cast<std::size_t>(i * m.cols() + k)] = m(i, k);
                }
            }
            return row_major;
        };
        const auto rows = static_cast<std::size_t>(r.num_stages);
        for (const char* phase : {"aqueous", "organic"}) {
            const bool aq = std::string(phase) == "aqueous";
            const std::string g = prefix + "/stages/" + phase;
            h5.create_group(g);
            // The rare earths' 17 columns as before; impurity ions in datasets of their own.
            const Eigen::MatrixXd& c = aq ? r.aqueous_mol_per_L : r.organic_mol_per_L;
            const Eigen::MatrixXd& l = aq ? r.aqueous_log10 : r.organic_log10;
            h5.write_dataset(g + "/concentration", matrix(c.leftCols(num_elements)), rows,
                             num_elements, "mol/L");
            h5.write_dataset(g + "/log10_concentration", matrix(l.leftCols(num_elements)), rows,
                             num_elements, "log10(mol/L)");
            if (has_impurities(spec)) {
                h5.write_dataset(g + "/impurity_concentration", matrix(c.rightCols(num_impurities)),
                                 rows, num_impurities, "mol/L");
            }
        }

        if (!r.organic_re_mol_per_L.empty()) {
            h5.write_dataset(prefix + "/stages/organic_re", r.organic_re_mol_per_L, "mol/L");
        }
        // Profiles of the acidity-dependent models, one dataset each (pH, free extractant, ...).
        for (std::size_t k = 0; k < r.profile_names.size(); ++k) {
            const std::string& name = r.profile_names[k];
            std::vector<double> values(rows);
            for (std::size_t s = 0; s < rows; ++s) {
                values[s] = r.profiles(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(k));
            }
            const auto cut = name.find("_mol_per_L");
            const std::string unit = cut == std::string::npos ? "1" : "mol/L";
            h5.write_dataset(prefix + "/stages/" + name.substr(0, cut), values, unit);
        }
        if (!r.chloride_mol_per_L.empty()) {
            h5.write_dataset(prefix + "/stages/chloride", r.chloride_mol_per_L, "mol/L");
        }

        h5.create_group(prefix + "/products");
        std::vector<std::string> names;
        std::vector<double> recovery;
        for (std::size_t p = 0; p < r.products.size(); ++p) {
            const auto& prod = r.products[p];
            const std::string g = prefix + "/products/" + prod.name;
            names.push_back(prod.name);
            h5.create_group(g);
            h5.write_attribute(g, "phase", std::string(phase_name(prod.phase)));
            h5.write_attribute(g, "stage", static_cast<long>(prod.stage));
            h5.write_scalar(g + "/flow", prod.flow_L_per_h, "L/h");
            h5.write_dataset(
                g + "/mol_per_h",
                std::vector<double>(prod.mol_per_h.begin(), prod.mol_per_h.begin() + num_elements),
                "mol/h");
            if (has_impurities(spec)) {
                h5.write_dataset(g + "/impurity_mol_per_h",
                                 std::vector<double>(prod.mol_per_h.begin() + num_elements,
                                                     prod.mol_per_h.end()),
                                 "mol/h");
                h5.write_dataset(
                    g + "/impurity_ppm_reo",
                    std::vector<double>(prod.impurity_ppm_reo.begin(), prod.impurity_ppm_reo.end()),
                    "mg/kg");
            }
            h5.write_dataset(g + "/composition",
                             std::vector<double>(prod.composition.begin(), prod.composition.end()),
                             "mol/mol RE");
            recovery.insert(recovery.end(), r.recovery[p].begin(),
                            r.recovery[p].begin() + num_elements);
        }
        h5.write_strings(prefix + "/recovery_products", names);
        h5.write_dataset(prefix + "/recovery", recovery, names.size(), num_elements, "1");
        // Per element (the 17 columns of /elements); impurity ions beside them.
        const auto split = [&](const std::string& name, const auto& values, const char* unit) {
            h5.write_dataset(prefix + "/" + name,
                             std::vector<double>(values.begin(), values.begin() + num_elements),
                             unit);
            if (has_impurities(spec)) {
                h5.write_dataset(prefix + "/impurity_" + name,
                                 std::vector<double>(values.begin() + num_elements, values.end()),
                                 unit);
            }
        };
        split("feed_mol_per_h", r.feed_mol_per_h, "mol/h");
        split("balance_relative_error", r.balance_relative_error, "1");
        h5.create_group(prefix + "/solver");
        h5.write_attribute(prefix + "/solver", "method", r.solver.method);
        h5.write_attribute(prefix + "/solver", "iterations",
                           static_cast<long>(r.solver.iterations));
        h5.write_attribute(prefix + "/solver", "seconds", r.solver.seconds);
        h5.write_attribute(prefix + "/solver", "residual_norm", r.solver.residual_norm);
    }
}

void write_json(const std::string& path, const nlohmann::json& json)
{
    write_text_atomically(path, json.dump(2) + "\n");
}

}  // namespace reesx::io
