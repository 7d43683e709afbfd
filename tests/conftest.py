import os

import numpy as np
import pytest

import circsim

SEEDS = [11, 12, 13, 14, 15]


@pytest.fixture(scope="session")
def small():
    """A small, quick world: the baseline with 4,000 agents over 6 recorded years."""
    return circsim.load_scenario("baseline", persons=4000, years=6, burn_in_years=2)


@pytest.fixture(scope="session")
def medium():
    """Big enough for effects to show over a few seeds: 20,000 agents, 10 years."""
    return circsim.load_scenario("baseline", persons=20000, years=10, burn_in_years=3)


def headlines(scenario, seeds=SEEDS):
    """Headline indicators of one run per seed, as a dict of arrays."""
    rows = [circsim.headline(circsim.run(scenario, seed)) for seed in seeds]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}
