"""Phase 3b — Consulates: first-in first-out queues with a monthly capacity.

Each origin-destination consulate decides up to its capacity of applications a month, oldest
first (ties in person order). A decided application pays the fee and is refused at the
corridor's refusal rate; an approved one receives its permit: a seasonal permit covers one
season, or with ``seasonal_permit_years`` > 1 the same season of each following year
(multi-annual, multi-entry); a temporary permit runs ``temporary_permit_months`` from the job
start. An application still waiting when its season has started, or a non-seasonal offer
older than ``offer_validity_months``, loses its job offer.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng
from ..state import APPLICANT, APPROVED, CH_SEASONAL
from .common import cancel_offer, stay_months

MAX_WAIT = 64  # months; older applications are served first and recorded as waiting 63 months


@njit(cache=True)
def consulates(t, cal, seed, scale, p, e, w, pol, s, rec):
    O, D = s.removal.shape
    cor = pol.corridor
    hist = np.zeros((O, D, MAX_WAIT), dtype=np.int64)
    n = 0
    for i in range(p.status.shape[0]):
        if p.status[i] == APPLICANT:
            o = w.comm_origin[p.community[i]]
            hist[o, p.destination[i], min(t - p.app_month[i], MAX_WAIT - 1)] += 1
            n += 1
    if n == 0:
        return
    # oldest first: every application waiting longer than `cut` is decided, and `partial` of those at `cut`
    cut = np.full((O, D), -1, dtype=np.int64)
    partial = np.zeros((O, D), dtype=np.int64)
    for o in range(O):
        for d in range(D):
            cap = rng.stochastic_round(cor.consular_capacity[t, o, d] / scale, seed, rng.CONSULAR, t, o * D + d)
            for a in range(MAX_WAIT - 1, -1, -1):
                if hist[o, d, a] <= cap:
                    cap -= hist[o, d, a]
                else:
                    cut[o, d] = a
                    partial[o, d] = cap
                    break
    for i in range(p.status.shape[0]):
        if p.status[i] != APPLICANT:
            continue
        o = w.comm_origin[p.community[i]]
        d = p.destination[i]
        wait = min(t - p.app_month[i], MAX_WAIT - 1)
        decided = wait > cut[o, d]
        if not decided and wait == cut[o, d] and partial[o, d] > 0:
            partial[o, d] -= 1
            decided = True
        if decided:
            rec.wait_months_total[t, o, d] += wait
            p.savings[i] -= cor.visa_fee[t, o, d]
            if rng.uniform(seed, rng.REFUSAL, t, p.pid[i]) < cor.refusal_rate[t, o, d]:
                rec.refusals[t, o, d] += 1
                cancel_offer(p, i, e)
                continue
            rec.approvals[t, o, d] += 1
            p.status[i] = APPROVED
            start = p.stay_end[i]
            if p.channel[i] == CH_SEASONAL:
                m = e.market[p.employer[i]]
                years = int(cor.seasonal_permit_years[t, o, d])
                p.permit_end[i] = start + 12 * (years - 1) + stay_months(pol, t, m, d)
            else:
                p.permit_end[i] = start + int(pol.destination.temporary_permit_months[t, d])
            continue
        late = t >= p.stay_end[i] if p.channel[i] == CH_SEASONAL else wait >= pol.destination.offer_validity_months[t, d]
        if late:
            rec.lost_offers[t, o, d] += 1
            cancel_offer(p, i, e)
        else:
            rec.queue_length[t, o, d] += 1
