"""Phase 2 — Recruitment: employers open vacancies, rehire former workers, then recruit new ones.

In a market's recruitment month (every month for all-year sectors) each employer opens its
migrant-facing vacancies (demand after Community preference, less workers and offers it
already has). Former workers with a good record are offered rehire first (employer rehire
propensity, raised by the scheme's rehire priority); then the origin agencies fill the rest
from their recruitment pools, within each corridor's yearly quota, each offer turned into a
match with the origin's job-matching efficiency. A person holding a permit still valid at the
job start goes straight to APPROVED; the others file an application at the consulate.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (APPLICANT, APPROVED, CH_SEASONAL, CH_TEMPORARY, F_GOOD_RECORD, F_REHIRE_OFFER)
from .common import (age_years, clip01, is_at_home_free, job_start, market_channel, recruits_now, selectable)


@njit(cache=True, inline="always")
def quota_left(pol, s, t, o, d, k, scale):
    quota = pol.corridor.quota_seasonal[t, o, d] if k == CH_SEASONAL else pol.corridor.quota_temporary[t, o, d]
    return quota / scale - s.quota_used[o, d, k]


@njit(cache=True, inline="always")
def make_offer(p, i, e, w, pol, s, rec, t, cal, j, rehire, scale):
    """Offer person ``i`` a job at employer ``j``; False when the corridor's quota is used up."""
    m = e.market[j]
    d = w.market_dest[m]
    o = w.comm_origin[p.community[i]]
    k = market_channel(pol, t, m)
    start = job_start(pol, t, cal, m)
    has_permit = (k == CH_SEASONAL and p.permit_end[i] > start and p.last_employer[i] >= 0
                  and w.market_dest[e.market[p.last_employer[i]]] == d)  # a multi-annual seasonal permit
    if not has_permit:
        if quota_left(pol, s, t, o, d, k, scale) < 1.0:
            return False
        s.quota_used[o, d, k] += 1.0
    p.employer[i] = j
    p.destination[i] = d
    p.sector[i] = w.market_sector[m]
    p.channel[i] = k
    p.stay_end[i] = start
    if rehire:
        p.flags[i] |= np.uint16(F_REHIRE_OFFER)
    else:
        p.flags[i] &= ~np.uint16(F_REHIRE_OFFER)
    if has_permit:
        p.status[i] = APPROVED
    else:
        p.status[i] = APPLICANT
        p.app_month[i] = t
        rec.applications[t, o, d] += 1
    e.offers[j] += 1
    s.emp_open[j] -= 1
    s.market_open[m] -= 1
    return True


@njit(cache=True)
def recruitment(t, cal, seed, scale, p, e, w, pol, s, rec):
    M = w.market_dest.shape[0]
    O = s.pool.shape[0]
    n_open = 0
    for m in range(M):
        s.market_open[m] = 0
        recruiting = recruits_now(pol, t, cal, m)
        for j in range(w.market_first[m], w.market_first[m + 1]):
            s.emp_open[j] = 0
            if recruiting:
                gap = s.emp_target[j] - e.workers[j] - e.offers[j]
                if gap > 0:
                    s.emp_open[j] = gap
                    s.market_open[m] += gap
                    n_open += gap
    s.intended[:, :, t % 12] = 0.0
    if n_open == 0:
        return
    # 1. rehire of former workers; count the agencies' eligible pools on the way
    s.pool[:] = 0.0
    retire = pol.behaviour.retirement_age[t]
    org = pol.origin
    for i in range(p.status.shape[0]):
        if not is_at_home_free(p.status[i]):
            continue
        o = w.comm_origin[p.community[i]]
        j = p.last_employer[i]
        if (j >= 0 and s.emp_open[j] > 0 and (p.flags[i] & F_GOOD_RECORD) and p.ban_end[i] <= t
                and age_years(p.birth[i], t) < retire):
            m = e.market[j]
            d = w.market_dest[m]
            q = rules.rehire_probability(clip01(pol.market.rehire_propensity[t, m] + e.rehire_offset[j]),
                                         pol.corridor.rehire_priority[t, o, d])
            if rng.uniform(seed, rng.REHIRE, t, p.pid[i]) < q:
                if make_offer(p, i, e, w, pol, s, rec, t, cal, j, True, scale):
                    continue
        k = p.channel[i]
        if (k == CH_SEASONAL or k == CH_TEMPORARY) and selectable(
                p.ban_end[i], t, age_years(p.birth[i], t), p.sex[i], k, org.selection_age_min[t, o],
                org.selection_age_max[t, o], org.selection_female_only[t, o]):
            s.pool[o, k] += 1.0
    # 2. selection probabilities: open vacancies shared among origins by recruitment share,
    #    capped by quota, each offer a match with the origin's matching efficiency
    s.select_prob[:, :] = 0.0
    for m in range(M):
        if s.market_open[m] <= 0:
            continue
        d = w.market_dest[m]
        k = market_channel(pol, t, m)
        # what each origin's agency is asked for, whatever its pool (drives the prospect of registering)
        total = 0.0
        for o in range(O):
            total += pol.corridor.recruitment_share[t, o, d]
        for o in range(O):
            if total > 0:
                asked = min(s.market_open[m] * pol.corridor.recruitment_share[t, o, d] / total,
                            max(quota_left(pol, s, t, o, d, k, scale), 0.0))
                s.intended[o, k, t % 12] += asked * pol.origin.matching_efficiency[t, o]
        total = 0.0
        for o in range(O):
            if s.pool[o, k] > 0 and quota_left(pol, s, t, o, d, k, scale) >= 1.0:
                total += pol.corridor.recruitment_share[t, o, d]
        if total <= 0:
            continue
        for o in range(O):
            if s.pool[o, k] <= 0 or quota_left(pol, s, t, o, d, k, scale) < 1.0:
                continue
            offers = s.market_open[m] * pol.corridor.recruitment_share[t, o, d] / total
            offers = min(offers, quota_left(pol, s, t, o, d, k, scale))
            s.select_prob[o, m] = offers * pol.origin.matching_efficiency[t, o] / s.pool[o, k]
    for o in range(O):
        for k in (CH_SEASONAL, CH_TEMPORARY):
            total = 0.0
            for m in range(M):
                if market_channel(pol, t, m) == k:
                    total += s.select_prob[o, m]
            if total > 1.0:
                for m in range(M):
                    if market_channel(pol, t, m) == k:
                        s.select_prob[o, m] /= total
    # 3. the agencies select pool members; each recruit goes to the next employer with room
    for i in range(p.status.shape[0]):
        if not is_at_home_free(p.status[i]):
            continue
        k = p.channel[i]
        if k != CH_SEASONAL and k != CH_TEMPORARY:
            continue
        o = w.comm_origin[p.community[i]]
        if s.pool[o, k] <= 0 or not selectable(p.ban_end[i], t, age_years(p.birth[i], t), p.sex[i], k,
                                               org.selection_age_min[t, o], org.selection_age_max[t, o],
                                               org.selection_female_only[t, o]):
            continue
        u = rng.uniform(seed, rng.SELECT, t, p.pid[i])
        acc = 0.0
        for m in range(M):
            if market_channel(pol, t, m) != k or s.select_prob[o, m] <= 0:
                continue
            acc += s.select_prob[o, m]
            if u < acc:
                if s.market_open[m] > 0:
                    lo = w.market_first[m]
                    n_emp = w.market_first[m + 1] - lo
                    j = s.market_ptr[m]
                    for _ in range(n_emp):
                        if s.emp_open[j] > 0:
                            break
                        j = lo + (j - lo + 1) % n_emp
                    make_offer(p, i, e, w, pol, s, rec, t, cal, j, False, scale)
                    s.market_ptr[m] = lo + (j - lo + 1) % n_emp
                break
