"""Phase 9 — Demography: ageing, exits at retirement age, counted entries of new cohorts.

Ageing is implicit (age = month - month of birth). Everyone reaching ``retirement_age`` leaves
the working-age population wherever they are (an exit, counted by community; the slot is
freed). Each community receives ``entry_rate`` x its initial number of agents / 12 new
entrants a month (stochastically rounded), aged ``entry_age``, at home, with fresh ids; they
fill free slots in slot order.
"""

from __future__ import annotations

from numba import njit

from .. import rng
from ..state import EXITED
from ..world import init_person
from .common import leave_population


@njit(cache=True)
def place_entrants(t, seed, p, w, pol, s, rec):
    """Put this month's entrants (``s.entrants_left``) into free slots; returns how many found none."""
    b, com = pol.behaviour, pol.community
    C = s.entrants_left.shape[0]
    c = 0
    left = 0
    for c2 in range(C):
        left += s.entrants_left[c2]
    if left == 0:
        return 0
    for i in range(p.status.shape[0]):
        if p.status[i] != EXITED:
            continue
        while c < C and s.entrants_left[c] == 0:
            c += 1
        if c == C:
            break
        pid = s.next_pid[0]
        s.next_pid[0] += 1
        init_person(p, i, pid, c, int(b.entry_age[t]) * 12, t, seed, rng.ENTRANT, b.propensity_sd[t],
                    com.female_share[t, c], com.share_medium[t, c], com.share_high[t, c], com.network_share[t, c])
        s.entrants_left[c] -= 1
        rec.entries[t, c] += 1
        left -= 1
    return left


@njit(cache=True)
def demography(t, cal, seed, scale, p, e, w, pol, s, rec):
    retire = int(pol.behaviour.retirement_age[t]) * 12
    for i in range(p.status.shape[0]):
        if p.status[i] != EXITED and t - p.birth[i] >= retire:
            leave_population(p, i, e)
            rec.exits[t, p.community[i]] += 1
    for c in range(s.entrants_left.shape[0]):
        n = w.comm_agents0[c] * pol.community.entry_rate[t, c] / 12.0
        s.entrants_left[c] = rng.stochastic_round(n, seed, rng.ENTRY_COUNT, t, c)
    return place_entrants(t, seed, p, w, pol, s, rec)
