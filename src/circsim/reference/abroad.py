"""Phases 5 and 6 of the reference schedule: life abroad and the end of allowed stays."""

from __future__ import annotations

from .. import rng
from . import formulas
from ..state import (CH_HIGHLY_SKILLED, CH_IRREGULAR, F_EVER_IRREGULAR, F_FAMILY, F_FORMER_RESIDENT, F_GOOD_RECORD,
                     HALF_MONTHS_PER_YEAR, HIGH_SKILL, HIGHLY_SKILLED, IRREGULAR, LONG_TERM, NEVER, R_END_OF_PERMIT, R_END_OF_SEASON, RESEARCHER,
                     SEASONAL, STUDENT, TEMPORARY, TRAINEE)
from .agents import as_float32
from .world import permit_months, renewal_months


class AbroadPhases:
    """What happens to people abroad: income and clocks, then renewals, graduation, return or overstay."""

    def life_abroad(self, t: int, cal: int) -> None:
        """Phase 5: income, living costs (an irregular migrant's are lower), debt repaid, remittances to the
        household's assets, savings, human capital, the legal-residence clock, researcher moves."""
        pol, rec = self.policy, self.records
        b = pol.behaviour
        D = len(self.scenario.destinations)
        for person in self.persons():
            status = person.status
            if not person.abroad:
                continue
            c, o, d = person.community.index, person.origin, person.destination
            income = self.income(person, t)
            if status != IRREGULAR:
                self.count_legal_residence(person, t)
            cost = pol.destination.living_cost[t, d] * (b.irregular_living_cost[t] if status == IRREGULAR else 1.0)
            rec.remittances[t, c] += person.earn(income - cost, pol.origin.remittance_share[t, o])
            if income > 0:
                person.human_capital = as_float32(person.human_capital + b.hc_growth[t])
            person.months_abroad += 1
            if person.status == RESEARCHER and D > 1 and person.draw(rng.MOBILITY, t) < b.researcher_mobility[t]:
                # intra-EU mobility: on to another destination, no new permit
                other = int(rng.uniform(self.seed, rng.MOBILITY + rng.SUBSTREAM, t, person.pid) * (D - 1))
                rec.intra_eu_moves[t, o, d] += 1
                person.release_employer()
                person.destination = other if other < d else other + 1

    def income(self, person, t: int) -> float:
        """This month's income: the market wage with an employer, else the destination's mean wage (a
        student searching for a job: none); irregular work pays a share, informal work found by chance."""
        pol, b = self.policy, self.policy.behaviour
        employer = person.employer
        skill = formulas.wage_multiplier(person.human_capital, b.hc_wage[t])
        if person.status == IRREGULAR:
            person.legal_months = 0
            if employer is not None:
                return pol.market.wage[t, employer.market.index] * employer.pay * b.irregular_wage_factor[t] * skill
            if person.draw(rng.IRREGULAR_JOB, t) < b.irregular_employment[t] * self.informal_work[person.destination]:
                return self.dest_wage[person.destination] * b.irregular_wage_factor[t] * skill
            return 0.0
        if employer is not None:
            return pol.market.wage[t, employer.market.index] * employer.pay * skill
        if person.status == STUDENT:
            return 0.0  # a graduate searching for a job
        return self.dest_wage[person.destination] * skill

    def count_legal_residence(self, person, t: int) -> None:
        """The legal-residence clock in half-months (study counts half; a seasonal stay restarts it);
        former legal resident after ``former_resident_years`` or a skilled stay; long-term residence after
        ``ltr_years``."""
        status, d = person.status, person.destination
        dst = self.policy.destination
        if status == SEASONAL:
            person.legal_months = 0
        elif status != LONG_TERM:
            person.legal_months += 1 if status == STUDENT else 2
            if (person.legal_months >= HALF_MONTHS_PER_YEAR * dst.former_resident_years[t, d]
                    or status == HIGHLY_SKILLED or status == RESEARCHER):
                person.flags |= F_FORMER_RESIDENT
            if person.legal_months >= HALF_MONTHS_PER_YEAR * dst.ltr_years[t, d]:
                person.status = LONG_TERM
                person.permit_end = NEVER
                person.stay_end = NEVER
                self.records.ltr_granted[t, person.origin, d] += 1

    def end_of_stay(self, t: int, cal: int) -> None:
        """Phase 6: seasons end; permits are renewed or end; students graduate; traineeships end;
        irregular workers of an employer without demand are let go."""
        pol = self.policy
        b, dst = pol.behaviour, pol.destination
        for person in self.persons():
            status = person.status
            if status == SEASONAL:
                if person.stay_end <= t:
                    self.end_stay(person, t, R_END_OF_SEASON)
            elif status in (TEMPORARY, HIGHLY_SKILLED, RESEARCHER):
                if person.permit_end <= t:
                    o, d, employer = person.origin, person.destination, person.employer
                    free = pol.corridor.free_access_years[t, o, d]
                    free_access = free > 0 and person.legal_months >= HALF_MONTHS_PER_YEAR * free
                    renewal = dst.renewal_probability[t, d]
                    if person.flags & F_FAMILY:  # a family permit needs no job
                        renewal = dst.family_renewal_probability[t, d]
                    if free_access or person.draw(rng.RENEWAL, t) < renewal:  # same employer or another
                        if employer is not None and employer.workers > employer.demand:
                            person.release_employer()  # no longer wanted: works in the rest of the economy
                        k = person.channel if person.channel >= 0 else CH_HIGHLY_SKILLED
                        person.permit_end = t + renewal_months(pol, t, d, k)
                        person.stay_end = person.permit_end
                        self.records.renewals[t, o, d] += 1
                    else:
                        self.end_stay(person, t, R_END_OF_PERMIT)
            elif status == STUDENT:
                if person.permit_end <= t:
                    self.graduate(person, t)
            elif status == TRAINEE:
                if person.permit_end <= t:
                    self.end_stay(person, t, R_END_OF_PERMIT)
            elif status == IRREGULAR:
                if person.employer is not None and person.employer.demand == 0:
                    person.release_employer()
                    person.sector = -1

    def graduate(self, person, t: int) -> None:
        """Studies (or the job search after them) end: a skilled job, a search permit, or the end of stay."""
        pol, b = self.policy, self.policy.behaviour
        o, d = person.origin, person.destination
        u = person.draw(rng.GRADUATE, t)
        searching = person.channel == CH_HIGHLY_SKILLED
        if u < b.graduate_job_rate[t]:
            person.release_employer()  # leaves the university for a skilled job
            person.status = HIGHLY_SKILLED
            person.channel = CH_HIGHLY_SKILLED
            person.skill = HIGH_SKILL
            person.permit_end = t + permit_months(pol, t, d, CH_HIGHLY_SKILLED)
            person.stay_end = person.permit_end
            self.records.graduate_jobs[t, o, d] += 1
        elif not searching and u < b.graduate_job_rate[t] + b.graduate_search_rate[t]:
            person.release_employer()
            person.channel = CH_HIGHLY_SKILLED  # studies over: searching for a skilled job
            person.permit_end = t + int(b.graduate_search_months[t])
            person.stay_end = person.permit_end
        else:
            self.end_stay(person, t, R_END_OF_PERMIT)

    def end_stay(self, person, t: int, reason: int) -> None:
        """An allowed stay ends: the person returns (``formulas.return_probability``) or overstays."""
        pol, rec = self.policy, self.records
        b = pol.behaviour
        o, d = person.origin, person.destination
        employer = person.employer
        way_back = person.permit_end > t + 1 or (pol.corridor.facilitated_readmission[t, o, d] > 0.5
                                                  and person.flags & F_FORMER_RESIDENT != 0)
        rehire = 0.0
        if person.status in (SEASONAL, TRAINEE) and employer is not None:
            rehire = self.rehire_probability(person, employer, t)
        # the gain of irregular work over the person's own earnings at home
        gain = person.community.gain[CH_IRREGULAR][d] - 12.0 * (person.home_earnings(t) - person.community.home_income)
        p_return = formulas.return_probability(
            b.return_intercept[t], b.return_permit[t], 1.0 if way_back else 0.0, b.return_rehire[t], rehire,
            b.return_savings[t], person.savings_ratio(t), b.return_enforcement[t], self.origins[o].removal[d],
            b.return_gain[t], gain, b.return_years_abroad[t], person.months_abroad / 12.0, b.return_savings_cap[t])
        k = person.channel
        rec.stays_ended[t, k, o, d] += 1
        if self.returns_at_end_of_stay(person, t, p_return):
            person.go_home(t, reason, True)
            person.flags |= F_GOOD_RECORD
        else:
            rec.overstays[t, k, o, d] += 1
            person.last_employer = employer
            person.release_employer()
            person.status = IRREGULAR
            person.channel = CH_IRREGULAR
            person.sector = -1
            person.permit_end = NEVER
            person.stay_end = NEVER
            person.flags = (person.flags | F_EVER_IRREGULAR) & ~(F_GOOD_RECORD | F_FAMILY)

    def returns_at_end_of_stay(self, person, t: int, p_return: float) -> bool:
        """The return decision: True (return) with probability ``p_return``."""
        return person.draw(rng.END_OF_STAY, t) < p_return
