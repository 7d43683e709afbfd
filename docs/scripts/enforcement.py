"""The enforcement chain: the share of return decisions carried out against the origin's cooperation, and the
effect of the bundled ``readmission`` scenario against ``baseline`` (docs/VALIDATION.md, "The enforcement chain").

``python docs/scripts/enforcement.py`` (about 5 minutes on 2 cores with compiled kernels): ``baseline`` at 20,000
agents, 10 recorded years, 4 paired seeds (common random numbers), mean paired difference and its standard error.
"""
import numpy as np

import circsim

W = dict(persons=20000, years=10, burn_in_years=3)
SEEDS = (1, 2, 3, 4)
KEYS = ("enforced_return_rate", "decisions_left_rate", "irregular_stock_end", "overstay_rate",
        "irregular_entries_per_year")


def headlines(name="baseline", **overrides):
    s = circsim.load_scenario(name, **W, **overrides)
    return [circsim.headline(circsim.run(s, seed)) for seed in SEEDS]


base = headlines()
print("baseline", {k: round(float(np.mean([h[k] for h in base])), 4) for k in KEYS})
for label, (name, overrides) in {"readmission scenario": ("readmission", {}),
                                 "cooperation -> 0.8, all origins": ("baseline", dict(readmission_cooperation=0.8))}.items():
    variant = headlines(name, **overrides)
    row = {}
    for k in KEYS:
        d = np.array([a[k] - b[k] for a, b in zip(variant, base)])
        row[k] = f"{d.mean():+.4g} (se {d.std(ddof=1) / np.sqrt(len(d)):.2g})"
    print(label, row)
for c in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
    print("cooperation", c, round(float(np.mean([h["enforced_return_rate"] for h in headlines(readmission_cooperation=c)])), 4))
