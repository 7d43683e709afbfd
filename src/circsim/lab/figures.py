"""The figures of a comparison (matplotlib): effects with intervals, yearly series, trips, communities, costs.

Each function draws on a new figure and returns it (the lab page shows it, a notebook displays
it, ``fig.savefig`` writes it).
"""

from __future__ import annotations

import io
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..outputs import HEADLINE
from .bench import Comparison, _band

A_COLOUR, B_COLOUR = "tab:blue", "tab:orange"


class Shown(Figure):
    """A figure outside pyplot (safe in the lab's threads, no global state) that notebooks display."""

    def _repr_png_(self) -> bytes:
        out = io.BytesIO()
        self.savefig(out, format="png", dpi=100)
        return out.getvalue()


def _figure(*args, **kwargs) -> Shown:
    return Shown(*args, **kwargs)


def plot_effects(table: pd.DataFrame, title: str = "") -> Figure:
    """Paired effects B - A with their 95 % intervals, each as a percentage of A's mean (indicators have
    different units): one row per indicator of ``table`` (:meth:`Comparison.effects`)."""
    table = table[np.isfinite(table["mean"]) & (table["a"] != 0)]
    scale = table["a"].abs() / 100.0
    y = np.arange(len(table))[::-1]
    fig = _figure(figsize=(7, 0.35 * len(table) + 1.2))
    ax = fig.subplots()
    mean, low, high = table["mean"] / scale, table["low"] / scale, table["high"] / scale
    excludes_zero = (low > 0) | (high < 0)
    ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="none", ecolor="gray", capsize=2)
    ax.scatter(mean, y, c=np.where(excludes_zero, B_COLOUR, "white"), edgecolors=B_COLOUR, zorder=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, table.index, fontsize=8)
    ax.set_xlabel("effect B - A, % of A's mean (95 % interval over seeds; filled: excludes 0)")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def _series(ax, years, values, colour, label):
    mean, low, high = _band(values)
    ax.plot(years, mean, color=colour, label=label, marker="o", ms=3)
    if values.shape[0] > 1:
        ax.fill_between(years, low, high, color=colour, alpha=0.25)


def plot_yearly(comparison: Comparison, indicators: Sequence[str], cols: int = 2) -> Figure:
    """Each indicator per calendar year for A and B: mean over seeds and its 95 % band."""
    rows = -(-len(indicators) // cols)
    fig = _figure(figsize=(5.5 * cols, 3.2 * rows))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    name_a, name_b = comparison.names
    for ax, indicator in zip(axes, indicators):
        da = comparison.yearly(indicator)
        years = da.year.values
        _series(ax, years, da.sel(scenario="a").values, A_COLOUR, f"A: {name_a}")
        _series(ax, years, da.sel(scenario="b").values, B_COLOUR, f"B: {name_b}")
        ax.set_title(f"{indicator} ({HEADLINE[indicator][0]})", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def plot_trips(comparison: Comparison) -> Figure:
    """Share of ever-migrants by number of legal trips at the end, A and B (mean over seeds)."""
    table = comparison.trips()
    x = np.arange(len(table))
    fig = _figure(figsize=(7, 3.2))
    ax = fig.subplots()
    name_a, name_b = comparison.names
    ax.bar(x - 0.2, table["a"], 0.4, color=A_COLOUR, label=f"A: {name_a}")
    ax.bar(x + 0.2, table["b"], 0.4, color=B_COLOUR, label=f"B: {name_b}")
    ax.set_xticks(x, table.index)
    ax.set_xlabel("legal trips per ever-migrant (0: irregular trips only)")
    ax.set_ylabel("share of ever-migrants")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_by_community(table: pd.DataFrame, label: str) -> Figure:
    """Per-community effects with 95 % intervals (:meth:`Comparison.by_community`), as given (``label``: x axis)."""
    y = np.arange(len(table))[::-1]
    fig = _figure(figsize=(7, 0.4 * len(table) + 1.2))
    ax = fig.subplots()
    ax.errorbar(table["mean"], y, xerr=[table["mean"] - table["low"], table["high"] - table["mean"]], fmt="o",
                color=B_COLOUR, ecolor="gray", capsize=2)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{c} ({o})" for c, o in zip(table.index, table["origin"])], fontsize=8)
    ax.set_xlabel(label)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_costs(comparison: Comparison) -> Figure:
    """Public cost of the priced instruments per calendar year, A and B (mean over seeds, 95 % band)."""
    da = comparison.cost_by_year()
    fig = _figure(figsize=(7, 3.2))
    ax = fig.subplots()
    name_a, name_b = comparison.names
    _series(ax, da.year.values, da.sel(scenario="a").values, A_COLOUR, f"A: {name_a}")
    _series(ax, da.year.values, da.sel(scenario="b").values, B_COLOUR, f"B: {name_b}")
    ax.set_ylabel("EUR per year")
    ax.set_title("Public cost of the priced instruments (circsim.costs)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def plot_sensitivity(table: pd.DataFrame, indicator: str, parameters: Sequence[str] | None = None) -> Figure:
    """The effect on ``indicator`` (95 % interval) over each parameter's values (:func:`effect_sensitivity`);
    ``parameters``: which (default: every one in the table, most influential first)."""
    parameters = list(parameters or dict.fromkeys(table["parameter"]))
    fig = _figure(figsize=(4.2 * len(parameters), 3.2))
    axes = np.atleast_1d(fig.subplots(1, len(parameters), squeeze=False)).ravel()
    for ax, name in zip(axes, parameters):
        part = table[table["parameter"] == name].sort_values("value")
        ax.errorbar(part["value"], part["mean"], yerr=[part["mean"] - part["low"], part["high"] - part["mean"]],
                    fmt="o-", color=B_COLOUR, ecolor="gray", capsize=3)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(name)
        ax.set_title(f"effect on {indicator}", fontsize=9)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
