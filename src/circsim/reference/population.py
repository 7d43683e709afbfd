"""Phases 9 and 10 of the reference schedule: demography and the month's records."""

from __future__ import annotations

from .. import rng
from ..state import CH_IRREGULAR, F_BUSINESS, F_EVER_MIGRATED, HIGH_SKILL, LEGAL_CHANNELS, RETURNEE
from .agents import Person


class PopulationPhases:
    """Exits at retirement age, entrants into free slots, and the stocks recorded at the end of a month."""

    def demography(self, t: int, cal: int) -> None:
        """Phase 9: those reaching retirement age leave (slot freed); new entrants fill free slots in slot order."""
        pol = self.policy
        retire = int(pol.behaviour.retirement_age[t]) * 12
        for person in self.persons():
            if t - person.birth >= retire:
                person.leave_population()
                self.records.exits[t, person.community.index] += 1
                self.slots[person.slot] = None
                person.remove()
        for community in self.communities:
            n = community.agents0 * pol.community.entry_rate[t, community.index] / 12.0
            community.entrants_left = int(rng.stochastic_round(n, self.seed, rng.ENTRY_COUNT, t, community.index))
        free = (i for i, person in enumerate(self.slots) if person is None)
        for community in self.communities:
            for _ in range(community.entrants_left):
                slot = next(free, len(self.slots))
                person = Person(self, slot, self.next_pid, community, int(pol.behaviour.entry_age[t]) * 12, t,
                                rng.ENTRANT)
                self.next_pid += 1
                if slot == len(self.slots):
                    self.slots.append(person)
                else:
                    self.slots[slot] = person
                self.records.entries[t, community.index] += 1
            community.entrants_left = 0

    def record_month(self, t: int, cal: int) -> None:
        """Phase 10: this month's stocks (the flows were counted as they happened); households and
        communities (income at home, prevalence, businesses, returnees' earnings, unemployed, debt); the
        skilled at home (ethical-recruitment cap) and the agencies' prospects of each legal channel and
        destination."""
        rec = self.records
        b = self.policy.behaviour
        D = len(self.scenario.destinations)
        pool = {}  # (origin, channel, destination) -> persons registered
        asset_yield = b.remittance_yield[t] / 12.0
        for origin in self.origins:
            origin.skilled_home = 0.0
        for community in self.communities:
            community.residents = community.experienced = community.abroad = 0.0
            community.businesses = community.at_home = 0.0
            rec.household_income[t, community.index] += rec.remittances[t, community.index]
        for person in self.persons():
            o = person.origin
            community = person.community
            c = community.index
            abroad = person.abroad
            rec.stock[t, person.status, o, person.destination if abroad else D] += 1
            community.residents += 1.0
            rec.residents[t, c] += 1
            rec.household_income[t, c] += asset_yield * person.assets
            rec.migration_debt[t, c] += person.debt
            if abroad:
                community.abroad += 1.0
            else:
                community.at_home += 1.0
                earnings = person.home_earnings(t)
                rec.household_income[t, c] += earnings
                if person.flags & F_BUSINESS:
                    community.businesses += 1.0
                    rec.businesses_alive[t, c] += 1
                if person.status == RETURNEE:
                    rec.returnee_earnings[t, c] += earnings
                    rec.returnee_earnings_base[t, c] += community.home_income
            if person.flags & F_EVER_MIGRATED:
                community.experienced += 1.0
                rec.experienced[t, c] += 1
                rec.ever_migrants[t, o] += 1
                rec.legal_trips[t, o] += person.trips
                if person.trips >= 2:
                    rec.circular_migrants[t, o] += 1
            if person.skill == HIGH_SKILL:
                if abroad:
                    rec.skilled_abroad[t, o] += 1
                else:
                    rec.skilled_home[t, o] += 1
                    self.origins[o].skilled_home += 1.0
            k = person.channel
            if person.at_home_free and k >= 0 and k != CH_IRREGULAR:
                rec.pool_size[t, o, k] += 1
                key = (o, k, person.destination % D)  # (a destination of -1 counts as the last, as in the engine)
                pool[key] = pool.get(key, 0.0) + 1.0
        for community in self.communities:
            rec.business_jobs[t, community.index] += b.business_jobs[t] * community.businesses
            rec.unemployed[t, community.index] += community.unemployment * community.at_home
        # prospect: offers asked of the agency over the last year per person registered now
        for origin in self.origins:
            for k in LEGAL_CHANNELS:
                for d in range(D):
                    if t < 12:
                        origin.prospect[k][d] = 1.0
                    else:
                        yearly = 0.0
                        for asked in origin.intended[k][d]:
                            yearly += asked
                        origin.prospect[k][d] = min(1.0, yearly / max(pool.get((origin.index, k, d), 0.0), 1.0))
