"""Phase 6 — End of stay: return or overstay when an allowed stay ends; renewals.

A seasonal stay ends with the season; a temporary permit at its end date is renewed with
``renewal_probability`` while the employer still wants the worker. Otherwise the person
returns (a logistic probability, see ``rules.return_probability``: a multi-annual permit still
valid for a coming season, the expected rehire by the same employer, savings against the
person's target and the expected removal risk favour return; the gain from irregular work and
the years spent abroad favour overstaying) or overstays and becomes irregular. Irregular
workers of a seasonal employer are let go when the season ends.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (CH_IRREGULAR, F_EVER_IRREGULAR, F_GOOD_RECORD, IRREGULAR, NEVER, R_END_OF_PERMIT,
                     R_END_OF_SEASON, SEASONAL, TEMPORARY)
from .common import clip01, go_home, release_employer


@njit(cache=True, inline="always")
def end_stay(p, i, e, w, pol, s, rec, t, seed, reason):
    b = pol.behaviour
    c = p.community[i]
    o = w.comm_origin[c]
    d = p.destination[i]
    j = p.employer[i]
    has_permit = 1.0 if p.permit_end[i] > t + 1 else 0.0
    rehire = 0.0
    if p.status[i] == SEASONAL and j >= 0:
        m = e.market[j]
        rehire = rules.rehire_probability(clip01(pol.market.rehire_propensity[t, m] + e.rehire_offset[j]),
                                          pol.corridor.rehire_priority[t, o, d])
    target = rules.savings_target(pol.community.savings_target[t, c], rng.normal(seed, rng.TARGET, 0, p.pid[i]))
    p_return = rules.return_probability(
        b.return_intercept[t], b.return_permit[t], has_permit, b.return_rehire[t], rehire,
        b.return_savings[t], p.savings[i] / target if target > 0 else 2.0,
        b.return_enforcement[t], s.removal[o, d], b.return_gain[t], s.irregular_gain[c, d],
        b.return_years_abroad[t], p.months_abroad[i] / 12.0)
    rec.stays_ended[t, o, d] += 1
    if rng.uniform(seed, rng.END_OF_STAY, t, p.pid[i]) < p_return:
        go_home(p, i, e, w, t, reason, rec, True)
        p.flags[i] |= np.uint16(F_GOOD_RECORD)
    else:
        rec.overstays[t, o, d] += 1
        p.last_employer[i] = j
        release_employer(p, i, e)
        p.status[i] = IRREGULAR
        p.channel[i] = CH_IRREGULAR
        p.sector[i] = -1
        p.permit_end[i] = NEVER
        p.stay_end[i] = NEVER
        p.flags[i] = (p.flags[i] | np.uint16(F_EVER_IRREGULAR)) & ~np.uint16(F_GOOD_RECORD)


@njit(cache=True)
def end_of_stay(t, cal, seed, scale, p, e, w, pol, s, rec):
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == SEASONAL:
            if p.stay_end[i] <= t:
                end_stay(p, i, e, w, pol, s, rec, t, seed, R_END_OF_SEASON)
        elif st == TEMPORARY:
            if p.permit_end[i] <= t:
                j = p.employer[i]
                d = p.destination[i]
                if (j >= 0 and e.workers[j] <= e.demand[j]
                        and rng.uniform(seed, rng.RENEWAL, t, p.pid[i]) < pol.destination.renewal_probability[t, d]):
                    p.permit_end[i] += int(pol.destination.temporary_permit_months[t, d])
                    p.stay_end[i] = p.permit_end[i]
                    o = w.comm_origin[p.community[i]]
                    rec.renewals[t, o, d] += 1
                else:
                    end_stay(p, i, e, w, pol, s, rec, t, seed, R_END_OF_PERMIT)
        elif st == IRREGULAR:
            j = p.employer[i]
            if j >= 0 and e.demand[j] == 0:
                release_employer(p, i, e)
                p.sector[i] = -1
