"""Time per phase: the engine's monthly schedule run one phase kernel at a time from Python.

``engine.advance`` runs the phases of ``engine.SCHEDULE`` inside one compiled loop, so it
cannot say where the time goes. Here the same kernels, with the same arguments and in the
same order, are called one by one from Python and each call is timed (CPU time of this
process, ``time.process_time``, blind to another process time-slicing the core; wall clock
in the JSON file). Arrays that run out of free slots grow as in ``Simulation.advance``
(timed with demography). The records must come out identical to a normal run, which is
checked. Each call adds Python's dispatch overhead (unboxing the argument tuples): it is
measured with an empty kernel of the same arguments and subtracted from every phase (the
sum of the phases, less the overhead, can be set against the engine's own time for the
same run, measured in the same process).

``python -m benchmarks.phases [--persons 1000000] [--scenarios baseline,all_instruments]
[--years Y] [--json FILE]``, honest worlds (``_common.world``); run under ``taskset``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from numba import njit

from ._common import in_subprocess, machine_info, table, timed_run, warm_up, world, write_json


@njit(cache=True)
def _empty(t, cal, seed, scale, p, e, w, pol, s, rec):
    return 0


def profile(persons: int, scenario: str = "baseline", years: int | None = None, seed: int = 1) -> dict:
    """CPU seconds per month of each phase, and the engine's own CPU time for the same run."""
    import circsim
    from circsim import diaspora, engine
    from circsim.phases.demography import place_entrants
    from circsim.state import grow_persons

    warm_up(scenario)
    s = world(persons, scenario, years=years)
    engine_run = timed_run(s, seed)
    sim = circsim.Simulation(s, seed)
    totals, walls = dict.fromkeys(engine.SCHEDULE, 0.0), dict.fromkeys(engine.SCHEDULE, 0.0)
    kernels = [(name, getattr(engine, name)) for name in engine.SCHEDULE]
    warm_small = circsim.Simulation(world(2000, scenario, years=1, burn_in_years=0), seed)  # compile entry points
    for name, kernel in kernels + [("empty", _empty)]:
        kernel(0, 0, *warm_small._args())
    overhead = []
    for t in range(s.total_months):
        cal = (s.start_index + t) % 12
        if t == s.burn_in_months:  # the diaspora's stocks, placed when recording starts (as Simulation.advance)
            diaspora.place_stocks(s, sim.policy, sim.world.comm_origin, sim.persons, t, sim.seed)
        for name, kernel in kernels:
            start, cpu = time.perf_counter(), time.process_time()
            left = kernel(t, cal, *sim._args())
            if name == "demography" and left > 0:  # out of free slots: grow, as Simulation.advance does
                sim.persons = grow_persons(sim.persons, len(sim.persons.status) // 4 + 16)
                assert place_entrants(t, sim.seed, sim.persons, sim.world, sim.policy, sim.scratch, sim.records) == 0
            totals[name] += time.process_time() - cpu
            walls[name] += time.perf_counter() - start
        cpu = time.process_time()
        _empty(t, cal, *sim._args())
        overhead.append(time.process_time() - cpu)
    sim.t = s.total_months
    identical = all(np.array_equal(a, b) for a, b in zip(engine_run["sim"].records, sim.records))
    months, call = s.total_months, float(np.median(overhead))
    return {"scenario": scenario, "persons": persons, "months": months, "identical_records": identical,
            "seconds_per_month": {k: v / months - call for k, v in totals.items()}, "call_overhead_seconds": call,
            "wall_seconds_per_month": {k: v / months - call for k, v in walls.items()},
            "phases_seconds": sum(totals.values()) - call * months * len(totals),
            "engine_seconds": engine_run["cpu_seconds"], "engine_wall_seconds": engine_run["seconds"],
            "engine_mpm_per_s": engine_run["pm_per_s"] / 1e6, "engine_cpu_share": engine_run["cpu_share"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Seconds per month of each phase of the engine.")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--scenarios", default="baseline,all_instruments")
    parser.add_argument("--years", type=int, default=None, help="recorded years (default: the scenario's)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    results = [in_subprocess("phases", "profile", {"persons": args.persons, "scenario": sc, "years": args.years})
               for sc in args.scenarios.split(",")]
    rows = [{"phase": name, **{f"{r['scenario']} CPU ms/month": 1e3 * r["seconds_per_month"][name] for r in results},
             **{f"{r['scenario']} share": r["seconds_per_month"][name] * r["months"] / r["phases_seconds"]
                for r in results}} for name in results[0]["seconds_per_month"]]
    rows.append({"phase": "sum of phases", **{f"{r['scenario']} CPU ms/month": 1e3 * r["phases_seconds"] / r["months"]
                                             for r in results}})
    rows.append({"phase": "(call overhead, subtracted)",
                 **{f"{r['scenario']} CPU ms/month": 1e3 * r["call_overhead_seconds"] for r in results}})
    rows.append({"phase": "engine (one compiled loop)",
                 **{f"{r['scenario']} CPU ms/month": 1e3 * r["engine_seconds"] / r["months"] for r in results}})
    print(f"{args.persons:,} agents, honest worlds; " + "; ".join(
        f"{r['scenario']}: {r['months']} months, identical records {r['identical_records']}, "
        f"engine {r['engine_mpm_per_s']:.1f} M pm/s (CPU share {r['engine_cpu_share']:.2f})" for r in results))
    print(table(rows, list(rows[0])))
    if args.json:
        write_json(args.json, {"machine": machine_info(), "results": results})
    return 0 if all(r["identical_records"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
