"""The engine against the reference model: identical records, bit for bit.

The reference (``circsim.reference``) runs the same monthly schedule in plain Python, one Mesa
agent per person, with the same formulas (``circsim.rules``) and the same counter-based draws
(``circsim.rng``). Over scenarios that switch on every channel and instrument, both must give
identical record arrays every month, identical xarray Datasets and identical person states.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import xarray as xr

import circsim
from circsim import rng
from circsim.reference import Employer, Person, ReferenceModel
from circsim.state import EXITED, PERSON_FIELDS

#: Small worlds with plenty of movement: 2,000 agents for 100,000 people (scale 50).
SMALL = dict(persons=2000, years=6, burn_in_years=1, population=100_000.0)

TIMELINE = """
extends = "baseline"
name = "partnership_2010"
[[timeline]]
at = "2010-01"
origins.Senegal.readmission_cooperation = 0.9
origins.Senegal.return_bonus = 1500.0
corridors.Senegal.Spain.seasonal_permit_years = 3
corridors.Senegal.Spain.consular_capacity = 50.0
destinations.Spain.detection_rate = 0.05
behaviour.asc_irregular = -1.0
[[timeline]]
at = "2011-07"
"corridors.*.Italy.quota_seasonal" = 0.0
"""

#: name -> (scenario, overrides, records that must be non-zero so the variant tests what it claims)
VARIANTS = {
    "baseline": ("baseline", {}, ["renewals", "filled_rehire", "filled_irregular", "businesses_started",
                                  "seasonal_came_back", "overstays"]),
    "seasonal_multiannual": ("seasonal_multiannual", {}, ["filled_rehire", "seasonal_repeat"]),
    "enforcement_and_return": ("baseline", dict(readmission_cooperation=0.9, detection_rate=0.05, asc_irregular=1.0,
                                                border_control=0.4, return_capacity=50.0, reintegration_support=0.8,
                                                return_bonus=2000.0),
                               ["returns_enforced", "interceptions", "businesses_started", "filled_irregular"]),
    "queues_and_quota": ("baseline", {"consular_capacity": 100.0, "offer_validity_months": 1,
                                      "corridors.Senegal.Spain.quota_seasonal": 0.0, "start": "2009-05"},
                         ["lost_offers", "queue_length", "refusals"]),
    "timeline": ("TIMELINE", {}, ["returns_enforced", "lost_offers"]),
}


@pytest.fixture(scope="module")
def timeline_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "partnership_2010.toml"
    path.write_text(TIMELINE)
    return path


def variant(name: str, timeline_path) -> circsim.Scenario:
    scenario, overrides, _ = VARIANTS[name]
    return circsim.load_scenario(timeline_path if scenario == "TIMELINE" else scenario, **{**SMALL, **overrides})


def first_difference(a, b) -> tuple[int, str] | None:
    """(month, record name) of the first record that differs between two runs, or None."""
    for t in range(a.records.stock.shape[0]):
        for name in a.records._fields:
            if not np.array_equal(getattr(a.records, name)[t], getattr(b.records, name)[t]):
                return t, name
    return None


def person_table(ref: ReferenceModel) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The reference's live persons as the engine's arrays: (slots, field -> values)."""
    live = [person for person in ref.slots if person is not None]

    def value(person, name):
        v = getattr(person, name)
        if name in ("employer", "last_employer"):
            return -1 if v is None else v.index
        return v.index if name == "community" else v

    fields = {name: np.array([value(p, name) for p in live], dtype=dtype) for name, dtype in PERSON_FIELDS.items()}
    return np.array([p.slot for p in live]), fields


def assert_same_state(sim: circsim.Simulation, ref: ReferenceModel) -> None:
    slots = np.flatnonzero(sim.persons.status != EXITED)
    ref_slots, fields = person_table(ref)
    assert np.array_equal(slots, ref_slots), "persons occupy different slots"
    for name, values in fields.items():
        assert np.array_equal(getattr(sim.persons, name)[slots], values), f"person field {name} differs"
    for name in ("demand", "workers", "offers", "irregular_ok"):
        assert np.array_equal(getattr(sim.employers, name), [getattr(e, name) for e in ref.employers]), name


@pytest.mark.parametrize("name", list(VARIANTS))
def test_engine_and_reference_give_identical_records(name, timeline_path):
    scenario = variant(name, timeline_path)
    for seed in (1, 2):
        sim = circsim.Simulation(scenario, seed)
        sim.run()
        ref = ReferenceModel(scenario, seed)
        ref.run()
        assert first_difference(sim, ref) is None, f"{name}, seed {seed}: first difference (month, record) {first_difference(sim, ref)}"
        assert_same_state(sim, ref)
    for record in VARIANTS[name][2]:
        assert getattr(sim.records, record).sum() > 0, f"{name} does not exercise {record}"


def test_datasets_are_identical(small_world):
    sim, ref = small_world
    a, b = sim.dataset(), ref.dataset()
    assert a.attrs == b.attrs
    xr.testing.assert_identical(a, b)


def test_quota_zero_closes_its_corridor(timeline_path):
    sim = circsim.Simulation(variant("queues_and_quota", timeline_path), 1)
    sim.run()
    s = sim.scenario
    o, d = s.origins.index("Senegal"), s.destinations.index("Spain")
    assert sim.records.departures[:, 0, o, d].sum() == 0
    assert sim.records.departures[:, 0].sum() > 0


@pytest.fixture(scope="module")
def small_world():
    """Engine and reference run over two years of the baseline with the same seed."""
    scenario = circsim.load_scenario("baseline", **{**SMALL, "years": 2})
    sim, ref = circsim.Simulation(scenario, 5), ReferenceModel(scenario, 5)
    sim.run()
    ref.run()
    return sim, ref


def test_reference_is_a_mesa_model_of_agents(small_world):
    sim, ref = small_world
    assert not ref.running and ref.steps == ref.scenario.total_months == ref.t
    assert len(ref.agents_by_type[Person]) == sim.alive
    assert len(ref.agents_by_type[Employer]) == len(sim.employers.market)
    assert ref.step() is None and ref.t == ref.scenario.total_months  # nothing more to run


def test_injected_bug_is_caught(monkeypatch, small_world):
    """Flip the return decision at the end of a stay (< to >=): the records must differ."""
    sim, _ = small_world

    def flipped(self, person, t, p_return):
        return person.draw(rng.END_OF_STAY, t) >= p_return

    monkeypatch.setattr(ReferenceModel, "returns_at_end_of_stay", flipped)
    ref = ReferenceModel(sim.scenario, sim.seed)
    ref.run()
    difference = first_difference(sim, ref)
    assert difference is not None
    month = difference[0]
    assert not np.array_equal(sim.records.overstays[month], ref.records.overstays[month])
    assert ref.records.overstays.sum() > sim.records.overstays.sum()


# --- slot growth: new entrants beyond the initial slots -----------------------------------

GROWING = dict(persons=600, years=3, burn_in_years=0, population=30_000.0, entry_rate=0.2)


def test_entrants_beyond_the_initial_slots_fill_the_same_slots():
    """A growing population: the engine grows its arrays; the reference appends slots in the same order."""
    scenario = circsim.load_scenario("baseline", **GROWING)
    sim, ref = circsim.Simulation(scenario, 3), ReferenceModel(scenario, 3)
    capacity = len(sim.persons.status)
    sim.run()
    ref.run()
    assert len(sim.persons.status) > capacity  # the arrays grew
    assert first_difference(sim, ref) is None
    assert_same_state(sim, ref)


# --- many random scenarios (slow) ----------------------------------------------------------

RANDOM_LEVERS = {
    "asc_irregular": lambda r: r.uniform(-3, 2), "readmission_cooperation": lambda r: r.uniform(0, 1),
    "detection_rate": lambda r: r.uniform(0, 0.1), "reintegration_support": lambda r: r.uniform(0, 1),
    "return_bonus": lambda r: r.uniform(0, 5000), "consular_capacity": lambda r: r.uniform(0, 3000),
    "offer_validity_months": lambda r: r.randint(1, 4), "seasonal_permit_years": lambda r: r.randint(1, 5),
    "rehire_priority": lambda r: r.uniform(0, 1), "matching_efficiency": lambda r: r.uniform(0.1, 1),
    "return_capacity": lambda r: r.uniform(0, 500), "border_control": lambda r: r.uniform(0, 0.8),
    "selection_female_only": lambda r: r.randint(0, 1), "selection_age_max": lambda r: r.randint(30, 60),
    "pool_expiry_months": lambda r: r.randint(1, 30), "season_months": lambda r: r.randint(1, 11),
    "recruitment_lead": lambda r: r.randint(1, 11), "season_start": lambda r: r.randint(1, 12),
    "seasonal_max_months": lambda r: r.randint(1, 12), "compliance": lambda r: r.uniform(0, 1),
    "renewal_probability": lambda r: r.uniform(0, 1), "temporary_permit_months": lambda r: r.randint(1, 24),
    "ban_years": lambda r: r.randint(0, 5), "home_wage_growth": lambda r: r.uniform(-0.1, 0.2),
    "refusal_rate": lambda r: r.uniform(0, 0.5), "irregular_employment": lambda r: r.uniform(0, 1),
    "consider_hazard": lambda r: r.uniform(0.005, 0.05), "community_preference": lambda r: r.uniform(0, 0.9),
    "quota_seasonal": lambda r: r.choice([0.0, 500.0, 5000.0, 1e7]), "home_spending": lambda r: r.uniform(0, 0.2),
    "quota_temporary": lambda r: r.choice([0.0, 300.0, 1e7]), "business_hazard": lambda r: r.uniform(0, 0.1),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", range(40))
def test_random_scenarios_identical(case):
    r = random.Random(case)
    overrides = dict(persons=r.choice([1000, 3000, 8000]), years=r.choice([3, 5]), burn_in_years=r.choice([0, 1, 2]),
                     population=r.choice([30_000.0, 100_000.0, 300_000.0]), start=r.choice(["2008-01", "2009-05", "2010-11"]))
    for lever in r.sample(sorted(RANDOM_LEVERS), r.randint(4, 14)):
        overrides[lever] = RANDOM_LEVERS[lever](r)
    scenario = circsim.load_scenario(r.choice(["baseline", "seasonal_multiannual"]), **overrides)
    seed = r.randint(0, 10**6)
    sim, ref = circsim.Simulation(scenario, seed), ReferenceModel(scenario, seed)
    sim.run()
    ref.run()
    assert first_difference(sim, ref) is None, overrides
    assert_same_state(sim, ref)
