"""Phase 8b — Family reunification.

A legal resident abroad — on a temporary, highly skilled or research permit after the
destination's ``reunification_min_years`` of legal residence, or a long-term resident — who has
not yet brought a family member and is not one brings one with ``reunification_hazard`` a month
(Directive 2003/86/EC; the inflow that fed most of the settled diaspora: two thirds of Moroccans'
first permits were for family reasons, docs/ODD.md phase 8b). The family member is a person of
the other sex of the sponsor's community at home (never migrated or returned, aged
``family_age_min`` or more, not a former sponsor, without a planned irregular departure or a re-entry ban): every such
person joins with probability (this month's sponsors of the other sex in the community) / (such
persons), at a destination drawn in proportion to the sponsors' destinations — the number who
join equals the number of sponsors in expectation, and each person decides on their own draw.

A family member holds a family residence permit (a temporary permit flagged ``F_FAMILY``, no
employer; works at the destination's mean wage like other residents without an employer; phase
5), renewed at expiry with ``family_renewal_probability`` whether or not they work (phase 6), and
counts towards long-term residence like every legal stay. A family member does not sponsor, and a
sponsor sponsors once. The tie between the two is not kept: either may return alone.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng
from ..state import (CH_IRREGULAR, CH_TEMPORARY, F_EVER_MIGRATED, F_FAMILY, F_PREV_SEASONAL, F_REHIRE_OFFER, F_SPONSOR,
                     F_TIE_RENEWED, HALF_MONTHS_PER_YEAR, HIGHLY_SKILLED, HOME, LONG_TERM, RESEARCHER, RETURNEE,
                     TEMPORARY)
from .common import permit_months


@njit(cache=True, inline="always")
def may_join(status, flags, channel, ban_end, birth, t, age_min_months):
    """May a person at home join a sponsor abroad? (not one who has brought a family member already)"""
    return ((status == HOME or status == RETURNEE) and not (flags & F_SPONSOR) and channel != CH_IRREGULAR
            and ban_end <= t and t - birth >= age_min_months)


@njit(cache=True)
def family(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, dst = pol.behaviour, pol.destination
    hazard = b.reunification_hazard[t]
    if hazard <= 0.0:
        return
    C = w.comm_origin.shape[0]
    D = dst.reunification_min_years.shape[1]
    min_months = np.empty(D)
    permit = np.empty(D, dtype=np.int64)  # a family permit runs as a temporary permit
    for d in range(D):
        min_months[d] = HALF_MONTHS_PER_YEAR * dst.reunification_min_years[t, d]
        permit[d] = permit_months(pol, t, d, CH_TEMPORARY)
    age_min = b.family_age_min[t] * 12.0
    sponsors = np.zeros((C, D, 2))   # this month's sponsors by community, destination and sex
    candidates = np.zeros((C, 2))    # persons at home who may join, by community and sex
    n = p.status.shape[0]
    for i in range(n):
        st = p.status[i]
        if st == TEMPORARY or st == HIGHLY_SKILLED or st == RESEARCHER or st == LONG_TERM:
            if p.flags[i] & (F_FAMILY | F_SPONSOR):
                continue
            d = p.destination[i]
            if st != LONG_TERM and p.legal_months[i] < min_months[d]:
                continue
            if rng.uniform(seed, rng.FAMILY, t, p.pid[i]) < hazard:
                p.flags[i] |= np.uint16(F_SPONSOR)
                sponsors[p.community[i], d, p.sex[i]] += 1.0
                rec.family_sponsors[t, w.comm_origin[p.community[i]], d] += 1
        elif may_join(st, p.flags[i], p.channel[i], p.ban_end[i], p.birth[i], t, age_min):
            candidates[p.community[i], p.sex[i]] += 1.0
    for i in range(n):
        if not may_join(p.status[i], p.flags[i], p.channel[i], p.ban_end[i], p.birth[i], t, age_min):
            continue
        c = p.community[i]
        other = 1 - p.sex[i]
        wanted = 0.0
        for d in range(D):
            wanted += sponsors[c, d, other]
        if wanted <= 0.0:
            continue
        u = rng.uniform(seed, rng.FAMILY_JOIN, t, p.pid[i]) * candidates[c, p.sex[i]]
        if u >= wanted:
            continue
        dest = D - 1
        acc = 0.0
        for d in range(D):
            acc += sponsors[c, d, other]
            if u < acc:
                dest = d
                break
        p.status[i] = TEMPORARY
        p.channel[i] = CH_TEMPORARY
        p.destination[i] = dest
        p.employer[i] = -1
        p.sector[i] = -1
        p.permit_end[i] = t + permit[dest]
        p.stay_end[i] = p.permit_end[i]
        p.flags[i] = ((p.flags[i] | np.uint16(F_EVER_MIGRATED | F_FAMILY))
                      & ~np.uint16(F_PREV_SEASONAL | F_REHIRE_OFFER | F_TIE_RENEWED))
        p.trips[i] = min(p.trips[i] + 1, 255)
        p.last_departure[i] = t
        p.last_move[i] = t
        p.legal_months[i] = 0
        p.network[i] = 1.0
        rec.family_reunified[t, w.comm_origin[c], dest] += 1
