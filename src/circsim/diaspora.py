"""The world as it stands at the start: who is abroad, in which status, and with what history.

Everyone is first placed at home (``world.initial_persons``); this module then moves some of
them abroad or gives them a past:

1. **Jobs and places filled** (``fill_markets``, in the first simulated month: the burn-in
   settles the workforce, its rehiring and the queues). Every market's migrant demand (after Community preference) is
   filled at the start by persons of the origins, split by the corridors' ``recruitment_share``
   (origins whose quota of the market's channel is 0 get none), employer by employer as the
   recruitment phase sizes them. An all-year worker (temporary, highly skilled, researcher,
   trainee) or student is abroad with a permit that ends uniformly within its length; a seasonal
   worker is abroad if the season is on, otherwise at home with the employer's tie and a good
   record. Seasonal workers' past seasons follow the repeat share of a scheme in its steady
   state: P(trips = n) = (1 - r) r^(n - 1), r = ``initial_repeat_share``.
2. **Settled and irregular residents** (``place_stocks``, at the start of the first recorded
   month, among persons at home who never migrated, topping up what the burn-in produced, so
   the stocks stand at the scenario's figures when recording starts (where the burn-in
   produced more, none are added); ``diaspora_long_term``, ``diaspora_irregular`` per
   corridor, real persons of the modelled communities): long-term residents have lived
   ``ltr_years`` plus an exponential number of years abroad (mean ``diaspora_years_abroad``),
   irregular residents an exponential number (same mean), both within their working life; a
   long-term resident has already brought a family member (``F_SPONSOR``) with the chance the
   reunification hazard gave over the months abroad since the destination allowed it.
3. **Returnees** (``diaspora_returnees``): at home, one past legal stay in the destination that
   ended before the start.

Persons are drawn from each origin at random (stream ``rng.DIASPORA``, one order per block),
among those a channel's rules admit (age, sex, skill). Counts in agents are real persons / ``scale``,
rounded stochastically, so the expected stocks are the same at every agent count.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import rng
from .phases.common import (allocate_to_employers, demand_slots, market_demand_agents, most_places, market_offset, permit_months, quota_of,
                            selectable, stay_months)
from .state import (CH_HIGHLY_SKILLED, CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TEMPORARY,
                    CHANNEL_STATUS, F_EVER_IRREGULAR, F_EVER_MIGRATED, F_EVER_SEASONAL, F_FORMER_RESIDENT, F_SPONSOR,
                    F_GOOD_RECORD, F_PREV_SEASONAL, HOME, IRREGULAR, LONG_TERM, LONG_TERM_AWAY, NEVER, RETURNEE,
                    SEASONAL)

#: sub-streams of rng.DIASPORA
_ORDER, _COUNT, _MONTHS, _TRIPS, _PERMIT, _SPONSOR = range(6)


def _draw(seed, sub, key, month=0):
    return rng.uniform(seed, rng.DIASPORA + sub * rng.SUBSTREAM, month, key)


@njit(cache=True)
def _ranks(seed, block, pids):
    out = np.empty(pids.shape[0])
    for i in range(pids.shape[0]):
        out[i] = rng.uniform(seed, rng.DIASPORA, block, pids[i])
    return out


@njit(cache=True)
def _eligible(p, n, t, k, age_min, age_max, female_only, student_age_max, trainee_age_max):
    """Persons a channel's rules admit (as the recruitment phase applies them)."""
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        out[i] = selectable(NEVER, t, (t - p.birth[i]) / 12.0, p.sex[i], p.skill[i], k, age_min, age_max,
                            female_only, student_age_max, trainee_age_max)
    return out


class _Picker:
    """Persons not yet placed: ``take`` draws ``count`` of an origin that a rule admits, at random.

    Each block (a market, a stock of a corridor) orders its candidates by its own draws, so one
    block's choice does not bias the next one's (a shared order would leave later blocks the
    persons earlier, age-restricted blocks passed over).
    """

    def __init__(self, p, n: int, origin_of: np.ndarray, seed: int, first_block: int):
        self.pids = p.pid[:n].astype(np.int64)
        self.free = np.ones(n, dtype=bool)
        self.origin_of = origin_of
        self.seed = seed
        self.blocks = first_block

    def take(self, o: int, count: int, admitted: np.ndarray) -> np.ndarray:
        self.blocks += 1
        candidates = np.flatnonzero(self.free & (self.origin_of == o) & admitted)
        rank = _ranks(self.seed, self.blocks, self.pids[candidates])
        chosen = candidates[np.argsort(rank, kind="stable")[:count]]
        self.free[chosen] = False
        return chosen


def _go_abroad(p, b, t, i, d, status, channel, months):
    """Person ``i`` has lived ``months`` in destination ``d`` up to month ``t`` (one legal trip)."""
    p.status[i] = status
    p.destination[i] = d
    p.channel[i] = channel
    p.months_abroad[i] = months
    p.last_departure[i] = t - months
    p.last_move[i] = t - months
    p.network[i] = 1.0
    p.human_capital[i] = 1.0 + b.hc_growth[t] * months
    p.trips[i] = 1
    p.flags[i] |= np.uint16(F_EVER_MIGRATED)


def _working_months(p, n, t, entry_age):
    """Months of working life each person has lived by month ``t``."""
    return (t - p.birth[:n].astype(np.int64)) - int(entry_age) * 12


def fill_markets(s, pol, world, p, e, n: int, seed: int) -> None:
    """Item 1 of the module docstring, in the first simulated month (the burn-in then settles them)."""
    t = 0
    cal = s.start_index % 12
    b, cor, org, mkt = pol.behaviour, pol.corridor, pol.origin, pol.market
    O = len(s.origins)
    picker = _Picker(p, n, world.comm_origin[p.community[:n]], seed, 0)
    working = _working_months(p, n, t, b.entry_age[t])
    targets = np.zeros(len(e.market), dtype=np.int64)
    first, owner = demand_slots(e.size, world.market_first, most_places(pol, s.scale))
    for m, (d, _) in enumerate(s.markets):
        k = int(mkt.channel[t, m])
        shares = np.array([cor.recruitment_share[t, o, d] if quota_of(pol, t, o, d, k) > 0 else 0.0
                           for o in range(O)])
        lo, hi = world.market_first[m], world.market_first[m + 1]
        allocate_to_employers(first, owner, m, lo, hi, market_demand_agents(pol, t, m, d, s.scale, 0.0),
                              market_offset(seed, m), targets)
        places = np.repeat(np.arange(lo, hi), targets[lo:hi])  # one entry per place: its employer
        if shares.sum() <= 0 or len(places) == 0:
            continue
        origin_of_place = np.searchsorted(np.cumsum(shares / shares.sum()), (np.arange(len(places)) + 0.5) / len(places))
        season = stay_months(pol, t, m, d) if k == CH_SEASONAL else 0
        since_start = (cal - int(mkt.season_start[t, m]) + 1) % 12
        for o in range(O):
            mine = places[origin_of_place == o]
            admitted = _eligible(p, n, t, k, org.selection_age_min[t, o], org.selection_age_max[t, o],
                                 org.selection_female_only[t, o], b.student_age_max[t], b.trainee_age_max[t])
            for i, j in zip(picker.take(o, len(mine), admitted), mine):
                key = int(p.pid[i])
                if k == CH_SEASONAL:
                    r = b.initial_repeat_share[t]
                    u = _draw(seed, _TRIPS, key)
                    trips = 1 + (int(math.log(1.0 - u) / math.log(r)) if r > 0 else 0)
                    trips = int(min(trips, max(working[i] // 12, 1), 255))
                    months = season * (trips - 1) + min(since_start, season)
                    _go_abroad(p, b, t, i, d, SEASONAL, CH_SEASONAL, int(min(months, max(working[i], 0))))
                    p.trips[i] = trips
                    p.flags[i] |= np.uint16(F_EVER_SEASONAL | F_PREV_SEASONAL | F_GOOD_RECORD)
                    p.last_departure[i] = t - since_start
                    if since_start < int(mkt.season_months[t, m]):  # the season is on: at work
                        p.employer[i] = j
                        p.sector[i] = world.market_sector[m]
                        p.stay_end[i] = t - since_start + season
                        e.workers[j] += 1
                    else:  # between seasons: at home, tied to the employer
                        p.status[i] = RETURNEE
                        p.last_move[i] = t - since_start + season
                        p.destination[i] = -1
                        p.channel[i] = -1
                        p.last_employer[i] = j
                    continue
                length = permit_months(pol, t, d, k)
                done = int(_draw(seed, _PERMIT, key) * length)
                months = int(min(done, max(working[i], 0)))
                _go_abroad(p, b, t, i, d, CHANNEL_STATUS[k], k, months)
                p.employer[i] = j
                p.sector[i] = world.market_sector[m]
                p.permit_end[i] = t + length - done
                p.stay_end[i] = p.permit_end[i]
                p.legal_months[i] = months if k == CH_STUDENT else 2 * months
                if p.legal_months[i] >= 24 or k == CH_HIGHLY_SKILLED or k == CH_RESEARCHER:
                    p.flags[i] |= np.uint16(F_FORMER_RESIDENT)
                e.workers[j] += 1


def place_stocks(s, pol, comm_origin, p, t: int, seed: int) -> None:
    """Items 2 and 3 of the module docstring, at the start of month ``t`` (the first recorded month),
    among persons at home who never migrated and have no application or registration under way."""
    b, cor, dst = pol.behaviour, pol.corridor, pol.destination
    O, D = len(s.origins), len(s.destinations)
    n = len(p.status)
    picker = _Picker(p, n, comm_origin[p.community[:n]], seed, 1000)
    picker.free &= (p.status[:n] == HOME) & (p.channel[:n] < 0)
    working = _working_months(p, n, t, b.entry_age[t])
    stocks = (cor.diaspora_long_term, cor.diaspora_irregular, cor.diaspora_returnees)
    origin_of = comm_origin[p.community[:n]]
    status, where = p.status[:n], p.destination[:n]
    for o in range(O):
        for d in range(D):
            here = (origin_of == o) & (where == d)
            already = (np.count_nonzero(here & ((status == LONG_TERM) | (status == LONG_TERM_AWAY))),
                       np.count_nonzero(here & (status == IRREGULAR)), 0)
            mean = 12.0 * cor.diaspora_years_abroad[t, o, d]
            ltr = 12 * int(dst.ltr_years[t, d])
            for block, stock in enumerate(stocks):
                count = rng.stochastic_round(stock[t, o, d] / s.scale, seed, rng.DIASPORA + _COUNT * rng.SUBSTREAM,
                                             block, o * D + d) - already[block]  # the burn-in's own count
                need = ltr if block == 0 else 12
                for i in picker.take(o, max(count, 0), working >= need):
                    key = int(p.pid[i])
                    extra = int(-mean * math.log(1.0 - _draw(seed, _MONTHS, key)))
                    if block == 0:
                        months = int(min(ltr + extra, working[i]))
                        _go_abroad(p, b, t, i, d, LONG_TERM, CH_TEMPORARY, months)
                        p.legal_months[i] = 2 * ltr
                        p.flags[i] |= np.uint16(F_FORMER_RESIDENT)
                        # has brought a family member already with the chance the reunification hazard gave
                        # over the months abroad since it first could (phase 8b)
                        could = max(months - 12.0 * dst.reunification_min_years[t, d], 0.0)
                        if _draw(seed, _SPONSOR, key) < 1.0 - (1.0 - b.reunification_hazard[t]) ** could:
                            p.flags[i] |= np.uint16(F_SPONSOR)
                    elif block == 1:
                        months = int(max(min(extra, working[i]), 1))
                        _go_abroad(p, b, t, i, d, IRREGULAR, CH_IRREGULAR, months)
                        p.trips[i] = 0
                        p.flags[i] |= np.uint16(F_EVER_IRREGULAR)
                    else:  # a past legal stay of ``months`` that ended ``ago`` months before month t
                        span = int(working[i]) - 12
                        months = int(max(min(extra, span), 1))
                        ago = 12 + int(_draw(seed, _PERMIT, key) * max(span - months, 0))
                        _go_abroad(p, b, t, i, d, RETURNEE, -1, months)
                        p.destination[i] = -1
                        p.last_move[i] = t - ago
                        p.last_departure[i] = t - ago - months
                        p.flags[i] |= np.uint16(F_GOOD_RECORD)
