"""Phase 8 — Returns, reintegration, circular stays of long-term residents, short stays.

Temporary, highly skilled, research and irregular migrants and long-term residents abroad
return voluntarily with a monthly hazard (see ``rules.voluntary_return_hazard``) that rises with
progress beyond their savings target (savings plus the household's remittance-bought assets,
less debt), age, the origin's return bonus (plus the bonus for the skilled, both paid on
return), reintegration support (as a bonus of its expected value), the household's income at home (the person's earnings, raised by
human capital gained abroad, plus the yield of the assets) and — for former legal residents whose
corridor facilitates re-admission — the sure way back, and falls with a network abroad. A
long-term resident who returns voluntarily gives up the status.

A long-term resident plans a stay in the origin country (business, professional, voluntary
activity) with ``ltr_circular_hazard`` a month, of a geometric length with mean
``circular_stay_months``. If it fits within the destination's ``allowed_absence_months`` they go
(a return of reason ``circular_stay``) and come back at its end keeping the status; if not,
they stay, except a share ``absence_overrun`` who go anyway and lose the status once the absence
passes the allowed months.

At home, people spend ``home_spending`` of their savings a month; returnees and long-term
residents on a stay at home, in their first year home, who have saved ``business_capital`` may
start a business (hazard rising with savings and reintegration support, lower for one who was
irregular abroad), which takes that capital; a business closes with ``business_closure`` a year
while its owner is at home. A returnee holding a multiple-entry short-stay visa
makes a short stay abroad (business, job search; at most one per ``short_stay_spacing`` months) with ``short_stay_hazard`` a month, which keeps the tie to the former employer.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (APPLICANT, APPROVED, F_BUSINESS, F_DECIDED, F_EVER_IRREGULAR, F_FORMER_RESIDENT, F_OVERRUN, F_TIE_RENEWED, HIGH_SKILL,
                     HIGHLY_SKILLED, HOME, IRREGULAR, LONG_TERM, LONG_TERM_AWAY, R_CIRCULAR_STAY, NEVER, R_VOLUNTARY, RESEARCHER,
                     RETURNEE, TEMPORARY)
from .common import DURATION_BINS, age_years, go_home, home_earnings_at, release_employer, target_progress_at


@njit(cache=True)
def returns(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, org, cor = pol.behaviour, pol.origin, pol.corridor
    spend = 1.0 - b.home_spending[t]
    closure = 1.0 - (1.0 - b.business_closure[t]) ** (1.0 / 12.0)
    # this month's parameters, read before the person loop (docs/BENCHMARKS.md, issue 14)
    allowed_absence, savings_target = pol.destination.allowed_absence_months[t], pol.community.savings_target[t]
    target_sd, hc_home_wage, skill_premium = b.savings_target_sd[t], b.hc_home_wage[t], b.skill_home_premium[t]
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == TEMPORARY or st == IRREGULAR or st == HIGHLY_SKILLED or st == RESEARCHER or st == LONG_TERM:
            c = p.community[i]
            o = w.comm_origin[c]
            d = p.destination[i]
            pid = p.pid[i]
            if st == LONG_TERM and rng.uniform(seed, rng.CIRCULAR, t, pid) < b.ltr_circular_hazard[t]:
                months = rules.geometric_months(b.circular_stay_months[t],
                                                rng.uniform(seed, rng.CIRCULAR + rng.SUBSTREAM, t, pid))
                fits = months <= allowed_absence[d]
                if fits or rng.uniform(seed, rng.CIRCULAR + 2 * rng.SUBSTREAM, t, pid) < b.absence_overrun[t]:
                    rec.returns[t, R_CIRCULAR_STAY, o, d] += 1
                    stay = t - p.last_departure[i]
                    rec.stay_duration[t, o, min(max(stay, 0), DURATION_BINS - 1)] += 1
                    release_employer(p, i, e)
                    p.status[i] = LONG_TERM_AWAY
                    p.stay_end[i] = t + months
                    p.last_move[i] = t
                    if not fits:
                        p.flags[i] |= np.uint16(F_OVERRUN)
                    continue
            bonus = org.return_bonus[t, o] + (org.skilled_return_bonus[t, o] if p.skill[i] == HIGH_SKILL else 0.0)
            way_back = 1.0 if (cor.facilitated_readmission[t, o, d] > 0.5 and (p.flags[i] & F_FORMER_RESIDENT)) else 0.0
            # the household's income at home: the person's earnings and the yield of its remittance-bought assets
            home = (12.0 * home_earnings_at(s.home_income[c], p.human_capital[i], p.flags[i], hc_home_wage, skill_premium)
                    + b.remittance_yield[t] * p.assets[i])
            h = rules.voluntary_return_hazard(
                b.voluntary_hazard[t], b.voluntary_savings[t],
                target_progress_at(p.savings[i], p.assets[i], p.debt[i], pid, savings_target[c], target_sd, seed),
                b.voluntary_age[t], b.voluntary_age_onset[t], age_years(p.birth[i], t), b.voluntary_bonus[t], bonus,
                org.reintegration_value[t, o], org.reintegration_support[t, o], b.voluntary_network[t],
                p.network[i], b.voluntary_home[t], home, b.voluntary_readmission[t], way_back,
                b.voluntary_years_abroad[t], b.voluntary_years_cap[t], p.months_abroad[i] / 12.0,
                b.voluntary_savings_cap[t])
            if rng.uniform(seed, rng.VOLUNTARY, t, pid) < h:
                if st == IRREGULAR and p.flags[i] & F_DECIDED:  # leaves after a return decision: carried out
                    rec.decision_departures[t, o, d] += 1
                p.savings[i] += bonus
                go_home(p, i, e, w, pol, seed, t, R_VOLUNTARY, rec, st != IRREGULAR)
        elif st == HOME or st == RETURNEE or st == APPLICANT or st == APPROVED or st == LONG_TERM_AWAY:
            p.savings[i] *= spend
            c = p.community[i]
            o = w.comm_origin[c]
            if (p.flags[i] & F_BUSINESS) and rng.uniform(seed, rng.BUSINESS_CLOSURE, t, p.pid[i]) < closure:
                p.flags[i] &= ~np.uint16(F_BUSINESS)
            elif ((st == RETURNEE or st == LONG_TERM_AWAY) and not (p.flags[i] & F_BUSINESS)
                    and t - p.last_move[i] < 12 and float(p.savings[i]) + float(p.assets[i]) >= b.business_capital[t]):
                # the capital comes from savings and the household's remittance-bought assets (float64 sums)
                h = rules.business_hazard(b.business_hazard[t], b.business_savings[t],
                                          float(p.savings[i]) + float(p.assets[i]),
                                          b.business_capital[t], b.business_support[t], org.reintegration_support[t, o],
                                          b.business_irregular[t], 1.0 if p.flags[i] & F_EVER_IRREGULAR else 0.0,
                                          b.business_savings_cap[t])
                if rng.uniform(seed, rng.BUSINESS, t, p.pid[i]) < h:
                    p.flags[i] |= np.uint16(F_BUSINESS)
                    from_savings = min(p.savings[i], b.business_capital[t])
                    p.savings[i] -= from_savings
                    p.assets[i] = max(p.assets[i] - (b.business_capital[t] - from_savings), 0.0)
                    rec.businesses_started[t, c] += 1
            if (st == RETURNEE and p.visa_end[i] > t and (p.short_stay[i] == NEVER or t - p.short_stay[i] >= b.short_stay_spacing[t])
                    and rng.uniform(seed, rng.SHORT_STAY, t, p.pid[i]) < b.short_stay_hazard[t]):
                p.short_stay[i] = t
                p.flags[i] |= np.uint16(F_TIE_RENEWED)
                rec.short_stays[t, o] += 1
