"""Phase 7 — Enforcement: inspections, regularisation, detection, return decisions, readmission, capacity, bans.

Labour inspectors visit each employer of seasonal and temporary work with the destination's
``inspection_rate`` a year. Irregular workers of an inspected employer are detected for certain;
the employer lets them go, pays ``employer_fine`` for each and is excluded from recruiting through
the legal channels for ``exclusion_years`` (Employer Sanctions Directive 2009/52/EC).

In a month when the destination runs a regularisation programme (``regularisation`` = 1, set by
the timeline), irregular persons present for at least ``regularisation_min_months`` (and, where
``regularisation_employment`` = 1, working for an employer) become temporary workers with a
temporary permit; an all-year employer keeps them, now legally (a seasonal employer lets them go: a
temporary permit is all-year, and they work in the rest of the economy).
Where the destination regularises continuously (Spain's *arraigo*: ``arraigo_min_months`` > 0),
an irregular person present that long, working this month (for an employer, or in the informal
job of phase 5's draw) and without a return decision is regularised in a month with the monthly
equivalent of ``arraigo_rate``, the same way.

Each other irregular person is detected with the destination's monthly ``detection_rate``; the first
detection of an irregular episode gives a return decision, which stands for the episode (a
later detection does not issue another). At each detection the decision goes down the chain: the
person is held for removal (``removal_held_share``) or released with the order to leave; a held
person needs a travel document unless they hold a valid passport (``passport_share``, a fixed trait),
which the origin issues with ``readmission_cooperation`` (identification); and the destination must
still have return capacity this month (persons taken in person order). A returned person is banned
from legal re-entry for ``ban_years``. Decisions not carried out leave the person irregular.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import CH_SEASONAL, CH_TEMPORARY, F_BANNED_ONCE, F_DECIDED, F_GOOD_RECORD, IRREGULAR, R_ENFORCED, TEMPORARY
from .common import go_home, labour_market, market_channel, release_employer


@njit(cache=True)
def enforcement(t, cal, seed, scale, p, e, w, pol, s, rec):
    D = s.dest_wage.shape[0]
    M = w.market_dest.shape[0]
    dst, b = pol.destination, pol.behaviour
    capacity = np.empty(D, dtype=np.int64)
    for d in range(D):
        capacity[d] = rng.stochastic_round(dst.return_capacity[t, d] / scale, seed, rng.RETURN_CAPACITY, t, d)
    # labour inspections visit employers of seasonal and temporary work
    s.inspected[:] = 0
    s.found[:] = 0
    for m in range(M):
        s.inspect_ring[m, t % 12] = 0.0
        rate = dst.inspection_rate[t, w.market_dest[m]]
        if rate <= 0 or not labour_market(pol, t, m):
            continue
        visit = rules.monthly_probability(rate)
        for j in range(w.market_first[m], w.market_first[m + 1]):
            if rng.uniform(seed, rng.INSPECT, t, j) < visit:
                s.inspected[j] = 1
                s.inspect_ring[m, t % 12] += 1.0
                rec.inspections[t, m] += 1
    present = np.zeros(D)
    at_work = np.zeros(D)
    for i in range(p.status.shape[0]):
        if p.status[i] != IRREGULAR:
            continue
        d = p.destination[i]
        pid = p.pid[i]
        j = p.employer[i]
        present[d] += 1.0
        if j >= 0:
            at_work[d] += 1.0
            rec.irregular_employed[t, w.comm_origin[p.community[i]], d] += 1
        present_months = t - p.last_departure[i]
        programme = (dst.regularisation[t, d] > 0.5 and present_months >= dst.regularisation_min_months[t, d]
                     and (j >= 0 or dst.regularisation_employment[t, d] < 0.5))
        arraigo = (dst.arraigo_min_months[t, d] > 0 and present_months >= dst.arraigo_min_months[t, d]
                   and not p.flags[i] & F_DECIDED
                   and (j >= 0 or rng.uniform(seed, rng.IRREGULAR_JOB, t, pid)  # working: this month's informal job
                        < b.irregular_employment[t] * s.informal_work[d])
                   and rng.uniform(seed, rng.ARRAIGO, t, pid) < rules.monthly_probability(dst.arraigo_rate[t, d]))
        if programme or arraigo:
            o = w.comm_origin[p.community[i]]
            p.status[i] = TEMPORARY
            p.channel[i] = CH_TEMPORARY
            p.permit_end[i] = t + int(dst.temporary_permit_months[t, d])
            p.stay_end[i] = p.permit_end[i]
            p.legal_months[i] = 0
            p.flags[i] &= ~np.uint16(F_DECIDED)
            if j >= 0 and market_channel(pol, t, e.market[j]) == CH_SEASONAL:
                release_employer(p, i, e)  # a temporary permit is all year: a seasonal job does not hold it
            rec.regularisations[t, o, d] += 1
            continue
        found = j >= 0 and s.inspected[j] == 1
        if not found and rng.uniform(seed, rng.DETECT, t, pid) >= dst.detection_rate[t, d]:
            continue
        o = w.comm_origin[p.community[i]]
        rec.detections[t, o, d] += 1
        if found:  # the employer is fined for the worker and lets them go
            s.found[j] += 1
            rec.irregular_found[t, e.market[j]] += 1
            rec.fines[t, e.market[j]] += dst.employer_fine[t, d]
            release_employer(p, i, e)
        if not p.flags[i] & F_DECIDED:  # the decision is issued once per episode and stands
            rec.return_decisions[t, o, d] += 1
            p.flags[i] |= np.uint16(F_DECIDED)
        # the chain: held for removal (or released with the order to leave), a travel document (a valid
        # passport, or the origin's identification and documents), the month's return capacity
        if rng.uniform(seed, rng.HELD, t, pid) >= b.removal_held_share[t]:
            continue
        rec.held_for_removal[t, o, d] += 1
        if (rng.uniform(seed, rng.PASSPORT, 0, pid) >= b.passport_share[t]
                and rng.uniform(seed, rng.READMIT, t, pid) >= pol.origin.readmission_cooperation[t, o]):
            rec.no_travel_document[t, o, d] += 1
            continue
        if capacity[d] > 0:
            capacity[d] -= 1
            rec.returns_enforced[t, o, d] += 1
            go_home(p, i, e, w, pol, seed, t, R_ENFORCED, rec, False)
            p.ban_end[i] = t + 12 * int(dst.ban_years[t, d])
            p.flags[i] = (p.flags[i] | np.uint16(F_BANNED_ONCE)) & ~np.uint16(F_GOOD_RECORD)
    # employers found with irregular workers are sanctioned: fined (above) and excluded from the legal channels
    for m in range(M):
        for j in range(w.market_first[m], w.market_first[m + 1]):
            if s.found[j] > 0:
                rec.sanctions[t, m] += 1
                e.excluded_until[j] = t + 12 * int(dst.exclusion_years[t, w.market_dest[m]])
    for d in range(D):
        s.irregular_at_work[d] = at_work[d] / present[d] if present[d] > 0 else 0.0
