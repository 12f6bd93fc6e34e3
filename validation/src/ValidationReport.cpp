// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The validation report: the table `reesx validate` prints and its JSON.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "reesx/io/Results.h"
#include "reesx/validation/Validation.h"

#include "ValidationDetail.h"

namespace reesx::validation {

using detail::printf_string;

namespace {

std::string pad(const std::string& s, std::size_t width)
{
    // Width in code points, so that UTF-8 text (β, ≤) lines up.
    std::size_t cps = 0;
    for (unsigned char ch : s) {
        cps += (ch & 0xC0) != 0x80;
    }
    return cps >= width ? s : s + std::string(width - cps, ' ');
}

std::string number(double v)
{
    return printf_string(std::abs(v) >= 1e-3 && std::abs(v) < 1e6 ? "%.6g" : "%.4e", v);
}

std::string result_text(const Row& row)
{
    switch (row.status) {
        case Status::pass:
            return "pass";
        case Status::fail:
            return "FAIL";
        case Status::known_discrepancy:
            return "known discrepancy (see README)";
        case Status::pending:
            return "pending";
        case Status::error:
            return "ERROR";
    }
    return "";
}

}  // namespace

std::string_view status_name(Status status)
{
    switch (status) {
        case Status::pass:
            return "pass";
        case Status::fail:
            return "fail";
        case Status::known_discrepancy:
            return "known-discrepancy";
        case Status::pending:
            return "pending";
        case Status::error:
            return "error";
    }
    return "";
}

int Report::count(Status status) const
{
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(), [&](const Row& r) { return r.status == status; }));
}

bool Report::ok(bool allow_known) const
{
    return count(Status::fail) == 0 && count(Status::error) == 0 &&
           (allow_known || count(Status::known_discrepancy) == 0);
}

std::string format_report(const Report& report)
{
    std::ostringstream out;
    const std::size_t w_case = 26, w_qty = 46, w_num = 13, w_diff = 11, w_tol = 13;
    for (const Kind kind : {Kind::analytic, Kind::published}) {
        const bool any = std::any_of(report.rows.begin(), report.rows.end(),
                                     [&](const Row& r) { return r.kind == kind; });
        if (!any) {
            continue;
        }
        out << (kind == Kind::analytic ? "Analytic and textbook cases\n"
                                       : "Published-data cases\n");
        out << pad("case", w_case) << pad("quantity", w_qty) << pad("published", w_num)
            << pad("computed", w_num) << pad("difference", w_diff) << pad("tolerance", w_tol)
            << "result\n";
        for (const auto& r : report.rows) {
            if (r.kind != kind) {
                continue;
            }
            const std::string tol =
                printf_string("%.2g", r.tolerance) + (r.relative ? " rel" : " abs");
            out << pad(r.case_name, w_case) << pad(r.quantity, w_qty)
                << pad(number(r.published), w_num)
                << pad(r.computed ? number(*r.computed) : "-", w_num)
                << pad(r.difference ? printf_string("%+.2e", *r.difference) : "-", w_diff)
                << pad(tol, w_tol) << result_text(r) << "\n";
        }
        out << "\n";
    }
    // One line per case: what a reader (and ctest) looks at.
    std::vector<std::string> seen;
    for (const auto& r : report.rows) {
        if (std::find(seen.begin(), seen.end(), r.case_name) != seen.end()) {
            continue;
        }
        seen.push_back(r.case_name);
        Status worst = Status::pass;
        std::string note;
        for (const auto& q : report.rows) {
            if (q.case_name != r.case_name) {
                continue;
            }
            auto rank = [](Status s) {
                switch (s) {
                    case Status::pass:
                        return 0;
                    case Status::pending:
                        return 1;
                    case Status::known_discrepancy:
                        return 2;
                    case Status::fail:
                        return 3;
                    case Status::error:
                        return 4;
                }
                return 0;
            };
            if (rank(q.status) > rank(worst)) {
                worst = q.status;
            }
            if (rank(q.status) >= rank(worst) && !q.note.empty()) {
                note = q.note;
            }
        }
        out << "case " << r.case_name << ": status: " << status_name(worst)
            << (note.empty() ? "" : " (" + note + ")") << "\n";
    }
    out << "\n"
        << report.count(Status::pass) << " passed, " << report.count(Status::fail) << " failed, "
        << report.count(Status::known_discrepancy)
        << " known discrepancies (outside tolerance, explained in their README; --strict "
           "fails on them), "
        << report.count(Status::error) << " errors, " << report.count(Status::pending)
        << " pending (not evaluated, not passes) in " << printf_string("%.2f", report.seconds)
        << " s\n";
    return out.str();
}

nlohmann::json report_json(const Report& report)
{
    nlohmann::json j;
    j["reesx_version"] = io::version();
    j["command"] = "validate";
    nlohmann::json cases = nlohmann::json::array();
    for (const auto& r : report.rows) {
        nlohmann::json row;
        row["name"] = r.case_name;
        row["kind"] = r.kind == Kind::analytic ? "analytic" : "published";
        row["source"] = r.source;
        row["quantity"] = r.quantity;
        row["published"] = r.published;
        row["computed"] = r.computed ? nlohmann::json(*r.computed) : nlohmann::json(nullptr);
        row["difference"] = r.difference && std::isfinite(*r.difference)
                                ? nlohmann::json(*r.difference)
                                : nlohmann::json(nullptr);
        row["tolerance"] = r.tolerance;
        row["tolerance_kind"] = r.relative ? "relative" : "absolute";
        row["pass"] = r.status == Status::pass;
        row["status"] = std::string(status_name(r.status));
        row["note"] = r.note;
        cases.push_back(row);
    }
    j["cases"] = cases;
    j["summary"] = {{"passed", report.count(Status::pass)},
                    {"failed", report.count(Status::fail)},
                    {"known_discrepancies", report.count(Status::known_discrepancy)},
                    {"errors", report.count(Status::error)},
                    {"pending", report.count(Status::pending)},
                    {"all_passed", report.ok()},
                    {"seconds", report.seconds}};
    return j;
}

nlohmann::json validate_summary(const Report& report, const std::string& cases_dir,
                                const std::vector<std::string>& only, bool strict)
{
    nlohmann::json j = report_json(report);
    j["input"] = {{"cases", cases_dir.empty() ? "built-in" : cases_dir},
                  {"only", only},
                  {"strict", strict},
                  {"allow_known", !strict}};
    return j;
}

}  // namespace reesx::validation
