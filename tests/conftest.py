import datetime
import os
import random
import socket
import time
import urllib.request

import numpy as np
import pytest

import circsim

SEEDS = [11, 12, 13, 14, 15]


def pytest_addoption(parser):
    parser.addoption("--slow-sample", type=int, default=0, metavar="N",
                     help="run only N of the slow tests, drawn with --slow-seed (CI: a different sample each day)")
    parser.addoption("--slow-seed", default=None,
                     help="seed of the --slow-sample draw (default: today's UTC date, YYYY-MM-DD)")


def slow_seed(config) -> str:
    return config.getoption("--slow-seed") or datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def pytest_collection_modifyitems(config, items):
    """With ``--slow-sample N``: keep N of the slow tests (a seeded draw, the same all day), drop the other slow ones."""
    n = config.getoption("--slow-sample")
    if n <= 0:
        return
    slow = [item.nodeid for item in items if item.get_closest_marker("slow")]
    keep = set(random.Random(slow_seed(config)).sample(sorted(slow), min(n, len(slow))))
    dropped = [item for item in items if item.get_closest_marker("slow") and item.nodeid not in keep]
    items[:] = [item for item in items if item not in dropped]
    config.hook.pytest_deselected(items=dropped)


def pytest_report_header(config):
    n = config.getoption("--slow-sample")
    return f"slow sample: {n} slow tests drawn with seed {slow_seed(config)}" if n > 0 else None


@pytest.fixture(scope="session")
def small():
    """A small, quick world: the baseline with 4,000 agents over 6 recorded years."""
    return circsim.load_scenario("baseline", persons=4000, years=6, burn_in_years=2)


@pytest.fixture(scope="session")
def medium():
    """Big enough for effects to show over a few seeds: 20,000 agents, 10 years."""
    return circsim.load_scenario("baseline", persons=20000, years=10, burn_in_years=3)


#: (scenario, source, seed) -> dataset: the runs of this test session, see ``run``
_RUNS: dict = {}


def run(scenario, seed):
    """``circsim.run(scenario, seed)``, computed once a session and shared by the tests that need it.

    A run is a pure function of its scenario and seed (tests/test_determinism.py checks that with
    ``circsim.run`` itself), so a shared run checks the same thing as a fresh one. The datasets are
    shared: their arrays are read-only, so a test that writes into one fails instead of changing
    another test's run.
    """
    key = (scenario.to_json(), scenario.source, seed)
    if key not in _RUNS:
        ds = circsim.run(scenario, seed)
        for var in ds.data_vars.values():
            var.values.flags.writeable = False
        _RUNS[key] = ds
    return _RUNS[key]


def headlines(scenario, seeds=SEEDS):
    """Headline indicators of one run per seed, as a dict of arrays."""
    rows = [circsim.headline(run(scenario, seed)) for seed in seeds]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


# --- a local web server for the browser tests (test_browser.py, test_lab.py) -------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, stop, what: str, seconds: float = 300) -> None:
    """Wait until ``url`` answers 200; otherwise call ``stop()`` and fail the test naming ``what``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.5)
    stop()
    pytest.fail(f"{what} did not start")
