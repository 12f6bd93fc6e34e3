"""`reesx report`: the HTML report of a case, plant or design file (the browser renders it in
tests/browser/report_in_browser.py; here its content and its errors)."""

import math
import re
import subprocess

import yaml

import reesx
from conftest import EXAMPLES
from reesx import _report


def test_case_report_content(tmp_path):
    out = tmp_path / "r.html"
    text = reesx.report(EXAMPLES / "prnd-p507.yaml", out)
    assert out.read_text() == text
    # No cost section in this case: the profiles, recoveries and reagents.
    assert _report.figure_names(text) == ["profiles", "recovery", "reagents"]
    result = reesx.run(EXAMPLES / "prnd-p507.yaml")
    for product in result.products.values():
        assert f">{product.purity:.6g}<" in text
    # Self-contained: no script, no link or source outside the file; ids unique on the page.
    assert "<script" not in text and not re.search(r'(src|href)="(?!#)', text)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)) and ids
    assert not re.search(r">(nan|inf|-inf)<", text, re.I)
    assert "(mol/L" in text and "flow (L/h)" in text  # units in the headings


def test_provenance_of_inputs_and_system(tmp_path):
    document = yaml.safe_load((EXAMPLES / "prnd-p507.yaml").read_text())
    document["system"] = {"base": "p507-hcl", "beta": {"Nd/Pr": 1.6}}
    case_file = tmp_path / "override.yaml"
    case_file.write_text(yaml.safe_dump(document))
    text = _report.report(case_file)
    rows = dict(
        (k, origin)
        for k, _, origin in _report.provenance.input_rows(
            reesx.run(case_file).summary["input"], document
        )
    )
    assert rows["organic.flow_L_per_h"] == "case file"
    assert rows["solver.tolerance"] == "default or derived"
    # Pr keeps the data file's value and source; Nd is the case's override, beta 1.6.
    assert "system data file p507-hcl.yaml" in text and "beta(Pr/Ce)" in text
    # (0.9811: the built-in Nd since the refit of Ce/La lowered every value from Ce up.)
    assert "modified in" in text and "(built-in p507-hcl: 0.9811)" in text
    system = reesx.run(case_file).summary["input"]["system"]
    (pair, beta), = _report.provenance.beta_rows(system, ["Pr", "Nd"])
    assert pair == "Nd/Pr" and math.isclose(beta, 1.6, rel_tol=1e-12)


def test_cost_provenance_rows():
    case = reesx.Case(EXAMPLES / "prnd-p507-cost.yaml")
    summary = reesx.cost(case, ["CN-NM", "BAOTOU-2021"]).summary
    rows = _report.provenance.cost_rows(summary)
    electricity = {r[0]: r for r in rows if r[1] == "electricity-price"}
    # BAOTOU-2021's tariff is the case file's region, with its own source.
    assert electricity["BAOTOU-2021"][2] == 0.039
    assert electricity["BAOTOU-2021"][6].startswith("pvmag_im_2022")
    assert electricity["CN-NM"][2] != 0.039
    assert any(r[0] == "all" for r in rows)


def test_errors_leave_no_file(reesx_binary, tmp_path):
    out = tmp_path / "r.html"
    p = subprocess.run([reesx_binary, "report", str(tmp_path / "missing.yaml"), "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "missing.yaml" in p.stderr and not out.exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "prnd-p507.yaml").read_text() + "colour: blue\n")
    p = subprocess.run([reesx_binary, "report", str(bad), "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "colour" in p.stderr and "bad.yaml:" in p.stderr
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
    p = subprocess.run([reesx_binary, "report", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("usage: reesx report")
