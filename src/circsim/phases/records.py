"""Phase 10 — Records: this month's stocks (flows were counted by the phases as they happened).

Also updates two things the next month uses: the skilled at home per origin (for the ethical
recruitment cap) and the prospect of each legal channel and destination (offers asked of the
origin's agency over the last 12 months per person registered in its pool).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..state import CH_IRREGULAR, EXITED, F_EVER_MIGRATED, HIGH_SKILL, HOME, LEGAL_CHANNELS, RETURNEE
from .common import is_abroad


@njit(cache=True)
def records(t, cal, seed, scale, p, e, w, pol, s, rec):
    none = rec.stock.shape[3] - 1
    O, K, D = s.prospect.shape
    pool = np.zeros((O, K, D))
    s.skilled_home[:] = 0.0
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == EXITED:
            continue
        o = w.comm_origin[p.community[i]]
        d = p.destination[i]
        abroad = is_abroad(st)
        rec.stock[t, st, o, d if abroad else none] += 1
        if p.flags[i] & F_EVER_MIGRATED:
            rec.ever_migrants[t, o] += 1
            rec.legal_trips[t, o] += p.trips[i]
            if p.trips[i] >= 2:
                rec.circular_migrants[t, o] += 1
        if p.skill[i] == HIGH_SKILL:
            if abroad:
                rec.skilled_abroad[t, o] += 1
            else:
                rec.skilled_home[t, o] += 1
                s.skilled_home[o] += 1.0
        k = p.channel[i]
        if (st == HOME or st == RETURNEE) and k >= 0 and k != CH_IRREGULAR:
            rec.pool_size[t, o, k] += 1
            pool[o, k, d] += 1.0
    for o in range(O):
        for k in LEGAL_CHANNELS:
            for d in range(D):
                if t < 12:
                    s.prospect[o, k, d] = 1.0
                else:
                    s.prospect[o, k, d] = min(1.0, s.intended[o, k, d, :].sum() / max(pool[o, k, d], 1.0))
