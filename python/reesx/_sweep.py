"""Parameter sweeps of one case: grid, random or Latin hypercube points, solved serially, on
a thread or process pool, or on a Dask cluster, with the same results whatever runs them."""

import itertools
import math

import numpy as np

from . import _core
from ._case import Case

_KINDS = {
    "InputError": "input",
    "InfeasibleError": "infeasible",
    "ConvergenceError": "convergence",
    "NoSolutionError": "no-solution",
    "Error": "error",
}
DEFAULT_OUTPUTS = ("purity", "recovery", "reflux", "iterations")


def _python(value):
    """numpy scalars as Python values (the document takes bool, int, float, str)."""
    return value.item() if isinstance(value, np.generic) else value


def _is_range(spec):
    """A continuous range for random/LHS sampling: {"low": a, "high": b} or a 2-tuple."""
    if isinstance(spec, dict):
        return True
    return isinstance(spec, tuple) and len(spec) == 2


def _range(name, spec):
    low, high = (spec["low"], spec["high"]) if isinstance(spec, dict) else spec
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"sweep parameter {name}: expected low <= high, found {low}, {high}")
    return float(low), float(high)


def _grid_values(name, spec):
    """A list of values, or {"low", "high", "points"} (np.linspace)."""
    if isinstance(spec, dict):
        if "points" not in spec:
            raise ValueError(f"sweep parameter {name}: a grid range needs 'points'")
        low, high = _range(name, spec)
        return list(np.linspace(low, high, int(spec["points"])))
    values = list(np.atleast_1d(spec)) if not isinstance(spec, (list, tuple)) else list(spec)
    if not values:
        raise ValueError(f"sweep parameter {name}: no values")
    return values


def points(parameters, method="grid", samples=None, seed=None):
    """The sweep's points: (names, list of value tuples).

    grid: the Cartesian product of every parameter's values (a list/array, or
    {"low", "high", "points"}), the last parameter varying fastest.
    zip: the i-th values of every parameter together (lists of one length: a table of points).
    random, lhs: `samples` points; a parameter is a range ({"low", "high"} or a (low, high)
    tuple: uniform) or a list of values (each equally likely); lhs stratifies every parameter
    into `samples` equal intervals (Latin hypercube). The same seed gives the same points.
    """
    names = list(parameters)
    if not names:
        raise ValueError("a sweep needs at least one parameter")
    if method in ("grid", "zip"):
        values = [_grid_values(n, parameters[n]) for n in names]
        if method == "zip" and len({len(v) for v in values}) != 1:
            raise ValueError("a zip sweep needs as many values of every parameter")
        combine = itertools.product if method == "grid" else zip
        return names, [tuple(map(_python, p)) for p in combine(*values)]
    if method not in ("random", "lhs"):
        raise ValueError(f"unknown sweep method {method!r}: one of grid, zip, random, lhs")
    if samples is None or int(samples) < 1:
        raise ValueError(f"a {method} sweep needs samples >= 1")
    samples = int(samples)
    rng = np.random.default_rng(seed)
    columns = []
    for name in names:
        if method == "random":
            u = rng.random(samples)
        else:
            u = (rng.permutation(samples) + rng.random(samples)) / samples
        spec = parameters[name]
        if _is_range(spec):
            low, high = _range(name, spec)
            columns.append([low + (high - low) * x for x in u])
        else:
            choices = _grid_values(name, spec)
            columns.append(
                [_python(choices[min(int(x * len(choices)), len(choices) - 1)]) for x in u]
            )
    return names, list(zip(*columns))


def _set(case, names, values):
    """Case keys first, then the reflux (S, W depend on the feed, loading and acid)."""
    reflux = {}
    for name, value in zip(names, values):
        if name in ("S", "W"):
            reflux[name] = float(value)
        else:
            case[name] = value
    if reflux:
        case.set_reflux(**reflux)


def _lookup(summary, path):
    value = summary
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            raise KeyError(f"sweep output {path!r}: no {key!r} in the run's summary")
        value = value[key]
    if isinstance(value, (dict, list)):
        raise KeyError(f"sweep output {path!r} is not a number or text")
    return value


def _outputs(case, result, outputs, row):
    """Adds the chosen outputs of one solved point to `row`."""
    elements = result.elements
    for output in outputs:
        head, _, rest = output.partition(".")
        if output == "purity":
            row.update({f"purity.{n}": p.purity for n, p in result.products.items()})
        elif output == "recovery":
            row.update(
                {
                    f"recovery.{n}": p.recovery[elements.index(p.main_element)]
                    for n, p in result.products.items()
                }
            )
        elif head == "purity" and rest:
            row[output] = result.products[rest].purity
        elif head == "recovery" and rest.count(".") == 1:
            product, element = rest.split(".")
            row[output] = result.products[product].recovery[elements.index(element)]
        elif output == "reflux":
            s_w = result.reflux
            row["reflux.S"], row["reflux.W"] = s_w if s_w is not None else (math.nan, math.nan)
        elif output == "stages":
            counts = dict(zip(("extraction", "scrub", "strip"), result.stage_counts))
            row.update({f"stages.{k}": v for k, v in counts.items()})
            row["stages.total"] = sum(counts.values())
        elif output == "iterations":
            row["iterations"] = result.iterations
        elif output == "reagents":
            row.update(
                {
                    f"reagents.{k}": v
                    for k, v in result.summary["reagents"].items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)
                }
            )
        elif head == "cost" and rest:
            countries = [o.partition(".")[2] for o in outputs if o.startswith("cost.")]
            if countries[0] == rest:  # one cost call for every country asked for
                from ._api import cost

                summary = cost(case, countries).summary["countries"]
                row.update(
                    {f"cost.{c}": summary[c]["cost_usd_per_kg"]["reo_fed"] for c in countries}
                )
        else:
            row[output] = _lookup(result.summary, output)


def _solve_chunk(case_yaml, source, names, chunk, outputs, warm):
    """Solves the points of one chunk in order on one Case, each from the previous steady
    state when `warm`; a failed point gives a row with its error. Runs in a worker."""
    case = Case(_core.Document.from_string(case_yaml, source))
    rows = []
    for index, values in chunk:
        row = {"point": index, **dict(zip(names, values))}
        try:
            _set(case, names, values)
            result = case.run(warm=warm)
            row["converged"] = result.converged
            _outputs(case, result, outputs, row)
            row["error"], row["error_kind"] = "", ""
        except Exception as e:  # noqa: BLE001 - a failed point is a row, not a crash
            row["converged"] = False
            row["error"] = str(e)
            row["error_kind"] = _KINDS.get(type(e).__name__, type(e).__name__)
        rows.append(row)
    return rows


def map_chunks(function, tasks, executor, workers):
    """[function(*task) for task in tasks], in order, on the executor: None or "serial" (here,
    one after the other), "threads" or "processes" (a pool of `workers`), a
    concurrent.futures executor, or a dask.distributed.Client. Also reesx.cost's Monte Carlo."""
    if executor in (None, "serial"):
        return [function(*t) for t in tasks]
    if hasattr(executor, "gather") and hasattr(executor, "submit"):  # dask.distributed.Client
        futures = [executor.submit(function, *t, pure=False) for t in tasks]
        return executor.gather(futures)
    if hasattr(executor, "map"):  # a concurrent.futures executor of the caller's
        return list(executor.map(function, *zip(*tasks)))
    from concurrent import futures

    pools = {"threads": futures.ThreadPoolExecutor, "processes": futures.ProcessPoolExecutor}
    if executor not in pools:
        raise ValueError(
            f"unknown executor {executor!r}: None, 'serial', 'threads', 'processes', "
            "a concurrent.futures executor or a dask.distributed.Client"
        )
    with pools[executor](max_workers=workers) as pool:
        return list(pool.map(function, *zip(*tasks)))


def sweep(
    case,
    parameters,
    outputs=DEFAULT_OUTPUTS,
    *,
    method="grid",
    samples=None,
    seed=None,
    executor=None,
    workers=None,
    chunk_size=None,
    warm=True,
):
    """Solves `case` at every point of `parameters` and returns a pandas DataFrame: one row
    per point (column `point`, the parameters, `converged`, the outputs, `error`, `error_kind`).

    parameters: {name: values}; a name is a case key ("scrub.acid", "organic.flow",
    "stages.scrub", in the key's default unit or as text such as "3500 L/h") or S / W (the
    reflux, mol RE per mol feed RE, Case.set_reflux). Values as in `reesx.sweep_points`:
    lists for a grid, ranges or lists for method "random" or "lhs" with `samples` and `seed`.

    outputs: "purity", "recovery" (of each product's main element), "reflux", "stages",
    "iterations", "reagents", "purity.PRODUCT", "recovery.PRODUCT.ELEMENT",
    "cost.COUNTRY" (USD per kg REO fed, `reesx.cost`) or any number of the run's summary by
    its dotted path ("solver.residual_norm").

    The points are cut into chunks of `chunk_size` in order (default: 16 chunks of at most
    100 points); each chunk is solved on its own Case, every point warm-started from the
    previous one of its chunk (`warm`), the first cold. The chunks run one
    after the other (executor None), on `workers` threads ("threads") or processes
    ("processes"), on a concurrent.futures executor, or on a dask.distributed.Client: the
    rows are the same whatever runs them. A point that fails (a bad value, no solution) is a
    row with its message in `error` and its kind (input, infeasible, convergence) in
    `error_kind`; the others complete.
    """
    import pandas as pd

    if not isinstance(case, Case):
        case = Case(case)
    if case.is_plant:
        raise _core.InputError(f"{case.source}: a sweep solves one cascade, not a plant file")
    if isinstance(outputs, str):
        outputs = [outputs]
    names, values = points(parameters, method, samples, seed)
    indexed = list(enumerate(values))
    # By default 16 chunks (at most 100 points each): work for 16 workers, few cold starts.
    size = max(1, int(chunk_size or min(100, math.ceil(len(indexed) / 16))))
    tasks = [
        (case.to_yaml(), case.source, names, indexed[i : i + size], list(outputs), warm)
        for i in range(0, len(indexed), size)
    ]
    rows = [row for chunk in map_chunks(_solve_chunk, tasks, executor, workers) for row in chunk]
    frame = pd.DataFrame(rows).set_index("point")
    last = ["error", "error_kind"]
    frame = frame[[c for c in frame.columns if c not in last] + last]
    for column in frame.columns:  # stage counts, iterations: integers where a point failed too
        present = [row[column] for row in rows if column in row]
        if all(type(v) is int for v in present):
            frame[column] = frame[column].astype("Int64")
    return frame
