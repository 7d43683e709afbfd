"""Phase 8 — Returns and reintegration.

Temporary and irregular persons abroad return voluntarily with a monthly hazard (see
``rules.voluntary_return_hazard``) that rises with savings over their target, age, the
origin's return bonus (paid on return), reintegration support and income at home, and falls
with a network abroad. At home, people spend ``home_spending`` of their savings a month;
returnees in their first year home may start a business (hazard rising with savings and
reintegration support), which takes ``business_capital`` of their savings.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import F_BUSINESS, HOME, IRREGULAR, R_VOLUNTARY, RETURNEE, TEMPORARY, APPLICANT, APPROVED
from .common import age_years, go_home


@njit(cache=True)
def returns(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, org = pol.behaviour, pol.origin
    spend = 1.0 - b.home_spending[t]
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == TEMPORARY or st == IRREGULAR:
            c = p.community[i]
            o = w.comm_origin[c]
            target = rules.savings_target(pol.community.savings_target[t, c], rng.normal(seed, rng.TARGET, 0, p.pid[i]))
            h = rules.voluntary_return_hazard(
                b.voluntary_hazard[t], b.voluntary_savings[t], p.savings[i] / target if target > 0 else 2.0,
                b.voluntary_age[t], age_years(p.birth[i], t), b.voluntary_bonus[t], org.return_bonus[t, o],
                b.voluntary_reintegration[t], org.reintegration_support[t, o], b.voluntary_network[t],
                p.network[i], b.voluntary_home[t], 12.0 * s.home_income[c])
            if rng.uniform(seed, rng.VOLUNTARY, t, p.pid[i]) < h:
                p.savings[i] += org.return_bonus[t, o]
                go_home(p, i, e, w, t, R_VOLUNTARY, rec, st == TEMPORARY)
        elif st == HOME or st == RETURNEE or st == APPLICANT or st == APPROVED:
            p.savings[i] *= spend
            if (st == RETURNEE and not (p.flags[i] & F_BUSINESS) and t - p.last_move[i] < 12
                    and p.savings[i] > 0):
                c = p.community[i]
                o = w.comm_origin[c]
                h = rules.business_hazard(b.business_hazard[t], b.business_savings[t], p.savings[i],
                                          b.business_capital[t], b.business_support[t], org.reintegration_support[t, o])
                if rng.uniform(seed, rng.BUSINESS, t, p.pid[i]) < h:
                    p.flags[i] |= np.uint16(F_BUSINESS)
                    p.savings[i] -= b.business_capital[t]
                    rec.businesses_started[t, c] += 1
