"""The cost Monte Carlo in chunks of samples on an executor (reesx.cost(..., executor=)).

Sample i of a run with seed s is drawn from a generator seeded by (s, i) and re-solved from the
nominal steady state, wherever it runs; a chunk is samples [first, first + count). The chunks'
samples are joined in order by the C++ core, which computes the percentiles as one run does:
the result is that of `reesx cost --monte-carlo N --seed s`, number for number (only the
wall-clock `seconds` and the `threads` count, here the number of chunks, differ)."""

import math
import time

from . import _core
from ._sweep import map_chunks


def _chunk(case_yaml, source, countries, scenario, first, count, seed, resimulate):
    """The samples [first, first + count) of the Monte Carlo (runs in a worker)."""
    document = _core.Document.from_string(case_yaml, source)
    out = _core.cost(document, countries, scenario, False, count, seed, 1, resimulate, first)
    return out.monte_carlo_samples()


def cost_in_chunks(document, countries, scenario, sensitivity, samples, seed, resimulate,
                   executor, workers, chunk_size):
    start = time.perf_counter()
    nominal = _core.cost(document, countries, scenario, sensitivity, 0, seed, 1, resimulate, 0)
    codes = nominal.summary()["country_order"]  # the case's countries when none were given
    size = max(1, int(chunk_size or math.ceil(samples / 16)))
    text, source = document.yaml(), document.source_name
    tasks = [
        (text, source, codes, scenario, first, min(size, samples - first), seed, resimulate)
        for first in range(0, samples, size)
    ]
    chunks = map_chunks(_chunk, tasks, executor, workers)
    return nominal.with_monte_carlo(
        list(chunks), seed, resimulate, len(tasks), time.perf_counter() - start
    )
