"""Calibration against published figures: targets, a distance, SMM and ABC-SMC, reports.

A *target* (``calibration/targets/*.toml``) names a model output — a headline indicator or a
statistic in ``STATISTICS`` —, the observed value, an interval (read as a 95 % interval of a
normal error: sd = width / 3.92), its source, and whether it is used to ``fit`` or kept aside
to ``validate``. A *calibration config* (``calibration/*.toml``) names the scenario, the target
files, the free parameters with bounds, the seeds (common random numbers: every evaluation
uses the same seeds) and the settings of each method:

* ``smm``: simulated method of moments — minimise the sum of squared standardised differences
  between the model's mean over seeds and the observed values with
  ``scipy.optimize.differential_evolution``;
* ``abc``: approximate Bayesian computation by sequential Monte Carlo with pyabc (uniform
  priors on the bounds, the same standardised distance), giving a posterior sample; the
  calibrated values are the posterior means.

Both write a scenario overlay (``extends`` the scenario, sets the calibrated values) that
``circsim run`` accepts, and a report: each target against the calibrated model's mean and 95 %
interval over seeds, with a plot.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .api import _scenario
from .engine import Simulation
from .moments import STATISTICS, statistic
from .outputs import HEADLINE, headline, headline_of, summarise
from .posterior import has_key
from .scenario import Scenario, ScenarioError, load_scenario, parameter_of, resolve_key
from .scenario.errors import from_validation
from .scenario.files import read_toml
from .scenario.limits import SEED_MAX, SEEDS_MAX
from .writing import make_folder

_STRICT = ConfigDict(extra="forbid")


class Target(BaseModel):
    model_config = _STRICT
    name: str
    output: str
    observed: float
    interval: tuple[float, float]
    source: str
    firmness: str = ""
    use: Literal["fit", "validate"] = "fit"
    #: a statistic's selection: ``origin`` and/or ``destination`` names (headline indicators take none)
    where: dict[Literal["origin", "destination"], str] | None = None
    #: an effect target: the paired difference (same seeds: common random numbers) of ``output`` between the
    #: scenario with these overrides and the scenario itself; a level target without it
    variant: dict[str, float | int | str] | None = None
    #: an effect as the paired ``difference`` B - A or the paired ``relative`` change (B - A) / A, per seed
    effect: Literal["difference", "relative"] = "difference"

    @property
    def kind(self) -> str:
        return "level" if self.variant is None else "effect"

    @model_validator(mode="after")
    def _consistent(self) -> "Target":
        low, high = self.interval
        if not all(map(math.isfinite, (self.observed, low, high))):
            raise ValueError("observed and interval must be finite numbers")
        if not low < high:
            raise ValueError(f"interval = [{low:g}, {high:g}]: low must be below high")
        if not low <= self.observed <= high:
            raise ValueError(f"observed = {self.observed:g} must lie within its interval [{low:g}, {high:g}]")
        if self.effect == "relative" and self.variant is None:
            raise ValueError("effect = 'relative' needs a variant (it is the relative change of an effect target)")
        return self

    @property
    def sd(self) -> float:
        return (self.interval[1] - self.interval[0]) / 3.92


class TargetFile(BaseModel):
    model_config = _STRICT
    scenario: str
    target: list[Target] = Field(min_length=1)


class Free(BaseModel):
    model_config = _STRICT
    key: str
    bounds: tuple[float, float]


class SMM(BaseModel):
    model_config = _STRICT
    maxiter: int = Field(default=20, ge=1)
    popsize: int = Field(default=8, ge=2)
    seed: int = 0
    #: start from the values the bundled calibrated scenarios hold (a refit after a model change), clipped to the
    #: bounds; a key they do not set starts at its declared value
    warm_start: bool = False


class ABC(BaseModel):
    model_config = _STRICT
    population_size: int = Field(default=100, ge=5)
    generations: int = Field(default=5, ge=1)
    seed: int = 0


class Run(BaseModel):
    """A scenario, the target files it is compared with, and the run size where it differs from the scenario's."""
    model_config = _STRICT
    scenario: str
    targets: list[str] = Field(min_length=1)
    persons: int | None = None
    years: int | None = None

    def load(self) -> Scenario:
        return load_scenario(self.scenario, **{k: v for k, v in (("persons", self.persons), ("years", self.years))
                                               if v is not None})


class Part(Run):
    """One scenario of a calibration and the targets it is compared with."""
    calibrated_name: str | None = None   # the overlay's name (default <scenario>_calibrated)


class CalibrationConfig(BaseModel):
    """A calibration: one scenario (``scenario``, ``targets``, ...) or several at once (``[[part]]``), the free
    parameters (each set in every part whose scenario has the key), the seeds and each method's settings."""
    model_config = _STRICT
    scenario: str | None = None
    targets: list[str] = Field(default_factory=list)
    persons: int | None = None
    years: int | None = None
    calibrated_name: str | None = None
    part: list[Part] = Field(default_factory=list)
    seeds: list[Annotated[int, Field(ge=0, le=SEED_MAX)]] = Field(default_factory=lambda: [1, 2, 3], min_length=1,
                                                                   max_length=SEEDS_MAX)
    transfer_to: str | None = None          # another scheme's scenario: receives the calibrated behaviour
    transfer_targets: list[str] = Field(default_factory=list)
    free: list[Free] = Field(min_length=1)
    smm: SMM = Field(default_factory=SMM)
    abc: ABC = Field(default_factory=ABC)

    @model_validator(mode="after")
    def _one_form(self) -> "CalibrationConfig":
        single = self.scenario is not None or self.targets
        if single and self.part:
            raise ValueError("give either scenario and targets (one scenario) or [[part]] tables (several), not both")
        if not self.part and not (self.scenario and self.targets):
            raise ValueError("give scenario and targets, or [[part]] tables with a scenario and targets each")
        return self

    @property
    def parts(self) -> list[Part]:
        if self.part:
            return self.part
        return [Part(scenario=self.scenario, targets=self.targets, persons=self.persons, years=self.years,
                     calibrated_name=self.calibrated_name)]

    @property
    def name(self) -> str:
        """The calibration's name: its scenarios joined by '+'."""
        return "+".join(p.scenario for p in self.parts)


def _read(path: Path, model: type[BaseModel]):
    raw = read_toml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, str(path)) from None


def load_targets(paths: list[str | os.PathLike]) -> list[Target]:
    """The targets of one or more target files; ScenarioError names a bad file and key."""
    targets = []
    for path in paths:
        for t in _read(Path(path), TargetFile).target:
            if t.output not in HEADLINE and t.output not in STATISTICS:
                raise ScenarioError(f"{path}: target {t.name}: output {t.output!r} is not a headline indicator "
                                    f"or a statistic ({', '.join(STATISTICS)})")
            if t.where and t.output not in STATISTICS:
                raise ScenarioError(f"{path}: target {t.name}: where = {t.where}: only statistics "
                                    f"({', '.join(STATISTICS)}) take a selection; {t.output} is a headline indicator")
            targets.append(t)
    return targets


def model_values(ds, targets: list[Target]) -> dict[str, float]:
    """The model's value of each target's output in one run's dataset."""
    h = headline_of(ds) if all(k in ds for k in HEADLINE) else headline(ds)  # a run's dataset holds them
    return {t.name: h[t.output] if t.output in h and not t.where else statistic(ds, t.output, t.where)
            for t in targets}


def _effect(t: Target, before: float, after: float) -> float:
    if t.effect == "difference":
        return after - before
    return (after - before) / before if before != 0 else float("nan")


def simulate(scenario: Scenario, seeds, targets: list[Target]) -> pd.DataFrame:
    """The targets' outputs for each seed (rows) of a scenario: a level target's output in the scenario's run, an
    effect target's paired difference between the run of its variant and the scenario's run with the same seed
    (each distinct variant is run once per seed)."""
    levels = [t for t in targets if t.variant is None]
    effects = [t for t in targets if t.variant is not None]
    variants = {}
    for t in effects:
        variants.setdefault(tuple(sorted(t.variant.items())), []).append(t)
    as_level = {t.name: t.model_copy(update={"variant": None}) for t in effects}  # the output on either side
    sides = {key: scenario.replace(**dict(key)) for key in variants}
    rows = []
    for seed in seeds:
        base = Simulation(scenario, seed).run()
        row = model_values(base, levels)
        before = model_values(base, list(as_level.values()))
        for key, group in variants.items():
            after = model_values(Simulation(sides[key], seed).run(), [as_level[t.name] for t in group])
            row.update({t.name: _effect(t, before[t.name], after[t.name]) for t in group})
        rows.append(row)
    return pd.DataFrame(rows, index=list(seeds))


def distance(means: dict[str, float], targets: list[Target]) -> float:
    """Sum of squared standardised differences over the ``fit`` targets (inf if one is undefined)."""
    total = 0.0
    for t in targets:
        if t.use == "fit":
            value = means[t.name]
            if not np.isfinite(value):
                return float("inf")
            total += ((value - t.observed) / t.sd) ** 2
    return total


class Fitted:
    """A part of a loaded calibration: its scenario (the run size set), targets, and which free keys it takes."""

    def __init__(self, part: Part, folder: Path, where: str):
        self.part = part
        self.scenario = part.load()
        self.targets = load_targets([folder / p for p in part.targets])
        self.keys: list[str] = []
        origins, destinations = self.scenario.data.get("origins", {}), self.scenario.data.get("destinations", {})
        for t in self.targets:
            for key, value in (t.where or {}).items():
                names = origins if key == "origin" else destinations
                if value not in names:
                    raise ScenarioError(f"{where}: target {t.name}: where.{key} = {value!r} is not one of "
                                        f"{part.scenario}'s {key}s ({', '.join(names)})")
            if t.variant is not None:
                try:
                    self.scenario.replace(**t.variant)
                except ScenarioError as exc:
                    raise ScenarioError(f"{where}: target {t.name}: variant {t.variant}: {exc}") from None

    @property
    def calibrated_name(self) -> str:
        return self.part.calibrated_name or f"{self.part.scenario}_calibrated"

    def with_values(self, values: dict[str, float]) -> Scenario:
        return self.scenario.replace(**{k: float(values[k]) for k in self.keys})


class Calibration:
    """A loaded config: its parts (scenarios and targets) and free parameters, ready to evaluate."""

    def __init__(self, config: str | os.PathLike | CalibrationConfig, folder: Path | None = None):
        if isinstance(config, CalibrationConfig):
            self.config, self.folder, where = config, folder or Path.cwd(), "calibration"
        else:
            path = Path(config)
            self.config, self.folder, where = _read(path, CalibrationConfig), path.parent, str(path)
        c = self.config
        self.parts = [Fitted(part, self.folder, where) for part in c.parts]
        names = [t.name for fitted in self.parts for t in fitted.targets]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ScenarioError(f"{where}: target names must be unique across the parts; repeated: {', '.join(twice)}")
        for i, f in enumerate(c.free):
            label = f"{where}: free[{i}].key = {f.key!r}"
            taking = [fitted for fitted in self.parts if has_key(fitted.scenario, f.key)]
            if not taking:
                parameter_of(self.parts[0].scenario.data, f.key, label)  # raises the scenario's own message
                raise ScenarioError(f"{label}: no part's scenario has this key")
            p, _ = parameter_of(taking[0].scenario.data, f.key, label)
            if not (p.lo <= f.bounds[0] < f.bounds[1] <= p.hi):
                raise ScenarioError(f"{where}: free[{i}] ({f.key}): bounds {list(f.bounds)} must lie within "
                                    f"{p.range_text}, low below high")
            for fitted in taking:
                fitted.keys.append(f.key)

    @property
    def scenario(self) -> Scenario:
        """The first part's scenario (the only one of a single-scenario calibration)."""
        return self.parts[0].scenario

    @property
    def targets(self) -> list[Target]:
        return [t for fitted in self.parts for t in fitted.targets]

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.config.free]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [tuple(f.bounds) for f in self.config.free]

    def current(self) -> list[float]:
        """Each free key's value in the first part that has it, as bundled: its calibrated overlay where one is
        bundled, else its scenario (the first concrete key of a ``*`` key), clipped to the bounds."""
        from .scenario.loader import BUNDLED

        out = []
        for f in self.config.free:
            fitted = next(p for p in self.parts if f.key in p.keys)
            bundled = (BUNDLED / f"{fitted.calibrated_name}.toml").exists()
            scenario = load_scenario(fitted.calibrated_name) if bundled else fitted.scenario
            path = resolve_key(scenario.data, f.key, f.key)[1][0]
            value = scenario.data
            for part in path:
                value = value[part]
            out.append(min(max(float(value), f.bounds[0]), f.bounds[1]))
        return out

    def with_values(self, x) -> list[Scenario]:
        """Each part's scenario with the free parameters at ``x`` (the keys it has)."""
        values = dict(zip(self.keys, map(float, x)))
        return [fitted.with_values(values) for fitted in self.parts]

    def means(self, x, fit_only: bool = False) -> dict[str, float]:
        """Model means over the config's seeds of every target (or every ``fit`` target) at values ``x``."""
        out = {}
        for fitted, scenario in zip(self.parts, self.with_values(x)):
            targets = [t for t in fitted.targets if t.use == "fit" or not fit_only]
            if targets:
                out.update(simulate(scenario, self.config.seeds, targets).mean().to_dict())
        return out

    def objective(self, x) -> float:
        """Distance of the model (mean over the config's seeds, every part) at parameter values ``x``."""
        return distance(self.means(x, fit_only=True), [t for t in self.targets if t.use == "fit"])


def _mapper(client):
    """A map over parameter vectors on a Dask client (differential evolution's ``workers``); serial without one."""
    if client is None:
        return 1
    return lambda f, xs: client.gather(client.map(f, list(xs), pure=False))


def smm(cal: Calibration, client=None) -> dict:
    """Simulated method of moments by differential evolution; returns values and distance."""
    from scipy.optimize import differential_evolution

    s = cal.config.smm
    res = differential_evolution(cal.objective, cal.bounds, maxiter=s.maxiter, popsize=s.popsize, seed=s.seed,
                                 polish=False, tol=0.0, updating="deferred", workers=_mapper(client),
                                 x0=cal.current() if s.warm_start else None)
    return {"method": "smm", "values": dict(zip(cal.keys, map(float, res.x))), "distance": float(res.fun),
            "evaluations": int(res.nfev)}


def abc(cal: Calibration, db: Path, client=None) -> dict:
    """ABC-SMC with pyabc (uniform priors on the bounds); posterior means and the weighted sample."""
    import pyabc

    names = [f"p{j}" for j in range(len(cal.keys))]
    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in zip(names, cal.bounds)})
    fit = [t for t in cal.targets if t.use == "fit"]

    def model(par):
        means = cal.means([par[n] for n in names], fit_only=True)
        return {t.name: float(means[t.name]) if np.isfinite(means[t.name]) else 1e9 for t in fit}

    weights = {t.name: 1.0 / t.sd for t in fit}  # pyabc weighs the differences: standardised distance
    dist = pyabc.PNormDistance(p=2, fixed_weights=weights)
    sampler = (pyabc.sampler.DaskDistributedSampler(dask_client=client) if client is not None
               else pyabc.sampler.SingleCoreSampler())
    np.random.seed(cal.config.abc.seed)
    run = pyabc.ABCSMC(model, prior, dist, population_size=cal.config.abc.population_size, sampler=sampler)
    run.new("sqlite:///" + str(db), {t.name: t.observed for t in fit})
    history = run.run(max_nr_populations=cal.config.abc.generations)
    frame, w = history.get_distribution()
    sample = frame[names].rename(columns=dict(zip(names, cal.keys)))
    sample["weight"] = w
    means = {k: float(np.average(sample[k], weights=w)) for k in cal.keys}
    return {"method": "abc", "values": means, "sample": sample, "epsilon": float(history.get_all_populations()["epsilon"].iloc[-1])}


def concrete(scenario: Scenario, values: dict[str, float]) -> dict[str, float]:
    """``values`` with each key that holds a ``*`` written once per entity it stands for in ``scenario``, as
    dotted TOML keys (parts quoted where a bare key may not hold them)."""
    out = {}
    for key, value in values.items():
        paths = resolve_key(scenario.data, key, key)[1] if "*" in key else [tuple(key.split("."))]
        for path in paths:
            out[".".join(p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else json.dumps(p) for p in path)] = value
    return out


def overlay_text(base: str, values: dict[str, float], name: str, method: str) -> str:
    """A scenario file that extends ``base`` and sets the calibrated values (concrete dotted keys: :func:`concrete`)."""
    lines = [f"# {name}: {base} with the values calibrated by circsim calibrate ({method}).",
             "# Written by circsim.calibration; rerun the calibration rather than editing by hand.",
             f'extends = "{base}"', f'name = "{name}"', f'description = "{base}, calibrated ({method})"']
    lines += [f"{key} = {value:.6g}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def report(scenario: Scenario, targets: list[Target], seeds) -> pd.DataFrame:
    """Each target against the model's mean and 95 % interval over ``seeds``."""
    runs = simulate(scenario, seeds, targets)
    summary = summarise(runs.to_dict("records"))
    rows = []
    for t in targets:
        m = summary.loc[t.name]
        rows.append({"target": t.name, "scenario": scenario.name, "kind": t.kind, "use": t.use, "output": t.output,
                     "observed": t.observed, "low": t.interval[0], "high": t.interval[1], "model": m["mean"],
                     "model_low": m["low"], "model_high": m["high"],
                     "within": bool(t.interval[0] <= m["mean"] <= t.interval[1]),
                     "z": (m["mean"] - t.observed) / t.sd, "source": t.source})
    return pd.DataFrame(rows).set_index("target")


def plot_report(table: pd.DataFrame, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.6 * len(table) + 1.5))
    y = np.arange(len(table))
    scale = table["observed"].abs().replace(0, 1)
    ax.errorbar(table["observed"] / scale, y, xerr=[(table["observed"] - table["low"]) / scale,
                (table["high"] - table["observed"]) / scale], fmt="o", color="black", label="observed (interval)")
    ax.errorbar(table["model"] / scale, y + 0.2, xerr=[(table["model"] - table["model_low"]) / scale,
                (table["model_high"] - table["model"]) / scale], fmt="s", color="tab:blue", label="model (95 % over seeds)")
    ax.set_yticks(y + 0.1, [f"{n} ({u})" for n, u in zip(table.index, table["use"])], fontsize=8)
    ax.set_xlabel("value / observed")
    ax.axvline(1.0, color="gray", lw=0.5)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


#: calibration methods by name
METHODS = ("smm", "abc")


def calibrate(config: str | os.PathLike, method: str = "smm", out: str | os.PathLike | None = None,
              bundle: bool = False, report_seeds=range(1, 11), client=None) -> dict:
    """Run a calibration; write the overlay scenarios, the report (CSV, PNG) and, for ABC, the posterior.

    ``out``: the results folder (default ``calibration/results/<config name>-<method>`` next to
    the config). ``bundle``: also install each part's overlay in the bundled scenarios so that
    ``circsim run <calibrated_name>`` works. ``client``: a Dask client that evaluates parameter
    vectors in parallel (SMM's population, ABC's particles). Returns the result dict (values,
    distance, table).
    """
    if method not in METHODS:
        raise ScenarioError(f"--method {method}: must be one of {', '.join(METHODS)}")
    cal = Calibration(config)
    stem = Path(config).stem if not isinstance(config, CalibrationConfig) and cal.config.part else cal.config.name
    out = Path(out) if out is not None else cal.folder / "results" / f"{stem}-{method}"
    make_folder(out, "--out")
    if method == "smm":
        result = smm(cal, client=client)
    else:
        result = abc(cal, out / "abc.db", client=client)
        result["sample"].to_csv(out / "posterior.csv", index=False)
        del result["sample"]
    tables = []
    for fitted, scenario in zip(cal.parts, cal.with_values(list(result["values"].values()))):
        values = concrete(fitted.scenario, {k: result["values"][k] for k in fitted.keys})
        text = overlay_text(fitted.part.scenario, values, fitted.calibrated_name, method)
        (out / f"{fitted.calibrated_name}.toml").write_text(text)
        if bundle:
            from .scenario.loader import BUNDLED

            (BUNDLED / f"{fitted.calibrated_name}.toml").write_text(text)
        table = report(scenario, fitted.targets, report_seeds)
        table["scenario"] = fitted.calibrated_name  # the run is the calibrated scenario
        tables.append(table)
    table = pd.concat(tables)
    table.to_csv(out / "report.csv")
    plot_report(table, out / "report.png", f"{cal.config.name} ({method}) against its targets")
    (out / "result.json").write_text(json.dumps({k: v for k, v in result.items()}, indent=1))
    result["table"] = table
    if cal.config.transfer_to:
        result["transfer"] = transfer(cal, result, out, bundle, report_seeds)
    return result


def transfer(cal: Calibration, result: dict, out: Path, bundle: bool, seeds) -> pd.DataFrame:
    """Carry the calibrated *behavioural* values (``behaviour.*``) to another scheme, unrefitted.

    Writes ``<transfer_to>_transfer.toml`` (extends that scheme's scenario) and a report of that
    scheme's targets (``report_transfer.csv``, ``.png``).
    """
    target = cal.config.transfer_to
    behaviour = {k: v for k, v in result["values"].items() if k.startswith("behaviour.")}  # no wildcards
    name = f"{target}_transfer"
    text = overlay_text(target, behaviour, name, result["method"] + ", behaviour from " + cal.config.name)
    (out / f"{name}.toml").write_text(text)
    if bundle:
        from .scenario.loader import BUNDLED

        (BUNDLED / f"{name}.toml").write_text(text)
    scenario = load_scenario(target).replace(**behaviour)
    table = report(scenario, load_targets([cal.folder / p for p in cal.config.transfer_targets]), seeds)
    table.to_csv(out / "report_transfer.csv")
    plot_report(table, out / "report_transfer.png", f"{name}: behaviour calibrated on {cal.config.name}")
    return table


class Scoreboard(BaseModel):
    """Which scenario each bundled target file is compared with (``calibration/scoreboard.toml``), run as its
    calibration ran it (``persons``, ``years``)."""
    model_config = _STRICT
    entry: list[Run] = Field(min_length=1)


def scoreboard(path: str | os.PathLike, seeds) -> pd.DataFrame:
    """Every target of the scoreboard's files against its scenario: :func:`report` rows, all entries together."""
    path = Path(path)
    board = _read(path, Scoreboard)
    tables = []
    for i, entry in enumerate(board.entry):
        try:
            scenario = entry.load()
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: entry[{i}].scenario: {exc}") from None
        tables.append(report(scenario, load_targets([path.parent / p for p in entry.targets]), seeds))
    table = pd.concat(tables)
    twice = table.index[table.index.duplicated()].unique()
    if len(twice):
        raise ScenarioError(f"{path}: a target is listed twice: {', '.join(twice)}")
    return table


def tally(table: pd.DataFrame) -> dict[str, int]:
    """Counts a scoreboard is judged by: targets, distinct sources (a source is its text before the first colon:
    the publisher and publication; two figures from one publication count once), validation-only targets,
    effects, targets within their intervals."""
    validate = table[table["use"] == "validate"]
    return {"targets": len(table), "sources": table["source"].str.split(":").str[0].str.strip().nunique(), "validate_only": len(validate),
            "effects": int((table["kind"] == "effect").sum()), "within": int(table["within"].sum()),
            "validate_within": int(validate["within"].sum())}
