"""Phase 10 — Records: this month's stocks (flows were counted by the phases as they happened).

Households and communities: the income of the households at home (members' expected earnings
at home, the yield of remittance-bought assets, the remittances received this month), residents
and ever-migrants (migration prevalence), businesses whose owner is at home and their jobs,
returnees' earnings at home against the community's, the unemployed, migration debt.

Also updates what the next month uses: the skilled at home per origin (for the ethical
recruitment cap), the community counts behind prevalence, the home-wage effect of emigration
and local unemployment, and the prospect of each legal channel and destination (offers asked of
the origin's agency over the last 12 months per person registered in its pool).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..state import CH_IRREGULAR, EXITED, F_BUSINESS, F_EVER_MIGRATED, HIGH_SKILL, HOME, LEGAL_CHANNELS, RETURNEE
from .common import home_earnings_at, is_abroad


@njit(cache=True)
def records(t, cal, seed, scale, p, e, w, pol, s, rec):
    none = rec.stock.shape[3] - 1
    O, K, D = s.prospect.shape
    pool = np.zeros((O, K, D))
    b = pol.behaviour
    asset_yield = b.remittance_yield[t] / 12.0
    hc_home_wage, skill_premium = b.hc_home_wage[t], b.skill_home_premium[t]  # read once, not per person
    s.skilled_home[:] = 0.0
    s.residents[:] = 0.0
    s.experienced[:] = 0.0
    s.abroad[:] = 0.0
    s.businesses[:] = 0.0
    s.at_home[:] = 0.0
    for c in range(s.residents.shape[0]):
        rec.household_income[t, c] += rec.remittances[t, c]
        s.remitted[c] = rec.remittances[t, c]
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == EXITED:
            continue
        c = p.community[i]
        o = w.comm_origin[c]
        d = p.destination[i]
        abroad = is_abroad(st)
        rec.stock[t, st, o, d if abroad else none] += 1
        s.residents[c] += 1.0
        rec.residents[t, c] += 1
        rec.household_income[t, c] += asset_yield * p.assets[i]
        rec.migration_debt[t, c] += p.debt[i]
        if abroad:
            s.abroad[c] += 1.0
        else:
            s.at_home[c] += 1.0
            earnings = home_earnings_at(s.home_income[c], p.human_capital[i], p.flags[i], hc_home_wage, skill_premium)
            rec.household_income[t, c] += earnings
            if p.flags[i] & F_BUSINESS:
                s.businesses[c] += 1.0
                rec.businesses_alive[t, c] += 1
            if st == RETURNEE:
                rec.returnee_earnings[t, c] += earnings
                rec.returnee_earnings_base[t, c] += s.home_income[c]
        if p.flags[i] & F_EVER_MIGRATED:
            s.experienced[c] += 1.0
            rec.experienced[t, c] += 1
            rec.ever_migrants[t, o] += 1
            rec.legal_trips[t, o] += p.trips[i]
            if p.trips[i] >= 2:
                rec.circular_migrants[t, o] += 1
        if p.skill[i] == HIGH_SKILL:
            if abroad:
                rec.skilled_abroad[t, o] += 1
            else:
                rec.skilled_home[t, o] += 1
                s.skilled_home[o] += 1.0
        k = p.channel[i]
        if (st == HOME or st == RETURNEE) and k >= 0 and k != CH_IRREGULAR:
            rec.pool_size[t, o, k] += 1
            pool[o, k, d] += 1.0
    for c in range(s.residents.shape[0]):
        rec.business_jobs[t, c] += b.business_jobs[t] * s.businesses[c]
        rec.unemployed[t, c] += s.unemployment[c] * s.at_home[c]
    for o in range(O):
        for k in LEGAL_CHANNELS:
            for d in range(D):
                if t < 12:
                    s.prospect[o, k, d] = 1.0
                else:
                    s.prospect[o, k, d] = min(1.0, s.intended[o, k, d, :].sum() / max(pool[o, k, d], 1.0))
