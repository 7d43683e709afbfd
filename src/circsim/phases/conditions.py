"""Phase 1 — Conditions: home incomes, what each channel offers, employers' demand.

The policy timeline needs no work here: every parameter is already an array indexed by
month (see ``scenario/pack.py``); this phase derives this month's quantities from them: the
expected yearly income gain, one-off cost and perceived risk of each channel to each
destination, whether it is open to each origin, the success probability of the irregular
route, the yearly ethical-recruitment allowance, each employer's demand (its share of the market's,
which falls with the cost of recruiting: wage bill, recruitment cost, work-permit fee), and at a job
start its willingness to hire irregular workers, deterred by the fine it expects.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TRAINEE, N_CHANNEL
from .common import (allocate_to_employers, clip01, inspected_share, labour_market, market_offset, market_channel,
                     market_demand_agents, quota_of, work_months, work_starts_now)


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
            s.skilled_cap[o] = org.ethical_recruitment_cap[t, o] * s.skilled_home[o]
    for o in range(O):
        s.wage_index[o] *= (1.0 + org.home_wage_growth[t, o]) ** (1.0 / 12.0)
        for d in range(D):
            # detection: the police's, and labour inspections at the employers of those at work (last month's share)
            inspect = rules.monthly_probability(dst.inspection_rate[t, d]) * s.irregular_at_work[d]
            detect = 1.0 - (1.0 - dst.detection_rate[t, d]) * (1.0 - inspect)
            s.removal[o, d] = rules.removal_probability_year(detect, org.readmission_cooperation[t, o],
                                                             b.removal_held_share[t], b.passport_share[t])
        # the irregular route: border control, document checks, anti-smuggling action
        anti = org.anti_smuggling[t, o]
        s.irregular_success[o] = ((1.0 - org.border_control[t, o])
                                  * (1.0 - b.document_fraud_share[t] * org.travel_document_security[t, o])
                                  * (1.0 - b.smuggling_success_effect[t] * anti))
    for d in range(D):
        num = 0.0
        den = 0.0
        for m in range(M):
            if w.market_dest[m] == d:
                num += mkt.wage[t, m] * mkt.demand[t, m]
                den += mkt.demand[t, m]
        s.dest_wage[d] = num / den if den > 0 else 0.0
    # channels: openness, cost and perceived risk per origin and destination
    s.channel_open[:, :, :] = 0.0
    for o in range(O):
        informed = org.information_campaign[t, o]
        for d in range(D):
            for m in range(M):
                if w.market_dest[m] != d or mkt.demand[t, m] <= 0 or cor.recruitment_share[t, o, d] <= 0:
                    continue
                k = market_channel(pol, t, m)
                if quota_of(pol, t, o, d, k) > 0:
                    s.channel_open[o, k, d] = 1.0
            fee = cor.visa_fee[t, o, d] * (1.0 - cor.fee_exemption[t, o, d])
            for k in range(N_CHANNEL):
                s.cost[o, k, d] = fee
                s.risk[o, k, d] = cor.refusal_rate[t, o, d]
            if cor.facilitation_agreement[t, o, d] > 0.5:
                for k in (CH_STUDENT, CH_RESEARCHER, CH_TRAINEE):
                    s.cost[o, k, d] = 0.0
            s.channel_open[o, CH_IRREGULAR, d] = 1.0 if cor.irregular_route_share[t, o, d] > 0 else 0.0
            s.cost[o, CH_IRREGULAR, d] = org.smuggling_cost[t, o] * (1.0 + b.smuggling_cost_effect[t] * org.anti_smuggling[t, o])
            true_risk = 1.0 - s.irregular_success[o] * (1.0 - s.removal[o, d])
            s.risk[o, CH_IRREGULAR, d] = true_risk * (1.0 - b.risk_underestimation[t] * (1.0 - informed))
    # informal work shrinks as employers are deterred: per destination, the demand-weighted mean over its
    # labour markets of exp(-deterrence x P x fine / 1000), P the share of the market's employers inspected
    # in the last 12 months
    for d in range(D):
        num = 0.0
        den = 0.0
        for m in range(M):
            if w.market_dest[m] == d and labour_market(pol, t, m):
                num += mkt.demand[t, m] * rules.deterrence_factor(b.deterrence[t],
                                                                  inspected_share(s, w, m) * dst.employer_fine[t, d])
                den += mkt.demand[t, m]
        s.informal_work[d] = num / den if den > 0 else 1.0
    # months of work a year each channel's gain counts (demand-weighted over its markets)
    weight = np.zeros((N_CHANNEL, D))
    s.gain_months[:, :] = 0.0
    for m in range(M):
        d = w.market_dest[m]
        k = market_channel(pol, t, m)
        s.gain_months[k, d] += mkt.demand[t, m] * work_months(pol, t, m, d)
        weight[k, d] += mkt.demand[t, m]
    for d in range(D):
        for k in range(N_CHANNEL):
            s.gain_months[k, d] = s.gain_months[k, d] / weight[k, d] if weight[k, d] > 0 else 12.0
    # home: emigration raises wages, returnees' businesses and remittance-financed spending employ the
    # unemployed, migration prevalence (last month's records); then the expected yearly income gains
    for c in range(C):
        o = w.comm_origin[c]
        s.prevalence[c] = s.experienced[c] / s.residents[c] if s.residents[c] > 0 else 0.0
        wage = com.home_wage[t, c] * s.wage_index[o] * rules.home_wage_effect(b.emigration_wage_elasticity[t],
                                                                              s.abroad[c], s.residents[c])
        jobs = b.business_jobs[t] * s.businesses[c] + rules.remittance_jobs(b.remittance_local_wages[t],
                                                                             s.remitted[c], wage)
        s.unemployment[c] = rules.local_unemployment(com.unemployment[t, c], jobs, s.at_home[c])
        home = wage * (1.0 - s.unemployment[c])
        s.home_income[c] = home
        s.gain[c, :, :] = 0.0
        for m in range(M):
            d = w.market_dest[m]
            k = market_channel(pol, t, m)
            months = work_months(pol, t, m, d)
            s.gain[c, k, d] += mkt.demand[t, m] * months * (mkt.wage[t, m] - dst.living_cost[t, d] - home)
        for d in range(D):
            for k in range(N_CHANNEL):
                if weight[k, d] > 0:
                    s.gain[c, k, d] /= weight[k, d]
            informal = s.dest_wage[d] * b.irregular_wage_factor[t] * b.irregular_employment[t] * s.informal_work[d]
            s.gain[c, CH_IRREGULAR, d] = 12.0 * (informal - b.irregular_living_cost[t] * dst.living_cost[t, d] - home)
    # employers: their share of the market's demand (s.emp_target, for the season or year when
    # taken on once a year), this month's demand, and at a job start their willingness to hire
    # irregular workers, deterred by the fine they expect: the share of the market's employers
    # inspected in the last 12 months (certain re-inspection while excluded) times the fine
    # (per market first, then a tight loop over its employers: helpers taking the parameter tuples
    # cost about a microsecond a call, which per employer and month was half the run time)
    for m in range(M):
        lo, hi = w.market_first[m], w.market_first[m + 1]
        d = w.market_dest[m]
        allocate_to_employers(s.slot_first, s.slot_owner, m, lo, hi,
                              market_demand_agents(pol, t, m, d, scale, s.last_shortage[m]), market_offset(seed, m),
                              s.emp_target)
        working = True
        if market_channel(pol, t, m) == CH_SEASONAL:
            working = (cal - int(mkt.season_start[t, m]) + 1) % 12 < int(mkt.season_months[t, m])
        starts = work_starts_now(pol, t, cal, m)
        mean_compliance = mkt.compliance[t, m]
        fine = dst.employer_fine[t, d]
        deterrence = b.deterrence[t]
        risk = inspected_share(s, w, m)
        labour = labour_market(pol, t, m)
        for j in range(lo, hi):
            e.demand[j] = s.emp_target[j] if working else 0
            if starts:
                perceived = 1.0 if t < e.excluded_until[j] else risk
                q = rules.irregular_hiring_probability(clip01(mean_compliance + e.compliance_offset[j]), deterrence,
                                                       perceived * fine)
                e.irregular_ok[j] = 1 if rng.uniform(seed, rng.COMPLIANCE, t, j) < q else 0
                if labour:
                    rec.hiring_decisions[t, m] += 1
                    rec.noncompliant[t, m] += e.irregular_ok[j]
