"""Shared helpers: worlds of a given size, timed runs, summaries, subprocesses, JSON, tables.

Units used throughout: seconds (wall clock, ``time.perf_counter``; CPU time of this process,
``time.process_time``, where named ``cpu``), person-months per second (persons alive x months
simulated / seconds in ``Simulation.advance``), bytes.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: real persons per agent in every benchmark world, so worlds of different sizes are comparable
SCALE = 100
MARKER = "@@BENCH-JSON@@"


def world(persons: int, scenario: str = "baseline", years: int | None = None, burn_in_years: int | None = None):
    """The bundled ``scenario`` with ``persons`` agents at ``SCALE`` real persons per agent."""
    import circsim

    keywords = {k: v for k, v in (("years", years), ("burn_in_years", burn_in_years)) if v is not None}
    return circsim.load_scenario(scenario, persons=persons, population=SCALE * persons, **keywords)


def warm_up(scenario: str = "baseline") -> float:
    """Run a tiny world once so that kernels are loaded (or compiled) before timing; seconds."""
    import circsim

    start = time.perf_counter()
    s = world(2000, scenario, years=1, burn_in_years=1)
    circsim.Simulation(s, 0).advance(s.total_months)
    return time.perf_counter() - start


def timed_run(s, seed: int = 1) -> dict:
    """Build a Simulation of scenario ``s`` and run it to the end; only ``advance`` is timed.

    person-months = mean of persons alive at the start and at the end x months run. Both wall
    time (``seconds``) and this process's CPU time (``cpu_seconds``) are kept: ``cpu_share``
    below 1 means another process shared the core (the wall figure is then pessimistic).
    """
    import circsim

    start = time.perf_counter()
    sim = circsim.Simulation(s, seed)
    alive0 = sim.alive
    built, cpu0 = time.perf_counter(), time.process_time()
    sim.advance(s.total_months)
    seconds, cpu = time.perf_counter() - built, time.process_time() - cpu0
    person_months = 0.5 * (alive0 + sim.alive) * s.total_months
    return {"seconds": seconds, "cpu_seconds": cpu, "cpu_share": cpu / seconds, "build_seconds": built - start,
            "months": s.total_months, "person_months": person_months, "pm_per_s": person_months / seconds,
            "pm_per_cpu_s": person_months / cpu, "sim": sim}


def summary(values) -> dict:
    """Median, min, max and interquartile range of a list of numbers."""
    x = sorted(float(v) for v in values)
    q = statistics.quantiles(x, n=4, method="inclusive") if len(x) > 1 else [x[0]] * 3
    return {"median": statistics.median(x), "min": x[0], "max": x[-1], "q1": q[0], "q3": q[2], "n": len(x)}


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far (``ru_maxrss``, KiB on Linux), in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def rss_bytes() -> int:
    """Resident memory of this process now (``/proc/self/statm``), in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def emit(result) -> None:
    """Print ``result`` as the JSON line a parent process reads (see ``in_subprocess``)."""
    print(MARKER + json.dumps(result), flush=True)


def in_subprocess(module: str, function: str, kwargs: dict, env: dict | None = None) -> dict:
    """Call ``benchmarks.<module>.<function>(**kwargs)`` in a fresh interpreter; its JSON result.

    The child inherits this process's CPU affinity (run the parent under ``taskset``).
    """
    code = (f"import json, sys; from benchmarks.{module} import {function} as f; "
            f"from benchmarks._common import emit; emit(f(**json.loads(sys.argv[1])))")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(kwargs)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})})
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise RuntimeError(f"benchmark subprocess {module}.{function}({kwargs}) failed (exit {proc.returncode})")
    return json.loads(lines[-1][len(MARKER):])


def machine_info() -> dict:
    """CPU model, cores, RAM, affinity, versions, date, git commit and the hash of the kernel
    sources (``circsim._cache.source_hash``): the context every figure needs."""
    import numba
    import numpy

    model = "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    from circsim._cache import source_hash

    return {"cpu": model, "cores": os.cpu_count(), "affinity": sorted(os.sched_getaffinity(0)),
            "ram_gib": round(ram / 2**30, 1), "python": platform.python_version(), "numpy": numpy.__version__,
            "numba": numba.__version__, "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "git": git.stdout.strip() or "unknown", "kernel_source_hash": source_hash()}


def write_json(path: str | os.PathLike, data) -> None:
    Path(path).write_text(json.dumps(data, indent=1, sort_keys=False, allow_nan=False) + "\n")


def read_json(path: str | os.PathLike):
    return json.loads(Path(path).read_text())


def table(rows: list[dict], columns: list[str]) -> str:
    """Rows as a fixed-width text table (floats with 4 significant digits)."""
    def cell(v):
        if isinstance(v, float):
            return "nan" if math.isnan(v) else f"{v:.4g}"
        return str(v)

    cells = [[cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)
