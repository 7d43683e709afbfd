"""Parameter uncertainty in policy comparisons: posterior files, draws, the variance decomposition.

Small Huelva worlds (3,000 agents, 3 recorded years after a 1-year burn-in: about 0.1 s a run).
The policy compared is four-year seasonal permits with rehire priority, whose effect on the
return rate shrinks as ``behaviour.return_intercept`` grows (+0.32 at -1, +0.01 at 3).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import circsim
from circsim.cli import main
from circsim.engine import ResolutionWarning
from circsim.posterior import apply, compare_posterior, decompose, draw, load_posterior, split_keys
from circsim.scenario import ScenarioError
from circsim.sweep_spec import load_sweep

WORLD = dict(persons=3000, years=3, burn_in_years=1)
POLICY = {"corridors.Morocco.Spain.seasonal_permit_years": 4, "corridors.Morocco.Spain.rehire_priority": 0.5}
INTERCEPT = "behaviour.return_intercept"

pytestmark = pytest.mark.filterwarnings("ignore::circsim.engine.ResolutionWarning")


def write_posterior(path, columns: dict, weights=None):
    """A posterior.csv with ``columns`` (key -> values) and a ``weight`` column (equal weights by default)."""
    frame = pd.DataFrame(columns)
    if weights is not False:
        frame["weight"] = np.ones(len(frame)) if weights is None else weights
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def world():
    return circsim.load_scenario("huelva", **WORLD)


@pytest.fixture(scope="module")
def policy(world):
    return world.replace(**POLICY)


@pytest.fixture(scope="module")
def wide(world, policy, tmp_path_factory):
    """The comparison over a posterior whose return intercept runs from -1 to 3 (6 draws x 3 seeds)."""
    path = write_posterior(tmp_path_factory.mktemp("wide") / "posterior.csv", {INTERCEPT: [-1.0, 0.0, 1.0, 2.0, 3.0]})
    return path, compare_posterior(world, policy, range(3), path, draws=6, draw_seed=0)


def test_a_degenerate_posterior_leaves_only_seed_noise(world, policy, tmp_path):
    path = write_posterior(tmp_path / "posterior.csv", {INTERCEPT: [1.5] * 4}, weights=[0.1, 0.2, 0.3, 0.4])
    table = compare_posterior(world, policy, range(4), path, draws=3)
    row = table.loc["return_rate"]
    assert row["within_var"] > 0
    assert (table["parameter_var"].dropna() == 0).all()  # every draw is the same parameter set
    assert row["share_parameters"] == 0
    ratio = (row["high"] - row["low"]) / (row["seed_high"] - row["seed_low"])
    assert 0.5 < ratio < 1.5  # 1.96 against t(9): the same interval up to the quantile
    assert row["pairs"] == 12 and row["draws"] == 3


def test_a_wide_posterior_widens_the_interval_of_an_effect_that_depends_on_it(wide):
    _, table = wide
    row = table.loc["return_rate"]
    assert row["mean"] > 0
    assert row["share_parameters"] > 0.5
    assert row["high"] - row["low"] > row["seed_high"] - row["seed_low"]
    assert row["draw_q975"] - row["draw_q025"] > row["seed_high"] - row["seed_low"]
    assert row["parameter_var"] == pytest.approx(row["between_var"] - row["within_var"] / 3)
    assert table.attrs["applied"] == [INTERCEPT] and table.attrs["not_applied"] == []


def test_the_comparison_is_deterministic(wide, world, policy):
    path, table = wide
    again = compare_posterior(world, policy, range(3), path, draws=6, draw_seed=0)
    pd.testing.assert_frame_equal(table, again)
    assert again.attrs == table.attrs


def test_decomposition_formulas_and_undefined_indicators():
    effects = np.array([[1.0, 3.0, np.nan], [5.0, 7.0, 9.0], [np.nan, np.nan, np.nan]])
    out = decompose(effects)
    w = np.mean([np.var([1.0, 3.0], ddof=1), np.var([5.0, 7.0, 9.0], ddof=1)])
    b = np.var([2.0, 7.0], ddof=1)
    tau2 = b - w * np.mean([1 / 2, 1 / 3])
    assert out["pairs"] == 5 and out["draws"] == 2
    assert out["mean"] == pytest.approx(25 / 5)
    assert out["within_var"] == pytest.approx(w) and out["between_var"] == pytest.approx(b)
    assert out["parameter_var"] == pytest.approx(tau2)
    assert out["share_parameters"] == pytest.approx(tau2 / (tau2 + w / 5))
    assert out["high"] - out["mean"] == pytest.approx(1.959964 * np.sqrt(tau2 + w / 5))
    empty = decompose(np.full((3, 2), np.nan))
    assert empty["pairs"] == 0 and np.isnan(empty["mean"]) and np.isnan(empty["share_parameters"])


@pytest.mark.parametrize("columns, weights, needle", [
    ({INTERCEPT: [1.0, 2.0]}, False, "no `weight` column"),
    ({INTERCEPT: [1.0, 2.0]}, [1.0, -1.0], "column 'weight', line 3 = -1: must be a number >= 0"),
    ({INTERCEPT: [1.0, 2.0]}, [0.0, 0.0], "column 'weight': all 0"),
    ({INTERCEPT: [1.0, float("nan")]}, None, f"column '{INTERCEPT}', line 3 = '': must be a finite number"),
    ({INTERCEPT: [1.0, float("inf")]}, None, f"column '{INTERCEPT}', line 3 = 'inf': must be a finite number"),
    ({INTERCEPT: [1.0, "high"]}, None, f"column '{INTERCEPT}', line 3 = 'high': must be a finite number"),
    ({"behaviour.nonsense": [1.0]}, None, "column 'behaviour.nonsense' is not a parameter's dotted key"),
    ({}, [1.0], "no parameter column"),
])
def test_bad_posterior_files_are_refused_naming_the_file_and_column(tmp_path, columns, weights, needle):
    path = tmp_path / "posterior.csv"
    if columns:
        write_posterior(path, columns, weights)
    else:
        pd.DataFrame({"weight": weights}).to_csv(path, index=False)
    with pytest.raises(ScenarioError) as exc:
        load_posterior(path)
    assert str(path) in str(exc.value) and needle in str(exc.value)


def test_missing_file_and_out_of_range_value_get_clear_errors(world, tmp_path):
    with pytest.raises(ScenarioError, match="no such posterior file"):
        load_posterior(tmp_path / "nowhere.csv")
    path = write_posterior(tmp_path / "posterior.csv", {INTERCEPT: [20.0]})
    with pytest.raises(ScenarioError) as exc:
        circsim.experiment(world, 0, posterior=path)
    message = str(exc.value)
    assert str(path) in message and INTERCEPT in message and "-10" in message  # the scenario's own range


def test_posterior_keys_in_one_scenario_only_are_refused_and_a_policy_key_is_kept_in_b(world, policy, tmp_path):
    senegal = "origins.Senegal.readmission_cooperation"
    path = write_posterior(tmp_path / "one.csv", {senegal: [0.5]})
    other = circsim.load_scenario("baseline", **WORLD)
    with pytest.raises(ScenarioError, match=f"'{senegal}': scenario baseline has it but scenario huelva does not"):
        split_keys(load_posterior(path), world, other)
    assert split_keys(load_posterior(path), world, policy) == ([], [senegal])  # in neither: not applied
    permit = "corridors.Morocco.Spain.seasonal_permit_years"
    path = write_posterior(tmp_path / "lever.csv", {permit: [2.0, 3.0]})
    table = compare_posterior(world, policy, range(2), path, draws=2)
    assert table.attrs["kept_in_b"] == [permit]  # the policy's value stays in B; A takes the draws
    b_runs = [circsim.headline(circsim.run(policy, seed))["repeat_participation"] for seed in range(2)]
    assert table.loc["repeat_participation", "b"] == pytest.approx(np.mean(b_runs))
    a_runs = [circsim.headline(circsim.run(world.replace(**{permit: int(v)}), seed))["repeat_participation"]
              for v in draw(load_posterior(path), 2, 0)[permit] for seed in range(2)]
    assert table.loc["repeat_participation", "a"] == pytest.approx(np.mean(a_runs))


def test_compare_cli_with_a_posterior_prints_both_intervals_and_writes_the_table(tmp_path, capsys):
    (tmp_path / "a.toml").write_text('extends = "huelva"\nname = "a"\nburn_in_years = 1\n')
    (tmp_path / "b.toml").write_text('extends = "huelva"\nname = "b"\nburn_in_years = 1\n'
                                     "[corridors.Morocco.Spain]\nseasonal_permit_years = 4\nrehire_priority = 0.5\n")
    path = write_posterior(tmp_path / "posterior.csv", {INTERCEPT: [-1.0, 1.0, 3.0],
                                                        "origins.Senegal.readmission_cooperation": [0.2, 0.5, 0.8]})
    out = tmp_path / "effect.csv"
    args = ["compare", str(tmp_path / "a.toml"), str(tmp_path / "b.toml"), "--seeds", "2", "--persons", "3000",
            "--years", "3", "--posterior", str(path), "--draws", "3"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        assert main(args + ["--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 parameter draws x 2 seeds = 6 pairs" in printed
    assert "95 % seeds only" in printed and "95 % with parameters" in printed and "param share" in printed
    assert f"applied to both: {INTERCEPT}" in printed
    assert "not in these scenarios, not applied: origins.Senegal.readmission_cooperation" in printed
    table = pd.read_csv(out, index_col="indicator")
    assert {"unit", "a", "b", "mean", "seed_low", "seed_high", "low", "high", "share_parameters"} <= set(table.columns)
    bad = tmp_path / "bad.csv"
    write_posterior(bad, {INTERCEPT: [1.0]}, weights=[0.0])
    assert main(args[:-4] + ["--posterior", str(bad), "--out", str(tmp_path / "never.csv")]) == 2
    assert "column 'weight'" in capsys.readouterr().err and not (tmp_path / "never.csv").exists()
    assert main(args[:-4] + ["--draws", "3"]) == 2
    assert "--draws and --draw-seed need --posterior" in capsys.readouterr().err


def test_experiment_applies_a_stable_draw_before_the_parameters(world, tmp_path):
    path = write_posterior(tmp_path / "posterior.csv", {INTERCEPT: [-1.0, 0.0, 1.0, 2.0, 3.0]}, [5, 1, 1, 1, 2])
    pd.testing.assert_frame_equal(draw(path, 3, seed=0), draw(path, 50, seed=0).iloc[:3])
    drawn = draw(path, 3, seed=0).iloc[2]
    h = circsim.experiment(world, 1, posterior=path, draw=2)
    expected = circsim.headline(circsim.run(apply(world, drawn), 1))
    assert all(np.array_equal(h[k], expected[k], equal_nan=True) for k in h)
    again = circsim.experiment(world, 1, posterior=load_posterior(path), draw=2)
    assert all(np.array_equal(h[k], again[k], equal_nan=True) for k in h)
    h = circsim.experiment(world, 1, posterior=path, draw=2, **{INTERCEPT: 0.5})  # params after the draw
    expected = circsim.headline(circsim.run(world.replace(**{INTERCEPT: 0.5}), 1))
    assert all(np.array_equal(h[k], expected[k], equal_nan=True) for k in h)


def test_a_sweep_with_a_posterior_adds_a_draw_coordinate(world, tmp_path):
    path = write_posterior(tmp_path / "posterior.csv", {INTERCEPT: [-1.0, 3.0],
                                                        "origins.Morocco.readmission_cooperation": [0.2, 0.6]})
    spec = {"name": "tiny", "scenario": "huelva", "design": "grid", "seeds": 2, "overrides": WORLD,
            "vary": [{"key": "origins.*.readmission_cooperation", "values": [0.1, 0.9], "kind": "lever"}]}
    plain = load_sweep(spec)
    sw = load_sweep({**spec, "posterior": str(path), "draws": 2})
    assert sw.n_runs == 2 * plain.n_runs and plain.fingerprint() != sw.fingerprint()
    assert sw.not_applied == ["origins.Morocco.readmission_cooperation (set by vary)"]
    ds = circsim.sweep({**spec, "posterior": str(path), "draws": 2}, tmp_path / "s.zarr", workers=0, progress=False)
    assert list(ds.draw.values) == [0, 0, 1, 1] * 2 and list(ds.point.values) == [0] * 4 + [1] * 4
    assert ds.attrs["uncertainties"] == ["return_intercept"]
    r = 6  # point 1, draw 1, seed 0
    point, seed, overrides = sw.run_plan(r)
    h = circsim.experiment(sw.base, seed, posterior=path, draw=sw.draw_of(r), **overrides)
    assert float(ds.return_intercept[r]) == draw(path, 2, seed=0)[INTERCEPT].iloc[1]
    assert all(np.array_equal(h[k], float(ds[k][r]), equal_nan=True) for k in h)
    with pytest.raises(ScenarioError, match="draws = 2: needs `posterior`"):
        load_sweep({**spec, "draws": 2})
    with pytest.raises(ScenarioError, match="give `draws`"):
        load_sweep({**spec, "posterior": str(path)})
