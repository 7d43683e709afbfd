"""Machine score: a fixed NumPy + Numba workload, in millions of operations per second.

Two fixed parts, each timed best-of-``repeats`` after a warm-up (compile excluded):

* hash: a compiled loop of ``HASH_N`` chained splitmix64 integer hashes (the scalar
  arithmetic of the engine's counter-based random numbers); rate = hashes per second;
* sort: ``numpy.sort`` of a fixed array of ``SORT_N`` float64 values (memory traffic);
  rate = elements sorted per second.

The score is the geometric mean of the two rates, in M ops/s (``score``: per second of wall
time; ``score_cpu``: per second of this process's CPU time, blind to time-slicing by another
process on the same core). Engine throughput divided by the score ("normalised throughput")
is comparable across machines and background loads to the extent both slow down alike;
docs/BENCHMARKS.md gives the measured noise.

``python -m benchmarks.machine`` prints the score.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from numba import njit

HASH_N = 1 << 25
SORT_N = 1 << 23


@njit(cache=True)
def _hash_loop(n):
    acc = np.uint64(0)
    for i in range(n):  # each hash feeds the next: a serial chain, not vectorisable
        z = acc + np.uint64(i) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        acc = z ^ (z >> np.uint64(31))
    return acc


def _best(fn, repeats: int) -> tuple[float, float]:
    """Shortest wall time and shortest CPU time of this process over ``repeats`` calls, seconds."""
    wall = cpu = math.inf
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu


def machine_score(repeats: int = 5) -> dict:
    """The score (M ops/s of wall time; ``score_cpu``: of CPU time) and the component rates."""
    _hash_loop(1000)  # compile or load from cache
    data = np.random.default_rng(20240501).random(SORT_N)
    hash_wall, hash_cpu = _best(lambda: _hash_loop(HASH_N), repeats)
    sort_wall, sort_cpu = _best(lambda: np.sort(data), repeats)
    return {"score": math.sqrt(HASH_N / hash_wall * SORT_N / sort_wall) / 1e6,
            "score_cpu": math.sqrt(HASH_N / hash_cpu * SORT_N / sort_cpu) / 1e6,
            "hash_mops": HASH_N / hash_wall / 1e6, "sort_mops": SORT_N / sort_wall / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    m = machine_score(args.repeats)
    print(f"machine score {m['score']:.1f} M ops/s, {m['score_cpu']:.1f} per CPU second "
          f"(hash {m['hash_mops']:.1f} M/s, sort {m['sort_mops']:.1f} M/s)")


if __name__ == "__main__":
    main()
