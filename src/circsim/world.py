"""The world a scenario describes: structure, the initial population, employers, scratch space."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from . import rng
from .scenario.loader import Scenario
from .state import (AT_HOME, EMPLOYER_FIELDS, EXITED, F_BUSINESS, F_EVER_MIGRATED, HIGH_SKILL, HOME, LOW_SKILL, MEDIUM_SKILL, N_CHANNEL, NEVER, Employers,
                    Persons, empty_persons)

#: Fixed structure: which origin a community belongs to, which destination and sector a
#: market (destination sector) is, which employers belong to a market.
World = namedtuple("World", ["comm_origin", "market_dest", "market_sector", "market_first", "comm_agents0"])

#: Per-month working arrays owned by the engine (not outputs).
Scratch = namedtuple("Scratch", [
    "quota_used",      # [O, D, channel] offers made this calendar year, agents
    "home_income",     # [C] expected monthly earnings at home now, EUR (wage x (1 - unemployment)), no migration experience
    "unemployment",    # [C] unemployment at home now, after the jobs of returnees' businesses
    "prevalence",      # [C] migration prevalence: share of the community's residents who have ever migrated
    "residents",       # [C] living persons of the community (at home or abroad) at the last records
    "experienced",     # [C] of them, those who have ever migrated
    "abroad",          # [C] of them, those abroad
    "businesses",      # [C] returnee businesses whose owner is at home
    "remitted",        # [C] remittances received last month, agent-EUR
    "at_home",         # [C] residents at home
    "gain",            # [C, channel, D] expected yearly income gain of a channel and destination over staying, EUR
    "gain_months",     # [channel, D] months of work a year the gain counts (demand-weighted; 12 outside seasons)
    "cost",            # [O, channel, D] one-off cost, EUR
    "risk",            # [O, channel, D] perceived probability of failure
    "channel_open",    # [O, channel, D] 1 when the channel to the destination is open to the origin
    "irregular_success",  # [O] probability that an irregular attempt gets through
    "dest_wage",       # [D] mean wage in the destination (informal work, jobs without an employer), EUR/month
    "removal",         # [O, D] yearly removal probability of an irregular person
    "emp_target",      # [E] migrant workers the employer wants in season (its share of market demand)
    "emp_open",        # [E] vacancies still open while recruiting
    "emp_arrivals",    # [E] workers who arrived this month
    "rehire_mass",     # [E] expected callbacks: sum of eligible former workers' rehire probabilities
    "rehire_calls",    # [E] former workers the employer calls back this recruitment round
    "rehire_start",    # [E] random start of the employer's systematic sample of former workers
    "rehire_cum",      # [E] running sum of rehire probabilities while sampling
    "pool",            # [O, channel, D] eligible pool members counted while recruiting
    "pool_experienced",  # [O, channel, D] of them, those with a good record from an earlier legal stay
    "intended",        # [O, channel, D, 12] offers the agencies were asked for, last 12 months (ring)
    "prospect",        # [O, channel, D] chance that a pool registration leads to an offer within a year
    "select_prob",     # [O, M] probability a newcomer in the pool is selected for market M this month
    "select_prob_experienced",  # [O, M] the same for a pool member with a good record (ranked first)
    "market_open",     # [M] open vacancies left in the market while recruiting
    "rehire_round",    # [M] 1 when the market's recruitment opens this month (former workers are called back)
    "job_withdrawn",   # [M, 12] selected recruits who withdrew at the job starts of the last 12 months (ring)
    "job_left",        # [M, 12] selected recruits who left at the job starts of the last 12 months (ring)
    "last_shortage",   # [M] share of the places left unfilled at the market's last job start
    "inspected",       # [E] 1 when a labour inspection visits the employer this month
    "found",           # [E] irregular workers the inspection found at the employer this month
    "inspect_ring",    # [M, 12] employers of the market inspected in each of the last 12 months (ring)
    "irregular_at_work",  # [D] share of the irregular persons present working for an employer (last month)
    "informal_work",   # [D] factor of informal work left by deterred employers (1 without inspections)
    "slot_first",      # [M + 1] where each market's places start in ``slot_owner``
    "slot_owner",      # [places] the employer of each place, in the order demand gives them (Webster)
    "market_ptr",      # [M] next employer to look at when placing a recruit
    "room",            # [E] employers with room when the agencies select, market by market
    "room_first",      # [M + 1] where each market's employers with room start in ``room``
    "wage_index",      # [O] cumulated home wage growth since the first month
    "skilled_home",    # [O] skilled (tertiary) persons at home at the last records
    "skilled_cap",     # [O] skilled persons the legal channels may still recruit this year (ethical cap)
    "next_pid",        # [1] next person id
    "entrants_left",   # [C] entrants not yet placed this month (no free slot)
])


def build_world(s: Scenario) -> World:
    comm_origin = np.array([o for o, _ in s.communities], dtype=np.int64)
    sectors = s.sectors
    market_dest = np.array([d for d, _ in s.markets], dtype=np.int64)
    market_sector = np.array([sectors.index(m) for _, m in s.markets], dtype=np.int64)
    counts = [s.data["destinations"][s.destinations[d]]["sectors"][m]["employers"] for d, m in s.markets]
    market_first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    agents0 = community_agents(s)
    return World(comm_origin, market_dest, market_sector, market_first, agents0.astype(np.float64))


def community_agents(s: Scenario) -> np.ndarray:
    """Initial agents per community: countries by population, then communities by share.

    The population of each origin country is the sum of its communities' shares over all
    shares (each community's ``population_share`` is a weight within the whole scenario).
    Rounded with the largest-remainder method so the total equals ``persons``.
    """
    weights = np.array([s.data["origins"][s.origins[o]]["communities"][c]["population_share"]
                        for o, c in s.communities], dtype=np.float64)
    exact = s.persons * weights / weights.sum()
    agents = np.floor(exact).astype(np.int64)
    short = s.persons - agents.sum()
    order = np.argsort(-(exact - agents), kind="stable")
    agents[order[:short]] += 1
    return agents


@njit(cache=True)
def init_person(p, i, pid, c, age_months, t, seed, stream, sd, female, medium, high, network_share):
    """Fill slot ``i`` with a new person at home (draws keyed by the person id)."""
    u = rng.uniform
    p.pid[i] = pid
    p.community[i] = c
    p.birth[i] = t - age_months
    p.sex[i] = 1 if u(seed, stream + 1 * rng.SUBSTREAM, 0, pid) < female else 0
    us = u(seed, stream + 2 * rng.SUBSTREAM, 0, pid)
    p.skill[i] = HIGH_SKILL if us < high else (MEDIUM_SKILL if us < high + medium else LOW_SKILL)
    p.status[i] = HOME
    p.flags[i] = 0
    p.trips[i] = 0
    p.destination[i] = -1
    p.sector[i] = -1
    p.channel[i] = -1
    p.propensity[i] = np.exp(sd * rng.normal(seed, stream + 3 * rng.SUBSTREAM, 0, pid))
    p.network[i] = 1.0 if u(seed, stream + 4 * rng.SUBSTREAM, 0, pid) < network_share else 0.0
    p.human_capital[i] = 1.0
    p.savings[i] = 0.0
    p.assets[i] = 0.0
    p.debt[i] = 0.0
    p.employer[i] = -1
    p.last_employer[i] = -1
    p.permit_end[i] = NEVER
    p.stay_end[i] = NEVER
    p.app_month[i] = NEVER
    p.last_move[i] = NEVER
    p.last_departure[i] = NEVER
    p.months_abroad[i] = 0
    p.legal_months[i] = 0
    p.ban_end[i] = NEVER
    p.visa_end[i] = NEVER
    p.short_stay[i] = NEVER


@njit(cache=True)
def _populate(p, agents, seed, entry_age, retirement_age, sd, female, medium, high, network):
    i = 0
    span = (retirement_age - entry_age) * 12
    for c in range(agents.shape[0]):
        for _ in range(agents[c]):
            age = entry_age * 12 + int(rng.uniform(seed, rng.INIT, 0, i) * span)
            init_person(p, i, i, c, age, 0, seed, rng.INIT, sd, female[c], medium[c], high[c], network[c])
            i += 1
    return i


def initial_persons(s: Scenario, policy, seed: int) -> tuple[Persons, int]:
    """The initial population (everyone at home, ages uniform over working age); next id."""
    agents = community_agents(s)
    capacity = int(s.persons * 1.05) + 16
    p = empty_persons(capacity)
    b, c = policy.behaviour, policy.community
    n = _populate(p, agents, seed, int(b.entry_age[0]), int(b.retirement_age[0]), b.propensity_sd[0],
                  c.female_share[0], c.share_medium[0], c.share_high[0], c.network_share[0])
    return p, n


def initial_employers(s: Scenario, policy, world: World, seed: int) -> Employers:
    """Employers of every market: sizes as lognormal shares of the market's demand, traits around the means."""
    n = int(world.market_first[-1])
    e = Employers(**{name: np.zeros(n, dtype=dt) for name, dt in EMPLOYER_FIELDS.items()})
    m = policy.market
    for k in range(len(world.market_dest)):
        lo, hi = world.market_first[k], world.market_first[k + 1]
        ids = np.arange(lo, hi)
        z = np.array([rng.normal(seed, rng.EMPLOYER_SIZE, 0, j) for j in ids])
        size = np.exp(m.employer_size_sd[0, k] * z)
        e.market[lo:hi] = k
        e.size[lo:hi] = size / size.sum()
        sd = m.employer_trait_sd[0, k]
        e.rehire_offset[lo:hi] = [sd * rng.normal(seed, rng.EMPLOYER_SIZE + rng.SUBSTREAM, 0, j) for j in ids]
        e.compliance_offset[lo:hi] = [sd * rng.normal(seed, rng.EMPLOYER_SIZE + 2 * rng.SUBSTREAM, 0, j) for j in ids]
        e.pay[lo:hi] = [employer_pay(m.employer_wage_sd[0, k], rng.normal(seed, rng.EMPLOYER_SIZE + 3 * rng.SUBSTREAM, 0, j))
                        for j in ids]
    return e


def employer_pay(sd: float, z: float) -> float:
    """An employer's pay relative to its sector's wage: lognormal with mean 1, exp(sd z - sd^2 / 2)."""
    return float(np.exp(sd * z - sd * sd / 2.0))


def community_counts(p: Persons, C: int) -> dict[str, np.ndarray]:
    """Residents, ever-migrants, persons abroad, businesses with the owner at home and persons at home,
    by community (the records phase keeps them up to date each month)."""
    living = p.status != EXITED
    home = np.isin(p.status, AT_HOME)
    count = lambda keep: np.bincount(p.community[keep], minlength=C).astype(float)  # noqa: E731
    return {"residents": count(living), "experienced": count(living & (p.flags & F_EVER_MIGRATED > 0)),
            "abroad": count(living & ~home), "businesses": count(home & (p.flags & F_BUSINESS > 0)),
            "at_home": count(home), "remitted": np.zeros(C)}


def scratch(s: Scenario, policy, world: World, e: Employers, next_pid: int, p: Persons) -> Scratch:
    """Working arrays; the ethical-recruitment allowance starts at the cap share of the skilled at home."""
    O, D, C, M = len(s.origins), len(s.destinations), len(s.communities), len(s.markets)
    K = N_CHANNEL
    f = np.zeros
    at_home = np.isin(p.status, AT_HOME)
    skilled = np.bincount(world.comm_origin[p.community[at_home & (p.skill == HIGH_SKILL)]], minlength=O).astype(float)
    counts = community_counts(p, C)
    from .phases.common import demand_slots, most_places  # the phases import this module's types

    n_employers = len(e.market)
    slot_first, slot_owner = demand_slots(e.size, world.market_first, most_places(policy, s.scale))
    return Scratch(
        quota_used=f((O, D, K)), home_income=f(C), unemployment=f(C), prevalence=f(C), **counts,
        gain=f((C, K, D)), gain_months=f((K, D)), cost=f((O, K, D)), risk=f((O, K, D)),
        channel_open=f((O, K, D)), irregular_success=f(O), dest_wage=f(D), removal=f((O, D)),
        emp_target=f(n_employers, dtype=np.int64), emp_open=f(n_employers, dtype=np.int64),
        emp_arrivals=f(n_employers, dtype=np.int64), rehire_mass=f(n_employers), rehire_calls=f(n_employers, dtype=np.int64),
        rehire_start=f(n_employers), rehire_cum=f(n_employers), pool=f((O, K, D)), pool_experienced=f((O, K, D)), intended=f((O, K, D, 12)),
        prospect=np.ones((O, K, D)), select_prob=f((O, M)),
        select_prob_experienced=f((O, M)), market_open=f(M, dtype=np.int64),
        rehire_round=f(M, dtype=np.int64), job_withdrawn=f((M, 12)), job_left=f((M, 12)), last_shortage=f(M),
        inspected=f(n_employers, dtype=np.int64), found=f(n_employers, dtype=np.int64), inspect_ring=f((M, 12)),
        irregular_at_work=f(D), informal_work=np.ones(D),
        slot_first=slot_first, slot_owner=slot_owner, market_ptr=world.market_first[:-1].copy(), room=f(n_employers, dtype=np.int64),
        room_first=f(M + 1, dtype=np.int64), wage_index=np.ones(O), skilled_home=skilled,
        skilled_cap=policy.origin.ethical_recruitment_cap[0] * skilled, next_pid=np.array([next_pid], dtype=np.int64), entrants_left=f(C, dtype=np.int64),
    )
