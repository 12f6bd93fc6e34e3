// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The `reesx` command line (interface.md): run, check, design, separate, cost, optimize,
// validate, fit, report, sweep, elements, systems, feeds, countries.
// Exit codes: 0 ok; 1 bad input; 2 no convergence or infeasible; 3 internal error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <numeric>
#include <optional>
#include <thread>

#include "DesignOptions.h"
#include "FitCommand.h"
#include "OptimizeCommand.h"
#include "PlantCost.h"
#include "PythonCommands.h"
#include "reesx/core/Error.h"
#include "reesx/costs/Report.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Csv.h"
#include "reesx/io/DesignOutput.h"
#include "reesx/io/DesignUncertaintyOutput.h"
#include "reesx/io/DynamicOutput.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"
#include "reesx/thermo/Feeds.h"
#include "reesx/validation/Validation.h"

namespace {

using reesx::ExitCode;

int code(ExitCode c)
{
    return static_cast<int>(c);
}

//! Progress lines on stderr; -q silences them with the tables (warnings still go to stderr).
std::function<void(const std::string&)> progress_on_stderr(bool quiet)
{
    return [quiet](const std::string& line) {
        if (!quiet) {
            std::cerr << line << "\n";
        }
    };
}

//! Where the command's summary goes: the JSON file and the CSV folder, each when asked for;
//! `summary` is built only when one of them is.
struct SummaryFiles {
    std::string json_path, csv_dir;
    bool wanted() const { return !json_path.empty() || !csv_dir.empty(); }
};

void write_summary(
    const SummaryFiles& files, const std::function<nlohmann::json()>& summary,
    const std::function<std::vector<reesx::io::CsvTable>(const nlohmann::json&)>& tables)
{
    if (!files.wanted()) {
        return;
    }
    const nlohmann::json j = summary();
    if (!files.json_path.empty()) {
        reesx::io::write_json(files.json_path, j);
    }
    if (!files.csv_dir.empty()) {
        reesx::io::write_csv_tables(files.csv_dir, tables(j));
    }
}

//! Renders DOT text as an SVG file at `svg_path` (atomically) with Graphviz; false when `dot`
//! is not installed. Throws reesx::Error when `dot` fails.
bool render_svg(const std::string& dot_text, const std::string& svg_path)
{
    if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        return false;
    }
    reesx::io::write_file_atomically(svg_path, [&](const std::string& temp) {
        // The path in single quotes, each ' as '\'': the shell expands nothing in it.
        std::string command = "dot -Tsvg -o '";
        for (const char c : temp) {
            command += c == '\'' ? std::string("'\\''") : std::string(1, c);
        }
        command += '\'';
        FILE* pipe = popen(command.c_str(), "w");
        if (pipe == nullptr) {
            throw reesx::Error("cannot start Graphviz `dot` for '" + svg_path + "'");
        }
        std::fputs(dot_text.c_str(), pipe);
        if (pclose(pipe) != 0) {
            throw reesx::Error("Graphviz `dot -Tsvg` failed on the diagram for '" + svg_path + "'");
        }
    });
    return true;
}

//! The plant diagram asked for: DOT text, and SVG rendered from it by Graphviz.
struct DiagramFiles {
    std::string dot_path, svg_path;
    bool wanted() const { return !dot_path.empty() || !svg_path.empty(); }
};

//! Writes the diagram: the DOT file, and the SVG at `svg_path`, or beside the DOT file when
//! Graphviz is installed and no `svg_path` is given.
void write_diagram(const DiagramFiles& files, const std::function<std::string()>& dot_text,
                   bool quiet)
{
    if (!files.wanted()) {
        return;
    }
    const std::string dot = dot_text();
    if (!files.dot_path.empty()) {
        reesx::io::write_text_atomically(files.dot_path, dot);
    }
    if (!files.svg_path.empty()) {
        if (!render_svg(dot, files.svg_path)) {
            throw reesx::InputError(
                "--svg: Graphviz `dot` is not installed (tools/install-deps.sh installs it); "
                "--dot FILE writes the diagram as DOT text");
        }
        return;
    }
    const std::string svg = files.dot_path.substr(0, files.dot_path.rfind('.')) + ".svg";
    if (render_svg(dot, svg) && !quiet) {
        std::cerr << "wrote " << svg << "\n";
    }
}

//! A case file for a command that takes one cascade; a plant file says so.
reesx::CaseSpec load_one_cascade(const std::string& path, const std::string& command)
{
    return reesx::parse_one_cascade(reesx::InputNode::load_file(path), command);
}

//! `reesx run` of a plant file (docs/plants.md, "Plant files").
int run_plant(const reesx::InputNode& root, const std::string& h5_path, const SummaryFiles& out,
              const DiagramFiles& diagram, bool stage_profile, bool quiet)
{
    const reesx::PlantSpec spec = reesx::parse_plant(root);
    const reesx::PlantResult result = reesx::solve_plant(spec, progress_on_stderr(quiet));
    if (!h5_path.empty()) {
        reesx::cli::write_plant_result(h5_path, root, spec, result);
    }
    if (!quiet) {
        std::cout << reesx::io::format_plant_run(spec, result, stage_profile);
    } else {
        for (const auto& w : result.warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    write_summary(
        out, [&] { return reesx::io::plant_run_summary(spec, result); }, reesx::io::plant_run_csv);
    write_diagram(
        diagram, [&] { return reesx::io::plant_run_dot(spec, result); }, quiet);
    return code(ExitCode::ok);
}

int run_case(const std::string& case_path, const std::string& h5_path, const SummaryFiles& out,
             const DiagramFiles& diagram, bool stage_profile, bool quiet, bool verbose)
{
    const reesx::InputNode root = reesx::InputNode::load_file(case_path);
    if (reesx::is_plant_file(root)) {
        return run_plant(root, h5_path, out, diagram, stage_profile, quiet);
    }
    if (diagram.wanted()) {
        throw reesx::InputError(
            "--dot, --svg: the diagram shows a plant file's cascades and "
            "streams; '" +
            case_path + "' is one cascade");
    }
    const reesx::CaseSpec spec = reesx::parse_case(root);
    reesx::Cascade cascade(spec);
    if (verbose) {
        // Asked for, so shown whatever -q says.
        cascade.set_progress([](const std::string& line) { std::cerr << line << "\n"; });
    }
    const reesx::CascadeResult result = cascade.solve();
    if (!quiet) {
        std::cout << reesx::io::format_run(spec, result, stage_profile);
    } else {
        for (const auto& w : result.warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    write_summary(
        out, [&] { return reesx::io::run_summary(spec, result); }, reesx::io::run_csv);
    if (!h5_path.empty()) {
        reesx::io::write_run_hdf5(h5_path, spec, result);
    }
    return code(ExitCode::ok);
}

int check_case(const std::string& case_path)
{
    const reesx::InputNode root = reesx::InputNode::load_file(case_path);
    if (reesx::is_plant_file(root)) {
        const reesx::PlantSpec plant = reesx::parse_plant(root);
        std::cout << case_path << ": OK, a plant of " << plant.cascades.size() << " cascades and "
                  << plant.streams.size() << " streams\n";
        for (const auto& s : plant.streams) {
            std::cout << "  stream " << s.label << " (stage " << s.stage << ")\n";
        }
        return code(ExitCode::ok);
    }
    const reesx::CaseSpec spec = reesx::parse_case(root);
    const reesx::Cascade cascade(spec);
    std::cout << case_path << ": OK\n";
    for (const auto& line : cascade.structure_summary()) {
        std::cout << "  " << line << "\n";
    }
    for (const auto& w : spec.warnings) {
        std::cout << "  warning: " << w << "\n";
    }
    return code(ExitCode::ok);
}

//! `reesx design` options (DesignOptions.h) and what design alone writes.
struct DesignOptions : reesx::cli::DesignArgs {
    int uncertainty = 0;  //!< samples of the system (design --uncertainty N)
    std::uint64_t seed = 1;
    int threads = 0;  //!< --uncertainty threads (0: all cores)
    SummaryFiles out;
    std::string case_path, h5_path;
    bool quiet = false;
};

using reesx::cli::design_document;
using reesx::cli::quoted;
using reesx::cli::shortest;

int run_design(const DesignOptions& o)
{
    const bool has_options = !design_document(o).empty();
    if (!o.file.empty() && has_options) {
        throw reesx::InputError(
            "give the design either as a file or as options (--system, --feed, --split, ...), "
            "not both");
    }
    const reesx::InputNode root =
        o.file.empty() ? reesx::InputNode::load_string(design_document(o), "command line")
                       : reesx::InputNode::load_file(o.file);
    const reesx::DesignSpec spec = reesx::parse_design(root);
    const reesx::DesignResult result = reesx::design(spec, progress_on_stderr(o.quiet));
    if (!o.quiet) {
        std::cout << reesx::io::format_design(spec, result);
    } else {
        const auto& warnings =
            result.three_outlet ? result.three_outlet->warnings : result.warnings;
        for (const auto& w : warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    std::optional<reesx::DesignUncertainty> uncertainty;
    if (o.uncertainty > 0) {
        const int threads =
            o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
        uncertainty = reesx::design_uncertainty(spec, result, o.uncertainty, o.seed, threads);
        if (!o.quiet) {
            std::cout << reesx::io::format_design_uncertainty(*uncertainty, result);
        }
    }
    write_summary(
        o.out,
        [&] {
            auto j = reesx::io::design_summary(spec, result);
            if (uncertainty) {
                j["uncertainty"] = reesx::io::design_uncertainty_json(*uncertainty);
            }
            return j;
        },
        reesx::io::design_csv);
    if (!o.case_path.empty()) {
        reesx::io::write_text_atomically(o.case_path, result.case_yaml);
    }
    if (!o.h5_path.empty()) {
        reesx::cli::write_design_result(o.h5_path, root, spec, result);
    }
    return code(ExitCode::ok);
}

//! "CN-NM, US" -> {"CN-NM", "US"}.
std::vector<std::string> split_codes(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    for (char c : text + ",") {
        if (c == ',') {
            if (!item.empty()) {
                out.push_back(item);
            }
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    return out;
}

struct SeparateOptions {
    std::string file, system = "p507-hcl", feed, feed_rate, plant_path, h5_path;
    DiagramFiles diagram;
    SummaryFiles out;
    double purity = 0.0, lump_below = -1.0;
    bool quiet = false, linked = false;
    std::string countries, scenario;  //!< --countries: cost the plant in these
};

int run_separate(const SeparateOptions& o)
{
    std::string y;
    if (o.file.empty()) {
        y = "system: " + quoted(o.system) + "\nfeed: " + quoted(o.feed) + "\n";
        if (!o.feed_rate.empty()) {
            y += "feed-rate: " + quoted(o.feed_rate) + "\n";
        }
        if (o.purity != 0.0) {
            y += "purity: " + shortest(o.purity) + "\n";
        }
        if (o.lump_below >= 0.0) {
            y += "lump-below: " + shortest(o.lump_below) + "\n";
        }
    }
    if (o.linked) {
        y += "linked: true\n";
    }
    if (!o.file.empty() && o.linked) {
        throw reesx::InputError("--linked: with a separate file, write `linked: true` in it");
    }
    const reesx::InputNode root = o.file.empty() ? reesx::InputNode::load_string(y, "command line")
                                                 : reesx::InputNode::load_file(o.file);
    const reesx::SeparateSpec spec = reesx::parse_separate(root);
    const reesx::SeparateResult result = reesx::separate(spec, progress_on_stderr(o.quiet));
    if (!o.quiet) {
        std::cout << reesx::io::format_separate(spec, result);
    } else {
        for (const auto& w : spec.warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    nlohmann::json plant_cost;
    if (!o.countries.empty() || !o.scenario.empty()) {
        reesx::costs::CostRequest request;
        request.countries = split_codes(o.countries);
        request.scenario = o.scenario;
        plant_cost = reesx::cli::cost_separated_plant(spec, result, request, o.quiet);
    }
    write_summary(
        o.out,
        [&] {
            nlohmann::json j = reesx::io::separate_summary(spec, result);
            if (!plant_cost.is_null()) {
                j["cost"] = plant_cost;
            }
            return j;
        },
        reesx::io::separate_csv);
    if (!o.plant_path.empty()) {
        reesx::io::write_text_atomically(o.plant_path, reesx::plant_file_yaml(spec, result));
    }
    if (!o.h5_path.empty()) {
        reesx::cli::write_separate_result(o.h5_path, root, spec, result);
    }
    write_diagram(
        o.diagram, [&] { return reesx::plant_dot(spec, result); }, o.quiet);
    return code(ExitCode::ok);
}

int run_dynamic(const std::string& case_path, double hours, const std::string& h5_path,
                const SummaryFiles& out, bool quiet)
{
    const reesx::CaseSpec spec = load_one_cascade(case_path, "dynamic");
    reesx::DynamicSpec dynamic = reesx::parse_dynamic(spec);
    if (hours > 0.0) {
        dynamic.hours = hours;
    }
    const reesx::DynamicResult result =
        reesx::simulate_dynamic(spec, dynamic, progress_on_stderr(quiet));
    if (!quiet) {
        std::cout << reesx::io::format_dynamic(spec, dynamic, result);
    } else {
        if (result.has_steady_state) {
            for (const auto& w : result.steady_state.warnings) {
                std::cerr << "warning: " << w << "\n";
            }
        }
        for (const auto& w : result.warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    write_summary(
        out, [&] { return reesx::io::dynamic_summary(spec, dynamic, result); },
        reesx::io::dynamic_csv);
    if (!h5_path.empty()) {
        reesx::io::write_dynamic_hdf5(h5_path, spec, result);
    }
    return code(ExitCode::ok);
}

int list_elements()
{
    std::printf("%-3s %-12s %3s %14s  %-7s %12s  %s\n", "El", "name", "Z", "M g/mol", "oxide",
                "oxide/el kg/kg", "note");
    for (const auto& e : reesx::elements()) {
        std::printf("%-3s %-12s %3d %14.6g  %-7s %12.5f  %s\n", std::string(e.symbol).c_str(),
                    std::string(e.name).c_str(), e.atomic_number, e.atomic_mass_g_per_mol,
                    std::string(e.oxide).c_str(), e.oxide_mass_per_element_mass(),
                    std::string(e.note).c_str());
    }
    std::printf("\nAtomic masses: %s\n", std::string(reesx::elements_source()).c_str());
    return code(ExitCode::ok);
}

void print_system(const reesx::ExtractionSystem& s, bool full)
{
    std::printf("%s — %s\n", s.name.c_str(), s.description.c_str());
    if (!full) {
        return;
    }
    std::printf("  conditions: %s\n", s.conditions.c_str());
    std::printf("  loading per extractant: %.4g mol RE/mol per unit saponification (%s)\n",
                s.loading_per_extractant, s.loading_source.c_str());
    std::printf("  %-3s %8s %17s %9s  %s\n", "El", "log10 K", "range", "beta/prev", "source");
    int previous = -1;
    for (int e : s.extraction_order()) {
        const auto& k = *s.extractability[e];
        const std::string range = "[" + std::to_string(k.log10_k_low).substr(0, 5) + ", " +
                                  std::to_string(k.log10_k_high).substr(0, 5) + "]";
        const std::string beta =
            previous < 0 ? "-" : std::to_string(s.beta(e, previous)).substr(0, 6);
        std::printf("  %-3s %8.4f %17s %9s  %s%s\n",
                    std::string(reesx::elements()[e].symbol).c_str(), k.log10_k, range.c_str(),
                    beta.c_str(), k.design_estimate ? "[design estimate] " : "", k.source.c_str());
        previous = e;
    }
    for (const auto& src : s.sources) {
        std::printf("  source: %s\n", src.c_str());
    }
}

int list_systems(const std::string& name)
{
    if (!name.empty()) {
        print_system(
            name.ends_with(".yaml") ? reesx::load_system_file(name) : reesx::builtin_system(name),
            true);
        return code(ExitCode::ok);
    }
    for (const auto& n : reesx::builtin_system_names()) {
        print_system(reesx::builtin_system(n), false);
    }
    std::printf("\n`reesx systems NAME` shows one system's values, ranges and sources.\n");
    return code(ExitCode::ok);
}

//! `reesx validate`: runs the validation cases (docs/validation.md). Exit 0 when every
//! evaluated comparison passes or is a known discrepancy documented in its case README
//! (pending cases are listed, not evaluated); 2 when one fails or a case does not solve, and
//! with `strict` when one is a known discrepancy.
int validate(const std::string& cases_dir, const std::vector<std::string>& only,
             const std::string& json_path, bool strict, bool quiet)
{
    namespace v = reesx::validation;
    const auto folders =
        cases_dir.empty() ? v::embedded_case_files() : v::case_files_from_directory(cases_dir);
    const v::Report report = v::run(folders, only);
    if (!quiet) {
        std::cout << v::format_report(report);
    }
    if (!json_path.empty()) {
        reesx::io::write_json(json_path, v::validate_summary(report, cases_dir, only, strict));
    }
    return code(report.ok(!strict) ? ExitCode::ok : ExitCode::no_solution);
}

struct CostArgs {
    std::string countries;
    std::string scenario;
    bool sensitivity = false;
    int monte_carlo = 0;
    std::uint64_t seed = 1;
    int threads = 0;
    bool no_resimulate = false;
    bool quiet = false;
};

int cost_case(const std::string& case_path, const std::string& h5_path, const SummaryFiles& out,
              const CostArgs& args)
{
    namespace rc = reesx::costs;
    const reesx::InputNode root = reesx::InputNode::load_file(case_path);
    rc::CostRequest request;
    request.countries = split_codes(args.countries);
    request.scenario = args.scenario;
    request.sensitivity = args.sensitivity;
    request.monte_carlo.samples = args.monte_carlo;
    request.monte_carlo.seed = args.seed;
    request.monte_carlo.threads = args.threads;
    request.monte_carlo.resimulate = !args.no_resimulate;
    request.monte_carlo.progress = !args.quiet;
    if (reesx::is_plant_file(root)) {
        return reesx::cli::cost_plant(root, out.json_path, out.csv_dir, h5_path, request,
                                      args.quiet);
    }
    const reesx::CaseSpec spec = reesx::parse_one_cascade(root, "cost");
    const rc::CostStudy study = rc::cost_study(spec, request);
    // The case's and the solve's warnings (an inverted extraction order, idle stages) beside
    // the costing's own (which the table lists).
    if (!args.quiet) {
        std::cout << rc::format_cost(spec, study.model, study.run);
        for (const auto& w : study.cascade.warnings) {
            std::cout << "warning: " << w << "\n";
        }
    } else {
        for (const auto& w : study.cascade.warnings) {
            std::cerr << "warning: " << w << "\n";
        }
        for (const auto& w : study.model.setup().warnings) {
            std::cerr << "warning: " << w << "\n";
        }
    }
    write_summary(
        out, [&] { return rc::cost_summary(spec, study); },
        [&](const nlohmann::json& j) { return rc::cost_csv(j, study.run); });
    if (!h5_path.empty()) {
        rc::write_cost_hdf5(h5_path, spec, study.run, &study.cascade);
    }
    return code(ExitCode::ok);
}

int list_countries(const std::string& country)
{
    std::cout << reesx::costs::format_countries(reesx::costs::builtin_cost_data(), country);
    return code(ExitCode::ok);
}

//! "Nd 59.3, Pr 19.2, ..." : the elements with at least 1 % of the REO (oxide mass), largest
//! first, at most `count` of them.
std::string main_elements(const reesx::FeedComposition& feed, std::size_t count)
{
    const auto oxide = feed.oxide_mass_fraction();
    std::vector<int> order(oxide.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return oxide[a] > oxide[b]; });
    std::string out;
    for (std::size_t i = 0; i < order.size() && i < count; ++i) {
        if (oxide[order[i]] < 0.01) {
            break;
        }
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%s%s %.1f", out.empty() ? "" : ", ",
                      std::string(reesx::elements()[order[i]].symbol).c_str(),
                      100.0 * oxide[order[i]]);
        out += buffer;
    }
    return out;
}

void print_feed(const reesx::FeedComposition& feed)
{
    std::printf("%s — %s\n", feed.name.c_str(), feed.description.c_str());
    std::printf("  origin: %s\n", feed.origin.c_str());
    const auto oxide = feed.oxide_mass_fraction();
    std::printf("  %-3s %12s  %-7s %16s\n", "El", "mole frac", "oxide", "oxide mass frac");
    for (int e = 0; e < reesx::num_elements; ++e) {
        if (feed.mole_fraction[e] <= 0.0) {
            continue;
        }
        const auto& element = reesx::elements()[e];
        std::printf("  %-3s %12.6f  %-7s %16.6f\n", std::string(element.symbol).c_str(),
                    feed.mole_fraction[e], std::string(element.oxide).c_str(), oxide[e]);
    }
    std::printf("  (elements not listed: 0)\n");
    std::printf("  kg REO per mol RE: %.6f\n", feed.kg_reo_per_mol());
    if (feed.concentration_mol_per_L) {
        std::printf("  concentration: %.6g mol/L total RE\n", *feed.concentration_mol_per_L);
    }
    std::printf("  source: %s\n", feed.source.empty() ? "(none given)" : feed.source.c_str());
    if (!feed.notes.empty()) {
        std::printf("  notes: %s\n", feed.notes.c_str());
    }
}

int list_feeds(const std::string& name)
{
    if (!name.empty()) {
        print_feed(reesx::load_feed(name));
        return code(ExitCode::ok);
    }
    const auto feeds = reesx::builtin_feeds();
    if (feeds.empty()) {
        std::printf("No built-in feeds.\n");
    } else {
        std::printf("%-14s %-34s  %s\n", "name", "main elements (% of REO)", "description");
    }
    for (const auto& feed : feeds) {
        std::printf("%-14s %-34s  %s\n", feed.name.c_str(), main_elements(feed, 4).c_str(),
                    feed.description.c_str());
        std::printf("%-14s source: %s\n", "", feed.source.c_str());
    }
    std::printf(
        "\n`reesx feeds NAME` (or FILE.yaml) shows one feed's full distribution, source and "
        "notes.\n");
    return code(ExitCode::ok);
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"reesx: rare-earth solvent-extraction cascade simulator"};
    app.set_version_flag("--version", std::string("reesx ") + REESX_VERSION);
    app.require_subcommand(1);

    std::string case_path, h5_path, json_path, csv_dir, system_name, feed_name;
    const char* csv_help = "folder for the CSV tables (created if missing; docs/user-guide.md)";
    const char* dot_help = "Graphviz DOT diagram (SVG too if dot exists)";
    const char* svg_help = "the diagram as SVG (needs Graphviz `dot`)";
    DiagramFiles run_diagram;
    bool stage_profile = false, quiet = false, verbose = false;
    auto* run = app.add_subcommand("run", "steady state of the cascade or plant in CASE");
    run->add_option("case", case_path, "case file or plant file (YAML)")->required();
    run->add_option("-o,--output", h5_path, "HDF5 result file");
    run->add_option("--json", json_path, "JSON summary file");
    run->add_option("--csv", csv_dir, csv_help);
    run->add_option("--dot", run_diagram.dot_path, std::string("plant file: ") + dot_help);
    run->add_option("--svg", run_diagram.svg_path, std::string("plant file: ") + svg_help);
    run->add_flag("--stages", stage_profile, "print the stage-by-stage profile");
    run->add_flag("-q,--quiet", quiet, "print nothing on stdout");
    run->add_flag("--verbose", verbose,
                  "the solver's progress on stderr: each method tried, each Newton iteration");
    auto* check = app.add_subcommand("check", "parse and check CASE, count equations; no solve");
    check->add_option("case", case_path, "case file (YAML)")->required();
    DesignOptions d;
    auto* design = app.add_subcommand(
        "design", "size one cascade (stages, flows) for a purity target at a cut");
    design->add_option("design_file", d.file, "design file (YAML); or give the options below");
    design->add_option("--system", d.system, "extraction system name or YAML file");
    design->add_option("--feed", d.feed,
                       "built-in feed name (reesx feeds), YAML file, or \"Pr:0.25,Nd:0.75\"");
    design->add_option(
        "--split", d.split,
        "the cut: Pr/Nd (adjacent elements), La-Nd/Sm-Lu, or La/Ce/Pr (three outlets)");
    design->add_option("--purity", d.purity, "purity of both products (default 0.9999)");
    design->add_option("--purity-a", d.purity_a, "purity of the more extractable product");
    design->add_option("--purity-b", d.purity_b, "purity of the less extractable product");
    design->add_option("--recovery", d.recovery, "recovery of one product (with one purity)");
    design->add_option("--recovery-of", d.recovery_of, "A, B or an element (default A)");
    design->add_option("--feed-rate", d.feed_rate,
                       "\"1000 kg/h REO\", \"2000 t/y\", \"20 mol/h\" or a feed flow \"500 L/h\"");
    design->add_option("--efficiency", d.efficiency,
                       "Murphree efficiency, 0.9 or per section \"extraction:0.9,scrub:0.85\"");
    design->add_option("--middle-purity", d.middle_purity,
                       "three-group split (La/Ce/Pr): purity of the middle product");
    design->add_option("--middle-recovery", d.middle_recovery,
                       "three-group split: recovery of the middle group in its product");
    design->add_option("--feed-phase", d.feed_phase, "aqueous (default) or organic");
    design->add_option("--scrub-acid", d.scrub_acid, "scrub HCl, e.g. \"4 mol/L\"");
    design->add_option("--reflux-multiple", d.reflux_multiple,
                       "S as a multiple of S_min instead of the theory's optimum");
    design->add_option("--max-stages", d.max_stages,
                       "stage budget: the smallest reflux that meets the targets");
    design->add_option("--strip-stages", d.strip_stages, "add a strip section");
    design->add_option("--tradeoff-points", d.tradeoff_points,
                       "points of the stages-vs-reflux curve (default 20, 0: none)");
    design
        ->add_option("--uncertainty", d.uncertainty,
                     "N samples of the system's values (fit covariance or ranges): stages "
                     "and reflux as P10/P50/P90")
        ->check(CLI::Range(1, 1000000));
    design->add_option("--seed", d.seed, "--uncertainty seed (same seed, same result)");
    design->add_option("--threads", d.threads, "--uncertainty threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    design->add_option("--json", d.out.json_path, "JSON summary file");
    design->add_option("--csv", d.out.csv_dir, csv_help);
    design->add_option("--case", d.case_path, "write the case file that reproduces the design");
    design->add_option("-o,--output", d.h5_path,
                       "HDF5 result file (the designed cascade's simulation)");
    design->add_flag("-q,--quiet", d.quiet, "print nothing on stdout");
    double dynamic_hours = 0.0;
    auto* dynamic = app.add_subcommand("dynamic", "time-domain simulation of CASE (IDA)");
    dynamic->add_option("case", case_path, "case file (YAML) with an optional dynamic: mapping")
        ->required();
    dynamic->add_option("--hours", dynamic_hours, "simulated time, h (overrides dynamic.hours)");
    dynamic->add_option("-o,--output", h5_path, "HDF5 time series");
    dynamic->add_option("--json", json_path, "JSON summary file");
    dynamic->add_option("--csv", csv_dir, csv_help);
    dynamic->add_flag("-q,--quiet", quiet, "print nothing on stdout");
    SeparateOptions sep;
    auto* separate =
        app.add_subcommand("separate", "design a plant that separates every element of FEED");
    separate->add_option("separate_file", sep.file, "separate file (YAML); or the options");
    separate->add_option("--feed", sep.feed,
                         "built-in feed name (reesx feeds), YAML file, or \"Pr:0.25,Nd:0.75\"");
    separate->add_option("--system", sep.system, "extraction system (default p507-hcl)");
    separate->add_option("--purity", sep.purity, "purity of every product (default 0.9999)");
    separate->add_option("--lump-below,--threshold", sep.lump_below,
                         "lump elements below this feed mole fraction with their neighbour "
                         "(default 0: every element present is a product)");
    separate->add_option("--feed-rate", sep.feed_rate, "e.g. \"1000 kg/h REO\"");
    separate->add_option("--json", sep.out.json_path, "JSON summary file");
    separate->add_option("--csv", sep.out.csv_dir, csv_help);
    separate->add_option("--dot", sep.diagram.dot_path, dot_help);
    separate->add_option("--svg", sep.diagram.svg_path, svg_help);
    separate->add_option("-o,--output", sep.h5_path, "HDF5 result file (every cascade)");
    separate->add_option("--plant-file", sep.plant_path,
                         "write the plant as a plant file that `reesx run` simulates");
    separate->add_flag("--linked", sep.linked,
                       "link the cascades: loaded organic to the next cascade's organic feed");
    separate->add_option("--countries", sep.countries,
                         "cost the plant in these countries/regions, e.g. CN-NM,US "
                         "(docs/costs.md, \"Whole plants\")");
    separate->add_option("--scenario", sep.scenario,
                         "capital location-factor scenario of the costing (with --countries)");
    separate->add_flag("-q,--quiet", sep.quiet, "print nothing on stdout");
    auto* elements = app.add_subcommand("elements", "list the 17 rare earths with sources");
    auto* systems = app.add_subcommand("systems", "list extraction systems, or show one");
    systems->add_option("name", system_name, "system name or YAML file");
    auto* feeds = app.add_subcommand("feeds", "list the built-in feed library, or show one feed");
    feeds->add_option("name", feed_name, "feed name or YAML file");
    std::string cases_dir;
    std::vector<std::string> only_cases;
    bool allow_known = false, strict = false;
    auto* validate_cmd = app.add_subcommand(
        "validate", "run the validation cases: computed vs published, one table");
    validate_cmd->add_option("--json", json_path, "JSON summary file");
    validate_cmd->add_option("--cases", cases_dir,
                             "read case folders from DIR instead of the built-in ones");
    validate_cmd->add_option("--case", only_cases, "run only this case (repeatable)");
    validate_cmd->add_flag("--strict", strict,
                           "exit 2 on known discrepancies too (by default those documented in "
                           "their case README do not fail the run)");
    validate_cmd
        ->add_flag("--allow-known", allow_known,
                   "the default now: known discrepancies do not fail the run (kept for scripts)")
        ->excludes("--strict");
    validate_cmd->add_flag("-q,--quiet", quiet, "print nothing on stdout (the exit code says)");

    reesx::cli::OptimizeArgs optimize_args;
    auto* optimize = reesx::cli::add_optimize_command(app, optimize_args);

    CostArgs cost_args;
    auto* cost = app.add_subcommand(
        "cost", "capital, operating cost, energy and CO2 of the cascade in CASE, per country");
    cost->add_option("case", case_path, "case file (YAML)")->required();
    cost->add_option("--countries", cost_args.countries,
                     "comma-separated country/region codes, the first is the reference "
                     "(default: the case's cost.countries, else CN-NM,US,AU,MY,VN,JP)");
    cost->add_option("--json", json_path, "JSON summary file");
    cost->add_option("--csv", csv_dir, csv_help);
    cost->add_option("-o,--output", h5_path, "HDF5 result file (with the Monte Carlo samples)");
    cost->add_option(
        "--scenario", cost_args.scenario,
        "capital location-factor scenario (towler-sinnott, compass-2017, china-third)");
    cost->add_flag("--sensitivity", cost_args.sensitivity,
                   "tornado of USD/kg over every parameter's range");
    cost->add_option("--monte-carlo", cost_args.monte_carlo,
                     "samples of every range (separation factors re-simulated)")
        ->check(CLI::Range(1, 1000000));
    cost->add_option("--seed", cost_args.seed, "Monte Carlo seed (same seed, same result)");
    cost->add_option("--threads", cost_args.threads, "Monte Carlo threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    cost->add_flag("-q,--quiet", cost_args.quiet,
                   "print nothing on stdout and no Monte Carlo progress (warnings on stderr)");
    cost->add_flag("--no-resimulate", cost_args.no_resimulate,
                   "Monte Carlo over the cost data only (keep the simulated flows)");
    auto* fit = reesx::cli::add_fit_command(app);
    std::string country_code;
    auto* countries = app.add_subcommand("countries", "list the cost data by country, or show one");
    countries->add_option("code", country_code, "country/region code, or 'global'");
    const reesx::tools::PythonCommands python_commands = reesx::tools::add_python_commands(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? 0 : code(ExitCode::bad_input);
    }
    if (const int status = reesx::tools::run_python_command(python_commands); status >= 0) {
        return status;
    }
    try {
        if (*run) {
            return run_case(case_path, h5_path, {json_path, csv_dir}, run_diagram, stage_profile,
                            quiet, verbose);
        }
        if (*check) {
            return check_case(case_path);
        }
        if (*design) {
            return run_design(d);
        }
        if (*dynamic) {
            return run_dynamic(case_path, dynamic_hours, h5_path, {json_path, csv_dir}, quiet);
        }
        if (*separate) {
            return run_separate(sep);
        }
        if (*cost) {
            return cost_case(case_path, h5_path, {json_path, csv_dir}, cost_args);
        }
        if (*optimize) {
            return reesx::cli::run_optimize(optimize_args);
        }
        if (*countries) {
            return list_countries(country_code);
        }
        if (*elements) {
            return list_elements();
        }
        if (*systems) {
            return list_systems(system_name);
        }
        if (*feeds) {
            return list_feeds(feed_name);
        }
        if (*fit) {
            return reesx::cli::run_fit_command();
        }
        if (*validate_cmd) {
            return validate(cases_dir, only_cases, json_path, strict, quiet);
        }
    } catch (const reesx::Error& e) {
        std::cerr << "reesx: " << e.what() << "\n";
        return code(e.exit_code());
    } catch (const std::exception& e) {
        std::cerr << "reesx: internal error: " << e.what() << "\n";
        return code(ExitCode::internal);
    }
    return code(ExitCode::internal);
}
