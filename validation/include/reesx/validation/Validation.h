// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Validation against analytic results and published data (`reesx validate`, docs/validation.md).
//
// Every case lives in validation/<case>/:
//   validation.yaml  what is compared: kind (analytic or published), the reesx case it runs,
//                    and per quantity the published value, how reesx computes it, the
//                    acceptance tolerance and the reason for it;
//   source.yaml      the full citation (DOI or URL), the table or figure used, how the
//                    numbers were obtained (transcribed, derived, digitized), units,
//                    conditions and the reported uncertainty;
//   case.yaml        the reesx input (an ordinary case file for `reesx run`);
//   README.md        a short comparison of the two, and why they differ where they do.
//
// The case folders are compiled into the library (so an installed `reesx validate` needs no
// source tree); `--cases DIR` reads them from a folder instead.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reesx/core/Input.h"

namespace reesx::validation {

//! The files of one case folder, by file name ("validation.yaml", "source.yaml", ...), with
//! the name each is reported under in messages (a path in the source tree or on disk).
struct CaseFiles {
    std::string name;  //!< the folder name, e.g. "kremser"
    std::map<std::string, std::string> text;
    std::map<std::string, std::string> display_path;
};

//! The case folders compiled into reesx, sorted by name.
std::vector<CaseFiles> embedded_case_files();
//! Every sub-folder of `dir` that holds a validation.yaml, sorted by name. InputError when
//! `dir` is not a readable folder or holds no case.
std::vector<CaseFiles> case_files_from_directory(const std::string& dir);

enum class Kind { analytic, published };

//! How reesx computes a quantity from a case (the `computed:` mapping of a comparison).
struct ComputedSpec {
    std::string type;  //!< recovery, mole-fraction, separation-factor, reflux,
                       //!< fenske-stages, minimum-reflux, aqueous-concentration,
                       //!< organic-concentration, distribution-ratio
    std::string product;
    std::string element, more, less;  //!< element symbols
    int stage = 0;                    //!< 1-based
    std::string reflux;               //!< S or W
    double purity = 0.0;       //!< minimum-reflux: product A's (both products') target purity
    double purity_b = 0.0;     //!< minimum-reflux: product B's target (= purity unless purity-b)
    int precision_digits = 4;  //!< minimum-reflux: bisection to 10^-digits relative
    //! distribution-ratio: another reesx input of the case folder; when set, the value is
    //! D in this run divided by D of `divisor_element` (default: the same element) in the same
    //! stage of that one.
    std::string divided_by;
    std::string divisor_element;
};

struct Comparison {
    std::string quantity;   //!< what is compared, with its unit
    std::string case_file;  //!< the reesx input it runs, when not the case's default
    double published = 0.0;
    ComputedSpec computed;
    double tolerance = 0.0;
    bool relative = true;  //!< tolerance on |c-p|/|p| (true) or on |c-p|
    std::string tolerance_reason;
    //! A disagreement that was investigated and is explained in the README: the comparison
    //! still fails (it is never counted as a pass); `--allow-known` lets the run exit 0.
    bool known_discrepancy = false;
    std::string discrepancy;  //!< one line: why, and where the README explains it
};

struct ValidationCase {
    std::string name;
    std::string title;
    Kind kind = Kind::published;
    std::string source;  //!< short citation for the table (full one in source.yaml)
    std::string case_file;
    //! Set when reesx cannot compute the quantities yet (e.g. "needs reesx design"): the
    //! comparisons are listed with their published values and status pending, never passed.
    std::optional<std::string> pending;
    std::vector<Comparison> comparisons;
    CaseFiles files;
};

//! Parses and checks a case folder (validation.yaml and source.yaml); InputError located in
//! the file on any problem.
ValidationCase parse_case_folder(const CaseFiles& files);

enum class Status { pass, fail, known_discrepancy, pending, error };
std::string_view status_name(Status status);

struct Row {
    std::string case_name;
    Kind kind = Kind::published;
    std::string source;
    std::string quantity;
    double published = 0.0;
    std::optional<double> computed;
    std::optional<double> difference;  //!< relative or absolute, as the tolerance
    double tolerance = 0.0;
    bool relative = true;
    Status status = Status::pending;
    std::string note;  //!< pending reason, discrepancy, or the error message
};

struct Report {
    std::vector<Row> rows;
    double seconds = 0.0;
    int count(Status status) const;
    //! True when every evaluated comparison passed; with `allow_known`, known discrepancies
    //! (explained in their README) do not count against it. Pending rows never do.
    bool ok(bool allow_known = false) const;
};

//! Runs the reesx case of `vc` and evaluates every comparison (none for a pending case). A
//! solve that fails (no convergence, infeasible) becomes rows with status error.
std::vector<Row> evaluate(const ValidationCase& vc);

//! Loads and runs the given case folders; `only` (when not empty) selects cases by name and
//! InputError names the valid ones when a name is unknown.
Report run(const std::vector<CaseFiles>& folders, const std::vector<std::string>& only = {});

//! The table of `reesx validate`: analytic cases first, then published-data cases; case,
//! quantity, published, computed, difference, tolerance, result; then a per-case status and
//! the totals.
std::string format_report(const Report& report);

//! The `validate` JSON summary (interface.md): reesx_version, command, cases (one entry per
//! comparison: name, kind, source, quantity, published, computed, difference, tolerance,
//! tolerance_kind, pass, status, note), summary.
nlohmann::json report_json(const Report& report);

//! The whole `validate` JSON summary: report_json plus `input` {cases (`cases_dir`, or
//! "built-in" when empty), only, strict, allow_known (= !strict: documented known
//! discrepancies do not fail the run)}.
nlohmann::json validate_summary(const Report& report, const std::string& cases_dir,
                                const std::vector<std::string>& only, bool strict);

}  // namespace reesx::validation
