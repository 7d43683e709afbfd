"""The regression check: this checkout's speed side by side with a comparison commit, and exact results.

(a) Speed, side by side. The comparison commit is checked out in a scratch ``git worktree``
and two worker processes of this same Python run the same honest world (``_common.world``):
one imports ``circsim`` from this checkout's ``src``, the other from the scratch tree's (via
``PYTHONPATH``; each tree finds its own Numba cache, keyed by its kernel sources and path,
filled beforehand in throw-away processes). After a warm-up each, they run alternately, the
same seed within a pair, the order within a pair alternating (A B, B A, A B, ...) so that a
slow drift of the machine favours neither; the first pair is discarded. Each pair gives the ratio of the two throughputs per second of
the worker's CPU time (this checkout / comparison; blind to another process time-slicing the
core). The check fails when the median ratio is below ``1 - tolerance`` *and* the
distribution-free confidence interval of the median (order statistics, about 95 %) lies
wholly below 1: slower by a material amount, beyond the noise measured in the same
invocation, on whatever machine it runs. The machine score (``benchmarks.machine``) is
printed as context only. The scratch worktree is removed afterwards. Quick (CI): 200,000
agents, 1 + 5 years, 9 pairs; full: 1,000,000 agents, the baseline's 3 + 20 years, 7 pairs.

Comparison commit (``--against REV``): by default the merge-base of ``HEAD`` and ``main``
(or ``origin/main``), i.e. the main commit this branch started from; when ``HEAD`` is
itself on main (CI of main), ``HEAD~1``, the main commit before it. If the commit is not in
the clone (a shallow clone, no git), or cannot run the benchmark, the speed comparison is
skipped with a message and does not fail the check.

Test hook: ``CIRCSIM_BENCH_SLOWDOWN=0.2`` makes this checkout's ``Simulation.advance`` 20 %
slower (it busy-waits 0.2 x its own CPU time), to show that the check catches a slow-down.

(b) Exact results. The headline indicators of fixed small runs (``GOLDEN_RUNS``: baseline and
seasonal_multiannual, seeds 1 and 2, 3,000 persons at 100 real persons each, 1 + 5 years)
must equal ``benchmarks/golden.json`` to 1e-12 relative; a mismatch lists every indicator
that changed.

``python -m benchmarks.regression [--quick] [--against REV] [--pairs N] [--tolerance X]
[--json FILE]``: exit 0 when both pass (or the speed comparison was skipped), 1 otherwise,
2 when ``--against`` names no commit. ``--update-golden``: rewrite the golden file
deliberately and note it in CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ._common import (MARKER, ROOT, diluted_world, emit, machine_info, read_json, table, timed_run, warm_up, world,
                      write_json)

GOLDEN = Path(__file__).with_name("golden.json")
CHANGELOG = ROOT / "CHANGELOG.md"
MODES = {"quick": {"persons": 200_000, "years": 5, "burn_in_years": 1, "pairs": 9},
         "full": {"persons": 1_000_000, "years": None, "burn_in_years": None, "pairs": 7}}
TOLERANCE = 0.05
LEVEL = 0.95
SLOWDOWN_VARIABLE = "CIRCSIM_BENCH_SLOWDOWN"
GOLDEN_SETTINGS = {"persons": 3000, "years": 5, "burn_in_years": 1}
GOLDEN_RUNS = [(scenario, seed) for scenario in ("baseline", "seasonal_multiannual") for seed in (1, 2)]
RELATIVE = 1e-12


# --- (a) speed, side by side ----------------------------------------------------------------
class Unavailable(RuntimeError):
    """The comparison commit cannot be checked out or run: the comparison is skipped."""


def git(*args: str) -> str | None:
    """Output of a git command in this checkout, or None if it failed."""
    try:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def commit_of(rev: str) -> str | None:
    return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")


def default_against() -> tuple[str | None, str]:
    """The default comparison commit and how it was chosen (None if the clone has none)."""
    head = commit_of("HEAD")
    for main in ("main", "origin/main"):
        base = git("merge-base", "HEAD", main)
        if head and base and base != head:
            return base, f"merge-base of HEAD and {main}"
    return commit_of("HEAD~1"), "HEAD~1 (HEAD is on main)"


@contextmanager
def scratch_worktree(commit: str):
    """``commit`` checked out in a scratch worktree, removed afterwards. The path and the
    files' modification times (the commit's time) are the same at every invocation, so that
    Numba's cache, which checks both, stays warm from one check to the next."""
    path = Path(tempfile.gettempdir()) / f"circsim-regression-{commit[:12]}"

    def remove():
        git("worktree", "remove", "--force", str(path))
        shutil.rmtree(path, ignore_errors=True)
        git("worktree", "prune")

    remove()  # left over from an interrupted check
    if git("worktree", "add", "--detach", str(path), commit) is None:
        raise Unavailable(f"git worktree add {path} {commit} failed")
    try:
        stamp = int(git("show", "-s", "--format=%ct", commit))
        for f in (path / "src").rglob("*"):
            os.utime(f, (stamp, stamp))
        yield path
    finally:
        remove()


def serve(mode: str, slowdown: float = 0.0) -> None:
    """Worker: warm up, report the tree it runs, then one timed run per seed read from stdin."""
    import circsim
    from circsim._cache import source_hash

    if slowdown:
        _slow_down(circsim.Simulation, slowdown)
    cfg = MODES[mode]
    warm_up()
    s = world(cfg["persons"], years=cfg["years"], burn_in_years=cfg["burn_in_years"])
    emit({"circsim": circsim.__file__, "kernel_source_hash": source_hash(), "months": s.total_months})
    for line in sys.stdin:
        run = timed_run(s, seed=int(line))
        run.pop("sim")
        emit(run)


def _slow_down(cls, share: float) -> None:
    """Test hook: ``cls.advance`` busy-waits ``share`` x the CPU time it took."""
    advance = cls.advance

    def slower(self, months):
        cpu = time.process_time()
        advance(self, months)
        until = time.process_time() + share * (time.process_time() - cpu)
        while time.process_time() < until:
            pass

    cls.advance = slower


class Worker:
    """A ``serve`` process importing ``circsim`` from ``src``; ``error``: what its failure raises."""

    def __init__(self, name: str, src: Path, mode: str, slowdown: float = 0.0, error=RuntimeError):
        self.name, self.error = name, error
        self.log = tempfile.TemporaryFile("w+")
        code = "import json, sys; from benchmarks.regression import serve; serve(**json.loads(sys.argv[1]))"
        self.proc = subprocess.Popen([sys.executable, "-c", code, json.dumps({"mode": mode, "slowdown": slowdown})],
                                     cwd=ROOT, env={**os.environ, "PYTHONPATH": str(src)}, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)

    def reply(self) -> dict:
        for line in self.proc.stdout:
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])
        self.log.seek(0)
        raise self.error(f"the {self.name} worker stopped (exit {self.proc.wait()}):\n{self.log.read()[-3000:]}")

    def run(self, seed: int) -> dict:
        self.proc.stdin.write(f"{seed}\n")
        self.proc.stdin.flush()
        return self.reply()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()
        self.log.close()


def fill_caches(sources: dict[Path, type]) -> None:
    """Load (or compile) the kernels of every tree in throw-away processes, in parallel: a
    process that compiled its kernels runs them some 8 % slower afterwards (measured:
    docs/BENCHMARKS.md), so the timed workers must find the caches filled. ``sources``: each
    tree's ``src`` and the exception its failure raises."""
    code = "from benchmarks._common import warm_up; warm_up()"
    procs = [(src, error, subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                                           env={**os.environ, "PYTHONPATH": str(src)},
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
             for src, error in sources.items()]
    for src, error, proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise error(f"the kernels of {src} did not load (exit {proc.returncode}):\n{err[-3000:]}")


def median_interval(x: list[float], level: float = LEVEL) -> tuple[float, float, float, float]:
    """Median of ``x`` and a distribution-free confidence interval for it: (x_(k), x_(n+1-k))
    with the largest k such that P(Binomial(n, 1/2) < k) <= (1 - level) / 2. Returns
    (median, low, high, coverage); with fewer than 6 values the interval is the range."""
    x, n = sorted(x), len(x)
    k, tail = 0, 0.0
    while k < n // 2 and tail + math.comb(n, k) / 2**n <= (1 - level) / 2:
        tail += math.comb(n, k) / 2**n
        k += 1
    k = max(k, 1)
    return statistics.median(x), x[k - 1], x[n - k], 1 - 2 * sum(math.comb(n, j) for j in range(k)) / 2**n


def compare_speed(mode: str, commit: str, pairs: int, slowdown: float = 0.0) -> dict:
    """Paired runs of this checkout (B) and ``commit`` (A); the ratios B / A and their summary."""
    from .machine import machine_score

    score = machine_score(repeats=2)
    with scratch_worktree(commit) as tree:
        fill_caches({tree / "src": Unavailable, ROOT / "src": RuntimeError})
        workers = {"A": Worker(f"comparison ({commit[:12]})", tree / "src", mode, error=Unavailable),
                   "B": Worker("checkout", ROOT / "src", mode, slowdown)}
        try:
            ready = {k: w.reply() for k, w in workers.items()}
            rows = []
            for i in range(pairs + 1):  # pair 0 is discarded
                order = "AB" if i % 2 == 0 else "BA"
                runs = {k: workers[k].run(i + 1) for k in order}
                if i == 0:
                    continue
                a, b = runs["A"], runs["B"]
                rows.append({"pair": i, "order": order, "A Mpm/cpu-s": a["pm_per_cpu_s"] / 1e6,
                             "B Mpm/cpu-s": b["pm_per_cpu_s"] / 1e6, "ratio B/A": b["pm_per_cpu_s"] / a["pm_per_cpu_s"],
                             "wall ratio": b["pm_per_s"] / a["pm_per_s"],
                             "CPU share": min(a["cpu_share"], b["cpu_share"])})
        finally:
            for w in workers.values():
                w.close()
    median, low, high, coverage = median_interval([r["ratio B/A"] for r in rows])
    return {"mode": mode, "commit": commit, "persons": MODES[mode]["persons"], "months": ready["B"]["months"],
            "slowdown_injected": slowdown, "trees": ready, "pairs": rows, "median_ratio": median,
            "interval": [low, high], "coverage": coverage,
            "median_wall_ratio": statistics.median(r["wall ratio"] for r in rows),
            "machine_score": score["score_cpu"]}


def judge_speed(result: dict, tolerance: float) -> bool:
    """Fail (False) when the median ratio is below 1 - tolerance and its interval wholly below 1."""
    return not (result["median_ratio"] < 1 - tolerance and result["interval"][1] < 1)


def speed_check(mode: str, against: str | None, pairs: int, tolerance: float, json_path: str | None) -> bool | None:
    """Run and print the side-by-side comparison; True/False = pass/fail, None = skipped."""
    if against is None:
        commit, why = default_against()
        if commit is None:
            print("speed: SKIPPED - no comparison commit in this clone (shallow clone or no git history: "
                  "fetch the history, e.g. `git fetch --unshallow`, or give --against REV)")
            return None
    else:
        commit, why = commit_of(against), f"--against {against}"
    slowdown = float(os.environ.get(SLOWDOWN_VARIABLE) or 0)
    cfg = MODES[mode]
    print(f"speed ({mode}): this checkout (B) against {commit[:12]} ({why}) (A), "
          f"{cfg['persons']:,} agents of the honest baseline world, {pairs} pairs after a discarded one")
    if slowdown:
        print(f"  test hook {SLOWDOWN_VARIABLE}={slowdown}: this checkout's runs are made {slowdown:.0%} slower")
    try:
        result = compare_speed(mode, commit, pairs, slowdown)
    except Unavailable as exc:
        print(f"speed: SKIPPED - the comparison commit could not run: {exc}")
        return None
    ok = judge_speed(result, tolerance)
    trees = result["trees"]
    same = trees["A"]["kernel_source_hash"] == trees["B"]["kernel_source_hash"]
    print(f"  A: {trees['A']['circsim']} (kernel sources {trees['A']['kernel_source_hash']})\n"
          f"  B: {trees['B']['circsim']} (kernel sources {trees['B']['kernel_source_hash']})"
          + ("\n  kernel sources identical: any difference is noise" if same else ""))
    print(table(result["pairs"], list(result["pairs"][0])))
    low, high = result["interval"]
    change = result["median_ratio"] - 1
    print(f"  median ratio B/A {result['median_ratio']:.4f} ({change:+.1%}); {result['coverage']:.1%} interval "
          f"{low:.4f} - {high:.4f}; wall-clock median ratio {result['median_wall_ratio']:.4f} (information)")
    print(f"  context: machine score {result['machine_score']:.1f} M ops per CPU second")
    if (high - low) / 2 > tolerance:
        print(f"  note: the noise (half-width {(high - low) / 2:.1%}) exceeds the tolerance: a slow-down of "
              f"{tolerance:.0%} could go unseen; run on a quieter machine or with more --pairs")
    print(f"  speed {'ok' if ok else 'FAIL'}: fails below {1 - tolerance:.2f} with the interval wholly below 1")
    if json_path:
        write_json(json_path, {"machine": machine_info(), "tolerance": tolerance, "ok": ok, **result})
    return ok


# --- (b) exact results ----------------------------------------------------------------------
def golden_results() -> dict:
    """Headline indicators of every golden run; NaN stored as None (JSON has no NaN)."""
    import circsim
    from circsim.outputs import headline_of

    out = {}
    for scenario, seed in GOLDEN_RUNS:
        s = diluted_world(GOLDEN_SETTINGS["persons"], scenario, GOLDEN_SETTINGS["years"],
                          GOLDEN_SETTINGS["burn_in_years"])
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


def golden_check() -> bool:
    diffs = golden_diff(golden_results(), read_json(GOLDEN)["runs"]) if GOLDEN.exists() else None
    print(f"\nexact results ({len(GOLDEN_RUNS)} runs, headline indicators, relative tolerance {RELATIVE:g})")
    if diffs is None:
        print(f"  no {GOLDEN.name}: run with --update-golden")
    elif diffs:
        print(table(diffs, ["run", "indicator", "golden", "now", "relative change"]))
        print("If the change is intended, rewrite the golden file: python -m benchmarks.regression --update-golden")
    else:
        print("  all equal to the golden file")
    return diffs == []


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
    parser = argparse.ArgumentParser(description="Side-by-side speed and exact-result regression check.")
    parser.add_argument("--quick", action="store_true",
                        help="200k agents x 6 years (the CI form: under a minute with warm kernel caches)")
    parser.add_argument("--against", default=None, metavar="REV",
                        help="comparison commit (default: merge-base with main, or HEAD~1 on main)")
    parser.add_argument("--pairs", type=int, default=None, help="paired runs (default: quick 9, full 7)")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE,
                        help=f"slow-down that fails when beyond the noise, share (default {TOLERANCE})")
    parser.add_argument("--json", default=None, help="also write the speed comparison to this file")
    parser.add_argument("--update-golden", action="store_true", help="rewrite benchmarks/golden.json deliberately")
    args = parser.parse_args(argv)
    if args.update_golden:
        update_golden()
        return 0
    if args.against is not None and commit_of(args.against) is None:
        print(f"error: --against {args.against}: no such commit in this clone", file=sys.stderr)
        return 2
    mode = "quick" if args.quick else "full"
    started = time.perf_counter()
    speed_ok = speed_check(mode, args.against, args.pairs or MODES[mode]["pairs"], args.tolerance, args.json)
    golden_ok = golden_check()
    ok = speed_ok is not False and golden_ok
    print(f"\n{'PASS' if ok else 'FAIL'} ({time.perf_counter() - started:.0f} s)"
          + (" - speed comparison skipped" if speed_ok is None else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
