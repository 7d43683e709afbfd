"""Employers: Huelva's recruitment chain and paired policy effects on the baseline.

The figures of docs/VALIDATION.md, "Employers": ``python docs/scripts/employers.py`` (about
10 minutes on 2 cores with compiled kernels). Huelva: ``huelva_calibrated``, 5 seeds, 10 years.
Effects: ``baseline`` at 20,000 agents, 10 recorded years, 4 paired seeds (common random numbers),
mean paired difference and its standard error.
"""
import numpy as np

import circsim

SEEDS = (1, 2, 3, 4)
W = dict(persons=20000, years=10, burn_in_years=3)


def seasonal(ds, var):
    return float(ds[var].sel(channel="seasonal").sum()) / 10


print("HUELVA (huelva_calibrated, 5 seeds; per year)")
huelva = [circsim.run(circsim.load_scenario("huelva_calibrated"), seed) for seed in (1, 2, 3, 4, 5)]
for label, f in [("approvals", lambda ds: seasonal(ds, "approvals")),
                 ("arrivals", lambda ds: circsim.headline(ds)["seasonal_departures_per_year"]),
                 ("requests", lambda ds: float(ds.requests.sum()) / 10)] + [
        (k, lambda ds, k=k: circsim.headline(ds)[k])
        for k in ("withdrawal_share", "over_request_ratio", "employer_change_share", "shortage_rate_seasonal",
                  "recruitment_rounds_per_year", "noncompliant_share", "repeat_participation", "reassigned_share")]:
    v = np.array([f(ds) for ds in huelva])
    print(f"| {label} | {v.mean():.4g} (sd {v.std(ddof=1):.2g}) |")

KEYS = ("irregular_stock_end", "irregular_entries_per_year", "overstay_rate", "noncompliant_share",
        "shortage_rate_seasonal", "sanctions_per_year", "irregular_found_per_year", "domestic_share_seasonal",
        "repeat_participation", "reassigned_share")
SPAIN_SEASONAL = "destinations.Spain.sectors.seasonal_agriculture"


def indicators(**overrides):
    s = circsim.load_scenario("baseline", **W, **overrides)
    out = []
    for seed in SEEDS:
        ds = circsim.run(s, seed)
        h = dict(circsim.headline(ds))
        h["irregular_at_work"] = float(ds.irregular_employed.sum()) / ds.sizes["time"]
        h["seasonal_places"] = float(ds.vacancies.where(ds.market_channel == "seasonal").sum()) / 10
        h["domestic_hired_spain"] = float(ds.domestic_hired.sel(destination="Spain",
                                                                sector="seasonal_agriculture").sum()) / 10
        out.append(h)
    return out


base = indicators()
print("BASELINE", {k: round(float(np.mean([h[k] for h in base])), 4)
                  for k in (*KEYS, "irregular_at_work", "seasonal_places", "domestic_hired_spain")})
for label, overrides in [("inspections 1 % -> 5 %", dict(inspection_rate=0.05)),
                         ("inspections 1 % -> 10 %", dict(inspection_rate=0.10)),
                         ("work_permit_fee 0 -> 500", dict(work_permit_fee=500.0)),
                         ("recruitment_cost 0 -> 1500", dict(recruitment_cost=1500.0)),
                         ("Spanish seasonal wage 900 -> 990", {f"{SPAIN_SEASONAL}.wage": 990.0}),
                         ("community_preference 1 -> 0", dict(community_preference=0.0)),
                         ("experience_weight 3 -> 1", dict(experience_weight=1.0)),
                         ("experience_weight 3 -> 10", dict(experience_weight=10.0)),
                         ("shortage_response 0.3 -> 0", dict(shortage_response=0.0))]:
    variant = indicators(**overrides)
    row = {}
    for k in (*KEYS, "irregular_at_work", "seasonal_places", "domestic_hired_spain"):
        d = np.array([a[k] - b[k] for a, b in zip(variant, base)])
        row[k] = f"{d.mean():+.4g} (se {d.std(ddof=1) / np.sqrt(len(d)):.2g})"
    print(label, row)
