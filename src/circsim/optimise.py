"""Multi-objective policy search: levers within bounds, objectives and constraints over conditions.

``optimise(config, out)`` reads an optimisation file (see :mod:`circsim.optimise_spec`), runs
NSGA-II (pymoo, ask and tell) or a Latin-hypercube random design of the same size, and
evaluates each candidate — every (uncertain condition, seed) of it, the same seeds for every
candidate (common random numbers) — on the sweep's Dask path (:func:`circsim.sweep._client`:
a local cluster, a scheduler address, or this process with ``workers=0``).

The store (a folder) holds ``problem.json`` (what is optimised, with a fingerprint) and
``evaluations.jsonl``: one line per run, appended and flushed as each ends. A search
interrupted at any point is resumed with ``resume=True``: the algorithm is replayed from its
seed, and only runs the log does not hold are computed (NSGA-II with a fixed seed asks for
the same candidates when told the same objective values). When the search ends, the
summary is written all at once: ``results.nc`` (every candidate: levers, objectives,
constraints, feasibility, front membership, and each indicator in each condition),
``candidates.csv``, ``front.csv`` and ``front.png``.

Robustness measures, over the conditions of a candidate (each the mean over seeds):
``mean``, ``pNN`` (the NN-th percentile) and ``regret`` (the largest shortfall against the
best candidate evaluated so far in the same condition; recomputed over every candidate for
the summary).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import xarray as xr

from .costs import cost_indicators
from .engine import Simulation
from .optimise_spec import INDICATORS, Problem, load_problem
from .outputs import __version__, headline_of, write_netcdf
from .scenario import ScenarioError
from .scenario.limits import WORKERS_MAX, check_int
from .writing import OutputFiles, check_path

#: objective values given to a candidate whose indicator is undefined (NaN: e.g. no stay ended)
WORST = 1e12


def evaluate(scenario, seed: int, unit_costs: dict | None = None, payers: dict | None = None) -> dict[str, float]:
    """One run: its headline indicators and its cost indicators (EUR/year), as a dict.

    A world below the scenario's resolution is allowed without a warning per run (a search
    runs it hundreds of times): :func:`optimise` warns once.
    """
    import warnings

    from .engine import ResolutionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        ds = Simulation(scenario, seed).run()
    out = headline_of(ds)
    out.update(cost_indicators(ds, unit_costs, payers))
    return out


def pareto_mask(F: np.ndarray) -> np.ndarray:
    """True for the rows of ``F`` (all objectives minimised) that no other row dominates."""
    F = np.asarray(F, dtype=float)
    keep = np.ones(len(F), dtype=bool)
    for i in range(len(F)):
        dominated = np.all(F <= F[i], axis=1) & np.any(F < F[i], axis=1)
        keep[i] = not dominated.any()
    return keep


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """True if ``a`` is no worse than ``b`` in every objective and better in one (minimised)."""
    return bool(np.all(a <= b) and np.any(a < b))


# --- the store ---------------------------------------------------------------------------

class Store:
    """An optimisation's folder: ``problem.json`` and the append-only log of evaluated runs."""

    def __init__(self, out: Path, problem: Problem, resume: bool):
        check_path(out, "--out")
        self.out, self.problem = out, problem
        self.log = out / "evaluations.jsonl"
        self.cache: dict[str, dict] = {}
        if out.exists():
            if not resume:
                raise ScenarioError(f"{out}: exists; use --resume to complete it, or choose another --out")
            try:
                meta = json.loads((out / "problem.json").read_text())
            except (OSError, ValueError):
                raise ScenarioError(f"--out {out}: not the store of an optimisation; choose another --out") from None
            if meta.get("fingerprint") != problem.fingerprint():
                raise ScenarioError(f"{out}: holds a different optimisation (or base scenario); choose another --out")
            self._read()

    def create(self) -> None:
        """Make the folder and write ``problem.json`` (a new store; done once a cluster is connected)."""
        if not self.out.exists():
            out, problem = self.out, self.problem
            try:
                out.mkdir(parents=True)
                tmp = out / ".problem.json.tmp"
                tmp.write_text(json.dumps({
                    "fingerprint": problem.fingerprint(), "spec": problem.spec.model_dump(),
                    "source": problem.source, "circsim_version": __version__}, indent=1, default=str))
                os.replace(tmp, out / "problem.json")
            except OSError as exc:
                raise ScenarioError(f"--out {out}: cannot write: {exc.strerror}") from None

    def _read(self) -> None:
        if not self.log.exists():
            return
        for line in self.log.read_text().splitlines():
            try:
                row = json.loads(line)
                self.cache[row["key"]] = row["values"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interruption: that run is computed again

    @staticmethod
    def key(x: np.ndarray, condition: int, seed: int) -> str:
        return json.dumps([[float(v) for v in x], int(condition), int(seed)])

    def add(self, key: str, values: dict) -> None:
        with open(self.log, "a") as f:
            f.write(json.dumps({"key": key, "values": values}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.cache[key] = values


# --- evaluating candidates ----------------------------------------------------------------

def _run_missing(problem: Problem, X: np.ndarray, store: Store, client, bar, on_run) -> int:
    """Run every (candidate, condition, seed) of ``X`` the store lacks; returns how many were run."""
    todo = {}
    for x in X:
        for c in range(problem.n_conditions):
            for s in problem.seeds:
                k = Store.key(x, c, s)
                if k not in store.cache:
                    todo[k] = (x, c, s)
    bar.total = (bar.total or 0) + len(todo)
    bar.refresh()

    def record(k, values):
        store.add(k, values)
        bar.update(1)
        if on_run is not None:
            on_run(len(store.cache))

    if client is None:
        for k, (x, c, s) in todo.items():
            record(k, evaluate(problem.scenario(x, c), s, problem.unit_costs, problem.payers))
    elif todo:
        from dask.distributed import as_completed

        futures = {client.submit(evaluate, problem.scenario(x, c), s, problem.unit_costs, problem.payers,
                                 pure=False, retries=2, key=f"circsim-opt-{problem.fingerprint()}-{k}"): k
                   for k, (x, c, s) in todo.items()}
        for future in as_completed(futures):
            record(futures[future], future.result())
    return len(todo)


def condition_values(problem: Problem, X: np.ndarray, store: Store, indicators: list[str]) -> np.ndarray:
    """Each indicator of each candidate in each condition, mean over seeds: ``[candidate, condition, indicator]``."""
    out = np.empty((len(X), problem.n_conditions, len(indicators)))
    for i, x in enumerate(X):
        for c in range(problem.n_conditions):
            rows = [store.cache[Store.key(x, c, s)] for s in problem.seeds]
            out[i, c] = [np.mean([r.get(k, np.nan) for r in rows]) for k in indicators]
    return out


def measure(values: np.ndarray, how: str, maximise: bool) -> np.ndarray:
    """A robustness measure over conditions of ``values`` ``[candidate, condition]`` (one per candidate).

    ``mean``; ``pNN``: the NN-th percentile over conditions; ``regret``: the largest shortfall,
    over conditions, against the best candidate of ``values`` in that condition (0 is best).
    """
    if how == "mean":
        return np.nanmean(values, axis=1) if values.shape[1] else np.full(len(values), np.nan)
    if how.startswith("p"):
        return np.nanpercentile(values, float(how[1:]), axis=1)
    best = np.nanmax(values, axis=0) if maximise else np.nanmin(values, axis=0)
    shortfall = (best - values) if maximise else (values - best)
    return np.nanmax(shortfall, axis=1)


def scores(problem: Problem, V: np.ndarray, indicators: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Objectives (as minimised: maximised ones negated) and constraint violations (<= 0 is met).

    ``V``: ``[candidate, condition, indicator]`` from :func:`condition_values`.
    """
    spec = problem.spec
    F = np.empty((len(V), len(spec.objectives)))
    for j, o in enumerate(spec.objectives):
        maximise = o.sense.startswith("max")
        m = measure(V[:, :, indicators.index(o.indicator)], o.measure, maximise)
        F[:, j] = -m if maximise and o.measure != "regret" else m
    G = []
    for c in spec.constraints:
        m = measure(V[:, :, indicators.index(c.indicator)], c.measure, False)
        if c.max is not None:
            G.append(m - c.max)
        if c.min is not None:
            G.append(c.min - m)
    G = np.array(G).T if G else np.zeros((len(V), 0))
    return np.where(np.isfinite(F), F, WORST), np.where(np.isfinite(G), G, WORST)


def _indicators(problem: Problem) -> list[str]:
    return list(INDICATORS)


def _grid(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The search variables: (low, high, discrete) — a stepped lever is searched as its grid index."""
    lo, hi = problem.lo.copy(), problem.hi.copy()
    discrete = np.array(problem.lever_integer, dtype=bool)
    for j, lever in enumerate(problem.spec.levers):
        if lever.step:
            lo[j], hi[j], discrete[j] = 0.0, np.floor((problem.hi[j] - problem.lo[j]) / lever.step + 1e-9), True
    return lo, hi, discrete


def _levers(problem: Problem, V: np.ndarray) -> np.ndarray:
    """Lever values of search variables ``V`` (grid indices of stepped levers turned into values)."""
    X = np.array(V, dtype=float)
    for j, lever in enumerate(problem.spec.levers):
        if lever.step:
            X[..., j] = problem.lo[j] + np.round(X[..., j]) * lever.step
    return problem.snap(X)


def _algorithm(problem: Problem):
    """The pymoo algorithm (set up), or None for the random design."""
    alg = problem.spec.algorithm
    if alg.name == "random":
        return None
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem as PymooProblem
    from pymoo.core.repair import Repair
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from scipy.stats import qmc

    lo, hi, discrete = _grid(problem)

    class RoundDiscrete(Repair):
        """Grid indices and integer levers rounded: NSGA-II then treats equal values as duplicates."""

        def _do(self, _problem, X, **kwargs):
            X = np.array(X, dtype=float)
            X[:, discrete] = np.round(X[:, discrete])
            return X

    n_constr = sum((c.max is not None) + (c.min is not None) for c in problem.spec.constraints)
    pp = PymooProblem(n_var=len(lo), n_obj=len(problem.spec.objectives), n_ieq_constr=n_constr, xl=lo, xu=hi)
    # the first population: a Latin hypercube, with the status quo (the base scenario's lever values) in it
    start = qmc.scale(qmc.LatinHypercube(d=len(lo), seed=alg.seed).random(alg.population), lo, hi)
    quo = status_quo(problem)
    for j, lever in enumerate(problem.spec.levers):
        quo[j] = np.round((quo[j] - problem.lo[j]) / lever.step) if lever.step else quo[j]
    start[0] = quo
    start[:, discrete] = np.round(start[:, discrete])
    algorithm = NSGA2(pop_size=alg.population, sampling=start, eliminate_duplicates=True, repair=RoundDiscrete(),
                      crossover=SBX(prob=0.9, eta=15), mutation=PM(eta=20, prob=1.0 / len(lo) if len(lo) > 1 else 0.9))
    algorithm.setup(pp, termination=("n_gen", alg.generations), seed=alg.seed, verbose=False)
    return algorithm


def status_quo(problem: Problem) -> np.ndarray:
    """The levers' values in the base scenario (the first entity's, for a key with ``*``), within bounds."""
    from .scenario import parameter_of

    x = []
    for lever in problem.spec.levers:
        _, paths = parameter_of(problem.base.data, lever.key, lever.key)
        table = problem.base.data
        for part in paths[0]:
            table = table[part]
        x.append(float(table))
    return np.clip(np.array(x), problem.lo, problem.hi)


def random_design(problem: Problem) -> np.ndarray:
    """The random design: a Latin hypercube of population x generations candidates (``algorithm.seed``)."""
    from scipy.stats import qmc

    alg = problem.spec.algorithm
    unit = qmc.LatinHypercube(d=len(problem.lo), seed=alg.seed).random(alg.population * alg.generations)
    return problem.snap(qmc.scale(unit, problem.lo, problem.hi))


def search(problem: Problem, store: Store, client=None, progress: bool = True,
           on_run: Callable[[int], None] | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Run the algorithm over the store; returns the candidates asked (in order), their generation
    and the number of runs computed by this call."""
    from tqdm.auto import tqdm

    alg = problem.spec.algorithm
    indicators = _indicators(problem)
    archive: list[np.ndarray] = []
    generation: list[int] = []
    seen: set[str] = set()
    ran = 0
    algorithm = _algorithm(problem)
    design = random_design(problem) if algorithm is None else None
    with tqdm(total=0, unit="run", desc=problem.spec.name, disable=not progress) as bar:
        for gen in range(alg.generations):
            if algorithm is None:
                X = design[gen * alg.population:(gen + 1) * alg.population]
            else:
                pop = algorithm.ask()
                X = _levers(problem, pop.get("X"))
            ran += _run_missing(problem, X, store, client, bar, on_run)
            for x in X:
                k = json.dumps([float(v) for v in x])
                if k not in seen:
                    seen.add(k)
                    archive.append(x)
                    generation.append(gen)
            if algorithm is not None:
                from pymoo.core.evaluator import Evaluator
                from pymoo.problems.static import StaticProblem

                A = np.array(archive)
                F, G = scores(problem, condition_values(problem, A, store, indicators), indicators)
                index = {json.dumps([float(v) for v in x]): i for i, x in enumerate(A)}
                rows = [index[json.dumps([float(v) for v in x])] for x in X]
                static = StaticProblem(algorithm.problem, F=F[rows], **({"G": G[rows]} if G.shape[1] else {}))
                Evaluator().eval(static, pop)
                algorithm.tell(infills=pop)
    return np.array(archive), np.array(generation), ran


def results(problem: Problem, X: np.ndarray, generation: np.ndarray, store: Store) -> xr.Dataset:
    """The summary of a search: every candidate with its levers, objectives, constraints, front flag,
    and each indicator in each condition (mean over seeds)."""
    spec = problem.spec
    indicators = _indicators(problem)
    V = condition_values(problem, X, store, indicators)
    F, G = scores(problem, V, indicators)
    feasible = np.all(G <= 0, axis=1) if G.shape[1] else np.ones(len(X), dtype=bool)
    front = np.zeros(len(X), dtype=bool)
    if feasible.any():
        front[np.flatnonzero(feasible)[pareto_mask(F[feasible])]] = True
    objective_labels = [f"{o.indicator} ({o.measure}, {'maximise' if o.sense.startswith('max') else 'minimise'})"
                        for o in spec.objectives]
    signs = np.array([-1.0 if o.sense.startswith("max") and o.measure != "regret" else 1.0 for o in spec.objectives])
    constraint_labels = [f"{c.indicator} ({c.measure}) {'<=' if bound == 'max' else '>='} {getattr(c, bound):g}"
                         for c in spec.constraints for bound in ("max", "min") if getattr(c, bound) is not None]
    coords = {"candidate": np.arange(len(X)), "generation": ("candidate", generation),
              "objective": objective_labels, "constraint": constraint_labels,
              "condition": np.arange(problem.n_conditions), "indicator": indicators}
    for j, name in enumerate(problem.lever_names):
        coords[name] = ("candidate", X[:, j] if len(X) else np.zeros(0))
    for j, name in enumerate(problem.condition_names):
        coords[name] = ("condition", problem.conditions[:, j])
    ds = xr.Dataset({
        "objectives": (("candidate", "objective"), F * signs, {"description": "objective values (measure over conditions)"}),
        "constraints": (("candidate", "constraint"), G, {"description": "constraint violation: <= 0 where met"}),
        "feasible": ("candidate", feasible.astype(np.int8)),
        "front": ("candidate", front.astype(np.int8), {"description": "1 on the Pareto front of the feasible candidates"}),
        "values": (("candidate", "condition", "indicator"), V,
                   {"description": "each indicator in each condition, mean over seeds"}),
    }, coords=coords)
    ds["indicator_units"] = ("indicator", [INDICATORS[k][0] for k in indicators])
    ds.attrs.update({"optimise": json.dumps(spec.model_dump(), default=str), "fingerprint": problem.fingerprint(),
                     "scenario": problem.base.to_json(), "levers": problem.lever_names,
                     "lever_keys": [lever.key for lever in spec.levers],
                     "uncertainties": problem.condition_names, "uncertainty_keys": problem.condition_keys,
                     "seeds": problem.seeds, "algorithm": spec.algorithm.name, "circsim_version": __version__})
    return ds


def table(ds: xr.Dataset, front_only: bool = False) -> pd.DataFrame:
    """Candidates as rows: levers, generation, objectives, constraints, feasible, front."""
    frame = pd.DataFrame({name: ds[name].values for name in ds.attrs["levers"]})
    frame.insert(0, "generation", ds.generation.values)
    for j, label in enumerate(ds.objective.values):
        frame[label] = ds.objectives.values[:, j]
    for j, label in enumerate(ds.constraint.values):
        frame[f"violation: {label}"] = ds.constraints.values[:, j]
    frame["feasible"] = ds.feasible.values.astype(bool)
    frame["front"] = ds.front.values.astype(bool)
    frame.index = pd.Index(ds.candidate.values, name="candidate")
    return frame[frame.front] if front_only else frame


def plot_front(ds: xr.Dataset, path, others: xr.Dataset | None = None, others_label: str = "random design"):
    """Scatter of the first two objectives: every candidate, the front highlighted (and ``others``, if given)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    labels = list(ds.objective.values)
    F = ds.objectives.values
    j1 = 1 if F.shape[1] > 1 else 0
    if others is not None:
        O, ok = others.objectives.values, others.feasible.values.astype(bool)
        ax.scatter(O[ok, 0], O[ok, j1], s=18, marker="x", color="tab:grey", label=others_label)
        if (~ok).any():
            ax.scatter(O[~ok, 0], O[~ok, j1], s=18, marker="x", color="tab:grey", alpha=0.35,
                       label=others_label.split(" (")[0] + ", over a constraint")
    ok = ds.feasible.values.astype(bool)
    ax.scatter(F[ok, 0], F[ok, j1], s=16, color="tab:blue", alpha=0.6, label="candidates evaluated")
    if (~ok).any():
        ax.scatter(F[~ok, 0], F[~ok, j1], s=16, facecolors="none", edgecolors="tab:blue", alpha=0.6,
                   label="candidates over a constraint")
    front = ds.front.values.astype(bool)
    order = np.argsort(F[front, 0])
    ax.plot(F[front, 0][order], F[front, j1][order], "o-", color="tab:red", label="Pareto front")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[j1])
    ax.set_title(f"{json.loads(ds.attrs['optimise'])['name']}: {int(front.sum())} of {len(F)} candidates on the front",
                 fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)


def _resolution_note(problem: Problem) -> None:
    """Warn once if the base scenario's world is below its resolution (see ``docs/VALIDATION.md``)."""
    import warnings

    resolution = problem.base.data.get("resolution_persons")
    if resolution and problem.base.persons < resolution:
        from .engine import ResolutionWarning

        warnings.warn(f"{problem.base.name}: {problem.base.persons} agents is below the {resolution} at which this "
                      "scenario's indicators stop depending on the agent count; fine for trying a search, "
                      "not for its conclusions", ResolutionWarning, stacklevel=3)


def optimise(
    config: str | os.PathLike | dict | Problem,
    out: str | os.PathLike,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    client=None,
    on_run: Callable[[int], None] | None = None,
) -> xr.Dataset:
    """Search the levers of an optimisation file; returns the summary (see :func:`results`).

    ``out``: the store (a folder); ``workers``: local Dask worker processes (default one per
    core; ``0``: in this process); ``scheduler``: a Dask scheduler's address; ``client``: an
    existing ``dask.distributed.Client``; ``resume``: complete an interrupted search;
    ``on_run(n)`` is called after each run is logged (``n`` runs in the store). The summary's
    ``attrs['runs_this_call']`` counts the runs computed by this call.
    """
    from .sweep import _client

    problem = config if isinstance(config, Problem) else load_problem(config)
    out = Path(out)
    if workers is not None:
        check_int(workers, 0, WORKERS_MAX, "--workers")
    _resolution_note(problem)
    store = Store(out, problem, resume)  # the log of runs: kept, even if the search is interrupted
    local = workers == 0 and scheduler is None and client is None
    own, cluster = (client, None) if local or client is not None else _client(workers, scheduler)
    try:
        store.create()  # once connected: an unreachable cluster leaves no store
        outputs = OutputFiles()
        tmp = {name: outputs.add(out / name, "--out") for name in ("results.nc", "candidates.csv", "front.csv", "front.png")}
        with outputs:
            X, generation, ran = search(problem, store, None if local else own, progress, on_run)
            ds = results(problem, X, generation, store)
            ds.attrs["runs_this_call"] = ran
            write_netcdf(ds, tmp["results.nc"])
            table(ds).to_csv(tmp["candidates.csv"])
            table(ds, front_only=True).to_csv(tmp["front.csv"])
            plot_front(ds, tmp["front.png"])
    finally:
        if own is not None and own is not client:
            own.close()
        if cluster is not None:
            cluster.close()
    return ds


def ensemble(config: str | os.PathLike | dict | Problem, candidates, conditions: int | None = None,
             design_seed: int | None = None, workers: int | None = 0, progress: bool = False) -> xr.Dataset:
    """Chosen candidates over a (new, usually larger) ensemble of the file's uncertain conditions.

    ``candidates``: lever values, ``[candidate, lever]`` (or a results dataset's rows); the
    ensemble is drawn as the file's ``[robustness]`` says, with ``conditions`` draws and
    ``design_seed`` if given. Runs are not stored; returns a dataset like :func:`results`
    (``values[candidate, condition, indicator]``, the uncertain inputs as coordinates).
    """
    from dataclasses import replace as dc_replace

    from .optimise_spec import _conditions

    problem = config if isinstance(config, Problem) else load_problem(config)
    if problem.spec.robustness is None:
        raise ScenarioError(f"{problem.source}: no [robustness] table: no uncertain conditions to draw")
    rb = problem.spec.robustness.model_copy(update={k: v for k, v in (("conditions", conditions),
                                                                       ("design_seed", design_seed)) if v is not None})
    spec = problem.spec.model_copy(update={"robustness": rb})
    folder = Path(problem.source).parent if problem.source not in ("", "optimise") else Path.cwd()
    names, keys, values = _conditions(spec, problem.base, folder, problem.source)
    wide = dc_replace(problem, spec=spec, condition_names=names, condition_keys=keys, conditions=values)
    X = wide.snap(np.atleast_2d(np.asarray(candidates, dtype=float)))

    class Memory(Store):
        def __init__(self):
            self.cache = {}

        def add(self, key, values):
            self.cache[key] = values

    from tqdm.auto import tqdm

    memory = Memory()
    from .sweep import _client

    local = workers == 0
    own, cluster = (None, None) if local else _client(workers, None)
    try:
        with tqdm(total=0, unit="run", disable=not progress) as bar:
            _run_missing(wide, X, memory, own, bar, None)
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
    return results(wide, X, np.zeros(len(X), dtype=int), memory)
