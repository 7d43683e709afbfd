"""Engine benchmarks for asv: throughput at 100k persons, a small run's time, memory.

* ``track_mpm_per_s_100k``: million person-months per second of ``Simulation.advance`` at
  100,000 persons, 1 burn-in + 5 years (persons alive, mean of start and end, x months /
  wall seconds);
* ``time_small_run``: seconds to build and run 20,000 persons for 1 burn-in + 2 years;
* ``peakmem_run_100k``: peak resident memory of a 100k-person run (asv's ``peakmem_``:
  bytes, interpreter and libraries included);
* ``track_state_bytes_per_person``: bytes of person state per slot (dtype sizes).

Every world keeps 100 real persons per agent. ``setup`` runs a tiny world first so kernel
loading (or compiling) is not timed.
"""

import time

import circsim
from circsim.state import bytes_per_person


def _world(persons, years):
    return circsim.load_scenario("baseline", persons=persons, population=100 * persons, years=years, burn_in_years=1)


def _warm_up():
    s = _world(2000, 1)
    circsim.Simulation(s, 0).advance(s.total_months)


class Engine:
    timeout = 600
    number = 1
    repeat = 3
    warmup_time = 0

    def setup(self):
        _warm_up()

    def track_mpm_per_s_100k(self):
        s = _world(100_000, 5)
        sim = circsim.Simulation(s, 1)
        alive0 = sim.alive
        start = time.perf_counter()
        sim.advance(s.total_months)
        return 0.5 * (alive0 + sim.alive) * s.total_months / (time.perf_counter() - start) / 1e6

    track_mpm_per_s_100k.unit = "M person-months/s"

    def time_small_run(self):
        s = _world(20_000, 2)
        circsim.Simulation(s, 1).advance(s.total_months)

    def peakmem_run_100k(self):
        s = _world(100_000, 5)
        circsim.Simulation(s, 1).advance(s.total_months)


def track_state_bytes_per_person():
    return bytes_per_person()


track_state_bytes_per_person.unit = "bytes"
