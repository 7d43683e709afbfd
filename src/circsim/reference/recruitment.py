"""Phase 2 of the reference schedule: recruitment (rehire, the agencies' pools, selection, offers)."""

from __future__ import annotations

import math

from .. import rng
from . import formulas
from ..state import (APPLICANT, APPROVED, CH_HIGHLY_SKILLED, CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_TEMPORARY,
                     F_FORMER_RESIDENT, F_GOOD_RECORD, F_REHIRE_OFFER, F_TIE_RENEWED, F_TRAINED, HIGH_SKILL,
                     LEGAL_CHANNELS)
from .agents import clip01
from .world import permit_months, quota_of


class RecruitmentPhase:
    """Employers (universities, institutes, training firms) open places, asking for more than they need
    to cover the withdrawals they expect, in rounds until the start; former workers are rehired when
    recruitment opens; the origin agencies select recruits from their pools within quotas and the ethical cap."""

    def quota_left(self, o: int, d: int, k: int, t: int) -> float:
        """Offers (agents) the corridor o -> d may still make on channel ``k`` this calendar year."""
        return quota_of(self.policy, t, o, d, k) / self.scale - self.origins[o].quota_used[d][k]

    def rehire_probability(self, person, employer, t: int) -> float:
        """Chance ``employer`` re-offers ``person`` a job: its propensity, raised by the scheme's rehire
        priority, pre-departure training and a tie kept by short stays."""
        pol = self.policy
        b, m, d = pol.behaviour, employer.market.index, employer.market.destination
        return formulas.rehire_probability(clip01(pol.market.rehire_propensity[t, m] + employer.rehire_offset),
                                        pol.corridor.rehire_priority[t, person.origin, d],
                                        b.training_rehire_gain[t] if person.flags & F_TRAINED else 0.0,
                                        b.short_stay_rehire_gain[t] if person.flags & F_TIE_RENEWED else 0.0)

    def loyalty(self, employer, t: int) -> float:
        """Chance a former worker accepts ``employer``'s callback: the known employer, and its pay over the
        market's wage across a stay."""
        market = employer.market
        months = market.work_months(t)
        b = self.policy.behaviour
        return formulas.loyalty_probability(b.loyalty_intercept[t], b.beta_income[t],
                                            months * self.policy.market.wage[t, market.index] * (employer.pay - 1.0))

    def make_offer(self, person, employer, t: int, cal: int, rehire: bool) -> bool:
        """Offer ``person`` a place at ``employer``; False when a quota or the ethical cap says no.

        A valid multi-annual seasonal permit for a job in the same destination, or facilitated
        re-admission of a former legal resident (temporary, highly skilled, research), makes the person
        APPROVED at once without quota or consulate; the others become APPLICANT.
        """
        market = employer.market
        d, o, k = market.destination, person.origin, market.channel(t)
        origin = self.origins[o]
        start = market.job_start(t, cal)
        last = person.last_employer
        has_permit = (k == CH_SEASONAL and person.permit_end > start and last is not None
                      and last.market.destination == d)
        facilitated = (not has_permit and self.policy.corridor.facilitated_readmission[t, o, d] > 0.5
                       and person.flags & F_FORMER_RESIDENT != 0 and k in (CH_TEMPORARY, CH_HIGHLY_SKILLED, CH_RESEARCHER))
        skilled = person.skill == HIGH_SKILL
        if skilled and origin.skilled_cap < 1.0:  # ethical recruitment: the year's allowance is used up
            return False
        if not has_permit and not facilitated:
            if self.quota_left(o, d, k, t) < 1.0:
                return False
            origin.quota_used[d][k] += 1.0
        if skilled:
            origin.skilled_cap -= 1.0
        person.employer = employer
        person.destination = d
        person.sector = market.sector
        person.channel = k
        person.stay_end = start
        person.flags = person.flags | F_REHIRE_OFFER if rehire else person.flags & ~F_REHIRE_OFFER
        if has_permit:
            person.status = APPROVED
        elif facilitated:
            person.status = APPROVED
            person.permit_end = start + permit_months(self.policy, t, d, k)
            self.records.facilitated_readmissions[t, o, d] += 1
        else:
            person.status = APPLICANT
            person.app_month = t
            self.records.applications[t, k, o, d] += 1
        employer.offers += 1
        employer.open -= 1
        market.open -= 1
        return True

    def recruitment(self, t: int, cal: int) -> None:
        """Phase 2: employers open places; former workers are rehired; agencies select new recruits."""
        for origin in self.origins:
            for per_dest in origin.intended:
                for ring in per_dest:
                    ring[t % 12] = 0.0
        n_open = 0
        for market in self.markets:
            market.open = 0
            rnd = market.recruitment_round(t, cal)
            market.rehire_round = rnd == 1
            keep = 1.0 - market.expected_withdrawal()
            for employer in market.employers:
                employer.open = 0
                if rnd == 0 or t < employer.excluded_until:
                    continue
                need = employer.target - employer.workers
                if need <= 0:
                    continue
                # requests cover the withdrawals expected among the offers, rounded with the employer's offset
                # fixed for the run (fresh rounding each round would keep the highest: a resolution bias)
                gap = math.floor(need / keep + rng.uniform(self.seed, rng.REQUEST, 0, employer.index)) - employer.offers
                if gap > 0:
                    employer.open = gap
                    market.open += gap
                    n_open += gap
            if market.open > 0:
                self.records.recruitment_rounds[t, market.index] += 1
                if rnd == 1:
                    self.records.requests[t, market.index] += market.open
        if n_open == 0:
            return
        self._rehire_and_count_pools(t, cal)
        self._selection_probabilities(t)
        self._select_recruits(t, cal)

    def _registered(self, person, t: int) -> bool:
        """Registered in a legal channel's pool and still eligible for it."""
        k = person.channel
        return k >= 0 and k != CH_IRREGULAR and person.selectable(t, k)

    def _rehire_eligible(self, person, t: int, retire: float) -> bool:
        """A former worker its employer may call back: a good record, no ban, below retirement age."""
        return person.flags & F_GOOD_RECORD != 0 and person.ban_end <= t and person.age(t) < retire

    def _rehire_and_count_pools(self, t: int, cal: int) -> None:
        """Employers call back former workers with a good record; the agencies' eligible pools are counted.

        Each employer adds up its eligible former workers' rehire probabilities (X), calls back
        R = min(open places, X rounded stochastically) of them, chosen by systematic sampling in slot
        order (inclusion probability q R / X).
        """
        retire = self.policy.behaviour.retirement_age[t]
        D = len(self.scenario.destinations)
        for origin in self.origins:
            origin.pool = [[0.0] * D for _ in origin.pool]
            origin.pool_experienced = [[0.0] * D for _ in origin.pool]
        mass = {}
        for person in self.persons():
            former = person.last_employer
            if (person.at_home_free and former is not None and former.open > 0 and former.market.rehire_round
                    and self._rehire_eligible(person, t, retire)):
                mass[former.index] = mass.get(former.index, 0.0) + self.rehire_probability(person, former, t)
        calls, start, cum = {}, {}, {}
        for j, x in mass.items():
            if x > 0:
                calls[j] = min(int(rng.stochastic_round(x, self.seed, rng.REHIRE, t, j)), self.employers[j].open)
                start[j] = rng.uniform(self.seed, rng.REHIRE + rng.SUBSTREAM, t, j)
                cum[j] = 0.0
        for person in self.persons():
            if not person.at_home_free:
                continue
            former = person.last_employer
            if (former is not None and calls.get(former.index, 0) > 0
                    and self._rehire_eligible(person, t, retire)):
                j = former.index
                step = calls[j] / mass[j]
                before = math.floor(cum[j] * step + start[j])
                cum[j] += self.rehire_probability(person, former, t)
                if math.floor(cum[j] * step + start[j]) > before and former.open > 0:
                    former.callbacks += 1
                    if person.draw(rng.LOYALTY, t) < self.loyalty(former, t):
                        if self.make_offer(person, former, t, cal, True):
                            continue
                    else:  # declined: seeks another employer through the agency, from this round
                        former.declined += 1
                        market = former.market
                        self.records.rehire_declined[t, market.index] += 1
                        person.channel = market.channel(t)
                        person.destination = market.destination
                        person.app_month = t
            if self._registered(person, t):
                origin = self.origins[person.origin]
                origin.pool[person.channel][person.destination] += 1.0
                if person.flags & F_GOOD_RECORD:
                    origin.pool_experienced[person.channel][person.destination] += 1.0

    def _selection_probabilities(self, t: int) -> None:
        """A market's open places are shared among origins by recruitment share, capped by quota; each
        offer becomes a match with the origin's matching efficiency (raised by labour-market information);
        the places wanted go to the pool, members with a good record from an earlier legal stay ranked first."""
        pol = self.policy
        cor, org, b = pol.corridor, pol.origin, pol.behaviour
        wanted_at = {}
        for origin in self.origins:
            origin.select_prob = [0.0] * len(self.markets)
            origin.select_prob_experienced = [0.0] * len(self.markets)
        for market in self.markets:
            if market.open <= 0:
                continue
            m, d, k = market.index, market.destination, market.channel(t)
            total = 0.0
            for origin in self.origins:
                total += cor.recruitment_share[t, origin.index, d]
            if total <= 0:
                continue
            for origin in self.origins:
                o = origin.index
                eff = org.matching_efficiency[t, o]
                eff += (1.0 - eff) * b.lmi_match_gain[t] * org.labour_market_information[t, o]
                asked = min(market.open * cor.recruitment_share[t, o, d] / total, max(self.quota_left(o, d, k, t), 0.0))
                origin.intended[k][d][t % 12] += asked * eff  # drives the prospect of registering
                wanted_at[o, m] = asked * eff
        weight = b.experience_weight[t]
        for origin in self.origins:
            for k in LEGAL_CHANNELS:
                for d in range(len(self.scenario.destinations)):
                    same = [mk for mk in self.markets if mk.channel(t) == k and mk.destination == d]
                    wanted = 0.0
                    for mk in same:
                        wanted += wanted_at.get((origin.index, mk.index), 0.0)
                    if wanted <= 0:
                        continue
                    experienced = origin.pool_experienced[k][d]
                    p_exp, p_new = formulas.experience_selection(wanted, experienced, origin.pool[k][d] - experienced,
                                                                 weight)
                    for mk in same:
                        share = wanted_at.get((origin.index, mk.index), 0.0) / wanted
                        origin.select_prob_experienced[mk.index] = p_exp * share
                        origin.select_prob[mk.index] = p_new * share

    def _select_recruits(self, t: int, cal: int) -> None:
        """Each pool member is selected for at most one market of their channel and destination; the
        recruit goes to the next employer with room."""
        for person in self.persons():
            if not person.at_home_free:
                continue
            k, dest = person.channel, person.destination
            if k < 0 or k == CH_IRREGULAR:
                continue
            origin = self.origins[person.origin]
            if origin.pool[k][dest] <= 0 or not person.selectable(t, k):
                continue
            prob = origin.select_prob_experienced if person.flags & F_GOOD_RECORD else origin.select_prob
            u = person.draw(rng.SELECT, t)
            acc = 0.0
            for market in self.markets:
                if market.channel(t) != k or market.destination != dest or prob[market.index] <= 0:
                    continue
                acc += prob[market.index]
                if u < acc:
                    if market.open > 0:
                        n = len(market.employers)
                        pos = market.ptr
                        for _ in range(n):
                            if market.employers[pos].open > 0:
                                break
                            pos = (pos + 1) % n
                        self.make_offer(person, market.employers[pos], t, cal, False)
                        market.ptr = (pos + 1) % n
                    break
