"""Same seed, same result; thread count does not matter; common random numbers."""

import os
import subprocess
import sys

import numpy as np
import xarray as xr

import circsim
from circsim import rng
from conftest import run


def _equal(a: xr.Dataset, b: xr.Dataset) -> bool:
    return all(np.array_equal(a[k].values, b[k].values, equal_nan=True) for k in a.data_vars)


def test_same_seed_same_result_bit_for_bit(small):
    assert _equal(circsim.run(small, 21), circsim.run(small, 21))


def test_different_seeds_differ(small):
    assert not _equal(circsim.run(small, 21), circsim.run(small, 22))


SCRIPT = """
import hashlib, numpy as np, circsim
s = circsim.load_scenario("baseline", persons=4000, years=6, burn_in_years=2)
ds = circsim.run(s, 21)
h = hashlib.sha1()
for k in sorted(ds.data_vars):
    h.update(np.ascontiguousarray(ds[k].values).tobytes())
print(h.hexdigest())
"""


def test_thread_count_does_not_change_results():
    digests = []
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
        digests.append(out.stdout.strip())
    assert digests[0] == digests[1]


def test_draws_are_pure_functions_of_the_counter():
    a = rng.uniform(1, rng.CONSIDER, 17, 12345)
    assert a == rng.uniform(1, rng.CONSIDER, 17, 12345)
    assert a != rng.uniform(1, rng.CHANNEL, 17, 12345)
    assert a != rng.uniform(2, rng.CONSIDER, 17, 12345)
    u = np.array([rng.uniform(0, rng.CONSIDER, 0, i) for i in range(20000)])
    assert abs(u.mean() - 0.5) < 0.01 and 0 <= u.min() and u.max() < 1


def test_lever_used_later_leaves_earlier_months_identical(small):
    """The capital a business needs matters only once someone has returned: every draw before is shared."""
    # no one abroad at the start who could return in the first months
    base = small.replace(burn_in_years=0, diaspora_long_term=0.0, diaspora_irregular=0.0, voluntary_hazard=0.0)
    a = circsim.run(base, 31)
    b = circsim.run(base.replace(business_capital=200.0), 31)
    first = int(np.argmax(a.returns.sum(["reason", "origin", "destination"]).values > 0))
    assert first > 0
    for k in a.data_vars:
        if a[k].dims[:1] == ("time",):
            assert np.array_equal(a[k].isel(time=slice(0, first)).values,
                                  b[k].isel(time=slice(0, first)).values, equal_nan=True), k
    assert a.businesses_started.sum() < b.businesses_started.sum()  # the lever does act, later


def test_common_random_numbers_reduce_noise_of_comparisons(medium):
    """Paired (same-seed) differences between two scenarios vary far less than unpaired ones, for indicators
    whose seed-to-seed spread is large (measured 2026-11-28, 6 seeds: irregular stock 706 vs 1,402, shortage
    0.011 vs 0.036). Seasonal departures, capped by demand, spread little across seeds: there CRN gains
    nothing (253 vs 185), so they are not a test of it."""
    b = medium.replace(**{"corridors.*.*.seasonal_permit_years": 3})
    seeds = [1, 2, 3, 4, 5, 6]
    for key in ("irregular_stock_end", "shortage_rate"):
        ha = [circsim.headline(run(medium, s))[key] for s in seeds]
        hb = [circsim.headline(run(b, s))[key] for s in seeds]
        paired = np.std(np.subtract(hb, ha))
        unpaired = np.std(np.subtract(hb, np.roll(ha, 1)))
        assert paired < unpaired, key
