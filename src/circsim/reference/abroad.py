"""Phases 5 to 8 of the reference schedule: life abroad, end of stay, enforcement, returns."""

from __future__ import annotations

from .. import rng, rules
from ..state import (APPLICANT, APPROVED, CH_IRREGULAR, F_BANNED_ONCE, F_BUSINESS, F_EVER_IRREGULAR, F_GOOD_RECORD,
                     HOME, IRREGULAR, NEVER, R_END_OF_PERMIT, R_END_OF_SEASON, R_ENFORCED, R_VOLUNTARY, RETURNEE,
                     SEASONAL, TEMPORARY)
from .agents import as_float32
from .market import clip01


class AbroadPhases:
    """What happens to people abroad, and to returnees at home."""

    def life_abroad(self, t: int, cal: int) -> None:
        """Phase 5: wage, living cost, remittances, savings, human capital, residence clocks."""
        pol, rec = self.policy, self.records
        b = pol.behaviour
        for person in self.persons():
            status = person.status
            if status != SEASONAL and status != TEMPORARY and status != IRREGULAR:
                continue
            c, o, d = person.community.index, person.origin, person.destination
            employer = person.employer
            skill = rules.wage_multiplier(person.human_capital, b.hc_wage[t])
            if status == IRREGULAR:
                person.legal_months = 0
                if employer is not None:
                    income = pol.market.wage[t, employer.market.index] * b.irregular_wage_factor[t] * skill
                elif person.draw(rng.IRREGULAR_JOB, t) < b.irregular_employment[t]:
                    income = self.dest_wage[d] * b.irregular_wage_factor[t] * skill
                else:
                    income = 0.0
            else:
                income = pol.market.wage[t, employer.market.index] * skill
                person.legal_months = person.legal_months + 1 if status == TEMPORARY else 0
            net = income - pol.destination.living_cost[t, d]
            remit = pol.origin.remittance_share[t, o] * net if net > 0 else 0.0
            person.add_savings(net - remit)
            rec.remittances[t, c] += remit
            if income > 0:
                person.human_capital = as_float32(person.human_capital + b.hc_growth[t])
            person.months_abroad += 1

    def end_of_stay(self, t: int, cal: int) -> None:
        """Phase 6: seasons end, temporary permits are renewed or end; irregular workers let go off season."""
        dst = self.policy.destination
        for person in self.persons():
            status = person.status
            if status == SEASONAL:
                if person.stay_end <= t:
                    self.end_stay(person, t, R_END_OF_SEASON)
            elif status == TEMPORARY:
                if person.permit_end <= t:
                    employer, d = person.employer, person.destination
                    if (employer is not None and employer.workers <= employer.demand
                            and person.draw(rng.RENEWAL, t) < dst.renewal_probability[t, d]):
                        person.permit_end += int(dst.temporary_permit_months[t, d])
                        person.stay_end = person.permit_end
                        self.records.renewals[t, person.origin, d] += 1
                    else:
                        self.end_stay(person, t, R_END_OF_PERMIT)
            elif status == IRREGULAR:
                if person.employer is not None and person.employer.demand == 0:
                    person.release_employer()
                    person.sector = -1

    def end_stay(self, person, t: int, reason: int) -> None:
        """An allowed stay ends: the person returns (``rules.return_probability``) or overstays."""
        pol, rec = self.policy, self.records
        b = pol.behaviour
        c, o, d = person.community.index, person.origin, person.destination
        employer = person.employer
        has_permit = 1.0 if person.permit_end > t + 1 else 0.0
        rehire = 0.0
        if person.status == SEASONAL and employer is not None:
            m = employer.market.index
            rehire = rules.rehire_probability(clip01(pol.market.rehire_propensity[t, m] + employer.rehire_offset),
                                              pol.corridor.rehire_priority[t, o, d])
        p_return = rules.return_probability(
            b.return_intercept[t], b.return_permit[t], has_permit, b.return_rehire[t], rehire,
            b.return_savings[t], person.savings_ratio(t), b.return_enforcement[t], self.origins[o].removal[d],
            b.return_gain[t], person.community.irregular_gain[d], b.return_years_abroad[t], person.months_abroad / 12.0)
        rec.stays_ended[t, o, d] += 1
        if self.returns_at_end_of_stay(person, t, p_return):
            person.go_home(t, reason, True)
            person.flags |= F_GOOD_RECORD
        else:
            rec.overstays[t, o, d] += 1
            person.last_employer = employer
            person.release_employer()
            person.status = IRREGULAR
            person.channel = CH_IRREGULAR
            person.sector = -1
            person.permit_end = NEVER
            person.stay_end = NEVER
            person.flags = (person.flags | F_EVER_IRREGULAR) & ~F_GOOD_RECORD

    def returns_at_end_of_stay(self, person, t: int, p_return: float) -> bool:
        """The return decision: True (return) with probability ``p_return``."""
        return person.draw(rng.END_OF_STAY, t) < p_return

    def enforcement(self, t: int, cal: int) -> None:
        """Phase 7: detection, return decisions carried out with readmission and within capacity; bans."""
        pol, rec = self.policy, self.records
        dst = pol.destination
        capacity = [int(rng.stochastic_round(dst.return_capacity[t, d] / self.scale, self.seed, rng.RETURN_CAPACITY, t, d))
                    for d in range(len(self.scenario.destinations))]
        for person in self.persons():
            if person.status != IRREGULAR:
                continue
            d = person.destination
            if person.draw(rng.DETECT, t) >= dst.detection_rate[t, d]:
                continue
            o = person.origin
            rec.detections[t, o, d] += 1
            rec.return_decisions[t, o, d] += 1
            if capacity[d] > 0 and person.draw(rng.READMIT, t) < pol.origin.readmission_cooperation[t, o]:
                capacity[d] -= 1
                rec.returns_enforced[t, o, d] += 1
                person.go_home(t, R_ENFORCED, False)
                person.ban_end = t + 12 * int(dst.ban_years[t, d])
                person.flags = (person.flags | F_BANNED_ONCE) & ~F_GOOD_RECORD

    def returns(self, t: int, cal: int) -> None:
        """Phase 8: voluntary returns from abroad; spending, and business starts of returnees, at home."""
        pol, rec = self.policy, self.records
        b, org = pol.behaviour, pol.origin
        keep = 1.0 - b.home_spending[t]
        for person in self.persons():
            status = person.status
            c, o = person.community.index, person.origin
            if status == TEMPORARY or status == IRREGULAR:
                hazard = rules.voluntary_return_hazard(
                    b.voluntary_hazard[t], b.voluntary_savings[t], person.savings_ratio(t), b.voluntary_age[t],
                    person.age(t), b.voluntary_bonus[t], org.return_bonus[t, o], b.voluntary_reintegration[t],
                    org.reintegration_support[t, o], b.voluntary_network[t], person.network, b.voluntary_home[t],
                    12.0 * person.community.home_income)
                if person.draw(rng.VOLUNTARY, t) < hazard:
                    person.add_savings(org.return_bonus[t, o])
                    person.go_home(t, R_VOLUNTARY, status == TEMPORARY)
            elif status in (HOME, RETURNEE, APPLICANT, APPROVED):
                person.savings = as_float32(person.savings * keep)
                if (status == RETURNEE and not person.flags & F_BUSINESS and t - person.last_move < 12
                        and person.savings > 0):
                    hazard = rules.business_hazard(b.business_hazard[t], b.business_savings[t], person.savings,
                                                   b.business_capital[t], b.business_support[t],
                                                   org.reintegration_support[t, o])
                    if person.draw(rng.BUSINESS, t) < hazard:
                        person.flags |= F_BUSINESS
                        person.add_savings(-b.business_capital[t])
                        rec.businesses_started[t, c] += 1
