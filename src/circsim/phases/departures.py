"""Phase 4 — Departures, and the job start of each market.

Approved applicants leave when their job (or studies, research, training) starts, after a last
decision in seasonal and temporary work: they go with probability logistic(departure_intercept +
beta_income x the stay's gain / 1000) — the gain at the employer's pay where they know it (its former
workers, and others through their network tie), at the sector's wage otherwise — and otherwise withdraw (the offer is cancelled; the market
remembers the withdrawal, and its employers over-request next time). Leavers go: seasonal
workers for the season (at most the destination's maximum months a year), the others until
their permit ends. Where the origin runs pre-departure training, a share of departing legal
migrants is trained (human capital, and a better chance of rehire). Irregular entrants who
passed the border this month arrive. Long-term residents whose stay in the origin country has
ended come back (keeping the status; a comeback, not a departure or a new trip); one whose absence has run past the allowed months loses the
status and stays home. Then, in each labour market (seasonal or temporary work) where work starts
this month, surplus new recruits are re-placed with the market's employers still short, employers still
short of workers take on irregular persons present in the destination if they are willing this season
(non-compliant), and what stays open is a shortage (remembered by seasonal markets for their plans).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (APPROVED, CH_IRREGULAR, CH_SEASONAL, CH_TEMPORARY, CHANNEL_STATUS, F_EVER_IRREGULAR,
                     F_EVER_MIGRATED, F_EVER_SEASONAL, F_OVERRUN, F_PREV_SEASONAL, F_REHIRE_OFFER, F_TIE_RENEWED,
                     F_TRAINED, HOME, IRREGULAR, LONG_TERM, LONG_TERM_AWAY, NEVER, RETURNEE, SEASONAL,
                     TEMPORARY)
from .common import cancel_offer, domestic_hires, home_earnings_at, labour_market, market_channel, work_starts_now


@njit(cache=True)
def departures(t, cal, seed, scale, p, e, w, pol, s, rec):
    M = w.market_dest.shape[0]
    b = pol.behaviour
    s.emp_arrivals[:] = 0
    s.job_withdrawn[:, t % 12] = 0.0
    s.job_left[:, t % 12] = 0.0
    # this month's parameters, read before the person loop: helpers taking the parameter tuples inside
    # it cost reference counting on every person (docs/BENCHMARKS.md, issue 14)
    channel_of, season_months, wage_of = pol.market.channel[t], pol.market.season_months[t], pol.market.wage[t]
    seasonal_max, living_cost = pol.destination.seasonal_max_months[t], pol.destination.living_cost[t]
    training, training_gain = pol.origin.predeparture_training[t], b.training_hc_gain[t]
    hc_home_wage, skill_premium = b.hc_home_wage[t], b.skill_home_premium[t]
    came_back_min, came_back_max = b.came_back_min_months[t], b.came_back_max_months[t]
    allowed_absence = pol.destination.allowed_absence_months[t]
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == APPROVED and p.stay_end[i] <= t:
            j = p.employer[i]
            m = e.market[j]
            d = w.market_dest[m]
            o = w.comm_origin[p.community[i]]
            k = p.channel[i]
            km = int(channel_of[m])
            if km == CH_SEASONAL or km == CH_TEMPORARY:  # labour_market
                # the last decision: go, or withdraw (the stay's income gain against unobserved circumstances);
                # the employer's pay is known to its former workers and, through the network, to those with a
                # tie abroad (its reputation); the others expect the sector's wage
                pay = 1.0
                if p.last_employer[i] == j or rng.uniform(seed, rng.REPUTATION, t, p.pid[i]) < rules.network_tie(
                        p.network[i], s.prevalence[p.community[i]], b.prevalence_network[t]):
                    pay = e.pay[j]
                months = int(min(season_months[m], seasonal_max[d])) if km == CH_SEASONAL else 12  # work_months
                wage = wage_of[m] * pay * rules.wage_multiplier(p.human_capital[i], b.hc_wage[t])
                home = home_earnings_at(s.home_income[p.community[i]], p.human_capital[i], p.flags[i], hc_home_wage,
                                        skill_premium)
                gain = months * (wage - living_cost[d] - home)
                go = rules.departure_probability(b.departure_intercept[t], b.beta_income[t], gain)
                if rng.uniform(seed, rng.WITHDRAW, t, p.pid[i]) >= go:
                    rec.withdrawals[t, k, o, d] += 1
                    s.job_withdrawn[m, t % 12] += 1.0
                    e.withdrawn[j] += 1
                    cancel_offer(p, i, e)
                    continue
                s.job_left[m, t % 12] += 1.0
            flags = p.flags[i]
            if p.last_employer[i] >= 0:
                rec.returner_departures[t, o, d] += 1
                if p.last_employer[i] != j:
                    rec.employer_changes[t, o, d] += 1
            if not (flags & F_TRAINED) and rng.uniform(seed, rng.TRAINING, t, p.pid[i]) < training[o]:
                flags |= np.uint16(F_TRAINED)
                p.human_capital[i] += training_gain
                rec.trained[t, o] += 1
            p.status[i] = CHANNEL_STATUS[k]
            if k == CH_SEASONAL:
                p.stay_end[i] = t + int(min(season_months[m], seasonal_max[d]))  # stay_months
                if flags & F_EVER_SEASONAL:
                    rec.seasonal_repeat[t, o, d] += 1
                else:
                    rec.seasonal_first_timers[t, o, d] += 1
                gap = t - p.last_departure[i]
                if p.trips[i] == 1 and (flags & F_PREV_SEASONAL) and came_back_min <= gap <= came_back_max:
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
                if t - p.last_move[i] > allowed_absence[d]:
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
    # job start: surplus arrivals re-placed, vacancies, irregular hiring by non-compliant employers, shortage
    s.emp_open[:] = 0  # vacancies left from this month's recruitment are not job-start vacancies
    replace_surplus(t, cal, scale, p, e, w, pol, s, rec)
    wanted = 0
    for m in range(M):
        if not work_starts_now(pol, t, cal, m):
            continue
        rec.domestic_hired[t, m] += domestic_hires(pol, t, m) / scale
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
        unfilled = 0
        demand = 0
        for j in range(w.market_first[m], w.market_first[m + 1]):
            unfilled += max(e.demand[j] - e.workers[j], 0)
            demand += e.demand[j]
            s.emp_open[j] = 0
        rec.unfilled[t, m] += unfilled
        if market_channel(pol, t, m) == CH_SEASONAL:  # the season's employers remember the shortage
            s.last_shortage[m] = unfilled / demand if demand > 0 else 0.0


@njit(cache=True)
def replace_surplus(t, cal, scale, p, e, w, pol, s, rec):
    """At a job start in seasonal and temporary work, employers that received more new recruits than they
    need hand the surplus to the market's employers still short (the agencies and the sector's organisations
    re-place them): employer ``j``'s surplus is min(workers - demand, arrivals), its rehired workers stay."""
    M = w.market_dest.shape[0]
    moves = False
    ptr = w.market_first[:-1].copy()  # next employer of each market to look at for one still short
    for m in range(M):
        if not (work_starts_now(pol, t, cal, m) and labour_market(pol, t, m)):
            continue
        surplus = 0
        short = 0
        for j in range(w.market_first[m], w.market_first[m + 1]):
            gap = e.demand[j] - e.workers[j]
            if gap < 0:
                s.emp_open[j] = -min(-gap, s.emp_arrivals[j])
                surplus -= s.emp_open[j]
            else:
                s.emp_open[j] = gap
                short += gap
        if surplus > 0 and short > 0:
            moves = True
    if moves:
        for i in range(p.status.shape[0]):
            j = p.employer[i]
            if j < 0 or p.last_departure[i] != t or s.emp_open[j] >= 0 or p.last_employer[i] == j:
                continue
            st = p.status[i]
            if st != SEASONAL and st != TEMPORARY:
                continue
            m = e.market[j]
            k = ptr[m]
            hi = w.market_first[m + 1]
            while k < hi and s.emp_open[k] <= 0:
                k += 1
            ptr[m] = k
            if k == hi:
                continue
            p.employer[i] = k
            e.workers[j] -= 1
            s.emp_arrivals[j] -= 1
            s.emp_open[j] += 1
            e.workers[k] += 1
            s.emp_arrivals[k] += 1
            s.emp_open[k] -= 1
            rec.reassigned[t, m] += 1
            if p.last_employer[i] == k:  # back with the former employer after all: not a change
                rec.employer_changes[t, w.comm_origin[p.community[i]], w.market_dest[m]] -= 1
    s.emp_open[:] = 0
