"""The engine against the reference model: identical records, bit for bit.

The reference (``circsim.reference``) runs the same monthly schedule in plain Python, one Mesa
agent per person, with its own implementation of the formulas (``circsim.reference.formulas``, not
the engine's ``circsim.rules``) and the same counter-based draws (``circsim.rng``). Over scenarios that switch on every channel and instrument, both must give
identical record arrays every month, identical xarray Datasets and identical person states.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import xarray as xr

import circsim
from circsim import rng
from circsim.reference import Employer, Person, ReferenceModel, formulas
from circsim.state import CHANNEL_NAMES, EXITED, PERSON_FIELDS, REASON_NAMES, STATUS_NAMES

#: Small worlds with plenty of movement: 2,000 agents for 100,000 people (scale 50).
SMALL = dict(persons=2000, years=6, burn_in_years=1, population=100_000.0)
#: Scale 25: the small skilled, student, research and training markets have a few agents each.
SKILLED = dict(population=50_000.0, asc_student=6.0, study_months=12, researcher_mobility=0.05)

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

#: all_instruments with a shorter road to free labour-market access (its own timeline says 4 years)
ALL_INSTRUMENTS = """
extends = "all_instruments"
name = "all_instruments_small"
[[timeline]]
at = "2010-03"
"corridors.*.*.free_access_years" = 1
"""

#: brain_drain_measures with the ethical-recruitment cap lifted again from February 2010 (its
#: allowance is set each January, so only 2010 stays capped)
NO_CAP = """
extends = "brain_drain_measures"
name = "brain_drain_measures_no_cap"
[[timeline]]
at = "2010-02"
"origins.*.ethical_recruitment_cap" = 1.0
"""

#: name -> (scenario, overrides, what must fire so the variant tests what it claims): a record
#: name, or "record:label" for one channel (departures, applications, approvals) or reason (returns)
VARIANTS = {
    "baseline": ("baseline", SKILLED,
                 ["renewals", "filled_rehire", "filled_irregular", "businesses_started", "overstays", "ltr_granted",
                  "departures:seasonal", "departures:temporary", "departures:highly_skilled", "departures:student",
                  "departures:researcher", "departures:trainee", "graduate_jobs", "intra_eu_moves",
                  "returns_highly_skilled", "returns_skilled"]),
    "seasonal_multiannual": ("seasonal_multiannual", {}, ["filled_rehire", "seasonal_repeat", "seasonal_came_back"]),
    "settled_circularity": ("settled_circularity", dict(ltr_years=1, renewal_probability=0.95),
                            ["ltr_granted", "returns:circular_stay", "ltr_comebacks", "ltr_status_lost",
                             "stock:long_term_away"]),
    "readmission": ("readmission", dict(detection_rate=0.05, asc_irregular=0.0, return_capacity=500.0),
                    ["returns_enforced", "detections", "departures:irregular", "filled_irregular", "held_for_removal",
                     "no_travel_document", "decision_departures"]),
    "mobility_partnership": ("mobility_partnership", {**SKILLED, "consular_capacity": 150.0, "asc_irregular": -1.0},
                             ["trained", "short_stays", "filled_rehire", "queue_length", "interceptions",
                              "approvals:student", "approvals:trainee", "approvals:seasonal"]),
    "brain_drain_measures": ("brain_drain_measures", {**SKILLED, "ltr_years": 3},
                             ["skill_upgrades", "facilitated_readmissions", "returns_skilled", "returns_highly_skilled"]),
    "visa_facilitation": ("visa_facilitation", {**SKILLED, "consular_capacity": 40.0},
                          ["short_stays", "queue_length", "lost_offers", "approvals:student", "refusals"]),
    "all_instruments": ("ALL_INSTRUMENTS", {**SKILLED, "ltr_years": 2, "asc_irregular": 0.0,
                                            "regularisation_employment": 0, "regularisation_min_months": 6,
                                            "renewal_probability": 0.0},  # renewals only by free access
                        ["regularisations", "interceptions", "trained", "short_stays", "skill_upgrades",
                         "facilitated_readmissions", "renewals", "ltr_granted", "returns:circular_stay",
                         "intra_eu_moves", "graduate_jobs"]),
    "enforcement_and_return": ("baseline", dict(readmission_cooperation=0.9, detection_rate=0.05, asc_irregular=1.0,
                                                border_control=0.4, return_capacity=50.0, reintegration_support=0.8,
                                                return_bonus=2000.0),
                               ["returns_enforced", "interceptions", "businesses_started", "filled_irregular"]),
    "queues_and_quota": ("baseline", {"consular_capacity": 100.0, "offer_validity_months": 1,
                                      "corridors.Senegal.Spain.quota_seasonal": 0.0, "start": "2009-05"},
                         ["lost_offers", "queue_length", "refusals"]),
    "timeline": ("TIMELINE", {}, ["returns_enforced", "lost_offers"]),
    # employers: withdrawal and over-requesting, cost-responsive demand, inspections and sanctions
    "employers": ("baseline", dict(inspection_rate=0.4, employer_fine=2000.0, deterrence=0.3, compliance=0.3,
                                   asc_irregular=0.0, departure_intercept=-0.5, recruitment_cost=400.0,
                                   work_permit_fee=300.0, seasonal_permit_years=2, return_intercept=0.0,
                                   employer_wage_sd=0.3, loyalty_intercept=0.5, experience_weight=8.0,
                                   shortage_response=0.8),
                  ["irregular_employed", "rehire_declined", "withdrawals", "requests", "inspections", "sanctions", "irregular_found", "fines", "noncompliant",
                   "employer_changes", "returner_departures", "filled_irregular", "overstays", "reassigned",
                   "domestic_hired"]),
    # family reunification: sponsors abroad, family members joining from home, family permits renewed without a job
    "family": ("baseline", dict(reunification_hazard=0.05, reunification_min_years=0.5, family_renewal_probability=0.6,
                                family_age_min=20.0, reintegration_support=0.7, reintegration_value=4000.0),
               ["family_reunified", "renewals", "returns:end_of_permit", "returns:voluntary"]),
    # continuous regularisation (arraigo) with a short minimum, so that it fires in a short run
    "arraigo": ("baseline", dict(arraigo_min_months=6, arraigo_rate=0.9, asc_irregular=1.0, detection_rate=0.02),
                ["regularisations", "detections"]),
    # the declared constants away from their defaults: both models must read them the same way
    "constants": ("brain_drain_measures", {**SKILLED, "employer_size_sd": 1.5, "employer_trait_sd": 0.3,
                                           "savings_target_sd": 1.0, "skills_transfer_hc": 1.01,
                                           "came_back_min_months": 6, "came_back_max_months": 30},
                  ["skill_upgrades", "seasonal_came_back", "filled_rehire", "returns_skilled"]),
}


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    files = {}
    for key, text in (("TIMELINE", TIMELINE), ("ALL_INSTRUMENTS", ALL_INSTRUMENTS), ("NO_CAP", NO_CAP)):
        files[key] = folder / f"reference_{key.lower()}.toml"
        files[key].write_text(text)
    return files


def variant(name: str, scenario_files) -> circsim.Scenario:
    scenario, overrides, _ = VARIANTS[name]
    return circsim.load_scenario(scenario_files.get(scenario, scenario), **{**SMALL, **overrides})


def fired(records, what: str) -> float:
    """How often ``what`` (a record name, or "record:channel/reason/status label") happened in a run."""
    name, _, label = what.partition(":")
    values = getattr(records, name)
    if label:
        names = {"returns": REASON_NAMES, "stock": STATUS_NAMES}.get(name, CHANNEL_NAMES)
        values = values[:, names.index(label)]
    return float(values.sum())


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
def test_engine_and_reference_give_identical_records(name, scenario_files):
    scenario = variant(name, scenario_files)
    counts = dict.fromkeys(VARIANTS[name][2], 0.0)
    for seed in (1, 2):
        sim = circsim.Simulation(scenario, seed)
        sim.run()
        ref = ReferenceModel(scenario, seed)
        ref.run()
        assert first_difference(sim, ref) is None, f"{name}, seed {seed}: first difference (month, record) {first_difference(sim, ref)}"
        assert_same_state(sim, ref)
        for what in counts:
            counts[what] += fired(sim.records, what)
    assert all(counts.values()), f"{name} does not exercise {[what for what, n in counts.items() if n == 0]}"


def test_ethical_recruitment_cap_binds(scenario_files):
    """brain_drain_measures caps skilled recruitment: fewer skilled offers than with the cap lifted after 2010."""
    _, overrides, _ = VARIANTS["brain_drain_measures"]
    capped = circsim.Simulation(variant("brain_drain_measures", scenario_files), 1)
    free = circsim.Simulation(circsim.load_scenario(scenario_files["NO_CAP"], **{**SMALL, **overrides}), 1)
    capped.run()
    free.run()
    skilled = [CHANNEL_NAMES.index("highly_skilled"), CHANNEL_NAMES.index("researcher")]
    assert capped.records.applications[:, skilled].sum() < free.records.applications[:, skilled].sum()


def test_datasets_are_identical(small_world):
    sim, ref = small_world
    a, b = sim.dataset(), ref.dataset()
    assert a.attrs == b.attrs
    xr.testing.assert_identical(a, b)


def test_quota_zero_closes_its_corridor(scenario_files):
    sim = circsim.Simulation(variant("queues_and_quota", scenario_files), 1)
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


def test_injected_formula_bug_is_caught(monkeypatch, small_world):
    """A wrong formula on one side only (the sign of the years-abroad term of the return probability,
    in the reference's own formulas): the records must differ. The engine's ``rules`` are checked
    against closed forms in tests/test_rules.py, which catches the same bug there."""
    sim, _ = small_world
    right = formulas.return_probability

    def wrong(*args):
        *head, b_years, years = args
        return right(*head, -b_years, years)

    monkeypatch.setattr(formulas, "return_probability", wrong)
    ref = ReferenceModel(sim.scenario, sim.seed)
    ref.run()
    assert first_difference(sim, ref) is not None


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
    # the policy menu: skilled, student, research and training channels; long-term residence
    "asc_highly_skilled": lambda r: r.uniform(-2, 3), "asc_student": lambda r: r.uniform(0, 8),
    "asc_researcher": lambda r: r.uniform(-2, 3), "asc_trainee": lambda r: r.uniform(-2, 3),
    "student_age_max": lambda r: r.randint(20, 40), "trainee_age_max": lambda r: r.randint(20, 45),
    "quota_highly_skilled": lambda r: r.choice([0.0, 50.0, 1e7]), "quota_student": lambda r: r.choice([0.0, 200.0, 1e7]),
    "quota_researcher": lambda r: r.choice([0.0, 20.0, 1e7]), "quota_trainee": lambda r: r.choice([0.0, 50.0, 1e7]),
    "hs_permit_months": lambda r: r.randint(6, 36), "study_months": lambda r: r.randint(6, 36),
    "research_months": lambda r: r.randint(6, 36), "training_months": lambda r: r.randint(3, 24),
    "graduate_job_rate": lambda r: r.uniform(0, 1), "graduate_search_rate": lambda r: r.uniform(0, 1),
    "graduate_search_months": lambda r: r.randint(1, 18), "researcher_mobility": lambda r: r.uniform(0, 0.3),
    "ltr_years": lambda r: r.randint(1, 5), "allowed_absence_months": lambda r: r.randint(1, 36),
    "ltr_circular_hazard": lambda r: r.uniform(0, 0.2), "circular_stay_months": lambda r: r.uniform(1, 30),
    "absence_overrun": lambda r: r.uniform(0, 1), "free_access_years": lambda r: r.randint(0, 3),
    # irregular route, information, training, brain drain, visas
    "risk_underestimation": lambda r: r.uniform(0, 1), "document_fraud_share": lambda r: r.uniform(0, 1),
    "smuggling_cost_effect": lambda r: r.uniform(0, 3), "smuggling_success_effect": lambda r: r.uniform(0, 1),
    "information_campaign": lambda r: r.uniform(0, 1), "legal_awareness": lambda r: r.uniform(0, 1),
    "travel_document_security": lambda r: r.uniform(0, 1), "anti_smuggling": lambda r: r.uniform(0, 1),
    "predeparture_training": lambda r: r.uniform(0, 1), "training_hc_gain": lambda r: r.uniform(0, 0.3),
    "training_rehire_gain": lambda r: r.uniform(0, 1), "labour_market_information": lambda r: r.uniform(0, 1),
    "lmi_match_gain": lambda r: r.uniform(0, 1), "ethical_recruitment_cap": lambda r: r.choice([0.0, 0.005, 0.05, 1.0]),
    "skilled_return_bonus": lambda r: r.uniform(0, 10000), "skills_transfer": lambda r: r.uniform(0, 1),
    "facilitated_readmission": lambda r: r.randint(0, 1), "voluntary_readmission": lambda r: r.uniform(0, 3),
    "regularisation": lambda r: r.randint(0, 1), "regularisation_min_months": lambda r: r.randint(0, 24),
    "regularisation_employment": lambda r: r.randint(0, 1), "consular_hours": lambda r: r.uniform(0, 3),
    "common_visa_centre": lambda r: r.randint(0, 1), "cvac_capacity_gain": lambda r: r.uniform(0, 2),
    "fee_exemption": lambda r: r.uniform(0, 1), "facilitation_agreement": lambda r: r.randint(0, 1),
    "multiple_entry_visa_years": lambda r: r.randint(0, 5), "short_stay_hazard": lambda r: r.uniform(0, 0.3),
    "short_stay_rehire_gain": lambda r: r.uniform(0, 1),
    # employers: withdrawal, demand response, inspections and sanctions
    "departure_intercept": lambda r: r.uniform(-2, 3), "labour_demand_elasticity": lambda r: r.uniform(0, 2),
    "recruitment_cost": lambda r: r.uniform(0, 3000), "work_permit_fee": lambda r: r.uniform(0, 1000),
    "inspection_rate": lambda r: r.uniform(0, 0.5), "employer_fine": lambda r: r.uniform(0, 20000),
    "exclusion_years": lambda r: r.randint(0, 5), "deterrence": lambda r: r.uniform(0, 1),
    "loyalty_intercept": lambda r: r.uniform(-1, 4), "employer_wage_sd": lambda r: r.uniform(0, 0.5),
    # the domestic and EU queue, ranking by experience, demand planned to past shortages
    "domestic_supply": lambda r: r.uniform(0, 20000), "reservation_wage": lambda r: r.uniform(300, 3000),
    "reservation_wage_scale": lambda r: r.uniform(0.2, 2), "experience_weight": lambda r: r.uniform(1, 10),
    "shortage_response": lambda r: r.uniform(0, 1),
    # the enforcement chain
    "removal_held_share": lambda r: r.uniform(0, 1), "passport_share": lambda r: r.uniform(0, 1),
    # family reunification; reintegration support's value
    "reunification_hazard": lambda r: r.uniform(0, 0.05), "reunification_min_years": lambda r: r.uniform(0, 3),
    "family_renewal_probability": lambda r: r.uniform(0, 1), "family_age_min": lambda r: r.uniform(16, 25),
    "reintegration_value": lambda r: r.uniform(0, 5000),
    "arraigo_min_months": lambda r: r.randint(0, 36), "arraigo_rate": lambda r: r.uniform(0, 1),
    "temporary_renewal_months": lambda r: r.randint(6, 36),
}

#: the scenarios a random case starts from (their timelines start within every random run)
RANDOM_SCENARIOS = ["baseline", "seasonal_multiannual", "readmission", "settled_circularity", "brain_drain_measures",
                    "visa_facilitation"]


@pytest.mark.slow
@pytest.mark.parametrize("case", range(40))
def test_random_scenarios_identical(case):
    r = random.Random(case)
    overrides = dict(persons=r.choice([1000, 3000, 8000]), years=r.choice([3, 5]), burn_in_years=r.choice([0, 1, 2]),
                     population=r.choice([30_000.0, 100_000.0, 300_000.0]), start=r.choice(["2008-01", "2009-05", "2010-11"]))
    for lever in r.sample(sorted(RANDOM_LEVERS), r.randint(6, 30)):
        overrides[lever] = RANDOM_LEVERS[lever](r)
    name = r.choice(RANDOM_SCENARIOS)
    if name != "baseline" and name != "seasonal_multiannual":
        overrides.update(start="2008-01", years=5, burn_in_years=max(overrides["burn_in_years"], 1))
    scenario = circsim.load_scenario(name, **overrides)
    seed = r.randint(0, 10**6)
    sim, ref = circsim.Simulation(scenario, seed), ReferenceModel(scenario, seed)
    sim.run()
    ref.run()
    assert first_difference(sim, ref) is None, (name, overrides)
    assert_same_state(sim, ref)
