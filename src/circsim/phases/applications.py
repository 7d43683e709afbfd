"""Phase 3a — Applications: people at home consider migrating and choose a channel.

Each month a person at home (not already registered, applying or waiting) considers
migrating with a hazard that falls with age and varies with an individual propensity. One who
considers chooses among staying and the open channels by a multinomial logit on the expected
income gain (for a legal channel times
its prospect: the offers the origin's agency was asked for over the last year per person
registered), one-off cost, perceived risk, network tie and a channel constant. A legal channel
means registering in the origin agency's recruitment pool (valid ``pool_expiry_months``);
the irregular route is attempted at once: the smuggling cost is paid and the origin's border
control may intercept the attempt; a successful entrant leaves in the departures phase.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import CH_IRREGULAR, CH_SEASONAL, CH_TEMPORARY, HOME, RETURNEE
from .common import selectable


@njit(cache=True)
def applications(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, org = pol.behaviour, pol.origin
    D = s.dest_wage.shape[0]
    retire = b.retirement_age[t]
    expiry = b.pool_expiry_months[t]
    asc = np.empty(3)
    asc[CH_SEASONAL] = b.asc_seasonal[t]
    asc[CH_TEMPORARY] = b.asc_temporary[t]
    asc[CH_IRREGULAR] = b.asc_irregular[t]
    util = np.empty(3)
    # consideration hazard by age in months (for propensity 1): no exp() per person
    age_hazard = np.empty(int(retire) * 12 + 1)
    for a in range(age_hazard.shape[0]):
        age_hazard[a] = rules.age_hazard(b.consider_hazard[t], b.consider_age_slope[t], a / 12.0)
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st != HOME and st != RETURNEE:
            continue
        k = p.channel[i]
        if k >= 0:  # registered in a pool: the registration may lapse
            if t - p.app_month[i] >= expiry:
                p.channel[i] = -1
            continue
        months = t - p.birth[i]
        if months >= age_hazard.shape[0]:
            continue
        age = months / 12.0
        pid = p.pid[i]
        h = rules.consider_hazard(age_hazard[months], p.propensity[i])
        if rng.uniform(seed, rng.CONSIDER, t, pid) >= h:
            continue
        c = p.community[i]
        o = w.comm_origin[c]
        denom = 1.0
        for k in range(3):
            open_ = s.channel_open[o, k] > 0
            if open_ and k != CH_IRREGULAR:
                open_ = selectable(p.ban_end[i], t, age, p.sex[i], k, org.selection_age_min[t, o],
                                   org.selection_age_max[t, o], org.selection_female_only[t, o])
            if open_:
                util[k] = np.exp(rules.channel_utility(s.gain[c, k] * s.prospect[o, k], s.cost[o, k], s.risk[o, k], p.network[i], asc[k],
                                                       b.beta_income[t], b.beta_cost[t], b.beta_risk[t],
                                                       b.beta_network[t]))
            else:
                util[k] = 0.0
            denom += util[k]
        u = rng.uniform(seed, rng.CHANNEL, t, pid) * denom
        if u < 1.0:
            continue  # stays
        acc = 1.0
        choice = -1
        for k in range(3):
            acc += util[k]
            if u < acc:
                choice = k
                break
        if choice < 0:
            choice = 2
        if choice != CH_IRREGULAR:
            p.channel[i] = choice
            p.app_month[i] = t
            continue
        # the irregular route: pay, risk interception, pick a destination
        p.savings[i] -= org.smuggling_cost[t, o]
        if rng.uniform(seed, rng.INTERCEPT, t, pid) < org.border_control[t, o]:
            rec.interceptions[t, o] += 1
            continue
        total = 0.0
        for d in range(D):
            total += pol.corridor.irregular_route_share[t, o, d]
        x = rng.uniform(seed, rng.IRREGULAR_DEST, t, pid) * total
        dest = D - 1
        acc = 0.0
        for d in range(D):
            acc += pol.corridor.irregular_route_share[t, o, d]
            if x < acc:
                dest = d
                break
        p.channel[i] = CH_IRREGULAR
        p.destination[i] = dest
