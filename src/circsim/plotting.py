"""Figures of a run (or of several seeds: median line, 5-95 % band)."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402

#: file name endings a figure may have (the formats matplotlib writes)
FIGURE_SUFFIXES = tuple(f".{kind}" for kind in FigureCanvasBase.get_supported_filetypes())

ABROAD = ["seasonal", "temporary", "highly_skilled", "student", "researcher", "trainee", "long_term", "irregular"]


def _band(ax, da: xr.DataArray, label: str) -> None:
    if "seed" in da.dims and da.sizes["seed"] > 1:
        mid = da.median("seed")
        ax.fill_between(da.time.values, da.quantile(0.05, "seed").values, da.quantile(0.95, "seed").values, alpha=0.25)
        ax.plot(da.time.values, mid.values, label=label)
    else:
        ax.plot(da.time.values, da.squeeze().values, label=label)


def plot_run(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Four panels: stocks abroad by status, departures by channel, returns by reason, vacancies filled."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    ax = axes[0, 0]
    for status in ABROAD:
        _band(ax, ds.stock.sel(status=status).sum(["origin", "destination"]), status)
    ax.set_title("Persons abroad by status")
    ax = axes[0, 1]
    yearly = ds.departures.resample(time="YS").sum()
    for channel in ds.channel.values:
        _band(ax, yearly.sel(channel=channel).sum(["origin", "destination"]), str(channel))
    ax.set_title("Departures per year by channel")
    ax = axes[1, 0]
    yearly = ds.returns.resample(time="YS").sum()
    for reason in ds.reason.values:
        _band(ax, yearly.sel(reason=reason).sum(["origin", "destination"]), str(reason))
    ax.set_title("Returns per year by reason")
    ax = axes[1, 1]
    for name in ("filled_rehire", "filled_new", "filled_irregular", "unfilled"):
        _band(ax, ds[name].resample(time="YS").sum().sum(["destination", "sector"]), name.replace("_", " "))
    ax.set_title("Positions at job start per year")
    for ax in axes.flat:
        ax.legend(fontsize=8)
        ax.set_ylabel("persons")
        ax.grid(alpha=0.3)
    fig.suptitle(f"circsim — {ds.attrs.get('scenario_name', '')}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
