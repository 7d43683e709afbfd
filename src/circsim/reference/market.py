"""Phases 1 and 2 of the reference schedule: conditions and recruitment."""

from __future__ import annotations

import math

from .. import rng, rules
from ..state import CH_IRREGULAR, CH_SEASONAL, CH_TEMPORARY, F_GOOD_RECORD, F_REHIRE_OFFER, APPLICANT, APPROVED


def clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


class MarketPhases:
    """Conditions (home incomes, channel gains, costs and risks, employers' demand) and recruitment."""

    def conditions(self, t: int, cal: int) -> None:
        """Phase 1: this month's home incomes, expected gains, costs and risks; employers' demand."""
        pol = self.policy
        b, org, com, dst, mkt, cor = pol.behaviour, pol.origin, pol.community, pol.destination, pol.market, pol.corridor
        D = len(self.scenario.destinations)
        if cal == 0:
            for origin in self.origins:
                origin.quota_used = [[0.0] * 3 for _ in range(D)]
        for origin in self.origins:
            o = origin.index
            origin.wage_index *= (1.0 + float(org.home_wage_growth[t, o])) ** (1.0 / 12.0)
            for d in range(D):
                origin.removal[d] = rules.removal_probability_year(dst.detection_rate[t, d],
                                                                   org.readmission_cooperation[t, o])
        # mean wage of each destination weighted by demand (informal work pays a share of it)
        self.dest_wage = []
        for d in range(D):
            num = den = 0.0
            for market in self.markets:
                if market.destination == d:
                    num += mkt.wage[t, market.index] * mkt.demand[t, market.index]
                    den += mkt.demand[t, market.index]
            self.dest_wage.append(num / den if den > 0 else 0.0)
        # expected yearly gain of each channel over staying, per community
        for community in self.communities:
            c, origin = community.index, self.origins[community.origin]
            o = origin.index
            home = com.home_wage[t, c] * origin.wage_index * (1.0 - com.unemployment[t, c])
            community.home_income = home
            gains, weights = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
            for market in self.markets:
                m, d = market.index, market.destination
                margin = mkt.wage[t, m] - dst.living_cost[t, d] - home
                weight = cor.recruitment_share[t, o, d] * mkt.demand[t, m]
                if mkt.seasonal[t, m] > 0.5:
                    if cor.quota_seasonal[t, o, d] > 0:
                        gains[CH_SEASONAL] += weight * market.stay_months(t) * margin
                        weights[CH_SEASONAL] += weight
                elif cor.quota_temporary[t, o, d] > 0:
                    gains[CH_TEMPORARY] += weight * 12.0 * margin
                    weights[CH_TEMPORARY] += weight
            for d in range(D):
                informal = self.dest_wage[d] * b.irregular_wage_factor[t] * b.irregular_employment[t]
                community.irregular_gain[d] = 12.0 * (informal - dst.living_cost[t, d] - home)
                weight = cor.irregular_route_share[t, o, d]
                gains[CH_IRREGULAR] += weight * community.irregular_gain[d]
                weights[CH_IRREGULAR] += weight
            community.gain = [gains[k] / weights[k] if weights[k] > 0 else 0.0 for k in range(3)]
        # one-off cost, perceived risk and openness of each channel, per origin
        for origin in self.origins:
            o = origin.index
            fee = refusal = removal = n_dest = weight_sum = 0.0
            origin.channel_open = [0.0, 0.0, 0.0]
            for d in range(D):
                fee += cor.visa_fee[t, o, d]
                refusal += cor.refusal_rate[t, o, d]
                n_dest += 1.0
                weight = cor.irregular_route_share[t, o, d]
                removal += weight * origin.removal[d]
                weight_sum += weight
                for market in self.markets:
                    m = market.index
                    if market.destination != d or mkt.demand[t, m] <= 0 or cor.recruitment_share[t, o, d] <= 0:
                        continue
                    if mkt.seasonal[t, m] > 0.5 and cor.quota_seasonal[t, o, d] > 0:
                        origin.channel_open[CH_SEASONAL] = 1.0
                    if mkt.seasonal[t, m] < 0.5 and cor.quota_temporary[t, o, d] > 0:
                        origin.channel_open[CH_TEMPORARY] = 1.0
            origin.channel_open[CH_IRREGULAR] = 1.0 if weight_sum > 0 else 0.0
            for k in (CH_SEASONAL, CH_TEMPORARY):
                origin.cost[k] = fee / n_dest
                origin.risk[k] = refusal / n_dest
            origin.cost[CH_IRREGULAR] = org.smuggling_cost[t, o]
            intercept = org.border_control[t, o]
            origin.risk[CH_IRREGULAR] = intercept + (1.0 - intercept) * (removal / weight_sum if weight_sum > 0 else 0.0)
        # employers: their share of the market's migrant demand (cumulative rounding keeps the
        # market total), this month's demand, and at a job start their willingness to hire irregularly
        for market in self.markets:
            total, cumulated, given = market.demand_agents(t), 0.0, 0
            for employer in market.employers:
                cumulated += employer.size * total
                now = math.floor(cumulated + 0.5)
                employer.target = now - given
                given = now
        for employer in self.employers:
            market = employer.market
            m = market.index
            if mkt.seasonal[t, m] > 0.5:
                start = int(mkt.season_start[t, m]) - 1
                in_season = (cal - start) % 12 < int(mkt.season_months[t, m])
                employer.demand = employer.target if in_season else 0
            else:
                employer.demand = employer.target
            if market.work_starts_now(t, cal):
                compliance = clip01(mkt.compliance[t, m] + employer.compliance_offset)
                employer.irregular_ok = 1 if rng.uniform(self.seed, rng.COMPLIANCE, t, employer.index) >= compliance else 0

    # --- recruitment ------------------------------------------------------------------
    def quota_left(self, o: int, d: int, k: int, t: int) -> float:
        """Offers (agents) the corridor o -> d may still make on channel ``k`` this calendar year."""
        cor = self.policy.corridor
        quota = cor.quota_seasonal[t, o, d] if k == CH_SEASONAL else cor.quota_temporary[t, o, d]
        return quota / self.scale - self.origins[o].quota_used[d][k]

    def make_offer(self, person, employer, t: int, cal: int, rehire: bool) -> bool:
        """Offer ``person`` a job at ``employer``; False when the corridor's quota is used up.

        A person whose (multi-annual seasonal) permit is still valid at the job start of a seasonal
        job in the same destination needs no new application (APPROVED at once, no quota used); the others become APPLICANT.
        """
        market = employer.market
        d, o, k = market.destination, person.origin, market.channel(t)
        start = market.job_start(t, cal)
        last = person.last_employer
        has_permit = (k == CH_SEASONAL and person.permit_end > start and last is not None
                      and last.market.destination == d)  # a multi-annual seasonal permit
        if not has_permit:
            if self.quota_left(o, d, k, t) < 1.0:
                return False
            self.origins[o].quota_used[d][k] += 1.0
        person.employer = employer
        person.destination = d
        person.sector = market.sector
        person.channel = k
        person.stay_end = start
        person.flags = person.flags | F_REHIRE_OFFER if rehire else person.flags & ~F_REHIRE_OFFER
        if has_permit:
            person.status = APPROVED
        else:
            person.status = APPLICANT
            person.app_month = t
            self.records.applications[t, o, d] += 1
        employer.offers += 1
        employer.open -= 1
        market.open -= 1
        return True

    def recruitment(self, t: int, cal: int) -> None:
        """Phase 2: employers open vacancies; former workers are rehired; agencies select new recruits."""
        n_open = 0
        for market in self.markets:
            market.open = 0
            recruiting = market.recruits_now(t, cal)
            for employer in market.employers:
                employer.open = 0
                if recruiting:
                    gap = employer.target - employer.workers - employer.offers
                    if gap > 0:
                        employer.open = gap
                        market.open += gap
                        n_open += gap
        for origin in self.origins:
            for k in range(3):
                origin.intended[k][t % 12] = 0.0
        if n_open == 0:
            return
        self._rehire_and_count_pools(t, cal)
        self._selection_probabilities(t)
        self._select_recruits(t, cal)

    def _rehire_and_count_pools(self, t: int, cal: int) -> None:
        """Employers re-offer former workers with a good record; the agencies' eligible pools are counted."""
        pol = self.policy
        retire = pol.behaviour.retirement_age[t]
        for origin in self.origins:
            origin.pool = [0.0, 0.0, 0.0]
        for person in self.persons():
            if not person.at_home_free:
                continue
            o, former = person.origin, person.last_employer
            if (former is not None and former.open > 0 and person.flags & F_GOOD_RECORD and person.ban_end <= t
                    and person.age(t) < retire):
                m, d = former.market.index, former.market.destination
                q = rules.rehire_probability(clip01(pol.market.rehire_propensity[t, m] + former.rehire_offset),
                                             pol.corridor.rehire_priority[t, o, d])
                if person.draw(rng.REHIRE, t) < q and self.make_offer(person, former, t, cal, True):
                    continue
            k = person.channel
            if (k == CH_SEASONAL or k == CH_TEMPORARY) and person.selectable(t, k):
                self.origins[o].pool[k] += 1.0

    def _selection_probabilities(self, t: int) -> None:
        """Open vacancies shared among origins by recruitment share, capped by quota, matched by the agency."""
        cor, org = self.policy.corridor, self.policy.origin
        for origin in self.origins:
            origin.select_prob = [0.0] * len(self.markets)
        for market in self.markets:
            if market.open <= 0:
                continue
            m, d, k = market.index, market.destination, market.channel(t)
            # what each agency is asked for, whatever its pool (drives the prospect of registering)
            total = 0.0
            for origin in self.origins:
                total += cor.recruitment_share[t, origin.index, d]
            for origin in self.origins:
                o = origin.index
                if total > 0:
                    asked = min(market.open * cor.recruitment_share[t, o, d] / total, max(self.quota_left(o, d, k, t), 0.0))
                    origin.intended[k][t % 12] += asked * org.matching_efficiency[t, o]
            total = 0.0
            for origin in self.origins:
                if origin.pool[k] > 0 and self.quota_left(origin.index, d, k, t) >= 1.0:
                    total += cor.recruitment_share[t, origin.index, d]
            if total <= 0:
                continue
            for origin in self.origins:
                o = origin.index
                if origin.pool[k] <= 0 or self.quota_left(o, d, k, t) < 1.0:
                    continue
                offers = min(market.open * cor.recruitment_share[t, o, d] / total, self.quota_left(o, d, k, t))
                origin.select_prob[m] = offers * org.matching_efficiency[t, o] / origin.pool[k]
        for origin in self.origins:
            for k in (CH_SEASONAL, CH_TEMPORARY):
                total = 0.0
                for market in self.markets:
                    if market.channel(t) == k:
                        total += origin.select_prob[market.index]
                if total > 1.0:
                    for market in self.markets:
                        if market.channel(t) == k:
                            origin.select_prob[market.index] /= total

    def _select_recruits(self, t: int, cal: int) -> None:
        """Each pool member is selected for at most one market; the recruit goes to the next employer with room."""
        for person in self.persons():
            if not person.at_home_free:
                continue
            k = person.channel
            if k != CH_SEASONAL and k != CH_TEMPORARY:
                continue
            origin = self.origins[person.origin]
            if origin.pool[k] <= 0 or not person.selectable(t, k):
                continue
            u = person.draw(rng.SELECT, t)
            acc = 0.0
            for market in self.markets:
                if market.channel(t) != k or origin.select_prob[market.index] <= 0:
                    continue
                acc += origin.select_prob[market.index]
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
