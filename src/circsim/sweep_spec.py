"""Sweep files: what to vary, over which design, with how many seeds — validated like scenarios.

A sweep file (TOML)::

    name = "permits_readmission"
    scenario = "baseline"              # bundled name, or a path relative to the sweep file
    design = "grid"                    # grid | lhs | sobol | morris
    points = 32                        # lhs: points; sobol: base samples N; morris: trajectories
    seeds = 3                          # replicates per point (seeds 0..2), or a list of seeds
    series = ["stock.status"]          # time series to keep: a variable, summed to time or to
                                       # time x the dimension named after the dot (optional)
    posterior = "../calibration/results/huelva-abc"   # optional: a calibration's posterior.csv (or
    draws = 5                          # its folder) and the parameter sets drawn from it (a `draw`
                                       # coordinate: every point x draw x seed)

    [overrides]                        # fixed for every run
    persons = 5000

    [[vary]]
    key = "corridors.*.*.seasonal_permit_years"
    values = [1, 3, 5]                 # grid: these values
    kind = "lever"                     # lever (a policy choice) or uncertainty
    [[vary]]
    key = "origins.*.readmission_cooperation"
    range = [0.0, 1.0]                 # lhs / sobol / morris: bounds; grid: with `levels`
    levels = 3
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .posterior import apply, draw, load_posterior, split_keys
from .scenario import Scenario, ScenarioError, load_scenario, parameter_of, resolve_key
from .scenario.errors import from_validation
from .scenario.files import read_toml
from .scenario.limits import RUNS_MAX, SEED_MAX, SEEDS_MAX, check_int
from .scenario.loader import resolve

_STRICT = ConfigDict(extra="forbid")


class Vary(BaseModel):
    model_config = _STRICT
    key: str
    name: str | None = None
    kind: Literal["lever", "uncertainty"] = "uncertainty"
    values: list[float] | None = Field(default=None, min_length=1)
    range: tuple[float, float] | None = None
    levels: int = Field(default=3, ge=2, le=100)


class SweepFile(BaseModel):
    model_config = _STRICT
    name: str = "sweep"
    description: str = ""
    scenario: str = "baseline"
    design: Literal["grid", "lhs", "sobol", "morris"] = "grid"
    points: int = Field(default=16, ge=1, le=1_000_000)
    design_seed: int = 0
    seeds: int | list[int] = 3
    series: list[str] = Field(default_factory=list)
    overrides: dict[str, Any] = Field(default_factory=dict)
    vary: list[Vary] = Field(min_length=1)
    posterior: str | None = None
    draws: int | None = Field(default=None, ge=1, le=100_000)


@dataclass
class Sweep:
    """A validated sweep: the base scenario, the varied parameters, the design and the seeds."""

    spec: SweepFile
    base: Scenario
    names: list[str]           # coordinate names of the varied parameters
    integer: list[bool]
    design: np.ndarray         # [points, parameters] values
    seeds: list[int]
    source: str = ""
    draws: pd.DataFrame | None = None   # [draw, posterior key]: applied before each point's values
    posterior_names: dict[str, str] = field(default_factory=dict)   # coordinate name -> posterior key
    not_applied: list[str] = field(default_factory=list)            # posterior keys not applied, and why

    @property
    def n_draws(self) -> int:
        return 1 if self.draws is None else len(self.draws)

    @property
    def n_runs(self) -> int:
        return len(self.design) * self.n_draws * len(self.seeds)

    def draw_of(self, r: int) -> int:
        """The posterior draw of run ``r`` (0 without a posterior)."""
        return r // len(self.seeds) % self.n_draws

    def run_plan(self, r: int) -> tuple[int, int, dict[str, Any]]:
        """(point, seed, overrides) of run ``r``; runs go point by point, draws inside, seeds innermost."""
        point, rest = divmod(r, self.n_draws * len(self.seeds))
        k = rest % len(self.seeds)
        overrides = {}
        for j, vary in enumerate(self.spec.vary):
            value = self.design[point, j]
            overrides[vary.key] = int(round(value)) if self.integer[j] else float(value)
        return point, self.seeds[k], overrides

    def scenario_of(self, r: int) -> Scenario:
        base = self.base
        if self.draws is not None:
            d = self.draw_of(r)
            base = apply(base, self.draws.iloc[d], f"{self.source}: posterior draw {d}")
        return base.replace(**self.run_plan(r)[2])

    def problem(self) -> dict:
        """The SALib problem (names and bounds) of a sobol or morris sweep."""
        return {"num_vars": len(self.names), "names": self.names,
                "bounds": [list(v.range) for v in self.spec.vary]}

    def spec_dump(self) -> dict:
        """The sweep file's tables, defaults filled in; without a posterior, as before sweeps could have one."""
        return {k: v for k, v in self.spec.model_dump().items() if v is not None or k not in ("posterior", "draws")}

    def fingerprint(self) -> str:
        content = {"spec": self.spec_dump(), "base": self.base.data}
        if self.draws is not None:
            content["draws"] = self.draws.to_dict("split")
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


def _name(vary: Vary, all_keys: list[str]) -> str:
    if vary.name:
        return vary.name
    last = vary.key.split(".")[-1]
    if sum(k.split(".")[-1] == last for k in all_keys) == 1:
        return last
    return vary.key.replace(".", "_").replace("*", "all")


def _points(spec: SweepFile) -> int:
    """The number of design points ``_design`` gives, known before building it."""
    if spec.design == "grid":
        return math.prod(len(v.values) if v.values is not None else v.levels for v in spec.vary)
    return spec.points * {"lhs": 1, "sobol": len(spec.vary) + 2, "morris": len(spec.vary) + 1}[spec.design]


def _design(spec: SweepFile, where: str) -> np.ndarray:
    if spec.design == "grid":
        axes = []
        for v in spec.vary:
            axes.append(v.values if v.values is not None else list(np.linspace(v.range[0], v.range[1], v.levels)))
        return np.array(list(itertools.product(*axes)), dtype=float)
    lo = np.array([v.range[0] for v in spec.vary])
    hi = np.array([v.range[1] for v in spec.vary])
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(spec.vary), seed=spec.design_seed).random(spec.points)
        return qmc.scale(unit, lo, hi)
    problem = {"num_vars": len(spec.vary), "names": [v.key for v in spec.vary], "bounds": list(zip(lo, hi))}
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, spec.points, calc_second_order=False, seed=spec.design_seed)
    from SALib.sample import morris

    return morris.sample(problem, spec.points, num_levels=4, seed=spec.design_seed)


def _posterior_draws(spec: SweepFile, base: Scenario, folder: Path, where: str):
    """(draws, coordinate names, keys not applied) of a sweep's ``posterior``; (None, {}, []) without one.

    Draws are :func:`circsim.posterior.draw` with ``design_seed``; keys the base scenario lacks,
    or whose every entity a ``vary`` key sets, are not applied. Every draw is checked here.
    """
    if spec.posterior is None:
        if spec.draws is not None:
            raise ScenarioError(f"{where}: draws = {spec.draws}: needs `posterior` (a calibration's posterior.csv)")
        return None, {}, []
    if spec.draws is None:
        raise ScenarioError(f"{where}: posterior: give `draws`, the number of parameter sets to draw from it")
    try:
        post = load_posterior(Path(spec.posterior) if Path(spec.posterior).is_absolute() else folder / spec.posterior)
        applied, absent = split_keys(post, base)
        drawn = draw(post, spec.draws, spec.design_seed)
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: posterior: {exc}") from None
    varied = {path for v in spec.vary for path in resolve_key(base.data, v.key, v.key)[1]}
    overridden = [k for k in applied if set(resolve_key(base.data, k, k)[1]) <= varied]
    applied = [k for k in applied if k not in overridden]
    drawn = drawn[applied]
    for d in range(len(drawn)):
        apply(base, drawn.iloc[d], f"{where}: posterior draw {d}")
    keys = [v.key for v in spec.vary] + applied
    names = {_name(Vary(key=key), keys): key for key in applied}
    taken = {_name(v, keys) for v in spec.vary} | {"run", "point", "seed", "draw", "time"}
    if taken & set(names):
        raise ScenarioError(f"{where}: posterior: the coordinate names {sorted(taken & set(names))} are taken; "
                            "name the vary entries otherwise")
    not_applied = ([f"{k} (not in the scenario)" for k in absent]
                   + [f"{k} (set by vary)" for k in overridden])
    return drawn, names, not_applied


def read_config(path_or_spec: str | os.PathLike | dict, model, bundled_folder: str, what: str):
    """A configuration file (or a dict of the same tables) validated by the pydantic ``model``: a path, or
    the name of a file bundled in ``scenarios/<bundled_folder>``. Returns (spec, where, folder of the file).

    Raises :class:`~circsim.ScenarioError` naming the file, the key and what is allowed.
    """
    if isinstance(path_or_spec, dict):
        raw, where, folder = path_or_spec, what, Path.cwd()
    else:
        path = Path(path_or_spec)
        if not path.is_file():
            bundled = Path(__file__).resolve().parent / "scenarios" / bundled_folder / f"{path_or_spec}.toml"
            if not bundled.is_file():
                raise ScenarioError(f"{path}: no such {what} file")
            path = bundled
        where, folder = str(path), path.parent
        raw = read_toml(path)
    try:
        return model.model_validate(raw), where, folder
    except ValidationError as exc:
        raise from_validation(exc, where) from None


def load_sweep(path_or_spec: str | os.PathLike | dict) -> Sweep:
    """Read and validate a sweep file (or a dict of the same tables).

    Raises :class:`~circsim.ScenarioError` naming the file, the key and what is allowed.
    """
    spec, where, folder = read_config(path_or_spec, SweepFile, "sweeps", "sweep")
    base = load_scenario(resolve(spec.scenario, relative_to=folder), overrides=spec.overrides,
                         source=f"{where}: overrides")
    integer = []
    for i, vary in enumerate(spec.vary):
        p, _ = parameter_of(base.data, vary.key, f"{where}: vary[{i}].key = {vary.key!r}")
        integer.append(p.integer)
        if spec.design == "grid" and vary.values is None and vary.range is None:
            raise ScenarioError(f"{where}: vary[{i}]: give `values` or `range` (with `levels`)")
        if spec.design != "grid" and vary.range is None:
            raise ScenarioError(f"{where}: vary[{i}]: design {spec.design!r} needs `range = [low, high]`")
        for value in (vary.values or []) + list(vary.range or []):
            if not p.lo <= value <= p.hi or (p.integer and value != int(value)):
                kind = "an integer" if p.integer else "a number"
                raise ScenarioError(f"{where}: vary[{i}] ({vary.key}) = {value:g}: must be {kind} from "
                                    f"{p.range_text} {p.unit}")
        if vary.range is not None and vary.range[0] >= vary.range[1]:
            raise ScenarioError(f"{where}: vary[{i}].range: low must be below high")
    keys = [v.key for v in spec.vary]
    names = [_name(v, keys) for v in spec.vary]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{where}: vary: two parameters share the name {names}; give each a `name`")
    for i, entry in enumerate(spec.series):
        from .records_spec import RECORDS

        name, _, dim = entry.partition(".")
        dims = RECORDS.get(name, (None,))[0]
        if dims is None or (dim and dim not in dims and not (dim in ("destination", "sector") and dims == ("market",))):
            raise ScenarioError(f"{where}: series[{i}] = {entry!r}: not an output variable (and dimension) of a run")
    if isinstance(spec.seeds, int):
        seeds = list(range(check_int(spec.seeds, 1, SEEDS_MAX, f"{where}: seeds")))
    else:
        check_int(len(spec.seeds), 1, SEEDS_MAX, f"{where}: seeds: the number of seeds")
        seeds = [check_int(seed, 0, SEED_MAX, f"{where}: seeds[{k}]") for k, seed in enumerate(spec.seeds)]
    runs = _points(spec) * (spec.draws or 1) * len(seeds)
    if runs > RUNS_MAX:
        draws = f" x {spec.draws:,} draws" if spec.draws else ""
        raise ScenarioError(f"{where}: {_points(spec):,} design points{draws} x {len(seeds):,} seeds = {runs:,} runs: "
                            f"at most {RUNS_MAX:,}")
    drawn, posterior_names, not_applied = _posterior_draws(spec, base, folder, where)
    return Sweep(spec, base, names, integer, _design(spec, where), seeds, where, drawn, posterior_names, not_applied)
