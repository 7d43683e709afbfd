"""Continuous regularisation (Spain's arraigo) in the calibrated baseline: what it does to the settled diaspora
and the irregular stock, against the figures it is read from (docs/VALIDATION.md, "Arraigo").

``python docs/scripts/arraigo.py [--seeds N] [--persons N]`` (about 6 minutes on 2 cores with compiled kernels):
``baseline`` at 20,000 agents, its 20 recorded years after the 20-year burn-in, with Spain's arraigo (36 months,
the declared ``arraigo_rate``) and without (``arraigo_min_months`` = 0), N paired seeds. Prints the long-term
residents by recorded year, regularisations a year and per Moroccan permit holder in Spain (2006-08: 0.6-1.6 % a
year; 10,415 arraigo permits to Moroccans in 2008 over 648,735 card holders), the irregular stock at the start
and end of the recorded years, the long-term residents granted a year in the first and last five years, and the
scoreboard's stocks and long-term shares.
"""

from circsim.moments import statistic
from with_and_without import main

SPAIN = {"origin": "Morocco", "destination": "Spain"}


def per_year(da):
    """Yearly totals of a monthly record summed over every other dimension."""
    monthly = da.sum([d for d in da.dims if d != "time"]).values
    return monthly[: monthly.size // 12 * 12].reshape(-1, 12).sum(axis=1)


def row(ds):
    ltr = ds.stock.sel(status=["long_term", "long_term_away"]).sum(["origin", "destination", "status"]).values
    irregular = ds.stock.sel(status="irregular").sum(["origin", "destination"]).values
    granted = per_year(ds.ltr_granted)
    return {"ltr_by_5_years": ltr[::60].round(-2).tolist() + [float(ltr[-1])],
            "irregular_start_end": [float(irregular[0]), float(irregular[-1])],
            "regularised_per_year": float(ds.regularisations.sum()) / (ds.sizes["time"] / 12),
            "regularised_rate_morocco_spain": statistic(ds, "regularised_per_permit_holder_year", SPAIN),
            "ltr_granted_first_last_5": [float(granted[:5].mean()), float(granted[-5:].mean())],
            "family_per_year": float(ds.family_reunified.sum()) / (ds.sizes["time"] / 12),
            "moroccans_in_spain": statistic(ds, "residents_abroad", SPAIN),
            "ltr_share_morocco_spain": statistic(ds, "long_term_share", SPAIN)}


if __name__ == "__main__":
    main(__doc__.split("\n\n")[0], (("with arraigo", {}), ("without", {"arraigo_min_months": 0})), row)
