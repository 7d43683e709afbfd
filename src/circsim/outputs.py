"""Outputs: records to an ``xarray.Dataset``, headline indicators, safe NetCDF writing, ensembles."""

from __future__ import annotations

import json
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .phases.common import DURATION_BINS
from .records_spec import RECORDS, UNSCALED
from .writing import move_into_place
from .state import AT_HOME, CHANNEL_NAMES, REASON_NAMES, STATUS_NAMES

try:
    __version__ = version("circsim")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

AT_HOME_NAMES = tuple(STATUS_NAMES[k] for k in AT_HOME)

#: departure channels that are not first non-seasonal permits (the family share's denominator leaves them out)
NOT_FIRST_PERMITS = ["seasonal", "irregular", "long_term"]

#: headline indicator -> (unit, description)
HEADLINE = {
    "overstay_rate": ("share", "Overstays / allowed stays that ended, all channels"),
    "overstay_rate_seasonal": ("share", "Overstays / seasonal stays that ended"),
    "overstay_rate_other": ("share", "Overstays / non-seasonal legal stays that ended (temporary, skilled, study, research, training)"),
    "return_rate": ("share", "Returns at the end of an allowed stay / allowed stays that ended"),
    "repeat_participation": ("share", "Seasonal departures by workers with an earlier seasonal stay / all seasonal departures"),
    "first_timer_return_next_season": ("share", "First-season workers who came back the next season (last season's cohort excluded)"),
    "circular_share": ("share", "Ever-migrants with two or more legal trips, at the end"),
    "mean_trips": ("trips", "Legal trips per ever-migrant, at the end"),
    "irregular_stock_end": ("persons", "Irregular persons abroad at the end"),
    "shortage_rate": ("share", "Unfilled positions / vacancies at job start, all markets"),
    "shortage_rate_seasonal": ("share", "Unfilled positions / vacancies at job start, seasonal markets"),
    "shortage_rate_all_year": ("share", "Unfilled positions / vacancies at job start, all-year labour markets (temporary work)"),
    "remittances_total": ("EUR", "Remittances received over the run"),
    "seasonal_departures_per_year": ("persons/year", "Seasonal departures per year"),
    "irregular_entries_per_year": ("persons/year", "Irregular entries per year"),
    "enforced_return_rate": ("share", "Return decisions carried out by removal / return decisions issued (one decision "
                                      "per irregular episode)"),
    "decisions_left_rate": ("share", "Return decisions after which the person left, removed or on their own (verified "
                                     "or not) / return decisions issued"),
    "lost_offer_rate": ("share", "Job offers lost to visa delays / applications filed"),
    "mean_wait_months": ("months", "Mean wait of decided applications"),
    "brain_drain_rate": ("share", "Skilled abroad / all skilled, at the end"),
    "businesses_started_total": ("businesses", "Businesses started by returnees over the run"),
    "skilled_returns_per_year": ("persons/year", "Returns home of skilled (tertiary) persons per year"),
    "highly_skilled_returns_per_year": ("persons/year", "Returns home of highly skilled workers per year"),
    "long_term_residents_end": ("persons", "Long-term residents at the end (abroad or on a stay at home)"),
    "circular_stays_per_year": ("stays/year", "Stays of long-term residents in the origin country per year"),
    "ltr_comebacks_per_year": ("persons/year", "Long-term residents back from a stay in the origin country per year"),
    "ltr_granted_per_year": ("persons/year", "Long-term resident status granted per year"),
    "family_reunified_per_year": ("persons/year", "Family members who joined a legal resident abroad per year"),
    "family_share_first_permits": ("share", "Family members joining / (family members joining + legal departures on a "
                                            "non-seasonal permit): the family share of first non-seasonal permits"),
    "regularisations_total": ("persons", "Irregular persons regularised over the run"),
    "departures_per_year": ("persons/year", "Legal departures per year, all channels"),
    "household_income_per_year": ("EUR/year", "Income of households at home per year (earnings at home, yield of "
                                              "remittance-bought assets, remittances received)"),
    "prevalence_end": ("share", "Migration prevalence: members of the communities who have ever migrated / all, at the end"),
    "businesses_alive_end": ("businesses", "Returnee businesses whose owner is at home, at the end"),
    "business_jobs_end": ("jobs", "Jobs for other community members in returnee businesses, at the end"),
    "returnee_earnings_premium": ("share", "Returnees' expected earnings at home / the community's for the inexperienced, "
                                           "minus 1 (over the recorded months)"),
    "unemployment_end": ("share", "Unemployed / persons at home, at the end"),
    "withdrawal_share": ("share", "Selected persons who withdrew at the job start / selected persons at their job "
                                  "start, seasonal and temporary work"),
    "over_request_ratio": ("ratio", "Places requested over the recruitment rounds / vacancies at job start, "
                                    "seasonal markets"),
    "recruitment_rounds_per_year": ("rounds/year", "Months in which a seasonal market's employers requested places, "
                                                   "per market and year"),
    "employer_change_share": ("share", "Departures to another employer than the last / departures of persons with "
                                       "a former employer"),
    "noncompliant_share": ("share", "Employers willing to hire irregular workers / employers deciding at job starts, "
                                    "seasonal and temporary work"),
    "inspections_per_year": ("employers/year", "Employers visited by labour inspectors per year"),
    "sanctions_per_year": ("employers/year", "Employers found with irregular workers (fined, excluded) per year"),
    "irregular_found_per_year": ("persons/year", "Irregular workers found by labour inspections per year"),
    "domestic_share_seasonal": ("share", "Places taken by domestic and EU workers ahead of third-country workers / all "
                                         "places at the season's start (Community preference), seasonal markets"),
    "reassigned_share": ("share", "New recruits re-placed at job start from an employer with a surplus to one "
                                  "still short / legal positions filled at job start, seasonal and temporary work"),
}


def _coords(sim) -> dict:
    s = sim.scenario
    return {
        "status": STATUS_NAMES, "origin": s.origins, "destination": s.destinations + ["none"],
        "channel": CHANNEL_NAMES, "reason": REASON_NAMES,
        "community": [c for _, c in s.communities], "sector": s.sectors, "duration": np.arange(DURATION_BINS),
    }


def _market_channels(s, n_dest: int, n_sector: int, sector_of: list[int]) -> np.ndarray:
    """The channel each (destination, sector) recruits through, by name ('' where there is no such market)."""
    out = np.full((n_dest, n_sector), "", dtype=object)
    for m, (d, sector) in enumerate(s.markets):
        out[d, sector_of[m]] = CHANNEL_NAMES[s.data["destinations"][s.destinations[d]]["sectors"][sector]["channel"]]
    return out.astype(str)


def to_dataset(sim) -> xr.Dataset:
    """The simulation's recorded months as a Dataset weighted by ``scale`` (real persons, EUR)."""
    s = sim.scenario
    first, last = s.burn_in_months, max(sim.t, s.burn_in_months)
    time = pd.date_range(s.data["start"] + "-01", periods=last - first, freq="MS")
    coords = _coords(sim)
    n_dest, n_sector = len(s.destinations) + 1, len(s.sectors)
    sector_of = [s.sectors.index(name) for _, name in s.markets]
    data_vars = {}
    for name, (dims, unit, description) in RECORDS.items():
        values = getattr(sim.records, name)[first:last] * (1.0 if name in UNSCALED else s.scale)
        if dims == ("market",):
            grid = np.full((values.shape[0], n_dest, n_sector), np.nan)
            for m, (d, _) in enumerate(s.markets):
                grid[:, d, sector_of[m]] = values[:, m]
            values, dims = grid, ("destination", "sector")
        data_vars[name] = (("time", *dims), values, {"units": unit, "description": description})
    ds = xr.Dataset(data_vars, coords={"time": time, **coords})
    ds.coords["community_origin"] = ("community", [s.origins[o] for o, _ in s.communities])
    decided = (ds.approvals + ds.refusals).sum("channel")
    # variables are added a batch at a time: each Dataset.update aligns and copies the whole dataset
    ds.update({
        "mean_wait_months": (ds.wait_months_total / decided.where(decided > 0)).assign_attrs(
            units="months", description="Mean wait of the applications decided this month"),
        "brain_drain_rate": (ds.skilled_abroad / (ds.skilled_abroad + ds.skilled_home).where(lambda x: x > 0)).assign_attrs(
            units="share", description="Skilled abroad / all skilled"),
    })
    ds.coords["market_channel"] = (("destination", "sector"), _market_channels(s, n_dest, n_sector, sector_of))
    span = windows(ds)
    ds.update({key: xr.DataArray(value, attrs={"units": HEADLINE[key][0], "description": HEADLINE[key][1],
                                               "headline": 1, "window": span[key]})
               for key, value in headline(ds).items()})
    ds.update({f"{key}_by_year": series for key, series in headline_by_year(ds).data_vars.items()})
    ds.attrs.update({
        "title": f"circsim run of scenario {s.name}",
        "scenario_name": s.name, "scenario": s.to_json(), "scenario_source": str(s.source),
        "seed": sim.seed, "circsim_version": __version__, "scale": s.scale, "persons": s.persons,
        "population": s.data["population"], "burn_in_months": s.burn_in_months,
        "conventions": "counts are real persons (agents x scale); money in EUR",
    })
    return ds


#: headline indicators read at the last recorded month (the others are over the recorded months)
AT_END = ("circular_share", "mean_trips", "irregular_stock_end", "brain_drain_rate", "long_term_residents_end",
          "prevalence_end", "businesses_alive_end", "business_jobs_end", "unemployment_end")


def headline(ds: xr.Dataset) -> dict[str, float]:
    """The scalar headline indicators of one run's dataset (see ``HEADLINE``; windows: ``windows``)."""
    n = ds.sizes["time"]
    months = np.arange(n)
    values = _indicators(ds, [months], [months[:max(n - 12, 0)]])
    return {key: float(v[0]) for key, v in values.items()}


def windows(ds: xr.Dataset) -> dict[str, str]:
    """The months each headline indicator of ``ds`` is computed over, as text."""
    if ds.sizes["time"] == 0:
        return dict.fromkeys(HEADLINE, "no recorded month")
    month = lambda i: str(ds.time.values[i])[:7]  # noqa: E731
    out = dict.fromkeys(HEADLINE, f"recorded months {month(0)} to {month(-1)}")
    for key in AT_END:
        out[key] = f"at the end of {month(-1)}"
    last_cohort = ds.sizes["time"] - 13
    out["first_timer_return_next_season"] = (f"first-season cohorts {month(0)} to {month(last_cohort)}"
                                             if last_cohort >= 0 else "no complete cohort")
    return out


def _nansum(x: np.ndarray) -> float:
    """The sum of ``x`` skipping NaN, taken as xarray takes it (NaN set to 0, then numpy's sum): the same float."""
    return np.where(np.isnan(x), np.zeros_like(x), x).sum()


def _indicators(ds: xr.Dataset, months: list[np.ndarray], cohorts: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Every headline indicator over each group of ``months`` (index arrays of the recorded months).

    Rates and flows are over the group's months (``*_per_year`` per year of them, ``*_total`` in
    total); stocks and shares at the end (``AT_END``) are read in the group's last month;
    ``first_timer_return_next_season`` is over the months of ``cohorts`` (first-season cohorts whose
    next season was recorded). The one definition of the indicators: ``headline`` takes all the
    recorded months as one group, ``headline_by_year`` each calendar year's. Sums are taken on the
    numpy arrays as xarray takes them (NaN skipped), so both give the same floats as sums of the
    dataset's variables would, without xarray's overhead per indicator and year.
    """
    last = [idx[-1:] for idx in months]  # each group's last month
    n_months = np.array([len(idx) for idx in months], dtype=float)
    per_year = np.where(n_months > 0, n_months / 12.0, np.nan)
    empty = n_months == 0

    def position(dim, label):
        index = ds.indexes[dim]
        return index.get_indexer(label) if isinstance(label, list) else index.get_loc(label)

    def sums(name, groups=months, pick=None, keep=None, plus=None):
        """Per group: variable ``name`` (+ ``plus``) over the months of ``groups``, at ``pick`` of its
        first dimension after time (as ``sel``), where ``keep`` (as ``where``), summed skipping NaN."""
        values = ds.variables[name].transpose("time", ...).values  # the Variable: no DataArray to build
        other = ds.variables[plus].transpose("time", ...).values if plus else None
        out = np.empty(len(groups))
        for i, idx in enumerate(groups):
            part = values[idx] if other is None else values[idx] + other[idx]
            if pick is not None:
                part = part[:, pick]
            if keep is not None:
                part = np.where(keep, part, np.nan)
            out[i] = _nansum(part)
        return out

    def ratio(num, den):
        out = np.full(len(months), np.nan)
        ok = den > 0
        out[ok] = num[ok] / den[ok]
        return out

    def market_share(num, den, channel, plus=None):
        keep = None if channel is None else ds.variables["market_channel"].transpose("destination", "sector").values == channel
        return ratio(sums(num, keep=keep), sums(den, keep=keep, plus=plus))

    def rounds_per_year():
        """Recruitment rounds per seasonal market (mean over them), per year of each group's months."""
        keep = ds.variables["market_channel"].transpose("destination", "sector").values == "seasonal"
        if not keep.any():
            return np.full(len(months), np.nan)
        return sums("recruitment_rounds", keep=keep) / keep.sum() / per_year

    labour_markets = np.isin(ds.variables["market_channel"].transpose("destination", "sector").values,
                             ["seasonal", "temporary"])
    seasonal = position("channel", "seasonal")
    labour = position("channel", ["seasonal", "temporary"])
    other = ds.channel.isin(["temporary", "highly_skilled", "student", "researcher", "trainee"]).values[:, None, None]
    stays_ended = sums("stays_ended")
    first_timers = sums("seasonal_first_timers")
    values = {
        "overstay_rate": ratio(sums("overstays"), stays_ended),
        "overstay_rate_seasonal": ratio(sums("overstays", pick=seasonal), sums("stays_ended", pick=seasonal)),
        "overstay_rate_other": ratio(sums("overstays", keep=other), sums("stays_ended", keep=other)),
        "return_rate": ratio(sums("returns", pick=position("reason", ["end_of_season", "end_of_permit"])), stays_ended),
        "repeat_participation": ratio(sums("seasonal_repeat"), sums("seasonal_repeat") + first_timers),
        "first_timer_return_next_season": ratio(sums("seasonal_came_back", cohorts),
                                                sums("seasonal_first_timers", cohorts)),
        "circular_share": ratio(sums("circular_migrants", last), sums("ever_migrants", last)),
        "mean_trips": ratio(sums("legal_trips", last), sums("ever_migrants", last)),
        "irregular_stock_end": sums("stock", last, pick=position("status", "irregular")),
        "shortage_rate": market_share("unfilled", "vacancies", None),
        "shortage_rate_seasonal": market_share("unfilled", "vacancies", "seasonal"),
        "shortage_rate_all_year": market_share("unfilled", "vacancies", "temporary"),
        "remittances_total": sums("remittances"),
        "seasonal_departures_per_year": sums("departures", pick=seasonal) / per_year,
        "irregular_entries_per_year": sums("departures", pick=position("channel", "irregular")) / per_year,
        "enforced_return_rate": ratio(sums("returns_enforced"), sums("return_decisions")),
        "decisions_left_rate": ratio(sums("returns_enforced", plus="decision_departures"), sums("return_decisions")),
        "lost_offer_rate": ratio(sums("lost_offers"), sums("applications")),
        "mean_wait_months": ratio(sums("wait_months_total"), sums("approvals", plus="refusals")),
        "brain_drain_rate": ratio(sums("skilled_abroad", last), sums("skilled_abroad", last, plus="skilled_home")),
        "businesses_started_total": sums("businesses_started"),
        "skilled_returns_per_year": sums("returns_skilled") / per_year,
        "highly_skilled_returns_per_year": sums("returns_highly_skilled") / per_year,
        "long_term_residents_end": sums("stock", last, pick=position("status", ["long_term", "long_term_away"])),
        "circular_stays_per_year": sums("returns", pick=position("reason", "circular_stay")) / per_year,
        "ltr_comebacks_per_year": sums("ltr_comebacks") / per_year,
        "ltr_granted_per_year": sums("ltr_granted") / per_year,
        "family_reunified_per_year": sums("family_reunified") / per_year,
        "family_share_first_permits": ratio(sums("family_reunified"), sums("family_reunified") + sums(
            "departures", pick=np.flatnonzero(~np.isin(ds.indexes["channel"], NOT_FIRST_PERMITS)))),
        "regularisations_total": sums("regularisations"),
        "departures_per_year": sums("departures", pick=np.flatnonzero(ds.indexes["channel"] != "irregular")) / per_year,
        "household_income_per_year": sums("household_income") / per_year,
        "prevalence_end": ratio(sums("experienced", last), sums("residents", last)),
        "businesses_alive_end": sums("businesses_alive", last),
        "business_jobs_end": sums("business_jobs", last),
        "returnee_earnings_premium": ratio(sums("returnee_earnings"), sums("returnee_earnings_base")) - 1.0,
        "unemployment_end": ratio(sums("unemployed", last),
                                  sums("stock", last, pick=position("status", list(AT_HOME_NAMES)))),
        "withdrawal_share": ratio(sums("withdrawals", pick=labour), sums("withdrawals", pick=labour, plus="departures")),
        "over_request_ratio": market_share("requests", "vacancies", "seasonal"),
        "recruitment_rounds_per_year": rounds_per_year(),
        "employer_change_share": ratio(sums("employer_changes"), sums("returner_departures")),
        "noncompliant_share": ratio(sums("noncompliant"), sums("hiring_decisions")),
        "inspections_per_year": sums("inspections") / per_year,
        "sanctions_per_year": sums("sanctions") / per_year,
        "irregular_found_per_year": sums("irregular_found") / per_year,
        "domestic_share_seasonal": market_share("domestic_hired", "vacancies", "seasonal", plus="domestic_hired"),
        "reassigned_share": ratio(sums("reassigned", keep=labour_markets),
                                  sums("filled_rehire", keep=labour_markets, plus="filled_new")),
    }
    for key in AT_END:  # no month, no end
        values[key] = np.where(empty, np.nan, values[key])
    return values


def headline_by_year(ds: xr.Dataset) -> xr.Dataset:
    """Every headline indicator per calendar year of the recorded months (dimension ``year``).

    Rates and flows are over the year's months (flows per year: the year's total, remittances
    per year); stocks and shares at the end (``AT_END``) are read in the year's last month;
    ``first_timer_return_next_season`` is by arrival cohort: first-season workers of the year who
    came back the next season (NaN for a year whose next season was not recorded).
    """
    years = pd.DatetimeIndex(ds.time.values).year
    labels = sorted(set(years))
    months = [np.flatnonzero(years == year) for year in labels]
    n = ds.sizes["time"]
    cohorts = [idx if idx[-1] <= n - 13 else idx[:0] for idx in months]
    values = _indicators(ds, months, cohorts)
    values["remittances_total"] = values["remittances_total"] * 12.0 / np.array([len(idx) for idx in months])
    out = xr.Dataset(coords={"year": labels})
    for key, (unit, description) in HEADLINE.items():
        out[key] = xr.DataArray(values[key], dims="year",
                                attrs={"units": unit if key != "remittances_total" else "EUR/year",
                                       "description": description + " (by calendar year)"})
    return out


def headline_of(ds: xr.Dataset) -> dict[str, float]:
    """Headline indicators stored in a dataset (scalar variables marked ``headline``)."""
    return {k: float(ds[k]) for k in HEADLINE if k in ds}


def summarise(rows: list[dict[str, float]], level: float = 0.95) -> pd.DataFrame:
    """Mean and ``level`` t-interval of each indicator over runs (one dict per seed).

    Columns: mean, low, high, sd, n. With one run the interval is NaN.
    """
    from scipy import stats

    frame = pd.DataFrame(rows)
    out = []
    for key in frame.columns:
        x = frame[key].dropna().to_numpy(dtype=float)
        n = len(x)
        mean = float(np.mean(x)) if n else float("nan")
        sd = float(np.std(x, ddof=1)) if n > 1 else float("nan")
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)) if n > 1 else float("nan")
        out.append({"indicator": key, "mean": mean, "low": mean - half, "high": mean + half, "sd": sd, "n": n})
    return pd.DataFrame(out).set_index("indicator")


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to ``path`` (h5netcdf) atomically: a temporary file, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="h5netcdf")
        move_into_place(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def scenario_of(ds: xr.Dataset) -> dict:
    """The complete scenario a dataset was produced from."""
    return json.loads(ds.attrs["scenario"])
