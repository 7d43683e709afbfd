"""Phase 3 of the reference schedule: applications (choosing a channel and destination) and consulates."""

from __future__ import annotations

import math

from .. import rng
from . import formulas
from ..phases.consulates import MAX_WAIT
from ..state import (APPLICANT, APPROVED, CH_HIGHLY_SKILLED, CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT,
                     CH_TEMPORARY, CH_TRAINEE, F_GOOD_RECORD, N_CHANNEL)
from .world import permit_months


class ApplicationsPhase:
    """People at home consider migrating and choose a (channel, destination); consulates decide in queues."""

    def applications(self, t: int, cal: int) -> None:
        """Phase 3a: consider migrating; choose staying, a pool registration or the irregular route."""
        b = self.policy.behaviour
        oldest = int(b.retirement_age[t]) * 12  # months of age from which nobody considers any more
        for person in self.persons():
            if not person.at_home_free:
                continue
            if person.channel >= 0:  # registered in a pool: the registration may lapse
                if t - person.app_month >= b.pool_expiry_months[t]:
                    person.channel = -1
                    person.destination = -1
                continue
            months = t - person.birth
            if months > oldest:
                continue
            hazard = formulas.age_hazard(b.consider_hazard[t], b.consider_age_slope[t], months / 12.0)
            if person.draw(rng.CONSIDER, t) >= formulas.consider_hazard(hazard, person.propensity):
                continue
            self.choose_channel(person, t)

    def choose_channel(self, person, t: int) -> None:
        """Multinomial logit over staying, every open (legal channel, destination) the person knows of and
        is eligible for, and the irregular route (one alternative averaged over its routes)."""
        pol = self.policy
        b, org, cor = pol.behaviour, pol.origin, pol.corridor
        D = len(self.scenario.destinations)
        community, origin = person.community, self.origins[person.origin]
        o = origin.index
        asc = [0.0] * N_CHANNEL
        asc[CH_SEASONAL], asc[CH_TEMPORARY], asc[CH_IRREGULAR] = b.asc_seasonal[t], b.asc_temporary[t], b.asc_irregular[t]
        asc[CH_HIGHLY_SKILLED], asc[CH_STUDENT] = b.asc_highly_skilled[t], b.asc_student[t]
        asc[CH_RESEARCHER], asc[CH_TRAINEE] = b.asc_researcher[t], b.asc_trainee[t]
        awareness = org.legal_awareness[t, o]
        aware = person.draw(rng.AWARE, t) < awareness + (1.0 - awareness) * org.information_campaign[t, o]

        # the tie abroad (own, or through the community's migration prevalence); what the person earns at
        # home beyond the community's expected earnings (experience abroad pays at home too)
        tie = formulas.network_tie(person.network, community.prevalence, b.prevalence_network[t])
        extra = person.home_earnings(t) - community.home_income

        def utility(gain, cost, risk, k):
            return math.exp(formulas.channel_utility(gain, cost, risk, tie, asc[k], b.beta_income[t],
                                                     b.beta_cost[t], b.beta_risk[t], b.beta_network[t]))

        util = [[0.0] * D for _ in range(N_CHANNEL)]  # exp(utility); staying has exp(0) = 1
        denom, irregular_weight = 1.0, 0.0
        for k in range(N_CHANNEL):
            for d in range(D):
                if origin.channel_open[k][d] <= 0:
                    continue
                if k == CH_IRREGULAR:
                    irregular_weight += cor.irregular_route_share[t, o, d]
                    continue
                if not aware or not person.selectable(t, k):
                    continue
                gain = community.gain[k][d] - self.gain_months[k][d] * extra
                util[k][d] = utility(gain * origin.prospect[k][d], origin.cost[k][d], origin.risk[k][d], k)
                denom += util[k][d]
        if irregular_weight > 0:
            gain = cost = risk = 0.0
            for d in range(D):
                share = cor.irregular_route_share[t, o, d] / irregular_weight
                gain += share * (community.gain[CH_IRREGULAR][d] - 12.0 * extra)
                cost += share * origin.cost[CH_IRREGULAR][d]
                risk += share * origin.risk[CH_IRREGULAR][d]
            util[CH_IRREGULAR][0] = utility(gain, cost, risk, CH_IRREGULAR)
            denom += util[CH_IRREGULAR][0]
        u = person.draw(rng.CHANNEL, t) * denom
        if u < 1.0:
            return  # stays
        choice, dest, acc = CH_IRREGULAR, 0, 1.0
        for k in range(N_CHANNEL):
            for d in range(D):
                acc += util[k][d]
                if u < acc:
                    choice, dest = k, d
                    break
            if u < acc:
                break
        if choice != CH_IRREGULAR:
            person.channel, person.destination, person.app_month = choice, dest, t
            return
        self.attempt_irregular_entry(person, t, irregular_weight)

    def attempt_irregular_entry(self, person, t: int, irregular_weight: float) -> None:
        """Pick a route by its share, pay the smuggler (from savings, the rest borrowed); border control, document checks and
        anti-smuggling action may stop the attempt (an interception)."""
        pol = self.policy
        b, org, cor = pol.behaviour, pol.origin, pol.corridor
        o, D = person.origin, len(self.scenario.destinations)
        x = person.draw(rng.IRREGULAR_DEST, t) * irregular_weight
        dest, acc = D - 1, 0.0
        for d in range(D):
            acc += cor.irregular_route_share[t, o, d]
            if x < acc:
                dest = d
                break
        person.pay(self.origins[o].cost[CH_IRREGULAR][dest])
        stopped = person.draw(rng.INTERCEPT, t) < org.border_control[t, o]
        if not stopped:
            stopped = person.draw(rng.DOCUMENTS, t) < b.document_fraud_share[t] * org.travel_document_security[t, o]
        if not stopped:
            stopped = person.draw(rng.SMUGGLING, t) < b.smuggling_success_effect[t] * org.anti_smuggling[t, o]
        if stopped:
            self.records.interceptions[t, o] += 1
            return
        person.channel = CH_IRREGULAR
        person.destination = dest

    # --- consulates --------------------------------------------------------------------
    def priority(self, person, t: int) -> int:
        """1 for applicants a facilitation agreement decides first (students, researchers, trainees,
        bona fide returnees), else 0."""
        if self.policy.corridor.facilitation_agreement[t, person.origin, person.destination] < 0.5:
            return 0
        k = person.channel
        return 1 if k in (CH_STUDENT, CH_RESEARCHER, CH_TRAINEE) or person.flags & F_GOOD_RECORD else 0

    def queue_of(self, person, t: int) -> tuple[int, int]:
        """(origin, queue): the destination's consulate, or queue 0 of a common visa application centre."""
        o = person.origin
        return o, 0 if self.policy.origin.common_visa_centre[t, o] > 0.5 else person.destination

    def consulates(self, t: int, cal: int) -> None:
        """Phase 3b: each queue decides up to its monthly capacity, priority first, then oldest, ties by slot."""
        pol = self.policy
        cor = pol.corridor
        D = len(self.scenario.destinations)
        applicants = [p for p in self.persons() if p.status == APPLICANT]
        if not applicants:
            return
        R = 2 * MAX_WAIT  # rank: priority x MAX_WAIT + months waited; highest first
        waiting: dict[tuple[int, int], list[int]] = {}
        for person in applicants:
            rank = self.priority(person, t) * MAX_WAIT + min(t - person.app_month, MAX_WAIT - 1)
            waiting.setdefault(self.queue_of(person, t), [0] * R)[rank] += 1
        # every application ranked above `cut` is decided, and `partial` of those ranked `cut`
        cut, partial = {}, {}
        for o in range(len(self.origins)):
            pooled = pol.origin.common_visa_centre[t, o] > 0.5
            for q in range(D):
                if pooled and q > 0:
                    continue
                if pooled:
                    capacity = 0.0
                    for d in range(D):
                        capacity += cor.consular_capacity[t, o, d] * cor.consular_hours[t, o, d]
                    capacity *= 1.0 + pol.behaviour.cvac_capacity_gain[t]
                else:
                    capacity = cor.consular_capacity[t, o, q] * cor.consular_hours[t, o, q]
                cap = rng.stochastic_round(capacity / self.scale, self.seed, rng.CONSULAR, t, o * D + q)
                cut[o, q], partial[o, q] = -1, 0
                queue = waiting.get((o, q), [0] * R)
                for r in range(R - 1, -1, -1):
                    if queue[r] <= cap:
                        cap -= queue[r]
                    else:
                        cut[o, q], partial[o, q] = r, cap
                        break
        for person in applicants:
            key = self.queue_of(person, t)
            prio = self.priority(person, t)
            wait = min(t - person.app_month, MAX_WAIT - 1)
            rank = prio * MAX_WAIT + wait
            decided = rank > cut[key]
            if not decided and rank == cut[key] and partial[key] > 0:
                partial[key] -= 1
                decided = True
            if decided:
                self.decide(person, t, wait, prio)
                continue
            o, d, k = person.origin, person.destination, person.channel
            market = person.employer.market
            late = t >= person.stay_end if market.yearly_intake(t) else wait >= pol.destination.offer_validity_months[t, d]
            if late:
                self.records.lost_offers[t, k, o, d] += 1
                person.cancel_offer()
            else:
                self.records.queue_length[t, o, d] += 1

    def decide(self, person, t: int, wait: int, prio: int) -> None:
        """The consulate decides an application: fee (unless priority or exempted), refusal or a permit."""
        cor, rec = self.policy.corridor, self.records
        o, d, k = person.origin, person.destination, person.channel
        rec.wait_months_total[t, o, d] += wait
        if prio == 0 and person.draw(rng.FEE, t) >= cor.fee_exemption[t, o, d]:
            person.pay(cor.visa_fee[t, o, d])
        if person.draw(rng.REFUSAL, t) < cor.refusal_rate[t, o, d]:
            rec.refusals[t, k, o, d] += 1
            person.cancel_offer()
            return
        rec.approvals[t, k, o, d] += 1
        person.status = APPROVED
        start = person.stay_end
        if k == CH_SEASONAL:
            years = int(cor.seasonal_permit_years[t, o, d])
            person.permit_end = start + 12 * (years - 1) + person.employer.market.stay_months(t)
        else:
            person.permit_end = start + permit_months(self.policy, t, d, k)
