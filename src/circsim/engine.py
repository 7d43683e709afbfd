"""The simulation: state, the monthly schedule, records.

``Simulation(scenario, seed)`` builds the world and runs the ten phases of ``MODEL.md`` §4 in
order each month, all inside one compiled loop (``advance``). ``run()`` returns the
``xarray.Dataset`` of outputs.
"""

from __future__ import annotations

import warnings

import numpy as np
from numba import njit

from . import _cache  # noqa: F401  (sets Numba's cache directory first)
from . import diaspora
from .phases.abroad import life_abroad
from .phases.applications import applications
from .phases.conditions import conditions
from .phases.consulates import consulates
from .phases.demography import demography, place_entrants
from .phases.departures import departures
from .phases.end_of_stay import end_of_stay
from .phases.family import family
from .phases.enforcement import enforcement
from .phases.recruitment import recruitment
from .phases.records import records
from .phases.returns import returns
from .records_spec import allocate, dim_sizes
from .scenario import Scenario, load_scenario
from .scenario.pack import pack
from .state import EXITED, grow_persons
from .world import build_world, initial_employers, initial_persons, scratch

class ResolutionWarning(UserWarning):
    """A run with fewer agents than its scenario needs for results that do not depend on the agent count."""


#: The monthly schedule, in order (names as in docs/ODD.md).
SCHEDULE = ("conditions", "recruitment", "applications", "consulates", "departures", "life_abroad",
            "end_of_stay", "enforcement", "returns", "family", "demography", "records")


@njit(cache=True)
def advance(t0, t1, start_index, seed, scale, p, e, w, pol, s, rec):
    """Run months ``t0`` to ``t1 - 1``. Returns the first month not run (early if slots ran out)."""
    for t in range(t0, t1):
        cal = (start_index + t) % 12
        conditions(t, cal, seed, scale, p, e, w, pol, s, rec)
        recruitment(t, cal, seed, scale, p, e, w, pol, s, rec)
        applications(t, cal, seed, scale, p, e, w, pol, s, rec)
        consulates(t, cal, seed, scale, p, e, w, pol, s, rec)
        departures(t, cal, seed, scale, p, e, w, pol, s, rec)
        life_abroad(t, cal, seed, scale, p, e, w, pol, s, rec)
        end_of_stay(t, cal, seed, scale, p, e, w, pol, s, rec)
        enforcement(t, cal, seed, scale, p, e, w, pol, s, rec)
        returns(t, cal, seed, scale, p, e, w, pol, s, rec)
        family(t, cal, seed, scale, p, e, w, pol, s, rec)
        left = demography(t, cal, seed, scale, p, e, w, pol, s, rec)
        if left > 0:
            return t  # demography ran out of free slots: the caller grows the arrays and finishes t
        records(t, cal, seed, scale, p, e, w, pol, s, rec)
    return t1


@njit(cache=True)
def finish_month(t, cal, seed, scale, p, e, w, pol, s, rec):
    """Finish month ``t`` after the arrays were grown: place the remaining entrants, record."""
    left = place_entrants(t, seed, p, w, pol, s, rec)
    records(t, cal, seed, scale, p, e, w, pol, s, rec)
    return left


class Simulation:
    """One run of a scenario with one seed.

    ``scenario``: a :class:`~circsim.scenario.Scenario`, a bundled name or a path.
    ``seed``: any integer; the same seed gives the same result, bit for bit.
    Attributes: ``t`` (months run, burn-in included), ``persons``, ``employers`` (arrays).
    """

    def __init__(self, scenario: Scenario | str = "baseline", seed: int = 0):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        s = self.scenario
        if s.persons < s.data["resolution_persons"]:
            warnings.warn(f"{s.name}: {s.persons} agents is below the {s.data['resolution_persons']} at which this "
                          "scenario's indicators stop depending on the agent count (docs/VALIDATION.md); "
                          "results may differ from a finer run", ResolutionWarning, stacklevel=2)
        self.seed = int(seed)
        self.policy = pack(s)
        self.world = build_world(s)
        self.persons, n = initial_persons(s, self.policy, self.seed)
        self.initial_persons = n
        self.employers = initial_employers(s, self.policy, self.world, self.seed)
        diaspora.fill_markets(s, self.policy, self.world, self.persons, self.employers, n, self.seed)
        self.scratch = scratch(s, self.policy, self.world, self.employers, n, self.persons)
        sizes = dim_sizes(len(s.origins), len(s.destinations), len(s.communities), len(s.markets))
        self.records = allocate(s.total_months, sizes)
        self.t = 0
        self.stocks_placed = False

    @property
    def done(self) -> bool:
        return self.t >= self.scenario.total_months

    def _args(self):
        return (self.seed, self.scenario.scale, self.persons, self.employers, self.world, self.policy,
                self.scratch, self.records)

    def advance(self, months: int) -> None:
        """Run the next ``months`` months (fewer at the end of the run)."""
        end = min(self.t + months, self.scenario.total_months)
        start = self.scenario.start_index
        recording = self.scenario.burn_in_months
        while self.t < end:
            if self.t == recording and not self.stocks_placed:
                # the settled and irregular diaspora stands at the scenario's figures when recording starts
                diaspora.place_stocks(self.scenario, self.policy, self.world.comm_origin, self.persons, self.t,
                                      self.seed)
                self.stocks_placed = True
            stop = end if self.t >= recording else min(end, recording)
            reached = advance(self.t, stop, start, *self._args())
            if reached < stop:
                # demography ran out of free slots in month `reached`: grow, then finish that month
                self.persons = grow_persons(self.persons, len(self.persons.status) // 4 + 16)
                left = finish_month(reached, (start + reached) % 12, *self._args())
                assert left == 0, "entrants left without a slot after growing"
                reached += 1
            self.t = reached

    def step(self) -> None:
        """Run one month."""
        self.advance(1)

    def run(self, progress: bool = False):
        """Run to the end; returns the outputs as an ``xarray.Dataset``."""
        from .outputs import to_dataset

        remaining = self.scenario.total_months - self.t
        if progress:
            from tqdm.auto import tqdm

            with tqdm(total=remaining, unit="month", desc=self.scenario.name, leave=False) as bar:
                while not self.done:
                    before = self.t
                    self.advance(12)
                    bar.update(self.t - before)
        else:
            self.advance(remaining)
        return to_dataset(self)

    def dataset(self):
        """Outputs of the months run so far (recorded months only)."""
        from .outputs import to_dataset

        return to_dataset(self)

    @property
    def alive(self) -> int:
        """Persons in the working-age population now."""
        return int(np.count_nonzero(self.persons.status != EXITED))
