"""reesx.sweep: the same rows whatever runs them, failed points as rows, reproducible points,
and `python3 -m reesx sweep` from a file."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import reesx
from reesx.__main__ import main
from conftest import EXAMPLES

CASE = EXAMPLES / "prnd-p507.yaml"
# 200 points around the case's reflux (S = 4.09, W = 3.34): most solve, some are infeasible.
REFLUX_200 = {"S": np.linspace(3.95, 4.25, 20), "W": np.linspace(3.25, 3.45, 10)}
OUTPUTS = ["purity", "recovery", "reflux", "stages", "iterations", "reagents.hcl_fed_kg_per_h"]


@pytest.fixture(scope="module")
def serial():
    return reesx.sweep(CASE, REFLUX_200, OUTPUTS)


def test_serial_sweep_has_a_row_per_point(serial):
    assert len(serial) == 200
    assert list(serial.index) == list(range(200))
    assert list(serial.columns[:3]) == ["S", "W", "converged"]
    assert list(serial.columns[-2:]) == ["error", "error_kind"]
    solved = serial[serial["error_kind"] == ""]
    assert 100 < len(solved) < 200 and solved["converged"].all()
    assert set(serial["error_kind"]) == {"", "infeasible"}
    # S and W are the case's reflux after set_reflux, as the run reports it.
    assert np.allclose(solved["reflux.S"], solved["S"], rtol=1e-12)
    assert np.allclose(solved["reflux.W"], solved["W"], rtol=1e-12)
    assert (solved["stages.total"] == 76).all() and serial["stages.total"].dtype == "Int64"
    assert ((solved["purity.raffinate"] > 0.5) & (solved["purity.raffinate"] <= 1)).all()
    # More organic at a fixed scrub moves Nd into the organic: its recovery there rises.
    w = solved[np.isclose(solved["W"], 3.25 + 0.2 * 4 / 9)]
    assert len(w) > 3 and np.all(np.diff(w["recovery.loaded_organic"].to_numpy()) > 0)


def test_a_point_equals_a_single_run(serial):
    row = serial[serial["error_kind"] == ""].iloc[7]
    case = reesx.Case(CASE)
    case.set_reflux(S=row["S"], W=row["W"])
    r = case.run()
    assert r.products["raffinate"].purity == pytest.approx(row["purity.raffinate"], rel=1e-8)
    assert r.summary["reagents"]["hcl_fed_kg_per_h"] == row["reagents.hcl_fed_kg_per_h"]


def test_dask_local_cluster_equals_serial(serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    sweep_file = tmp_path / "sweep.yaml"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            on_dask = reesx.sweep(CASE, REFLUX_200, OUTPUTS, executor=client)
        # The sweep command with the scheduler's address as its executor.
        sweep_file.write_text(
            f"case: {CASE}\nparameters: {{S: [4.0, 4.1], W: [3.3]}}\n"
            f"executor: {cluster.scheduler_address}\n"
        )
        assert main(["sweep", str(sweep_file), "-o", str(tmp_path / "out.csv")]) == 0
    pd.testing.assert_frame_equal(on_dask, serial, check_exact=True)
    from_cli = pd.read_csv(tmp_path / "out.csv", index_col="point", float_precision="round_trip")
    expected = reesx.sweep(CASE, {"S": [4.0, 4.1], "W": [3.3]})
    assert np.array_equal(from_cli["purity.raffinate"], expected["purity.raffinate"])


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_pools_equal_serial(serial, executor):
    pooled = reesx.sweep(CASE, REFLUX_200, OUTPUTS, executor=executor, workers=2)
    pd.testing.assert_frame_equal(pooled, serial, check_exact=True)


def test_warm_starts_within_a_chunk_save_iterations():
    grid = {"S": np.linspace(4.0, 4.15, 12)}
    warm = reesx.sweep(CASE, grid, ["iterations"], chunk_size=12)
    cold = reesx.sweep(CASE, grid, ["iterations"], warm=False)
    assert (warm["error_kind"] == "").all() and (cold["error_kind"] == "").all()
    assert warm["iterations"].iloc[0] == cold["iterations"].iloc[0]  # the first is cold
    assert warm["iterations"].sum() < cold["iterations"].sum()


def test_a_failing_point_is_a_row_and_the_others_complete():
    frame = reesx.sweep(
        CASE, {"scrub.acid": [4.0, -1.0, "4.1 mol/L"], "organic.flow": [3410.0]}, ["purity"]
    )
    assert list(frame["error_kind"]) == ["", "input", ""]
    assert "scrub.acid" in frame["error"].iloc[1] and "-1" in frame["error"].iloc[1]
    assert not frame["converged"].iloc[1] and np.isnan(frame["purity.raffinate"].iloc[1])
    assert frame["converged"].iloc[[0, 2]].all()
    assert frame["purity.raffinate"].iloc[0] != frame["purity.raffinate"].iloc[2]
    with pytest.raises(reesx.InputError, match="plant"):
        reesx.sweep(EXAMPLES / "plant-scrub-recycle.yaml", {"S": [4.0]})
    bad_output = reesx.sweep(CASE, {"S": [4.09]}, ["solver.nothing"])
    assert bad_output["error_kind"].iloc[0] == "KeyError"


def test_sample_counts_and_seeds():
    grid = {"S": [4.0, 4.1, 4.2], "scrub.acid": {"low": 3.5, "high": 4.5, "points": 5}}
    names, points = reesx.sweep_points(grid)
    assert names == ["S", "scrub.acid"] and len(points) == 15
    assert points[:2] == [(4.0, 3.5), (4.0, 3.75)]  # the last parameter varies fastest
    ranges = {"S": (3.9, 4.3), "scrub.acid": {"low": 3.5, "high": 4.5}, "model": ["a", "b"]}
    for method in ("random", "lhs"):
        _, a = reesx.sweep_points(ranges, method, samples=40, seed=7)
        _, b = reesx.sweep_points(ranges, method, samples=40, seed=7)
        _, c = reesx.sweep_points(ranges, method, samples=40, seed=8)
        assert len(a) == 40 and a == b and a != c
        s = np.array([p[0] for p in a])
        assert s.min() >= 3.9 and s.max() < 4.3
        assert {p[2] for p in a} == {"a", "b"}
    # Latin hypercube: one point in each of the 40 equal intervals of every range.
    _, lhs = reesx.sweep_points(ranges, "lhs", samples=40, seed=7)
    for k, (low, high) in ((0, (3.9, 4.3)), (1, (3.5, 4.5))):
        strata = np.floor((np.array([p[k] for p in lhs]) - low) / (high - low) * 40)
        assert sorted(strata) == list(range(40))
    frame = reesx.sweep(CASE, {"S": (4.0, 4.15)}, ["purity"], method="lhs", samples=6, seed=1)
    assert len(frame) == 6 and frame["S"].between(4.0, 4.15).all()
    names, table = reesx.sweep_points({"S": [4.0, 4.1], "W": (3.3, 3.4)}, "zip")
    assert table == [(4.0, 3.3), (4.1, 3.4)]
    with pytest.raises(ValueError, match="as many"):
        reesx.sweep_points({"S": [4.0, 4.1], "W": [3.3]}, "zip")
    with pytest.raises(ValueError, match="samples"):
        reesx.sweep_points(ranges, "random")
    with pytest.raises(ValueError, match="method"):
        reesx.sweep_points(ranges, "sobol", samples=4)


def test_command_line_sweep(tmp_path, capsys):
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text(
        f"case: {CASE}\n"
        "parameters:\n  S: {low: 4.0, high: 4.2, points: 5}\n  W: [3.3, 3.4]\n"
        "outputs: [purity, iterations]\nexecutor: threads\nworkers: 2\nchunk-size: 4\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    command = [sys.executable, "-m", "reesx", "sweep", str(sweep_file)]
    p = subprocess.run(
        command + ["-o", str(tmp_path / "out.csv")], capture_output=True, text=True, env=env
    )
    assert p.returncode == 0 and "10 points, 0 failed" in p.stderr, p.stderr
    # `reesx sweep` of the program runs the same (the package found beside the program).
    binary = os.environ.get("REESX_BINARY")
    if binary:
        p = subprocess.run([binary, "sweep", str(sweep_file), "-o", str(tmp_path / "cli.csv")],
                           capture_output=True, text=True)
        assert p.returncode == 0 and "10 points, 0 failed" in p.stderr, p.stderr
        assert (tmp_path / "cli.csv").read_text() == (tmp_path / "out.csv").read_text()
    expected = reesx.sweep(
        CASE,
        {"S": np.linspace(4.0, 4.2, 5), "W": [3.3, 3.4]},
        ["purity", "iterations"],
        chunk_size=4,
    )
    from_csv = pd.read_csv(
        tmp_path / "out.csv", index_col="point", keep_default_na=False, float_precision="round_trip"
    )
    assert np.array_equal(from_csv["purity.raffinate"], expected["purity.raffinate"])
    assert list(from_csv["iterations"]) == list(expected["iterations"])
    # The same in this process: HDF5, and a mistake in the file.
    h5py = pytest.importorskip("h5py")
    assert main(["sweep", str(sweep_file), "-o", str(tmp_path / "out.h5")]) == 0
    with h5py.File(tmp_path / "out.h5") as f:
        assert np.array_equal(f["purity.loaded_organic"][:], expected["purity.loaded_organic"])
        assert list(f["iterations"][:]) == list(expected["iterations"])
    example = EXAMPLES / "python" / "reflux_sweep.yaml"
    assert main(["sweep", str(example), "--executor", "serial"]) == 0
    assert "27 points" in capsys.readouterr().err
    sweep_file.write_text(f"case: {CASE}\nparameters: {{S: [4]}}\nexecutors: 2\n")
    assert main(["sweep", str(sweep_file)]) == 1
    assert "unknown key 'executors'" in capsys.readouterr().err
