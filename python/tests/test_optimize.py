"""reesx.optimize: the command line's JSON from Python, and the optimum against the baseline."""

import pytest

import reesx
from conftest import without_timings


def test_optimize_equals_cli_json(cli, tmp_path):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(
        "system: p507-hcl\nfeed: {composition: {Pr: 0.5, Nd: 0.5}}\n"
        "split: Pr/Nd\npurity: 0.999\nfeed-rate: 100 kg/h REO\n"
    )
    # One thread: the countries' shared memo is then filled in a fixed order, so even the
    # per-country simulation counts match.
    code, expected, stderr = cli(
        "optimize", design_file, "--countries", "CN-NM,US", "--threads", "1", "-q"
    )
    assert code == 0, stderr
    result = reesx.optimize(str(design_file), countries="CN-NM,US", threads=1)
    assert without_timings(result.summary) == without_timings(expected)
    assert result.countries == ["CN-NM", "US"]
    for code in result.countries:
        c = result.summary["countries"][code]
        assert c["optimum"]["meets_targets"]
        assert c["optimum"]["cost_usd_per_kg"] <= c["baseline"]["cost_usd_per_kg"]
    table = result.to_dataframe()
    assert list(table.index) == ["CN-NM", "US"]
    assert table.loc["CN-NM", "gap_usd_per_kg"] == 0.0


PR_ND = (
    "system: p507-hcl\nfeed: {composition: {Pr: 0.5, Nd: 0.5}}\n"
    "split: Pr/Nd\npurity: 0.999\nfeed-rate: 100 kg/h REO\n"
)


def test_optimize_fronts_robust_uncertainty_equal_cli_json(cli, tmp_path):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(PR_ND)
    # Few samples and points keep it fast; one thread fixes the order of the shared memo.
    code, expected, stderr = cli(
        "optimize", design_file, "--threads", "1", "-q",
        "--pareto", "0.99,0.9999", "--pareto-recovery", "0.95", "--pareto-capital", "3",
        "--robust", "3", "--percentile", "90", "--robust-radius", "1", "--seed", "7",
        "--uncertainty", "3",
    )  # fmt: skip
    assert code == 0, stderr
    for key in ("pareto", "robust", "uncertainty"):
        assert key in expected
    result = reesx.optimize(
        str(design_file),
        threads=1,
        pareto=[0.99, 0.9999],
        pareto_recovery="0.95",
        pareto_capital=3,
        robust=3,
        percentile=90,
        robust_radius=1,
        seed=7,
        uncertainty=3,
    )
    assert without_timings(result.summary) == without_timings(expected)
    assert [p["purity"] for p in result.summary["pareto"]["purity"]] == [0.99, 0.9999]
    assert result.summary["robust"]["objective"] == "percentile"
    assert result.summary["robust"]["seed"] == 7
    text = str(result)
    assert "robust optimum" in text


def test_optimize_without_extras_has_no_fronts(tmp_path):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(PR_ND)
    summary = reesx.optimize(str(design_file), threads=1).summary
    for key in ("pareto", "robust", "uncertainty"):
        assert key not in summary


def test_optimize_fixed_extraction_equals_cli_and_keeps_designs_solutions(cli, tmp_path):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(PR_ND)
    code, expected, stderr = cli(
        "optimize", design_file, "--threads", "1", "--fixed-extraction", "-q"
    )
    assert code == 0, stderr
    fixed = reesx.optimize(str(design_file), threads=1, fixed_extraction=True)
    assert without_timings(fixed.summary) == without_timings(expected)
    chosen = reesx.optimize(str(design_file), threads=1)
    fixed_vars = fixed.optimum()["decision_variables"]
    chosen_vars = chosen.optimum()["decision_variables"]
    for name in ("scrub_acid_mol_per_L", "saponification", "extractant_mol_per_L"):
        assert not fixed_vars[name]["optimized"]
        assert chosen_vars[name]["optimized"]
        low, high = chosen_vars[name]["bounds"]
        assert low <= chosen_vars[name]["value"] <= high
    assert fixed_vars["scrub_acid_mol_per_L"]["value"] == 4.0
    assert chosen.optimum()["cost_usd_per_kg"] <= fixed.optimum()["cost_usd_per_kg"]


@pytest.mark.parametrize(
    "keywords, message",
    [
        ({"percentile": 50}, "give robust too"),
        ({"robust": 1}, "robust"),
        ({"robust": 4, "percentile": 120}, "percentile"),
        ({"pareto_capital": 1}, "pareto_capital"),
        ({"pareto": "0.99,abc"}, "pareto"),
        ({"pareto": [1.5]}, "purity"),
        ({"robust_radius": -1}, "robust_radius"),
        ({"seed": -3}, "seed"),
        ({"uncertainty": 2.5}, "uncertainty"),
    ],
)
def test_optimize_rejects_bad_keywords(tmp_path, keywords, message):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(PR_ND)
    with pytest.raises(reesx.InputError, match=message):
        reesx.optimize(str(design_file), threads=1, **keywords)


def test_optimize_takes_design_options():
    result = reesx.optimize(
        system="p507-hcl",
        feed="Pr:0.5,Nd:0.5",
        split="Pr/Nd",
        purity=0.999,
        feed_rate="100 kg/h REO",
    )
    assert result.countries == ["CN-NM"]
    assert result.optimum()["stages"]["total"] > 0
    assert "levelized cost, USD/kg REO" in str(result)


def test_optimize_plant_equals_cli_json(cli, tmp_path):
    separate_file = tmp_path / "separate.yaml"
    separate_file.write_text(
        "system: p507-hcl\nfeed: {composition: {La: 0.4, Ce: 0.4, Pr: 0.2}}\n"
        "purity: 0.999\nfeed-rate: 50 kg/h REO\n"
    )
    code, expected, stderr = cli(
        "optimize", "--plant", separate_file, "--countries", "CN-NM,US", "-q"
    )
    assert code == 0, stderr
    result = reesx.optimize_plant(str(separate_file), countries="CN-NM,US")
    assert without_timings(result.summary) == without_timings(expected)
    assert result.countries == ["CN-NM", "US"]
    for code in result.countries:
        plant = result.optimum(code)
        assert plant["meets_targets"]
        assert (
            plant["cost_usd_per_kg"]
            <= result.summary["countries"][code]["baseline"]["cost_usd_per_kg"]
        )
    table = result.to_dataframe("products")
    assert list(table.columns) == ["CN-NM", "US"]
    assert set(table.index) == {"La", "Ce", "Pr"}
    assert (table["US"] > table["CN-NM"]).all()


def test_optimize_plant_purity_budget(tmp_path):
    separate_file = tmp_path / "separate.yaml"
    separate_file.write_text(
        "system: p507-hcl\nfeed: {composition: {La: 0.4, Ce: 0.4, Pr: 0.2}}\n"
        "purity: 0.999\nfeed-rate: 50 kg/h REO\n"
    )
    half = reesx.optimize_plant(str(separate_file), purity_budget="half")
    chosen = reesx.optimize_plant(str(separate_file))
    for result, rule in ((half, "half"), (chosen, "chosen")):
        budget = result.summary["countries"]["CN-NM"]["purity_budget"]
        assert budget["rule"] == rule
        assert budget["product_order"] == ["La", "Ce", "Pr"]
        # The end products give their one cut the whole allowance.
        assert budget["lower_share"]["La"] == 0.0
        assert budget["lower_share"]["Pr"] == 1.0
        assert 0.0 <= budget["lower_share"]["Ce"] <= 1.0
        assert all(0.0 < s <= 1.0 for s in budget["scale"].values())
        assert result.optimum()["meets_targets"]
    assert half.summary["countries"]["CN-NM"]["purity_budget"]["lower_share"]["Ce"] == 0.5
    with pytest.raises(reesx.InputError, match="purity_budget"):
        reesx.optimize_plant(str(separate_file), purity_budget="thirds")
