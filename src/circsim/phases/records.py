"""Phase 10 — Records: this month's stocks (flows were counted by the phases as they happened)."""

from __future__ import annotations

from numba import njit

from ..state import (CH_SEASONAL, CH_TEMPORARY, EXITED, F_EVER_MIGRATED, HOME, RETURNEE)
from .common import is_abroad


@njit(cache=True)
def records(t, cal, seed, scale, p, e, w, pol, s, rec):
    none = rec.stock.shape[3] - 1
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
        if p.skill[i] == 2:
            if abroad:
                rec.skilled_abroad[t, o] += 1
            else:
                rec.skilled_home[t, o] += 1
        k = p.channel[i]
        if (st == HOME or st == RETURNEE) and (k == CH_SEASONAL or k == CH_TEMPORARY):
            rec.pool_size[t, o, k] += 1
    # prospect of a legal channel: offers asked of the origin's agency over the last year / pool now
    for o in range(s.prospect.shape[0]):
        for k in (CH_SEASONAL, CH_TEMPORARY):
            if t < 12:
                s.prospect[o, k] = 1.0
            else:
                yearly = s.intended[o, k, :].sum()
                s.prospect[o, k] = min(1.0, yearly / max(rec.pool_size[t, o, k], 1.0))
