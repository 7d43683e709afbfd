"""Phases 3 and 4 of the reference schedule: applications, consulates, departures."""

from __future__ import annotations

import math

from .. import rng, rules
from ..phases.consulates import MAX_WAIT
from ..state import (APPLICANT, APPROVED, CH_IRREGULAR, CH_SEASONAL, F_EVER_IRREGULAR,
                     F_EVER_MIGRATED, F_EVER_SEASONAL, F_PREV_SEASONAL, F_REHIRE_OFFER, IRREGULAR, SEASONAL,
                     TEMPORARY)


class MobilityPhases:
    """Applications (considering, choosing a channel), consulates (FIFO queues), departures and job starts."""

    def applications(self, t: int, cal: int) -> None:
        """Phase 3a: people at home consider migrating and choose staying, a pool registration or the irregular route."""
        pol = self.policy
        b, org = pol.behaviour, pol.origin
        rec = self.records
        oldest = int(b.retirement_age[t]) * 12  # months of age from which nobody considers any more
        asc = [b.asc_seasonal[t], b.asc_temporary[t], b.asc_irregular[t]]
        for person in self.persons():
            if not person.at_home_free:
                continue
            if person.channel >= 0:  # registered in a pool: the registration may lapse
                if t - person.app_month >= b.pool_expiry_months[t]:
                    person.channel = -1
                continue
            months = t - person.birth
            if months > oldest:
                continue
            hazard = rules.age_hazard(b.consider_hazard[t], b.consider_age_slope[t], months / 12.0)
            if person.draw(rng.CONSIDER, t) >= rules.consider_hazard(hazard, person.propensity):
                continue
            community, origin = person.community, self.origins[person.origin]
            o = origin.index
            utility = [0.0, 0.0, 0.0]   # exp(utility) of each channel; staying has exp(0) = 1
            denom = 1.0
            for k in range(3):
                is_open = origin.channel_open[k] > 0
                if is_open and k != CH_IRREGULAR:
                    is_open = person.selectable(t, k)
                if is_open:
                    utility[k] = math.exp(rules.channel_utility(
                        community.gain[k] * origin.prospect[k], origin.cost[k], origin.risk[k], person.network,
                        asc[k], b.beta_income[t], b.beta_cost[t], b.beta_risk[t], b.beta_network[t]))
                denom += utility[k]
            u = person.draw(rng.CHANNEL, t) * denom
            if u < 1.0:
                continue  # stays
            choice, acc = CH_IRREGULAR, 1.0
            for k in range(3):
                acc += utility[k]
                if u < acc:
                    choice = k
                    break
            if choice != CH_IRREGULAR:
                person.channel = choice
                person.app_month = t
                continue
            # the irregular route: pay, risk interception, pick a destination
            person.add_savings(-org.smuggling_cost[t, o])
            if person.draw(rng.INTERCEPT, t) < org.border_control[t, o]:
                rec.interceptions[t, o] += 1
                continue
            shares = [pol.corridor.irregular_route_share[t, o, d] for d in range(len(self.scenario.destinations))]
            total = 0.0
            for share in shares:
                total += share
            x = person.draw(rng.IRREGULAR_DEST, t) * total
            destination, acc = len(shares) - 1, 0.0
            for d, share in enumerate(shares):
                acc += share
                if x < acc:
                    destination = d
                    break
            person.channel = CH_IRREGULAR
            person.destination = destination

    def consulates(self, t: int, cal: int) -> None:
        """Phase 3b: each consulate decides up to its monthly capacity, oldest applications first (ties by slot)."""
        cor = self.policy.corridor
        rec = self.records
        D = len(self.scenario.destinations)
        applicants = [p for p in self.persons() if p.status == APPLICANT]
        if not applicants:
            return
        waiting: dict[tuple[int, int], list[int]] = {}  # (o, d) -> applications by months waited
        for person in applicants:
            queue = waiting.setdefault((person.origin, person.destination), [0] * MAX_WAIT)
            queue[min(t - person.app_month, MAX_WAIT - 1)] += 1
        # every application waiting longer than `cut` is decided, and `partial` of those waiting `cut`
        cut, partial = {}, {}
        for o in range(len(self.origins)):
            for d in range(D):
                capacity = int(rng.stochastic_round(cor.consular_capacity[t, o, d] / self.scale, self.seed,
                                                    rng.CONSULAR, t, o * D + d))
                cut[o, d], partial[o, d] = -1, 0
                queue = waiting.get((o, d), [0] * MAX_WAIT)
                for wait in range(MAX_WAIT - 1, -1, -1):
                    if queue[wait] <= capacity:
                        capacity -= queue[wait]
                    else:
                        cut[o, d], partial[o, d] = wait, capacity
                        break
        for person in applicants:
            o, d = person.origin, person.destination
            wait = min(t - person.app_month, MAX_WAIT - 1)
            decided = wait > cut[o, d]
            if not decided and wait == cut[o, d] and partial[o, d] > 0:
                partial[o, d] -= 1
                decided = True
            if decided:
                self.decide(person, t, wait)
                continue
            late = t >= person.stay_end if person.channel == CH_SEASONAL else wait >= self.policy.destination.offer_validity_months[t, d]
            if late:
                rec.lost_offers[t, o, d] += 1
                person.cancel_offer()
            else:
                rec.queue_length[t, o, d] += 1

    def decide(self, person, t: int, wait: int) -> None:
        """The consulate decides an application: fee paid, refused or a permit issued."""
        cor, rec = self.policy.corridor, self.records
        o, d = person.origin, person.destination
        rec.wait_months_total[t, o, d] += wait
        person.add_savings(-cor.visa_fee[t, o, d])
        if person.draw(rng.REFUSAL, t) < cor.refusal_rate[t, o, d]:
            rec.refusals[t, o, d] += 1
            person.cancel_offer()
            return
        rec.approvals[t, o, d] += 1
        person.status = APPROVED
        start = person.stay_end
        if person.channel == CH_SEASONAL:
            years = int(cor.seasonal_permit_years[t, o, d])
            person.permit_end = start + 12 * (years - 1) + person.employer.market.stay_months(t)
        else:
            person.permit_end = start + int(self.policy.destination.temporary_permit_months[t, d])

    def departures(self, t: int, cal: int) -> None:
        """Phase 4: approved workers leave at their job start, irregular entrants arrive; job starts."""
        for employer in self.employers:
            employer.arrivals = 0
        for person in self.persons():
            if person.status == APPROVED and person.stay_end <= t:
                self.depart_legally(person, t)
            elif person.at_home_free and person.channel == CH_IRREGULAR:
                self.enter_irregularly(person, t)
        self.job_start(t, cal)

    def depart_legally(self, person, t: int) -> None:
        rec = self.records
        employer = person.employer
        market = employer.market
        o, d, k = person.origin, market.destination, person.channel
        flags = person.flags
        if k == CH_SEASONAL:
            person.status = SEASONAL
            person.stay_end = t + market.stay_months(t)
            if flags & F_EVER_SEASONAL:
                rec.seasonal_repeat[t, o, d] += 1
            else:
                rec.seasonal_first_timers[t, o, d] += 1
            gap = t - person.last_departure
            if person.trips == 1 and flags & F_PREV_SEASONAL and 9 <= gap <= 15:
                rec.seasonal_came_back[person.last_departure, o, d] += 1
            flags |= F_EVER_SEASONAL | F_PREV_SEASONAL
        else:
            person.status = TEMPORARY
            person.stay_end = person.permit_end
            flags &= ~F_PREV_SEASONAL
        if flags & F_REHIRE_OFFER:
            rec.filled_rehire[t, market.index] += 1
        else:
            rec.filled_new[t, market.index] += 1
        person.flags = (flags | F_EVER_MIGRATED) & ~F_REHIRE_OFFER
        employer.offers -= 1
        employer.workers += 1
        employer.arrivals += 1
        person.trips = min(person.trips + 1, 255)
        person.last_departure = person.last_move = t
        person.legal_months = 0
        person.network = 1.0
        rec.departures[t, k, o, d] += 1

    def enter_irregularly(self, person, t: int) -> None:
        person.status = IRREGULAR
        person.employer = None
        person.sector = -1
        person.flags = (person.flags | F_EVER_MIGRATED | F_EVER_IRREGULAR) & ~F_PREV_SEASONAL
        person.last_departure = person.last_move = t
        person.legal_months = 0
        person.network = 1.0
        self.records.departures[t, CH_IRREGULAR, person.origin, person.destination] += 1

    def job_start(self, t: int, cal: int) -> None:
        """Vacancies at job start; non-compliant employers take irregular persons; the rest is a shortage."""
        rec = self.records
        for employer in self.employers:
            employer.open = 0  # vacancies left from this month's recruitment are not job-start vacancies
        starting = [market for market in self.markets if market.work_starts_now(t, cal)]
        wanted = 0
        for market in starting:
            for employer in market.employers:
                before = employer.workers - employer.arrivals
                rec.vacancies[t, market.index] += max(employer.demand - before, 0)
                gap = employer.demand - employer.workers
                employer.open = gap if (gap > 0 and employer.irregular_ok == 1) else 0
                wanted += employer.open
        if wanted > 0:
            # each irregular person without an employer goes to the first employer of the destination with room
            first = [0] * len(self.scenario.destinations)
            n = len(self.employers)
            for person in self.persons():
                if person.status != IRREGULAR or person.employer is not None:
                    continue
                d = person.destination
                j = first[d]
                while j < n and (self.employers[j].open <= 0 or self.employers[j].market.destination != d):
                    j += 1
                first[d] = j
                if j == n:
                    continue
                employer = self.employers[j]
                person.employer = employer
                person.sector = employer.market.sector
                employer.workers += 1
                employer.open -= 1
                rec.filled_irregular[t, employer.market.index] += 1
        for market in starting:
            for employer in market.employers:
                rec.unfilled[t, market.index] += max(employer.demand - employer.workers, 0)
                employer.open = 0
