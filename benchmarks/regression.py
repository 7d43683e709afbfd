"""The regression check: engine speed against a committed baseline, results against golden ones.

(a) Speed. After a warm-up run, the machine score (``benchmarks.machine``) and the engine
throughput are measured interleaved, ``repeats`` times each, both per second of this
process's CPU time (so that another process time-slicing the same core does not count). The
normalised throughput = best M person-months per CPU second / best machine score (M ops per
CPU second), i.e. person-months per machine operation. The check fails when it falls more
than ``tolerance`` (a share, in ``benchmarks/baseline.json``, chosen from the measured noise:
docs/BENCHMARKS.md) below the baseline. Wall-clock figures are printed for information.
Quick: 200,000 persons, 1 burn-in + 5 years, best of 3; full: 1,000,000 persons, the
baseline's 3 + 20 years, best of 3.

(b) Exact results. The headline indicators of fixed small runs (``GOLDEN_RUNS``: baseline and
seasonal_multiannual, seeds 1 and 2, 3,000 persons, 1 + 5 years) must equal
``benchmarks/golden.json`` to 1e-12 relative; a mismatch lists every indicator that changed.

``python -m benchmarks.regression [--quick] [--tolerance X]``: check both; exit 0 when all
pass, 1 otherwise. ``--update-baseline [--noise N]``: measure (N times in fresh processes:
their median) and rewrite this mode's baseline (with ``--tolerance X``: also the tolerance).
``--noise N`` alone: print the run-to-run noise of N fresh-process measurements.
``--update-golden``: rewrite the golden file deliberately and note it in CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import datetime
import math
import statistics
import time
from pathlib import Path

from ._common import ROOT, in_subprocess, machine_info, read_json, table, timed_run, warm_up, world, write_json

BASELINE = Path(__file__).with_name("baseline.json")
GOLDEN = Path(__file__).with_name("golden.json")
CHANGELOG = ROOT / "CHANGELOG.md"
MODES = {"quick": {"persons": 200_000, "years": 5, "burn_in_years": 1, "repeats": 3},
         "full": {"persons": 1_000_000, "years": None, "burn_in_years": None, "repeats": 3}}
GOLDEN_SETTINGS = {"persons": 3000, "years": 5, "burn_in_years": 1}
GOLDEN_RUNS = [(scenario, seed) for scenario in ("baseline", "seasonal_multiannual") for seed in (1, 2)]
RELATIVE = 1e-12
NOISE_FIGURES = ("mpm_per_s", "mpm_per_cpu_s", "machine_score", "machine_score_wall", "normalised", "normalised_wall")


# --- (a) speed ------------------------------------------------------------------------------
def measure_speed(mode: str = "quick") -> dict:
    """Best throughput and machine score per CPU second, their ratio, and the wall-clock figures."""
    from .machine import machine_score

    cfg = MODES[mode]
    warm_up()
    s = world(cfg["persons"], years=cfg["years"], burn_in_years=cfg["burn_in_years"])
    machine, runs = [], []
    for r in range(cfg["repeats"]):
        machine.append(machine_score(repeats=3))
        runs.append(timed_run(s, seed=r + 1))
        runs[-1].pop("sim")
    best = {"mpm_per_cpu_s": max(r["pm_per_cpu_s"] for r in runs) / 1e6,
            "mpm_per_s": max(r["pm_per_s"] for r in runs) / 1e6,
            "machine_score": max(m["score_cpu"] for m in machine),
            "machine_score_wall": max(m["score"] for m in machine)}
    return {"mode": mode, "persons": cfg["persons"], "months": s.total_months, **best,
            "normalised": best["mpm_per_cpu_s"] / best["machine_score"],
            "normalised_wall": best["mpm_per_s"] / best["machine_score_wall"],
            "min_cpu_share": min(r["cpu_share"] for r in runs)}


def noise(mode: str, n: int) -> dict:
    """``n`` speed measurements, each in a fresh process: their spread, as shares of the median."""
    runs = []
    for i in range(n):
        runs.append(in_subprocess("regression", "measure_speed", {"mode": mode}))
        r = runs[-1]
        print(f"  {i + 1}/{n}: {r['mpm_per_s']:.2f} M person-months/s ({r['mpm_per_cpu_s']:.2f} per CPU s), "
              f"score {r['machine_score']:.1f}, normalised {r['normalised']:.4f}, CPU share {r['min_cpu_share']:.3f}",
              flush=True)
    out = {"mode": mode, "n": n}
    for key in NOISE_FIGURES:
        x = [r[key] for r in runs]
        med = statistics.median(x)
        out[key] = {"median": med, "min": min(x), "max": max(x), "cv": statistics.stdev(x) / statistics.mean(x),
                    "worst_below_median": (med - min(x)) / med, "values": x}
    return out


def check_speed(result: dict, baseline: dict, tolerance: float) -> tuple[bool, list[dict]]:
    ref = baseline.get(result["mode"])
    if ref is None:
        return False, []
    rows = []
    for key, label in (("normalised", "normalised (pm / machine op)"), ("mpm_per_cpu_s", "M person-months / CPU s"),
                       ("machine_score", "machine score, M ops / CPU s"), ("mpm_per_s", "M person-months / s (wall)")):
        change = result[key] / ref[key] - 1
        status = ("FAIL" if change < -tolerance else "ok") if key == "normalised" else "info"
        rows.append({"figure": label, "baseline": ref[key], "now": result[key], "change": f"{change:+.1%}",
                     "limit": f"-{tolerance:.0%}" if key == "normalised" else "", "status": status})
    return rows[0]["status"] == "ok", rows


# --- (b) exact results ----------------------------------------------------------------------
def golden_results() -> dict:
    """Headline indicators of every golden run; NaN stored as None (JSON has no NaN)."""
    import circsim
    from circsim.outputs import headline_of

    out = {}
    for scenario, seed in GOLDEN_RUNS:
        s = world(GOLDEN_SETTINGS["persons"], scenario, GOLDEN_SETTINGS["years"], GOLDEN_SETTINGS["burn_in_years"])
        values = headline_of(circsim.run(s, seed))
        out[f"{scenario}/seed{seed}"] = {k: (None if math.isnan(v) else v) for k, v in values.items()}
    return out


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= RELATIVE * max(abs(a), abs(b))


def golden_diff(now: dict, golden: dict) -> list[dict]:
    """Every (run, indicator) whose value differs from the golden file, or is missing on one side."""
    diffs = []
    for run in sorted(set(now) | set(golden)):
        a, b = golden.get(run, {}), now.get(run, {})
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b or not _same(a[key], b[key]):
                g, n = a.get(key, "missing"), b.get(key, "missing")
                rel = (f"{n / g - 1:+.3g}" if isinstance(g, float) and isinstance(n, float) and g != 0 else "")
                diffs.append({"run": run, "indicator": key, "golden": repr(g), "now": repr(n), "relative change": rel})
    return diffs


def update_golden() -> None:
    import circsim

    now = golden_results()
    changed = sorted({d["indicator"] for d in golden_diff(now, read_json(GOLDEN)["runs"])}) if GOLDEN.exists() else None
    write_json(GOLDEN, {"settings": {**GOLDEN_SETTINGS, "real_persons_per_agent": 100}, "relative_tolerance": RELATIVE,
                        "circsim_version": circsim.__version__, "updated": datetime.date.today().isoformat(),
                        "runs": now})
    what = ("first version" if changed is None else
            f"indicators changed: {', '.join(changed)}" if changed else "no indicator changed")
    line = (f"- {datetime.date.today().isoformat()}: `benchmarks/golden.json` updated "
            f"(`python -m benchmarks.regression --update-golden`, {len(now)} runs); {what}.\n")
    text = CHANGELOG.read_text() if CHANGELOG.exists() else "# Changelog\n"
    if "\n## Golden results\n" not in "\n" + text:
        text = text.rstrip("\n") + "\n\n## Golden results\n"
    lines = text.splitlines(keepends=True)
    head = lines.index("## Golden results\n")
    end = next((i for i in range(head + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    while end > head + 1 and not lines[end - 1].strip():  # after the section's last entry
        end -= 1
    lines.insert(end, ("\n" if end == head + 1 else "") + line)
    text = "".join(lines)
    CHANGELOG.write_text(text)
    print(f"wrote {GOLDEN.relative_to(ROOT)} ({what}); noted in {CHANGELOG.name}")


# --- command line ---------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Speed and exact-result regression check.")
    parser.add_argument("--quick", action="store_true", help="200k persons x 6 years (the CI form, under 3 min)")
    parser.add_argument("--update-baseline", action="store_true", help="rewrite this mode's speed baseline")
    parser.add_argument("--update-golden", action="store_true", help="rewrite benchmarks/golden.json deliberately")
    parser.add_argument("--noise", type=int, default=0, metavar="N", help="N fresh-process measurements: print the noise")
    parser.add_argument("--tolerance", type=float, default=None, help="allowed fall below baseline, share (default: baseline.json)")
    parser.add_argument("--json", default=None, help="with --noise: also write the study to this file")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    started = time.perf_counter()
    if args.update_golden:
        update_golden()
        return 0
    baseline = read_json(BASELINE) if BASELINE.exists() else {}
    tolerance = args.tolerance if args.tolerance is not None else baseline.get("tolerance", 0.15)
    if args.noise:
        study = noise(mode, args.noise)
        print(table([{"figure": k, **{s: study[k][s] for s in ("median", "min", "max", "cv", "worst_below_median")}}
                     for k in NOISE_FIGURES],
                    ["figure", "median", "min", "max", "cv", "worst_below_median"]))
        if args.json:
            write_json(args.json, {"machine": machine_info(), **study})
        if args.update_baseline:
            result = {k: study[k]["median"] for k in NOISE_FIGURES}
            baseline.setdefault("noise", {})[mode] = study
            _write_baseline(baseline, mode, {"persons": MODES[mode]["persons"], **result}, tolerance)
        return 0
    result = measure_speed(mode)
    if args.update_baseline:
        _write_baseline(baseline, mode, {k: result[k] for k in ("persons", *NOISE_FIGURES)}, tolerance)
        return 0
    speed_ok, rows = check_speed(result, baseline, tolerance)
    print(f"speed ({mode}: {result['persons']:,} persons x {result['months']} months, best of {MODES[mode]['repeats']}; "
          f"CPU share of the runs >= {result['min_cpu_share']:.2f})")
    print(table(rows, ["figure", "baseline", "now", "change", "limit", "status"]) if rows else
          f"  no {mode} baseline in {BASELINE.name}: run with --update-baseline")
    if rows and not speed_ok:
        print("The engine is slower than the baseline by more than the tolerance. If that is intended (or this is a\n"
              f"new machine), re-measure: python -m benchmarks.regression{' --quick' if args.quick else ''} "
              "--update-baseline --noise 8")
    diffs = golden_diff(golden_results(), read_json(GOLDEN)["runs"]) if GOLDEN.exists() else None
    print(f"\nexact results ({len(GOLDEN_RUNS)} runs, headline indicators, relative tolerance {RELATIVE:g})")
    if diffs is None:
        print(f"  no {GOLDEN.name}: run with --update-golden")
    elif diffs:
        print(table(diffs, ["run", "indicator", "golden", "now", "relative change"]))
        print("If the change is intended, rewrite the golden file: python -m benchmarks.regression --update-golden")
    else:
        print("  all equal to the golden file")
    ok = speed_ok and diffs == []
    print(f"\n{'PASS' if ok else 'FAIL'} ({time.perf_counter() - started:.0f} s)")
    return 0 if ok else 1


def _write_baseline(baseline: dict, mode: str, figures: dict, tolerance: float) -> None:
    baseline["tolerance"] = tolerance
    baseline[mode] = {**figures, "machine": machine_info()}
    write_json(BASELINE, baseline)
    print(f"wrote {BASELINE.relative_to(ROOT)} [{mode}]: normalised {figures['normalised']:.4f}, tolerance {tolerance:.0%}")


if __name__ == "__main__":
    raise SystemExit(main())
