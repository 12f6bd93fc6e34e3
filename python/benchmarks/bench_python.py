"""Timings of the Python package (docs/performance.md, "Python package"):

1. a 1,000-point reflux sweep of the 17-element × 100-stage Pr/Nd cascade of
   tests/benchmarks/bench_cascade.cpp, each point re-solved from the previous one (Case
   warm starts, set_reflux), on one thread and split over two threads;
2. the calling overhead of `reesx.run` on a 2-element × 20-stage case: wall time per call
   less the C++ part (parse, set-up, solve) measured inside the call.

    PYTHONPATH=build/python taskset -c 1 /usr/bin/python3 python/benchmarks/bench_python.py --threads 1
    PYTHONPATH=build/python /usr/bin/python3 python/benchmarks/bench_python.py   # also two threads

3. with --executors, only reesx.sweep of that sweep: serial, on two threads and on a Dask
   LocalCluster of two workers (processes, then threads), each compared with the serial rows.
"""

import argparse
import pathlib
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import reesx

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from cases import pr_nd_17, pr_nd_2x20, pr_nd_beta_log10  # noqa: E402


def sweep(document, factors, warm=True):
    """Solves the case at S = factor × the case's S (W moved with it: the same RE leaves
    in the loaded organic), in order, each from the previous steady state when `warm`."""
    case = reesx.Case(document)
    s0, w0 = case.reflux
    purities, iterations, core, newton = [], [], 0.0, 0.0
    for f in factors:
        case.set_reflux(S=s0 * f, W=w0 + s0 * (f - 1.0))
        r = case.run(warm=warm)
        purities.append(r.products["raffinate"].purity)
        iterations.append(r.iterations)
        core += r.core_seconds
        newton += r.solve_seconds
    return purities, iterations, core, newton


def bench_sweep(points, threads):
    document = pr_nd_17(50, 1.1, pr_nd_beta_log10(reesx))
    factors = np.linspace(1.0, 1.5, points)
    sweep(document, factors[:5])  # warm-up: imports, first allocations
    start, cpu = time.perf_counter(), time.process_time()
    purities, iterations, core, newton = sweep(document, factors)
    serial = time.perf_counter() - start
    cpu = time.process_time() - cpu  # on a shared machine: the work, without the waits
    print(
        f"sweep 17 x 100, {points} points, one thread: {serial:.3f} s, CPU {cpu:.3f} s "
        f"({1e3 * serial / points:.3f} ms/point; "
        f"C++ parse+solve {1e3 * core / points:.3f} ms/point, "
        f"of which Newton {1e3 * newton / points:.3f} ms/point; "
        f"Newton iterations median {statistics.median(iterations)}, max {max(iterations)})"
    )
    if threads > 1:
        chunks = np.array_split(factors, threads)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(lambda c: sweep(document, c), chunks))
        parallel = time.perf_counter() - start
        same = [p for part in parts for p in part[0]]
        print(
            f"sweep 17 x 100, {points} points, {threads} threads: {parallel:.3f} s "
            f"(speed-up {serial / parallel:.2f}; purities equal to the serial sweep to "
            f"{max(abs(a - b) for a, b in zip(same, purities)):.1e})"
        )
    cold_points = min(points, 200)
    start = time.perf_counter()
    sweep(document, factors[:cold_points], warm=False)
    cold = time.perf_counter() - start
    print(f"same sweep cold (first {cold_points} points): {1e3 * cold / cold_points:.3f} ms/point")


def bench_executors(points, workers, chunk_size):
    """reesx.sweep of the same reflux sweep: serial, a thread pool and a Dask LocalCluster of
    `workers` (worker processes, started before the clock), the rows compared with serial's."""
    document = pr_nd_17(50, 1.1, pr_nd_beta_log10(reesx))
    case = reesx.Case(document)
    s0, w0 = case.reflux
    factors = np.linspace(1.0, 1.5, points)
    grid = {"S": s0 * factors, "W": w0 + s0 * (factors - 1.0)}  # as bench_sweep
    reesx.sweep(case, {"S": s0 * factors[:5]}, ["purity"])  # warm-up

    def timed(label, executor):
        start = time.perf_counter()
        frame = reesx.sweep(
            case,
            grid,
            ["purity"],
            method="zip",
            executor=executor,
            workers=workers,
            chunk_size=chunk_size,
        )
        seconds = time.perf_counter() - start
        print(
            f"reesx.sweep 17 x 100, {points} points, {label}: {seconds:.3f} s "
            f"({1e3 * seconds / points:.3f} ms/point)"
        )
        return frame, seconds

    start = time.perf_counter()
    sweep(document, factors)
    loop = time.perf_counter() - start
    print(f"the same points as a loop over one Case (bench_sweep): {loop:.3f} s")
    serial, t_serial = timed("serial", None)
    threads, t_threads = timed(f"{workers} threads", "threads")
    print(f"  speed-up {t_serial / t_threads:.2f}; rows equal serial: {threads.equals(serial)}")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("  (no dask.distributed: python3-distributed)")
        return
    for processes in (True, False):
        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=None
        ) as cluster, Client(cluster) as client:
            client.run(lambda: __import__("reesx"))  # workers import the package first
            kind = "processes" if processes else "threads of this process"
            dask, t_dask = timed(f"Dask LocalCluster, {workers} workers ({kind})", client)
        print(f"  speed-up {t_serial / t_dask:.2f}; rows equal serial: {dask.equals(serial)}")


def bench_overhead(calls):
    document = pr_nd_2x20()
    case = reesx.Case(document)
    for _ in range(50):
        case.run(warm=False)
    wall, core = [], []
    for _ in range(calls):
        start = time.perf_counter()
        r = case.run(warm=False)
        wall.append(time.perf_counter() - start)
        core.append(r.core_seconds)
    per_call = statistics.median(wall)
    inner = statistics.median(core)
    print(
        f"run 2 x 20 (Case.run, cold each time), {calls} calls: {1e3 * per_call:.4f} ms per call, "
        f"C++ parse+solve {1e3 * inner:.4f} ms, "
        f"overhead {1e3 * (per_call - inner):.4f} ms (medians)"
    )
    wall = []
    for _ in range(calls):
        start = time.perf_counter()
        r = reesx.run(document)
        wall.append(time.perf_counter() - start)
    print(
        f"reesx.run(dict) 2 x 20: {1e3 * statistics.median(wall):.4f} ms per call "
        f"(dict -> YAML -> parse included)"
    )
    start = time.perf_counter()
    for _ in range(100):
        reesx.run(document).summary
    print(
        f"reesx.run(dict).summary 2 x 20: "
        f"{1e3 * (time.perf_counter() - start) / 100:.4f} ms per call"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument(
        "--executors", action="store_true", help="only reesx.sweep: serial, threads, Dask"
    )
    parser.add_argument("--chunk-size", type=int, help="reesx.sweep's chunk_size")
    args = parser.parse_args()
    if args.executors:
        bench_executors(args.points, max(2, args.threads), args.chunk_size)
        return
    bench_overhead(args.calls)
    bench_sweep(args.points, args.threads)


if __name__ == "__main__":
    main()
