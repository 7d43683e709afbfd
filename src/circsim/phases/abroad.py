"""Phase 5 — Life abroad: income, remittances, savings, human capital, clocks, status changes.

A legal migrant with an employer earns the market's wage times the human-capital multiplier;
one without (a graduate in a skilled job, a researcher who moved, a long-term resident with
free access to the labour market) earns the destination's mean wage; a student searching for
a job earns nothing. An irregular person earns a share of it (``irregular_wage_factor``), from a
non-compliant employer or, without one, from informal work found with probability
``irregular_employment`` each month (less where inspections deter employers: phase 1), and lives for ``irregular_living_cost`` of a legal worker's
living cost (shared, informal housing). Living costs are paid; a positive net income first repays
migration debt, then a share (``remittance_share``) is remitted to the household, which buys
assets with it, and the rest is saved; a shortfall is paid from savings, then borrowed. Human capital grows with each month with
income. The legal-residence clock counts months of temporary, highly skilled, research and
training stays in full and study months half; seasonal and irregular months restart it. A
person with ``former_resident_years`` of legal residence, or a highly skilled or research stay,
is a former legal resident (facilitated re-admission). After ``ltr_years`` of continuous legal residence a
person becomes a long-term resident (no permit end). Researchers may move to another
destination without a new permit (``researcher_mobility``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (CH_HIGHLY_SKILLED, F_FORMER_RESIDENT, HALF_MONTHS_PER_YEAR, HIGHLY_SKILLED, IRREGULAR, LONG_TERM, NEVER,
                     RESEARCHER, SEASONAL, STUDENT)
from .common import earn, is_abroad, release_employer


@njit(cache=True)
def life_abroad(t, cal, seed, scale, p, e, w, pol, s, rec):
    b, dst = pol.behaviour, pol.destination
    D = s.dest_wage.shape[0]
    factor = b.irregular_wage_factor[t]
    wage_of, remittance_share = pol.market.wage[t], pol.origin.remittance_share[t]  # read once, not per person
    for i in range(p.status.shape[0]):
        st = p.status[i]
        if not is_abroad(st):
            continue
        c = p.community[i]
        o = w.comm_origin[c]
        d = p.destination[i]
        j = p.employer[i]
        mult = rules.wage_multiplier(p.human_capital[i], b.hc_wage[t])
        if st == IRREGULAR:
            p.legal_months[i] = 0
            if j >= 0:
                income = wage_of[e.market[j]] * e.pay[j] * factor * mult
            elif rng.uniform(seed, rng.IRREGULAR_JOB, t, p.pid[i]) < b.irregular_employment[t] * s.informal_work[d]:
                income = s.dest_wage[d] * factor * mult
            else:
                income = 0.0
        else:
            if j >= 0:
                income = wage_of[e.market[j]] * e.pay[j] * mult
            elif st == STUDENT:
                income = 0.0  # a graduate searching for a job
            else:
                income = s.dest_wage[d] * mult
            if st == SEASONAL:
                p.legal_months[i] = 0
            elif st != LONG_TERM:
                p.legal_months[i] += 1 if st == STUDENT else 2
                if (p.legal_months[i] >= HALF_MONTHS_PER_YEAR * dst.former_resident_years[t, d]
                        or st == HIGHLY_SKILLED or st == RESEARCHER):
                    p.flags[i] |= np.uint16(F_FORMER_RESIDENT)
                if p.legal_months[i] >= HALF_MONTHS_PER_YEAR * dst.ltr_years[t, d]:
                    p.status[i] = LONG_TERM
                    p.permit_end[i] = NEVER
                    p.stay_end[i] = NEVER
                    rec.ltr_granted[t, o, d] += 1
        cost = dst.living_cost[t, d] * (b.irregular_living_cost[t] if st == IRREGULAR else 1.0)
        rec.remittances[t, c] += earn(p, i, income - cost, remittance_share[o])
        if income > 0:
            p.human_capital[i] += b.hc_growth[t]
        p.months_abroad[i] += 1
        if p.status[i] == RESEARCHER and D > 1 and rng.uniform(seed, rng.MOBILITY, t, p.pid[i]) < b.researcher_mobility[t]:
            other = int(rng.uniform(seed, rng.MOBILITY + rng.SUBSTREAM, t, p.pid[i]) * (D - 1))
            rec.intra_eu_moves[t, o, d] += 1
            release_employer(p, i, e)
            p.destination[i] = other if other < d else other + 1
