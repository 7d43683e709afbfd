"""circsim: agent-based simulation of circular migration under EU mobility partnerships.

Quick use::

    import circsim
    scenario = circsim.load_scenario("baseline", persons=5000, years=5)
    ds = circsim.run(scenario, seed=1)          # an xarray.Dataset
    sim = circsim.Simulation(scenario, seed=1)  # step by step: sim.step(), sim.dataset()
"""

from . import _cache  # noqa: F401  (first: Numba's cache directory)
from .api import compare_seeds, experiment, run, run_seeds
from .engine import Simulation
from .outputs import __version__, headline, summarise, write_netcdf
from .scenario import Scenario, ScenarioError, load_scenario


from .sensitivity import sensitivity  # noqa: E402  (function shadows its module on purpose)
from .sweep import sweep  # noqa: E402
from . import costs  # noqa: E402
from .discover import discover  # noqa: E402
from .optimise import optimise  # noqa: E402  (function shadows its module on purpose)
from .posterior import compare_posterior, load_posterior  # noqa: E402

__all__ = ["load_scenario", "run", "run_seeds", "compare_seeds", "compare_posterior", "load_posterior", "experiment", "sweep", "sensitivity", "optimise", "discover", "costs", "Simulation", "Scenario", "ScenarioError",
           "headline", "summarise", "write_netcdf", "__version__"]
