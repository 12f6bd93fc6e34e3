"""A Latin hypercube study of the reference Pr/Nd cascade on a Dask cluster: the reflux S,
the scrub acid and the stage efficiency vary together, and each sample is solved and costed
in China and the US. A local two-worker cluster stands in for a real one; give the address
of a running scheduler to use that instead.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/dask_study.py [SCHEDULER_ADDRESS]
"""

import pathlib
import sys

from distributed import Client, LocalCluster

import reesx

CASE = pathlib.Path(__file__).resolve().parents[1] / "prnd-p507.yaml"
PARAMETERS = {
    "S": (3.95, 4.25),
    "scrub.acid": {"low": 3.9, "high": 4.1},
    "efficiency": {"low": 0.9, "high": 1.0},
}
OUTPUTS = ["purity", "recovery", "iterations", "cost.CN-NM", "cost.US"]


def study(client):
    return reesx.sweep(
        CASE, PARAMETERS, OUTPUTS, method="lhs", samples=60, seed=2024, executor=client
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        with Client(sys.argv[1]) as client:
            frame = study(client)
    else:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster, Client(cluster) as client:
            frame = study(client)
    # The same samples solved here, one chunk after the other, give the same table.
    assert frame.equals(study(None)), "the cluster's rows differ from the serial ones"
    solved = frame[frame["error_kind"] == ""]
    failed = frame.loc[frame["error_kind"] != "", "error_kind"].value_counts()
    print(f"{len(frame)} samples, {len(solved)} solved; failed by kind: {dict(failed)}")
    print(
        solved[["S", "scrub.acid", "efficiency", "purity.raffinate", "cost.CN-NM", "cost.US"]]
        .describe()
        .loc[["mean", "min", "max"]]
        .to_string()
    )
    ok = solved[solved["purity.raffinate"] >= 0.999]
    print(f"\n{len(ok)} samples give a 99.9 % raffinate; their cost, USD per kg REO fed:")
    print(ok[["cost.CN-NM", "cost.US"]].describe().loc[["mean", "min", "max"]].to_string())
