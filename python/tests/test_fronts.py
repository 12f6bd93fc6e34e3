"""The Pareto fronts and the robust optimum of `optimize` from Python (the command line's JSON,
the fronts as tables and plots) and the HTML report of an optimize result (JSON and HDF5)."""

import re

import matplotlib
import numpy as np
import pytest

import reesx
from conftest import without_timings
from reesx import _report

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PR_ND = (
    "system: p507-hcl\nfeed: {composition: {Pr: 0.5, Nd: 0.5}}\n"
    "split: Pr/Nd\npurity: 0.99\nfeed-rate: 100 kg/h REO\n"
)
FRONT_NAMES = ["front-purity", "front-recovery", "front-capital_operating"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def optimized(tmp_path_factory, reesx_binary):
    """One optimize run with every front and the robust optimum of two countries (reflux
    held), by the command line (JSON and HDF5) and from Python with the same keywords."""
    import subprocess

    folder = tmp_path_factory.mktemp("fronts")
    design_file = folder / "design.yaml"
    design_file.write_text(PR_ND)
    json_file, h5_file = folder / "optimize.json", folder / "optimize.h5"
    # Few points and samples keep it fast; one thread fixes the order of the shared memo.
    done = subprocess.run(
        [reesx_binary, "optimize", str(design_file), "--countries", "CN-NM,US", "--threads", "1",
         "-q", "--pareto", "0.99,0.999", "--pareto-recovery", "0.9,0.95", "--pareto-capital",
         "8", "--robust", "2", "--robust-radius", "1", "--robust-reflux", "fixed",
         "--json", str(json_file), "-o", str(h5_file)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = reesx.optimize(
        str(design_file),
        countries="CN-NM,US",
        threads=1,
        pareto="0.99,0.999",
        pareto_recovery=[0.9, 0.95],
        pareto_capital=8,
        robust=2,
        robust_radius=1,
        robust_reflux="fixed",
    )
    return result, json_file, h5_file


def test_python_equals_cli_json(optimized):
    import json

    result, json_file, _ = optimized
    expected = json.loads(json_file.read_text())
    assert without_timings(result.summary) == without_timings(expected)
    robust = result.summary["robust"]
    assert robust["reflux"] == "fixed" and robust["country_order"] == ["CN-NM", "US"]
    for code in ("CN-NM", "US"):
        r = robust["countries"][code]
        assert r["country"] == code
        assert 0 <= r["nominal_off_spec_samples"] <= 2
        assert r["robust"]["fixed_S_over_S_min"] > 0


def test_fronts_as_tables(optimized):
    result = optimized[0]
    purity = result.to_dataframe("purity")
    assert purity["target"].tolist() == [0.99, 0.999]
    assert (purity["cost_usd_per_kg"].diff().dropna() > 0).all()  # each 9 costs more
    assert (purity["cost_usd_per_kg"] <= purity["baseline_cost_usd_per_kg"]).all()
    recovery = result.to_dataframe("recovery")
    assert recovery["target"].tolist() == [0.9, 0.95]
    capital = result.to_dataframe("capital_operating")
    assert len(capital) >= 2 and capital["target"].isna().all()
    # Non-dominated: by ascending capital, the operating cost falls.
    assert (capital["capex_usd"].diff().dropna() > 0).all()
    assert (capital["opex_usd_per_year"].diff().dropna() < 0).all()
    with pytest.raises(ValueError, match="one of countries, purity"):
        result.to_dataframe("cost")
    plain = reesx.optimize(PR_ND, threads=1)
    with pytest.raises(ValueError, match="no purity front"):
        plain.to_dataframe("purity")
    with pytest.raises(ValueError, match="no recovery front"):
        plain.plot_front("recovery")


def test_fronts_as_plots(optimized):
    result = optimized[0]
    ax = result.plot_front("purity")
    lines = {line.get_label(): line for line in ax.get_lines()}
    table = result.to_dataframe("purity")
    np.testing.assert_allclose(lines["optimum"].get_xdata(), 1.0 - table["target"])
    np.testing.assert_allclose(lines["optimum"].get_ydata(), table["cost_usd_per_kg"])
    np.testing.assert_allclose(lines["design's default"].get_ydata(),
                               table["baseline_cost_usd_per_kg"])
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["99 %", "99.9 %"]
    ax = result.plot_front("capital_operating")
    lines = {line.get_label(): line for line in ax.get_lines()}
    capital = result.to_dataframe("capital_operating")
    np.testing.assert_allclose(lines["designs no other beats in both"].get_xdata(),
                               capital["capex_usd"] / 1e6)
    best = capital.loc[capital["cost_usd_per_kg"].idxmin()]
    assert lines["least levelized cost"].get_xdata()[0] == pytest.approx(best["capex_usd"] / 1e6)
    assert "CN-NM" in ax.get_xlabel()
    with pytest.raises(ValueError, match="unknown front"):
        reesx._plots.front(capital, "stages")


def _figures_and_text(text):
    assert "<script" not in text and not re.search(r'(src|href)="(?!#)', text)
    assert not re.search(r">(nan|inf|-inf)<", text, re.I)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    return _report.figure_names(text)


@pytest.mark.parametrize("which", ["json", "h5"])
def test_report_of_an_optimize_result(optimized, tmp_path, which):
    result, json_file, h5_file = optimized
    out = tmp_path / "r.html"
    text = reesx.report(json_file if which == "json" else h5_file, out)
    assert out.read_text() == text
    assert _figures_and_text(text) == ["countries"] + FRONT_NAMES
    # Every point of every front is in its table; the robust optimum of both countries too.
    for name in ("purity", "recovery", "capital_operating"):
        for cost in result.to_dataframe(name)["cost_usd_per_kg"]:
            assert f">{cost:.6g}<" in text
    assert "Robust optimum" in text and "reflux fixed" in text
    assert "held at its own reflux" in text and "reflux held (S/S_min)" in text
    for code in ("CN-NM", "US"):
        optimum = result.optimum(code)["cost_usd_per_kg"]
        assert f">{optimum:.6g}<" in text


def test_report_refuses_other_results(tmp_path, reesx_binary):
    import subprocess

    other = tmp_path / "run.json"
    other.write_text('{"command": "run", "converged": true}')
    out = tmp_path / "r.html"
    p = subprocess.run([reesx_binary, "report", str(other), "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "optimize result" in p.stderr and not out.exists()
    broken = tmp_path / "broken.json"
    broken.write_text('{"command": "optimize",')
    with pytest.raises(reesx.InputError, match=r"broken.json:1:\d+: not JSON"):
        reesx.report(broken)


def test_python_rejects_bad_robust_reflux():
    with pytest.raises(reesx.InputError, match="robust_reflux"):
        reesx.optimize(PR_ND, robust=2, robust_reflux="sometimes")
    with pytest.raises(reesx.InputError, match="give robust too"):
        reesx.optimize(PR_ND, robust_reflux="fixed")


LA_CE_PR = (
    "system: p507-hcl\nfeed: {composition: {La: 0.4, Ce: 0.4, Pr: 0.2}}\n"
    "purity: 0.999\nfeed-rate: 50 kg/h REO\n"
)


def test_plant_front_of_cost_against_purity(cli, tmp_path):
    separate_file = tmp_path / "separate.yaml"
    separate_file.write_text(LA_CE_PR)
    csv = tmp_path / "front.csv"
    code, expected, stderr = cli(
        "optimize", "--plant", separate_file, "--pareto", "0.999,0.99", "-q", "-o", csv
    )
    assert code == 0, stderr
    result = reesx.optimize_plant(str(separate_file), pareto="0.999,0.99")
    assert without_timings(result.summary) == without_timings(expected)
    front = result.to_dataframe("purity")
    assert front["target"].tolist() == [0.99, 0.999]  # ascending
    assert front["meets_targets"].all()
    assert (front["cost_usd_per_kg"] <= front["baseline_cost_usd_per_kg"]).all()
    assert front["cost_usd_per_kg"].iloc[1] > front["cost_usd_per_kg"].iloc[0]
    assert front["stages"].iloc[1] > front["stages"].iloc[0]
    # The plant asked (99.9 %) is the front's point at that purity.
    assert front["cost_usd_per_kg"].iloc[1] == pytest.approx(result.optimum()["cost_usd_per_kg"],
                                                             rel=1e-12)
    assert front["S_over_S_min"].isna().all()
    assert csv.read_text().startswith("front,target_fraction") and "\npurity,0.99," in csv.read_text()
    ax = result.plot_front("purity")
    assert len(ax.get_lines()) == 2
    json_file = tmp_path / "plant.json"
    json_file.write_text(__import__("json").dumps(expected))
    text = reesx.report(json_file)
    assert _figures_and_text(text) == ["countries", "front-purity"]
    # -o with --plant writes HDF5 (.h5) or the front as CSV, nothing else.
    code, _, stderr = cli("optimize", "--plant", separate_file, "--pareto", "0.99", "-q", "-o",
                          tmp_path / "p.h5")
    assert code == 0, stderr
    assert (tmp_path / "p.h5").exists()
    assert _figures_and_text(reesx.report(tmp_path / "p.h5")) == ["countries", "front-purity"]
    code, _, stderr = cli("optimize", "--plant", separate_file, "--pareto", "0.99", "-q", "-o",
                          tmp_path / "p.txt")
    assert code == 1 and "HDF5" in stderr and not (tmp_path / "p.txt").exists()
    code, _, stderr = cli("optimize", "--plant", separate_file, "--pareto", "1.5", "-q")
    assert code == 1 and "--pareto" in stderr


def test_plant_fronts_of_recovery_and_capital_and_the_robust_plant(cli, tmp_path):
    separate_file = tmp_path / "separate.yaml"
    separate_file.write_text(LA_CE_PR)
    csv, h5 = tmp_path / "fronts.csv", tmp_path / "plant.h5"
    args = ["--pareto-recovery", "0.9995", "--pareto-capital", "3", "--robust", "2",
            "--robust-radius", "1", "--threads", "1", "-q"]
    code, expected, stderr = cli("optimize", "--plant", separate_file, *args, "-o", csv)
    assert code == 0, stderr
    result = reesx.optimize_plant(str(separate_file), pareto_recovery=[0.9995], pareto_capital=3,
                                  robust=2, robust_radius=1, threads=1)
    assert without_timings(result.summary) == without_timings(expected)
    recovery = result.to_dataframe("recovery")
    assert recovery["target"].tolist() == [0.9995] and recovery["meets_targets"].all()
    assert expected["pareto"]["recovery"]["product"] == "every"
    capital = result.to_dataframe("capital_operating")
    assert capital["meets_targets"].all()
    assert capital["capex_usd"].is_monotonic_increasing
    assert capital["opex_usd_per_year"].is_monotonic_decreasing
    text = csv.read_text()
    assert "\nrecovery,0.9995," in text and "\ncapital_operating," in text
    robust = expected["robust"]
    assert robust["country_order"] == ["CN-NM"] and robust["reflux"] == "retuned"
    nominal_off = robust["nominal"]["infeasible_samples"]
    assert robust["robust"]["infeasible_samples"] <= nominal_off
    if robust["robust"]["infeasible_samples"] == nominal_off:
        assert robust["premium"]["expected_usd_per_kg"] <= 0.0
    assert len(robust["robust"]["stages"]["cascades"]) == 2
    json_file = tmp_path / "plant.json"
    json_file.write_text(__import__("json").dumps(expected))
    names = ["countries", "front-recovery", "front-capital_operating"]
    page = reesx.report(json_file)
    assert _figures_and_text(page) == names and "Robust optimum" in page
    code, _, stderr = cli("optimize", "--plant", separate_file, *args, "-o", h5)
    assert code == 0, stderr
    assert _figures_and_text(reesx.report(h5)) == names
    with pytest.raises(reesx.InputError, match="percentile"):
        reesx.optimize_plant(str(separate_file), percentile=90)


def test_report_of_an_hdf5_file_without_its_summary(optimized, tmp_path):
    """An HDF5 result written before the summary was kept in it: the datasets are enough."""
    import shutil

    import h5py

    result, _, h5_file = optimized
    older = tmp_path / "older.h5"
    shutil.copy(h5_file, older)
    with h5py.File(older, "r+") as f:
        del f.attrs["summary_json"]
    text = reesx.report(older)
    assert _figures_and_text(text) == ["countries"] + FRONT_NAMES
    for code in ("CN-NM", "US"):
        assert f">{result.optimum(code)['cost_usd_per_kg']:.6g}<" in text
    assert "Robust optimum" in text
