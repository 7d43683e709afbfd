"""Optimisation files: levers, objectives, constraints, seeds, algorithm, robustness — validated like sweeps.

An optimisation file (TOML)::

    name = "partnership"
    scenario = "huelva"                # bundled name, or a path relative to this file
    seeds = 2                          # replicates per evaluation (seeds 0..1), or a list: the same
                                       # seeds for every candidate (common random numbers)
    [overrides]                        # fixed for every run
    persons = 600

    [[levers]]                         # a declared parameter (``*`` allowed), its bounds
    key = "origins.*.reintegration_support"
    range = [0.0, 1.0]
    step = 0.1                         # optional: values on the grid low, low + step, ...

    [[objectives]]
    indicator = "irregular_stock_end"  # a headline indicator or a cost (``cost_total`` ...)
    sense = "minimise"                 # minimise | maximise
    measure = "mean"                   # over the conditions: mean | p90 (any pNN) | regret

    [[constraints]]
    indicator = "cost_total"
    max = 2_000_000                    # and/or min; ``measure`` as for objectives

    [algorithm]
    name = "nsga2"                     # nsga2 (pymoo) | random (a Latin hypercube of the same size)
    population = 8
    generations = 5
    seed = 0

    [costs]                            # unit costs and payers replacing the declared defaults
    unit_costs = { enforced_return = 3000 }
    payers = { predeparture_training = "origin" }

    [robustness]                       # optional: evaluate each candidate over uncertain conditions
    conditions = 6                     # Latin hypercube of the uncertainties (or posterior draws)
    design_seed = 0
    posterior = "../calibration/results/huelva-abc"   # optional: draws of a calibration's posterior.csv
    [[robustness.uncertainties]]
    key = "behaviour.return_intercept"
    range = [0.5, 2.5]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .costs import COST_INDICATORS, check_costs
from .outputs import HEADLINE
from .scenario import Scenario, ScenarioError, load_scenario, parameter_of
from .scenario.limits import RUNS_MAX, SEED_MAX, SEEDS_MAX, check_int
from .scenario.loader import resolve
from .sweep_spec import read_config

_STRICT = ConfigDict(extra="forbid")
#: indicators an objective or a constraint may name
INDICATORS = {**HEADLINE, **COST_INDICATORS}
#: limits of the algorithm's sizes
POPULATION_MAX, GENERATIONS_MAX, CONDITIONS_MAX = 10_000, 10_000, 100_000


class Lever(BaseModel):
    model_config = _STRICT
    key: str
    name: str | None = None
    range: tuple[float, float]
    step: float | None = Field(default=None, gt=0)


class Objective(BaseModel):
    model_config = _STRICT
    indicator: str
    sense: Literal["minimise", "maximise", "minimize", "maximize"] = "minimise"
    measure: str = "mean"


class Constraint(BaseModel):
    model_config = _STRICT
    indicator: str
    max: float | None = None
    min: float | None = None
    measure: str = "mean"


class Algorithm(BaseModel):
    model_config = _STRICT
    name: Literal["nsga2", "random"] = "nsga2"
    population: int = 8
    generations: int = 5
    seed: int = 0


class Costs(BaseModel):
    model_config = _STRICT
    unit_costs: dict[str, float] = Field(default_factory=dict)
    payers: dict[str, str] = Field(default_factory=dict)


class Uncertainty(BaseModel):
    model_config = _STRICT
    key: str
    name: str | None = None
    range: tuple[float, float]


class Robustness(BaseModel):
    model_config = _STRICT
    conditions: int = 8
    design_seed: int = 0
    posterior: str | None = None
    uncertainties: list[Uncertainty] = Field(default_factory=list)


class OptimiseFile(BaseModel):
    model_config = _STRICT
    name: str = "optimise"
    description: str = ""
    scenario: str = "baseline"
    seeds: int | list[int] = 2
    overrides: dict[str, Any] = Field(default_factory=dict)
    levers: list[Lever] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)
    constraints: list[Constraint] = Field(default_factory=list)
    algorithm: Algorithm = Field(default_factory=Algorithm)
    costs: Costs = Field(default_factory=Costs)
    robustness: Robustness | None = None


@dataclass
class Problem:
    """A validated optimisation: base scenario, levers, objectives, constraints, conditions and seeds."""

    spec: OptimiseFile
    base: Scenario
    lever_names: list[str]
    lever_integer: list[bool]
    lo: np.ndarray
    hi: np.ndarray
    seeds: list[int]
    condition_names: list[str] = field(default_factory=list)
    condition_keys: list[str] = field(default_factory=list)
    conditions: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))   # [condition, uncertain input]
    unit_costs: dict = field(default_factory=dict)
    payers: dict = field(default_factory=dict)
    source: str = ""

    @property
    def n_conditions(self) -> int:
        return len(self.conditions)

    def snap(self, x: np.ndarray) -> np.ndarray:
        """Lever values as evaluated: within bounds, on each lever's grid (``step``), integers rounded."""
        x = np.clip(np.asarray(x, dtype=float), self.lo, self.hi)
        for j, lever in enumerate(self.spec.levers):
            if lever.step:
                x[..., j] = np.minimum(self.lo[j] + np.round((x[..., j] - self.lo[j]) / lever.step) * lever.step, self.hi[j])
            if self.lever_integer[j]:
                x[..., j] = np.round(x[..., j])
        return np.round(x, 12)

    def overrides(self, x: np.ndarray, condition: int) -> dict[str, Any]:
        """The dotted keys and values of a candidate ``x`` in ``condition``."""
        out: dict[str, Any] = {}
        for j, lever in enumerate(self.spec.levers):
            out[lever.key] = int(x[j]) if self.lever_integer[j] else float(x[j])
        for j, key in enumerate(self.condition_keys):
            out[key] = float(self.conditions[condition, j])
        return out

    def scenario(self, x: np.ndarray, condition: int) -> Scenario:
        return self.base.replace(**self.overrides(x, condition))

    def fingerprint(self) -> str:
        text = json.dumps({"spec": self.spec.model_dump(), "base": self.base.data,
                           "conditions": self.conditions.tolist()}, sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


def _measure(text: str, where: str) -> str:
    if text in ("mean", "regret") or re.fullmatch(r"p(\d{1,2}|100)", text):
        return text
    raise ScenarioError(f"{where} = {text!r}: must be mean, regret or pNN (a percentile from p0 to p100)")


def _indicator(name: str, where: str) -> None:
    if name not in INDICATORS:
        import difflib

        close = difflib.get_close_matches(name, list(INDICATORS), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ScenarioError(f"{where} = {name!r}: not a headline indicator or a cost{hint}; "
                            "see docs/POLICY_DESIGN.md for the list")


def _name(key: str, given: str | None, keys: list[str]) -> str:
    if given:
        return given
    last = key.split(".")[-1]
    return last if sum(k.split(".")[-1] == last for k in keys) == 1 else key.replace(".", "_").replace("*", "all")


def _bounds(base: Scenario, key: str, rng: tuple[float, float], where: str) -> bool:
    """Check ``rng`` against the declared bounds of the parameter ``key`` names; True if it is an integer."""
    p, _ = parameter_of(base.data, key, f"{where}.key = {key!r}")
    for value in rng:
        if not np.isfinite(value) or not p.lo <= value <= p.hi:
            raise ScenarioError(f"{where}.range ({key}) = {value:g}: must be a number from {p.range_text} {p.unit}")
    if rng[0] >= rng[1]:
        raise ScenarioError(f"{where}.range ({key}) = [{rng[0]:g}, {rng[1]:g}]: low must be below high")
    return p.integer


def _posterior(folder: Path, path_text: str, base: Scenario, where: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(keys, draws, weights) of a calibration's posterior (``posterior.csv`` in its results folder), each key a
    parameter of ``base`` and every draw within its range."""
    from .posterior import load_posterior

    try:
        post = load_posterior((folder / path_text) if not Path(path_text).is_absolute() else Path(path_text))
    except ScenarioError as exc:
        raise ScenarioError(f"{where} = {path_text!r}: {exc}") from None
    for j, key in enumerate(post.keys):
        p, _ = parameter_of(base.data, key, f"{where}: {post.path}: column {key!r}")
        if post.values[:, j].min() < p.lo or post.values[:, j].max() > p.hi:
            raise ScenarioError(f"{where}: {post.path}: column {key}: every draw must be a number from {p.range_text} "
                                f"{p.unit}")
    return post.keys, post.values, post.weights


def _conditions(spec: OptimiseFile, base: Scenario, folder: Path, where: str):
    """Names, keys and values ``[condition, input]`` of the uncertain conditions (one empty condition if none)."""
    rb = spec.robustness
    if rb is None:
        return [], [], np.zeros((1, 0))
    n = check_int(rb.conditions, 1, CONDITIONS_MAX, f"{where}: robustness.conditions")
    keys, columns = [], []
    if rb.posterior is not None:
        pkeys, draws, weights = _posterior(folder, rb.posterior, base, f"{where}: robustness.posterior")
        pick = np.random.default_rng(rb.design_seed).choice(len(draws), size=n, p=weights)
        keys += pkeys
        columns.append(draws[pick])
    for i, u in enumerate(rb.uncertainties):
        _bounds(base, u.key, u.range, f"{where}: robustness.uncertainties[{i}]")
    if rb.uncertainties:
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(rb.uncertainties), seed=rb.design_seed).random(n)
        columns.append(qmc.scale(unit, [u.range[0] for u in rb.uncertainties], [u.range[1] for u in rb.uncertainties]))
        keys += [u.key for u in rb.uncertainties]
    if not keys:
        raise ScenarioError(f"{where}: robustness: give `uncertainties` or a `posterior`")
    if len(set(keys)) != len(keys):
        raise ScenarioError(f"{where}: robustness: a key is given twice (posterior and uncertainties): {keys}")
    given = {u.key: u.name for u in rb.uncertainties}
    names = [_name(k, given.get(k), keys) for k in keys]
    return names, keys, np.hstack(columns)


def load_problem(path_or_spec: str | os.PathLike | dict) -> Problem:
    """Read and validate an optimisation file (or a dict of the same tables).

    Raises :class:`~circsim.ScenarioError` with one line naming the file, the key and what is allowed.
    """
    spec, where, folder = read_config(path_or_spec, OptimiseFile, "optimise", "optimisation")
    base = load_scenario(resolve(spec.scenario, relative_to=folder), overrides=spec.overrides,
                         source=f"{where}: overrides")
    integer = [_bounds(base, lever.key, lever.range, f"{where}: levers[{i}]") for i, lever in enumerate(spec.levers)]
    for i, lever in enumerate(spec.levers):
        if lever.step is not None and lever.step > lever.range[1] - lever.range[0]:
            raise ScenarioError(f"{where}: levers[{i}].step = {lever.step:g}: must be above 0 and at most "
                                f"the range's width {lever.range[1] - lever.range[0]:g}")
    keys = [lever.key for lever in spec.levers]
    if len(set(keys)) != len(keys):
        raise ScenarioError(f"{where}: levers: a key is given twice")
    names = [_name(lever.key, lever.name, keys) for lever in spec.levers]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{where}: levers: two levers share the name {names}; give each a `name`")
    for i, o in enumerate(spec.objectives):
        _indicator(o.indicator, f"{where}: objectives[{i}].indicator")
        _measure(o.measure, f"{where}: objectives[{i}].measure")
    for i, c in enumerate(spec.constraints):
        _indicator(c.indicator, f"{where}: constraints[{i}].indicator")
        _measure(c.measure, f"{where}: constraints[{i}].measure")
        if c.max is None and c.min is None:
            raise ScenarioError(f"{where}: constraints[{i}]: give `max` or `min` (a number)")
        if c.max is not None and c.min is not None and c.min > c.max:
            raise ScenarioError(f"{where}: constraints[{i}]: min {c.min:g} is above max {c.max:g}")
    alg = spec.algorithm
    check_int(alg.population, 2, POPULATION_MAX, f"{where}: algorithm.population")
    check_int(alg.generations, 1, GENERATIONS_MAX, f"{where}: algorithm.generations")
    check_int(alg.seed, 0, 2**32 - 1, f"{where}: algorithm.seed")
    unit_costs, payers = check_costs(spec.costs.unit_costs, spec.costs.payers, f"{where}: costs")
    if isinstance(spec.seeds, int):
        seeds = list(range(check_int(spec.seeds, 1, SEEDS_MAX, f"{where}: seeds")))
    else:
        check_int(len(spec.seeds), 1, SEEDS_MAX, f"{where}: seeds: the number of seeds")
        seeds = [check_int(s, 0, SEED_MAX, f"{where}: seeds[{k}]") for k, s in enumerate(spec.seeds)]
    cnames, ckeys, conditions = _conditions(spec, base, folder, where)
    clash = set(ckeys) & set(keys)
    if clash:
        raise ScenarioError(f"{where}: {', '.join(sorted(clash))}: both a lever and an uncertainty; choose one")
    runs = alg.population * alg.generations * len(conditions) * len(seeds)
    if runs > RUNS_MAX:
        raise ScenarioError(f"{where}: {alg.population} x {alg.generations} candidates x {len(conditions)} conditions "
                            f"x {len(seeds)} seeds = {runs:,} runs: at most {RUNS_MAX:,}")
    lo = np.array([lever.range[0] for lever in spec.levers], dtype=float)
    hi = np.array([lever.range[1] for lever in spec.levers], dtype=float)
    return Problem(spec, base, names, integer, lo, hi, seeds, cnames, ckeys, conditions, unit_costs, payers, where)
