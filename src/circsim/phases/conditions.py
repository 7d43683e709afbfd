"""Phase 1 — Conditions: home incomes, expected gains of each channel, employers' demand.

The policy timeline needs no work here: every parameter is already an array indexed by
month (see ``scenario/pack.py``); this phase derives this month's quantities from them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import CH_IRREGULAR, CH_SEASONAL, CH_TEMPORARY
from .common import allocate_to_employers, clip01, market_demand_agents, stay_months, work_starts_now


@njit(cache=True)
def conditions(t, cal, seed, scale, p, e, w, pol, s, rec):
    O = s.wage_index.shape[0]
    D = s.dest_wage.shape[0]
    C = w.comm_origin.shape[0]
    M = w.market_dest.shape[0]
    b, org, com, dst, mkt, cor = pol.behaviour, pol.origin, pol.community, pol.destination, pol.market, pol.corridor
    if cal == 0:
        s.quota_used[:] = 0.0
    for o in range(O):
        s.wage_index[o] *= (1.0 + org.home_wage_growth[t, o]) ** (1.0 / 12.0)
        for d in range(D):
            s.removal[o, d] = rules.removal_probability_year(dst.detection_rate[t, d], org.readmission_cooperation[t, o])
    # mean wage of each destination, weighted by demand (informal work pays a share of it)
    for d in range(D):
        num = 0.0
        den = 0.0
        for m in range(M):
            if w.market_dest[m] == d:
                num += mkt.wage[t, m] * mkt.demand[t, m]
                den += mkt.demand[t, m]
        s.dest_wage[d] = num / den if den > 0 else 0.0
    # expected yearly gains of each channel over staying, per community
    for c in range(C):
        o = w.comm_origin[c]
        home = com.home_wage[t, c] * s.wage_index[o] * (1.0 - com.unemployment[t, c])
        s.home_income[c] = home
        gains = np.zeros(3)
        weights = np.zeros(3)
        for m in range(M):
            d = w.market_dest[m]
            margin = mkt.wage[t, m] - dst.living_cost[t, d] - home
            wgt = cor.recruitment_share[t, o, d] * mkt.demand[t, m]
            if mkt.seasonal[t, m] > 0.5:
                if cor.quota_seasonal[t, o, d] > 0:
                    gains[CH_SEASONAL] += wgt * stay_months(pol, t, m, d) * margin
                    weights[CH_SEASONAL] += wgt
            elif cor.quota_temporary[t, o, d] > 0:
                gains[CH_TEMPORARY] += wgt * 12.0 * margin
                weights[CH_TEMPORARY] += wgt
        for d in range(D):
            informal = s.dest_wage[d] * b.irregular_wage_factor[t] * b.irregular_employment[t]
            s.irregular_gain[c, d] = 12.0 * (informal - dst.living_cost[t, d] - home)
            wgt = cor.irregular_route_share[t, o, d]
            gains[CH_IRREGULAR] += wgt * s.irregular_gain[c, d]
            weights[CH_IRREGULAR] += wgt
        for k in range(3):
            s.gain[c, k] = gains[k] / weights[k] if weights[k] > 0 else 0.0
    # costs, risks and openness of each channel, per origin
    for o in range(O):
        fee = 0.0
        refusal = 0.0
        removal = 0.0
        n_open = 0.0
        wsum = 0.0
        s.channel_open[o, :] = 0.0
        for d in range(D):
            fee += cor.visa_fee[t, o, d]
            refusal += cor.refusal_rate[t, o, d]
            n_open += 1.0
            wgt = cor.irregular_route_share[t, o, d]
            removal += wgt * s.removal[o, d]
            wsum += wgt
            for m in range(M):
                if w.market_dest[m] != d or mkt.demand[t, m] <= 0 or cor.recruitment_share[t, o, d] <= 0:
                    continue
                if mkt.seasonal[t, m] > 0.5 and cor.quota_seasonal[t, o, d] > 0:
                    s.channel_open[o, CH_SEASONAL] = 1.0
                if mkt.seasonal[t, m] < 0.5 and cor.quota_temporary[t, o, d] > 0:
                    s.channel_open[o, CH_TEMPORARY] = 1.0
        s.channel_open[o, CH_IRREGULAR] = 1.0 if wsum > 0 else 0.0
        for k in (CH_SEASONAL, CH_TEMPORARY):
            s.cost[o, k] = fee / n_open
            s.risk[o, k] = refusal / n_open
        s.cost[o, CH_IRREGULAR] = org.smuggling_cost[t, o]
        intercept = org.border_control[t, o]
        s.risk[o, CH_IRREGULAR] = intercept + (1.0 - intercept) * (removal / wsum if wsum > 0 else 0.0)
    # employers: their share of the market's migrant demand (s.emp_target, for the season when
    # seasonal), this month's demand, and (at a job start) their willingness to hire irregularly
    for m in range(M):
        allocate_to_employers(e.size, w.market_first[m], w.market_first[m + 1],
                              market_demand_agents(pol, t, m, scale), s.emp_target)
    for j in range(e.market.shape[0]):
        m = e.market[j]
        target = s.emp_target[j]
        if mkt.seasonal[t, m] > 0.5:
            start = int(mkt.season_start[t, m]) - 1
            in_season = (cal - start) % 12 < int(mkt.season_months[t, m])
            e.demand[j] = target if in_season else 0
        else:
            e.demand[j] = target
        if work_starts_now(pol, t, cal, m):
            compliance = clip01(mkt.compliance[t, m] + e.compliance_offset[j])
            e.irregular_ok[j] = 1 if rng.uniform(seed, rng.COMPLIANCE, t, j) >= compliance else 0
