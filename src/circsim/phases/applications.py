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
from numba import njit, prange

from .. import rng, rules
from ..state import (CH_HIGHLY_SKILLED, CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TEMPORARY,
                     CH_TRAINEE, HOME, N_CHANNEL, RETURNEE)
from .common import PERSON_CHUNK, home_earnings_at, prange_only, selectable


@njit(cache=True, parallel=prange_only())
def applications(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, org, cor = pol.behaviour, pol.origin, pol.corridor
    D = s.dest_wage.shape[0]
    O = s.removal.shape[0]
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
    # consideration hazard by age in months (for propensity 1): no exp() per person
    age_hazard = np.empty(int(retire) * 12 + 1)
    for a in range(age_hazard.shape[0]):
        age_hazard[a] = rules.age_hazard(b.consider_hazard[t], b.consider_age_slope[t], a / 12.0)
    # Persons decide independently (every draw is keyed by the person), so the person loop runs in
    # parallel over fixed chunks of slots; everything it reads is taken out of the tuples first (no
    # reference counting inside the loop), and the one shared count (interceptions, an integer) is
    # kept per chunk and added up afterwards: the result does not depend on the number of threads.
    status, channel, destination, app_month = p.status, p.channel, p.destination, p.app_month
    birth, pid_of, propensity, community, network = p.birth, p.pid, p.propensity, p.community, p.network
    human_capital, flags, ban_end, sex, skill = p.human_capital, p.flags, p.ban_end, p.sex, p.skill
    savings, debt = p.savings, p.debt
    comm_origin = w.comm_origin
    prevalence, home_income, channel_open = s.prevalence, s.home_income, s.channel_open
    gain_of, gain_months, prospect, cost_of, risk_of = s.gain, s.gain_months, s.prospect, s.cost, s.risk
    hc_home_wage, skill_premium = b.hc_home_wage[t], b.skill_home_premium[t]
    prevalence_network = b.prevalence_network[t]
    student_age_max, trainee_age_max = b.student_age_max[t], b.trainee_age_max[t]
    beta_income, beta_cost, beta_risk, beta_network = b.beta_income[t], b.beta_cost[t], b.beta_risk[t], b.beta_network[t]
    fraud_share, smuggling_effect = b.document_fraud_share[t], b.smuggling_success_effect[t]
    legal_awareness, campaign = org.legal_awareness[t], org.information_campaign[t]
    age_min, age_max, female_only = org.selection_age_min[t], org.selection_age_max[t], org.selection_female_only[t]
    border_control, document_security, anti_smuggling = (org.border_control[t], org.travel_document_security[t],
                                                          org.anti_smuggling[t])
    route_share = cor.irregular_route_share[t]
    n = status.shape[0]
    chunks = (n + PERSON_CHUNK - 1) // PERSON_CHUNK
    intercepted = np.zeros((chunks, O), dtype=np.int64)
    for chunk in prange(chunks):
        util = np.zeros((N_CHANNEL, D))
        for i in range(chunk * PERSON_CHUNK, min(n, (chunk + 1) * PERSON_CHUNK)):
            st = status[i]
            if st != HOME and st != RETURNEE:
                continue
            if channel[i] >= 0:  # registered in a pool: the registration may lapse
                if t - app_month[i] >= expiry:
                    channel[i] = -1
                    destination[i] = -1
                continue
            months = t - birth[i]
            if months >= age_hazard.shape[0]:
                continue
            pid = pid_of[i]
            if rng.uniform(seed, rng.CONSIDER, t, pid) >= rules.consider_hazard(age_hazard[months], propensity[i]):
                continue
            age = months / 12.0
            c = community[i]
            o = comm_origin[c]
            aware = rng.uniform(seed, rng.AWARE, t, pid) < (legal_awareness[o] + (1.0 - legal_awareness[o]) * campaign[o])
            # the tie to a network abroad (own, or through the community's migration prevalence) and
            # what the person earns at home beyond the community's expected earnings (experience abroad)
            tie = rules.network_tie(network[i], prevalence[c], prevalence_network)
            extra = home_earnings_at(home_income[c], human_capital[i], flags[i], hc_home_wage, skill_premium) - home_income[c]
            denom = 1.0
            irregular_weight = 0.0
            for k in range(N_CHANNEL):
                for d in range(D):
                    util[k, d] = 0.0
                    if channel_open[o, k, d] <= 0:
                        continue
                    if k == CH_IRREGULAR:
                        irregular_weight += route_share[o, d]
                        continue
                    if not aware or not selectable(ban_end[i], t, age, sex[i], skill[i], k, age_min[o], age_max[o],
                                                   female_only[o], student_age_max, trainee_age_max):
                        continue
                    gain = gain_of[c, k, d] - gain_months[k, d] * extra
                    util[k, d] = np.exp(rules.channel_utility(
                        gain * prospect[o, k, d], cost_of[o, k, d], risk_of[o, k, d], tie, asc[k],
                        beta_income, beta_cost, beta_risk, beta_network))
                    denom += util[k, d]
            # the irregular route is one alternative: its gain, cost and risk averaged over the routes
            if irregular_weight > 0:
                gain = 0.0
                cost = 0.0
                risk = 0.0
                for d in range(D):
                    share = route_share[o, d] / irregular_weight
                    gain += share * (gain_of[c, CH_IRREGULAR, d] - 12.0 * extra)
                    cost += share * cost_of[o, CH_IRREGULAR, d]
                    risk += share * risk_of[o, CH_IRREGULAR, d]
                util[CH_IRREGULAR, 0] = np.exp(rules.channel_utility(gain, cost, risk, tie, asc[CH_IRREGULAR],
                                                                     beta_income, beta_cost, beta_risk, beta_network))
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
                channel[i] = choice
                destination[i] = dest
                app_month[i] = t
                continue
            # the irregular route: pay, risk being stopped, pick a destination by the routes' shares
            x = rng.uniform(seed, rng.IRREGULAR_DEST, t, pid) * irregular_weight
            dest = D - 1
            acc = 0.0
            for d in range(D):
                acc += route_share[o, d]
                if x < acc:
                    dest = d
                    break
            amount = cost_of[o, CH_IRREGULAR, dest]  # paid from savings, the rest borrowed (common.pay)
            if amount <= savings[i]:
                savings[i] -= amount
            else:
                debt[i] += amount - savings[i]
                savings[i] = 0.0
            stopped = rng.uniform(seed, rng.INTERCEPT, t, pid) < border_control[o]
            if not stopped:
                stopped = rng.uniform(seed, rng.DOCUMENTS, t, pid) < fraud_share * document_security[o]
            if not stopped:
                stopped = rng.uniform(seed, rng.SMUGGLING, t, pid) < smuggling_effect * anti_smuggling[o]
            if stopped:
                intercepted[chunk, o] += 1
                continue
            channel[i] = CH_IRREGULAR
            destination[i] = dest
    for chunk in range(chunks):
        for o in range(O):
            rec.interceptions[t, o] += intercepted[chunk, o]
