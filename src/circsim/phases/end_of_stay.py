"""Phase 6 — End of stay: renewals, graduation, return or overstay when an allowed stay ends.

A seasonal stay ends with the season. A temporary, highly skilled or research permit at its
end date is renewed with ``renewal_probability`` (the holder meets the work requirement with the
same employer or another: RD 557/2011 art. 71; an employer who no longer wants the worker lets
them go), for ``temporary_renewal_months`` for a temporary permit, and
always for a worker whose origin's nationals have free access to the labour market after
``free_access_years`` of legal employment (the EU-Turkey rule). A graduating student finds a
skilled job (becomes highly skilled, skill high) with ``graduate_job_rate``, or stays to search
for ``graduate_search_months`` with ``graduate_search_rate``. A traineeship simply ends. Otherwise
the person returns (a logistic probability, see ``rules.return_probability``: a sure way back —
a multi-annual permit still valid for a coming season, or facilitated re-admission of a former
legal resident —, the expected rehire by the same employer, progress towards the person's
savings target (savings plus the household assets bought with remittances, less debt) and the
expected removal risk favour return; the gain from irregular work over the person's earnings at
home and the years spent abroad favour overstaying) or overstays and becomes irregular. Irregular workers of a seasonal
employer are let go when the season ends.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (CH_HIGHLY_SKILLED, CH_IRREGULAR, F_EVER_IRREGULAR, F_FORMER_RESIDENT, F_GOOD_RECORD,
                     F_FAMILY, F_TIE_RENEWED, F_TRAINED, HALF_MONTHS_PER_YEAR, HIGH_SKILL, HIGHLY_SKILLED, IRREGULAR, NEVER, R_END_OF_PERMIT, R_END_OF_SEASON,
                     RESEARCHER, SEASONAL, STUDENT, TEMPORARY, TRAINEE)
from .common import clip01, go_home, home_earnings_of, permit_months, release_employer, renewal_months, target_progress_of


@njit(cache=True, inline="always")
def end_stay(p, i, e, w, pol, s, rec, t, seed, reason):
    b = pol.behaviour
    c = p.community[i]
    o = w.comm_origin[c]
    d = p.destination[i]
    j = p.employer[i]
    way_back = p.permit_end[i] > t + 1 or (pol.corridor.facilitated_readmission[t, o, d] > 0.5
                                           and (p.flags[i] & F_FORMER_RESIDENT) != 0)
    has_permit = 1.0 if way_back else 0.0
    rehire = 0.0
    if (p.status[i] == SEASONAL or p.status[i] == TRAINEE) and j >= 0:
        m = e.market[j]
        flags = p.flags[i]
        rehire = rules.rehire_probability(clip01(pol.market.rehire_propensity[t, m] + e.rehire_offset[j]),
                                          pol.corridor.rehire_priority[t, o, d],
                                          b.training_rehire_gain[t] if flags & F_TRAINED else 0.0,
                                          b.short_stay_rehire_gain[t] if flags & F_TIE_RENEWED else 0.0)
    # the gain of irregular work over the person's own earnings at home (experience pays at home too)
    gain = s.gain[c, CH_IRREGULAR, d] - 12.0 * (home_earnings_of(p, i, s, pol, t) - s.home_income[c])
    p_return = rules.return_probability(
        b.return_intercept[t], b.return_permit[t], has_permit, b.return_rehire[t], rehire,
        b.return_savings[t], target_progress_of(p, i, pol, t, seed),
        b.return_enforcement[t], s.removal[o, d], b.return_gain[t], gain,
        b.return_years_abroad[t], p.months_abroad[i] / 12.0, b.return_savings_cap[t])
    k = p.channel[i]
    rec.stays_ended[t, k, o, d] += 1
    if rng.uniform(seed, rng.END_OF_STAY, t, p.pid[i]) < p_return:
        go_home(p, i, e, w, pol, seed, t, reason, rec, True)
        p.flags[i] |= np.uint16(F_GOOD_RECORD)
    else:
        rec.overstays[t, k, o, d] += 1
        p.last_employer[i] = j
        release_employer(p, i, e)
        p.status[i] = IRREGULAR
        p.channel[i] = CH_IRREGULAR
        p.sector[i] = -1
        p.permit_end[i] = NEVER
        p.stay_end[i] = NEVER
        p.flags[i] = (p.flags[i] | np.uint16(F_EVER_IRREGULAR)) & ~np.uint16(F_GOOD_RECORD | F_FAMILY)


@njit(cache=True)
def end_of_stay(t, cal, seed, scale, p, e, w, pol, s, rec):
    b = pol.behaviour
    free_access_years, renewal = pol.corridor.free_access_years[t], pol.destination.renewal_probability[t]
    family_renewal = pol.destination.family_renewal_probability[t]
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if st == SEASONAL:
            if p.stay_end[i] <= t:
                end_stay(p, i, e, w, pol, s, rec, t, seed, R_END_OF_SEASON)
        elif st == TEMPORARY or st == HIGHLY_SKILLED or st == RESEARCHER:
            if p.permit_end[i] <= t:
                j = p.employer[i]
                d = p.destination[i]
                o = w.comm_origin[p.community[i]]
                free = free_access_years[o, d]
                free_access = free > 0 and p.legal_months[i] >= HALF_MONTHS_PER_YEAR * free
                # renewed with the same employer or another (a family permit needs no job); an employer who no
                # longer wants the worker lets them go, and they work in the rest of the economy (phase 5)
                chance = family_renewal[d] if p.flags[i] & F_FAMILY else renewal[d]
                if free_access or rng.uniform(seed, rng.RENEWAL, t, p.pid[i]) < chance:
                    if j >= 0 and e.workers[j] > e.demand[j]:
                        release_employer(p, i, e)
                    k = p.channel[i] if p.channel[i] >= 0 else CH_HIGHLY_SKILLED
                    p.permit_end[i] = t + renewal_months(pol, t, d, k)
                    p.stay_end[i] = p.permit_end[i]
                    rec.renewals[t, o, d] += 1
                else:
                    end_stay(p, i, e, w, pol, s, rec, t, seed, R_END_OF_PERMIT)
        elif st == STUDENT:
            if p.permit_end[i] <= t:
                d = p.destination[i]
                o = w.comm_origin[p.community[i]]
                u = rng.uniform(seed, rng.GRADUATE, t, p.pid[i])
                searching = p.channel[i] == CH_HIGHLY_SKILLED
                if u < b.graduate_job_rate[t]:
                    release_employer(p, i, e)  # leaves the university for a skilled job
                    p.status[i] = HIGHLY_SKILLED
                    p.channel[i] = CH_HIGHLY_SKILLED
                    p.skill[i] = HIGH_SKILL
                    p.permit_end[i] = t + permit_months(pol, t, d, CH_HIGHLY_SKILLED)
                    p.stay_end[i] = p.permit_end[i]
                    rec.graduate_jobs[t, o, d] += 1
                elif not searching and u < b.graduate_job_rate[t] + b.graduate_search_rate[t]:
                    release_employer(p, i, e)
                    p.channel[i] = CH_HIGHLY_SKILLED  # studies over: searching for a skilled job
                    p.permit_end[i] = t + int(b.graduate_search_months[t])
                    p.stay_end[i] = p.permit_end[i]
                else:
                    end_stay(p, i, e, w, pol, s, rec, t, seed, R_END_OF_PERMIT)
        elif st == TRAINEE:
            if p.permit_end[i] <= t:
                end_stay(p, i, e, w, pol, s, rec, t, seed, R_END_OF_PERMIT)
        elif st == IRREGULAR:
            j = p.employer[i]
            if j >= 0 and e.demand[j] == 0:
                release_employer(p, i, e)
                p.sector[i] = -1
