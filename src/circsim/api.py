"""The plain functions: one run, several seeds, two scenarios compared with common random numbers."""

from __future__ import annotations

from typing import Iterable

import pandas as pd
import xarray as xr

from .engine import Simulation
from .outputs import headline_of, summarise
from .scenario import Scenario, load_scenario
from .scenario.limits import SEED_MAX, check_int


def _scenario(scenario: Scenario | str) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def run(scenario: Scenario | str = "baseline", seed: int = 0, progress: bool = False) -> xr.Dataset:
    """Run ``scenario`` (object, bundled name or path) once with ``seed`` (0 to 2**63 - 1); returns the Dataset."""
    return Simulation(_scenario(scenario), check_int(seed, 0, SEED_MAX, "seed")).run(progress=progress)


def run_seeds(scenario: Scenario | str, seeds: Iterable[int], progress: bool = False) -> tuple[list[xr.Dataset], pd.DataFrame]:
    """Run once per seed; returns the datasets and the headline summary (mean and 95 % interval)."""
    s = _scenario(scenario)
    datasets = [run(s, seed, progress=progress) for seed in seeds]
    return datasets, summarise([headline_of(ds) for ds in datasets])


def compare_seeds(a: Scenario | str, b: Scenario | str, seeds: Iterable[int]) -> pd.DataFrame:
    """Effect of B against A on each headline indicator, paired by seed (common random numbers).

    Returns mean difference B - A with its 95 % interval over seeds, and each scenario's mean.
    """
    sa, sb = _scenario(a), _scenario(b)
    rows, rows_a, rows_b = [], [], []
    for seed in seeds:
        ha, hb = headline_of(run(sa, seed)), headline_of(run(sb, seed))
        rows.append({k: hb[k] - ha[k] for k in ha})
        rows_a.append(ha)
        rows_b.append(hb)
    out = summarise(rows)
    out.insert(0, "b", summarise(rows_b)["mean"])
    out.insert(0, "a", summarise(rows_a)["mean"])
    return out


def experiment(scenario: Scenario | str = "baseline", seed: int = 0, posterior=None, draw: int = 0,
               **params) -> dict[str, float]:
    """A run as a plain function: keyword parameters in, headline indicators (a dict) out.

    ``params`` are run keys (``persons=5000``), parameter names set for every entity of their
    scope (``readmission_cooperation=0.8``) or dotted keys (``**{"origins.Morocco.border_control":
    0.4}``). With ``posterior`` (a ``posterior.csv``, its folder, or a loaded
    :class:`circsim.posterior.Posterior`), parameter set number ``draw`` of its multinomial
    resampling with seed 0 is applied first (keys the scenario lacks are skipped), then ``params``:
    draw ``k`` is the same set whatever else is asked, and the same as draw ``k`` of
    ``compare_posterior(..., draw_seed=0)`` (:func:`circsim.posterior.draw_scenario`).
    Meant for tools that call a model as a function (EMA Workbench, SALib, optimisers)::

        from ema_workbench import Model, RealParameter, ScalarOutcome
        model = Model("circsim", function=circsim.experiment)
        model.uncertainties = [RealParameter("readmission_cooperation", 0.0, 1.0)]
        model.outcomes = [ScalarOutcome("irregular_stock_end")]
    """
    base = _scenario(scenario)
    if posterior is not None:
        from .posterior import draw_scenario

        base = draw_scenario(base, posterior, draw)
    return headline_of(run(base.replace(**params) if params else base, seed))
