"""Family reunification (phase 8b) in the calibrated baseline: what it adds, against what it is read from
(docs/VALIDATION.md, "Family reunification").

``python docs/scripts/family.py [--seeds N]`` (about 5 minutes on 2 cores with compiled kernels): ``baseline`` at
20,000 agents, its 20 recorded years after the 20-year burn-in, with the declared ``reunification_hazard`` and with
none, N paired seeds. Prints the long-term residents by recorded year, the yearly family inflow and its rate per
permit holder (Spain's 2008 figure: 19,510 reunification permits to Moroccans in January-August, about 29,300 a
year, over 648,735 Moroccan card holders at the end of 2007: 4.5 % a year), the family share of first
non-seasonal permits, and the long-term shares the scoreboard compares with.
"""
from circsim.moments import pick, statistic
from with_and_without import main


def row(ds):
    spain = {"origin": "Morocco", "destination": "Spain"}
    holders = float(pick(ds.stock, spain).sel(status=["temporary", "highly_skilled", "researcher", "long_term",
                                                      "long_term_away", "seasonal", "student", "trainee"]).sum()) / ds.sizes["time"]
    family = float(pick(ds.family_reunified, spain).sum()) / (ds.sizes["time"] / 12)
    ltr = ds.stock.sel(status=["long_term", "long_term_away"]).sum(["origin", "destination", "status"]).values
    return {"ltr_by_5_years": ltr[::60].round(-2).tolist() + [float(ltr[-1])],
            "family_per_year": float(ds.family_reunified.sum()) / (ds.sizes["time"] / 12),
            "family_rate_morocco_spain": family / holders if holders else float("nan"),
            "family_share_morocco": statistic(ds, "family_share_first_permits", {"origin": "Morocco"}),
            "ltr_share_morocco_spain": statistic(ds, "long_term_share", spain),
            "ltr_share_morocco_italy": statistic(ds, "long_term_share", {"origin": "Morocco", "destination": "Italy"})}


if __name__ == "__main__":
    main(__doc__.split("\n\n")[0], (("with family reunification", {}), ("without", {"reunification_hazard": 0.0})), row)
