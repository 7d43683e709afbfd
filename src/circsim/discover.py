"""Scenario discovery: under which uncertain conditions does an outcome cross a threshold?

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999) as EMA Workbench implements
it, over plain tables: the rows are runs (of a sweep) or conditions (of a candidate of an
optimisation), the columns the uncertain inputs, the case of interest ``outcome > above``
(or ``< below``). The result gives the boxes found along the peeling trajectory with their
coverage (share of all cases of interest inside the box) and density (share of the box's rows
that are cases), the limits of the chosen box as a table, and the trajectory plot::

    found = circsim.discover("results/opt", outcome="irregular_stock_end", above=900, candidate=3)
    found.limits            # DataFrame: input, low, high (restricted inputs only)
    found.trajectory        # DataFrame: coverage, density, mass, restricted dimensions
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .scenario import ScenarioError


@dataclass
class Discovery:
    """PRIM's result: the cases, the peeling trajectory, the chosen box and its limits."""

    inputs: pd.DataFrame
    cases: np.ndarray
    trajectory: pd.DataFrame
    box: int
    limits: pd.DataFrame
    coverage: float
    density: float
    description: str = ""

    def plot(self, path) -> None:
        """The peeling trajectory: density against coverage, coloured by restricted dimensions, chosen box circled."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5.5, 4.2))
        t = self.trajectory
        points = ax.scatter(t.coverage, t.density, c=t.res_dim, cmap="viridis", s=22)
        fig.colorbar(points, ax=ax, label="restricted dimensions")
        ax.scatter([self.coverage], [self.density], s=140, facecolors="none", edgecolors="tab:red",
                   label=f"chosen box {self.box}")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_title(self.description, fontsize=9)
        ax.legend(fontsize=8, loc="lower left")
        fig.tight_layout()
        fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
        plt.close(fig)


def prim(inputs: pd.DataFrame, cases, threshold: float = 0.8, peel_alpha: float = 0.05,
         mass_min: float = 0.05, description: str = "") -> Discovery:
    """PRIM over ``inputs`` (rows x uncertain inputs) with the boolean ``cases`` of interest.

    The box chosen is the last (smallest) one of the peeling trajectory whose density reaches
    ``threshold``, or the densest if none does. Raises ScenarioError if there is no case or
    every row is one (nothing to discover).
    """
    cases = np.asarray(cases, dtype=bool)
    if inputs.shape[1] == 0:
        raise ScenarioError("discover: no uncertain inputs to explain the outcome with")
    if not cases.any() or cases.all():
        share = "no row" if not cases.any() else "every row"
        raise ScenarioError(f"discover: {share} of {len(cases)} is a case of interest; choose another threshold")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim as ema_prim

        finder = ema_prim.Prim(inputs.reset_index(drop=True).astype(float), cases, threshold=threshold,
                               peel_alpha=peel_alpha, mass_min=mass_min)
        box = finder.find_box()
    trajectory = box.peeling_trajectory.copy()
    reaching = trajectory.index[trajectory.density >= threshold]
    chosen = int(reaching[-1]) if len(reaching) else int(trajectory.density.idxmax())
    lims = box.box_lims[chosen]
    full = finder.box_init
    rows = []
    for name in inputs.columns:
        low, high = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        if low > float(full[name].iloc[0]) or high < float(full[name].iloc[1]):
            rows.append({"input": name, "low": low, "high": high,
                         "range_low": float(full[name].iloc[0]), "range_high": float(full[name].iloc[1])})
    limits = pd.DataFrame(rows, columns=["input", "low", "high", "range_low", "range_high"])
    row = trajectory.loc[chosen]
    return Discovery(inputs, cases, trajectory, chosen, limits, float(row.coverage), float(row.density), description)


def _table(source, outcome: str, candidate: int | None) -> tuple[pd.DataFrame, np.ndarray, str]:
    """(uncertain inputs, outcome values, what they are) of a sweep store, an optimisation store or dataset."""
    if isinstance(source, pd.DataFrame):
        if outcome not in source.columns:
            raise ScenarioError(f"--outcome {outcome}: not a column of the table ({', '.join(source.columns)})")
        return source.drop(columns=[outcome]), source[outcome].to_numpy(float), "table"
    if isinstance(source, (str, Path)):
        path = Path(source)
        if (path / "results.nc").is_file():
            source = xr.open_dataset(path / "results.nc", engine="h5netcdf").load()
        elif path.is_dir():
            try:
                source = xr.open_zarr(str(path), consolidated=False).load()
            except Exception:  # anything zarr cannot read
                raise ScenarioError(f"{path}: neither a sweep's Zarr store nor an optimisation's store") from None
        else:
            raise ScenarioError(f"{path}: no such store (a sweep's Zarr store or an optimisation's folder)")
    ds = source
    if "values" in ds and "indicator" in ds.dims:  # an optimisation (or an ensemble)
        if outcome not in ds.indicator.values:
            raise ScenarioError(f"--outcome {outcome}: not an indicator of the store")
        names = list(ds.attrs.get("uncertainties", []))
        if not names:
            raise ScenarioError("discover: the optimisation has no uncertain conditions ([robustness] table)")
        if candidate is None:
            front = np.flatnonzero(ds.front.values)
            candidate = int(front[0]) if len(front) else 0
        if not 0 <= candidate < ds.sizes["candidate"]:
            raise ScenarioError(f"--candidate {candidate}: must be from 0 to {ds.sizes['candidate'] - 1}")
        levers = ", ".join(f"{n} = {float(ds[n][candidate]):.3g}" for n in ds.attrs["levers"])
        inputs = pd.DataFrame({n: ds[n].values for n in names})
        y = ds["values"].sel(candidate=candidate, indicator=outcome).values
        return inputs, y, f"candidate {candidate} ({levers})"
    if "done" in ds and "run" in ds.dims:  # a sweep
        if outcome not in ds:
            raise ScenarioError(f"--outcome {outcome}: not an indicator of the sweep")
        done = ds.done.values.astype(bool)
        names = list(ds.attrs.get("uncertainties", [])) or list(json.loads(ds.attrs.get("keys", "{}")))
        names = [n for n in (names if isinstance(names, list) else [names])]
        inputs = pd.DataFrame({n: ds[n].values[done] for n in names})
        return inputs, ds[outcome].values[done], f"sweep {json.loads(ds.attrs['sweep'])['name']}"
    raise ScenarioError("discover: the source is neither a sweep's nor an optimisation's results")


def discover(source, outcome: str, above: float | None = None, below: float | None = None,
             candidate: int | None = None, threshold: float = 0.8, peel_alpha: float = 0.05,
             mass_min: float = 0.05) -> Discovery:
    """Scenario discovery on a sweep's Zarr store, an optimisation's store (folder), a results
    dataset, or a DataFrame: PRIM finds the inputs' box where ``outcome > above`` (or ``< below``).

    For an optimisation the rows are the conditions of ``candidate`` (default: the first on
    the front). Returns a :class:`Discovery`.
    """
    if (above is None) == (below is None):
        raise ScenarioError("discover: give one of --above or --below")
    if not 0 < threshold <= 1:
        raise ScenarioError(f"--threshold {threshold}: must be above 0 and at most 1")
    if not 0 < peel_alpha < 0.5:
        raise ScenarioError(f"--peel-alpha {peel_alpha}: must be above 0 and below 0.5")
    inputs, y, what = _table(source, outcome, candidate)
    cases = (y > above) if above is not None else (y < below)
    text = f"{what}: {outcome} {'>' if above is not None else '<'} {above if above is not None else below:g}"
    return prim(inputs, cases & np.isfinite(y), threshold, peel_alpha, mass_min, text)
