"""Phase 6's renewal of temporary permits (Spain, RD 557/2011 art. 71): renewed with the same employer or another,
for ``temporary_renewal_months``; a worker the employer no longer wants is let go and stays."""

import numpy as np

import circsim
from circsim.state import F_FAMILY, LONG_TERM, TEMPORARY
from test_households import runs
from test_policies import higher, total


def renewals_seen(months=200, **overrides):
    """For 24 months from ``months``: the persons whose temporary permit (not a family permit) ends in the month,
    whether each had an employer, and right after the month whether they are still residents (temporary or since
    long-term) and, if temporary, their permit's remaining months."""
    s = circsim.load_scenario("baseline", persons=20000, years=20, burn_in_years=0, **overrides)
    sim = circsim.Simulation(s, 3)
    sim.advance(months)
    seen = []
    for _ in range(24):
        p = sim.persons
        due = np.flatnonzero((p.status == TEMPORARY) & (p.permit_end == sim.t) & ((p.flags & F_FAMILY) == 0))
        no_employer = p.employer[due] < 0
        t = sim.t
        sim.advance(1)
        resident = (p.status[due] == TEMPORARY) | (p.status[due] == LONG_TERM)
        remaining = p.permit_end[due][p.status[due] == TEMPORARY] - t
        seen.append((resident, no_employer, remaining))
    return seen


def test_a_renewed_temporary_permit_runs_its_renewal_months_and_needs_no_first_employer():
    """With certain renewal every expiring temporary permit is renewed, also for holders without an employer, and
    the renewed permit runs ``temporary_renewal_months`` from the month of renewal. (A few may leave in the same
    month's later phases: voluntary returns.)"""
    seen = renewals_seen(renewal_probability=1.0, temporary_renewal_months=30)
    stayed = np.concatenate([resident for resident, _, _ in seen])
    stayed_without = np.concatenate([resident[no] for resident, no, _ in seen])
    assert stayed.size > 30 and stayed_without.size > 10, (stayed.size, stayed_without.size)
    assert stayed.mean() > 0.97 and stayed_without.mean() > 0.97, (stayed.mean(), stayed_without.mean())
    assert all((remaining == 30).all() for _, _, remaining in seen)


def test_without_renewal_holders_leave_their_permit():
    """The check can fail: with no renewal the holders (not yet long-term residents) go home or overstay."""
    seen = renewals_seen(renewal_probability=0.0)
    stayed = np.concatenate([resident for resident, _, _ in seen])
    assert stayed.size > 30 and stayed.mean() < 0.9, (stayed.size, stayed.mean())


def test_renewal_probability_and_length_keep_temporary_residents_longer():
    """Paired seeds: a longer renewed permit and a higher renewal probability each raise the temporary stock and the
    long-term residents granted."""
    base = runs(temporary_renewal_months=12)
    higher(base, runs(temporary_renewal_months=24), total("stock", status="temporary"))
    higher(runs(renewal_probability=0.3), runs(renewal_probability=0.9), total("ltr_granted"))
