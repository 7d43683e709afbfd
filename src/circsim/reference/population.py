"""Phases 9 and 10 of the reference schedule: demography and the month's records."""

from __future__ import annotations

from .. import rng
from ..state import CH_SEASONAL, CH_TEMPORARY, F_EVER_MIGRATED
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
        """Phase 10: this month's stocks (the flows were counted as they happened); the agencies' prospects."""
        rec = self.records
        none = len(self.scenario.destinations)
        for person in self.persons():
            o = person.origin
            abroad = person.abroad
            rec.stock[t, person.status, o, person.destination if abroad else none] += 1
            if person.flags & F_EVER_MIGRATED:
                rec.ever_migrants[t, o] += 1
                rec.legal_trips[t, o] += person.trips
                if person.trips >= 2:
                    rec.circular_migrants[t, o] += 1
            if person.skill == 2:
                if abroad:
                    rec.skilled_abroad[t, o] += 1
                else:
                    rec.skilled_home[t, o] += 1
            if person.at_home_free and person.channel in (CH_SEASONAL, CH_TEMPORARY):
                rec.pool_size[t, o, person.channel] += 1
        # prospect of a legal channel: offers asked of the agency over the last year / pool now
        for origin in self.origins:
            for k in (CH_SEASONAL, CH_TEMPORARY):
                if t < 12:
                    origin.prospect[k] = 1.0
                else:
                    yearly = 0.0
                    for asked in origin.intended[k]:
                        yearly += asked
                    origin.prospect[k] = min(1.0, yearly / max(rec.pool_size[t, origin.index, k], 1.0))
