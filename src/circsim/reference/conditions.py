"""Phase 1 of the reference schedule: conditions (what each channel offers, employers' demand)."""

from __future__ import annotations

import math

from .. import rng
from . import formulas
from ..state import CH_IRREGULAR, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TRAINEE, N_CHANNEL
from .agents import clip01
from .world import quota_of


class ConditionsPhase:
    """Home incomes, the gain, cost, risk and openness of each (channel, destination), employers' demand."""

    def conditions(self, t: int, cal: int) -> None:
        """Phase 1: this month's quantities derived from the policy parameters."""
        pol = self.policy
        b, org, dst = pol.behaviour, pol.origin, pol.destination
        D = len(self.scenario.destinations)
        if cal == 0:  # a new calendar year: quotas and the ethical-recruitment allowance start again
            for origin in self.origins:
                origin.quota_used = [[0.0] * N_CHANNEL for _ in range(D)]
                origin.skilled_cap = org.ethical_recruitment_cap[t, origin.index] * origin.skilled_home
        for origin in self.origins:
            o = origin.index
            origin.wage_index *= (1.0 + float(org.home_wage_growth[t, o])) ** (1.0 / 12.0)
            for d in range(D):
                # the police's detection, and labour inspections at the employers of those at work
                inspect = formulas.monthly_probability(dst.inspection_rate[t, d]) * self.irregular_at_work[d]
                detect = 1.0 - (1.0 - dst.detection_rate[t, d]) * (1.0 - inspect)
                origin.removal[d] = formulas.removal_probability_year(detect, org.readmission_cooperation[t, o],
                                                                      b.removal_held_share[t], b.passport_share[t])
            # the irregular route: border control, document checks, anti-smuggling action
            origin.irregular_success = ((1.0 - org.border_control[t, o])
                                        * (1.0 - b.document_fraud_share[t] * org.travel_document_security[t, o])
                                        * (1.0 - b.smuggling_success_effect[t] * org.anti_smuggling[t, o]))
        # mean wage of each destination weighted by demand (informal work, jobs without an employer)
        self.dest_wage = []
        for d in range(D):
            num = den = 0.0
            for market in self.markets:
                if market.destination == d:
                    num += pol.market.wage[t, market.index] * pol.market.demand[t, market.index]
                    den += pol.market.demand[t, market.index]
            self.dest_wage.append(num / den if den > 0 else 0.0)
        self._informal_work(t)
        for origin in self.origins:
            self._channels_of(origin, t)
        self._gain_months(t)
        for community in self.communities:
            self._gains_of(community, t)
        self._employers_demand(t, cal)

    def _channels_of(self, origin, t: int) -> None:
        """Openness, one-off cost and perceived risk of each channel to each destination for ``origin``."""
        pol = self.policy
        b, org, cor, mkt = pol.behaviour, pol.origin, pol.corridor, pol.market
        o = origin.index
        informed = org.information_campaign[t, o]
        for k in range(N_CHANNEL):
            origin.channel_open[k] = [0.0] * len(origin.removal)
        for d in range(len(origin.removal)):
            for market in self.markets:
                m = market.index
                if market.destination != d or mkt.demand[t, m] <= 0 or cor.recruitment_share[t, o, d] <= 0:
                    continue
                k = market.channel(t)
                if quota_of(pol, t, o, d, k) > 0:
                    origin.channel_open[k][d] = 1.0
            fee = cor.visa_fee[t, o, d] * (1.0 - cor.fee_exemption[t, o, d])
            for k in range(N_CHANNEL):
                origin.cost[k][d] = fee
                origin.risk[k][d] = cor.refusal_rate[t, o, d]
            if cor.facilitation_agreement[t, o, d] > 0.5:  # no fee for students, researchers, trainees
                for k in (CH_STUDENT, CH_RESEARCHER, CH_TRAINEE):
                    origin.cost[k][d] = 0.0
            origin.channel_open[CH_IRREGULAR][d] = 1.0 if cor.irregular_route_share[t, o, d] > 0 else 0.0
            origin.cost[CH_IRREGULAR][d] = org.smuggling_cost[t, o] * (1.0 + b.smuggling_cost_effect[t] * org.anti_smuggling[t, o])
            true_risk = 1.0 - origin.irregular_success * (1.0 - origin.removal[d])
            origin.risk[CH_IRREGULAR][d] = true_risk * (1.0 - b.risk_underestimation[t] * (1.0 - informed))

    def _gain_months(self, t: int) -> None:
        """Months of work a year each channel's gain counts: demand-weighted over its markets, 12 without any."""
        mkt = self.policy.market
        D = len(self.scenario.destinations)
        months = [[0.0] * D for _ in range(N_CHANNEL)]
        weight = [[0.0] * D for _ in range(N_CHANNEL)]
        for market in self.markets:
            m, d, k = market.index, market.destination, market.channel(t)
            months[k][d] += mkt.demand[t, m] * market.work_months(t)
            weight[k][d] += mkt.demand[t, m]
        self.gain_months = [[months[k][d] / weight[k][d] if weight[k][d] > 0 else 12.0 for d in range(D)]
                            for k in range(N_CHANNEL)]
        self.gain_weight = weight

    def _gains_of(self, community, t: int) -> None:
        """Home: prevalence (last records), local unemployment after returnee businesses' jobs, the home wage
        raised by emigration; then the expected yearly income gain over staying of each channel and destination
        (demand-weighted)."""
        pol = self.policy
        b, com, dst, mkt = pol.behaviour, pol.community, pol.destination, pol.market
        c, origin = community.index, self.origins[community.origin]
        D = len(self.scenario.destinations)
        community.prevalence = community.experienced / community.residents if community.residents > 0 else 0.0
        wage = com.home_wage[t, c] * origin.wage_index * formulas.home_wage_effect(
            b.emigration_wage_elasticity[t], community.abroad, community.residents)
        jobs = b.business_jobs[t] * community.businesses + formulas.remittance_jobs(
            b.remittance_local_wages[t], community.remitted, wage)
        community.unemployment = formulas.local_unemployment(com.unemployment[t, c], jobs, community.at_home)
        home = wage * (1.0 - community.unemployment)
        community.home_income = home
        gain = [[0.0] * D for _ in range(N_CHANNEL)]
        weight = self.gain_weight
        for market in self.markets:
            m, d, k = market.index, market.destination, market.channel(t)
            months = market.work_months(t)
            gain[k][d] += mkt.demand[t, m] * months * (mkt.wage[t, m] - dst.living_cost[t, d] - home)
        for d in range(D):
            for k in range(N_CHANNEL):
                if weight[k][d] > 0:
                    gain[k][d] /= weight[k][d]
            informal = self.dest_wage[d] * b.irregular_wage_factor[t] * b.irregular_employment[t] * self.informal_work[d]
            gain[CH_IRREGULAR][d] = 12.0 * (informal - b.irregular_living_cost[t] * dst.living_cost[t, d] - home)
        community.gain = gain

    def _informal_work(self, t: int) -> None:
        """Informal work left by deterred employers: per destination, the demand-weighted mean over its labour
        markets of exp(-deterrence x share inspected in the last 12 months x fine / 1000)."""
        pol = self.policy
        self.informal_work = []
        for d in range(len(self.scenario.destinations)):
            num = den = 0.0
            for market in self.markets:
                if market.destination == d and market.labour_market(t):
                    risk = market.inspected_share()
                    num += pol.market.demand[t, market.index] * formulas.deterrence_factor(
                        pol.behaviour.deterrence[t], risk * pol.destination.employer_fine[t, d])
                    den += pol.market.demand[t, market.index]
            self.informal_work.append(num / den if den > 0 else 1.0)

    def _employers_demand(self, t: int, cal: int) -> None:
        """Each employer's share of its market's demand (the first floor(demand + offset) places of the market's
        order, the offset the market's random draw for the run: unbiased over seeds), this month's demand, and
        at a job start its willingness to hire irregular workers."""
        mkt = self.policy.market
        for market in self.markets:
            offset = rng.uniform(self.seed, rng.DEMAND_ROUND, 0, market.index)  # fixed for the run
            order = market.place_order()
            for employer in market.employers:
                employer.target = 0
            for employer in order[:min(math.floor(market.demand_agents(t) + offset), len(order))]:
                employer.target += 1
        for employer in self.employers:
            market = employer.market
            m = market.index
            if market.channel(t) == CH_SEASONAL:
                start = int(mkt.season_start[t, m]) - 1
                in_season = (cal - start) % 12 < int(mkt.season_months[t, m])
                employer.demand = employer.target if in_season else 0
            else:
                employer.demand = employer.target
            if market.work_starts_now(t, cal):
                # deterred by the expected fine: the share of the market's employers inspected in the last 12
                # months (certain re-inspection while excluded) x the fine per worker
                risk = 1.0 if t < employer.excluded_until else market.inspected_share()
                q = formulas.irregular_hiring_probability(clip01(mkt.compliance[t, m] + employer.compliance_offset),
                                                          self.policy.behaviour.deterrence[t],
                                                          risk * self.policy.destination.employer_fine[t, market.destination])
                employer.irregular_ok = 1 if rng.uniform(self.seed, rng.COMPLIANCE, t, employer.index) < q else 0
                if market.labour_market(t):
                    self.records.hiring_decisions[t, m] += 1
                    self.records.noncompliant[t, m] += employer.irregular_ok
