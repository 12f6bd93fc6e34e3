"""The cost Monte Carlo and country studies spread over executors (threads, processes, a Dask
cluster) give the numbers of one run: sample i is drawn from (seed, i) wherever it runs."""

import json
import math

import numpy as np
import pandas as pd
import pytest

import reesx
from conftest import EXAMPLES, without_timings

CASE = EXAMPLES / "prnd-p507-cost.yaml"
COUNTRIES = ["CN-NM", "US", "BAOTOU-2021"]
SAMPLES = 60


@pytest.fixture(scope="module")
def one_run():
    return reesx.cost(CASE, COUNTRIES, monte_carlo=SAMPLES, seed=7, threads=1)


def same_result(result, reference):
    assert np.array_equal(
        result.monte_carlo_cost_usd_per_kg, reference.monte_carlo_cost_usd_per_kg, equal_nan=True
    )
    mc, ref = dict(result.summary["monte_carlo"]), dict(reference.summary["monte_carlo"])
    for key in ("seconds", "threads"):  # the wall clock, and here the number of chunks
        mc.pop(key), ref.pop(key)
    assert mc == ref  # every percentile of every country, to the last bit
    rest = {k: v for k, v in result.summary.items() if k != "monte_carlo"}
    assert without_timings(rest) == without_timings(
        {k: v for k, v in reference.summary.items() if k != "monte_carlo"}
    )


def test_dask_local_cluster_equals_one_run(one_run):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            result = reesx.cost(
                CASE, COUNTRIES, monte_carlo=SAMPLES, seed=7, executor=client, chunk_size=7
            )
            # A country study on the same cluster: the sweep's cost outputs per point.
            study = reesx.sweep(
                CASE,
                {"S": [4.0, 4.1, 4.2]},
                [f"cost.{c}" for c in COUNTRIES],
                executor=client,
                chunk_size=1,
            )
    same_result(result, one_run)
    assert result.summary["monte_carlo"]["threads"] == math.ceil(SAMPLES / 7)  # chunks
    serial_study = reesx.sweep(CASE, {"S": [4.0, 4.1, 4.2]}, [f"cost.{c}" for c in COUNTRIES])
    pd.testing.assert_frame_equal(study, serial_study, check_exact=True)
    assert (study["error_kind"] == "").all()


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_pools_equal_one_run(one_run, executor):
    result = reesx.cost(
        CASE, COUNTRIES, monte_carlo=SAMPLES, seed=7, executor=executor, workers=2
    )
    same_result(result, one_run)


def test_command_line_equals_chunks(cli, one_run):
    code, data, _ = cli(
        "cost", CASE, "--countries", ",".join(COUNTRIES), "--monte-carlo", SAMPLES,
        "--seed", 7, "-q",
    )
    assert code == 0
    chunked = reesx.cost(CASE, COUNTRIES, monte_carlo=SAMPLES, seed=7, executor="threads",
                         chunk_size=11)
    mc = json.loads(json.dumps(chunked.summary["monte_carlo"]))
    for key in ("seconds", "threads"):
        mc.pop(key), data["monte_carlo"].pop(key)
    assert mc == data["monte_carlo"]


def test_failures_joined_as_one_run_keeps_them():
    # Chunks as workers return them, two of them with failed samples: counted over all, the
    # first three messages in sample order.
    from reesx import _core, _montecarlo

    document = reesx.Case(CASE)._doc
    text, source = document.yaml(), document.source_name
    chunks = [_montecarlo._chunk(text, source, ["CN-NM"], "", first, 5, 2, True)
              for first in (0, 5, 10)]
    chunks[0]["failed"], chunks[0]["failure_messages"] = 1, ["first"]
    chunks[2]["failed"], chunks[2]["failure_messages"] = 3, ["second", "third", "fourth"]
    nominal = _core.cost(document, ["CN-NM"], "", False, 0, 2, 1, True, 0)
    joined = reesx.CostResult(nominal.with_monte_carlo(chunks, 2, True, 3, 0.0))
    mc = joined.summary["monte_carlo"]
    assert (mc["samples"], mc["failed"]) == (15, 4)
    assert mc["failure_messages"] == ["first", "second", "third"]
    one = reesx.cost(CASE, ["CN-NM"], monte_carlo=15, seed=2, threads=1)
    assert np.array_equal(joined.monte_carlo_cost_usd_per_kg, one.monte_carlo_cost_usd_per_kg)
