"""Sweeps: designs, validation, Dask execution, atomic resumable results, sensitivity, compare."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr
import zarr
from typer.testing import CliRunner

import circsim
from circsim.cli import app
from circsim.scenario import ScenarioError
from circsim.sweep_spec import load_sweep

SPEC = {
    "name": "tiny", "scenario": "baseline", "design": "grid", "seeds": 2,
    "overrides": {"persons": 1500, "years": 2, "burn_in_years": 1},
    "series": ["stock.status"],
    "vary": [{"key": "origins.*.readmission_cooperation", "values": [0.1, 0.9], "kind": "lever"},
             {"key": "corridors.*.*.seasonal_permit_years", "values": [1, 4], "kind": "lever"}],
}


def _same(a: xr.Dataset, b: xr.Dataset) -> bool:
    return all(np.array_equal(a[k].values, b[k].values, equal_nan=True) for k in a.data_vars if k != "done")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny sweep run in this process, one run after the other."""
    return circsim.sweep(SPEC, tmp_path_factory.mktemp("ref") / "ref.zarr", workers=0, progress=False)


def test_designs_have_the_expected_points_within_bounds():
    grid = load_sweep(SPEC)
    assert grid.n_runs == 8 and grid.design.shape == (4, 2)
    lhs = load_sweep({**SPEC, "design": "lhs", "points": 10,
                      "vary": [{"key": "origins.*.border_control", "range": [0.1, 0.3]}]})
    assert lhs.design.shape == (10, 1) and (lhs.design >= 0.1).all() and (lhs.design <= 0.3).all()
    sobol = load_sweep({**SPEC, "design": "sobol", "points": 8,
                        "vary": [{"key": "behaviour.beta_income", "range": [0.5, 2]},
                                 {"key": "behaviour.asc_irregular", "range": [-4, -2]}]})
    assert sobol.design.shape == (8 * (2 + 2), 2)
    for name in ("permits_readmission_matching", "sobol_behaviour"):
        assert load_sweep(f"scenarios/sweeps/{name}.toml").n_runs > 0


@pytest.mark.parametrize("change,needle", [
    ({"vary": [{"key": "origins.*.no_such", "values": [1]}]}, "no_such is not a parameter of origin scope"),
    ({"vary": [{"key": "origins.*.border_control", "values": [1.5]}]}, "must be a number from 0 to 1"),
    ({"design": "lhs", "vary": [{"key": "origins.*.border_control", "values": [0.1]}]}, "needs `range"),
    ({"design": "factorial"}, "design"),
    ({"series": ["no_such_output"]}, "not an output variable"),
    ({"unknown_table": 1}, "unknown key"),
])
def test_bad_sweep_files_get_clear_messages(change, needle):
    with pytest.raises(ScenarioError) as info:
        load_sweep({**SPEC, **change})
    assert needle in str(info.value)


def test_a_sweep_run_equals_the_scenario_run_alone(reference):
    sw = load_sweep(SPEC)
    for r in (0, 5):
        alone = circsim.run(sw.scenario_of(r), sw.run_plan(r)[1])
        h = circsim.headline(alone)
        for k, v in h.items():
            assert np.array_equal(v, float(reference[k][r]), equal_nan=True), k
        assert np.array_equal(alone.stock.sum(["origin", "destination"]).values, reference.stock_by_status[r].values)
    assert reference.seasonal_permit_years.values.tolist() == [1, 1, 4, 4, 1, 1, 4, 4]
    assert reference.attrs["levers"] == ["readmission_cooperation", "seasonal_permit_years"]


def test_results_do_not_depend_on_the_number_of_workers(reference, tmp_path):
    two = circsim.sweep(SPEC, tmp_path / "two.zarr", workers=2, progress=False)
    assert _same(reference, two)


def test_resume_skips_finished_runs_and_existing_store_is_protected(reference, tmp_path):
    out = tmp_path / "s.zarr"
    circsim.sweep(SPEC, out, workers=0, progress=False)
    with pytest.raises(ScenarioError, match="exists"):
        circsim.sweep(SPEC, out, workers=0, progress=False)
    again = circsim.sweep(SPEC, out, workers=0, resume=True, progress=False)
    assert again.attrs["runs_this_call"] == 0 and _same(reference, again)
    with pytest.raises(ScenarioError, match="different sweep"):
        circsim.sweep({**SPEC, "seeds": 3}, out, workers=0, resume=True, progress=False)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_sweep_resumes_to_the_same_result(reference, tmp_path, sig):
    spec_file = tmp_path / "tiny.toml"
    spec_file.write_text(
        'name = "tiny"\nscenario = "baseline"\ndesign = "grid"\nseeds = 2\nseries = ["stock.status"]\n'
        '[overrides]\npersons = 1500\nyears = 2\nburn_in_years = 1\n'
        '[[vary]]\nkey = "origins.*.readmission_cooperation"\nvalues = [0.1, 0.9]\nkind = "lever"\n'
        '[[vary]]\nkey = "corridors.*.*.seasonal_permit_years"\nvalues = [1, 4]\nkind = "lever"\n')
    out = tmp_path / "cut.zarr"
    cli = os.path.join(os.path.dirname(sys.executable), "circsim")
    proc = subprocess.Popen([cli, "sweep", str(spec_file), "--out", str(out), "--workers", "0", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            done = int(zarr.open_group(str(out), mode="r")["done"][:].sum())
        except Exception:
            done = 0
        if done >= 2:
            proc.send_signal(sig)
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    recorded = int(zarr.open_group(str(out), mode="r")["done"][:].sum())
    assert 2 <= recorded < 8, recorded  # cut in the middle
    resumed = circsim.sweep(spec_file, out, workers=0, resume=True, progress=False)
    assert resumed.attrs["runs_this_call"] == 8 - recorded
    assert _same(reference, resumed)


def test_a_worker_killed_during_the_sweep_has_its_runs_retried(reference, tmp_path):
    from dask.distributed import Client, LocalCluster

    spec = {**SPEC, "overrides": {**SPEC["overrides"], "years": 4}}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        killed = []

        def kill_one(run, recorded):
            if not killed:
                victim = sorted(client.scheduler_info()["workers"])[0]
                pid = client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)  # a hard crash of one worker process mid-sweep
                killed.append(pid)

        ds = circsim.sweep(spec, tmp_path / "k.zarr", client=client, progress=False, on_result=kill_one)
    assert killed and int(ds.done.sum()) == 8
    alone = circsim.sweep(spec, tmp_path / "alone.zarr", workers=0, progress=False)
    assert _same(alone, ds)


def test_sobol_and_morris_indices(tmp_path):
    base = {**SPEC, "seeds": 1, "series": [], "points": 8,
            "vary": [{"key": "behaviour.consider_hazard", "range": [0.002, 0.03]},
                     {"key": "behaviour.asc_irregular", "range": [-5.0, -1.0]}]}
    sob = circsim.sensitivity({**base, "design": "sobol"}, tmp_path / "sob.zarr", workers=0, progress=False)
    assert set(sob.data_vars) == {"S1", "S1_conf", "ST", "ST_conf"}
    assert sob.S1.dims == ("output", "parameter")
    assert np.isfinite(sob.ST.sel(output="seasonal_departures_per_year")).all()
    mor = circsim.sensitivity({**base, "design": "morris", "points": 4}, tmp_path / "mor.zarr", workers=0, progress=False)
    assert np.isfinite(mor.mu_star.sel(output="irregular_entries_per_year")).all()
    # raising the irregular constant matters for irregular entries far more than ... nothing: it must register
    assert float(mor.mu_star.sel(output="irregular_entries_per_year", parameter="asc_irregular")) > 0
    with pytest.raises(ScenarioError, match="sobol"):
        circsim.sensitivity(SPEC, tmp_path / "grid.zarr", workers=0, progress=False)


def test_experiment_is_a_plain_function():
    h = circsim.experiment(persons=3000, years=3, burn_in_years=1, seed=3, readmission_cooperation=0.9)
    s = circsim.load_scenario("baseline", persons=3000, years=3, burn_in_years=1, readmission_cooperation=0.9)
    expected = circsim.headline(circsim.run(s, 3))
    assert h.keys() == expected.keys()
    assert all(np.array_equal(h[k], expected[k], equal_nan=True) for k in h)


def test_compare_cli_writes_the_effect_table(tmp_path):
    out = tmp_path / "effect.csv"
    result = CliRunner().invoke(app, ["compare", "baseline", "seasonal_multiannual", "--seeds", "3",
                                      "--persons", "2000", "--years", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "B - A" in result.output and out.read_text().startswith("indicator")
