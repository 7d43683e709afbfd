"""Phases 7 and 8 of the reference schedule: enforcement (with regularisation) and returns."""

from __future__ import annotations

from .. import rng
from . import formulas
from ..phases.common import DURATION_BINS
from ..state import (APPLICANT, APPROVED, CH_IRREGULAR, CH_SEASONAL, CH_TEMPORARY, F_BANNED_ONCE, F_BUSINESS, F_DECIDED, F_EVER_IRREGULAR,
                     F_EVER_MIGRATED, F_FAMILY, F_FORMER_RESIDENT, F_GOOD_RECORD, F_OVERRUN, F_PREV_SEASONAL, F_REHIRE_OFFER,
                     F_SPONSOR, F_TIE_RENEWED, HALF_MONTHS_PER_YEAR, HIGH_SKILL, HIGHLY_SKILLED, HOME, IRREGULAR, LONG_TERM, LONG_TERM_AWAY, NEVER,
                     R_CIRCULAR_STAY, R_ENFORCED, R_VOLUNTARY, RESEARCHER, RETURNEE, TEMPORARY)
from .agents import as_float32
from .world import permit_months


class ReturnPhases:
    """Regularisation, detection and removal; voluntary returns, circular stays of long-term residents,
    spending, business starts and short stays at home."""

    def enforcement(self, t: int, cal: int) -> None:
        """Phase 7: regularisation; detection, return decisions carried out with readmission and within
        capacity; bans."""
        pol, rec = self.policy, self.records
        dst = pol.destination
        D = len(self.scenario.destinations)
        capacity = [int(rng.stochastic_round(dst.return_capacity[t, d] / self.scale, self.seed, rng.RETURN_CAPACITY, t, d))
                    for d in range(D)]
        self.inspect(t)
        present, at_work = [0.0] * D, [0.0] * D
        for person in self.persons():
            if person.status != IRREGULAR:
                continue
            o, d = person.origin, person.destination
            employer = person.employer
            present[d] += 1.0
            if employer is not None:
                at_work[d] += 1.0
                rec.irregular_employed[t, o, d] += 1
            months = t - person.last_departure
            programme = (dst.regularisation[t, d] > 0.5 and months >= dst.regularisation_min_months[t, d]
                         and (employer is not None or dst.regularisation_employment[t, d] < 0.5))
            arraigo = (dst.arraigo_min_months[t, d] > 0 and months >= dst.arraigo_min_months[t, d]
                       and not person.flags & F_DECIDED
                       and (employer is not None  # working: an employer or this month's informal job
                            or person.draw(rng.IRREGULAR_JOB, t) < self.policy.behaviour.irregular_employment[t]
                            * self.informal_work[d])
                       and person.draw(rng.ARRAIGO, t) < formulas.monthly_probability(dst.arraigo_rate[t, d]))
            if programme or arraigo:  # a programme, or arraigo in any month
                person.status = TEMPORARY  # regularised: a temporary permit, an all-year employer keeps them
                person.channel = CH_TEMPORARY
                person.permit_end = t + int(dst.temporary_permit_months[t, d])
                person.stay_end = person.permit_end
                person.legal_months = 0
                person.flags &= ~F_DECIDED
                if employer is not None and employer.market.channel(t) == CH_SEASONAL:
                    person.release_employer()  # a seasonal job does not hold an all-year permit
                rec.regularisations[t, o, d] += 1
                continue
            found = employer is not None and employer.inspected
            if not found and person.draw(rng.DETECT, t) >= dst.detection_rate[t, d]:
                continue
            rec.detections[t, o, d] += 1
            if found:  # the employer is fined for the worker and lets them go
                employer.found += 1
                rec.irregular_found[t, employer.market.index] += 1
                rec.fines[t, employer.market.index] += dst.employer_fine[t, d]
                person.release_employer()
            if not person.flags & F_DECIDED:  # one decision per irregular episode
                rec.return_decisions[t, o, d] += 1
                person.flags |= F_DECIDED
            # the chain: held for removal (or released with the order), a travel document, return capacity
            if person.draw(rng.HELD, t) >= pol.behaviour.removal_held_share[t]:
                continue
            rec.held_for_removal[t, o, d] += 1
            if (person.draw(rng.PASSPORT, 0) >= pol.behaviour.passport_share[t]
                    and person.draw(rng.READMIT, t) >= pol.origin.readmission_cooperation[t, o]):
                rec.no_travel_document[t, o, d] += 1
                continue
            if capacity[d] > 0:
                capacity[d] -= 1
                rec.returns_enforced[t, o, d] += 1
                person.go_home(t, R_ENFORCED, False)
                person.ban_end = t + 12 * int(dst.ban_years[t, d])
                person.flags = (person.flags | F_BANNED_ONCE) & ~F_GOOD_RECORD
        for employer in self.employers:  # found with irregular workers: fined (above) and excluded
            if employer.found > 0:
                rec.sanctions[t, employer.market.index] += 1
                employer.excluded_until = t + 12 * int(dst.exclusion_years[t, employer.market.destination])
        self.irregular_at_work = [at_work[d] / present[d] if present[d] > 0 else 0.0 for d in range(D)]

    def inspect(self, t: int) -> None:
        """Labour inspectors visit employers of seasonal and temporary work (``inspection_rate`` a year)."""
        rate = self.policy.destination.inspection_rate
        for market in self.markets:
            market.inspected[t % 12] = 0.0
            for employer in market.employers:
                employer.inspected = False
                employer.found = 0
            if rate[t, market.destination] <= 0 or not market.labour_market(t):
                continue
            visit = formulas.monthly_probability(rate[t, market.destination])
            for employer in market.employers:
                if rng.uniform(self.seed, rng.INSPECT, t, employer.index) < visit:
                    employer.inspected = True
                    market.inspected[t % 12] += 1.0
                    self.records.inspections[t, market.index] += 1

    def returns(self, t: int, cal: int) -> None:
        """Phase 8: circular stays and voluntary returns from abroad; spending, businesses and short stays at home."""
        keep = 1.0 - self.policy.behaviour.home_spending[t]
        for person in self.persons():
            status = person.status
            if status in (TEMPORARY, IRREGULAR, HIGHLY_SKILLED, RESEARCHER, LONG_TERM):
                if status == LONG_TERM and self.starts_circular_stay(person, t):
                    continue
                self.consider_voluntary_return(person, t)
            elif status in (HOME, RETURNEE, APPLICANT, APPROVED, LONG_TERM_AWAY):
                person.savings = as_float32(person.savings * keep)
                self.life_at_home(person, t)

    def family(self, t: int, cal: int) -> None:
        """Phase 8b: legal residents bring a family member (once), who joins from the community at home."""
        pol, rec = self.policy, self.records
        b, dst = pol.behaviour, pol.destination
        hazard = b.reunification_hazard[t]
        if hazard <= 0.0:
            return
        age_min = b.family_age_min[t] * 12.0

        def may_join(person) -> bool:
            return (person.status in (HOME, RETURNEE) and not person.flags & F_SPONSOR
                    and person.channel != CH_IRREGULAR and person.ban_end <= t and t - person.birth >= age_min)

        sponsors: dict[tuple[int, int, int], float] = {}  # (community, destination, sex) -> sponsors this month
        candidates: dict[tuple[int, int], float] = {}     # (community, sex) -> persons at home who may join
        for person in self.persons():
            if person.status in (TEMPORARY, HIGHLY_SKILLED, RESEARCHER, LONG_TERM):
                d = person.destination
                if (person.flags & (F_FAMILY | F_SPONSOR)
                        or (person.status != LONG_TERM
                            and person.legal_months < HALF_MONTHS_PER_YEAR * dst.reunification_min_years[t, d])):
                    continue
                if person.draw(rng.FAMILY, t) < hazard:
                    person.flags |= F_SPONSOR
                    rec.family_sponsors[t, person.origin, d] += 1
                    key = (person.community.index, d, person.sex)
                    sponsors[key] = sponsors.get(key, 0.0) + 1.0
            elif may_join(person):
                key = (person.community.index, person.sex)
                candidates[key] = candidates.get(key, 0.0) + 1.0
        D = dst.reunification_min_years.shape[1]
        for person in list(self.persons()):
            if not may_join(person):
                continue
            c, other = person.community.index, 1 - person.sex
            by_destination = [sponsors.get((c, d, other), 0.0) for d in range(D)]
            wanted = 0.0
            for n in by_destination:
                wanted += n
            if wanted <= 0.0:
                continue
            u = person.draw(rng.FAMILY_JOIN, t) * candidates[(c, person.sex)]
            if u >= wanted:
                continue
            dest, acc = D - 1, 0.0
            for d in range(D):
                acc += by_destination[d]
                if u < acc:
                    dest = d
                    break
            person.status = TEMPORARY
            person.channel = CH_TEMPORARY
            person.destination = dest
            person.employer = None
            person.sector = -1
            person.permit_end = t + permit_months(pol, t, dest, CH_TEMPORARY)
            person.stay_end = person.permit_end
            person.flags = (person.flags | F_EVER_MIGRATED | F_FAMILY) & ~(F_PREV_SEASONAL | F_REHIRE_OFFER | F_TIE_RENEWED)
            person.trips = min(person.trips + 1, 255)
            person.last_departure = person.last_move = t
            person.legal_months = 0
            person.network = 1.0
            rec.family_reunified[t, person.origin, dest] += 1

    def starts_circular_stay(self, person, t: int) -> bool:
        """A long-term resident plans a stay in the origin country (geometric length); goes if it fits the
        allowed absence, or anyway with ``absence_overrun`` (the status will then be lost)."""
        b, rec = self.policy.behaviour, self.records
        if person.draw(rng.CIRCULAR, t) >= b.ltr_circular_hazard[t]:
            return False
        o, d = person.origin, person.destination
        months = formulas.geometric_months(b.circular_stay_months[t], person.draw(rng.CIRCULAR + rng.SUBSTREAM, t))
        fits = months <= self.policy.destination.allowed_absence_months[t, d]
        if not fits and person.draw(rng.CIRCULAR + 2 * rng.SUBSTREAM, t) >= b.absence_overrun[t]:
            return False
        rec.returns[t, R_CIRCULAR_STAY, o, d] += 1
        stay = t - person.last_departure
        rec.stay_duration[t, o, min(max(stay, 0), DURATION_BINS - 1)] += 1
        person.release_employer()
        person.status = LONG_TERM_AWAY
        person.stay_end = t + months
        person.last_move = t
        if not fits:
            person.flags |= F_OVERRUN
        return True

    def consider_voluntary_return(self, person, t: int) -> None:
        """Voluntary return with ``formulas.voluntary_return_hazard``; the bonuses are paid on return."""
        pol = self.policy
        b, org = pol.behaviour, pol.origin
        o, d = person.origin, person.destination
        bonus = org.return_bonus[t, o] + (org.skilled_return_bonus[t, o] if person.skill == HIGH_SKILL else 0.0)
        way_back = 1.0 if (pol.corridor.facilitated_readmission[t, o, d] > 0.5
                           and person.flags & F_FORMER_RESIDENT) else 0.0
        # the household's income at home: the person's earnings and the yield of its remittance-bought assets
        home = 12.0 * person.home_earnings(t) + b.remittance_yield[t] * person.assets
        hazard = formulas.voluntary_return_hazard(
            b.voluntary_hazard[t], b.voluntary_savings[t], person.savings_ratio(t), b.voluntary_age[t],
            b.voluntary_age_onset[t], person.age(t), b.voluntary_bonus[t], bonus, org.reintegration_value[t, o],
            org.reintegration_support[t, o], b.voluntary_network[t], person.network, b.voluntary_home[t],
            home, b.voluntary_readmission[t], way_back,
            b.voluntary_years_abroad[t], b.voluntary_years_cap[t], person.months_abroad / 12.0,
            b.voluntary_savings_cap[t])
        if person.draw(rng.VOLUNTARY, t) < hazard:
            if person.status == IRREGULAR and person.flags & F_DECIDED:  # leaves after a return decision: carried out
                self.records.decision_departures[t, person.origin, person.destination] += 1
            person.add_savings(bonus)
            person.go_home(t, R_VOLUNTARY, person.status != IRREGULAR)

    def life_at_home(self, person, t: int) -> None:
        """Business starts in the first year home; short stays abroad with a multiple-entry visa."""
        pol, rec = self.policy, self.records
        b = pol.behaviour
        c, o, status = person.community.index, person.origin, person.status
        closure = 1.0 - (1.0 - b.business_closure[t]) ** (1.0 / 12.0)
        if person.flags & F_BUSINESS and person.draw(rng.BUSINESS_CLOSURE, t) < closure:
            person.flags &= ~F_BUSINESS  # the business closes
        elif (status in (RETURNEE, LONG_TERM_AWAY) and not person.flags & F_BUSINESS and t - person.last_move < 12
                and person.savings + person.assets >= b.business_capital[t]):
            # the capital comes from savings and the household's remittance-bought assets
            hazard = formulas.business_hazard(b.business_hazard[t], b.business_savings[t], person.savings + person.assets,
                                              b.business_capital[t], b.business_support[t],
                                              pol.origin.reintegration_support[t, o], b.business_irregular[t],
                                              1.0 if person.flags & F_EVER_IRREGULAR else 0.0,
                                              b.business_savings_cap[t])
            if person.draw(rng.BUSINESS, t) < hazard:
                person.flags |= F_BUSINESS
                from_savings = min(person.savings, b.business_capital[t])
                person.savings = as_float32(person.savings - from_savings)
                person.assets = as_float32(max(person.assets - (b.business_capital[t] - from_savings), 0.0))
                rec.businesses_started[t, c] += 1
        if (status == RETURNEE and person.visa_end > t and (person.short_stay == NEVER or t - person.short_stay >= b.short_stay_spacing[t])
                and person.draw(rng.SHORT_STAY, t) < b.short_stay_hazard[t]):
            person.short_stay = t
            person.flags |= F_TIE_RENEWED
            rec.short_stays[t, o] += 1
