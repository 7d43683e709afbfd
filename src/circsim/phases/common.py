"""Small compiled helpers the phases share: markets, eligibility, moving people home."""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import rng, rules
from ..state import (CH_HIGHLY_SKILLED, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TEMPORARY, CH_TRAINEE, EXITED, F_DECIDED, F_FAMILY, F_UPGRADED,
                     F_EVER_MIGRATED, F_FORMER_RESIDENT, F_GOOD_RECORD, F_REHIRE_OFFER, HIGH_SKILL, HIGHLY_SKILLED, HOME,
                     IRREGULAR, LONG_TERM, MAX_EXPECTED_WITHDRAWAL, MEDIUM_SKILL, NEVER, RETURNEE,
                     SEASONAL)

DURATION_BINS = 61  # stay durations recorded in months 0..59, and 60 for "60 or more"


@njit(cache=True, inline="always")
def is_abroad(status):
    return (status >= SEASONAL and status <= LONG_TERM) or status == IRREGULAR


@njit(cache=True, inline="always")
def is_at_home_free(status):
    """At home with no application or offer under way."""
    return status == HOME or status == RETURNEE


@njit(cache=True, inline="always")
def home_status(flags):
    return RETURNEE if flags & F_EVER_MIGRATED else HOME


@njit(cache=True, inline="always")
def age_years(birth, t):
    return (t - birth) / 12.0


@njit(cache=True, inline="always")
def pay(p, i, amount):
    """Person ``i`` pays ``amount`` (EUR) from savings; what savings cannot cover is borrowed (debt)."""
    if amount <= p.savings[i]:
        p.savings[i] -= amount
    else:
        p.debt[i] += amount - p.savings[i]
        p.savings[i] = 0.0


@njit(cache=True, inline="always")
def earn(p, i, amount, remit_share):
    """Net income ``amount`` (EUR, may be negative) of a month abroad: debt is repaid first, a share
    ``remit_share`` of the rest goes to the household (its assets), the rest is saved; a shortfall
    is paid from savings or borrowed. Returns the remittance."""
    if amount <= 0:
        pay(p, i, -amount)
        return 0.0
    repaid = min(amount, p.debt[i])
    p.debt[i] -= repaid
    rest = amount - repaid
    remit = remit_share * rest
    p.savings[i] += rest - remit
    p.assets[i] += remit
    return remit


@njit(cache=True, inline="always")
def target_progress_of(p, i, pol, t, seed):
    """Progress of person ``i`` towards their savings target (see ``rules.target_progress``).

    Outside per-person loops only: in a loop use ``target_progress_at`` with the month's values read
    before the loop (see ``home_earnings_at``)."""
    return target_progress_at(p.savings[i], p.assets[i], p.debt[i], p.pid[i],
                              pol.community.savings_target[t, p.community[i]], pol.behaviour.savings_target_sd[t], seed)


@njit(cache=True, inline="always")
def target_progress_at(savings, assets, debt, pid, target_mean, target_sd, seed):
    """``target_progress_of`` from scalars: the person's savings, assets, debt and id, their community's
    savings target and the spread of targets this month."""
    target = rules.savings_target(target_mean, target_sd, rng.normal(seed, rng.TARGET, 0, pid))
    return rules.target_progress(float(savings), float(assets), float(debt), target)


@njit(cache=True, inline="always")
def home_earnings_of(p, i, s, pol, t):
    """Expected monthly earnings at home of person ``i`` (human capital gained abroad pays at home).

    Outside per-person loops only: in a loop use ``home_earnings_at`` with the month's values read
    before the loop. Inlined helpers that take the state or parameter tuples cost reference
    counting on the tuples' arrays, which Numba's pruning of reference counts misses once LLVM has
    merged the paths of a loop: measured, ``departures`` at 200,000 agents took 4.3 ms a month
    with such helpers in its person loop and 0.9 ms without (docs/BENCHMARKS.md, issue 14)."""
    return home_earnings_at(s.home_income[p.community[i]], p.human_capital[i], p.flags[i],
                            pol.behaviour.hc_home_wage[t], pol.behaviour.skill_home_premium[t])


@njit(cache=True, inline="always")
def home_earnings_at(community_income, human_capital, flags, hc_home_wage, skill_premium):
    """``home_earnings_of`` from scalars: the community's expected income, the person's human capital and
    flags, and this month's ``hc_home_wage`` and ``skill_home_premium``."""
    return rules.home_earnings(community_income, human_capital, hc_home_wage,
                               1.0 if flags & F_UPGRADED else 0.0, skill_premium)


@njit(cache=True, inline="always")
def market_channel(pol, t, m):
    """The channel a market recruits through (its ``channel`` code)."""
    return int(pol.market.channel[t, m])


@njit(cache=True, inline="always")
def yearly_intake(pol, t, m):
    """Seasonal work and studies start once a year; other markets take people on every month."""
    k = int(pol.market.channel[t, m])
    return k == CH_SEASONAL or k == CH_STUDENT


@njit(cache=True, inline="always")
def labour_market(pol, t, m):
    """Markets where employers short of workers may take on irregular workers."""
    k = int(pol.market.channel[t, m])
    return k == CH_SEASONAL or k == CH_TEMPORARY


@njit(cache=True, inline="always")
def permit_months(pol, t, d, k):
    """Length of the permit of an all-year channel (seasonal permits: see consulates)."""
    dst = pol.destination
    if k == CH_HIGHLY_SKILLED:
        return int(dst.hs_permit_months[t, d])
    if k == CH_STUDENT:
        return int(dst.study_months[t, d])
    if k == CH_RESEARCHER:
        return int(dst.research_months[t, d])
    if k == CH_TRAINEE:
        return int(dst.training_months[t, d])
    return int(dst.temporary_permit_months[t, d])


@njit(cache=True, inline="always")
def renewal_months(pol, t, d, k):
    """Length of a renewed permit of an all-year channel: a renewed temporary permit runs longer than the first."""
    if k == CH_TEMPORARY:
        return int(pol.destination.temporary_renewal_months[t, d])
    return permit_months(pol, t, d, k)


@njit(cache=True, inline="always")
def stay_months(pol, t, m, d):
    """Months of a seasonal stay: the season, capped by the destination's maximum per year."""
    return int(min(pol.market.season_months[t, m], pol.destination.seasonal_max_months[t, d]))


@njit(cache=True, inline="always")
def work_months(pol, t, m, d):
    """Months of work a stay in market ``m`` brings: the seasonal stay, or a year for all-year markets."""
    return stay_months(pol, t, m, d) if market_channel(pol, t, m) == CH_SEASONAL else 12


@njit(cache=True, inline="always")
def inspected_share(s, w, m):
    """Share of market ``m``'s employers inspected in the last 12 months (the risk its employers perceive)."""
    return min(s.inspect_ring[m, :].sum() / (w.market_first[m + 1] - w.market_first[m]), 1.0)


@njit(cache=True, inline="always")
def recruitment_round(pol, t, cal, m):
    """Does market ``m`` recruit in calendar month ``cal`` (0 = January)? 0: no; 1: it opens recruitment
    (employers call back former workers first); 2: a top-up round. Markets with a yearly intake recruit
    from ``recruitment_lead`` months before the start until the month before it; others every month."""
    if not yearly_intake(pol, t, m):
        return 1
    before = (int(pol.market.season_start[t, m]) - 1 - cal) % 12  # months until the start
    lead = int(pol.market.recruitment_lead[t, m])
    if before == lead:
        return 1
    if 0 < before < lead:
        return 2
    return 0


@njit(cache=True, inline="always")
def expected_withdrawal(s, m):
    """Share of market ``m``'s selected recruits that employers expect to withdraw: the share that did at
    the job starts of the last 12 months (0 before any), at most ``MAX_EXPECTED_WITHDRAWAL``."""
    withdrawn = 0.0
    left = 0.0
    for k in range(12):
        withdrawn += s.job_withdrawn[m, k]
        left += s.job_left[m, k]
    if withdrawn + left <= 0:
        return 0.0
    return min(withdrawn / (withdrawn + left), MAX_EXPECTED_WITHDRAWAL)


@njit(cache=True, inline="always")
def work_starts_now(pol, t, cal, m):
    """Does work start in market ``m`` this month (season or academic year start; else every month)?"""
    if not yearly_intake(pol, t, m):
        return True
    return cal == int(pol.market.season_start[t, m]) - 1


@njit(cache=True, inline="always")
def job_start(pol, t, cal, m):
    """Month a job offered now starts: the next season (academic year) start, or now for all-year work."""
    if not yearly_intake(pol, t, m):
        return t
    return t + (int(pol.market.season_start[t, m]) - 1 - cal) % 12


@njit(cache=True, inline="always")
def selectable(ban_end, t, age, sex, skill, k, age_min, age_max, female_only, student_age_max, trainee_age_max):
    """May a person apply through channel ``k``? (re-entry ban, the agency's age and sex rules, skill)

    Takes scalars only: helpers called once per person must not take the state or parameter
    tuples (passing them costs about a microsecond per call).
    """
    if ban_end > t:
        return False
    if k == CH_HIGHLY_SKILLED or k == CH_RESEARCHER:
        return skill == HIGH_SKILL
    if k == CH_STUDENT:
        return skill >= MEDIUM_SKILL and age < student_age_max + 1
    if k == CH_TRAINEE:
        return skill >= MEDIUM_SKILL and age < trainee_age_max + 1
    if age < age_min or age >= age_max + 1:
        return False
    if k == CH_SEASONAL and female_only > 0.5 and sex != 1:
        return False
    return True


@njit(cache=True, inline="always")
def employer_cost_factor(pol, t, m, d):
    """Employers' demand multiplier for the full cost of a stay (``rules.labour_demand_factor``): the wage
    bill of a stay, plus the recruitment cost and the work-permit fee per stay (a multi-annual seasonal
    permit spreads its fee over its years, averaged over origins by recruitment share; an all-year permit
    over its months). 1 outside seasonal and temporary work."""
    if not labour_market(pol, t, m):
        return 1.0
    mkt, cor = pol.market, pol.corridor
    fee = pol.destination.work_permit_fee[t, d]
    if int(mkt.channel[t, m]) == CH_SEASONAL:
        months = stay_months(pol, t, m, d)
        weight = 0.0
        per_year = 0.0
        for o in range(cor.recruitment_share.shape[1]):
            weight += cor.recruitment_share[t, o, d]
            per_year += cor.recruitment_share[t, o, d] / cor.seasonal_permit_years[t, o, d]
        fee *= per_year / weight if weight > 0 else 1.0
    else:
        months = 12
        fee *= 12.0 / pol.destination.temporary_permit_months[t, d]
    return rules.labour_demand_factor(mkt.wage[t, m] * months, mkt.recruitment_cost[t, m] + fee,
                                      pol.behaviour.labour_demand_elasticity[t])


@njit(cache=True, inline="always")
def domestic_hires(pol, t, m):
    """Domestic and EU workers hired before third-country workers (persons): those willing at the wage
    (``rules.domestic_willing``) reached by Community preference, at most the demand."""
    mkt = pol.market
    willing = rules.domestic_willing(mkt.domestic_supply[t, m], mkt.wage[t, m], mkt.reservation_wage[t, m],
                                     mkt.reservation_wage_scale[t, m])
    return min(mkt.community_preference[t, m] * willing, mkt.demand[t, m])


@njit(cache=True, inline="always")
def market_demand_agents(pol, t, m, d, scale, last_shortage):
    """The market's demand for third-country workers, in agents: the demand left after the domestic and EU
    workers of the queue, times the response to the cost of recruiting them and to the share of places
    left unfilled at the last job start."""
    return ((pol.market.demand[t, m] - domestic_hires(pol, t, m)) / scale * employer_cost_factor(pol, t, m, d)
            * rules.planned_demand_factor(pol.behaviour.shortage_response[t], last_shortage))


@njit(cache=True, inline="always")
def quota_of(pol, t, o, d, k):
    """The corridor's yearly quota of channel ``k`` (real persons)."""
    cor = pol.corridor
    if k == CH_SEASONAL:
        return cor.quota_seasonal[t, o, d]
    if k == CH_TEMPORARY:
        return cor.quota_temporary[t, o, d]
    if k == CH_HIGHLY_SKILLED:
        return cor.quota_highly_skilled[t, o, d]
    if k == CH_STUDENT:
        return cor.quota_student[t, o, d]
    if k == CH_RESEARCHER:
        return cor.quota_researcher[t, o, d]
    if k == CH_TRAINEE:
        return cor.quota_trainee[t, o, d]
    return 0.0


@njit(cache=True)
def market_offset(seed, m):
    """The market's rounding offset: one uniform draw per market, fixed for the run."""
    return rng.uniform(seed, rng.DEMAND_ROUND, 0, m)


@njit(cache=True)
def demand_slots(size, market_first, most):
    """The order in which each market's employers receive its agent places as the market's demand grows:
    Webster's (Sainte-Lagu\u00eb) divisor method, the next place going to the employer with the highest
    size / (2 x places + 1), ties to the lower index. ``most[m]`` places are ordered for market ``m``.
    Returns (first, owner): market ``m``'s places are ``owner[first[m]:first[m + 1]]``.

    A divisor method is house-monotone: one more place in the market gives one more to one employer and
    changes no other's, so a demand that moves by a place moves one employer's target (cumulative rounding
    of size shares moved many when the employers held less than a place each, which broke rehire ties in
    coarse worlds whenever demand moved); each employer holds its share of the places to within about one.
    """
    M = market_first.shape[0] - 1
    first = np.zeros(M + 1, dtype=np.int64)
    for m in range(M):
        first[m + 1] = first[m] + most[m]
    owner = np.empty(first[M], dtype=np.int64)
    places = np.zeros(size.shape[0], dtype=np.int64)
    for m in range(M):
        lo, hi = market_first[m], market_first[m + 1]
        for k in range(most[m]):
            best, top = lo, -1.0
            for j in range(lo, hi):
                v = size[j] / (2.0 * places[j] + 1.0)
                if v > top:
                    best, top = j, v
            owner[first[m] + k] = best
            places[best] += 1
    return first, owner


def most_places(policy, scale: float) -> np.ndarray:
    """The most agent places each market's demand can take over the run (its largest demand, before the
    domestic queue and the cost and shortage factors, which only lower it), plus one for the rounding."""
    return (np.floor(policy.market.demand.max(axis=0) / scale) + 2).astype(np.int64)


@njit(cache=True)
def allocate_to_employers(first, owner, m, lo, hi, total, offset, out):
    """Split ``total`` agents over market ``m``'s employers ``lo..hi-1``: the first ``floor(total + u)`` places
    of the market's order (``demand_slots``), ``u`` the market's offset (``market_offset``). The market total
    ``floor(total + u)`` has expectation ``total`` exactly however small the world (rounding to the nearest
    agent would add up to half an agent per market, a bias that grows as the agent count falls)."""
    for j in range(lo, hi):
        out[j] = 0
    n = min(int(np.floor(total + offset)), first[m + 1] - first[m])
    for k in range(first[m], first[m] + n):
        out[owner[k]] += 1


@njit(cache=True, inline="always")
def clip01(x):
    return min(max(x, 0.0), 1.0)


@njit(cache=True, inline="always")
def cancel_offer(p, i, e):
    """An offer that came to nothing (refused, lost, person left): back home, employer told."""
    j = p.employer[i]
    if j >= 0:
        e.offers[j] -= 1
    p.employer[i] = -1
    p.destination[i] = -1
    p.sector[i] = -1
    p.channel[i] = -1
    p.stay_end[i] = NEVER
    p.flags[i] &= ~np.uint16(F_REHIRE_OFFER)
    p.status[i] = home_status(p.flags[i])


@njit(cache=True, inline="always")
def release_employer(p, i, e):
    j = p.employer[i]
    if j >= 0:
        e.workers[j] -= 1
    p.employer[i] = -1


@njit(cache=True, inline="always")
def go_home(p, i, e, w, pol, seed, t, reason, rec, legal_job):
    """Person ``i`` returns home for ``reason``: recorded, employer released, state reset.

    A skills-transfer programme may move a returnee who gained human capital abroad up a
    skill level; a returnee with a clean record from a legal stay gets a multiple-entry
    short-stay visa where the corridor gives them.
    """
    c = p.community[i]
    o = w.comm_origin[c]
    d = p.destination[i]
    rec.returns[t, reason, o, d] += 1
    if p.status[i] == HIGHLY_SKILLED:
        rec.returns_highly_skilled[t, o, d] += 1
    if p.skill[i] == HIGH_SKILL:
        rec.returns_skilled[t, o, d] += 1
    elif (p.human_capital[i] >= pol.behaviour.skills_transfer_hc[t]
          and rng.uniform(seed, rng.SKILLS, t, p.pid[i]) < pol.origin.skills_transfer[t, o]):
        p.skill[i] += 1
        p.flags[i] |= np.uint16(F_UPGRADED)
        rec.skill_upgrades[t, o] += 1
    if legal_job:  # a clean record from a legal stay
        years = pol.corridor.multiple_entry_visa_years[t, o, d]
        if years > 0:
            p.visa_end[i] = t + 12 * int(years)
    repaid = min(p.savings[i], p.debt[i])  # savings brought home repay the debt first
    p.savings[i] -= repaid
    p.debt[i] -= repaid
    stay = t - p.last_departure[i]
    rec.stay_duration[t, o, min(max(stay, 0), DURATION_BINS - 1)] += 1
    rec.human_capital_returned[t, o] += p.human_capital[i] - 1.0
    if legal_job and p.employer[i] >= 0:
        p.last_employer[i] = p.employer[i]
    release_employer(p, i, e)
    p.flags[i] &= ~np.uint16(F_DECIDED | F_FAMILY)  # an irregular episode or a family permit, if any, is over
    p.status[i] = RETURNEE
    p.destination[i] = -1
    p.sector[i] = -1
    p.channel[i] = -1
    p.stay_end[i] = NEVER
    p.last_move[i] = t
    p.legal_months[i] = 0


@njit(cache=True, inline="always")
def leave_population(p, i, e):
    """Person ``i`` leaves the working-age population: employer and offers released, slot freed."""
    st = p.status[i]
    if is_abroad(st):
        release_employer(p, i, e)
    elif st != HOME and st != RETURNEE and p.employer[i] >= 0:
        e.offers[p.employer[i]] -= 1
    p.employer[i] = -1
    p.status[i] = EXITED
