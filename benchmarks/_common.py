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
#: real persons per agent in the diluted worlds of the golden check (population = SCALE x persons)
SCALE = 100
MARKER = "@@BENCH-JSON@@"


#: units (before any "/") of the quantities that count real persons or firms
ABSOLUTE_UNITS = ("persons", "applications", "firms")


def is_absolute(param) -> bool:
    """Whether a declared parameter counts real persons or firms (``persons``,
    ``persons/year``, ``applications/month``, ``firms`` ...): such quantities grow with the
    population."""
    return param.unit.split("/")[0] in ABSOLUTE_UNITS


def grown(s, persons: int):
    """Scenario ``s`` grown (or shrunk) to ``persons`` agents at its own scale: ``population``
    and every absolute quantity (``is_absolute``: market demand, quotas, consular and return
    capacity, the number of employers, and any parameter declared later in such units), in
    the tables and in the timeline, are multiplied by ``persons / s.persons`` (counts of
    firms rounded, at least 1). With the scale invariance of the ODD (1.2), the share of
    agents in each status then does not depend on the size of the world (measured:
    ``benchmarks.worlds``; employers too, or each firm grows with the world and rehires more).

    The result is built directly, without re-validation, because an unlimited default
    (quotas of 1e7 a year) grows beyond the range declared for input files.
    """
    import copy

    from circsim.scenario.loader import Scenario, _flatten
    from circsim.scenario.params import BY_NAME

    factor = persons / s.persons

    def scaled(key: str, value):
        p = BY_NAME.get(key.rsplit(".", 1)[-1])
        if p is None or not is_absolute(p) or isinstance(value, bool):
            return value
        return max(1, round(value * factor)) if p.integer else value * factor

    data = copy.deepcopy(s.data)
    for key, value in _flatten({k: v for k, v in data.items() if k != "timeline"}):
        *path, name = key.split(".")
        table = data
        for part in path:
            table = table[part]
        table[name] = scaled(key, value)
    for entry in data.get("timeline", []):
        for key in entry:
            entry[key] = scaled(key, entry[key]) if key != "at" else entry[key]
    data["persons"], data["population"] = persons, s.data["population"] * factor
    changes = [(month, key, scaled(key, value)) for month, key, value in s.changes]
    return Scenario(data=data, source=s.source, changes=changes)


def world(persons: int, scenario: str = "baseline", years: int | None = None, burn_in_years: int | None = None):
    """The bundled ``scenario`` grown to ``persons`` agents (``grown``): an honest world, in
    which the share of agents abroad is the scenario's own at every size."""
    return grown(_load(scenario, years, burn_in_years), persons)


def diluted_world(persons: int, scenario: str = "baseline", years: int | None = None,
                  burn_in_years: int | None = None):
    """``persons`` agents at ``SCALE`` real persons per agent with every absolute quantity left
    as written: beyond the scenario's own size ever fewer agents can go abroad (market demand
    is fixed). The golden results and the labelled "diluted" benchmark figures use it."""
    return _load(scenario, years, burn_in_years, persons=persons, population=SCALE * persons)


def _load(scenario: str, years: int | None, burn_in_years: int | None, **keywords):
    """The bundled ``scenario`` with the run keys given (None: the scenario's own)."""
    import circsim

    keywords.update({k: v for k, v in (("years", years), ("burn_in_years", burn_in_years)) if v is not None})
    return circsim.load_scenario(scenario, **keywords)


def status_shares(sim) -> dict:
    """Share of the living agents in each status now, and the share abroad."""
    import numpy as np
    from circsim.state import AT_HOME, EXITED, STATUS_NAMES

    counts = np.bincount(sim.persons.status, minlength=len(STATUS_NAMES))
    alive = counts.sum() - counts[EXITED]
    shares = {name: counts[i] / alive for i, name in enumerate(STATUS_NAMES) if i != EXITED}
    shares["abroad"] = 1 - sum(counts[i] for i in AT_HOME) / alive
    return {k: float(v) for k, v in shares.items()}


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
