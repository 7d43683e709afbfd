"""Property-based tests of the command line's input handling (hypothesis).

Generated scenario files and arguments, valid and invalid: a valid one runs (exit 0) and gives
finite headline indicators where they are defined (NaN means an empty denominator); an invalid
one exits 2 with `error:` lines only, no traceback and no output file. Worlds are tiny (200
agents, one year, no burn-in) so that each example takes a fraction of a second.
"""

import json
import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import circsim
from circsim.cli import main
from circsim.scenario import PARAMS, ScenarioError

BASE = circsim.load_scenario("baseline")
TINY = 'extends = "baseline"\npersons = 200\nyears = 1\nburn_in_years = 0\n'
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]  # capsys is read after each example
FAST = settings(max_examples=8, deadline=None, suppress_health_check=FIXTURES)
MANY = settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)


def _paths(p) -> list[str]:
    """The concrete dotted keys of parameter ``p`` in the baseline scenario."""
    o, d = BASE.origins[0], BASE.destinations[0]
    community = next(iter(BASE.data["origins"][o]["communities"]))
    sector = next(iter(BASE.data["destinations"][d]["sectors"]))
    return {"behaviour": [f"behaviour.{p.name}"], "origin": [f"origins.{o}.{p.name}"],
            "community": [f"origins.{o}.communities.{community}.{p.name}"],
            "destination": [f"destinations.{d}.{p.name}"],
            "market": [f"destinations.{d}.sectors.{sector}.{p.name}"],
            "corridor": [f"corridors.{o}.{d}.{p.name}"]}[p.scope]


#: parameters whose whole range keeps a tiny world quick: shares, probabilities, small integers
LEVERS = [p for p in PARAMS if p.dynamic and 0 <= p.lo and p.hi <= (5 if p.integer else 1)]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # nan and inf are TOML too
    return json.dumps(value, ensure_ascii=False)  # TOML refuses JSON's surrogate-pair escapes (\ud800\udc00)


def value_in(p):
    return st.integers(int(p.lo), int(p.hi)) if p.integer else st.floats(p.lo, p.hi)


def value_outside(p):
    numbers = st.one_of(st.floats(max_value=p.lo, exclude_max=True), st.floats(min_value=p.hi, exclude_min=True),
                        st.just(math.nan))
    if p.integer:
        numbers = st.one_of(numbers, st.floats(p.lo, p.hi).filter(lambda v: v != int(v)))
    words = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=8)
    return st.one_of(numbers, words, st.booleans(), st.lists(st.integers(0, 1), max_size=2))


valid_settings = st.lists(st.sampled_from(LEVERS).flatmap(
    lambda p: st.tuples(st.sampled_from(_paths(p)), value_in(p))), max_size=4)
invalid_setting = st.sampled_from(LEVERS + [p for p in PARAMS if p not in LEVERS]).flatmap(
    lambda p: st.tuples(st.sampled_from(_paths(p)), value_outside(p)))


def scenario_text(settings_) -> str:
    return TINY + "".join(f"{key} = {toml_value(value)}\n" for key, value in dict(settings_).items())


def run_cli(args, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def refused(code, err, folder: Path, *needles):
    lines = err.strip().splitlines()
    assert code == 2, err
    assert lines and all(line.startswith("error: ") for line in lines), err
    assert all(needle in err for needle in needles), (needles, err)
    assert not list(folder.glob("out*")), "a refused command wrote an output"


@FAST
@given(valid_settings)
def test_valid_scenario_files_run_with_finite_headlines(capsys, settings_):
    with tempfile.TemporaryDirectory() as folder:
        f = Path(folder) / "s.toml"
        f.write_text(scenario_text(settings_))
        code, out, err = run_cli(["run", f, "--no-progress", "--summary", Path(folder) / "out.csv"], capsys)
        assert code == 0, err
        means = pd.read_csv(Path(folder) / "out.csv", index_col=0)["mean"]
        assert not means.isin([math.inf, -math.inf]).any()


@FAST
@given(valid_settings, invalid_setting)
@example([], ("behaviour.consider_hazard", "\U00010000"))  # a character beyond the BMP
def test_an_invalid_value_in_a_file_is_refused_in_one_line(capsys, settings_, bad):
    settings_ = [(key, value) for key, value in settings_ if key != bad[0]]
    with tempfile.TemporaryDirectory() as folder:
        f = Path(folder) / "s.toml"
        f.write_text(scenario_text(settings_ + [bad]))
        code, _, err = run_cli(["run", f, "--no-progress", "--out", Path(folder) / "out.nc"], capsys)
        refused(code, err, Path(folder), str(f), bad[0].split(".")[-1])
        assert len(err.strip().splitlines()) == 1


@FAST
@given(invalid_setting)
def test_an_invalid_set_is_refused_in_one_line(capsys, bad):
    key, value = bad
    with tempfile.TemporaryDirectory() as folder:
        code, _, err = run_cli(["run", "baseline", "--set", f"{key}={toml_value(value)}", "--out",
                                Path(folder) / "out.nc"], capsys)
        refused(code, err, Path(folder), "--set", key.split(".")[-1])
        assert len(err.strip().splitlines()) == 1


@settings(max_examples=12, deadline=None, suppress_health_check=FIXTURES)
@given(st.integers(-2**70, 2**70), st.integers(-3, 3))
def test_seeds_run_or_are_refused(capsys, seed, seeds):
    with tempfile.TemporaryDirectory() as folder:
        args = ["run", "baseline", "--persons", "200", "--years", "1", "--set", "burn_in_years=0", "--no-progress",
                "--seed", seed, "--seeds", seeds, "--out", Path(folder) / "out.nc"]
        code, _, err = run_cli(args, capsys)
        if 0 <= seed and 1 <= seeds and seed + seeds - 1 < 2**63:
            assert code == 0, err
            assert (Path(folder) / "out.nc").exists()
        else:
            refused(code, err, Path(folder))
            assert len(err.strip().splitlines()) == 1


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30), st.text(max_size=12))
def test_arbitrary_set_text_is_refused_or_accepted_never_a_crash(key, value):
    try:
        circsim.load_scenario("baseline", overrides=[f"{key}={value}"])
    except ScenarioError as exc:
        assert str(exc)


@MANY
@given(st.binary(max_size=200))
def test_arbitrary_bytes_as_a_scenario_file_are_refused(capsys, data):
    with tempfile.TemporaryDirectory() as folder:
        f = Path(folder) / "s.toml"
        f.write_bytes(data)
        code, _, err = run_cli(["run", f, "--out", Path(folder) / "out.nc"], capsys)
        refused(code, err, Path(folder), str(f))


@MANY
@given(st.dictionaries(st.sampled_from(["scenario", "design", "points", "seeds", "series", "overrides", "vary"]),
                       st.one_of(st.integers(-5, 10**13), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                                 st.dictionaries(st.sampled_from(["key", "values", "range", "persons"]),
                                                 st.integers(-5, 5), max_size=2)), max_size=4))
def test_arbitrary_sweep_files_are_refused_without_a_crash(capsys, tables):
    with tempfile.TemporaryDirectory() as folder:
        f = Path(folder) / "sw.toml"
        lines = [f"{k} = {toml_value(v) if not isinstance(v, dict) else '{' + ', '.join(f'{a} = {b}' for a, b in v.items()) + '}'}"
                 for k, v in tables.items()]
        f.write_text("\n".join(lines) + "\n")
        code, _, err = run_cli(["sweep", f, "--out", Path(folder) / "out.zarr", "--workers", "0"], capsys)
        refused(code, err, Path(folder), str(f))
