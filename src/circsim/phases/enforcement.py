"""Phase 7 — Enforcement: regularisation, detection, return decisions, readmission, capacity, bans.

In a month when the destination runs a regularisation programme (``regularisation`` = 1, set by
the timeline), irregular persons present for at least ``regularisation_min_months`` (and, where
``regularisation_employment`` = 1, working for an employer) become temporary workers with a
temporary permit; their employer keeps them, now legally.

Each irregular person is detected with the destination's monthly ``detection_rate``; the first
detection of an irregular episode gives a return decision, which stands for the episode (a
later detection does not issue another). At each detection the decision is carried out only if the origin country
cooperates (``readmission_cooperation``: identification and travel documents) and the
destination still has return capacity this month (persons taken in person order). A returned
person is banned from legal re-entry for ``ban_years``. Decisions not carried out leave the
person irregular.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng
from ..state import CH_TEMPORARY, F_BANNED_ONCE, F_DECIDED, F_GOOD_RECORD, IRREGULAR, R_ENFORCED, TEMPORARY
from .common import go_home


@njit(cache=True)
def enforcement(t, cal, seed, scale, p, e, w, pol, s, rec):
    D = s.dest_wage.shape[0]
    dst = pol.destination
    capacity = np.empty(D, dtype=np.int64)
    for d in range(D):
        capacity[d] = rng.stochastic_round(dst.return_capacity[t, d] / scale, seed, rng.RETURN_CAPACITY, t, d)
    for i in range(p.status.shape[0]):
        if p.status[i] != IRREGULAR:
            continue
        d = p.destination[i]
        pid = p.pid[i]
        if (dst.regularisation[t, d] > 0.5 and t - p.last_departure[i] >= dst.regularisation_min_months[t, d]
                and (p.employer[i] >= 0 or dst.regularisation_employment[t, d] < 0.5)):
            o = w.comm_origin[p.community[i]]
            p.status[i] = TEMPORARY
            p.channel[i] = CH_TEMPORARY
            p.permit_end[i] = t + int(dst.temporary_permit_months[t, d])
            p.stay_end[i] = p.permit_end[i]
            p.legal_months[i] = 0
            p.flags[i] &= ~np.uint16(F_DECIDED)
            rec.regularisations[t, o, d] += 1
            continue
        if rng.uniform(seed, rng.DETECT, t, pid) >= dst.detection_rate[t, d]:
            continue
        o = w.comm_origin[p.community[i]]
        rec.detections[t, o, d] += 1
        if not p.flags[i] & F_DECIDED:  # the decision is issued once per episode and stands
            rec.return_decisions[t, o, d] += 1
            p.flags[i] |= np.uint16(F_DECIDED)
        if capacity[d] > 0 and rng.uniform(seed, rng.READMIT, t, pid) < pol.origin.readmission_cooperation[t, o]:
            capacity[d] -= 1
            rec.returns_enforced[t, o, d] += 1
            go_home(p, i, e, w, pol, seed, t, R_ENFORCED, rec, False)
            p.ban_end[i] = t + 12 * int(dst.ban_years[t, d])
            p.flags[i] = (p.flags[i] | np.uint16(F_BANNED_ONCE)) & ~np.uint16(F_GOOD_RECORD)
