"""How run time grows with persons and with years, and whether a second thread helps.

* persons: 25k, 50k, ..., 800k persons (doubling), 1 burn-in + 10 recorded years;
* years: 2, 4, ..., 32 recorded years (+ 1 burn-in), 100k persons;
* threads: 200k persons x (1 + 5) years with ``NUMBA_NUM_THREADS`` = 1 and 2, each in a fresh
  process. The kernels are serial today (no ``prange``), so the thread count should make no
  difference; the comparison is here for when kernels become parallel (then run it on two
  free cores, not under ``taskset -c N``).

Times are seconds of ``Simulation.advance`` (median of ``repeats``, seeds 1, 2, ...; the lowest
CPU share of the runs shows whether the core was shared). For each sweep the log-log slope
(1 = linear; over all points and over the upper half) and a straight-line fit
``time = a + b x`` with its R² are reported; the figure goes to ``docs/benchmarks_scaling.png``.

``python -m benchmarks.scaling [--repeats 3] [--json FILE] [--plot PATH]``
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np

from ._common import DOCS, in_subprocess, machine_info, table, timed_run, warm_up, world, write_json

PERSONS = [25_000 * 2**k for k in range(6)]
YEARS = [2, 4, 8, 16, 32]
PERSONS_YEARS, YEARS_PERSONS, BURN_IN = 10, 100_000, 1


def _median_run(persons: int, years: int, repeats: int) -> dict:
    runs = [timed_run(world(persons, years=years, burn_in_years=BURN_IN), seed=r + 1) for r in range(repeats)]
    return {"persons": persons, "years": years, "months": runs[0]["months"],
            "seconds": statistics.median(r["seconds"] for r in runs),
            "mpm_per_s": statistics.median(r["pm_per_s"] for r in runs) / 1e6,
            "cpu_share": min(r["cpu_share"] for r in runs)}


def fit(x, y) -> dict:
    """Log-log slope (all points; upper half), and intercept a, slope b and R² of y = a + b x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    loglog = np.polyfit(np.log(x), np.log(y), 1)[0]
    upper = np.polyfit(np.log(x[len(x) // 2:]), np.log(y[len(y) // 2:]), 1)[0]
    b, a = np.polyfit(x, y, 1)
    r2 = 1 - np.sum((y - (a + b * x)) ** 2) / np.sum((y - y.mean()) ** 2)
    return {"loglog_slope": float(loglog), "loglog_slope_upper": float(upper), "a": float(a), "b": float(b),
            "r2": float(r2)}


def threads_worker(repeats: int = 3) -> dict:
    """Throughput at 200k persons x 6 years in this process (run with NUMBA_NUM_THREADS set)."""
    import numba

    warm_up()
    run = _median_run(200_000, 5, repeats)
    return {"threads": numba.get_num_threads(), "mpm_per_s": run["mpm_per_s"], "seconds": run["seconds"],
            "cpu_share": run["cpu_share"]}


def plot(result: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matplotlib.ticker import NullFormatter

    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    for ax, key, xkey, label in ((axes[0], "persons", "persons", f"persons ({BURN_IN} + {PERSONS_YEARS} years)"),
                                 (axes[1], "years", "months", f"months simulated ({YEARS_PERSONS:,} persons)")):
        rows, f = result[key], result[f"{key}_fit"]
        x = np.array([r[xkey] for r in rows], float)
        ax.loglog(x, [r["seconds"] for r in rows], "o", label="measured (median)")
        ax.loglog(x, f["a"] + f["b"] * x, "-", label=f"line a + b x (R² {f['r2']:.4f})")
        ax.set_xticks(x, [f"{v / 1000:g}k" if xkey == "persons" else f"{v:g}" for v in x])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(label)
        ax.set_ylabel("seconds in advance()")
        ax.set_title(f"time vs {key}: log-log slope {f['loglog_slope']:.2f}\n"
                     f"(upper half {f['loglog_slope_upper']:.2f})", fontsize=10)
        ax.legend(fontsize=8)
    threads = result["threads"]
    axes[2].bar([str(t["requested"]) for t in threads], [t["mpm_per_s"] for t in threads])
    axes[2].set_xlabel("NUMBA_NUM_THREADS")
    axes[2].set_ylabel("M person-months / s")
    axes[2].set_title("threads, 200k persons x 6 years\n(kernels serial today; one pinned core)", fontsize=10)
    fig.suptitle(f"circsim baseline scaling — {result['machine']['cpu']}, {result['machine']['date'][:10]}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run time against persons, years and threads.")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default=None)
    parser.add_argument("--plot", default=str(DOCS / "benchmarks_scaling.png"))
    args = parser.parse_args(argv)
    warm_up()
    result = {"machine": machine_info(), "repeats": args.repeats}
    result["persons"] = [_median_run(n, PERSONS_YEARS, args.repeats) for n in PERSONS]
    result["years"] = [_median_run(YEARS_PERSONS, y, args.repeats) for y in YEARS]
    result["persons_fit"] = fit(PERSONS, [r["seconds"] for r in result["persons"]])
    result["years_fit"] = fit([r["months"] for r in result["years"]], [r["seconds"] for r in result["years"]])
    result["threads"] = [{"requested": k, **in_subprocess("scaling", "threads_worker", {"repeats": args.repeats},
                                                          env={"NUMBA_NUM_THREADS": str(k)})} for k in (1, 2)]
    for key in ("persons", "years"):
        print(f"\ntime against {key} (median of {args.repeats}):")
        print(table(result[key], ["persons", "years", "months", "seconds", "mpm_per_s", "cpu_share"]))
        f, x = result[f"{key}_fit"], "persons" if key == "persons" else "months"
        print(f"log-log slope {f['loglog_slope']:.3f} (upper half {f['loglog_slope_upper']:.3f}); "
              f"line: {f['a']:.4g} s + {f['b']:.4g} s x {x}, R² {f['r2']:.5f}")
    print("\nthreads (200k persons x 6 years):")
    print(table(result["threads"], ["requested", "threads", "mpm_per_s", "seconds", "cpu_share"]))
    plot(result, args.plot)
    print(f"\nwrote {args.plot}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
