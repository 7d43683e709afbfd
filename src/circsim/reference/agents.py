"""The agents of the reference model: :class:`Person`, :class:`Employer`, :class:`Community`.

One Python object per agent, attributes named as the engine's arrays (``state.PERSON_FIELDS``,
``state.EMPLOYER_FIELDS``). Two conventions keep the reference bit-identical to the engine:

* A person's float32 attributes (``propensity``, ``network``, ``human_capital``, ``savings``)
  are kept as Python floats holding a float32 value: every computation is done in float64 (as
  the compiled kernels do after promoting the stored float32) and the result is rounded to
  float32 when stored, with :func:`as_float32`. Reading them back gives plain floats, so no
  float32 arithmetic can sneak in through NumPy's scalar promotion rules.
* "None" months are ``state.NEVER`` (a very negative month), as in the engine, so that
  comparisons such as ``ban_end > t`` read the same.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from .. import rng
from . import formulas
from ..phases.common import DURATION_BINS
from ..state import (CH_HIGHLY_SKILLED, CH_RESEARCHER, CH_SEASONAL, CH_STUDENT, CH_TRAINEE, EXITED, F_DECIDED, F_EVER_MIGRATED, F_FAMILY, F_UPGRADED,
                     F_REHIRE_OFFER, HIGH_SKILL, HIGHLY_SKILLED, HOME, IRREGULAR, LONG_TERM, LOW_SKILL, MEDIUM_SKILL,
                     N_CHANNEL, NEVER, RETURNEE, SEASONAL)


def as_float32(x: float) -> float:
    """``x`` rounded to the nearest float32 (how the engine stores a float64 result)."""
    return float(np.float32(x))


def clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


class Community(mesa.Agent):
    """An origin community: home conditions and this month's expected gains of each channel."""

    def __init__(self, model, index: int, name: str, origin: int, agents0: int):
        super().__init__(model)
        self.index = index
        self.name = name
        self.origin = origin            # origin country index
        self.agents0 = float(agents0)   # agents at the start (sets the number of entrants)
        self.home_income = 0.0          # expected monthly earnings at home (no experience abroad), EUR
        self.unemployment = 0.0         # unemployment at home after the jobs of returnee businesses
        self.prevalence = 0.0           # share of the residents who have ever migrated (last records)
        self.residents = 0.0            # living members, at home or abroad (last records)
        self.experienced = 0.0          # of them, ever-migrants
        self.abroad = 0.0               # of them, abroad
        self.businesses = 0.0           # returnee businesses whose owner is at home
        self.remitted = 0.0             # remittances received last month (agent-EUR)
        self.at_home = 0.0              # residents at home
        self.gain = [[] for _ in range(N_CHANNEL)]  # [channel][destination] expected yearly gain over staying, EUR
        self.entrants_left = 0          # entrants of this month not yet placed


class Employer(mesa.Agent):
    """A firm of one market (destination sector): size, traits, demand and its books."""

    def __init__(self, model, index: int, market, size: float, rehire_offset: float, compliance_offset: float,
                 pay: float):
        super().__init__(model)
        self.index = index              # employer index (the engine's order)
        self.market = market            # the Market it belongs to
        self.size = size                # share of the market's demand
        self.rehire_offset = rehire_offset
        self.compliance_offset = compliance_offset
        self.pay = pay                  # pay relative to the market's wage (mean 1)
        self.callbacks = 0              # former workers called back, in total
        self.declined = 0               # of them, those who declined for another employer
        self.withdrawn = 0              # selected recruits who withdrew at the job start, in total
        self.target = 0                 # migrant workers wanted in season (share of the market's demand)
        self.demand = 0                 # workers wanted this month
        self.workers = 0                # workers on the payroll (legal and irregular)
        self.offers = 0                 # offers out (applicants and approved not yet arrived)
        self.irregular_ok = 0           # this season the employer hires irregular workers
        self.open = 0                   # vacancies still open (recruitment, then job start)
        self.arrivals = 0               # workers who arrived this month
        self.excluded_until = 0         # month an exclusion from the legal channels ends
        self.inspected = False          # a labour inspection visits this month
        self.found = 0                  # irregular workers the inspection found this month


class Person(mesa.Agent):
    """A working-age person. ``slot`` is the index the engine keeps this person at."""

    def __init__(self, model, slot: int, pid: int, community: Community, age_months: int, t: int, stream: int):
        super().__init__(model)
        self.slot = slot
        self.pid = pid
        self.community = community
        self.birth = t - age_months
        self.status = HOME
        self.flags = 0
        self.trips = 0
        self.destination = -1
        self.sector = -1
        self.channel = -1
        self.employer: Employer | None = None
        self.last_employer: Employer | None = None
        self.human_capital = 1.0
        self.savings = 0.0              # never negative: costs beyond it become debt
        self.assets = 0.0               # the household's assets bought with this person's remittances
        self.debt = 0.0                 # migration costs and shortfalls borrowed
        self.permit_end = NEVER
        self.stay_end = NEVER
        self.app_month = NEVER
        self.last_move = NEVER
        self.last_departure = NEVER
        self.months_abroad = 0
        self.legal_months = 0
        self.ban_end = NEVER
        self.visa_end = NEVER           # end of a multiple-entry short-stay visa
        self.short_stay = NEVER         # month of the last short stay with that visa
        self._draw_traits(t, stream)

    def _draw_traits(self, t: int, stream: int) -> None:
        """Sex, skill, propensity and network tie: draws keyed by the id in sub-streams of ``stream``."""
        pol, c, seed, pid = self.model.policy, self.community.index, self.model.seed, self.pid
        sub = rng.SUBSTREAM
        self.sex = 1 if rng.uniform(seed, stream + 1 * sub, 0, pid) < pol.community.female_share[t, c] else 0
        u = rng.uniform(seed, stream + 2 * sub, 0, pid)
        high, medium = pol.community.share_high[t, c], pol.community.share_medium[t, c]
        self.skill = HIGH_SKILL if u < high else (MEDIUM_SKILL if u < high + medium else LOW_SKILL)
        sd = pol.behaviour.propensity_sd[t]
        self.propensity = as_float32(math.exp(sd * rng.normal(seed, stream + 3 * sub, 0, pid)))
        self.network = 1.0 if rng.uniform(seed, stream + 4 * sub, 0, pid) < pol.community.network_share[t, c] else 0.0

    # --- what a person is -----------------------------------------------------------
    @property
    def origin(self) -> int:
        return self.community.origin

    def age(self, t: int) -> float:
        """Age in years in month ``t``."""
        return (t - self.birth) / 12.0

    @property
    def abroad(self) -> bool:
        return SEASONAL <= self.status <= LONG_TERM or self.status == IRREGULAR

    @property
    def at_home_free(self) -> bool:
        """At home with no application or offer under way."""
        return self.status == HOME or self.status == RETURNEE

    def home_status(self) -> int:
        return RETURNEE if self.flags & F_EVER_MIGRATED else HOME

    def selectable(self, t: int, channel: int) -> bool:
        """May this person apply through ``channel``? (re-entry ban; skill for the skilled channels,
        age limits of study and traineeship; otherwise the agency's age and sex rules)"""
        pol, o = self.model.policy, self.origin
        org, b = pol.origin, pol.behaviour
        if self.ban_end > t:
            return False
        age = self.age(t)
        if channel == CH_HIGHLY_SKILLED or channel == CH_RESEARCHER:
            return self.skill == HIGH_SKILL
        if channel == CH_STUDENT:
            return self.skill >= MEDIUM_SKILL and age < b.student_age_max[t] + 1
        if channel == CH_TRAINEE:
            return self.skill >= MEDIUM_SKILL and age < b.trainee_age_max[t] + 1
        if age < org.selection_age_min[t, o] or age >= org.selection_age_max[t, o] + 1:
            return False
        if channel == CH_SEASONAL and org.selection_female_only[t, o] > 0.5 and self.sex != 1:
            return False
        return True

    def savings_target(self, t: int) -> float:
        """The person's savings target (EUR): the community's typical one times a fixed individual effect."""
        pol = self.model.policy
        typical = pol.community.savings_target[t, self.community.index]
        return formulas.savings_target(typical, pol.behaviour.savings_target_sd[t],
                                       rng.normal(self.model.seed, rng.TARGET, 0, self.pid))

    def savings_ratio(self, t: int) -> float:
        """Progress towards the target: savings plus the household's assets less debt (``formulas.target_progress``)."""
        return formulas.target_progress(self.savings, self.assets, self.debt, self.savings_target(t))

    def home_earnings(self, t: int) -> float:
        """Expected monthly earnings at home: the community's, raised by human capital gained abroad."""
        b = self.model.policy.behaviour
        return formulas.home_earnings(self.community.home_income, self.human_capital, b.hc_home_wage[t],
                                      1.0 if self.flags & F_UPGRADED else 0.0, b.skill_home_premium[t])

    def add_savings(self, amount: float) -> None:
        self.savings = as_float32(self.savings + amount)

    def pay(self, amount: float) -> None:
        """Pay from savings; what savings cannot cover is borrowed."""
        if amount <= self.savings:
            self.savings = as_float32(self.savings - amount)
        else:
            self.debt = as_float32(self.debt + (amount - self.savings))
            self.savings = 0.0

    def earn(self, net: float, remit_share: float) -> float:
        """A month's net income abroad: debt repaid first, a share of the rest remitted to the household
        (its assets), the rest saved; a shortfall paid from savings or borrowed. Returns the remittance."""
        if net <= 0:
            self.pay(-net)
            return 0.0
        repaid = min(net, self.debt)
        self.debt = as_float32(self.debt - repaid)
        rest = net - repaid
        remit = remit_share * rest
        self.savings = as_float32(self.savings + (rest - remit))
        self.assets = as_float32(self.assets + remit)
        return remit

    def draw(self, stream: int, t: int) -> float:
        """This person's uniform draw of ``stream`` in month ``t``."""
        return rng.uniform(self.model.seed, stream, t, self.pid)

    # --- what happens to a person ------------------------------------------------------
    def cancel_offer(self) -> None:
        """An offer that came to nothing (refused, lost): back home, the employer told."""
        if self.employer is not None:
            self.employer.offers -= 1
        self.employer = None
        self.destination = -1
        self.sector = -1
        self.channel = -1
        self.stay_end = NEVER
        self.flags &= ~F_REHIRE_OFFER
        self.status = self.home_status()

    def release_employer(self) -> None:
        if self.employer is not None:
            self.employer.workers -= 1
        self.employer = None

    def go_home(self, t: int, reason: int, legal_job: bool) -> None:
        """Return home for ``reason``: recorded, employer released, stay reset.

        A skills-transfer programme may move a returnee who gained human capital abroad up a skill
        level; a clean record from a legal stay (``legal_job``) earns a multiple-entry short-stay
        visa where the corridor gives them.
        """
        model = self.model
        pol, rec, o, d = model.policy, model.records, self.origin, self.destination
        rec.returns[t, reason, o, d] += 1
        if self.status == HIGHLY_SKILLED:
            rec.returns_highly_skilled[t, o, d] += 1
        if self.skill == HIGH_SKILL:
            rec.returns_skilled[t, o, d] += 1
        elif self.human_capital >= pol.behaviour.skills_transfer_hc[t] and self.draw(rng.SKILLS, t) < pol.origin.skills_transfer[t, o]:
            self.skill += 1
            self.flags |= F_UPGRADED
            rec.skill_upgrades[t, o] += 1
        if legal_job:
            years = pol.corridor.multiple_entry_visa_years[t, o, d]
            if years > 0:
                self.visa_end = t + 12 * int(years)
        repaid = min(self.savings, self.debt)  # savings brought home repay the debt first
        self.savings = as_float32(self.savings - repaid)
        self.debt = as_float32(self.debt - repaid)
        stay = t - self.last_departure
        rec.stay_duration[t, o, min(max(stay, 0), DURATION_BINS - 1)] += 1
        rec.human_capital_returned[t, o] += self.human_capital - 1.0
        if legal_job and self.employer is not None:
            self.last_employer = self.employer
        self.release_employer()
        self.status = RETURNEE
        self.destination = -1
        self.sector = -1
        self.channel = -1
        self.stay_end = NEVER
        self.last_move = t
        self.legal_months = 0
        self.flags &= ~(F_DECIDED | F_FAMILY)  # an irregular episode or a family permit, if any, is over

    def leave_population(self) -> None:
        """Leave the working-age population: employer or offer released, status EXITED."""
        if self.abroad:
            self.release_employer()
        elif not self.at_home_free and self.employer is not None:
            self.employer.offers -= 1
        self.employer = None
        self.status = EXITED
