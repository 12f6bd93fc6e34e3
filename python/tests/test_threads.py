"""Solves release the GIL: threads give the same results as one after the other."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import reesx
from cases import pr_nd_17, pr_nd_beta_log10
from conftest import without_timings


def solve(factor, log10_beta):
    return without_timings(reesx.run(pr_nd_17(20, factor, log10_beta)).summary)


def test_threads_equal_serial():
    log10_beta = pr_nd_beta_log10(reesx)
    factors = [1.1 + 0.05 * i for i in range(8)]
    serial = [solve(f, log10_beta) for f in factors]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda f: solve(f, log10_beta), factors))
    assert threaded == serial


def test_gil_is_released_during_a_solve():
    """Another Python thread runs while the C++ solve runs: without the release it could
    only run in the few microseconds of Python around the call."""
    document = reesx._core.Document.from_python(
        pr_nd_17(150, 1.05, pr_nd_beta_log10(reesx)), "<dict>"
    )
    stamps = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            stamps.append(time.perf_counter())

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        time.sleep(0.01)
        t0 = time.perf_counter()
        reesx._core.run(document)
        t1 = time.perf_counter()
    finally:
        done.set()
        ticker.join()
    assert sum(t0 < t < t1 for t in stamps) > 100
