"""Command line of the Python package: `python3 -m reesx sweep SWEEP.yaml -o out.csv`,
`python3 -m reesx report CASE.yaml -o report.html` (`reesx report` and `reesx sweep` of the
C++ program run these).

A sweep file names the case and the parameters (docs/python.md, "Sweeps"):

    case: ../examples/prnd-p507.yaml     # relative to the sweep file, or the case's keys
    method: grid                         # grid, random or lhs (then samples and seed)
    parameters:
      S: {low: 3.6, high: 4.2, points: 7}
      scrub.acid: [3.5, 4.0]
    outputs: [purity, recovery, reflux, cost.CN-NM]
    executor: processes                  # serial (default), threads, processes, or the
                                         # address of a Dask scheduler (tcp://host:8786)
    workers: 2
"""

import argparse
import os
import pathlib
import sys

from . import _core
from ._case import Case
from ._sweep import DEFAULT_OUTPUTS, sweep

_SWEEP_KEYS = {
    "case",
    "method",
    "samples",
    "seed",
    "parameters",
    "outputs",
    "executor",
    "workers",
    "chunk-size",
    "warm",
}


def load_sweep(path):
    """The keyword arguments of reesx.sweep from a sweep file (InputError when wrong)."""
    import yaml

    path = pathlib.Path(path)
    spec = yaml.safe_load(path.read_text())
    if not isinstance(spec, dict):
        raise _core.InputError(f"{path}: expected a mapping of sweep keys")
    unknown = sorted(set(spec) - _SWEEP_KEYS)
    if unknown:
        raise _core.InputError(
            f"{path}: unknown key {unknown[0]!r}. Allowed keys: {', '.join(sorted(_SWEEP_KEYS))}"
        )
    for key in ("case", "parameters"):
        if key not in spec:
            raise _core.InputError(f"{path}: missing key {key!r}")
    case = spec["case"]
    case = Case(case) if isinstance(case, dict) else Case(path.parent / str(case))
    parameters = {
        name: value if isinstance(value, (dict, list)) else [value]
        for name, value in spec["parameters"].items()
    }
    executor = spec.get("executor", "serial")
    return dict(
        case=case,
        parameters=parameters,
        outputs=spec.get("outputs", list(DEFAULT_OUTPUTS)),
        method=spec.get("method", "grid"),
        samples=spec.get("samples"),
        seed=spec.get("seed"),
        executor=None if executor == "serial" else executor,
        workers=spec.get("workers"),
        chunk_size=spec.get("chunk-size"),
        warm=spec.get("warm", True),
    )


def write_table(frame, path):
    """CSV, or HDF5 (.h5, .hdf5: one dataset per column, h5py) by the file's extension."""
    path = pathlib.Path(path)
    if path.suffix in (".h5", ".hdf5"):
        import h5py
        import numpy as np

        with h5py.File(path, "w") as f:
            f["point"] = frame.index.to_numpy()
            for column in frame.columns:
                values = frame[column]
                if values.dtype == object:
                    data = np.array([str(v) for v in values], dtype=h5py.string_dtype())
                elif values.dtype == bool:
                    data = values.to_numpy()
                else:
                    data = values.to_numpy(dtype=float, na_value=np.nan)
                f[column] = data
        return
    frame.to_csv(path)


def main(argv=None):
    import yaml

    program = os.environ.get("REESX_PROGRAM", "python3 -m reesx")  # `reesx report` sets it
    parser = argparse.ArgumentParser(prog=program, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("sweep", help="solve a case over a grid or samples of parameters")
    s.add_argument("file", help="the sweep file (YAML)")
    s.add_argument("-o", "--output", help="CSV or HDF5 (.h5) file; CSV on stdout if not given")
    s.add_argument("--executor", choices=["serial", "threads", "processes"])
    s.add_argument("--workers", type=int)
    r = commands.add_parser("report", help="one self-contained HTML report of a case, plant, design or optimize result")
    r.add_argument("file", help="case, plant or design file (YAML), or an optimize result "
                   "(reesx optimize --json FILE.json or -o FILE.h5)")
    r.add_argument("-o", "--output", required=True, help="the HTML file to write")
    args = parser.parse_args(argv)
    if args.command == "report":
        return _report(args)
    try:
        options = load_sweep(args.file)
        if args.executor:
            options["executor"] = None if args.executor == "serial" else args.executor
        if args.workers:
            options["workers"] = args.workers
        executor = options["executor"]
        if isinstance(executor, str) and "://" in executor:  # a Dask scheduler's address
            from distributed import Client

            with Client(executor) as client:
                frame = sweep(**dict(options, executor=client))
        else:
            frame = sweep(**options)
    except _core.Error as e:
        print(f"reesx: {e}", file=sys.stderr)
        return e.exit_code
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as e:
        print(f"reesx: {args.file}: {e}", file=sys.stderr)
        return 1
    if args.output:
        write_table(frame, args.output)
    else:
        frame.to_csv(sys.stdout)
    failed = int((frame["error_kind"] != "").sum())
    print(
        f"reesx: {len(frame)} points, {failed} failed"
        + (f" -> {args.output}" if args.output else ""),
        file=sys.stderr,
    )
    return 0


def _report(args):
    from ._report import report

    try:
        report(args.file, args.output)
    except _core.Error as e:
        print(f"reesx: {e}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        print(f"reesx: {e.filename or args.output}: {e.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
