"""Sweep throughput: runs per minute on a local Dask cluster against a sequential loop.

    python -m benchmarks.sweep_speed [--runs 24] [--persons 20000] [--years 5]

Runs the same design twice: in this process one run after the other (``workers=0``), then on
a LocalCluster of 2 single-threaded worker processes. The cluster is started and each worker
loads the compiled kernels (one tiny run) before the clock starts, so the figure is the
steady-state parallel efficiency = (sequential time / parallel time) / workers; the start-up
time of the cluster is reported separately.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import circsim


def design(runs: int, persons: int, years: int) -> dict:
    seeds = 2
    values = [round(0.05 + 0.9 * i / max(runs // seeds - 1, 1), 4) for i in range(runs // seeds)]
    return {"name": "speed", "scenario": "baseline", "design": "grid", "seeds": seeds,
            "overrides": {"persons": persons, "years": years, "burn_in_years": 1},
            "vary": [{"key": "origins.*.readmission_cooperation", "values": values}]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=24)
    ap.add_argument("--persons", type=int, default=20000)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    spec = design(args.runs, args.persons, args.years)
    tmp = Path(tempfile.mkdtemp())
    try:
        circsim.experiment(persons=1000, years=1, burn_in_years=0)  # kernels loaded here too
        t0 = time.perf_counter()
        circsim.sweep(spec, tmp / "seq.zarr", workers=0, progress=False)
        sequential = time.perf_counter() - t0

        from dask.distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, env={"NUMBA_NUM_THREADS": "1"})
        client = Client(cluster)
        client.run(circsim.experiment, persons=1000, years=1, burn_in_years=0)
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        circsim.sweep(spec, tmp / "par.zarr", client=client, progress=False)
        parallel = time.perf_counter() - t0
        client.close()
        cluster.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = len(spec["vary"][0]["values"]) * spec["seeds"]
    result = {
        "runs": n, "persons": args.persons, "years": args.years, "workers": args.workers,
        "sequential_s": round(sequential, 2), "parallel_s": round(parallel, 2), "cluster_startup_s": round(startup, 2),
        "sequential_runs_per_min": round(60 * n / sequential, 1), "parallel_runs_per_min": round(60 * n / parallel, 1),
        "parallel_efficiency": round(sequential / parallel / args.workers, 3),
        "efficiency_with_startup": round(sequential / (parallel + startup) / args.workers, 3),
    }
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
