"""Are the benchmark worlds honest? Shares of agents by status at several sizes.

For each size, a run of the scenario grown to that many agents (``_common.world``) and, for
comparison, of the older diluted world (``_common.diluted_world``: 100 real persons per agent,
demand fixed). Reported: the share of living agents in each status, averaged over the
recorded months (burn-in excluded), in per cent. In honest worlds the shares should not
depend on the size (beyond sampling noise, largest at the smallest size).

``python -m benchmarks.worlds [--sizes 10000,100000,1000000] [--scenario baseline]
[--years 5] [--json FILE]``
"""

from __future__ import annotations

import argparse

import numpy as np

from ._common import diluted_world, machine_info, table, warm_up, world, write_json

SHOWN = ("abroad", "seasonal", "temporary", "irregular", "applicant", "approved", "returnee")


def mean_shares(s, seed: int = 1) -> dict:
    """Status shares of the living agents, averaged over the recorded months of one run."""
    import circsim
    from circsim.state import AT_HOME, EXITED, STATUS_NAMES

    sim = circsim.Simulation(s, seed)
    sim.advance(s.burn_in_months)
    total = np.zeros(len(STATUS_NAMES))
    while not sim.done:
        sim.advance(1)
        counts = np.bincount(sim.persons.status, minlength=len(STATUS_NAMES)).astype(float)
        counts[EXITED] = 0
        total += counts / counts.sum()
    shares = total / s.months
    return {"abroad": 1 - shares[list(AT_HOME)].sum(), **dict(zip(STATUS_NAMES, shares))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Status shares of benchmark worlds at several sizes.")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--years", type=int, default=5, help="recorded years (after 1 burn-in year)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    warm_up(args.scenario)
    rows = []
    for kind, make in (("honest", world), ("diluted", diluted_world)):
        for n in (int(x) for x in args.sizes.split(",")):
            shares = mean_shares(make(n, args.scenario, years=args.years, burn_in_years=1))
            rows.append({"world": kind, "agents": f"{n:,}", **{f"{k} %": 100 * shares[k] for k in SHOWN}})
            print(f"  {kind} {n:,}: abroad {100 * shares['abroad']:.3f} %", flush=True)
    print(f"\n{args.scenario}, 1 + {args.years} years, seed 1; mean share of living agents over the recorded months")
    print(table(rows, list(rows[0])))
    if args.json:
        write_json(args.json, {"machine": machine_info(), "scenario": args.scenario, "years": args.years, "rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
