"""Phase 3a — Applications: people at home consider migrating and choose a channel and destination.

Each month a person at home (not already registered, applying or waiting) considers
migrating with a hazard that falls with age and varies with an individual propensity. One who
considers chooses among staying and every open (channel, destination) pair they are eligible
for — seasonal, temporary, highly skilled, student, researcher, trainee work or study in each
destination open to their origin (a consolidated offer opens several), and the irregular route
— by a multinomial logit on the expected income gain (for a legal channel times its prospect:
the offers the origin's agency was asked for over the last year per person registered), the
one-off cost, the perceived risk, the network tie and a channel constant. The gain is over the
person's own expected earnings at home (human capital gained abroad pays at home too); the
network tie is the person's own or, for the share ``prevalence_network`` of the gap, the
community's migration prevalence (cumulative causation). Legal channels are
known only to those aware of them (``legal_awareness``, raised by information campaigns), which
also correct the underestimated risk of the irregular route. A legal choice registers the person
in the agency's pool for that channel and destination (valid ``pool_expiry_months``). The
irregular route is attempted at once: the smuggling cost is paid (from savings, the rest
borrowed), and border control, document checks and anti-smuggling action may stop the attempt;
a successful entrant leaves in the departures phase.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (CH_HIGHLY_SKILLED, CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TEMPORARY,
                     CH_TRAINEE, HOME, N_CHANNEL, RETURNEE)
from .common import home_earnings_at, pay, selectable


@njit(cache=True)
def applications(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, org, cor = pol.behaviour, pol.origin, pol.corridor
    D = s.dest_wage.shape[0]
    retire = b.retirement_age[t]
    expiry = b.pool_expiry_months[t]
    asc = np.zeros(N_CHANNEL)
    asc[CH_SEASONAL] = b.asc_seasonal[t]
    asc[CH_TEMPORARY] = b.asc_temporary[t]
    asc[CH_IRREGULAR] = b.asc_irregular[t]
    asc[CH_HIGHLY_SKILLED] = b.asc_highly_skilled[t]
    asc[CH_STUDENT] = b.asc_student[t]
    asc[CH_RESEARCHER] = b.asc_researcher[t]
    asc[CH_TRAINEE] = b.asc_trainee[t]
    util = np.zeros((N_CHANNEL, D))
    # consideration hazard by age in months (for propensity 1): no exp() per person
    age_hazard = np.empty(int(retire) * 12 + 1)
    for a in range(age_hazard.shape[0]):
        age_hazard[a] = rules.age_hazard(b.consider_hazard[t], b.consider_age_slope[t], a / 12.0)
    hc_home_wage, skill_premium = b.hc_home_wage[t], b.skill_home_premium[t]  # read once, not per person
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st != HOME and st != RETURNEE:
            continue
        if p.channel[i] >= 0:  # registered in a pool: the registration may lapse
            if t - p.app_month[i] >= expiry:
                p.channel[i] = -1
                p.destination[i] = -1
            continue
        months = t - p.birth[i]
        if months >= age_hazard.shape[0]:
            continue
        pid = p.pid[i]
        if rng.uniform(seed, rng.CONSIDER, t, pid) >= rules.consider_hazard(age_hazard[months], p.propensity[i]):
            continue
        age = months / 12.0
        c = p.community[i]
        o = w.comm_origin[c]
        aware = rng.uniform(seed, rng.AWARE, t, pid) < (org.legal_awareness[t, o]
                                                        + (1.0 - org.legal_awareness[t, o]) * org.information_campaign[t, o])
        # the tie to a network abroad (own, or through the community's migration prevalence) and
        # what the person earns at home beyond the community's expected earnings (experience abroad)
        tie = rules.network_tie(p.network[i], s.prevalence[c], b.prevalence_network[t])
        extra = home_earnings_at(s.home_income[c], p.human_capital[i], p.flags[i], hc_home_wage, skill_premium) - s.home_income[c]
        denom = 1.0
        irregular_weight = 0.0
        for k in range(N_CHANNEL):
            for d in range(D):
                util[k, d] = 0.0
                if s.channel_open[o, k, d] <= 0:
                    continue
                if k == CH_IRREGULAR:
                    irregular_weight += cor.irregular_route_share[t, o, d]
                    continue
                if not aware or not selectable(p.ban_end[i], t, age, p.sex[i], p.skill[i], k,
                                               org.selection_age_min[t, o], org.selection_age_max[t, o],
                                               org.selection_female_only[t, o], b.student_age_max[t],
                                               b.trainee_age_max[t]):
                    continue
                gain = s.gain[c, k, d] - s.gain_months[k, d] * extra
                util[k, d] = np.exp(rules.channel_utility(
                    gain * s.prospect[o, k, d], s.cost[o, k, d], s.risk[o, k, d], tie, asc[k],
                    b.beta_income[t], b.beta_cost[t], b.beta_risk[t], b.beta_network[t]))
                denom += util[k, d]
        # the irregular route is one alternative: its gain, cost and risk averaged over the routes
        if irregular_weight > 0:
            gain = 0.0
            cost = 0.0
            risk = 0.0
            for d in range(D):
                share = cor.irregular_route_share[t, o, d] / irregular_weight
                gain += share * (s.gain[c, CH_IRREGULAR, d] - 12.0 * extra)
                cost += share * s.cost[o, CH_IRREGULAR, d]
                risk += share * s.risk[o, CH_IRREGULAR, d]
            util[CH_IRREGULAR, 0] = np.exp(rules.channel_utility(gain, cost, risk, tie, asc[CH_IRREGULAR],
                                                                 b.beta_income[t], b.beta_cost[t], b.beta_risk[t],
                                                                 b.beta_network[t]))
            denom += util[CH_IRREGULAR, 0]
        u = rng.uniform(seed, rng.CHANNEL, t, pid) * denom
        if u < 1.0:
            continue  # stays
        acc = 1.0
        choice = CH_IRREGULAR
        dest = 0
        for k in range(N_CHANNEL):
            for d in range(D):
                acc += util[k, d]
                if u < acc:
                    choice = k
                    dest = d
                    break
            if u < acc:
                break
        if choice != CH_IRREGULAR:
            p.channel[i] = choice
            p.destination[i] = dest
            p.app_month[i] = t
            continue
        # the irregular route: pay, risk being stopped, pick a destination by the routes' shares
        x = rng.uniform(seed, rng.IRREGULAR_DEST, t, pid) * irregular_weight
        dest = D - 1
        acc = 0.0
        for d in range(D):
            acc += cor.irregular_route_share[t, o, d]
            if x < acc:
                dest = d
                break
        pay(p, i, s.cost[o, CH_IRREGULAR, dest])
        stopped = rng.uniform(seed, rng.INTERCEPT, t, pid) < org.border_control[t, o]
        if not stopped:
            stopped = (rng.uniform(seed, rng.DOCUMENTS, t, pid) < b.document_fraud_share[t] * org.travel_document_security[t, o])
        if not stopped:
            stopped = rng.uniform(seed, rng.SMUGGLING, t, pid) < b.smuggling_success_effect[t] * org.anti_smuggling[t, o]
        if stopped:
            rec.interceptions[t, o] += 1
            continue
        p.channel[i] = CH_IRREGULAR
        p.destination[i] = dest
