"""The world at the start, its steady state, and the agent count as a resolution (issue 10).

* The initial diaspora: stocks at the first recorded month within 10 % of the scenario's
  figures, histories consistent with ages and statuses, expected stocks independent of the
  agent count.
* Steady state: under constant policy, every headline indicator computed per calendar year
  agrees between the first and the last recorded years, over seeds ("within noise": the
  difference of the means is inside a 99 % t-interval, or below 3 % of the level).
* Resolution: headline indicators at an agent count and at four times it agree within noise.

The default run checks short, small versions; ``make test-all`` runs the full ones (every
bundled scenario without a timeline, 20 recorded years, first and last five years).
"""

from __future__ import annotations

import numpy as np
import pytest

import circsim
from circsim.scenario import bundled_names, load_scenario
from circsim.phases.common import domestic_hires
from circsim.steady import agree, resolution_table, trend_table
from circsim.state import (CH_SEASONAL, CH_TEMPORARY, EXITED, F_EVER_IRREGULAR, F_EVER_MIGRATED, F_EVER_SEASONAL,
                           F_GOOD_RECORD, IRREGULAR, LONG_TERM, RETURNEE, SEASONAL, TEMPORARY)

# --- the initial diaspora -----------------------------------------------------------------

def _first_month(name: str, seed: int, **keywords) -> circsim.Simulation:
    """A simulation of ``name`` after its first recorded month (no burn-in)."""
    sim = circsim.Simulation(load_scenario(name, burn_in_years=0, **keywords), seed)
    sim.step()
    return sim


def test_markets_are_filled_at_the_start():
    s = load_scenario("baseline", persons=20000)
    sim = circsim.Simulation(s, seed=1)
    # the markets' demand for third-country workers: what the domestic and EU queue leaves
    migrant = [sim.policy.market.demand[0, m] - domestic_hires(sim.policy, 0, m) for m in range(len(s.markets))]
    channel = sim.policy.market.channel[0]
    demand = sum(d for d, k in zip(migrant, channel) if k == CH_TEMPORARY)
    assert np.count_nonzero(sim.persons.status == TEMPORARY) * s.scale == pytest.approx(demand, rel=0.05)
    tied = (sim.persons.status == RETURNEE) & (sim.persons.last_employer >= 0)  # between seasons in January
    seasonal = sum(d for d, k in zip(migrant, channel) if k == CH_SEASONAL)
    assert np.count_nonzero(tied) * s.scale == pytest.approx(seasonal, rel=0.05)


#: a corridor whose burn-in alone makes more long-term residents than its figure: placement can only add persons
OVERSHOOT = {("Senegal", "Spain"): "the burn-in's own Senegalese long-term residents in Spain (about 3,000) exceed the "
             "figure (2,330) since arraigo and renewals with any employer (2026-11-28): the Senegalese stocks run two "
             "to three times the registers (docs/VALIDATION.md, validation misses)"}


@pytest.fixture(scope="module")
def first_months():
    s = load_scenario("baseline", persons=20000, years=1)
    return s, [circsim.run(s, seed).isel(time=0).stock for seed in (1, 2, 3)]


@pytest.mark.parametrize("corridor", [pytest.param(c, marks=pytest.mark.xfail(reason=OVERSHOOT[c], strict=True))
                                      if c in OVERSHOOT else c
                                      for c in [("Morocco", "Spain"), ("Morocco", "Italy"), ("Senegal", "Spain"),
                                                ("Senegal", "Italy")]])
def test_start_stocks_within_ten_percent_at_the_first_recorded_month(corridor, first_months):
    """After the burn-in, the stocks the diaspora was built from stand within 10 % of their figures."""
    s, runs = first_months
    origin, dest = corridor
    figure = s.data["corridors"][origin][dest]["diaspora_long_term"]
    got = np.mean([float(first.sel(origin=origin, destination=dest, status=["long_term", "long_term_away"]).sum())
                   for first in runs])
    assert got == pytest.approx(figure, rel=0.1), (origin, dest, got, figure)


def test_diaspora_histories_are_consistent():
    sim = _first_month("baseline", 2, persons=20000, diaspora_irregular=2000.0)
    p, b = sim.persons, sim.policy.behaviour
    live = p.status != EXITED
    working = 1 - p.birth.astype(int) - int(b.entry_age[0]) * 12
    assert (p.months_abroad[live] <= np.maximum(working[live], 1)).all(), "more months abroad than working life"
    ltr = p.status == LONG_TERM
    assert ltr.any() and (p.months_abroad[ltr] >= 12 * int(sim.policy.destination.ltr_years[0, 0])).all()
    irregular = p.status == IRREGULAR
    assert irregular.any() and (p.flags[irregular] & F_EVER_IRREGULAR).all()
    abroad = ltr | irregular | (p.status == TEMPORARY)
    assert (p.flags[abroad] & F_EVER_MIGRATED).all() and (p.last_departure[abroad] <= 1).all()
    # seasonal workers between seasons: at home, tied to a seasonal employer, with a good record
    tied = (p.status == RETURNEE) & (p.last_employer >= 0)
    assert tied.any()
    markets = sim.employers.market[p.last_employer[tied]]
    assert (sim.policy.market.channel[0, markets] == CH_SEASONAL).all()
    assert (p.flags[tied] & F_EVER_SEASONAL).all()
    # ages are not biased by the order persons are placed in (an earlier draft took the old)
    age = (-p.birth[live]) / 12.0
    assert abs(age[ltr[live]].mean() - age[working[live] >= 60].mean()) < 3


def test_seasonal_workers_abroad_when_the_run_starts_in_season():
    s = load_scenario("huelva", persons=5000, start="2012-04", burn_in_years=0)  # season February-April
    sim = circsim.Simulation(s, seed=1)
    seasonal = sim.persons.status == SEASONAL
    assert seasonal.sum() > 0
    assert (sim.persons.stay_end[seasonal] > 0).all() and (sim.persons.employer[seasonal] >= 0).all()


def test_expected_initial_stocks_do_not_depend_on_agent_count():
    def stocks(persons):
        rows = []
        for seed in range(6):
            sim = _first_month("baseline", seed, persons=persons, diaspora_irregular=2000.0)
            st = sim.persons.status
            rows.append([np.count_nonzero(st == k) * sim.scenario.scale for k in (LONG_TERM, IRREGULAR, TEMPORARY)])
        return np.array(rows)

    small, large = stocks(2000), stocks(8000)
    for k in range(3):
        assert agree(small[:, k], large[:, k], floor=0.05), (k, small[:, k], large[:, k])


# --- steady state -----------------------------------------------------------------------

#: Indicators that drift under constant policy in the bundled worlds, even after the baseline's
#: 20-year burn-in (docs/VALIDATION.md, "Steady state", gives the measured drift and its causes:
#: no inflow to long-term residence but five years on a temporary permit; an irregular route
#: that dries up as the most mobile leave; a seasonal workforce that accumulates trips over a
#: working life; the pooled overstay rate through the mix of stays that end; household income at home
#: grows with the home wages by design, ``home_wage_growth``; migration prevalence and the returnees'
#: earnings premium carry experience abroad to retirement, so they too need a working life to settle;
#: businesses grow with the returnees, fed by the long-term residents who go home as their stock empties).
#: The stationarity tests check every other headline indicator.
DRIFTING = ("long_term_residents_end", "irregular_stock_end", "circular_share", "mean_trips", "brain_drain_rate",
            "circular_stays_per_year", "ltr_comebacks_per_year", "remittances_total", "irregular_entries_per_year",
            "repeat_participation", "enforced_return_rate", "overstay_rate", "household_income_per_year",
            "prevalence_end", "returnee_earnings_premium", "businesses_alive_end", "business_jobs_end",
            "decisions_left_rate", "family_reunified_per_year", "family_share_first_permits", "ltr_granted_per_year")
#: (``family_reunified_per_year`` and ``family_share_first_permits``: each legal resident sponsors once, and the
#: placed long-term residents who have not yet sponsored are used up faster than new legal residents arrive —
#: baseline 1,640 a year in the first five recorded years, 560 in the last five; share 0.59 -> 0.31; seeds 0-3,
#: measured 2026-11-28 after arraigo and renewals with any employer (before them: 1,210 -> 180). The inflow of
#: new legal residents (arraigo, renewals) now feeds it, not yet enough.
#: ``ltr_granted_per_year``: 1,215 -> 950 a year, within noise since arraigo (80 -> 220 before); kept listed
#: because the settled diaspora still empties: ``long_term_residents_end`` 39,530 -> 29,360.)
#: (``decisions_left_rate`` counts the departures of everyone holding a return decision against the decisions of
#: the same months: the irregular diaspora placed at the start holds none, and decided persons build up over
#: the years — 0.96 in the first five years of the baseline, 1.72 in the last five, measured 2026-11-28.)

#: drifts of one scenario driven by its inputs: in the baseline home wages grow 2 % a year against flat wages
#: abroad, so the gain of a season falls by about a third over 20 years: more selected workers withdraw
#: (0.11 -> 0.14), employers over-request more and fill fewer places, and the gain of irregular work falls
#: (seasonal overstays 0.033 -> 0.017; measured 2026-11-28, seeds 0-3)
_HOME_WAGES_GROW = ("withdrawal_share", "over_request_ratio", "shortage_rate_seasonal", "shortage_rate",
                    "seasonal_departures_per_year", "overstay_rate_seasonal", "departures_per_year")
#: (``departures_per_year`` with them in the calibrated baseline, whose departures are mostly seasonal and whose
#: fitted withdrawal responds more to the gain: 12,290 -> 11,140 a year, seeds 0-3, 2026-11-28)
#: (``baseline``, the calibrated world, has ``baseline_world``'s inputs: withdrawal 0.23 -> 0.28, seasonal
#: shortage 0.24 -> 0.27)
INPUT_DRIFT = {"baseline_world": _HOME_WAGES_GROW, "baseline": _HOME_WAGES_GROW}


def _trends(table, name: str = "") -> list[str]:
    moving = table[~table["agree"] & ~table.index.isin(DRIFTING + INPUT_DRIFT.get(name, ()))]
    return [f"{k}: {r.first_years:.4g} -> {r.last_years:.4g}" for k, r in moving.iterrows()]


def test_baseline_has_no_trend_under_constant_policy():
    assert not _trends(trend_table("baseline", range(3), span=3, persons=10000, years=10), "baseline")


def test_a_trend_is_detected():
    """The check can fail: without its 20-year burn-in the baseline's seasonal scheme is still young."""
    table = trend_table("baseline", range(3), span=3, persons=10000, years=10, burn_in_years=0)
    assert _trends(table)


#: scenarios under constant policy that start from a matured scheme (the baseline's burn-in); the
#: schemes of huelva and catalonia_colombia are young by design (a 3-year burn-in, calibrated so)
MATURED = [name for name in bundled_names()
           if not load_scenario(name).changes and load_scenario(name).burn_in_months >= 240]


#: measured drifts still open (docs/VALIDATION.md, "Steady state"); strict: a fix makes the test pass and fail the mark
KNOWN_DRIFT = {"seasonal_multiannual": "the seasonal shortage rises 0.025 -> 0.053 and departures fall 3.5 % over 20 "
                                       "years: multi-annual permit holders keep their places and age"}


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_DRIFT[n], strict=True))
                                  if n in KNOWN_DRIFT else n for n in MATURED])
def test_every_matured_scenario_without_a_timeline_is_stationary(name):
    assert not _trends(trend_table(name, range(4), span=5, years=20), name)


# --- agent count as a resolution ----------------------------------------------------------

#: indicators measured to depend on the agent count through employers' granularity (issue 12; open, see
#: docs/VALIDATION.md "Employers"): firms are not sampled, so at coarse resolution an employer holds one or
#: two agents. The shortage is counted per employer (max(need - workers, 0)) and withdrawals make arrivals
#: binomial: the fewer agents per employer, the more shortage (0.19 vs 0.17 in the baseline at 20,000 vs
#: 80,000 agents) — the fix is the agencies' reassignment of surplus arrivals within a market. A firm is
#: sanctioned if it employs at least one irregular agent, and a market recruits in a round only if a
#: whole agent is short: counts of firms and rounds move with the agents per firm. The agencies now re-place
#: surplus arrivals (``reassigned_share``), which is itself the measure of that granularity (0.081 of the places
#: filled in huelva_calibrated at 10,000 agents, 0.051 at 40,000) and takes about half the shortage's gap away
#: (huelva_calibrated seasonal shortage 0.27 vs 0.23 before, 0.21 vs 0.19 after, 10,000 vs 40,000 agents).
RESOLUTION_EXEMPT = ("shortage_rate", "shortage_rate_seasonal", "shortage_rate_all_year", "sanctions_per_year",
                     "recruitment_rounds_per_year", "reassigned_share", "employer_change_share")
#: (``employer_change_share`` too: a returner goes to another employer when the former one has no place left, which
#: depends on the places per firm: 0.020 at 20,000 agents vs 0.014 at 80,000 in the calibrated baseline, seeds 0-3,
#: 2026-11-28)


def _differences(table) -> list[str]:
    cols = table.columns
    moving = table[~table["agree"] & ~table.index.isin(RESOLUTION_EXEMPT)]
    return [f"{k}: {r[cols[0]]:.4g} vs {r[cols[1]]:.4g}" for k, r in moving.iterrows()]


def test_huelva_does_not_depend_on_the_agent_count():
    """At the scenario's resolution (10,000 agents) and four times it. 2,500 agents, the figure declared
    earlier, gives fewer trips per migrant (1.78 vs 2.35 at 10,000) and fewer repeat workers (0.68 vs 0.79),
    measured 2026-11-28 after the employer rules; the model before them had the same gap (1.85 vs 2.14), which
    four seeds at 2,500 agents were too noisy to show."""
    table = resolution_table("huelva_calibrated", 10000, range(4), years=6)
    # the returnee earnings premium is huelva's known resolution difference (KNOWN_RESOLUTION below; 0.0230 vs
    # 0.0244 with the joint calibration's values, 2026-11-28); every other indicator must agree
    assert not [d for d in _differences(table) if not d.startswith("returnee_earnings_premium")]


#: resolution differences measured on the model with households (issue 11), cause not found yet
#: (docs/VALIDATION.md); not strict: with other seeds the same comparison passes
KNOWN_RESOLUTION = {
    "baseline_world": "returnee_earnings_premium 0.1028 at 20,000 agents vs 0.1093 at 80,000 (seeds 0-3, 2026-11-28, "
                      "with family reunification; the same indicator as huelva's)",
    "huelva": "returnee_earnings_premium 0.0299 at 10,000 agents vs 0.0313 at 40,000 (seeds 0-3, 2026-11-28, after "
              "employers: a difference of 5 %, just above the 3 % floor; cause not found)",
    "huelva_calibrated": "the same indicator as huelva's: returnee_earnings_premium 0.0273 at 10,000 agents vs 0.0290 "
                         "at 40,000 (seeds 0-3, 2026-11-28, the joint calibration's values)",
    "readmission": "irregular stock 6,825 at 20,000 agents vs 8,094 at 80,000 (seeds 0-3; 7,750 vs 8,463 with seeds "
                   "4-7, within noise): the irregular stock runs 6-16 % lower in the coarser world since irregular "
                   "work pays",
    "seasonal_multiannual": "returnee_earnings_premium 0.1021 at 20,000 agents vs 0.1095 at 80,000 (seeds 0-3, "
                            "2026-11-28, after the rest of the employer rules: 7 %; the same indicator as huelva's)",
    "all_instruments": "first_timer_return_next_season 0.342 at 20,000 agents vs 0.401 at 80,000 (seeds 0-3; 0.327 vs "
                       "0.384 with seeds 4-7, within noise)",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_RESOLUTION[n], strict=False))
                                  if n in KNOWN_RESOLUTION else n for n in bundled_names()])
def test_every_scenario_at_its_agent_count_and_four_times_it(name):
    s = load_scenario(name)
    assert not _differences(resolution_table(name, max(s.persons, s.data["resolution_persons"]), range(4)))
