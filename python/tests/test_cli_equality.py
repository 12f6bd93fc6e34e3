"""The Python results' summaries equal the command line's --json files, key for key and to the
last digit (wall-clock times aside)."""

import json

import pytest

import reesx
from conftest import EXAMPLES, without_timings

RUN_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("name", RUN_EXAMPLES)
def test_run_equals_cli_json(cli, name):
    path = str(EXAMPLES / name)
    code, expected, stderr = cli("run", path, "-q")
    assert code == 0, stderr
    assert without_timings(reesx.run(path).summary) == without_timings(expected)


def test_run_of_a_case_object_equals_cli_json(cli):
    path = str(EXAMPLES / "bayan-obo-nd-sm.yaml")
    code, expected, _ = cli("run", path, "-q")
    assert code == 0
    assert without_timings(reesx.Case(path).run().summary) == without_timings(expected)


def test_dynamic_equals_cli_json(cli):
    path = str(EXAMPLES / "prnd-p507-startup.yaml")
    code, expected, stderr = cli("dynamic", path, "--hours", "100", "-q")
    assert code == 0, stderr
    result = reesx.dynamic(path, hours=100)
    assert without_timings(result.summary) == without_timings(expected)
    assert result.times_h[-1] == pytest.approx(100.0)


def test_cost_with_sensitivity_and_monte_carlo_equals_cli_json(cli):
    path = str(EXAMPLES / "prnd-p507-cost.yaml")
    code, expected, stderr = cli(
        "cost",
        path,
        "--countries",
        "CN-NM,US",
        "--sensitivity",
        "--monte-carlo",
        "40",
        "--seed",
        "7",
        "--threads",
        "2",
    )
    assert code == 0, stderr
    result = reesx.cost(path, ["CN-NM", "US"], sensitivity=True, monte_carlo=40, seed=7, threads=2)
    assert without_timings(result.summary) == without_timings(expected)
    assert result.monte_carlo_cost_usd_per_kg.shape == (40, 2)


def test_cost_of_a_plant_file_equals_cli_json(cli):
    path = str(EXAMPLES / "plant-la-ce-pr-linked.yaml")
    code, expected, stderr = cli("cost", path, "--countries", "CN-NM,US", "-q")
    assert code == 0, stderr
    result = reesx.cost(path, "CN-NM,US")
    assert without_timings(result.summary) == without_timings(expected)
    us = result.summary["countries"]["US"]
    total = sum(c["annual_cost_usd_per_year"] for c in us["cascades"].values())
    assert total == pytest.approx(us["annual_cost_usd_per_year"], rel=1e-12)
    assert "By element sold" in str(result)
    assert result.to_dataframe().loc["US", "cost_usd_per_kg"] > 0


def test_design_equals_cli_json(cli, tmp_path):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(
        "system: p507-hcl\nfeed: {composition: {Pr: 0.25, Nd: 0.75}}\n"
        "split: Pr/Nd\npurity: 0.999\ntradeoff: {points: 3}\n"
    )
    code, expected, stderr = cli("design", design_file, "-q")
    assert code == 0, stderr
    result = reesx.design(str(design_file))
    assert without_timings(result.summary) == without_timings(expected)
    # The design's case reproduces the design's simulation.
    rerun = result.case.run()
    assert rerun.products[result.summary["products"]["A"]].purity >= 0.999


def test_validate_equals_cli_json(cli):
    code, expected, stderr = cli("validate", "--case", "kremser")
    result = reesx.validate(only="kremser")
    assert without_timings(result.summary) == without_timings(expected)
    assert result.ok == (code == 0)


def test_summary_is_what_json_reads_back():
    summary = reesx.run(str(EXAMPLES / "prnd-p507.yaml")).summary
    assert json.loads(json.dumps(summary)) == summary


def test_separate_equals_cli_json(cli, tmp_path):
    separate_file = tmp_path / "separate.yaml"
    separate_file.write_text("system: p507-hcl\nfeed: ndfeb-scrap\npurity: 0.999\n")
    code, expected, stderr = cli("separate", separate_file, "-q")
    assert code == 0, stderr
    result = reesx.separate(str(separate_file))
    assert without_timings(result.summary) == without_timings(expected)
    assert len(result.to_dataframe("cascades")) == len(expected["cascades"])
    assert "digraph" in result.dot()
    plant = reesx.run(result.plant_yaml())
    assert isinstance(plant, reesx.PlantResult) and plant.summary["converged"]


def test_separate_with_impurities_equals_cli_json(cli, tmp_path):
    separate_file = tmp_path / "separate.yaml"
    separate_file.write_text(
        "system: p507-hcl\nfeed: 'Pr:0.25,Nd:0.75'\npurity: 0.99\n"
        "impurities: {Th4+: 200 mg/L, Ca2+: 800 mg/L}\nimpurity-limit: 10 ppm\n"
    )
    code, expected, stderr = cli("separate", separate_file, "-q")
    assert code == 0, stderr
    result = reesx.separate(str(separate_file))
    assert without_timings(result.summary) == without_timings(expected)
    removal = result.summary["impurity_removal"]
    assert removal["ions"]["Th4+"]["within_limit"]
    assert not removal["ions"]["Ca2+"]["within_limit"]
    assert any("Ca2+ cannot be removed" in w for w in result.summary["warnings"])


def test_design_options_are_the_design_file_keys():
    by_options = reesx.design(
        system="p507-hcl",
        feed={"composition": {"Pr": 0.25, "Nd": 0.75}},
        split="Pr/Nd",
        purity=0.999,
        tradeoff={"points": 0},
    )
    by_dict = reesx.design(
        {
            "system": "p507-hcl",
            "feed": {"composition": {"Pr": 0.25, "Nd": 0.75}},
            "split": "Pr/Nd",
            "purity": 0.999,
            "tradeoff": {"points": 0},
        }
    )
    assert by_options.stages == by_dict.stages
    assert by_options.reflux == by_dict.reflux
    with pytest.raises(reesx.InputError, match="not both"):
        reesx.design({"split": "Pr/Nd"}, purity=0.99)


def test_design_uncertainty_equals_cli_json(cli, tmp_path):
    design_file = tmp_path / "design.yaml"
    design_file.write_text(
        "system: p507-hcl\nfeed: {composition: {Pr: 0.3, Nd: 0.7}}\n"
        "split: Pr/Nd\npurity: 0.999\ntradeoff: {points: 0}\n"
    )
    args = ("--uncertainty", "24", "--seed", "5", "--threads", "2", "-q")
    code, expected, stderr = cli("design", design_file, *args)
    assert code == 0, stderr
    result = reesx.design(str(design_file), uncertainty=24, seed=5, threads=2)
    assert without_timings(result.summary) == without_timings(expected)
    u = result.uncertainty
    assert u["samples"] == 24 and u["failed"] == 0
    total = u["total_stages"]
    assert total["p10"] <= total["p50"] <= total["p90"]
    assert total["p10"] < total["p90"]  # the samples move the design
    nominal = result.stages["extraction"] + result.stages["scrub"]
    assert total["p10"] <= nominal <= total["p90"]
    assert "uncertainty:" in str(result)
    # Without uncertainty= there is none; a bad count is refused by name.
    assert reesx.design(str(design_file)).uncertainty is None
    with pytest.raises(reesx.InputError, match="uncertainty"):
        reesx.design(str(design_file), uncertainty=-3)
    with pytest.raises(reesx.InputError, match="seed"):
        reesx.design(str(design_file), uncertainty=3, seed=-1)
