"""Two scenarios run over the same seeds (common random numbers), kept whole for a paper's figures.

:func:`compare` runs A and B once per seed and keeps each run's dataset and the number of legal
trips of every ever-migrant at the end. From a :class:`Comparison`:

* :meth:`Comparison.effects` — the paired effect B - A on each headline indicator with its 95 %
  interval over seeds, computed as :func:`circsim.compare_seeds` computes it (the same numbers);
* :meth:`Comparison.costs` — the same for the public cost indicators (:mod:`circsim.costs`);
* :meth:`Comparison.yearly` — an indicator per calendar year (:func:`circsim.outputs.headline_by_year`);
* :meth:`Comparison.trips` — ever-migrants by number of legal trips;
* :meth:`Comparison.by_community` — a per-community outcome, its paired effect and interval.

:func:`effect_sensitivity` reruns :func:`circsim.compare_seeds` with uncertain parameters at the ends of
their ranges, to see how much the answer depends on them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from .. import costs as _costs
from ..api import _scenario, compare_seeds
from ..engine import ResolutionWarning, Simulation
from ..outputs import HEADLINE, headline_of, summarise
from ..scenario import Scenario
from ..state import EXITED, F_EVER_MIGRATED

#: trips shown separately in the distribution; the last bin holds this many or more
TRIPS_MAX = 10

#: headline indicators a policy reader looks at first (the lab's short table)
KEY_INDICATORS = [
    "overstay_rate", "overstay_rate_seasonal", "return_rate", "repeat_participation", "circular_share", "mean_trips",
    "irregular_stock_end", "irregular_entries_per_year", "enforced_return_rate", "seasonal_departures_per_year",
    "departures_per_year", "shortage_rate_seasonal", "lost_offer_rate", "mean_wait_months", "brain_drain_rate",
    "skilled_returns_per_year", "long_term_residents_end", "circular_stays_per_year", "remittances_total",
    "household_income_per_year",
]


def _trips(sim: Simulation) -> np.ndarray:
    """Ever-migrants alive at the end by legal trips (0 .. TRIPS_MAX or more), in real persons."""
    p = sim.persons
    keep = (p.status != EXITED) & ((p.flags & F_EVER_MIGRATED) != 0)
    counts = np.bincount(np.minimum(p.trips[keep], TRIPS_MAX), minlength=TRIPS_MAX + 1)
    return counts * sim.scenario.scale


def run_kept(scenario: Scenario, seed: int) -> tuple[xr.Dataset, np.ndarray]:
    """One run: its dataset (as :func:`circsim.run` returns it) and its trips distribution."""
    sim = Simulation(scenario, seed)
    return sim.run(), _trips(sim)


def _paired(rows_a: list[dict], rows_b: list[dict]) -> pd.DataFrame:
    """Columns a, b (means), mean, low, high, sd, n of B - A: compare_seeds' table, from its rows."""
    out = summarise([{k: hb[k] - ha[k] for k in ha} for ha, hb in zip(rows_a, rows_b)])
    out.insert(0, "b", summarise(rows_b)["mean"])
    out.insert(0, "a", summarise(rows_a)["mean"])
    return out


def _band(values: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and t-interval over the first axis (seeds), NaN-aware."""
    from scipy import stats

    n = np.sum(np.isfinite(values), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        sd = np.nanstd(values, axis=0, ddof=1)
        half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    return mean, mean - half, mean + half


@dataclass
class Comparison:
    """Runs of A and B paired by seed."""

    a: Scenario
    b: Scenario
    seeds: list[int]
    runs_a: list[xr.Dataset] = field(repr=False)
    runs_b: list[xr.Dataset] = field(repr=False)
    trips_a: np.ndarray = field(repr=False)   # [seed, trips]
    trips_b: np.ndarray = field(repr=False)

    @property
    def names(self) -> tuple[str, str]:
        return self.a.name, self.b.name

    def effects(self, indicators: Sequence[str] | None = None) -> pd.DataFrame:
        """Mean of A and B and the paired effect B - A with its 95 % interval, per headline indicator."""
        table = _paired([headline_of(ds) for ds in self.runs_a], [headline_of(ds) for ds in self.runs_b])
        table.insert(0, "unit", [HEADLINE[k][0] for k in table.index])
        return table if indicators is None else table.loc[list(indicators)]

    def costs(self, nonzero: bool = True) -> pd.DataFrame:
        """The same table for the public cost indicators (EUR per recorded year); ``nonzero``: only costs
        that A or B incurs."""
        table = _paired([_costs.cost_indicators(ds) for ds in self.runs_a],
                        [_costs.cost_indicators(ds) for ds in self.runs_b])
        table.insert(0, "unit", "EUR/year")
        return table[(table["a"] != 0) | (table["b"] != 0)] if nonzero else table

    def cost_by_year(self) -> xr.DataArray:
        """Public cost of all priced instruments, EUR by scenario (a, b), seed and calendar year."""
        def one(runs):
            return xr.concat([_costs.costs(ds).sum("instrument") for ds in runs], dim="seed")
        return xr.concat([one(self.runs_a), one(self.runs_b)], dim="scenario").assign_coords(
            scenario=["a", "b"], seed=self.seeds).rename("cost")

    def yearly(self, indicator: str) -> xr.DataArray:
        """A headline indicator per calendar year: dims scenario (a, b), seed, year."""
        def one(runs):
            return xr.concat([ds[f"{indicator}_by_year"] for ds in runs], dim="seed")
        return xr.concat([one(self.runs_a), one(self.runs_b)], dim="scenario").assign_coords(
            scenario=["a", "b"], seed=self.seeds).rename(indicator)

    def trips(self) -> pd.DataFrame:
        """Share of ever-migrants by legal trips at the end (rows: trips, last ``TRIPS_MAX`` or more), mean over
        seeds, for A and B."""
        index = [str(k) for k in range(TRIPS_MAX)] + [f"{TRIPS_MAX}+"]
        share = lambda t: (t / t.sum(axis=1, keepdims=True)).mean(axis=0)  # noqa: E731
        return pd.DataFrame({"a": share(self.trips_a), "b": share(self.trips_b)}, index=pd.Index(index, name="trips"))

    def by_community(self, variable: str = "household_income", relative: bool = True) -> pd.DataFrame:
        """A per-community record summed over the recorded years, per year: A and B means and the paired effect
        (relative to A's value of the same seed when ``relative``) with its 95 % interval, per community."""
        def values(ds):
            years = ds.sizes["time"] / 12.0
            return ds[variable].sum("time").values / years
        va = np.array([values(ds) for ds in self.runs_a])
        vb = np.array([values(ds) for ds in self.runs_b])
        diff = (vb - va) / np.where(va != 0, va, np.nan) if relative else vb - va
        mean, low, high = _band(diff)
        ds0 = self.runs_a[0]
        return pd.DataFrame({"origin": ds0.community_origin.values, "a": va.mean(0), "b": vb.mean(0),
                             "mean": mean, "low": low, "high": high},
                            index=pd.Index(ds0.community.values, name="community"))


def compare(a: Scenario | str, b: Scenario | str, seeds: Iterable[int],
            progress: Callable[[int, int], None] | None = None) -> Comparison:
    """Run A and B with each seed (common random numbers); ``progress(done, total)`` after each run."""
    sa, sb = _scenario(a), _scenario(b)
    seeds = [int(k) for k in seeds]
    runs: dict[str, list] = {"a": [], "b": []}
    total = 2 * len(seeds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)  # small worlds are the point of a quick look
        for i, seed in enumerate(seeds):
            for j, (name, s) in enumerate((("a", sa), ("b", sb))):
                runs[name].append(run_kept(s, seed))
                if progress is not None:
                    progress(2 * i + j + 1, total)
    return Comparison(sa, sb, seeds, [r[0] for r in runs["a"]], [r[0] for r in runs["b"]],
                      np.array([r[1] for r in runs["a"]]), np.array([r[1] for r in runs["b"]]))


def effect_sensitivity(a: Scenario, b: Scenario, uncertain: Mapping[str, Sequence[float]], seeds: Iterable[int],
                       indicator: str) -> pd.DataFrame:
    """The effect of B against A on ``indicator`` (paired, 95 % interval: :func:`circsim.compare_seeds`) with each
    uncertain parameter set, in both scenarios, to each of its values (the others at the scenario's own).

    ``uncertain``: parameter name (set for every entity of its scope) or dotted key -> values.
    Returns one row per (parameter, value): mean, low, high of the effect, and ``spread``: the range of
    the effect's mean over that parameter's values (the larger, the more the answer depends on it).
    """
    rows = []
    seeds = list(seeds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        for key, values in uncertain.items():
            for value in values:
                table = compare_seeds(a.replace(**{key: value}), b.replace(**{key: value}), seeds)
                row = table.loc[indicator]
                rows.append({"parameter": key, "value": value, "mean": row["mean"], "low": row["low"],
                             "high": row["high"]})
    out = pd.DataFrame(rows)
    out["spread"] = out.groupby("parameter")["mean"].transform(lambda m: m.max() - m.min())
    return out.sort_values(["spread", "parameter", "value"], ascending=[False, True, True]).reset_index(drop=True)


def uncertain_range(name: str, points: int = 3, within: tuple[float, float] | None = None) -> list[float]:
    """``points`` values spread over a parameter's declared range (or ``within`` it), ends included."""
    from ..scenario import BY_NAME

    p = BY_NAME[name.rsplit(".", 1)[-1]]
    lo, hi = within if within is not None else (p.lo, p.hi)
    if not p.lo <= lo < hi <= p.hi:
        raise ValueError(f"{name}: {lo:g} to {hi:g} is not within its declared range {p.range_text}")
    values = np.linspace(lo, hi, points)
    return [int(round(v)) for v in values] if p.integer else [float(v) for v in values]


def in_words(table: pd.DataFrame, name_b: str) -> list[str]:
    """One sentence per row of an effects table: the direction, if the 95 % interval excludes zero."""
    lines = []
    for name, r in table.iterrows():
        if not np.isfinite(r["mean"]):
            lines.append(f"{name}: not defined in these runs")
            continue
        verb = "raises" if r["low"] > 0 else "lowers" if r["high"] < 0 else "has no effect distinguishable from 0 on"
        lines.append(f"{name_b} {verb} {name}: {r['a']:.4g} -> {r['b']:.4g}, effect {r['mean']:+.4g} "
                     f"(95 % {r['low']:+.4g} to {r['high']:+.4g})")
    return lines
