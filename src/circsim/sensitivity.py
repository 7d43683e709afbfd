"""Sensitivity analysis of a sweep with SALib: Sobol indices and Morris screening.

Replicates (seeds) of each design point are averaged first, so the indices describe the
model's expected response; the seed-to-seed noise left in the averages shows up in the
confidence intervals.
"""

from __future__ import annotations

import os

import numpy as np
import xarray as xr

from .outputs import HEADLINE
from .scenario import ScenarioError
from .sweep import sweep
from .sweep_spec import Sweep, load_sweep


def analyse(sw: Sweep, results: xr.Dataset, outputs: list[str] | None = None) -> xr.Dataset:
    """Indices of each headline output for each varied parameter, from a finished sweep's results.

    Sobol designs give ``S1``, ``S1_conf``, ``ST``, ``ST_conf``; Morris designs ``mu_star``,
    ``mu_star_conf``, ``sigma``. Dimensions: (output, parameter).
    """
    if sw.spec.design not in ("sobol", "morris"):
        raise ScenarioError(f"{sw.source}: design = {sw.spec.design!r}: sensitivity needs design 'sobol' or 'morris'")
    outputs = outputs or [k for k in HEADLINE if k in results]
    means = results[outputs].groupby("point").mean("run")
    problem = sw.problem()
    keys = ("S1", "S1_conf", "ST", "ST_conf") if sw.spec.design == "sobol" else ("mu_star", "mu_star_conf", "sigma")
    table = {k: np.full((len(outputs), len(sw.names)), np.nan) for k in keys}
    for i, name in enumerate(outputs):
        y = means[name].values
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            continue  # undefined or constant output: no indices
        if sw.spec.design == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, seed=sw.spec.design_seed)
        else:
            from SALib.analyze import morris

            res = morris.analyze(problem, sw.design, y, seed=sw.spec.design_seed)
        for k in keys:
            table[k][i] = np.asarray(res[k], dtype=float)
    ds = xr.Dataset({k: (("output", "parameter"), v) for k, v in table.items()},
                    coords={"output": outputs, "parameter": sw.names})
    ds.attrs.update({"design": sw.spec.design, "points": len(sw.design), "seeds": len(sw.seeds),
                     "method": "SALib " + ("sobol.analyze (first order and total)" if sw.spec.design == "sobol"
                                           else "morris.analyze"),
                     "replicates": "indicators averaged over seeds per design point before analysis"})
    return ds


def sensitivity(sweep_file, out: str | os.PathLike, workers: int | None = None, scheduler: str | None = None,
                resume: bool = False, progress: bool = True, outputs: list[str] | None = None) -> xr.Dataset:
    """Run (or complete, with ``resume``) a sobol/morris sweep and return its sensitivity indices."""
    sw = sweep_file if isinstance(sweep_file, Sweep) else load_sweep(sweep_file)
    if sw.spec.design not in ("sobol", "morris"):
        raise ScenarioError(f"{sw.source}: design = {sw.spec.design!r}: sensitivity needs design 'sobol' or 'morris'")
    results = sweep(sw, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    return analyse(sw, results, outputs)


def plot_indices(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Bar charts of the indices, one panel per output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = [o for o in ds.output.values if np.isfinite(ds[list(ds.data_vars)[0]].sel(output=o)).any()]
    cols = 3
    rows = max(1, -(-len(outputs) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
    x = np.arange(ds.sizes["parameter"])
    pairs = [("S1", "S1_conf"), ("ST", "ST_conf")] if "S1" in ds else [("mu_star", "mu_star_conf")]
    for ax, name in zip(axes.flat, outputs):
        for k, (value, conf) in enumerate(pairs):
            ax.bar(x + 0.4 * k, ds[value].sel(output=name), 0.4, yerr=ds[conf].sel(output=name), label=value)
        ax.set_xticks(x + 0.2 * (len(pairs) - 1), ds.parameter.values, rotation=60, ha="right", fontsize=7)
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(outputs):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
