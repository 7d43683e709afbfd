"""Phase 4 — Departures, and the job start of each market.

Approved applicants leave when their job (or studies, research, training) starts, after a last
decision in seasonal and temporary work: they go with probability logistic(departure_intercept +
beta_income x the stay's gain / 1000), and otherwise withdraw (the offer is cancelled; the market
remembers the withdrawal, and its employers over-request next time). Leavers go: seasonal
workers for the season (at most the destination's maximum months a year), the others until
their permit ends. Where the origin runs pre-departure training, a share of departing legal
migrants is trained (human capital, and a better chance of rehire). Irregular entrants who
passed the border this month arrive. Long-term residents whose stay in the origin country has
ended come back (keeping the status; a comeback, not a departure or a new trip); one whose absence has run past the allowed months loses the
status and stays home. Then, in each labour market (seasonal or temporary work) where work starts
this month, employers still short of workers take on irregular persons present in the
destination if they are willing this season (non-compliant), and what stays open is a shortage.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (APPROVED, CH_IRREGULAR, CH_SEASONAL, CHANNEL_STATUS, F_EVER_IRREGULAR,
                     F_EVER_MIGRATED, F_EVER_SEASONAL, F_OVERRUN, F_PREV_SEASONAL, F_REHIRE_OFFER, F_TIE_RENEWED,
                     F_TRAINED, HOME, IRREGULAR, LONG_TERM, LONG_TERM_AWAY, NEVER, RETURNEE, SEASONAL)
from .common import cancel_offer, home_earnings_of, labour_market, stay_months, work_starts_now


@njit(cache=True)
def departures(t, cal, seed, scale, p, e, w, pol, s, rec):
    M = w.market_dest.shape[0]
    b = pol.behaviour
    s.emp_arrivals[:] = 0
    s.job_withdrawn[:, t % 12] = 0.0
    s.job_left[:, t % 12] = 0.0
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == APPROVED and p.stay_end[i] <= t:
            j = p.employer[i]
            m = e.market[j]
            d = w.market_dest[m]
            o = w.comm_origin[p.community[i]]
            k = p.channel[i]
            if labour_market(pol, t, m):
                # the last decision: go, or withdraw (the stay's income gain against unobserved circumstances)
                months = stay_months(pol, t, m, d) if k == CH_SEASONAL else 12
                wage = pol.market.wage[t, m] * e.pay[j] * rules.wage_multiplier(p.human_capital[i], b.hc_wage[t])
                gain = months * (wage - pol.destination.living_cost[t, d] - home_earnings_of(p, i, s, pol, t))
                go = rules.departure_probability(b.departure_intercept[t], b.beta_income[t], gain)
                if rng.uniform(seed, rng.WITHDRAW, t, p.pid[i]) >= go:
                    rec.withdrawals[t, k, o, d] += 1
                    s.job_withdrawn[m, t % 12] += 1.0
                    cancel_offer(p, i, e)
                    continue
                s.job_left[m, t % 12] += 1.0
            flags = p.flags[i]
            if p.last_employer[i] >= 0:
                rec.returner_departures[t, o, d] += 1
                if p.last_employer[i] != j:
                    rec.employer_changes[t, o, d] += 1
            if not (flags & F_TRAINED) and rng.uniform(seed, rng.TRAINING, t, p.pid[i]) < pol.origin.predeparture_training[t, o]:
                flags |= np.uint16(F_TRAINED)
                p.human_capital[i] += pol.behaviour.training_hc_gain[t]
                rec.trained[t, o] += 1
            p.status[i] = CHANNEL_STATUS[k]
            if k == CH_SEASONAL:
                p.stay_end[i] = t + stay_months(pol, t, m, d)
                if flags & F_EVER_SEASONAL:
                    rec.seasonal_repeat[t, o, d] += 1
                else:
                    rec.seasonal_first_timers[t, o, d] += 1
                gap, b = t - p.last_departure[i], pol.behaviour
                if (p.trips[i] == 1 and (flags & F_PREV_SEASONAL)
                        and b.came_back_min_months[t] <= gap <= b.came_back_max_months[t]):
                    rec.seasonal_came_back[p.last_departure[i], o, d] += 1
                flags |= np.uint16(F_EVER_SEASONAL | F_PREV_SEASONAL)
            else:
                p.stay_end[i] = p.permit_end[i]
                flags &= ~np.uint16(F_PREV_SEASONAL)
            if flags & F_REHIRE_OFFER:
                rec.filled_rehire[t, m] += 1
            else:
                rec.filled_new[t, m] += 1
            p.flags[i] = (flags | np.uint16(F_EVER_MIGRATED)) & ~np.uint16(F_REHIRE_OFFER | F_TIE_RENEWED)
            e.offers[j] -= 1
            e.workers[j] += 1
            s.emp_arrivals[j] += 1
            p.trips[i] = min(p.trips[i] + 1, 255)
            p.last_departure[i] = t
            p.last_move[i] = t
            p.legal_months[i] = 0
            p.network[i] = 1.0
            rec.departures[t, k, o, d] += 1
        elif (st == HOME or st == RETURNEE) and p.channel[i] == CH_IRREGULAR:
            o = w.comm_origin[p.community[i]]
            d = p.destination[i]
            p.status[i] = IRREGULAR
            p.employer[i] = -1
            p.sector[i] = -1
            p.flags[i] = (p.flags[i] | np.uint16(F_EVER_MIGRATED | F_EVER_IRREGULAR)) & ~np.uint16(F_PREV_SEASONAL)
            p.last_departure[i] = t
            p.last_move[i] = t
            p.legal_months[i] = 0
            p.network[i] = 1.0
            rec.departures[t, CH_IRREGULAR, o, d] += 1
        elif st == LONG_TERM_AWAY:
            o = w.comm_origin[p.community[i]]
            d = p.destination[i]
            if p.flags[i] & F_OVERRUN:
                if t - p.last_move[i] > pol.destination.allowed_absence_months[t, d]:
                    rec.ltr_status_lost[t, o, d] += 1
                    p.status[i] = RETURNEE
                    p.destination[i] = -1
                    p.channel[i] = -1
                    p.stay_end[i] = NEVER
                    p.flags[i] &= ~np.uint16(F_OVERRUN)
            elif p.stay_end[i] <= t:
                p.status[i] = LONG_TERM
                p.stay_end[i] = NEVER
                p.last_move[i] = t
                rec.ltr_comebacks[t, o, d] += 1
    # job start: vacancies, irregular hiring by non-compliant employers, shortage
    s.emp_open[:] = 0  # vacancies left from this month's recruitment are not job-start vacancies
    wanted = 0
    for m in range(M):
        if not work_starts_now(pol, t, cal, m):
            continue
        irregular_allowed = labour_market(pol, t, m)
        for j in range(w.market_first[m], w.market_first[m + 1]):
            before = e.workers[j] - s.emp_arrivals[j]
            rec.vacancies[t, m] += max(e.demand[j] - before, 0)
            gap = e.demand[j] - e.workers[j]
            s.emp_open[j] = gap if (gap > 0 and e.irregular_ok[j] == 1 and irregular_allowed) else 0
            wanted += s.emp_open[j]
    if wanted > 0:
        D = s.dest_wage.shape[0]
        ptr = np.zeros(D, dtype=np.int64)
        n_emp = e.market.shape[0]
        for i in range(p.status.shape[0]):
            if p.status[i] != IRREGULAR or p.employer[i] >= 0:
                continue
            d = p.destination[i]
            j = ptr[d]
            while j < n_emp and (s.emp_open[j] <= 0 or w.market_dest[e.market[j]] != d):
                j += 1
            ptr[d] = j
            if j == n_emp:
                continue
            m = e.market[j]
            p.employer[i] = j
            p.sector[i] = w.market_sector[m]
            e.workers[j] += 1
            s.emp_open[j] -= 1
            rec.filled_irregular[t, m] += 1
    for m in range(M):
        if not work_starts_now(pol, t, cal, m):
            continue
        for j in range(w.market_first[m], w.market_first[m + 1]):
            rec.unfilled[t, m] += max(e.demand[j] - e.workers[j], 0)
            s.emp_open[j] = 0
