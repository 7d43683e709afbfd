"""The dataset: variables, dimensions, attributes, headline indicators, safe writing."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

import circsim
from circsim.cli import app
from circsim.outputs import HEADLINE, headline_by_year

REQUIRED = ["stock", "departures", "returns", "overstays", "applications", "approvals", "refusals",
            "queue_length", "mean_wait_months", "vacancies", "filled_rehire", "filled_new", "filled_irregular",
            "unfilled", "detections", "return_decisions", "returns_enforced", "remittances", "businesses_started",
            "entries", "exits", *HEADLINE]


@pytest.fixture(scope="module")
def ds(small):
    return circsim.run(small, 2)


def test_required_variables_dims_and_units(ds, small):
    for name in REQUIRED:
        assert name in ds, name
        assert "units" in ds[name].attrs and "description" in ds[name].attrs
    assert ds.stock.dims == ("time", "status", "origin", "destination")
    assert ds.departures.dims == ("time", "channel", "origin", "destination")
    assert ds.vacancies.dims == ("time", "destination", "sector")
    assert ds.sizes["time"] == small.months
    assert str(ds.time.values[0])[:7] == small.data["start"]


def test_attributes_explain_the_file(ds, small):
    assert json.loads(ds.attrs["scenario"]) == small.data
    assert ds.attrs["seed"] == 2 and ds.attrs["circsim_version"]


def test_headline_matches_its_definition(ds):
    h = circsim.headline(ds)
    assert h["overstay_rate"] == pytest.approx(float(ds.overstays.sum() / ds.stays_ended.sum()))
    assert 0 <= h["return_rate"] <= 1 and 0 <= h["repeat_participation"] <= 1
    assert h["return_rate"] + h["overstay_rate"] == pytest.approx(1.0)
    assert h["irregular_stock_end"] == float(ds.stock.sel(status="irregular").isel(time=-1).sum())


def test_netcdf_roundtrip(ds, tmp_path):
    path = circsim.write_netcdf(ds, tmp_path / "run.nc")
    back = xr.open_dataset(path, engine="h5netcdf")
    assert np.array_equal(back.stock.values, ds.stock.values)
    assert back.attrs["scenario"] == ds.attrs["scenario"]
    back.close()


def test_failed_write_leaves_the_old_file_and_no_temporary(ds, tmp_path):
    path = tmp_path / "run.nc"
    path.write_text("previous results")
    bad = ds.copy()
    bad.attrs["unwritable"] = {"a": object()}
    with pytest.raises(Exception):
        circsim.write_netcdf(bad, path)
    assert path.read_text() == "previous results"
    assert list(tmp_path.iterdir()) == [path]


def test_cli_run_writes_outputs(tmp_path):
    out, fig, csv = tmp_path / "r.nc", tmp_path / "r.png", tmp_path / "h.csv"
    result = CliRunner().invoke(app, ["run", "baseline", "--persons", "2000", "--years", "3", "--seeds", "2",
                                      "--out", str(out), "--figure", str(fig), "--summary", str(csv), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "overstay_rate" in result.output and "95 % interval" in result.output
    back = xr.open_dataset(out, engine="h5netcdf")
    assert back.sizes["seed"] == 2
    back.close()
    assert fig.stat().st_size > 10000 and csv.read_text().startswith("indicator")


def test_cli_params_json():
    result = CliRunner().invoke(app, ["params", "--json"])
    rows = json.loads(result.output)
    names = {r["name"] for r in rows}
    assert {"readmission_cooperation", "seasonal_permit_years", "consular_capacity"} <= names
    assert all({"default", "lo", "hi", "unit", "description"} <= set(r) for r in rows)


def test_simulation_steps_like_run(small):
    sim = circsim.Simulation(small, 2)
    while not sim.done:
        sim.step()
    a = sim.dataset()
    b = circsim.run(small, 2)
    assert np.array_equal(a.stock.values, b.stock.values)


def test_parameter_doc_is_generated_from_the_declarations():
    from pathlib import Path

    from circsim.scenario.params import markdown_table

    doc = Path(__file__).resolve().parent.parent / "docs" / "PARAMETERS.md"
    assert doc.read_text().strip() == markdown_table().strip(), "run: circsim params --markdown > docs/PARAMETERS.md"


def test_headline_indicators_by_year_and_their_windows(ds, small):
    years = small.months // 12
    for key in HEADLINE:
        series = ds[f"{key}_by_year"]
        assert series.dims == ("year",) and series.sizes["year"] == years, key
        assert "window" in ds[key].attrs, key
    h = circsim.headline(ds)
    assert float(ds.seasonal_departures_per_year_by_year.mean()) == pytest.approx(h["seasonal_departures_per_year"])
    assert float(ds.irregular_stock_end_by_year[-1]) == h["irregular_stock_end"]
    assert np.isnan(ds.first_timer_return_next_season_by_year[-1])  # its next season was not recorded
    assert ds["irregular_stock_end"].attrs["window"].startswith("at the end of")


def test_overstay_and_shortage_rates_by_channel(ds):
    h = circsim.headline(ds)
    seasonal = ds.overstays.sel(channel="seasonal").sum() / ds.stays_ended.sel(channel="seasonal").sum()
    assert h["overstay_rate_seasonal"] == pytest.approx(float(seasonal))
    assert min(h["overstay_rate_seasonal"], h["overstay_rate_other"]) <= h["overstay_rate"]
    assert h["overstay_rate"] <= max(h["overstay_rate_seasonal"], h["overstay_rate_other"])
    seasonal_markets = ds.market_channel == "seasonal"
    assert h["shortage_rate_seasonal"] == pytest.approx(
        float(ds.unfilled.where(seasonal_markets).sum() / ds.vacancies.where(seasonal_markets).sum()))


def test_one_return_decision_per_irregular_episode(small):
    """Frequent detection and no readmission: everyone detected many times, one decision each."""
    s = small.replace(detection_rate=0.3, readmission_cooperation=0.0, burn_in_years=0)
    ds = circsim.run(s, 1)
    at_start = float(ds.stock.sel(status="irregular").isel(time=0).sum())  # an over-count: includes month 0's entries
    episodes = at_start + float(ds.departures.sel(channel="irregular").sum() + ds.overstays.sum())
    assert float(ds.detections.sum()) > 2 * float(ds.return_decisions.sum())
    assert float(ds.return_decisions.sum()) <= episodes


def test_long_term_residents_coming_back_are_not_departures(small):
    ds = circsim.run(small.replace(ltr_circular_hazard=0.2), 1)
    assert float(ds.ltr_comebacks.sum()) > 0
    assert float(ds.departures.sel(channel="long_term").sum()) == 0


def test_written_files_get_the_permissions_of_a_new_file(ds, tmp_path):
    """Outputs are written to private temporaries, then moved into place readable as the umask allows."""
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    path = circsim.write_netcdf(ds, tmp_path / "run.nc")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def _headline_by_year_one_year_at_a_time(ds):
    """``headline`` of each calendar year's months, as ``headline_by_year`` defines it (the straightforward way)."""
    years = pd.DatetimeIndex(ds.time.values).year
    rows = {}
    for year in sorted(set(years)):
        idx = np.flatnonzero(years == year)
        part = ds.isel(time=idx)
        row = circsim.headline(part)
        row["remittances_total"] = row["remittances_total"] * 12.0 / len(idx)  # per year
        complete = idx[-1] <= ds.sizes["time"] - 13
        row["first_timer_return_next_season"] = (
            float(part.seasonal_came_back.sum()) / float(part.seasonal_first_timers.sum())
            if complete and float(part.seasonal_first_timers.sum()) > 0 else float("nan"))
        rows[year] = row
    return rows


@pytest.mark.parametrize("case", ["small", "mid_year_start", "all_instruments", "no_recorded_month"])
def test_headline_by_year_equals_headline_of_each_year(case, ds, small):
    """The computed-at-once values (every year a group of months) equal ``headline`` applied to each year's
    months as a dataset of its own, float for float."""
    if case == "mid_year_start":  # partial first and last years, a scale that is not a whole number
        ds = circsim.run(small.replace(persons=1700, years=3, burn_in_years=0, start="2009-05"), 3)
    elif case == "all_instruments":  # every channel and instrument moving
        ds = circsim.run(circsim.load_scenario("all_instruments", persons=2000, years=3, burn_in_years=1,
                                               population=60_000.0), 4)
    elif case == "no_recorded_month":
        sim = circsim.Simulation(small, 1)
        sim.advance(small.burn_in_months)
        ds = sim.dataset()
    expected = _headline_by_year_one_year_at_a_time(ds)
    by_year = headline_by_year(ds)
    assert by_year.year.values.tolist() == list(expected)
    for key in HEADLINE:
        want = np.array([row[key] for row in expected.values()], dtype=float)
        assert np.array_equal(by_year[key].values, want, equal_nan=True), (key, by_year[key].values, want)
    if case != "no_recorded_month":
        assert np.isfinite(by_year.seasonal_departures_per_year).all() and np.isfinite(by_year.remittances_total).all()
    for key in HEADLINE:  # the dataset stores the same series
        assert np.array_equal(ds[f"{key}_by_year"].values, by_year[key].values, equal_nan=True), key
