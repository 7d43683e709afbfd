"""Phase 2 — Recruitment: employers (and universities, institutes, training firms) fill places.

Seasonal work and studies recruit in rounds, each month from ``recruitment_lead`` months before
the season or academic year until the month before it (top-up rounds replace refused, lost and
unmatched offers); other markets recruit every month. In each round each employer not excluded
from the legal channels (found with irregular workers) asks for its share of the market's migrant
demand less its workers, divided by one minus the share of selected recruits the market saw
withdraw at the job starts of the last 12 months (over-requesting), less the offers it has out.
When recruitment opens (every month for all-year markets), former workers with a good record
are offered rehire first: each former worker's rehire probability q (employer rehire
propensity, raised by the scheme's rehire priority, by pre-departure training and by a tie kept
through short stays) adds to the employer's expected callbacks X; the employer calls back
R = min(open places, X rounded stochastically) of them, chosen by systematic sampling in slot
order (inclusion probability q R / X), so the expected callbacks are min(open places, X) however
few agents an employer has (a per-person coin flip against a small number of places would
rehire fewer the coarser the world). A former worker called back accepts with probability
logistic(loyalty_intercept + beta_income x (employer's pay - sector's wage) over a stay / 1000),
or declines and seeks another employer through the agency from this round. Then the origin agencies fill
the rest from their pools of people registered for that channel and destination, within each
corridor's yearly quota, each offer turned into a match with the origin's job-matching
efficiency (raised by labour-market information); candidates with a good record from an earlier
legal stay are selected with ``experience_weight`` times the odds of a newcomer (``rules.experience_selection``). An ethical recruitment cap stops offers to the
skilled of an origin once a yearly share of its skilled at home has been recruited. A person
holding a permit valid at the job start (multi-annual seasonal permit), or a former legal
resident where the corridor facilitates re-admission, goes straight to APPROVED without quota or
consular queue; the others file an application at the consulate.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (APPLICANT, APPROVED, CH_HIGHLY_SKILLED, CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_TEMPORARY,
                     F_FORMER_RESIDENT, F_GOOD_RECORD, F_REHIRE_OFFER, F_TIE_RENEWED, F_TRAINED, HIGH_SKILL,
                     LEGAL_CHANNELS)
from .common import (age_years, clip01, expected_withdrawal, is_at_home_free, job_start, market_channel, permit_months,
                     quota_of, recruitment_round, selectable, work_months)


@njit(cache=True, inline="always")
def quota_left(pol, s, t, o, d, k, scale):
    return quota_of(pol, t, o, d, k) / scale - s.quota_used[o, d, k]


@njit(cache=True, inline="always")
def rehire_eligible(flags, ban_end, t, birth, retire):
    """A former worker an employer may call back: a good record, no re-entry ban, below retirement age."""
    return (flags & F_GOOD_RECORD) != 0 and ban_end <= t and age_years(birth, t) < retire


@njit(cache=True, inline="always")
def rehire_chance(flags, propensity, offset, priority, training_gain, short_stay_gain):
    """Probability that an employer wants its former worker back (see ``rules.rehire_probability``): the
    worker's ``flags``, the market's rehire propensity and the employer's offset to it, the corridor's
    rehire priority, this month's training and short-stay gains. Scalars only: it runs once per former
    worker, and helpers taking the state or parameter tuples inside person loops cost reference counting
    (docs/BENCHMARKS.md, issue 14)."""
    return rules.rehire_probability(clip01(propensity + offset), priority,
                                    training_gain if flags & F_TRAINED else 0.0,
                                    short_stay_gain if flags & F_TIE_RENEWED else 0.0)


@njit(cache=True, inline="always")
def loyalty_of(pol, t, m, d, pay):
    """Probability a former worker accepts a callback from an employer paying ``pay`` x the sector's wage."""
    months = work_months(pol, t, m, d)
    return rules.loyalty_probability(pol.behaviour.loyalty_intercept[t], pol.behaviour.beta_income[t],
                                     months * pol.market.wage[t, m] * (pay - 1.0))


@njit(cache=True)
def next_with_room(s, m, ptr):
    """The first employer of market ``m`` at or after ``ptr`` (cyclically) that still has room."""
    a, b = s.room_first[m], s.room_first[m + 1]
    k = a + np.searchsorted(s.room[a:b], ptr)
    for _ in range(b - a):
        if k == b:
            k = a
        if s.emp_open[s.room[k]] > 0:
            break
        k += 1
    return s.room[k]


@njit(cache=True, inline="always")
def make_offer(p, i, e, w, pol, s, rec, t, cal, j, rehire, scale):
    """Offer person ``i`` a place at employer ``j``; False when a quota or the ethical cap says no."""
    m = e.market[j]
    d = w.market_dest[m]
    o = w.comm_origin[p.community[i]]
    k = market_channel(pol, t, m)
    start = job_start(pol, t, cal, m)
    has_permit = (k == CH_SEASONAL and p.permit_end[i] > start and p.last_employer[i] >= 0
                  and w.market_dest[e.market[p.last_employer[i]]] == d)  # a multi-annual seasonal permit
    facilitated = (not has_permit and pol.corridor.facilitated_readmission[t, o, d] > 0.5
                   and (p.flags[i] & F_FORMER_RESIDENT) != 0
                   and (k == CH_TEMPORARY or k == CH_HIGHLY_SKILLED or k == CH_RESEARCHER))
    skilled = p.skill[i] == HIGH_SKILL
    if skilled and s.skilled_cap[o] < 1.0:
        return False
    if not has_permit and not facilitated:
        if quota_left(pol, s, t, o, d, k, scale) < 1.0:
            return False
        s.quota_used[o, d, k] += 1.0
    if skilled:
        s.skilled_cap[o] -= 1.0
    p.employer[i] = j
    p.destination[i] = d
    p.sector[i] = w.market_sector[m]
    p.channel[i] = k
    p.stay_end[i] = start
    if rehire:
        p.flags[i] |= np.uint16(F_REHIRE_OFFER)
    else:
        p.flags[i] &= ~np.uint16(F_REHIRE_OFFER)
    if has_permit:
        p.status[i] = APPROVED
    elif facilitated:
        p.status[i] = APPROVED
        p.permit_end[i] = start + permit_months(pol, t, d, k)
        rec.facilitated_readmissions[t, o, d] += 1
    else:
        p.status[i] = APPLICANT
        p.app_month[i] = t
        rec.applications[t, k, o, d] += 1
    e.offers[j] += 1
    s.emp_open[j] -= 1
    s.market_open[m] -= 1
    return True


@njit(cache=True)
def recruitment(t, cal, seed, scale, p, e, w, pol, s, rec):
    M = w.market_dest.shape[0]
    O, K, D = s.pool.shape
    b, org = pol.behaviour, pol.origin
    s.intended[:, :, :, t % 12] = 0.0
    channel_of = pol.market.channel[t]  # each market's channel code (read once, not per person)
    n_open = 0
    for m in range(M):
        s.market_open[m] = 0
        rnd = recruitment_round(pol, t, cal, m)
        s.rehire_round[m] = 1 if rnd == 1 else 0
        keep = 1.0 - expected_withdrawal(s, m)
        for j in range(w.market_first[m], w.market_first[m + 1]):
            s.emp_open[j] = 0
            if rnd == 0 or t < e.excluded_until[j]:
                continue
            need = s.emp_target[j] - e.workers[j]
            if need <= 0:
                continue
            # requests cover the withdrawals expected among the offers (over-requesting), rounded with the
            # employer's offset fixed for the run: a fresh rounding each round would keep the highest of
            # them, a bias that grows as the agent count falls
            gap = int(np.floor(need / keep + rng.uniform(seed, rng.REQUEST, 0, j))) - e.offers[j]
            if gap > 0:
                s.emp_open[j] = gap
                s.market_open[m] += gap
                n_open += gap
        if s.market_open[m] > 0:
            rec.recruitment_rounds[t, m] += 1
            if rnd == 1:
                rec.requests[t, m] += s.market_open[m]
    if n_open == 0:
        return
    # 1. rehire: each employer calls back min(open places, stochastic round of the expected
    #    callbacks X = sum of its eligible former workers' rehire probabilities), chosen among
    #    them by systematic sampling (inclusion probability q x R / X); count the pools on the way
    s.pool[:, :, :] = 0.0
    s.pool_experienced[:, :, :] = 0.0
    retire = b.retirement_age[t]
    # this month's parameters, read before the person loops (docs/BENCHMARKS.md, issue 14)
    rehire_propensity, rehire_priority = pol.market.rehire_propensity[t], pol.corridor.rehire_priority[t]
    training_gain, short_stay_gain = b.training_rehire_gain[t], b.short_stay_rehire_gain[t]
    age_min, age_max = org.selection_age_min[t], org.selection_age_max[t]
    female_only, student_age_max, trainee_age_max = org.selection_female_only[t], b.student_age_max[t], b.trainee_age_max[t]
    s.rehire_mass[:] = 0.0
    for i in range(p.status.shape[0]):
        if is_at_home_free(p.status[i]):
            j = p.last_employer[i]
            if (j >= 0 and s.emp_open[j] > 0 and s.rehire_round[e.market[j]] == 1
                    and rehire_eligible(p.flags[i], p.ban_end[i], t, p.birth[i], retire)):
                s.rehire_mass[j] += rehire_chance(p.flags[i], rehire_propensity[e.market[j]], e.rehire_offset[j],
                                           rehire_priority[w.comm_origin[p.community[i]], w.market_dest[e.market[j]]],
                                           training_gain, short_stay_gain)
    for j in range(e.market.shape[0]):
        s.rehire_cum[j] = 0.0
        s.rehire_calls[j] = 0
        if s.rehire_mass[j] > 0:
            r = rng.stochastic_round(s.rehire_mass[j], seed, rng.REHIRE, t, j)
            s.rehire_calls[j] = min(r, s.emp_open[j])
            s.rehire_start[j] = rng.uniform(seed, rng.REHIRE + rng.SUBSTREAM, t, j)
    for i in range(p.status.shape[0]):
        if not is_at_home_free(p.status[i]):
            continue
        o = w.comm_origin[p.community[i]]
        j = p.last_employer[i]
        if j >= 0 and s.rehire_calls[j] > 0 and rehire_eligible(p.flags[i], p.ban_end[i], t, p.birth[i], retire):
            step = s.rehire_calls[j] / s.rehire_mass[j]
            before = np.floor(s.rehire_cum[j] * step + s.rehire_start[j])
            s.rehire_cum[j] += rehire_chance(p.flags[i], rehire_propensity[e.market[j]], e.rehire_offset[j],
                                           rehire_priority[w.comm_origin[p.community[i]], w.market_dest[e.market[j]]],
                                           training_gain, short_stay_gain)
            if np.floor(s.rehire_cum[j] * step + s.rehire_start[j]) > before and s.emp_open[j] > 0:
                # the worker weighs the former employer's pay against the sector's (the known employer aside)
                e.callbacks[j] += 1
                m = e.market[j]
                if rng.uniform(seed, rng.LOYALTY, t, p.pid[i]) < loyalty_of(pol, t, m, w.market_dest[m], e.pay[j]):
                    if make_offer(p, i, e, w, pol, s, rec, t, cal, j, True, scale):
                        continue
                else:  # declined: seeks another employer through the agency, from this round
                    e.declined[j] += 1
                    rec.rehire_declined[t, m] += 1
                    p.channel[i] = int(channel_of[m])  # market_channel
                    p.destination[i] = w.market_dest[m]
                    p.app_month[i] = t
        k = p.channel[i]
        if k >= 0 and k != CH_IRREGULAR and selectable(p.ban_end[i], t, age_years(p.birth[i], t), p.sex[i], p.skill[i], k,
                                            age_min[o], age_max[o], female_only[o], student_age_max,
                                            trainee_age_max):
            s.pool[o, k, p.destination[i]] += 1.0
            if p.flags[i] & F_GOOD_RECORD:
                s.pool_experienced[o, k, p.destination[i]] += 1.0
    # 2. selection probabilities: a market's open places are shared among origins by recruitment
    #    share, capped by quota; each offer becomes a match with the origin's matching efficiency;
    #    the places wanted (select_prob holds them first) go to the pool members, those with a good
    #    record from an earlier legal stay ranked first (``rules.experience_selection``)
    s.select_prob[:, :] = 0.0
    s.select_prob_experienced[:, :] = 0.0
    for m in range(M):
        if s.market_open[m] <= 0:
            continue
        d = w.market_dest[m]
        k = market_channel(pol, t, m)
        total = 0.0
        for o in range(O):
            total += pol.corridor.recruitment_share[t, o, d]
        if total <= 0:
            continue
        for o in range(O):
            eff = org.matching_efficiency[t, o]
            eff += (1.0 - eff) * b.lmi_match_gain[t] * org.labour_market_information[t, o]
            asked = min(s.market_open[m] * pol.corridor.recruitment_share[t, o, d] / total,
                        max(quota_left(pol, s, t, o, d, k, scale), 0.0))
            s.intended[o, k, d, t % 12] += asked * eff  # drives the prospect of registering
            s.select_prob[o, m] = asked * eff
    weight = b.experience_weight[t]
    for o in range(O):
        for k in LEGAL_CHANNELS:
            for d in range(D):
                wanted = 0.0
                for m in range(M):
                    if channel_of[m] == k and w.market_dest[m] == d:
                        wanted += s.select_prob[o, m]
                if wanted <= 0:
                    continue
                experienced = s.pool_experienced[o, k, d]
                p_exp, p_new = rules.experience_selection(wanted, experienced, s.pool[o, k, d] - experienced, weight)
                for m in range(M):
                    if channel_of[m] == k and w.market_dest[m] == d:
                        share = s.select_prob[o, m] / wanted
                        s.select_prob_experienced[o, m] = p_exp * share
                        s.select_prob[o, m] = p_new * share
    # 3. the agencies select pool members; each recruit goes to the next employer with room (in
    #    round-robin order from the market's pointer). Employers with no room now never get any
    #    in this step, so only those with room are listed (a market of many firms with few places
    #    would otherwise be scanned firm by firm for every recruit)
    n_room = 0
    for m in range(M):
        s.room_first[m] = n_room
        for j in range(w.market_first[m], w.market_first[m + 1]):
            if s.emp_open[j] > 0:
                s.room[n_room] = j
                n_room += 1
    s.room_first[M] = n_room
    for i in range(p.status.shape[0]):
        if not is_at_home_free(p.status[i]):
            continue
        k = p.channel[i]
        if k < 0 or k == CH_IRREGULAR:
            continue
        o = w.comm_origin[p.community[i]]
        dest = p.destination[i]
        if s.pool[o, k, dest] <= 0 or not selectable(p.ban_end[i], t, age_years(p.birth[i], t), p.sex[i], p.skill[i],
                                                      k, age_min[o], age_max[o], female_only[o], student_age_max,
                                                      trainee_age_max):
            continue
        prob = s.select_prob_experienced if p.flags[i] & F_GOOD_RECORD else s.select_prob
        u = rng.uniform(seed, rng.SELECT, t, p.pid[i])
        acc = 0.0
        for m in range(M):
            if channel_of[m] != k or w.market_dest[m] != dest or prob[o, m] <= 0:
                continue
            acc += prob[o, m]
            if u < acc:
                if s.market_open[m] > 0:
                    j = next_with_room(s, m, s.market_ptr[m])
                    make_offer(p, i, e, w, pol, s, rec, t, cal, j, False, scale)
                    lo = w.market_first[m]
                    s.market_ptr[m] = lo + (j - lo + 1) % (w.market_first[m + 1] - lo)
                break
