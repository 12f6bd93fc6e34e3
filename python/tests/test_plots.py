"""The plot helpers draw their data (matplotlib, Agg) and save to a file."""

import os
import pathlib

import matplotlib
import numpy as np
import pytest

import reesx
from conftest import EXAMPLES

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def saved(ax, tmp_path, name):
    path = pathlib.Path(os.environ.get("REESX_PLOT_DIR", tmp_path)) / f"{name}.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 5000  # a drawn figure, not an empty canvas
    return path


def line_data(ax):
    return {line.get_label(): (line.get_xdata(), line.get_ydata()) for line in ax.get_lines()}


def test_profiles(tmp_path):
    r = reesx.run(EXAMPLES / "prnd-p507.yaml")
    ax = r.plot_profiles()
    lines = line_data(ax)
    assert ax.get_yscale() == "log"
    for k, element in enumerate(r.elements):
        x, y = lines[element]
        assert list(x) == list(r.stage)
        assert np.allclose(y, r.aqueous_mol_per_L[:, k], rtol=1e-12)
    # One boundary, extraction | scrub, after stage 31; the sections are named.
    boundaries = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_label().startswith("_")]
    assert boundaries == [31.5]
    assert [t.get_text() for t in ax.texts] == ["extraction", "scrub"]
    organic = r.plot_profiles("organic")
    assert np.allclose(line_data(organic)["Nd"][1], r.organic_mol_per_L[:, 1], rtol=1e-12)
    saved(ax, tmp_path, "profiles")
    with pytest.raises(ValueError):
        r.plot_profiles("vapour")


def test_tradeoff(tmp_path):
    d = reesx.design(
        system="p507-hcl",
        feed={"composition": {"Pr": 0.25, "Nd": 0.75}},
        split="Pr/Nd",
        purity=0.999,
        feed_rate="150 mol/h",
        tradeoff={"points": 6},
    )
    ax = d.plot_tradeoff()
    table = d.to_dataframe("tradeoff")
    lines = line_data(ax)
    assert np.array_equal(lines["total stages"][1], table["total"])
    s_min = [v for k, v in lines.items() if k.startswith("S_min")][0]
    assert s_min[0][0] == pytest.approx(d.reflux["S_min"])
    assert lines["design"][1][0] == sum(d.stages.values())
    saved(ax, tmp_path, "tradeoff")


def test_startup(tmp_path):
    case = reesx.Case(EXAMPLES / "prnd-p507-startup.yaml")
    case["dynamic.target-purity"] = 0.99  # the loaded organic reaches it within 200 h
    dy = reesx.dynamic(case, hours=200)
    ax = dy.plot_startup()
    lines = line_data(ax)
    raffinate = lines["raffinate (Pr)"]
    assert np.array_equal(raffinate[0], dy.times_h)
    assert np.array_equal(raffinate[1], dy.products["raffinate"]["purity"])
    target = dy.summary["dynamic"]["target_purity"]
    assert lines[f"target {target:g}"][1][0] == target
    reached = [p["time_to_target_h"] for p in dy.products.values() if p["time_to_target_h"]]
    assert len(reached) == 1 and [t.get_text() for t in ax.texts] == [f"{reached[0]:.3g} h"]
    saved(ax, tmp_path, "startup")


def test_costs_and_monte_carlo(tmp_path):
    c = reesx.cost(EXAMPLES / "prnd-p507-cost.yaml", "CN-NM,US", monte_carlo=40, seed=3)
    ax = c.plot_costs()
    opex = c.to_dataframe("opex")
    heights = np.array([p.get_height() for p in ax.patches]).reshape(opex.shape[1], -1)
    assert np.allclose(heights.sum(axis=0), opex.sum(axis=1), rtol=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(opex.index)
    saved(ax, tmp_path, "costs")
    ax = c.plot_monte_carlo(bins=10)
    counts = [p.get_height() for p in ax.patches]
    finite = np.isfinite(c.monte_carlo_cost_usd_per_kg).sum()
    assert len(counts) == 20 and sum(counts) == finite > 60
    saved(ax, tmp_path, "monte_carlo")
    plain = reesx.cost(EXAMPLES / "prnd-p507-cost.yaml", "CN-NM")
    with pytest.raises(ValueError, match="Monte Carlo"):
        plain.plot_monte_carlo()
    with pytest.raises(ValueError, match="sensitivity"):
        plain.plot_tornado()


def test_tornado(tmp_path):
    c = reesx.cost(EXAMPLES / "prnd-p507-cost.yaml", "CN-NM,US", sensitivity=True)
    ax = c.plot_tornado("US")
    bars = c.to_dataframe("tornado").query("country == 'US'")
    base = c.to_dataframe("countries").loc["US", "cost_usd_per_kg"]
    ends = sorted(p.get_x() + p.get_width() for p in ax.patches)
    expected = sorted(list(bars["cost_usd_per_kg_at_low"]) + list(bars["cost_usd_per_kg_at_high"]))
    assert len(ax.patches) == 2 * len(bars) and np.allclose(ends, expected, rtol=1e-12)
    assert all(p.get_x() == pytest.approx(base) for p in ax.patches)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    widest = bars.loc[
        (bars["cost_usd_per_kg_at_high"] - bars["cost_usd_per_kg_at_low"]).abs().idxmax()
    ]
    assert sorted(labels) == sorted(bars["parameter"]) and labels[-1] == widest["parameter"]
    saved(ax, tmp_path, "tornado")
