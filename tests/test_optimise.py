"""Policy design: costs from the records, the optimiser's front, resumability, robustness, PRIM.

Every search here runs on a tiny world (1,000 agents, 2 recorded years after 1 of burn-in),
in this process (``workers=0``), one seed per evaluation: a few seconds per search (the
NSGA-II and random searches compared by the first test take about 15 s together).
"""

import copy
import json

import numpy as np
import pandas as pd
import pytest

import circsim
from circsim.cli import main
from circsim.costs import COST_INDICATORS, UNIT_COSTS, by_payer, cost_indicators, costs
from circsim.discover import discover, prim
from circsim.optimise import Store, dominates, ensemble, measure, optimise, pareto_mask

TINY = {"persons": 1000, "years": 2, "burn_in_years": 1}
SPEC = {
    "name": "tiny_partnership", "scenario": "huelva_calibrated", "seeds": [0], "overrides": TINY,
    "levers": [{"key": "origins.Morocco.reintegration_support", "range": [0.0, 1.0], "step": 0.25},
               {"key": "origins.Morocco.return_bonus", "range": [0.0, 3000.0], "step": 750.0},
               {"key": "origins.Morocco.predeparture_training", "range": [0.0, 1.0], "step": 0.25}],
    "objectives": [{"indicator": "irregular_stock_end", "sense": "minimise"},
                   {"indicator": "cost_total", "sense": "minimise"}],
    "constraints": [{"indicator": "cost_total", "max": 7_000_000}],  # the budget, EUR/year
    "algorithm": {"name": "nsga2", "population": 6, "generations": 5, "seed": 0},
}


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    """The NSGA-II search of SPEC and the random design of the same levers and size."""
    folder = tmp_path_factory.mktemp("opt")
    front = optimise(SPEC, folder / "nsga2", workers=0, progress=False)
    spec = copy.deepcopy(SPEC)
    spec["algorithm"]["name"] = "random"
    random = optimise(spec, folder / "random", workers=0, progress=False)
    return front, random, folder


def test_front_dominates_an_equally_sized_random_design(searched):
    front, random, folder = searched
    F = front.objectives.values[front.front.values.astype(bool)]
    assert front.feasible.values[front.front.values.astype(bool)].all()
    R = random.objectives.values[random.feasible.values.astype(bool)]  # within the budget
    assert len(F) >= 1 and len(R) >= 8
    assert front.sizes["candidate"] <= SPEC["algorithm"]["population"] * SPEC["algorithm"]["generations"]
    # every point of the random design within the budget is matched or beaten in both objectives
    # by a point of the front
    beaten = [bool(np.any(np.all(F <= r, axis=1))) for r in R]
    assert all(beaten), R[~np.array(beaten)]
    strictly = sum(any(dominates(f, r) for f in F) for r in R)
    assert strictly >= 0.7 * len(R)
    for name in ("results.nc", "candidates.csv", "front.csv", "front.png", "evaluations.jsonl", "problem.json"):
        assert (folder / "nsga2" / name).is_file()
    table = pd.read_csv(folder / "nsga2" / "front.csv")
    assert len(table) == int(front.front.sum())


def test_front_is_the_nondominated_set_of_the_feasible_candidates(searched):
    front, _, _ = searched
    F = front.objectives.values
    feasible = front.feasible.values.astype(bool)
    assert (front.constraints.values[:, 0] <= 0).tolist() == feasible.tolist()
    expected = np.zeros(len(F), dtype=bool)
    expected[np.flatnonzero(feasible)[pareto_mask(F[feasible])]] = True
    assert (front.front.values.astype(bool) == expected).all()
    assert pareto_mask(np.array([[1, 2], [2, 1], [2, 2], [1, 2]])).tolist() == [True, True, False, True]


def test_interrupted_search_resumes_to_the_same_result(searched, tmp_path):
    full, _, _ = searched

    class Stop(Exception):
        pass

    def stop_after(n):
        if n == 11:
            raise Stop

    with pytest.raises(Stop):
        optimise(SPEC, tmp_path / "opt", workers=0, progress=False, on_run=stop_after)
    assert not (tmp_path / "opt" / "results.nc").exists()  # the summary only when the search ends
    with open(tmp_path / "opt" / "evaluations.jsonl", "a") as f:
        f.write('{"key": [0.5, 0, 0], "val')  # a line cut short by the interruption
    with pytest.raises(circsim.ScenarioError, match="exists; use --resume"):
        optimise(SPEC, tmp_path / "opt", workers=0, progress=False)
    resumed = optimise(SPEC, tmp_path / "opt", workers=0, progress=False, resume=True)
    assert resumed.attrs["runs_this_call"] == full.sizes["candidate"] - 11
    np.testing.assert_array_equal(resumed.objectives.values, full.objectives.values)
    np.testing.assert_array_equal(resumed.front.values, full.front.values)
    other = copy.deepcopy(SPEC)
    other["algorithm"]["seed"] = 9
    with pytest.raises(circsim.ScenarioError, match="different optimisation"):
        optimise(other, tmp_path / "opt", workers=0, progress=False, resume=True)


def test_bonus_training_enforcement_costs_match_the_records(tmp_path):
    path = tmp_path / "bonus.toml"
    path.write_text('extends = "baseline"\npersons = 3000\nyears = 2\nburn_in_years = 1\n'
                    '[origins.Morocco]\nreturn_bonus = 3000\nreintegration_support = 0.6\npredeparture_training = 0.5\n'
                    'information_campaign = 0.4\n'
                    '[origins.Senegal]\nreturn_bonus = 500\nreintegration_support = 0.6\npredeparture_training = 0.5\n'
                    'information_campaign = 0.4\n'
                    '[[timeline]]\nat = "2009-01"\n"origins.Morocco.return_bonus" = 1000\n')
    ds = circsim.run(circsim.load_scenario(path), seed=2)
    table = costs(ds)
    year = ds.time.dt.year
    voluntary = ds.returns.sel(reason="voluntary").sum("destination")
    assert float(voluntary.sel(origin="Morocco").sum()) > 0 and float(voluntary.sel(origin="Senegal").sum()) > 0
    morocco = voluntary.sel(origin="Morocco")
    bonus = (3000 * float(morocco.where(year == 2008).sum()) + 1000 * float(morocco.where(year == 2009).sum())
             + 500 * float(voluntary.sel(origin="Senegal").sum()))
    assert float(table.sel(instrument="return_bonus").sum()) == pytest.approx(bonus)
    assert float(table.sel(instrument="return_bonus", year=2009)) == pytest.approx(
        1000 * float(morocco.where(year == 2009).sum()) + 500 * float(voluntary.sel(origin="Senegal").where(year == 2009).sum()))
    supported = 0.6 * float(ds.returns.sel(reason=["voluntary", "enforced"]).sum())
    assert float(table.sel(instrument="reintegration_support").sum()) == pytest.approx(2000 * supported)
    assert float(table.sel(instrument="predeparture_training").sum()) == pytest.approx(500 * float(ds.trained.sum()))
    assert float(table.sel(instrument="enforced_return").sum()) == pytest.approx(4000 * float(ds.returns_enforced.sum()))
    decided = float((ds.approvals + ds.refusals).sum())
    assert float(table.sel(instrument="consular_processing").sum()) == pytest.approx(80 * decided)
    at_home = ds.stock.sel(status=["home", "returnee", "applicant", "approved"], destination="none").sum()
    assert float(table.sel(instrument="information_campaign").sum()) == pytest.approx(0.4 * 0.5 * float(at_home) / 12)
    # unit costs and payers from a config; indicators per recorded year, by payer summing to the total
    values = cost_indicators(ds, {"enforced_return": 2000}, {"predeparture_training": "origin"})
    assert set(values) == set(COST_INDICATORS)
    assert values["cost_enforced_return"] == pytest.approx(2000 * float(ds.returns_enforced.sum()) / 2)
    assert values["cost_payer_origin"] == pytest.approx(values["cost_predeparture_training"])
    assert sum(values[f"cost_payer_{p}"] for p in ("eu", "member_state", "origin")) == pytest.approx(values["cost_total"])
    assert float(by_payer(table).sum()) == pytest.approx(float(table.sum()))
    with pytest.raises(circsim.ScenarioError, match="unit_costs.enforced_return = -1: must be a number from"):
        cost_indicators(ds, {"enforced_return": -1})
    assert len(UNIT_COSTS) == table.sizes["instrument"]


def test_robustness_measures_mean_percentile_regret():
    values = np.array([[1.0, 5.0, 3.0], [2.0, 2.0, 2.0], [0.0, 9.0, 1.0]])  # [candidate, condition]
    assert measure(values, "mean", False).tolist() == [3.0, 2.0, 10 / 3]
    assert measure(values, "p100", False).tolist() == [5.0, 2.0, 9.0]
    assert measure(values, "p0", False).tolist() == [1.0, 2.0, 0.0]
    # regret: largest shortfall against the best candidate of each condition (minimised: best = 0, 2, 1)
    assert measure(values, "regret", False).tolist() == [3.0, 2.0, 7.0]
    assert measure(values, "regret", True).tolist() == [4.0, 7.0, 2.0]  # maximised: best = 2, 9, 3


def test_prim_recovers_a_planted_rule():
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(size=(600, 4)), columns=["wage_growth", "rehire", "cooperation", "noise"])
    y = ((x.wage_growth > 0.6) & (x.rehire < 0.3)).to_numpy()
    found = prim(x, y, threshold=0.9)
    limits = found.limits.set_index("input")
    assert set(limits.index) == {"wage_growth", "rehire"}
    assert limits.loc["wage_growth", "low"] == pytest.approx(0.6, abs=0.05)
    assert limits.loc["rehire", "high"] == pytest.approx(0.3, abs=0.05)
    assert found.density >= 0.9 and found.coverage >= 0.8
    table = pd.concat([x, pd.Series(np.where(y, 1.0, 0.0), name="failure")], axis=1)
    again = discover(table, "failure", above=0.5, threshold=0.9)
    assert again.limits.input.tolist() == found.limits.input.tolist()


def test_ensemble_of_conditions_and_discovery_on_it(tmp_path):
    spec = copy.deepcopy(SPEC)
    spec["robustness"] = {"conditions": 2, "uncertainties": [
        {"key": "origins.Morocco.home_wage_growth", "range": [-0.05, 0.1]},
        {"key": "destinations.Spain.sectors.strawberries.rehire_propensity", "range": [0.1, 0.9]}]}
    ds = ensemble(spec, [[0.5, 1500.0, 0.0]], conditions=14, design_seed=3)
    assert ds.sizes["condition"] == 14 and ds.attrs["uncertainties"] == ["home_wage_growth", "rehire_propensity"]
    stock = ds["values"].sel(candidate=0, indicator="irregular_stock_end").values
    assert np.isfinite(stock).all()
    found = discover(ds, "irregular_stock_end", above=float(np.median(stock)), candidate=0, threshold=0.6)
    assert 0 < found.coverage <= 1 and found.cases.sum() >= 1
    found.plot(tmp_path / "peeling.png")
    assert (tmp_path / "peeling.png").stat().st_size > 0


def test_bundled_example_and_posterior_conditions_load():
    from circsim.optimise_spec import load_problem

    problem = load_problem("partnership_morocco_spain")
    assert problem.n_conditions == problem.spec.robustness.conditions
    assert problem.condition_names[:3] == ["return_intercept", "rehire_propensity", "readmission_cooperation"]
    posterior = pd.read_csv(circsim.sweep_spec.Path(__file__).resolve().parent.parent
                            / "calibration" / "results" / "huelva-abc" / "posterior.csv")
    for j, key in enumerate(problem.condition_keys[:3]):
        assert set(problem.conditions[:, j]) <= set(posterior[key])  # draws of the posterior, not new values


# --- hostile optimisation files: exit 2, one line naming the file, the key and what is allowed ---------

def _toml(spec: dict) -> str:
    lines = [f'name = "{spec["name"]}"', f'scenario = "{spec["scenario"]}"', f"seeds = {json.dumps(spec['seeds'])}",
             "[overrides]", *[f"{k} = {v}" for k, v in spec["overrides"].items()]]
    for lever in spec["levers"]:
        lines += ["[[levers]]", f'key = "{lever["key"]}"', f"range = {json.dumps(lever['range'])}"]
    for o in spec["objectives"]:
        lines += ["[[objectives]]", f'indicator = "{o["indicator"]}"']
    return "\n".join(lines) + "\n"


HOSTILE = {
    "unknown_key": ("\npopulaton = 3\n", "populaton: unknown key"),
    "lever_out_of_bounds": (None, "levers[0].range (origins.Morocco.reintegration_support) = 2: must be a number from 0 to 1"),
    "unknown_parameter": (None, "levers[0].key = 'origins.Morocco.reintegration': unknown key"),
    "unknown_indicator": (None, "objectives[0].indicator = 'irregular_stock': not a headline indicator or a cost"),
    "bad_measure": ("[[objectives]]\nindicator = \"cost_total\"\nmeasure = \"worst\"\n", "measure = 'worst': must be mean, regret or pNN"),
    "constraint_without_bound": ("[[constraints]]\nindicator = \"cost_total\"\n", "constraints[0]: give `max` or `min`"),
    "population_too_small": ("[algorithm]\npopulation = 1\n", "algorithm.population = 1: must be an integer from 2"),
    "unknown_algorithm": ("[algorithm]\nname = \"simplex\"\n", "algorithm.name"),
    "unknown_cost": ("[costs]\nunit_costs = { bonus = 3 }\n", "costs: unit_costs.bonus: unknown cost"),
    "bad_payer": ("[costs]\npayers = { return_bonus = \"nobody\" }\n", "payers.return_bonus = 'nobody': must be one of eu"),
    "no_posterior": ("[robustness]\nposterior = \"nowhere\"\n", "no such posterior file"),
    "no_uncertainty": ("[robustness]\nconditions = 3\n", "robustness: give `uncertainties` or a `posterior`"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_optimisation_file_exits_2_with_one_line(case, tmp_path, capsys):
    extra, needle = HOSTILE[case]
    spec = copy.deepcopy(SPEC)
    if case == "lever_out_of_bounds":
        spec["levers"][0]["range"] = [0.0, 2.0]
    if case == "unknown_parameter":
        spec["levers"][0]["key"] = "origins.Morocco.reintegration"
    if case == "unknown_indicator":
        spec["objectives"][0]["indicator"] = "irregular_stock"
    text = _toml(spec)
    if extra and extra.startswith("\n"):
        text = extra.lstrip("\n") + text
    elif extra:
        text += extra
    path = tmp_path / "opt.toml"
    path.write_text(text)
    code = main(["optimise", str(path), "--out", str(tmp_path / "out"), "--workers", "0", "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: "), err
    assert str(path) in err[0] and needle in err[0], err[0]
    assert not (tmp_path / "out").exists()


def test_discover_command_bad_input_exits_2(tmp_path, capsys):
    assert main(["discover", str(tmp_path / "none"), "--outcome", "irregular_stock_end", "--above", "1"]) == 2
    assert "no such store" in capsys.readouterr().err
    assert main(["discover", str(tmp_path), "--outcome", "irregular_stock_end"]) == 2
    assert "one of --above or --below" in capsys.readouterr().err


def test_store_keys_are_exact():
    assert Store.key(np.array([0.1, 2.0]), 1, 3) == "[[0.1, 2.0], 1, 3]"


def test_posterior_with_a_draw_out_of_bounds_is_refused(tmp_path):
    (tmp_path / "post").mkdir()
    (tmp_path / "post" / "posterior.csv").write_text(
        "origins.Morocco.readmission_cooperation,weight\n0.2,0.5\n1.5,0.5\n")
    spec = copy.deepcopy(SPEC)
    spec["robustness"] = {"conditions": 2, "posterior": str(tmp_path / "post")}
    with pytest.raises(circsim.ScenarioError, match="readmission_cooperation: every draw must be a number from 0 to 1"):
        optimise(spec, tmp_path / "out", workers=0, progress=False)
    assert not (tmp_path / "out").exists()


def test_runs_on_a_dask_client_give_the_same_result(tmp_path):
    from dask.distributed import Client, LocalCluster

    spec = copy.deepcopy(SPEC)
    spec["algorithm"] = {"name": "random", "population": 2, "generations": 1, "seed": 0}
    here = optimise(spec, tmp_path / "here", workers=0, progress=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        there = optimise(spec, tmp_path / "there", client=client, progress=False)
    np.testing.assert_array_equal(here.objectives.values, there.objectives.values)
