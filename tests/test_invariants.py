"""Invariants: nobody lost or duplicated, counts consistent, one status per person."""

import numpy as np

from circsim import Simulation
from circsim.state import (APPLICANT, APPROVED, EXITED, HIGHLY_SKILLED, IRREGULAR, LONG_TERM, N_STATUS, RESEARCHER,
                           SEASONAL, STUDENT, TEMPORARY, TRAINEE)

ABROAD = [SEASONAL, TEMPORARY, HIGHLY_SKILLED, STUDENT, RESEARCHER, TRAINEE, LONG_TERM, IRREGULAR]


def test_population_accounting_every_month(small):
    sim = Simulation(small, seed=3)
    initial = sim.alive
    entries = exits = 0
    for _ in range(small.total_months):
        sim.step()
        t = sim.t - 1
        entries += sim.records.entries[t].sum()
        exits += sim.records.exits[t].sum()
        alive = sim.alive
        assert alive == initial + entries - exits
        assert sim.records.stock[t].sum() == alive
    assert entries > 0 and exits > 0


def test_no_person_duplicated_and_one_status_each(small):
    sim = Simulation(small, seed=4)
    sim.run()
    p = sim.persons
    alive = p.status != EXITED
    assert len(np.unique(p.pid[alive])) == alive.sum()
    assert ((p.status >= 0) & (p.status < N_STATUS)).all()
    # ids are never reused: every id below next_pid, entrants after the initial population
    assert p.pid[alive].max() < sim.scratch.next_pid[0]


def test_employer_books_match_persons(small):
    sim = Simulation(small, seed=5)
    for _ in range(small.total_months // 7):
        sim.advance(7)
        p, e = sim.persons, sim.employers
        abroad = np.isin(p.status, ABROAD) & (p.employer >= 0)
        workers = np.bincount(p.employer[abroad], minlength=len(e.workers))
        assert (workers == e.workers).all()
        waiting = np.isin(p.status, [APPLICANT, APPROVED])
        offers = np.bincount(p.employer[waiting], minlength=len(e.offers))
        assert (offers == e.offers).all()


def test_no_negative_counts(small):
    ds = Simulation(small, seed=6).run()
    for name, var in ds.data_vars.items():
        if name == "remittances" or var.dtype.kind != "f":
            continue
        assert float(var.min(skipna=True)) >= 0, name


def test_at_home_persons_have_no_destination(small):
    sim = Simulation(small, seed=7)
    sim.run()
    p = sim.persons
    abroad = np.isin(p.status, ABROAD)
    assert (p.destination[abroad] >= 0).all()
    legal = np.isin(p.status, [SEASONAL, TRAINEE])  # always with an employer (others may move on)
    assert (p.employer[legal] >= 0).all()


def test_market_demand_is_kept_however_small_the_world():
    """Employers' shares of a market's demand add up to the market's demand rounded with the market's
    offset, whose expectation over seeds is the demand itself (no rounding bias at coarse resolution)."""
    import circsim
    from circsim.phases.common import market_demand_agents, market_offset

    tiny = circsim.load_scenario("baseline", persons=1000, years=1, burn_in_years=0)
    totals = []
    for seed in range(200):
        sim = Simulation(tiny, seed)
        sim.step()
        w, s = sim.world, sim.scratch
        row = []
        for m in range(len(w.market_dest)):
            total = s.emp_target[w.market_first[m]:w.market_first[m + 1]].sum()
            wanted = market_demand_agents(sim.policy, 0, m, w.market_dest[m], tiny.scale, 0.0)
            assert total == np.floor(wanted + market_offset(seed, m))
            row.append(total)
        totals.append(row)
    wanted = np.array([market_demand_agents(sim.policy, 0, m, w.market_dest[m], tiny.scale, 0.0)
                       for m in range(len(w.market_dest))])
    mean, se = np.mean(totals, axis=0), np.std(totals, axis=0) / np.sqrt(200) + 1e-9
    assert (np.abs(mean - wanted) < 4 * se + 1e-9).all(), (mean, wanted)
