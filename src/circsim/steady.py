"""Is a run in a steady state, and does it depend on the number of agents?

Two checks a researcher should run before reading a headline indicator:

* :func:`trend_table` — under constant policy, every headline indicator computed per calendar
  year (``outputs.headline_by_year``), averaged over the first and the last ``span`` recorded
  years and over seeds. A difference outside the noise (see :func:`agree`) is a trend: the
  indicator then depends on how many years were run.
* :func:`resolution_table` — headline indicators at an agent count and at four times it, over
  the same seeds. A difference outside the noise means the agent count is not only a
  resolution but changes the result.

``python -m circsim.steady SCENARIO [--persons N] [--seeds K] [--years Y]`` prints both tables.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy import stats

from .api import run
from .outputs import headline, headline_by_year
from .scenario import load_scenario

#: indicators too rare in the bundled worlds to compare (a handful of events a year)
RARE = ("regularisations_total", "highly_skilled_returns_per_year", "skilled_returns_per_year", "lost_offer_rate",
        "mean_wait_months", "businesses_started_total")


def agree(a, b, level: float = 0.99, floor: float = 0.03) -> bool:
    """Do the means of ``a`` and ``b`` agree within noise?

    Yes when their difference lies inside the ``level`` Welch t-interval, or is below ``floor`` of
    the larger mean (differences that small matter to no policy reading). NaNs are dropped; with
    fewer than two values on a side there is nothing to test.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return True
    diff = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    df = max(min(len(a), len(b)) - 1, 1)
    return bool(abs(diff) <= stats.t.ppf(0.5 + level / 2, df) * se
                or abs(diff) <= floor * max(abs(a.mean()), abs(b.mean())))


def _row(key: str, a, b, label_a: str, label_b: str) -> dict:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return {"indicator": key, label_a: np.nanmean(a), label_b: np.nanmean(b),
            "change": np.nanmean(b) - np.nanmean(a), "agree": agree(a, b)}


def trend_table(name: str, seeds=range(4), span: int = 5, **keywords) -> pd.DataFrame:
    """First ``span`` vs last ``span`` recorded years of each headline indicator, over ``seeds``."""
    s = load_scenario(name, **keywords)
    by_year = [headline_by_year(run(s, seed)) for seed in seeds]
    rows = []
    for key in by_year[0].data_vars:
        if key in RARE:
            continue
        x = np.array([ds[key].values for ds in by_year])
        last = x[:, -span - 1:-1] if key == "first_timer_return_next_season" else x[:, -span:]
        rows.append(_row(key, x[:, :span].ravel(), last.ravel(), "first_years", "last_years"))
    return pd.DataFrame(rows).set_index("indicator")


def resolution_table(name: str, persons: int, seeds=range(4), factor: int = 4, **keywords) -> pd.DataFrame:
    """Headline indicators at ``persons`` and ``factor`` times as many agents, over ``seeds``."""
    coarse, fine = ([headline(run(load_scenario(name, persons=n, **keywords), seed)) for seed in seeds]
                    for n in (persons, factor * persons))
    return pd.DataFrame([_row(key, [r[key] for r in coarse], [r[key] for r in fine], f"at_{persons}",
                              f"at_{factor * persons}")
                         for key in coarse[0] if key not in RARE]).set_index("indicator")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m circsim.steady", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--persons", type=int, default=None, help="agents (default: the scenario's)")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--span", type=int, default=5)
    args = parser.parse_args(argv)
    s = load_scenario(args.scenario)
    persons = args.persons or s.persons
    extra = {"years": args.years} if args.years else {}
    pd.set_option("display.width", 200)
    print(f"trend: first vs last {args.span} recorded years, {args.seeds} seeds, {persons} agents")
    print(trend_table(args.scenario, range(args.seeds), args.span, persons=persons, **extra).to_string(
        float_format=lambda v: f"{v:.4g}"))
    print(f"\nresolution: {persons} vs {4 * persons} agents, {args.seeds} seeds")
    print(resolution_table(args.scenario, persons, range(args.seeds), **extra).to_string(
        float_format=lambda v: f"{v:.4g}"))


if __name__ == "__main__":
    main()
