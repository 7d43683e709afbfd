"""Employers who decide (issue: employers): recruitment rounds and over-requesting, withdrawal after
selection, demand that responds to the cost of recruiting, labour inspections and sanctions.

Paired-seed comparisons (common random numbers), one-sided as in ``test_policies.py``.
"""

import numpy as np
import pytest

import circsim
from circsim.state import CH_SEASONAL, CH_TEMPORARY
from test_households import H, runs  # the same small world and seeds: their runs are shared
from test_policies import higher


def seasonal(var):
    """A market record summed over the seasonal markets."""
    return lambda ds: float(ds[var].where(ds.market_channel == "seasonal").sum())


def test_withdrawal_is_a_decision_on_the_stays_gain():
    """Selected persons withdraw less when the stay pays more, and more when circumstances at home weigh more
    (a lower intercept)."""
    base = runs()
    higher(base, runs(departure_intercept=-1.0), H("withdrawal_share"))
    higher(runs(**{"destinations.Spain.sectors.seasonal_agriculture.wage": 1400.0}), base, H("withdrawal_share"))


def test_employers_over_request_to_cover_the_withdrawals_they_expect():
    """Where recruits withdraw, employers ask for more places than they need (requests / vacancies above 1),
    and where consulates keep up, the shortage rises much less than the withdrawal share. (Where they do not, or quotas bind, the extra requests are lost.)"""
    open_consulates = dict(consular_capacity=1e6, quota_seasonal=1e7)
    few, many = runs(departure_intercept=6.0, **open_consulates), runs(departure_intercept=-0.5, **open_consulates)
    ratio = lambda ds: seasonal("requests")(ds) / seasonal("vacancies")(ds)  # noqa: E731
    higher(few, many, ratio)
    withdrawn = [np.mean([H("withdrawal_share")(ds) for ds in r]) for r in (few, many)]
    unfilled = [np.mean([H("shortage_rate_seasonal")(ds) for ds in r]) for r in (few, many)]
    assert withdrawn[1] - withdrawn[0] > 0.2, withdrawn
    # measured 2026-11-28: withdrawals +0.287, shortage +0.153. Without over-requesting every withdrawal would
    # leave its place empty; the part not made up comes from employers holding one or two agents each (the
    # shortage is counted per employer: tests/test_initial_state.py::RESOLUTION_EXEMPT)
    assert unfilled[1] - unfilled[0] < 0.6 * (withdrawn[1] - withdrawn[0]), (withdrawn, unfilled)


def test_top_up_rounds_lower_the_unfilled_share():
    """Recruiting in three monthly rounds before the season (instead of one) leaves fewer places empty."""
    one, three = runs(recruitment_lead=1), runs(recruitment_lead=3)
    higher(three, one, H("shortage_rate_seasonal"))
    assert np.mean([H("recruitment_rounds_per_year")(ds) for ds in three]) > 2.0


def test_recruitment_costs_and_permit_fees_lower_requests():
    base = runs()
    higher(runs(recruitment_cost=2000.0), base, seasonal("requests"))
    higher(runs(work_permit_fee=1500.0), base, seasonal("requests"))


def test_multiannual_permits_raise_requests_where_they_cut_costs():
    """A multi-annual permit spreads the employer's permit fee over its years: more demand where there is a fee,
    the same demand where there is none."""
    fee = dict(work_permit_fee=1500.0)
    higher(runs(**fee), runs(**fee, seasonal_permit_years=3), seasonal("vacancies"))
    # without a fee the cost is the same (the demand planned to past shortages held fixed: a permit changes who
    # comes back, and with it the shortage)
    free = [seasonal("vacancies")(ds) for ds in runs(shortage_response=0.0)]
    free3 = [seasonal("vacancies")(ds) for ds in runs(seasonal_permit_years=3, shortage_response=0.0)]
    assert free == free3


def test_inspections_lower_irregular_employment_and_overstays():
    """Labour inspections find irregular workers (detected, the employer fined and excluded), deter employers
    from hiring them, and raise the removal risk that overstayers weigh. The direction, with inspections of
    nine employers in ten a year; at realistic rates the effects are small (docs/VALIDATION.md, "Employers")."""
    none, some = runs(inspection_rate=0.0), runs(inspection_rate=0.9)
    higher(some, none, lambda ds: float(ds.irregular_employed.sum()))  # the stock at work, not the hires
    higher(some, none, H("noncompliant_share"))
    higher(some, none, H("overstay_rate"))
    higher(none, some, lambda ds: float(ds.sanctions.sum()))
    assert all(float(ds.inspections.sum()) == 0 and float(ds.fines.sum()) == 0 for ds in none)


def test_a_sanctioned_employer_is_excluded_from_the_legal_channels():
    """One employer per market, inspected every month, willing to hire irregular workers: once found with any,
    it requests no place through the legal channels for ``exclusion_years``."""
    s = circsim.load_scenario("baseline", persons=4000, years=8, burn_in_years=1, employers=1, inspection_rate=1.0,
                              compliance=0.0, deterrence=0.0, exclusion_years=3, asc_irregular=0.0)
    ds = circsim.run(s, 3)
    sanctions = ds.sanctions.stack(m=("destination", "sector")).dropna("m")
    requests = ds.requests.stack(m=("destination", "sector")).dropna("m")
    checked = 0
    for m in sanctions.m.values:
        months = np.flatnonzero(sanctions.sel(m=m).values > 0)
        if len(months):
            first = months[0]
            assert float(requests.sel(m=m)[first + 1:first + 36].sum()) == 0.0, m
            checked += 1
    assert checked > 0


def test_better_pay_at_a_firm_raises_its_returners_loyalty():
    """Former workers weigh their employer's pay against the sector's: across the employers of a world with
    wide pay differences, the better payers keep more of the workers they call back."""
    s = circsim.load_scenario("baseline", persons=8000, years=6, burn_in_years=3, employer_wage_sd=0.3)
    sim = circsim.Simulation(s, 2)
    sim.run()
    e = sim.employers
    called = e.callbacks >= 5
    kept = 1.0 - e.declined[called] / e.callbacks[called]
    assert called.sum() > 20
    assert np.corrcoef(np.log(e.pay[called]), kept)[0, 1] > 0.3


def test_employer_changes_among_returners_follow_the_declined_callbacks():
    """Returners who decline a callback go to another employer through the agency: the share who change
    employer rises when loyalty falls."""
    shares = [H("employer_change_share")(ds) for ds in runs()]
    assert all(0.0 < x < 1.0 for x in shares), shares
    higher(runs(), runs(loyalty_intercept=0.0), H("employer_change_share"))


def test_community_preference_is_a_queue_of_domestic_and_eu_workers():
    """Domestic and EU workers willing at the wage are hired first; third-country workers fill what is left.
    A higher wage draws more of them (fewer places for third-country workers); without the preference
    (community_preference 0) every place goes to third-country recruitment."""
    base = runs()
    domestic = seasonal("domestic_hired")
    assert all(domestic(ds) > 0 for ds in base)
    higher(base, runs(**{"destinations.Spain.sectors.seasonal_agriculture.wage": 1200.0}), domestic)
    higher(base, runs(community_preference=0.0), seasonal("vacancies"))
    assert all(domestic(ds) == 0 for ds in runs(community_preference=0.0))
    # the queue's size follows the wage as the log-logistic supply says: a third willing at the wage
    s = circsim.load_scenario("baseline", persons=2000, years=1, burn_in_years=0)
    sim = circsim.Simulation(s, 1)
    from circsim.phases.common import domestic_hires
    m = s.markets.index((0, "seasonal_agriculture"))
    assert domestic_hires(sim.policy, 0, m) == pytest.approx(4500 / 3)


def test_the_agency_ranks_candidates_with_a_good_record_first():
    """Employers rank recruits by record and experience: with a stronger preference for candidates with a good
    record from an earlier stay, more of the season's workers are repeat workers."""
    higher(runs(experience_weight=1.0), runs(experience_weight=10.0), H("repeat_participation"))


def test_employers_plan_less_work_after_a_shortage():
    """Employers cut their demand for the season by a share of the places left unfilled at the last season's
    start: with withdrawals that leave places empty, a stronger response means fewer places."""
    short = dict(departure_intercept=-0.5)
    higher(runs(**short, shortage_response=0.9), runs(**short, shortage_response=0.0), seasonal("vacancies"))


def test_surplus_recruits_are_re_placed_with_employers_still_short():
    """At the job start the agencies move new recruits from employers that received more than they need to
    the market's employers still short: with no rehire, a market is left with both a surplus of new arrivals
    and places empty only through what happens after the job start in the same month (returns, removals)."""
    s = circsim.load_scenario("baseline", persons=40000, years=2, burn_in_years=1, rehire_propensity=0.0)
    sim = circsim.Simulation(s, 4)
    e, w = sim.employers, sim.world
    left = arrived = 0
    while not sim.done:
        sim.step()
        t = sim.t - 1
        for m in range(len(w.market_dest)):
            lo, hi = w.market_first[m], w.market_first[m + 1]
            if sim.records.vacancies[t, m] <= 0:
                continue
            gap = e.demand[lo:hi] - e.workers[lo:hi]
            surplus = np.minimum(np.maximum(-gap, 0), sim.scratch.emp_arrivals[lo:hi]).sum()
            left += min(surplus, np.maximum(gap, 0).sum())
            arrived += sim.scratch.emp_arrivals[lo:hi].sum()
    moved = sim.records.reassigned.sum()
    assert moved > 0, (moved, arrived)
    assert left < 0.01 * arrived, (left, moved, arrived)


def test_a_firms_pay_reaches_recruits_through_their_network():
    """Recruits who know a firm's pay (its former workers, and others through a tie abroad) weigh it before the
    job start: withdrawals concentrate at the low payers, and more so where ties reach everyone."""
    def withdrawal_pay_gap(prevalence_network, network_share):
        s = circsim.load_scenario("baseline", persons=8000, years=6, burn_in_years=3, employer_wage_sd=0.3,
                                  departure_intercept=0.0, prevalence_network=prevalence_network,
                                  network_share=network_share)
        gaps = []
        for seed in (1, 2, 3):
            sim = circsim.Simulation(s, seed)
            sim.run()
            e = sim.employers
            labour = np.isin(sim.policy.market.channel[0][e.market], (CH_SEASONAL, CH_TEMPORARY))
            w = e.withdrawn[labour].astype(float)
            size = e.size[labour]
            # the pay of the average withdrawal against the pay of the average place
            gaps.append(np.average(np.log(e.pay[labour]), weights=size)
                        - np.average(np.log(e.pay[labour]), weights=w))
        return np.array(gaps)

    wide, none = withdrawal_pay_gap(1.0, 1.0), withdrawal_pay_gap(0.0, 0.0)
    assert (wide > 0).all(), wide
    assert wide.mean() > none.mean(), (wide, none)
