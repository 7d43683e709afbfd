"""The reference model: the engine's monthly schedule as plain Mesa agents, one object per person.

It is the executable specification of the rules and the engine's correctness oracle: it computes
the behavioural formulas itself (:mod:`circsim.reference.formulas`, independent of the engine's
:mod:`circsim.rules`) and draws from the same counter-based
generator (:mod:`circsim.rng`) keyed by (seed, stream, month, person id), visits persons in the
engine's slot order, and fills the same record arrays, so that ``ReferenceModel(s, seed)`` and
``Simulation(s, seed)`` give identical records. It is slow (pure Python): use small worlds.

    from circsim.reference import ReferenceModel
    ref = ReferenceModel("baseline", seed=1, persons=1000, years=3, burn_in_years=1)
    ds = ref.run()
"""

from .agents import Community, Employer, Person
from .model import SCHEDULE, ReferenceModel
from .world import Market, Origin

__all__ = ["ReferenceModel", "Person", "Employer", "Community", "Market", "Origin", "SCHEDULE"]
