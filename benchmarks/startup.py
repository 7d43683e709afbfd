"""Start-up time of the command line, cold (empty kernel cache) and warm (cache filled).

Runs ``circsim run baseline --persons 2000 --years 2 --no-progress`` as a subprocess with
``CIRCSIM_CACHE_DIR`` set to a fresh temporary directory: the first invocation compiles every
kernel (cold start), the next ``repeats`` invocations load them from that cache (warm start).
Reported: wall seconds of each invocation (interpreter start, imports, compile or cache load,
the 2-year run, output) and the CPU share of the child (its CPU time / wall time: below ~0.98
another process shared the core). A warm invocation that had to compile (the kernel sources
were edited meanwhile, so their hash changed) is discarded and repeated. Target: warm start
under 3 s.

``python -m benchmarks.startup [--repeats 3] [--json FILE]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._common import ROOT, machine_info, summary, write_json

COMMAND = ["run", "baseline", "--persons", "2000", "--years", "2", "--no-progress"]
TARGET_WARM_SECONDS = 3.0


def circsim_executable() -> str:
    """The ``circsim`` console script next to this interpreter (else the one on PATH)."""
    here = Path(sys.executable).with_name("circsim")
    return str(here) if here.exists() else (shutil.which("circsim") or "circsim")


def invoke(cache_dir: str) -> dict:
    """One invocation: wall seconds, the child's CPU share, whether it compiled kernels."""
    dirs = set(os.listdir(cache_dir))  # one subdirectory per hash of the kernel sources
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([circsim_executable(), *COMMAND], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "CIRCSIM_CACHE_DIR": cache_dir})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": wall, "cpu_share": cpu / wall, "compiled": bool(set(os.listdir(cache_dir)) - dirs)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Cold and warm start of `circsim run`, seconds.")
    parser.add_argument("--repeats", type=int, default=3, help="warm invocations")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="circsim-startup-") as cache_dir:
        cold = invoke(cache_dir)
        print(f"cold start: {cold['seconds']:.1f} s (CPU share {cold['cpu_share']:.2f})", flush=True)
        warm, recompiled = [], 0
        while len(warm) < args.repeats and recompiled < 3:
            run = invoke(cache_dir)
            if run["compiled"]:  # the kernel sources were edited meanwhile: that was a cold start
                recompiled += 1
                print("  (kernel sources changed during the benchmark: a warm invocation recompiled; repeated)")
            else:
                warm.append(run)
    w = summary([x["seconds"] for x in warm])
    met = "met" if w["median"] < TARGET_WARM_SECONDS else "NOT met"
    print(f"warm start: median {w['median']:.2f} s, min {w['min']:.2f}, max {w['max']:.2f} over {args.repeats} "
          f"(CPU share >= {min(x['cpu_share'] for x in warm):.2f}); target < {TARGET_WARM_SECONDS:g} s: {met}")
    print("command: circsim " + " ".join(COMMAND))
    if args.json:
        write_json(args.json, {"machine": machine_info(), "command": COMMAND, "cold": cold, "warm": warm,
                               "warm_summary": w})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
