"""Engine against the Mesa reference model: person-months per second on the same world.

Both run the same scenario and seed in this process: ``circsim.reference.ReferenceModel``
(plain Python Mesa agents, the correctness oracle) once, and ``circsim.Simulation`` (Numba
kernels; warm-up first, median of ``repeats``). Reported: seconds and million person-months
per second of each (persons alive, mean of start and end, x months / wall seconds; the
reference model's construction is excluded like the engine's), their ratio, and whether the
two gave identical record arrays (they must: the reference model is the engine's oracle).

``python -m benchmarks.reference_ratio [--persons 20000] [--years 5] [--repeats 3] [--json FILE]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from ._common import machine_info, timed_run, warm_up, world, write_json


def measure(persons: int = 20_000, years: int = 5, burn_in_years: int = 1, seed: int = 1, repeats: int = 3) -> dict:
    from circsim.reference import ReferenceModel

    s = world(persons, years=years, burn_in_years=burn_in_years)
    warm_up()
    engine = [timed_run(s, seed) for _ in range(repeats)]
    ref = ReferenceModel(s, seed=seed)
    alive0 = sum(1 for _ in ref.persons())
    start, cpu0 = time.perf_counter(), time.process_time()
    ref.run()
    ref_seconds, ref_cpu = time.perf_counter() - start, time.process_time() - cpu0
    ref_pm = 0.5 * (alive0 + sum(1 for _ in ref.persons())) * s.total_months
    identical = all(np.array_equal(a, b) for a, b in zip(engine[0]["sim"].records, ref.records))
    engine_seconds = statistics.median(r["seconds"] for r in engine)
    engine_mpm = statistics.median(r["pm_per_s"] for r in engine) / 1e6
    ref_mpm = ref_pm / ref_seconds / 1e6
    return {"persons": persons, "months": s.total_months, "seed": seed, "identical_records": identical,
            "engine_seconds": engine_seconds, "engine_mpm_per_s": engine_mpm,
            "engine_cpu_share": min(r["cpu_share"] for r in engine),
            "reference_seconds": ref_seconds, "reference_mpm_per_s": ref_mpm, "reference_cpu_share": ref_cpu / ref_seconds,
            "ratio": engine_mpm / ref_mpm}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Engine vs Mesa reference model, person-months per second.")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5, help="recorded years (after 1 burn-in year)")
    parser.add_argument("--repeats", type=int, default=3, help="engine runs (the reference model runs once)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    try:
        import circsim.reference  # noqa: F401
    except ImportError:
        print("circsim.reference (the Mesa reference model) is not available: the ratio is pending")
        return 0
    r = measure(args.persons, args.years, repeats=args.repeats)
    print(f"baseline, {r['persons']:,} persons x {r['months']} months, seed {r['seed']}")
    print(f"  engine:    {r['engine_seconds']:8.3f} s  {r['engine_mpm_per_s']:10.4f} M person-months/s "
          f"(median of {args.repeats}, CPU share >= {r['engine_cpu_share']:.2f})")
    print(f"  reference: {r['reference_seconds']:8.3f} s  {r['reference_mpm_per_s']:10.4f} M person-months/s "
          f"(CPU share {r['reference_cpu_share']:.2f})")
    print(f"  engine / reference: {r['ratio']:.0f} x; identical records: {r['identical_records']}")
    if args.json:
        write_json(args.json, {"machine": machine_info(), **r})
    return 0 if r["identical_records"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
