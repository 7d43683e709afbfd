"""Engine throughput and memory per person at several world sizes.

For each scenario and size, in a fresh interpreter (so peak memory is per size): one small
warm-up run (kernels loaded, compile excluded), then ``repeats`` full runs (seeds 1, 2, ...)
of the scenario's own length (baseline: 3 burn-in + 20 recorded years = 276 months) in the
scenario's honest world of that size (``_common.world``: population and every absolute
quantity grown with the agents, so the share of agents abroad is the scenario's own at every
size; ``--diluted``: the older worlds of 100 real persons per agent with demand fixed, for
comparison only). Reported:

* the share of agents abroad at the end of the first run (the same at every size in honest
  worlds);
* throughput, million person-months per second of ``Simulation.advance`` (persons alive,
  mean of start and end, x months / wall seconds): median, min-max and interquartile range;
  the lowest CPU share (CPU time / wall time) of the runs: below ~0.98 another process
  shared the core and the figure is pessimistic;
* engine state, bytes per person: ``circsim.state.bytes_per_person()`` (the person fields),
  then measured ``nbytes`` / initial persons of the person arrays (with their free slots),
  of employers, of records and of everything else (world, scratch, parameters);
* resident memory growth (``/proc/self/statm``) from before building the first run's
  Simulation to the end of that run, divided by persons (what a world really occupies);
* peak resident memory (``ru_maxrss``) of the process, in MiB and divided by persons (bytes
  per person, interpreter, libraries and kernel loading included: about 280 MiB, reached
  during the warm-up, which dominates every size below a few million persons).

``python -m benchmarks.throughput [--sizes 10000,100000,1000000] [--opt-in-10m]
[--repeats 3] [--scenarios baseline,...] [--years Y] [--diluted] [--json FILE]``. Run it under
``taskset -c N`` to pin it (children inherit the affinity). 10M persons (opt-in) runs once.
"""

from __future__ import annotations

import argparse

import numpy as np

from ._common import (diluted_world, in_subprocess, machine_info, peak_rss_bytes, rss_bytes, status_shares, summary,
                      table, timed_run, warm_up, world, write_json)

TEN_MILLION = 10_000_000


def nbytes(obj) -> int:
    """Bytes of every NumPy array in a (nested) namedtuple."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, tuple):
        return sum(nbytes(x) for x in obj)
    return 0


def measure_size(persons: int, scenario: str = "baseline", repeats: int = 3, years: int | None = None,
                 diluted: bool = False) -> dict:
    """Throughput and memory of ``repeats`` runs with ``persons`` agents (call in a fresh process)."""
    from circsim.state import bytes_per_person

    warm_up(scenario)
    warm_peak = peak_rss_bytes()
    runs, memory, shares = [], {}, {}
    for r in range(repeats):
        rss0 = rss_bytes()
        run = timed_run((diluted_world if diluted else world)(persons, scenario, years=years), seed=r + 1)
        sim = run.pop("sim")
        if not memory:
            shares = status_shares(sim)
            parts = {"persons": nbytes(sim.persons), "employers": nbytes(sim.employers),
                     "records": nbytes(sim.records),
                     "other": nbytes(sim.world) + nbytes(sim.scratch) + nbytes(sim.policy),
                     "resident_growth": rss_bytes() - rss0}
            memory = {f"{k}_bytes_per_person": v / persons for k, v in parts.items()}
        runs.append(run)
        del sim
    peak = peak_rss_bytes()
    return {"scenario": scenario, "world": "diluted" if diluted else "honest", "persons": persons,
            "months": runs[0]["months"], "repeats": repeats, "status_shares_end": shares,
            "mpm_per_s": summary([r["pm_per_s"] / 1e6 for r in runs]), "seconds": summary([r["seconds"] for r in runs]),
            "mpm_per_cpu_s": summary([r["pm_per_cpu_s"] / 1e6 for r in runs]),
            "cpu_share": summary([r["cpu_share"] for r in runs]),
            "build_seconds": summary([r["build_seconds"] for r in runs]),
            "state_bytes_per_person": bytes_per_person(), **memory,
            "peak_rss_mib": peak / 2**20, "peak_rss_bytes_per_person": peak / persons,
            "warm_up_peak_rss_mib": warm_peak / 2**20}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Engine throughput (M person-months/s) and memory per person.")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated person counts")
    parser.add_argument("--opt-in-10m", action="store_true", help="also 10,000,000 persons (one repeat, ~2 min)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scenarios", default="baseline",
                        help="comma-separated scenario names or paths (every instrument on: all_instruments)")
    parser.add_argument("--years", type=int, default=None, help="recorded years (default: the scenario's)")
    parser.add_argument("--diluted", action="store_true",
                        help="older diluted worlds (100 persons per agent, demand fixed), for comparison only")
    parser.add_argument("--json", default=None, help="write all results to this JSON file")
    args = parser.parse_args(argv)
    from .machine import machine_score

    sizes = [int(x) for x in args.sizes.split(",") if x]
    score = machine_score()
    results = []
    for scenario in args.scenarios.split(","):
        for n in sizes + ([TEN_MILLION] if args.opt_in_10m else []):
            repeats = 1 if n >= TEN_MILLION else args.repeats
            r = in_subprocess("throughput", "measure_size",
                              {"persons": n, "scenario": scenario, "repeats": repeats, "years": args.years,
                               "diluted": args.diluted})
            results.append(r)
            print(f"  {scenario} {n:>10,d} persons: median {r['mpm_per_s']['median']:.1f} M person-months/s", flush=True)
    rows = [{"scenario": r["scenario"], "world": r["world"], "persons": f"{r['persons']:,}", "months": r["months"],
             "abroad": r["status_shares_end"]["abroad"], "n": r["repeats"],
             "median Mpm/s": r["mpm_per_s"]["median"], "min": r["mpm_per_s"]["min"], "max": r["mpm_per_s"]["max"],
             "IQR": r["mpm_per_s"]["q3"] - r["mpm_per_s"]["q1"], "CPU share": r["cpu_share"]["min"],
             "run s": r["seconds"]["median"],
             "state B/p": r["state_bytes_per_person"], "persons B/p": r["persons_bytes_per_person"],
             "empl B/p": r["employers_bytes_per_person"], "records B/p": r["records_bytes_per_person"],
             "other B/p": r["other_bytes_per_person"], "RSS growth B/p": r["resident_growth_bytes_per_person"],
             "peak RSS MiB": r["peak_rss_mib"], "peak B/p": r["peak_rss_bytes_per_person"]}
            for r in results]
    info = machine_info()
    print(f"\n{info['cpu']}, affinity {info['affinity']}, machine score {score['score']:.1f} M ops/s\n")
    print(table(rows, list(rows[0])))
    if args.json:
        write_json(args.json, {"machine": info, "machine_score": score, "results": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
