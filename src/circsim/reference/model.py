"""The reference model: the engine's monthly schedule in plain Python, one object per agent."""

from __future__ import annotations

from collections.abc import Iterator

import mesa

from ..records_spec import allocate, dim_sizes
from ..scenario import Scenario, load_scenario
from ..scenario.pack import pack
from .abroad import AbroadPhases
from .agents import Person
from .applications import ApplicationsPhase
from .conditions import ConditionsPhase
from .departures import DeparturesPhase
from .population import PopulationPhases
from .recruitment import RecruitmentPhase
from .returns import ReturnPhases
from .world import build, place_stocks

#: The monthly schedule: the engine's ``SCHEDULE`` (its phase "records" is ``record_month`` here,
#: because ``records`` holds the record arrays, as in ``Simulation``).
SCHEDULE = ("conditions", "recruitment", "applications", "consulates", "departures", "life_abroad",
            "end_of_stay", "enforcement", "returns", "family", "demography", "record_month")


class ReferenceModel(ConditionsPhase, RecruitmentPhase, ApplicationsPhase, DeparturesPhase, AbroadPhases, ReturnPhases,
                     PopulationPhases, mesa.Model):
    """The executable specification of the monthly rules, and the correctness oracle of the engine.

    ``scenario``: a Scenario, a bundled name or a path; ``overrides`` as for
    :func:`circsim.load_scenario`. ``seed``: the integer seed of the counter-based generator
    (the same seed as ``Simulation(scenario, seed)`` gives the same records, bit for bit).
    Each ``step()`` runs one month from the first burn-in month on; ``running`` turns False at
    the end of the scenario. Attributes as :class:`circsim.Simulation`: ``scenario``, ``seed``,
    ``t`` (months run), ``records`` (the record arrays); ``slots`` is the list of persons by
    the slot the engine keeps them at (``None``: a free slot).

    Order matters where persons compete (consular capacity, return capacity, employers with
    room), so phases visit persons in slot order (:meth:`persons`), not in Mesa's AgentSet
    order: entrants fill freed slots lowest first, as in the engine, and only then new ones.
    """

    def __init__(self, scenario: Scenario | str = "baseline", seed: int = 0, **overrides):
        super().__init__(rng=int(seed))
        if isinstance(scenario, Scenario):
            self.scenario = scenario.replace(**overrides) if overrides else scenario
        else:
            self.scenario = load_scenario(scenario, **overrides)
        s = self.scenario
        self.seed = int(seed)
        self.scale = s.scale
        self.policy = pack(s)
        sizes = dim_sizes(len(s.origins), len(s.destinations), len(s.communities), len(s.markets))
        self.records = allocate(s.total_months, sizes)
        self.dest_wage: list[float] = []
        self.irregular_at_work = [0.0] * len(s.destinations)  # share of irregular persons at work, last month
        self.t = 0
        build(self)

    def persons(self) -> Iterator[Person]:
        """The persons of the working-age population, in slot order."""
        return (person for person in self.slots if person is not None)

    def step(self) -> None:
        """Run one month: the ten phases in order, then the records."""
        if self.t >= self.scenario.total_months:
            self.running = False
            return
        cal = (self.scenario.start_index + self.t) % 12
        if self.t == self.scenario.burn_in_months:
            place_stocks(self, self.t)  # the settled and irregular diaspora when recording starts
        for phase in SCHEDULE:
            getattr(self, phase)(self.t, cal)
        self.t += 1
        self.running = self.t < self.scenario.total_months

    def run(self, months: int | None = None):
        """Run ``months`` months (default: to the end); returns the Dataset of the months run."""
        end = self.scenario.total_months if months is None else min(self.t + months, self.scenario.total_months)
        while self.t < end:
            self.step()
        return self.dataset()

    def dataset(self):
        """The records as the engine's ``xarray.Dataset`` (same code path: ``outputs.to_dataset``)."""
        from ..outputs import to_dataset

        return to_dataset(self)
