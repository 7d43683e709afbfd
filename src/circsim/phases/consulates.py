"""Phase 3b — Consulates: first-in first-out queues with a monthly capacity.

Each origin-destination consulate decides up to its capacity of applications a month
(``consular_capacity`` x ``consular_hours``), oldest first, ties in person order. Where the
origin has a common visa application centre, the consulates of all destinations pool their
capacity, raised by ``cvac_capacity_gain``, into one queue. Under a facilitation agreement,
students, researchers, trainees and bona fide returnees (a clean record from an earlier legal
stay) are decided before the others and pay no fee; others pay the fee (from savings, the rest
borrowed) unless exempted
(``fee_exemption``). A decided application is refused at the corridor's refusal rate; an
approved one receives its permit: a seasonal permit covers one season, or with
``seasonal_permit_years`` > 1 the same season of each following year (multi-annual,
multi-entry); other permits run for their channel's duration from the job start. An
application still waiting when its season or academic year has started, or an all-year offer
older than ``offer_validity_months``, loses its offer.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng
from ..state import APPLICANT, APPROVED, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TRAINEE, F_GOOD_RECORD
from .common import cancel_offer, pay, permit_months, stay_months, yearly_intake

MAX_WAIT = 64  # months; older applications are served first and recorded as waiting 63 months


@njit(cache=True, inline="always")
def priority(facilitation, k, flags):
    """1 for applicants a facilitation agreement (the corridor's ``facilitation_agreement``) puts first, else 0.
    Scalars only: it runs once per applicant (docs/BENCHMARKS.md, issue 14)."""
    if facilitation < 0.5:
        return 0
    if k == CH_STUDENT or k == CH_RESEARCHER or k == CH_TRAINEE or (flags & F_GOOD_RECORD):
        return 1
    return 0


@njit(cache=True)
def consulates(t, cal, seed, scale, p, e, w, pol, s, rec):
    O, D = s.removal.shape
    cor = pol.corridor
    pooled = pol.origin.common_visa_centre
    facilitation = cor.facilitation_agreement[t]  # read once, not per applicant
    R = 2 * MAX_WAIT  # queue rank: priority x MAX_WAIT + wait; highest first
    hist = np.zeros((O, D, R), dtype=np.int64)
    n = 0
    for i in range(p.status.shape[0]):
        if p.status[i] == APPLICANT:
            o = w.comm_origin[p.community[i]]
            d = p.destination[i]
            q = 0 if pooled[t, o] > 0.5 else d
            rank = priority(facilitation[o, d], p.channel[i], p.flags[i]) * MAX_WAIT + min(t - p.app_month[i], MAX_WAIT - 1)
            hist[o, q, rank] += 1
            n += 1
    if n == 0:
        return
    # per queue: every application ranked above `cut` is decided, and `partial` of those at `cut`
    cut = np.full((O, D), -1, dtype=np.int64)
    partial = np.zeros((O, D), dtype=np.int64)
    for o in range(O):
        for q in range(D):
            if pooled[t, o] > 0.5:
                if q > 0:
                    continue
                capacity = 0.0
                for d in range(D):
                    capacity += cor.consular_capacity[t, o, d] * cor.consular_hours[t, o, d]
                capacity *= 1.0 + pol.behaviour.cvac_capacity_gain[t]
            else:
                capacity = cor.consular_capacity[t, o, q] * cor.consular_hours[t, o, q]
            cap = rng.stochastic_round(capacity / scale, seed, rng.CONSULAR, t, o * D + q)
            for r in range(R - 1, -1, -1):
                if hist[o, q, r] <= cap:
                    cap -= hist[o, q, r]
                else:
                    cut[o, q] = r
                    partial[o, q] = cap
                    break
    for i in range(p.status.shape[0]):
        if p.status[i] != APPLICANT:
            continue
        o = w.comm_origin[p.community[i]]
        d = p.destination[i]
        k = p.channel[i]
        q = 0 if pooled[t, o] > 0.5 else d
        prio = priority(facilitation[o, d], k, p.flags[i])
        wait = min(t - p.app_month[i], MAX_WAIT - 1)
        rank = prio * MAX_WAIT + wait
        decided = rank > cut[o, q]
        if not decided and rank == cut[o, q] and partial[o, q] > 0:
            partial[o, q] -= 1
            decided = True
        if decided:
            rec.wait_months_total[t, o, d] += wait
            if prio == 0 and rng.uniform(seed, rng.FEE, t, p.pid[i]) >= cor.fee_exemption[t, o, d]:
                pay(p, i, cor.visa_fee[t, o, d])
            if rng.uniform(seed, rng.REFUSAL, t, p.pid[i]) < cor.refusal_rate[t, o, d]:
                rec.refusals[t, k, o, d] += 1
                cancel_offer(p, i, e)
                continue
            rec.approvals[t, k, o, d] += 1
            p.status[i] = APPROVED
            start = p.stay_end[i]
            if k == CH_SEASONAL:
                m = e.market[p.employer[i]]
                years = int(cor.seasonal_permit_years[t, o, d])
                p.permit_end[i] = start + 12 * (years - 1) + stay_months(pol, t, m, d)
            else:
                p.permit_end[i] = start + permit_months(pol, t, d, k)
            continue
        m = e.market[p.employer[i]]
        late = t >= p.stay_end[i] if yearly_intake(pol, t, m) else wait >= pol.destination.offer_validity_months[t, d]
        if late:
            rec.lost_offers[t, k, o, d] += 1
            cancel_offer(p, i, e)
        else:
            rec.queue_length[t, o, d] += 1
