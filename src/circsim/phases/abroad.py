"""Phase 5 — Life abroad: work, wage, living cost, remittances, savings, human capital, clocks.

A legal worker earns the sector wage times the human-capital multiplier; an irregular person
earns a share of it (``irregular_wage_factor``), from a non-compliant employer or, without one,
from informal work found with probability ``irregular_employment`` each month. Living costs
are paid, a share of any positive net income is remitted to the origin community, the rest
saved. Human capital grows with each month worked. Months abroad are counted; the legal
residence clock (towards long-term residence) counts months of temporary work and restarts
after seasonal or irregular months.
"""

from __future__ import annotations

from numba import njit

from .. import rng, rules
from ..state import IRREGULAR, SEASONAL, TEMPORARY


@njit(cache=True)
def life_abroad(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, dst = pol.behaviour, pol.destination
    factor = b.irregular_wage_factor[t]
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st != SEASONAL and st != TEMPORARY and st != IRREGULAR:
            continue
        c = p.community[i]
        o = w.comm_origin[c]
        d = p.destination[i]
        j = p.employer[i]
        mult = rules.wage_multiplier(p.human_capital[i], b.hc_wage[t])
        if st == IRREGULAR:
            p.legal_months[i] = 0
            if j >= 0:
                income = pol.market.wage[t, e.market[j]] * factor * mult
            elif rng.uniform(seed, rng.IRREGULAR_JOB, t, p.pid[i]) < b.irregular_employment[t]:
                income = s.dest_wage[d] * factor * mult
            else:
                income = 0.0
        else:
            income = pol.market.wage[t, e.market[j]] * mult
            p.legal_months[i] = p.legal_months[i] + 1 if st == TEMPORARY else 0
        net = income - dst.living_cost[t, d]
        remit = pol.origin.remittance_share[t, o] * net if net > 0 else 0.0
        p.savings[i] += net - remit
        rec.remittances[t, c] += remit
        if income > 0:
            p.human_capital[i] += b.hc_growth[t]
        p.months_abroad[i] += 1
