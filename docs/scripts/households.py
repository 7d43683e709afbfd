"""Households and communities: levels and paired effects on the baseline (20,000 agents, 10 recorded years).

The figures of docs/VALIDATION.md, "Households, communities and the economics of irregular work":
``python docs/scripts/households.py`` (about 10 minutes on 2 cores with compiled kernels).
"""
import numpy as np

import circsim
from scipy import stats
from circsim.state import CH_IRREGULAR
W = dict(persons=20000, years=10); SEEDS = (1, 2, 3, 4)
def run(**o):
    s = circsim.load_scenario("baseline", **W, **o)
    return [circsim.run(s, k) for k in SEEDS]
def ci(v):
    v = np.asarray(v, float); m = v.mean(); h = stats.t.ppf(0.975, len(v)-1) * v.std(ddof=1) / np.sqrt(len(v))
    return f"{m:.4g} ({m-h:.4g} to {m+h:.4g})"
H = lambda k: (lambda ds: circsim.headline(ds)[k])
vol = lambda ds: float(ds.returns.sel(reason="voluntary").sum()) / 10
base = run()
print("LEVELS")
for k in ("household_income_per_year", "remittances_total", "prevalence_end", "businesses_alive_end", "business_jobs_end",
          "returnee_earnings_premium", "unemployment_end", "irregular_stock_end", "overstay_rate", "irregular_entries_per_year",
          "long_term_residents_end", "businesses_started_total"):
    print(f"| {k} | {ci([H(k)(d) for d in base])} |")
print("debt end", ci([float(d.migration_debt.isel(time=-1).sum()) for d in base]))
print("EFFECTS")
for label, o, fs in [("remittance_share 0.4 -> 0.8", dict(remittance_share=0.8), [("household_income_per_year", H("household_income_per_year")), ("voluntary returns/yr", vol), ("overstay_rate", H("overstay_rate")), ("businesses_started_total", H("businesses_started_total"))]),
                     ("reintegration_support 0 -> 1", dict(reintegration_support=1.0), [("businesses_alive_end", H("businesses_alive_end")), ("unemployment_end", H("unemployment_end"))]),
                     ("skills_transfer 0 -> 0.5", dict(skills_transfer=0.5), [("returnee_earnings_premium", H("returnee_earnings_premium"))]),
                     ("prevalence_network 0.5 -> 0", dict(prevalence_network=0.0), [("pool registrations (mean)", lambda d: float(d.pool_size.sum(("origin","channel")).mean())), ("irregular_entries_per_year", H("irregular_entries_per_year"))]),
                     ("home_wage x0.6 (wider gap)", {"origins.*.communities.*.home_wage": 150.0}, [("overstay_rate", H("overstay_rate")), ("irregular_stock_end", H("irregular_stock_end"))])]:
    alt = run(**o)
    for name, f in fs:
        a = np.array([f(d) for d in base]); b = np.array([f(d) for d in alt])
        print(f"| {label} | {name} | {a.mean():.4g} | {b.mean():.4g} | {ci(b - a)} |", flush=True)
sim = circsim.Simulation(circsim.load_scenario("baseline", **W), 1)
sim.advance(sim.scenario.burn_in_months + 12)
print("irregular gain EUR/yr by community x destination:\n", np.round(sim.scratch.gain[:, CH_IRREGULAR, :]))
print("home income", np.round(sim.scratch.home_income, 1), "prevalence", np.round(sim.scratch.prevalence, 3))
