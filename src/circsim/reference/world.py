"""The structure of the reference world: origin countries, markets, and building the agents.

:class:`Origin` and :class:`Market` are plain objects (not agents): an origin country holds
its recruitment agency's pool and this month's cost, risk and openness of each channel; a
market (a destination sector) holds its employers and the vacancies open while recruiting.
:func:`build` creates every agent of a scenario exactly as the engine's ``world.py`` does
(same draws, same order), so the reference starts from the engine's initial state.
"""

from __future__ import annotations

import math

import numpy as np

from .. import rng
from . import formulas
from ..state import (CH_HIGHLY_SKILLED, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TEMPORARY, CH_TRAINEE, F_BUSINESS,
                     F_EVER_MIGRATED, HIGH_SKILL, MAX_EXPECTED_WITHDRAWAL, N_CHANNEL)
from ..world import community_agents, employer_pay
from .agents import Community, Employer, Person


class Origin:
    """An origin country: cost, risk and openness of each channel to each destination this month;
    the agency's pools; the ethical-recruitment allowance of its skilled."""

    def __init__(self, index: int, name: str, n_dest: int, n_market: int):
        K, D = N_CHANNEL, n_dest
        self.index = index
        self.name = name
        self.wage_index = 1.0                      # cumulated home wage growth since the first month
        self.removal = [0.0] * D                   # yearly removal probability if irregular in d
        self.irregular_success = 0.0               # probability an irregular attempt gets through
        self.cost = [[0.0] * D for _ in range(K)]  # [channel][destination] one-off cost, EUR
        self.risk = [[0.0] * D for _ in range(K)]  # [channel][destination] perceived probability of failure
        self.channel_open = [[0.0] * D for _ in range(K)]  # 1 when the channel to d is open to the origin
        self.quota_used = [[0.0] * K for _ in range(D)]    # [destination][channel] offers this calendar year
        self.pool = [[0.0] * D for _ in range(K)]  # eligible pool members counted while recruiting
        self.pool_experienced = [[0.0] * D for _ in range(K)]  # of them, with a good record from a legal stay
        self.intended = [[[0.0] * 12 for _ in range(D)] for _ in range(K)]  # offers asked, last 12 months
        self.prospect = [[1.0] * D for _ in range(K)]  # chance a registration leads to an offer within a year
        self.select_prob = [0.0] * n_market        # probability a newcomer in the pool is selected for a market
        self.select_prob_experienced = [0.0] * n_market  # the same for a member with a good record (ranked first)
        self.skilled_home = 0.0                    # skilled persons at home at the last records
        self.skilled_cap = 0.0                     # skilled the legal channels may still recruit this year


class Market:
    """A destination sector: its employers, the channel it recruits through and its calendar."""

    def __init__(self, model, index: int, destination: int, sector: int):
        self.model = model
        self.index = index
        self.destination = destination
        self.sector = sector
        self.employers: list[Employer] = []
        self.open = 0          # vacancies still open while recruiting
        self.ptr = 0           # next employer (position in ``employers``) to look at for a recruit
        self.rehire_round = False  # recruitment opens this month: former workers are called back
        self.withdrawn = [0.0] * 12  # selected recruits who withdrew at the job starts of the last 12 months
        self.left = [0.0] * 12       # selected recruits who left at the job starts of the last 12 months
        self.inspected = [0.0] * 12  # employers inspected in each of the last 12 months
        self.last_shortage = 0.0     # share of the places left unfilled at the last job start (seasonal work)
        self._order = None           # the employers in the order they receive places (``place_order``)

    def _p(self, name: str, t: int) -> float:
        return getattr(self.model.policy.market, name)[t, self.index]

    def channel(self, t: int) -> int:
        """The channel this market recruits through (its ``channel`` code)."""
        return int(self._p("channel", t))

    def yearly_intake(self, t: int) -> bool:
        """Seasonal work and studies start once a year; the other markets take people on every month."""
        return self.channel(t) in (CH_SEASONAL, CH_STUDENT)

    def labour_market(self, t: int) -> bool:
        """Seasonal and temporary work: employers short of workers may take on irregular workers."""
        return self.channel(t) in (CH_SEASONAL, CH_TEMPORARY)

    def stay_months(self, t: int) -> int:
        """Months of a seasonal stay: the season, capped by the destination's maximum per year."""
        cap = self.model.policy.destination.seasonal_max_months[t, self.destination]
        return int(min(self._p("season_months", t), cap))

    def work_months(self, t: int) -> int:
        """Months of work a stay brings: the seasonal stay, or a year for all-year markets."""
        return self.stay_months(t) if self.channel(t) == CH_SEASONAL else 12

    def inspected_share(self) -> float:
        """Share of the market's employers inspected in the last 12 months (the risk employers perceive)."""
        return min(sum(self.inspected) / len(self.employers), 1.0)

    def recruitment_round(self, t: int, cal: int) -> int:
        """0: no recruitment this month; 1: recruitment opens (former workers are called back first); 2: a
        top-up round. Yearly intakes recruit from ``recruitment_lead`` months before the start until the month
        before it; all-year markets every month."""
        if not self.yearly_intake(t):
            return 1
        before = (int(self._p("season_start", t)) - 1 - cal) % 12
        lead = int(self._p("recruitment_lead", t))
        if before == lead:
            return 1
        return 2 if 0 < before < lead else 0

    def expected_withdrawal(self) -> float:
        """Share of selected recruits employers expect to withdraw: the share that did at the job starts of the
        last 12 months (0 before any), capped."""
        withdrawn = sum(self.withdrawn)
        left = sum(self.left)
        if withdrawn + left <= 0:
            return 0.0
        return min(withdrawn / (withdrawn + left), MAX_EXPECTED_WITHDRAWAL)

    def work_starts_now(self, t: int, cal: int) -> bool:
        """Season or academic year start (every month for all-year markets)."""
        if not self.yearly_intake(t):
            return True
        return cal == int(self._p("season_start", t)) - 1

    def job_start(self, t: int, cal: int) -> int:
        """Month a place offered now starts: the next season (academic year) start, or now."""
        if not self.yearly_intake(t):
            return t
        return t + (int(self._p("season_start", t)) - 1 - cal) % 12

    def cost_factor(self, t: int) -> float:
        """Employers' demand multiplier for the full cost of a stay: wage bill, recruitment cost, the work-permit
        fee per stay (multi-annual seasonal permits spread it over their years); 1 outside labour markets."""
        if not self.labour_market(t):
            return 1.0
        pol = self.model.policy
        d = self.destination
        fee = pol.destination.work_permit_fee[t, d]
        if self.channel(t) == CH_SEASONAL:
            months = self.stay_months(t)
            weight = per_year = 0.0
            for o in range(len(self.model.scenario.origins)):
                weight += pol.corridor.recruitment_share[t, o, d]
                per_year += pol.corridor.recruitment_share[t, o, d] / pol.corridor.seasonal_permit_years[t, o, d]
            fee *= per_year / weight if weight > 0 else 1.0
        else:
            months = 12
            fee *= 12.0 / pol.destination.temporary_permit_months[t, d]
        return formulas.labour_demand_factor(self._p("wage", t) * months, self._p("recruitment_cost", t) + fee,
                                             pol.behaviour.labour_demand_elasticity[t])

    def place_order(self) -> list:
        """The order in which the market's employers receive its agent places as demand grows (Webster's divisor
        method: the next place to the employer with the highest size / (2 places + 1), ties to the first), for
        the most places its demand can take (its largest demand in agents, plus 2); computed once."""
        if self._order is None:
            most = math.floor(max(self.model.policy.market.demand[:, self.index]) / self.model.scale) + 2
            places = {employer.index: 0 for employer in self.employers}
            self._order = []
            for _ in range(most):
                best, top = None, -1.0
                for employer in self.employers:
                    v = employer.size / (2.0 * places[employer.index] + 1.0)
                    if v > top:
                        best, top = employer, v
                self._order.append(best)
                places[best.index] += 1
        return self._order

    def domestic_hires(self, t: int) -> float:
        """Domestic and EU workers hired before third-country workers (persons): those willing at the wage,
        reached by Community preference, at most the demand."""
        willing = formulas.domestic_willing(self._p("domestic_supply", t), self._p("wage", t),
                                            self._p("reservation_wage", t), self._p("reservation_wage_scale", t))
        return min(self._p("community_preference", t) * willing, self._p("demand", t))

    def demand_agents(self, t: int) -> float:
        """Demand for third-country workers in agents: what the domestic queue leaves, times the response to
        the cost of recruiting them and to the share of places left unfilled at the last job start."""
        return ((self._p("demand", t) - self.domestic_hires(t)) / self.model.scale * self.cost_factor(t)
                * formulas.planned_demand_factor(self.model.policy.behaviour.shortage_response[t], self.last_shortage))


def quota_of(policy, t: int, o: int, d: int, k: int) -> float:
    """The corridor o -> d's yearly quota of channel ``k`` (real persons; 0 for other channels)."""
    cor = policy.corridor
    quotas = {CH_SEASONAL: cor.quota_seasonal, CH_TEMPORARY: cor.quota_temporary,
              CH_HIGHLY_SKILLED: cor.quota_highly_skilled, CH_STUDENT: cor.quota_student,
              CH_RESEARCHER: cor.quota_researcher, CH_TRAINEE: cor.quota_trainee}
    return quotas[k][t, o, d] if k in quotas else 0.0


def permit_months(policy, t: int, d: int, k: int) -> int:
    """Length of the permit of an all-year channel ``k`` in destination ``d`` (seasonal: see consulates)."""
    dst = policy.destination
    months = {CH_HIGHLY_SKILLED: dst.hs_permit_months, CH_STUDENT: dst.study_months,
              CH_RESEARCHER: dst.research_months, CH_TRAINEE: dst.training_months}.get(k, dst.temporary_permit_months)
    return int(months[t, d])


def renewal_months(policy, t: int, d: int, k: int) -> int:
    """Length of a renewed permit of channel ``k``: a renewed temporary permit runs longer than the first."""
    if k == CH_TEMPORARY:
        return int(policy.destination.temporary_renewal_months[t, d])
    return permit_months(policy, t, d, k)


def build(model) -> None:
    """Create the origins, communities, markets, employers and the initial persons of ``model``."""
    s, seed, pol = model.scenario, model.seed, model.policy
    D, M = len(s.destinations), len(s.markets)
    model.origins = [Origin(o, name, D, M) for o, name in enumerate(s.origins)]
    agents0 = community_agents(s)
    model.communities = [Community(model, c, name, o, int(agents0[c])) for c, (o, name) in enumerate(s.communities)]
    for community in model.communities:
        community.gain = [[0.0] * D for _ in range(N_CHANNEL)]
    # markets and employers: sizes are lognormal shares of the market (computed as world.py does)
    model.markets, model.employers = [], []
    for m, (d, sector) in enumerate(s.markets):
        market = Market(model, m, d, s.sectors.index(sector))
        n = s.data["destinations"][s.destinations[d]]["sectors"][sector]["employers"]
        ids = range(len(model.employers), len(model.employers) + n)
        size_sd, trait_sd = pol.market.employer_size_sd[0, m], pol.market.employer_trait_sd[0, m]
        size = np.exp(size_sd * np.array([rng.normal(seed, rng.EMPLOYER_SIZE, 0, j) for j in ids]))
        share = size / size.sum()
        for k, j in enumerate(ids):
            employer = Employer(model, j, market, float(share[k]),
                                trait_sd * rng.normal(seed, rng.EMPLOYER_SIZE + rng.SUBSTREAM, 0, j),
                                trait_sd * rng.normal(seed, rng.EMPLOYER_SIZE + 2 * rng.SUBSTREAM, 0, j),
                                employer_pay(pol.market.employer_wage_sd[0, m],
                                             rng.normal(seed, rng.EMPLOYER_SIZE + 3 * rng.SUBSTREAM, 0, j)))
            market.employers.append(employer)
            model.employers.append(employer)
        model.markets.append(market)
    # the initial population: ages uniform over working age, slot = id, community by community
    entry, retire = int(pol.behaviour.entry_age[0]), int(pol.behaviour.retirement_age[0])
    span = (retire - entry) * 12
    model.slots = []
    for community in model.communities:
        for _ in range(int(agents0[community.index])):
            i = len(model.slots)
            age = entry * 12 + int(rng.uniform(seed, rng.INIT, 0, i) * span)
            model.slots.append(Person(model, i, i, community, age, 0, rng.INIT))
    model.next_pid = len(model.slots)
    _diaspora(model)
    # the ethical-recruitment allowance starts at the cap share of the skilled at home (reset each January);
    # the community counts behind prevalence, the home-wage effect and local unemployment
    for person in model.slots:
        if person.skill == HIGH_SKILL and not person.abroad:
            model.origins[person.origin].skilled_home += 1.0
        community = person.community
        community.residents += 1.0
        if person.flags & F_EVER_MIGRATED:
            community.experienced += 1.0
        if person.abroad:
            community.abroad += 1.0
        else:
            community.at_home += 1.0
            if person.flags & F_BUSINESS:
                community.businesses += 1.0
    for origin in model.origins:
        origin.skilled_cap = model.policy.origin.ethical_recruitment_cap[0, origin.index] * origin.skilled_home


#: person attributes the diaspora sets (``diaspora.fill_markets``, ``diaspora.place_stocks``)
_DIASPORA_FIELDS = ("status", "flags", "trips", "destination", "sector", "channel", "skill", "network", "human_capital",
                    "permit_end", "stay_end", "last_move", "last_departure", "months_abroad", "legal_months")


def _copy_into_agents(model, p) -> None:
    """Set the agents' diaspora attributes from engine-style arrays ``p`` (index: slot)."""
    for person in model.persons():
        i = person.slot
        for name in _DIASPORA_FIELDS:
            value = getattr(p, name)[i]
            setattr(person, name, float(value) if value.dtype.kind == "f" else int(value))


def _diaspora(model) -> None:
    """The markets' jobs and places filled at the start: the engine's ``diaspora.fill_markets`` on a copy of
    the initial population as arrays (the initial state is the scenario's input, not a rule of the
    schedule), copied into the agents and employers."""
    from ..diaspora import fill_markets
    from ..world import build_world, initial_employers, initial_persons

    s, seed, pol = model.scenario, model.seed, model.policy
    world = build_world(s)
    p, n = initial_persons(s, pol, seed)
    e = initial_employers(s, pol, world, seed)
    fill_markets(s, pol, world, p, e, n, seed)
    _copy_into_agents(model, p)
    for person in model.persons():
        j, last = int(p.employer[person.slot]), int(p.last_employer[person.slot])
        person.employer = model.employers[j] if j >= 0 else None
        person.last_employer = model.employers[last] if last >= 0 else None
    for employer in model.employers:
        employer.workers = int(e.workers[employer.index])


def place_stocks(model, t: int) -> None:
    """The settled and irregular diaspora at the start of month ``t``: the engine's ``diaspora.place_stocks``
    on the agents' state as arrays, copied back."""
    from types import SimpleNamespace

    from ..diaspora import place_stocks as place
    from ..state import EXITED, PERSON_FIELDS

    n = len(model.slots)
    arrays = {name: np.zeros(n, dtype=dtype) for name, dtype in PERSON_FIELDS.items()}
    arrays["status"][:] = EXITED
    for person in model.persons():
        for name in ("pid", "birth", *_DIASPORA_FIELDS):
            arrays[name][person.slot] = getattr(person, name)
        arrays["community"][person.slot] = person.community.index
    p = SimpleNamespace(**arrays)
    place(model.scenario, model.policy, np.array([c.origin for c in model.communities]), p, t, model.seed)
    _copy_into_agents(model, p)
