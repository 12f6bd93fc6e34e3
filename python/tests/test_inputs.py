"""Cases from a file, a YAML string or a dict; edits; errors with the command line's message
and exit-code class."""

import pathlib

import numpy as np
import pytest
import yaml

import reesx
from conftest import EXAMPLES, without_timings

PRND = EXAMPLES / "prnd-p507.yaml"


def comparable(summary):
    """The summary less what names the input's origin (the file name)."""
    s = without_timings(summary)
    del s["input"]["file"]
    return s


def test_file_yaml_text_and_dict_give_the_same_result():
    text = PRND.read_text()
    from_file = reesx.run(str(PRND)).summary
    from_path = reesx.run(pathlib.Path(PRND)).summary
    from_text = reesx.run(text).summary
    from_dict = reesx.run(yaml.safe_load(text)).summary
    assert without_timings(from_path) == without_timings(from_file)
    assert comparable(from_text) == comparable(from_file)
    assert comparable(from_dict) == comparable(from_file)
    assert from_text["input"]["file"] == "<string>"
    assert from_dict["input"]["file"] == "<dict>"


def test_numpy_values_in_a_dict_are_their_numbers():
    document = yaml.safe_load(PRND.read_text())
    plain = reesx.run(document).summary
    document["feed"]["composition"] = dict(zip(["Pr", "Nd"], np.array([0.25, 0.75])))
    document["stages"] = {k: np.int64(v) for k, v in document["stages"].items()}
    document["efficiency"] = np.float32(1.0)
    assert without_timings(reesx.run(document).summary) == without_timings(plain)
    with pytest.raises(TypeError, match="cannot write"):
        reesx.Case({"stages": object()})


def test_bad_key_in_a_file_raises_input_error_located_as_the_cli_says(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(PRND.read_text().replace("organic:", "orgnic:"))
    line = next(i for i, l in enumerate(bad.read_text().splitlines(), 1) if l.startswith("orgnic:"))
    with pytest.raises(reesx.InputError) as error:
        reesx.run(str(bad))
    message = str(error.value)
    assert f"{bad}:{line}:1:" in message
    assert "did you mean 'organic'" in message
    code, _, stderr = cli("run", bad, "-q", json_option=False)
    assert code == error.value.exit_code == 1
    assert stderr == f"reesx: {message}\n"


def test_bad_value_in_a_dict_is_located_in_the_emitted_yaml():
    document = yaml.safe_load(PRND.read_text())
    document["organic"]["flow"] = "-5 L/h"
    with pytest.raises(reesx.InputError, match=r"<dict>:\d+:\d+: error: organic.flow") as error:
        reesx.Case(document)
    assert "-5 L/h" in str(error.value)


def test_bad_edit_is_reported_at_its_line_of_the_changed_case():
    case = reesx.Case(str(PRND))
    case["organic.flow"] = "-5 L/h"
    with pytest.raises(
        reesx.InputError, match=r"prnd-p507.yaml \(changed\):\d+:\d+: error: organic.flow"
    ):
        case.run()


def test_infeasible_flows_raise_infeasible_error_with_exit_code_2(cli, tmp_path):
    case = reesx.Case(str(PRND))
    case.organic_flow_L_per_h = 100.0  # S below W: the scrub would strip more than is loaded
    with pytest.raises(reesx.InfeasibleError) as error:
        case.run()
    assert isinstance(error.value, reesx.NoSolutionError)
    assert error.value.exit_code == 2
    changed = tmp_path / "changed.yaml"
    changed.write_text(case.to_yaml())
    code, _, stderr = cli("run", changed, "-q", json_option=False)
    assert code == 2
    assert stderr == f"reesx: {error.value}\n"


def test_unknown_country_raises_input_error():
    with pytest.raises(reesx.InputError, match="XX"):
        reesx.cost(str(EXAMPLES / "prnd-p507-cost.yaml"), "XX")


def test_plant_file_to_a_one_cascade_command_is_the_cli_input_error(cli):
    path = str(EXAMPLES / "plant-scrub-recycle.yaml")
    with pytest.raises(reesx.InputError, match="plant file") as error:
        reesx.dynamic(path)
    code, _, stderr = cli("dynamic", path, "-q", json_option=False)
    assert code == 1
    assert stderr == f"reesx: {error.value}\n"


def test_edits_reach_the_solve():
    case = reesx.Case(str(PRND))
    base = case.run()
    assert case["stages.extraction"] == 31
    assert case["feed.composition"] == {"Pr": 0.25, "Nd": 0.75}
    case.stages = {"extraction": 35}
    case.efficiency = 0.95
    case.feed_flow_L_per_h = 101.0
    assert case.stages == {"extraction": 35, "scrub": 45, "strip": 0}
    assert case["stages.extraction"] == 35
    assert case["efficiency"] == 0.95
    assert case.efficiency == {"extraction": 0.95, "scrub": 0.95, "strip": 0.95}
    assert case.feed_flow_L_per_h == 101.0
    changed = case.run()
    assert len(changed.stage) == 80 and len(base.stage) == 76
    assert changed.summary["input"]["efficiency"]["scrub"] == 0.95


def test_reflux_setter_gives_the_asked_s_and_w():
    case = reesx.Case(str(PRND))
    case.set_reflux(S=4.2, W=3.4)
    s, w = case.reflux
    assert s == pytest.approx(4.2, rel=1e-14)
    assert w == pytest.approx(3.4, rel=1e-14)
    result = case.run()
    assert result.reflux[0] == pytest.approx(4.2, rel=1e-12)
    assert result.reflux[1] == pytest.approx(3.4, rel=1e-12)


def test_reflux_setter_on_a_case_that_states_its_reflux():
    flows = reesx.Case(str(PRND))
    flows.set_reflux(S=4.2, W=3.4)
    stated = flows.to_dict()
    del stated["organic"]["flow"], stated["scrub"]["flow"]
    stated["reflux"] = {"S": 4.0, "W": 3.0}
    case = reesx.Case(stated)
    case.set_reflux(S=4.2, W=3.4)
    assert case["reflux.S"] == 4.2 and "flow" not in case.to_dict()["organic"]
    by_flows, by_reflux = flows.run(), case.run()
    assert by_reflux.reflux == pytest.approx(by_flows.reflux, rel=1e-12)
    purity = by_flows.summary["products"]["raffinate"]["purity"]
    assert by_reflux.summary["products"]["raffinate"]["purity"] == pytest.approx(purity, rel=1e-12)


def test_separation_factor_setter():
    case = reesx.Case(str(PRND))
    case.set_separation_factor("Nd", "Pr", 1.6)
    k = case.resolved["system"]["log10_extractability"]
    assert 10 ** (k["Nd"] - k["Pr"]) == pytest.approx(1.6, rel=1e-12)
    assert (
        case.run().products["raffinate"].purity > reesx.run(str(PRND)).products["raffinate"].purity
    )


def test_lists_of_built_in_data():
    assert list(reesx.elements().index[:3]) == ["Sc", "Y", "La"]
    assert "p507-hcl" in reesx.systems().index
    assert reesx.systems("p507-hcl")["log10_extractability"]["Nd"]["source"]
    feeds = reesx.feeds()
    assert len(feeds) > 0
    row_sums = feeds.filter(like="_mole_fraction").sum(axis=1)
    assert ((row_sums - 1.0).abs() < 2e-3).all()
    countries = reesx.countries()
    assert "US" in countries.index
    assert reesx.countries("US")["inputs"]["electricity-price"]["unit"]
    with pytest.raises(reesx.InputError):
        reesx.feeds("no-such-feed")


def test_no_convergence_raises_convergence_error_with_the_cli_message(cli, tmp_path):
    case = reesx.Case(str(PRND))
    case["solver"] = {"max-iterations": 1}
    with pytest.raises(reesx.ConvergenceError) as error:
        case.run()
    assert isinstance(error.value, reesx.NoSolutionError)
    assert error.value.exit_code == 2
    changed = tmp_path / "changed.yaml"
    changed.write_text(case.to_yaml())
    code, _, stderr = cli("run", changed, "-q", json_option=False)
    assert code == 2
    assert stderr == f"reesx: {error.value}\n"
