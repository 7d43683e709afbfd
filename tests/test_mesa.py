"""The Mesa front end: construction, stepping, DataCollector, batch_run, persons_frame, seeds."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import circsim
from circsim.mesa_model import REPORTERS, CircSimModel
from circsim.state import PERSON_FIELDS, STATUS_NAMES

#: 2,000 agents for 100,000 people, 2 recorded years after one year of burn-in.
SMALL = dict(persons=2000, years=2, burn_in_years=1, population=100_000.0)


@pytest.fixture(scope="module")
def scenario():
    return circsim.load_scenario("baseline", **SMALL)


@pytest.fixture(scope="module")
def model(scenario):
    """A model run 14 months past its burn-in."""
    m = CircSimModel(scenario, rng=3)
    for _ in range(14):
        m.step()
    return m


def test_overrides_reach_the_scenario_and_burn_in_is_run():
    m = CircSimModel("baseline", rng=1, readmission_cooperation=0.8, **SMALL)
    assert all(o["readmission_cooperation"] == 0.8 for o in m.scenario.data["origins"].values())
    assert m.scenario.persons == 2000
    assert m.simulation.t == m.scenario.burn_in_months == 12
    assert m.steps == 0 and m.running
    assert m.engine_seed == 1


def test_a_scenario_object_takes_overrides_too(scenario):
    m = CircSimModel(scenario, seed=2, border_control=0.5)
    assert all(o["border_control"] == 0.5 for o in m.scenario.data["origins"].values())
    assert m.engine_seed == 2


def test_step_is_one_month_and_step_one_is_the_first_recorded_month(scenario):
    m = CircSimModel(scenario, rng=3)
    m.step()
    assert m.steps == 1 and m.simulation.t == scenario.burn_in_months + 1
    frame = m.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(REPORTERS)
    assert list(frame["month"]) == ["2007-12", scenario.data["start"]]


def test_datacollector_matches_the_records(model):
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 15
    ds = model.dataset()
    assert ds.sizes["time"] == 14
    recorded = frame.iloc[1:].reset_index(drop=True)
    assert np.allclose(recorded["seasonal_abroad"], ds.stock.sel(status="seasonal").sum(["origin", "destination"]))
    assert np.allclose(recorded["irregular_entries"], ds.departures.sel(channel="irregular").sum(["origin", "destination"]))
    assert np.allclose(recorded["returns"], ds.returns.sum(["reason", "origin", "destination"]))
    assert np.allclose(recorded["remittances"], ds.remittances.sum("community"))
    assert frame["seasonal_departures"].sum() > 0 and frame["remittances"].min() > 0
    assert ((frame["circular_share"] >= 0) & (frame["circular_share"] <= 1)).all()


def test_engine_seed_gives_the_engine_run(scenario):
    m = CircSimModel(scenario, rng=7)
    while m.running:
        m.step()
    ds = circsim.run(scenario, 7)
    assert m.steps == scenario.months
    assert np.array_equal(m.dataset().stock.values, ds.stock.values)
    m.step()  # past the end: nothing happens
    assert m.steps == scenario.months + 1 and m.simulation.t == scenario.total_months


def test_same_seed_same_data_and_generator_seeds(scenario):
    def frame(**kw):
        m = CircSimModel(scenario, **kw)
        for _ in range(6):
            m.step()
        return m.datacollector.get_model_vars_dataframe(), m.persons_frame()

    a, b, c = frame(rng=11), frame(rng=11), frame(rng=12)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[1].equals(c[1])
    g1 = CircSimModel(scenario, rng=np.random.default_rng(5)).engine_seed
    assert g1 == CircSimModel(scenario, rng=np.random.default_rng(5)).engine_seed


def test_batch_run_returns_rows_of_parameters_and_reporters(scenario):
    rows = mesa.batch_run(CircSimModel, parameters={"scenario": scenario, "readmission_cooperation": [0.2, 0.9],
                                                    "rng": [1, 2]},
                          max_steps=5, number_processes=1, display_progress=False)
    assert isinstance(rows, list) and len(rows) == 4
    for row in rows:
        assert {"RunId", "iteration", "Step", "readmission_cooperation", "rng", *REPORTERS} <= set(row)
        assert row["Step"] == 5
    assert sorted((r["readmission_cooperation"], r["rng"]) for r in rows) == [(0.2, 1), (0.2, 2), (0.9, 1), (0.9, 2)]


def test_persons_frame_columns_and_filter(model):
    everyone = model.persons_frame()
    assert set(PERSON_FIELDS) | {"origin"} == set(everyone.columns)
    assert len(everyone) == model.simulation.alive
    assert "exited" not in set(everyone["status"])
    assert set(everyone["origin"]) == set(model.scenario.origins)
    seasonal = model.persons_frame("seasonal")
    assert len(seasonal) == (everyone["status"] == "seasonal").sum() > 0
    assert (seasonal["status"] == "seasonal").all() and seasonal["destination"].notna().all()
    two = model.persons_frame(["home", STATUS_NAMES.index("returnee")])
    assert set(two["status"]) <= {"home", "returnee"} and len(two) > 0
    at_home = everyone[everyone["status"] == "home"]
    # at home, only those registered in a legal channel's pool have a destination (the pool's)
    assert at_home["destination"].isna().eq(at_home["channel"].isna()).all()
    with pytest.raises(ValueError, match="unknown"):
        model.persons_frame("abroad")


@pytest.mark.filterwarnings("ignore::UserWarning")  # Mesa's own SolaraViz trips Solara's rules-of-hooks check
def test_solara_page_renders_and_its_parameters_build_a_model(scenario):
    solara = pytest.importorskip("solara")
    pytest.importorskip("networkx")  # mesa.visualization imports it
    from mesa.visualization.solara_viz import _check_model_params

    from circsim.mesa_model import PAGE_LEVERS, make_page

    page = make_page(scenario, rng=4)
    params = page.kwargs["model_params"]
    _check_model_params(CircSimModel.__init__, params)
    assert set(PAGE_LEVERS) <= set(params)
    solara.render(page, handle_error=False)
    # what the page's Reset does: the class called with the fixed values and the sliders' values
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    model = CircSimModel(**{**values, "seasonal_permit_years": 3})
    assert model.scenario.data["corridors"]["Senegal"]["Italy"]["seasonal_permit_years"] == 3
    model.step()
    assert len(model.datacollector.get_model_vars_dataframe()) == 2
