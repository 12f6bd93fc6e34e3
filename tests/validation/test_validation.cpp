// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The validation framework (`reesx validate`, docs/validation.md): case folders, the
// comparison statuses, located errors, the JSON summary and the CLI exit codes. The cases
// themselves are ctest tests with label `validation` (validation/CMakeLists.txt).
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reesx/core/Error.h"
#include "reesx/validation/Validation.h"

namespace fs = std::filesystem;
namespace v = reesx::validation;

namespace {

const std::string kSourceYaml = R"yaml(citation: "Kremser (1930)"
url: "http://www.cbu.edu/~rprice/lectures/kremser.html"
used: "the Kremser equation"
obtained: "analytic: formula"
units: "fractions"
conditions: "ideal stages"
uncertainty: "none"
)yaml";

// Kremser cascade: La, D = 2, Qo/Qa = 0.6 (E = 1.2), 8 stages; phi = 0.04807946167249939.
const std::string kKremserCase = R"yaml(system: p507-hcl
model: constant-distribution
stages: {extraction: 8}
feed: {flow: 100 L/h, concentration: 0.2 mol/L, composition: {La: 1.0}}
organic: {flow: 60 L/h}
distribution: {La: 2.0}
)yaml";

v::CaseFiles make_case(const std::string& name, const std::string& validation_yaml,
                       const std::string& case_yaml = kKremserCase,
                       const std::string& source_yaml = kSourceYaml)
{
    v::CaseFiles f;
    f.name = name;
    f.text["validation.yaml"] = validation_yaml;
    f.text["source.yaml"] = source_yaml;
    f.text["README.md"] = "# test case\n";
    if (!case_yaml.empty()) {
        f.text["case.yaml"] = case_yaml;
    }
    for (const auto& [file, text] : f.text) {
        f.display_path[file] = "test/" + name + "/" + file;
    }
    return f;
}

std::string kremser_validation(const std::string& name, double published,
                               const std::string& extra = "")
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", published);
    return "name: " + name +
           "\ntitle: t\nkind: analytic\nsource: s\ncase: case.yaml\ncomparisons:\n"
           "  - quantity: phi\n    published: " +
           buf +
           "\n    computed: {recovery: {product: raffinate, element: La}}\n"
           "    tolerance: {relative: 1.0e-9}\n    reason: exact\n" +
           extra;
}

std::string input_error(const v::CaseFiles& files)
{
    try {
        v::parse_case_folder(files);
    } catch (const reesx::InputError& e) {
        return e.what();
    }
    return "";
}

using reesx::test::CommandRun;
using reesx::test::run_reesx;

void write_folder(const fs::path& dir, const v::CaseFiles& files)
{
    fs::create_directories(dir / files.name);
    for (const auto& [file, text] : files.text) {
        std::ofstream(dir / files.name / file) << text;
    }
}

}  // namespace

TEST(ValidationCases, embeddedCasesAreTheSourceTreeCases)
{
    // The compiled-in cases must be the files in validation/ (a stale build would differ).
    const auto embedded = v::embedded_case_files();
    const auto on_disk =
        v::case_files_from_directory(std::string(REESX_SOURCE_DIR) + "/validation");
    ASSERT_EQ(embedded.size(), on_disk.size());
    ASSERT_GE(embedded.size(), 8u);
    for (std::size_t k = 0; k < embedded.size(); ++k) {
        EXPECT_EQ(embedded[k].name, on_disk[k].name);
        EXPECT_EQ(embedded[k].text, on_disk[k].text) << embedded[k].name;
    }
}

TEST(ValidationCases, everyCaseParsesWithSourceAndReadme)
{
    int analytic = 0, published = 0;
    for (const auto& files : v::embedded_case_files()) {
        const v::ValidationCase vc = v::parse_case_folder(files);
        EXPECT_TRUE(files.text.count("README.md")) << vc.name;
        EXPECT_FALSE(vc.comparisons.empty()) << vc.name;
        (vc.kind == v::Kind::analytic ? analytic : published) += 1;
    }
    EXPECT_GE(analytic, 4);
    EXPECT_GE(published, 4);
}

TEST(ValidationCases, analyticCasesPass)
{
    const v::Report report =
        v::run(v::embedded_case_files(),
               {"kremser", "murphree-kremser", "fenske-total-reflux", "minimum-reflux"});
    ASSERT_GE(report.rows.size(), 9u);
    for (const auto& row : report.rows) {
        EXPECT_EQ(row.status, v::Status::pass) << row.case_name << ": " << row.quantity;
        ASSERT_TRUE(row.computed.has_value());
        EXPECT_LE(std::abs(*row.difference), row.tolerance);
    }
    EXPECT_TRUE(report.ok());
}

TEST(ValidationStatus, passFailAndRelativeDifference)
{
    const double phi = 0.04807946167249939;
    const v::Report good = v::run({make_case("k", kremser_validation("k", phi))});
    ASSERT_EQ(good.rows.size(), 1u);
    EXPECT_EQ(good.rows[0].status, v::Status::pass);
    EXPECT_NEAR(*good.rows[0].computed, phi, 1e-12);
    EXPECT_TRUE(good.ok());

    const v::Report bad = v::run({make_case("k", kremser_validation("k", phi * 1.01))});
    EXPECT_EQ(bad.rows[0].status, v::Status::fail);
    EXPECT_NEAR(*bad.rows[0].difference, 1.0 / 1.01 - 1.0, 1e-9);
    EXPECT_FALSE(bad.ok());
    EXPECT_FALSE(bad.ok(true));  // an unexplained failure is never allowed
}

TEST(ValidationStatus, knownDiscrepancyFailsButCanBeAllowed)
{
    const double phi = 0.04807946167249939;
    const std::string known = "    known-discrepancy: explained in README\n";
    const v::Report report = v::run({make_case("k", kremser_validation("k", phi * 1.01, known))});
    EXPECT_EQ(report.rows[0].status, v::Status::known_discrepancy);
    EXPECT_EQ(report.count(v::Status::pass), 0);
    EXPECT_FALSE(report.ok());
    EXPECT_TRUE(report.ok(true));

    // A recorded discrepancy that no longer fails is flagged: the case file is out of date.
    const v::Report stale = v::run({make_case("k", kremser_validation("k", phi, known))});
    EXPECT_EQ(stale.rows[0].status, v::Status::fail);
    EXPECT_FALSE(stale.ok(true));
}

TEST(ValidationStatus, pendingCasesAreListedNotPassed)
{
    const std::string yaml =
        "name: p\ntitle: t\nkind: published\nsource: s\npending: needs reesx design\n"
        "comparisons:\n  - {quantity: stages, published: 100, tolerance: {relative: 0.1}, "
        "reason: r}\n";
    const v::Report report = v::run({make_case("p", yaml, "")});
    ASSERT_EQ(report.rows.size(), 1u);
    EXPECT_EQ(report.rows[0].status, v::Status::pending);
    EXPECT_FALSE(report.rows[0].computed.has_value());
    EXPECT_EQ(report.count(v::Status::pass), 0);
    EXPECT_TRUE(report.ok());
    EXPECT_NE(v::format_report(report).find("status: pending (needs reesx design)"),
              std::string::npos);
}

TEST(ValidationStatus, infeasibleRunIsAnError)
{
    // Separation-factor model with S >= F + W: the run fails (exit 2 in `reesx run`).
    const std::string infeasible = R"yaml(system: p507-hcl
stages: {extraction: 5, scrub: 5}
feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Pr: 0.5, Nd: 0.5}}
organic: {flow: 10 L/h, loading: 1 mol/L}
scrub: {flow: 1 L/h, acid: 3 mol/L}
)yaml";
    const std::string yaml =
        "name: x\ntitle: t\nkind: analytic\nsource: s\ncase: case.yaml\ncomparisons:\n"
        "  - quantity: S\n    published: 10\n    computed: {reflux: S}\n"
        "    tolerance: {relative: 0.1}\n    reason: r\n";
    const v::Report report = v::run({make_case("x", yaml, infeasible)});
    ASSERT_EQ(report.rows.size(), 1u);
    EXPECT_EQ(report.rows[0].status, v::Status::error);
    EXPECT_FALSE(report.rows[0].note.empty());
    EXPECT_FALSE(report.ok(true));
}

TEST(ValidationInput, errorsAreLocated)
{
    const double phi = 0.048;
    // Unknown key, with the file and line.
    std::string msg =
        input_error(make_case("k", kremser_validation("k", phi, "    tolerence: 1\n")));
    EXPECT_NE(msg.find("test/k/validation.yaml:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("tolerence"), std::string::npos) << msg;
    // The name must be the folder's.
    msg = input_error(make_case("other", kremser_validation("k", phi)));
    EXPECT_NE(msg.find("folder name 'other'"), std::string::npos) << msg;
    // A source needs a DOI or URL.
    std::string no_url = kSourceYaml;
    no_url.erase(no_url.find("url:"),
                 no_url.find('\n', no_url.find("url:")) - no_url.find("url:") + 1);
    msg = input_error(make_case("k", kremser_validation("k", phi), kKremserCase, no_url));
    EXPECT_NE(msg.find("doi"), std::string::npos) << msg;
    // An unknown element in `computed`.
    std::string bad_element = kremser_validation("k", phi);
    bad_element.replace(bad_element.find("element: La"), 11, "element: Xx");
    msg = input_error(make_case("k", bad_element));
    EXPECT_NE(msg.find("Xx"), std::string::npos) << msg;
    // A case that is not pending must say what it runs.
    std::string no_case = kremser_validation("k", phi);
    no_case.erase(no_case.find("case: case.yaml\n"), 16);
    msg = input_error(make_case("k", no_case));
    EXPECT_NE(msg.find("case"), std::string::npos) << msg;
    // minimum-reflux with the elements swapped (Pr is the less extractable) is refused.
    std::string case_text;
    for (const auto& f : v::embedded_case_files()) {
        if (f.name == "minimum-reflux") {
            case_text = f.text.at("case-aqueous.yaml");
        }
    }
    ASSERT_FALSE(case_text.empty());
    const std::string swapped =
        "name: m\ntitle: t\nkind: analytic\nsource: s\ncase: case.yaml\ncomparisons:\n"
        "  - quantity: S_min\n    published: 2.75\n"
        "    computed: {minimum-reflux: {reflux: S, purity: 0.9999, more: Pr, less: Nd}}\n"
        "    tolerance: {relative: 0.01}\n    reason: r\n";
    try {
        v::run({make_case("m", swapped, case_text)});
        ADD_FAILURE() << "swapped elements accepted";
    } catch (const reesx::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("more extractable"), std::string::npos) << e.what();
    }
    // Unknown case names are refused, naming the valid ones.
    EXPECT_THROW(v::run({make_case("k", kremser_validation("k", phi))}, {"nope"}),
                 reesx::InputError);
}

TEST(ValidationComputed, distributionRatioAndRatioOfTwoRuns)
{
    // Constant distribution: D_La = 2 in every stage of the Kremser case, 4 in the other one.
    std::string other = kKremserCase;
    other.replace(other.find("{La: 2.0}"), 9, "{La: 4.0, Ce: 8.0}");
    other.replace(other.find("{La: 1.0}"), 9, "{La: 0.5, Ce: 0.5}");
    const std::string yaml =
        "name: d\ntitle: t\nkind: analytic\nsource: s\ncase: case.yaml\ncomparisons:\n"
        "  - quantity: D\n    published: 2\n"
        "    computed: {distribution-ratio: {stage: 8, element: La}}\n"
        "    tolerance: {relative: 1.0e-9}\n    reason: r\n"
        "  - quantity: D ratio\n    published: 0.5\n"
        "    computed: {distribution-ratio: {stage: 1, element: La, divided-by: other.yaml}}\n"
        "    tolerance: {relative: 1.0e-9}\n    reason: r\n"
        "  - quantity: D ratio to Ce\n    published: 0.25\n"
        "    computed: {distribution-ratio: {stage: 2, element: La,\n"
        "               divided-by: {case: other.yaml, element: Ce}}}\n"
        "    tolerance: {relative: 1.0e-9}\n    reason: r\n";
    v::CaseFiles files = make_case("d", yaml);
    files.text["other.yaml"] = other;
    files.display_path["other.yaml"] = "test/d/other.yaml";
    const v::Report report = v::run({files});
    ASSERT_EQ(report.rows.size(), 3u);
    EXPECT_EQ(report.rows[0].status, v::Status::pass) << report.rows[0].note;
    EXPECT_NEAR(*report.rows[0].computed, 2.0, 1e-12);
    EXPECT_EQ(report.rows[1].status, v::Status::pass) << report.rows[1].note;
    EXPECT_NEAR(*report.rows[1].computed, 0.5, 1e-12);
    EXPECT_EQ(report.rows[2].status, v::Status::pass) << report.rows[2].note;
    EXPECT_NEAR(*report.rows[2].computed, 0.25, 1e-12);

    // The divisor must be a file of the case folder; the error names it, located.
    files.text.erase("other.yaml");
    const std::string msg = input_error(files);
    EXPECT_NE(msg.find("test/d/validation.yaml:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("other.yaml"), std::string::npos) << msg;
}

TEST(ValidationComputed, minimumRefluxWithGroupsOfElements)
{
    // A binary beta = 1.5 cascade (40 + 40 stages) and the same with a trace of La, far less
    // extractable than both keys: the group S_min must equal the binary one, and an element
    // between the keys is refused.
    const std::string binary = R"yaml(system:
  name: t
  log10-extractability: {La: -2.0, Pr: 0.0, Ce: 0.08804562952784062, Nd: 0.17609125905568124}
model: separation-factor
stages: {extraction: 40, scrub: 40}
feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Nd: 0.75, Pr: 0.25}}
organic: {flow: 3.0 L/h, loading: 1 mol/L}
scrub: {flow: 2.25 L/h, acid: 3 mol/L}
)yaml";
    std::string with_la = binary;
    with_la.replace(with_la.find("{Nd: 0.75, Pr: 0.25}"), 20,
                    "{Nd: 0.75, Pr: 0.2499999, La: 1e-7}");
    // A major far element: the raffinate is Pr + La, so only a group purity can reach 0.999.
    std::string major_la = binary;
    major_la.replace(major_la.find("{Nd: 0.75, Pr: 0.25}"), 20, "{Nd: 0.6, Pr: 0.2, La: 0.2}");
    std::string with_ce = binary;
    with_ce.replace(with_ce.find("{Nd: 0.75, Pr: 0.25}"), 20, "{Nd: 0.75, Pr: 0.2, Ce: 0.05}");
    const std::string yaml =
        "name: m\ntitle: t\nkind: analytic\nsource: s\ncase: case.yaml\ncomparisons:\n"
        "  - quantity: S_min\n    published: 3\n"
        "    computed: {minimum-reflux: {reflux: S, purity: 0.999, more: Nd, less: Pr, digits: "
        "6}}\n"
        "    tolerance: {relative: 0.5}\n    reason: r\n";
    const v::Report a = v::run({make_case("m", yaml, binary)});
    const v::Report b = v::run({make_case("m", yaml, with_la)});
    ASSERT_TRUE(a.rows[0].computed && b.rows[0].computed) << a.rows[0].note << b.rows[0].note;
    EXPECT_NEAR(*b.rows[0].computed, *a.rows[0].computed, 1e-4 * *a.rows[0].computed);
    const v::Report c = v::run({make_case("m", yaml, major_la)});
    ASSERT_TRUE(c.rows[0].computed.has_value()) << c.rows[0].note;
    EXPECT_GT(*c.rows[0].computed, 0.6);  // at least the A product's share of the feed
    try {
        v::run({make_case("m", yaml, with_ce)});
        ADD_FAILURE() << "an element between the keys was accepted";
    } catch (const reesx::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("Ce lies between"), std::string::npos) << e.what();
    }
}

TEST(ValidationComputed, minimumRefluxWithTwoTargets)
{
    // The 40 + 40 stage binary of minimumRefluxWithGroupsOfElements: purity-a and purity-b
    // equal to one purity give its S_min; a looser raffinate target needs less reflux (and a
    // different product split); giving both forms is a located error.
    const std::string binary = R"yaml(system:
  name: t
  log10-extractability: {Pr: 0.0, Nd: 0.17609125905568124}
model: separation-factor
stages: {extraction: 40, scrub: 40}
feed: {flow: 1 L/h, concentration: 1 mol/L, composition: {Nd: 0.75, Pr: 0.25}}
organic: {flow: 3.0 L/h, loading: 1 mol/L}
scrub: {flow: 2.25 L/h, acid: 3 mol/L}
)yaml";
    const auto yaml = [](const std::string& purities) {
        return "name: m\ntitle: t\nkind: analytic\nsource: s\ncase: case.yaml\ncomparisons:\n"
               "  - quantity: S_min\n    published: 3\n"
               "    computed: {minimum-reflux: {reflux: S, " +
               purities +
               ", more: Nd, less: Pr, digits: 6}}\n"
               "    tolerance: {relative: 0.5}\n    reason: r\n";
    };
    const v::Report one = v::run({make_case("m", yaml("purity: 0.999"), binary)});
    const v::Report two =
        v::run({make_case("m", yaml("purity-a: 0.999, purity-b: 0.999"), binary)});
    const v::Report looser =
        v::run({make_case("m", yaml("purity-a: 0.999, purity-b: 0.99"), binary)});
    ASSERT_TRUE(one.rows[0].computed && two.rows[0].computed && looser.rows[0].computed)
        << one.rows[0].note << two.rows[0].note << looser.rows[0].note;
    EXPECT_DOUBLE_EQ(*two.rows[0].computed, *one.rows[0].computed);
    EXPECT_LT(*looser.rows[0].computed, *one.rows[0].computed * (1.0 - 1e-3));
    const std::string msg =
        input_error(make_case("m", yaml("purity: 0.999, purity-b: 0.99"), binary));
    EXPECT_NE(msg.find("test/m/validation.yaml:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("purity-a and purity-b"), std::string::npos) << msg;
    const std::string missing = input_error(make_case("m", yaml("purity-a: 0.999"), binary));
    EXPECT_NE(missing.find("purity-a and purity-b"), std::string::npos) << missing;
}

TEST(ValidationReport, jsonHasTheInterfaceKeys)
{
    const v::Report report = v::run({make_case("k", kremser_validation("k", 0.04807946167249939))});
    const nlohmann::json j = v::report_json(report);
    EXPECT_EQ(j.at("command"), "validate");
    ASSERT_EQ(j.at("cases").size(), 1u);
    const auto& row = j.at("cases")[0];
    for (const char* key : {"name", "source", "quantity", "published", "computed", "tolerance",
                            "pass", "status", "kind", "difference"}) {
        EXPECT_TRUE(row.contains(key)) << key;
    }
    EXPECT_EQ(row.at("pass"), true);
    EXPECT_EQ(j.at("summary").at("passed"), 1);
}

TEST(ValidateCommand, exitCodesAndJson)
{
    const fs::path dir = fs::temp_directory_path() / "reesx_test_validate";
    fs::remove_all(dir);
    write_folder(dir, make_case("good", kremser_validation("good", 0.04807946167249939)));
    write_folder(
        dir, make_case("known", kremser_validation("known", 0.05, "    known-discrepancy: why\n")));
    const std::string cases = " --cases " + dir.string();

    CommandRun r =
        run_reesx("validate" + cases + " --case good --json " + (dir / "out.json").string());
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("Analytic and textbook cases"), std::string::npos) << r.out;
    std::ifstream in(dir / "out.json");
    const nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j.at("cases")[0].at("name"), "good");

    // A known discrepancy documented in its README does not fail the run; --strict makes it
    // a failure; --allow-known (the old way to ask for the default) still works.
    r = run_reesx("validate" + cases);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("known discrepancy (see README)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
    r = run_reesx("validate" + cases + " --strict");
    EXPECT_EQ(r.status, 2) << r.out;
    r = run_reesx("validate" + cases + " --allow-known");
    EXPECT_EQ(r.status, 0) << r.out;
    r = run_reesx("validate" + cases + " --strict -q");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.out, "") << "-q prints nothing, on stdout or stderr";

    r = run_reesx("validate" + cases + " --case nope");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("good"), std::string::npos) << r.out;  // lists the valid names
    r = run_reesx("validate --cases " + (dir / "missing").string());
    EXPECT_EQ(r.status, 1) << r.out;
    fs::remove_all(dir);
}
