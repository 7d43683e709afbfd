"""Small compiled helpers the phases share: markets, eligibility, moving people home."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..state import (CH_SEASONAL, CH_TEMPORARY, EXITED, F_EVER_MIGRATED, F_REHIRE_OFFER, HOME, IRREGULAR,
                     NEVER, RETURNEE, SEASONAL, TEMPORARY, LONG_TERM, HIGHLY_SKILLED)

DURATION_BINS = 61  # stay durations recorded in months 0..59, and 60 for "60 or more"


@njit(cache=True, inline="always")
def is_abroad(status):
    return (status >= SEASONAL and status <= LONG_TERM) or status == IRREGULAR


@njit(cache=True, inline="always")
def is_at_home_free(status):
    """At home with no application or offer under way."""
    return status == HOME or status == RETURNEE


@njit(cache=True, inline="always")
def home_status(flags):
    return RETURNEE if flags & F_EVER_MIGRATED else HOME


@njit(cache=True, inline="always")
def age_years(birth, t):
    return (t - birth) / 12.0


@njit(cache=True, inline="always")
def market_channel(pol, t, m):
    return CH_SEASONAL if pol.market.seasonal[t, m] > 0.5 else CH_TEMPORARY


@njit(cache=True, inline="always")
def stay_months(pol, t, m, d):
    """Months of a seasonal stay: the season, capped by the destination's maximum per year."""
    return int(min(pol.market.season_months[t, m], pol.destination.seasonal_max_months[t, d]))


@njit(cache=True, inline="always")
def recruits_now(pol, t, cal, m):
    """Does market ``m`` recruit in calendar month ``cal`` (0 = January)?"""
    if pol.market.seasonal[t, m] < 0.5:
        return True
    start = int(pol.market.season_start[t, m]) - 1
    return cal == (start - int(pol.market.recruitment_lead[t, m])) % 12


@njit(cache=True, inline="always")
def work_starts_now(pol, t, cal, m):
    """Does work start in market ``m`` this month (season start; every month if not seasonal)?"""
    if pol.market.seasonal[t, m] < 0.5:
        return True
    return cal == int(pol.market.season_start[t, m]) - 1


@njit(cache=True, inline="always")
def job_start(pol, t, cal, m):
    """Month a job offered now starts: the next season start, or now for all-year work."""
    if pol.market.seasonal[t, m] < 0.5:
        return t
    return t + (int(pol.market.season_start[t, m]) - 1 - cal) % 12


@njit(cache=True, inline="always")
def selectable(ban_end, t, age, sex, k, age_min, age_max, female_only):
    """May the origin's agency select a person for channel ``k``? (ban, age and sex rules)

    Takes scalars only: helpers called once per person must not take the state or parameter
    tuples (passing them costs about a microsecond per call).
    """
    if ban_end > t:
        return False
    if age < age_min or age >= age_max + 1:
        return False
    if k == CH_SEASONAL and female_only > 0.5 and sex != 1:
        return False
    return True


@njit(cache=True, inline="always")
def market_demand_agents(pol, t, m, scale):
    """The market's demand for third-country workers, in agents (after Community preference)."""
    return pol.market.demand[t, m] / scale * (1.0 - pol.market.community_preference[t, m])


@njit(cache=True)
def allocate_to_employers(size, lo, hi, total, out):
    """Split ``total`` agents over employers ``lo..hi-1`` by their size shares, keeping the total.

    Cumulative rounding: employer j gets round(cumulated share x total) minus what the employers
    before it got, so the market total is ``round(total)`` however small the world.
    """
    cum = 0.0
    given = 0
    for j in range(lo, hi):
        cum += size[j] * total
        now = int(np.floor(cum + 0.5))
        out[j] = now - given
        given = now


@njit(cache=True, inline="always")
def clip01(x):
    return min(max(x, 0.0), 1.0)


@njit(cache=True, inline="always")
def cancel_offer(p, i, e):
    """An offer that came to nothing (refused, lost, person left): back home, employer told."""
    j = p.employer[i]
    if j >= 0:
        e.offers[j] -= 1
    p.employer[i] = -1
    p.destination[i] = -1
    p.sector[i] = -1
    p.channel[i] = -1
    p.stay_end[i] = NEVER
    p.flags[i] &= ~np.uint16(F_REHIRE_OFFER)
    p.status[i] = home_status(p.flags[i])


@njit(cache=True, inline="always")
def release_employer(p, i, e):
    j = p.employer[i]
    if j >= 0:
        e.workers[j] -= 1
    p.employer[i] = -1


@njit(cache=True, inline="always")
def go_home(p, i, e, w, t, reason, rec, legal_job):
    """Person ``i`` returns home for ``reason``: recorded, employer released, state reset."""
    c = p.community[i]
    o = w.comm_origin[c]
    d = p.destination[i]
    rec.returns[t, reason, o, d] += 1
    stay = t - p.last_departure[i]
    rec.stay_duration[t, o, min(max(stay, 0), DURATION_BINS - 1)] += 1
    rec.human_capital_returned[t, o] += p.human_capital[i] - 1.0
    if legal_job and p.employer[i] >= 0:
        p.last_employer[i] = p.employer[i]
    release_employer(p, i, e)
    p.status[i] = RETURNEE
    p.destination[i] = -1
    p.sector[i] = -1
    p.channel[i] = -1
    p.stay_end[i] = NEVER
    p.last_move[i] = t
    p.legal_months[i] = 0


@njit(cache=True, inline="always")
def leave_population(p, i, e):
    """Person ``i`` leaves the working-age population: employer and offers released, slot freed."""
    st = p.status[i]
    if is_abroad(st):
        release_employer(p, i, e)
    elif st != HOME and st != RETURNEE and p.employer[i] >= 0:
        e.offers[p.employer[i]] -= 1
    p.employer[i] = -1
    p.status[i] = EXITED
