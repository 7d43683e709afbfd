"""Phase 4 of the reference schedule: departures, long-term residents coming back, job starts."""

from __future__ import annotations

from .. import rng
from . import formulas
from ..state import (APPROVED, CH_IRREGULAR, CH_SEASONAL, CHANNEL_STATUS, F_EVER_IRREGULAR,
                     F_EVER_MIGRATED, F_EVER_SEASONAL, F_OVERRUN, F_PREV_SEASONAL, F_REHIRE_OFFER, F_TIE_RENEWED,
                     F_TRAINED, IRREGULAR, LONG_TERM, LONG_TERM_AWAY, NEVER, RETURNEE, SEASONAL, TEMPORARY)
from .agents import as_float32


class DeparturesPhase:
    """Approved persons leave at their job (study, research, training) start; irregular entrants arrive;
    long-term residents end their stay at home; employers short of workers take on irregular persons."""

    def departures(self, t: int, cal: int) -> None:
        """Phase 4: departures in slot order, then the job start of each market."""
        for employer in self.employers:
            employer.arrivals = 0
        for market in self.markets:
            market.withdrawn[t % 12] = 0.0
            market.left[t % 12] = 0.0
        for person in self.persons():
            if person.status == APPROVED and person.stay_end <= t:
                if not self.withdraws(person, t):
                    self.depart_legally(person, t)
            elif person.at_home_free and person.channel == CH_IRREGULAR:
                self.enter_irregularly(person, t)
            elif person.status == LONG_TERM_AWAY:
                self.end_stay_at_home(person, t)
        self.job_start(t, cal)

    def withdraws(self, person, t: int) -> bool:
        """The last decision before a job in seasonal or temporary work: go, or withdraw (the stay's income
        gain over home earnings, at most a year's, against unobserved circumstances)."""
        market = person.employer.market
        if not market.labour_market(t):
            return False
        pol, b = self.policy, self.policy.behaviour
        k, d = person.channel, market.destination
        employer = person.employer
        # the employer's pay: known to its former workers and, through the network, to those with a tie abroad
        # (its reputation); the others expect the sector's wage
        pay = 1.0
        if person.last_employer is employer or person.draw(rng.REPUTATION, t) < formulas.network_tie(
                person.network, person.community.prevalence, b.prevalence_network[t]):
            pay = employer.pay
        months = market.work_months(t)
        wage = pol.market.wage[t, market.index] * pay * formulas.wage_multiplier(person.human_capital, b.hc_wage[t])
        gain = months * (wage - pol.destination.living_cost[t, d] - person.home_earnings(t))
        go = formulas.departure_probability(b.departure_intercept[t], b.beta_income[t], gain)
        if person.draw(rng.WITHDRAW, t) >= go:
            self.records.withdrawals[t, k, person.origin, d] += 1
            market.withdrawn[t % 12] += 1.0
            employer.withdrawn += 1
            person.cancel_offer()
            return True
        market.left[t % 12] += 1.0
        return False

    def depart_legally(self, person, t: int) -> None:
        """Leave for the job: pre-departure training maybe; a seasonal stay or a stay until the permit ends."""
        pol, rec = self.policy, self.records
        employer = person.employer
        market = employer.market
        o, d, k = person.origin, market.destination, person.channel
        flags = person.flags
        if person.last_employer is not None:
            rec.returner_departures[t, o, d] += 1
            if person.last_employer is not employer:
                rec.employer_changes[t, o, d] += 1
        if not flags & F_TRAINED and person.draw(rng.TRAINING, t) < pol.origin.predeparture_training[t, o]:
            flags |= F_TRAINED
            person.human_capital = as_float32(person.human_capital + pol.behaviour.training_hc_gain[t])
            rec.trained[t, o] += 1
        person.status = CHANNEL_STATUS[k]
        if k == CH_SEASONAL:
            person.stay_end = t + market.stay_months(t)
            if flags & F_EVER_SEASONAL:
                rec.seasonal_repeat[t, o, d] += 1
            else:
                rec.seasonal_first_timers[t, o, d] += 1
            gap, b = t - person.last_departure, pol.behaviour
            if (person.trips == 1 and flags & F_PREV_SEASONAL
                    and b.came_back_min_months[t] <= gap <= b.came_back_max_months[t]):
                rec.seasonal_came_back[person.last_departure, o, d] += 1
            flags |= F_EVER_SEASONAL | F_PREV_SEASONAL
        else:
            person.stay_end = person.permit_end
            flags &= ~F_PREV_SEASONAL
        if flags & F_REHIRE_OFFER:
            rec.filled_rehire[t, market.index] += 1
        else:
            rec.filled_new[t, market.index] += 1
        person.flags = (flags | F_EVER_MIGRATED) & ~(F_REHIRE_OFFER | F_TIE_RENEWED)
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

    def end_stay_at_home(self, person, t: int) -> None:
        """A long-term resident at home: back at the end of the stay (a legal trip), or, absent beyond
        the allowed months, the status is lost and they stay."""
        rec, o, d = self.records, person.origin, person.destination
        if person.flags & F_OVERRUN:
            if t - person.last_move > self.policy.destination.allowed_absence_months[t, d]:
                rec.ltr_status_lost[t, o, d] += 1
                person.status = RETURNEE
                person.destination = -1
                person.channel = -1
                person.stay_end = NEVER
                person.flags &= ~F_OVERRUN
        elif person.stay_end <= t:
            person.status = LONG_TERM
            person.stay_end = NEVER
            person.last_move = t
            rec.ltr_comebacks[t, o, d] += 1

    def job_start(self, t: int, cal: int) -> None:
        """Vacancies at job start; in labour markets non-compliant employers take irregular persons;
        the rest is a shortage."""
        rec = self.records
        for employer in self.employers:
            employer.open = 0  # vacancies left from this month's recruitment are not job-start vacancies
        starting = [market for market in self.markets if market.work_starts_now(t, cal)]
        self.replace_surplus(t, starting)
        wanted = 0
        for market in starting:
            rec.domestic_hired[t, market.index] += market.domestic_hires(t) / self.scale
            irregular_allowed = market.labour_market(t)
            for employer in market.employers:
                before = employer.workers - employer.arrivals
                rec.vacancies[t, market.index] += max(employer.demand - before, 0)
                gap = employer.demand - employer.workers
                employer.open = gap if (gap > 0 and employer.irregular_ok == 1 and irregular_allowed) else 0
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
            unfilled = demand = 0
            for employer in market.employers:
                unfilled += max(employer.demand - employer.workers, 0)
                demand += employer.demand
                employer.open = 0
            rec.unfilled[t, market.index] += unfilled
            if market.channel(t) == CH_SEASONAL:  # the season's employers remember the shortage
                market.last_shortage = unfilled / demand if demand > 0 else 0.0

    def replace_surplus(self, t: int, starting) -> None:
        """In seasonal and temporary work, employers that received more new recruits than they need hand the
        surplus (at most this month's arrivals; rehired workers stay) to the market's employers still short,
        in slot order of the recruits and employer order of the receivers."""
        surplus, short, nxt = {}, {}, {}
        for market in starting:
            if not market.labour_market(t):
                continue
            for employer in market.employers:
                gap = employer.demand - employer.workers
                if gap < 0:
                    surplus[employer.index] = min(-gap, employer.arrivals)
                elif gap > 0:
                    short[employer.index] = gap
            nxt[market.index] = 0
        if not any(v > 0 for v in surplus.values()) or not short:
            return
        for person in self.persons():
            employer = person.employer
            if (employer is None or person.last_departure != t or surplus.get(employer.index, 0) <= 0
                    or person.last_employer is employer or person.status not in (SEASONAL, TEMPORARY)):
                continue
            market = employer.market
            pos = nxt[market.index]
            while pos < len(market.employers) and short.get(market.employers[pos].index, 0) <= 0:
                pos += 1
            nxt[market.index] = pos
            if pos == len(market.employers):
                continue
            to = market.employers[pos]
            person.employer = to
            employer.workers -= 1
            employer.arrivals -= 1
            surplus[employer.index] -= 1
            to.workers += 1
            to.arrivals += 1
            short[to.index] -= 1
            self.records.reassigned[t, market.index] += 1
            if person.last_employer is to:  # back with the former employer after all: not a change
                self.records.employer_changes[t, person.origin, market.destination] -= 1
