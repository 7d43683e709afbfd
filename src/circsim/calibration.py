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
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .api import _scenario
from .engine import Simulation
from .outputs import HEADLINE, headline, headline_of, summarise
from .scenario import Scenario, ScenarioError, load_scenario, parameter_of
from .scenario.errors import from_validation
from .scenario.files import read_toml
from .scenario.limits import SEED_MAX, SEEDS_MAX
from .writing import make_folder

_STRICT = ConfigDict(extra="forbid")


def _travel_share(ds) -> float:
    approved = float(ds.approvals.sel(channel="seasonal").sum())
    return float(ds.departures.sel(channel="seasonal").sum()) / approved if approved else float("nan")


def _remittance_per_worker_month(ds) -> float:
    worker_months = float(ds.stock.sel(status=["seasonal", "temporary"]).sum())
    return float(ds.remittances.sum()) / worker_months if worker_months else float("nan")


#: statistics of a run besides the headline indicators: name -> (function of the dataset, unit)
STATISTICS = {
    "travel_share": (_travel_share, "seasonal departures / seasonal approvals"),
    "remittance_per_worker_month": (_remittance_per_worker_month, "EUR remitted per month worked abroad"),
}


class Target(BaseModel):
    model_config = _STRICT
    name: str
    output: str
    observed: float
    interval: tuple[float, float]
    source: str
    firmness: str = ""
    use: Literal["fit", "validate"] = "fit"
    #: an effect target: the paired difference (same seeds: common random numbers) of ``output`` between the
    #: scenario with these overrides and the scenario itself; a level target without it
    variant: dict[str, float | int | str] | None = None

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


class ABC(BaseModel):
    model_config = _STRICT
    population_size: int = Field(default=100, ge=5)
    generations: int = Field(default=5, ge=1)
    seed: int = 0


class CalibrationConfig(BaseModel):
    model_config = _STRICT
    scenario: str
    targets: list[str] = Field(min_length=1)
    seeds: list[Annotated[int, Field(ge=0, le=SEED_MAX)]] = Field(default_factory=lambda: [1, 2, 3], min_length=1,
                                                                   max_length=SEEDS_MAX)
    persons: int | None = None
    years: int | None = None
    calibrated_name: str | None = None
    transfer_to: str | None = None          # another scheme's scenario: receives the calibrated behaviour
    transfer_targets: list[str] = Field(default_factory=list)
    free: list[Free] = Field(min_length=1)
    smm: SMM = Field(default_factory=SMM)
    abc: ABC = Field(default_factory=ABC)


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
            targets.append(t)
    return targets


def model_values(ds, targets: list[Target]) -> dict[str, float]:
    """The model's value of each target's output in one run's dataset."""
    h = headline_of(ds) if all(k in ds for k in HEADLINE) else headline(ds)  # a run's dataset holds them
    return {t.name: h[t.output] if t.output in h else STATISTICS[t.output][0](ds) for t in targets}


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
            row.update({t.name: after[t.name] - before[t.name] for t in group})
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


class Calibration:
    """A loaded config: the scenario, its targets and free parameters, ready to evaluate."""

    def __init__(self, config: str | os.PathLike | CalibrationConfig, folder: Path | None = None):
        if isinstance(config, CalibrationConfig):
            self.config, self.folder, where = config, folder or Path.cwd(), "calibration"
        else:
            path = Path(config)
            self.config, self.folder, where = _read(path, CalibrationConfig), path.parent, str(path)
        c = self.config
        keywords = {k: v for k, v in (("persons", c.persons), ("years", c.years)) if v is not None}
        self.scenario = load_scenario(c.scenario, **keywords)
        self.targets = load_targets([self.folder / p for p in c.targets])
        for t in self.targets:
            if t.variant is not None:
                try:
                    self.scenario.replace(**t.variant)
                except ScenarioError as exc:
                    raise ScenarioError(f"{where}: target {t.name}: variant {t.variant}: {exc}") from None
        for i, f in enumerate(c.free):
            p, _ = parameter_of(self.scenario.data, f.key, f"{where}: free[{i}].key = {f.key!r}")
            if not (p.lo <= f.bounds[0] < f.bounds[1] <= p.hi):
                raise ScenarioError(f"{where}: free[{i}] ({f.key}): bounds {list(f.bounds)} must lie within "
                                    f"{p.range_text}, low below high")

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.config.free]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [tuple(f.bounds) for f in self.config.free]

    def with_values(self, x) -> Scenario:
        return self.scenario.replace(**dict(zip(self.keys, map(float, x))))

    def objective(self, x) -> float:
        """Distance of the model (mean over the config's seeds) at parameter values ``x``."""
        return distance(simulate(self.with_values(x), self.config.seeds, self.targets).mean().to_dict(), self.targets)


def smm(cal: Calibration) -> dict:
    """Simulated method of moments by differential evolution; returns values and distance."""
    from scipy.optimize import differential_evolution

    s = cal.config.smm
    res = differential_evolution(cal.objective, cal.bounds, maxiter=s.maxiter, popsize=s.popsize, seed=s.seed,
                                 polish=False, tol=0.0, updating="deferred")
    return {"method": "smm", "values": dict(zip(cal.keys, map(float, res.x))), "distance": float(res.fun),
            "evaluations": int(res.nfev)}


def abc(cal: Calibration, db: Path, client=None) -> dict:
    """ABC-SMC with pyabc (uniform priors on the bounds); posterior means and the weighted sample."""
    import pyabc

    names = [f"p{j}" for j in range(len(cal.keys))]
    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in zip(names, cal.bounds)})
    fit = [t for t in cal.targets if t.use == "fit"]

    def model(par):
        means = simulate(cal.with_values([par[n] for n in names]), cal.config.seeds, fit).mean()
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


def overlay_text(base: str, values: dict[str, float], name: str, method: str) -> str:
    """A scenario file that extends ``base`` and sets the calibrated values (bare dotted keys)."""
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
        rows.append({"target": t.name, "kind": t.kind, "use": t.use, "output": t.output, "observed": t.observed,
                     "low": t.interval[0], "high": t.interval[1], "model": m["mean"], "model_low": m["low"],
                     "model_high": m["high"], "within": bool(t.interval[0] <= m["mean"] <= t.interval[1]),
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
    """Run a calibration; write the overlay scenario, the report (CSV, PNG) and, for ABC, the posterior.

    ``out``: the results folder (default ``calibration/results/<scenario>-<method>`` next to
    the config). ``bundle``: also install the overlay in the bundled scenarios so that
    ``circsim run <calibrated_name>`` works. Returns the result dict (values, distance, table).
    """
    if method not in METHODS:
        raise ScenarioError(f"--method {method}: must be one of {', '.join(METHODS)}")
    cal = Calibration(config)
    name = cal.config.calibrated_name or f"{cal.config.scenario}_calibrated"
    out = Path(out) if out is not None else cal.folder / "results" / f"{cal.config.scenario}-{method}"
    make_folder(out, "--out")
    if method == "smm":
        result = smm(cal)
    else:
        result = abc(cal, out / "abc.db", client=client)
        result["sample"].to_csv(out / "posterior.csv", index=False)
        del result["sample"]
    text = overlay_text(cal.config.scenario, result["values"], name, method)
    (out / f"{name}.toml").write_text(text)
    if bundle:
        from .scenario.loader import BUNDLED

        (BUNDLED / f"{name}.toml").write_text(text)
    table = report(cal.with_values(list(result["values"].values())), cal.targets, report_seeds)
    table.to_csv(out / "report.csv")
    plot_report(table, out / "report.png", f"{name} ({method}) against its targets")
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
    behaviour = {k: v for k, v in result["values"].items() if k.startswith("behaviour.")}
    name = f"{target}_transfer"
    text = overlay_text(target, behaviour, name, result["method"] + ", behaviour from " + cal.config.scenario)
    (out / f"{name}.toml").write_text(text)
    if bundle:
        from .scenario.loader import BUNDLED

        (BUNDLED / f"{name}.toml").write_text(text)
    scenario = load_scenario(target).replace(**behaviour)
    table = report(scenario, load_targets([cal.folder / p for p in cal.config.transfer_targets]), seeds)
    table.to_csv(out / "report_transfer.csv")
    plot_report(table, out / "report_transfer.png", f"{name}: behaviour calibrated on {cal.config.scenario}")
    return table
