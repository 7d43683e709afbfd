"""Statistics of a run that published figures measure, besides the headline indicators.

Each statistic is a function of a run's dataset and a selection ``where`` (``origin`` and/or
``destination`` names; community variables are selected through their origin), over the
recorded months. Calibration and validation targets name them in ``output`` (docs/VALIDATION.md
gives each target's reading of its source).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .outputs import NOT_FIRST_PERMITS

#: statuses of persons abroad holding a residence permit (long-term residents on a stay at home included:
#: they keep the permit)
PERMIT_HOLDERS = ["seasonal", "temporary", "highly_skilled", "student", "researcher", "trainee", "long_term",
                  "long_term_away"]
#: statuses of persons living abroad (the register of residents: irregular residents included)
ABROAD = ["seasonal", "temporary", "highly_skilled", "student", "researcher", "trainee", "long_term", "irregular"]
#: a stay shorter than this does not make a migrant in the MAFE surveys (a year abroad)
MIGRANT_MONTHS = 12
#: the horizon of the return figures (5 years)
HORIZON_MONTHS = 60


def pick(da: xr.DataArray, where: dict[str, str] | None) -> xr.DataArray:
    """``da`` restricted to the origin and destination of ``where`` (communities of the origin)."""
    for key, value in (where or {}).items():
        if key in da.dims:
            da = da.sel({key: [value]})
        elif key == "origin" and "community" in da.dims:
            da = da.sel(community=da.community[da.community_origin == value])
        else:
            raise ValueError(f"{da.name} is not recorded by {key}")
    return da


def _total(ds, name, where, **sel) -> float:
    return float(pick(ds[name], where).sel(**sel).sum())


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom > 0 else float("nan")


def _years(ds) -> float:
    return ds.sizes["time"] / 12.0


def _run_mean(ds, name, where, **sel) -> float:
    """Mean monthly value of a stock over the recorded months."""
    return _total(ds, name, where, **sel) / ds.sizes["time"]


def _last_year(ds, name, where, **sel) -> float:
    """Mean monthly value of a stock over the last 12 recorded months."""
    return float(pick(ds[name], where).isel(time=slice(-12, None)).sel(**sel).sum()) / 12.0


def travel_share(ds, where=None) -> float:
    return _ratio(_total(ds, "departures", where, channel="seasonal"), _total(ds, "approvals", where, channel="seasonal"))


def remittance_per_worker_month(ds, where=None) -> float:
    worker_months = _total(ds, "stock", where, status=["seasonal", "temporary"])
    return _ratio(_total(ds, "remittances", where), worker_months)


def enforced_return_rate(ds, where=None) -> float:
    return _ratio(_total(ds, "returns_enforced", where), _total(ds, "return_decisions", where))


def return_within_5_years(ds, where=None) -> float:
    """Of the migrants who stayed abroad a year or more, the share back home within 5 years of departure.

    Steady-state flows: returns after 12 to 59 months over the departures that were not followed by a
    return within 12 months. Long-term residents' comebacks are not departures of migrants, and their
    stays at home come after 5 years or more abroad (the duration counts from the first departure)."""
    d = pick(ds["stay_duration"], where).sum("time")
    months = d.duration.values
    back = float(d.sel(duration=months[(months >= MIGRANT_MONTHS) & (months < HORIZON_MONTHS)]).sum())
    short = float(d.sel(duration=months[months < MIGRANT_MONTHS]).sum())
    departed = _total(ds, "departures", where) - _total(ds, "departures", where, channel="long_term")
    return _ratio(back, departed - short)


def long_term_share(ds, where=None) -> float:
    """Long-term residents among permit holders (persons abroad with a permit), over the last year."""
    return _ratio(_last_year(ds, "stock", where, status=["long_term", "long_term_away"]),
                  _last_year(ds, "stock", where, status=PERMIT_HOLDERS))


def residents_abroad(ds, where=None) -> float:
    """Persons living abroad (permit holders and irregular residents), mean over the last year."""
    return _last_year(ds, "stock", where, status=ABROAD)


def remittances_per_resident_year(ds, where=None) -> float:
    """EUR received at home a year per person living abroad (formal and informal channels alike)."""
    return _ratio(_total(ds, "remittances", where) / _years(ds), _run_mean(ds, "stock", where, status=ABROAD))


def brain_drain_rate(ds, where=None) -> float:
    """Tertiary-educated abroad over all tertiary-educated (Docquier-Marfouk), over the last year."""
    abroad = _last_year(ds, "skilled_abroad", where)
    return _ratio(abroad, abroad + _last_year(ds, "skilled_home", where))


def voluntary_returns_per_year(ds, where=None) -> float:
    return _total(ds, "returns", where, reason="voluntary") / _years(ds)


def irregular_entries_per_year(ds, where=None) -> float:
    return _total(ds, "departures", where, channel="irregular") / _years(ds)


#: name -> (function of the dataset and a selection, unit)
def family_share_first_permits(ds, where=None) -> float:
    """Family members joining / (family members joining + legal departures on a non-seasonal permit): the family
    share of first permits other than seasonal ones (Eurostat's first permits by reason, seasonal work apart)."""
    family = _total(ds, "family_reunified", where)
    channels = [k for k in ds.indexes["channel"] if k not in NOT_FIRST_PERMITS]
    return _ratio(family, family + _total(ds, "departures", where, channel=channels))


def family_reunified_per_year(ds, where=None) -> float:
    return _total(ds, "family_reunified", where) / _years(ds)


def regularised_per_permit_holder_year(ds, where=None) -> float:
    """Irregular persons regularised a year (programmes and arraigo) per permit holder abroad (mean over the run):
    Spain's 2008 arraigo permits to Moroccans over the Moroccan card holders."""
    return _ratio(_total(ds, "regularisations", where) / _years(ds),
                  _run_mean(ds, "stock", where, status=PERMIT_HOLDERS))


STATISTICS = {
    "family_share_first_permits": (family_share_first_permits, "family members joining / (those + non-seasonal "
                                                               "legal departures)"),
    "family_reunified_per_year": (family_reunified_per_year, "family members joining a year"),
    "regularised_per_permit_holder_year": (regularised_per_permit_holder_year,
                                           "irregular persons regularised a year / permit holders abroad"),
    "travel_share": (travel_share, "seasonal departures / seasonal approvals"),
    "remittance_per_worker_month": (remittance_per_worker_month, "EUR remitted per month worked abroad"),
    "enforced_return_rate": (enforced_return_rate, "removals / return decisions"),
    "return_within_5_years": (return_within_5_years, "share of migrants (a year or more abroad) home within 5 years"),
    "long_term_share": (long_term_share, "long-term residents / permit holders abroad"),
    "residents_abroad": (residents_abroad, "persons living abroad"),
    "remittances_per_resident_year": (remittances_per_resident_year, "EUR a year per person living abroad"),
    "brain_drain_rate": (brain_drain_rate, "tertiary-educated abroad / all tertiary-educated"),
    "voluntary_returns_per_year": (voluntary_returns_per_year, "voluntary returns a year"),
    "irregular_entries_per_year": (irregular_entries_per_year, "irregular entries a year"),
}


def statistic(ds, name: str, where: dict[str, str] | None = None) -> float:
    value = STATISTICS[name][0](ds, where)
    return float(value) if np.isfinite(value) else float("nan")
