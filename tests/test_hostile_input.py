"""Hostile and unusual input at every entry point: one `error:` line, exit 2, nothing written.

Each case of the hostile-input audit (issue 15) is a regression test here. The command line is
called in-process (``circsim.cli.main``); a few cases run the real executable to prove that
no traceback reaches the terminal.
"""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from circsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--persons", "200", "--years", "1", "--set", "burn_in_years=0", "--no-progress"]
SWEEP = 'scenario = "baseline"\n[overrides]\npersons = 200\nyears = 1\nburn_in_years = 0\n' \
        '[[vary]]\nkey = "origins.*.border_control"\nvalues = [0.1, 0.2]\n'
TARGETS = 'scenario = "huelva"\n[[target]]\nname = "t"\noutput = "return_rate"\nsource = "s"\n'


def files(folder: Path) -> dict:
    """Every file under ``folder`` with a hash of its contents."""
    return {p: hashlib.sha1(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def fails(capsys, args, *needles, folder: Path | None = None) -> str:
    """Run the command line; assert exit 2, one `error:` line naming ``needles``, no file touched."""
    before = files(folder) if folder else None
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in out + err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    if folder:
        assert files(folder) == before
    return lines[0]


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --- files that are not UTF-8, nested too deep, too long a chain --------------------------------

NOT_UTF8 = {
    "latin1": "# café\nextends = \"baseline\"\n".encode("latin-1"),
    "utf16": 'extends = "baseline"\n'.encode("utf-16"),
    "binary": bytes(range(256)),
}


@pytest.mark.parametrize("kind", NOT_UTF8)
def test_a_scenario_file_that_is_not_utf8(capsys, tmp_path, kind):
    f = write(tmp_path / "s.toml", NOT_UTF8[kind])
    fails(capsys, ["run", f], str(f), "not UTF-8", folder=tmp_path)


@pytest.mark.parametrize("command", ["sweep", "calibrate", "targets"])
def test_sweep_calibration_and_targets_files_that_are_not_utf8(capsys, tmp_path, command):
    f = write(tmp_path / "f.toml", NOT_UTF8["latin1"])
    args = {"sweep": ["sweep", f, "--out", tmp_path / "z"], "calibrate": ["calibrate", f],
            "targets": ["validate", "huelva", "--targets", f]}[command]
    fails(capsys, args, str(f), "not UTF-8", folder=tmp_path)


def test_a_set_value_that_is_not_utf8(capsys):
    # the process's arguments decode undecodable bytes to lone surrogates
    fails(capsys, ["run", "--set", "origins.Morocco.border_control=\udcff"], "border_control")
    fails(capsys, ["run", "--set", "origins.Mor\udcffocco.border_control=0.1"], "no origin")


@pytest.mark.parametrize("text", [
    'extends = "baseline"\nx = ' + "[" * 4000 + "]" * 4000 + "\n",
    'extends = "baseline"\nx = ' + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
    'extends = "baseline"\n[' + ".".join(["a"] * 5000) + "]\nb = 1\n",
])
def test_nesting_thousands_deep(capsys, tmp_path, text):
    f = write(tmp_path / "deep.toml", text)
    fails(capsys, ["run", f], str(f), "nested more than", folder=tmp_path)
    fails(capsys, ["sweep", f, "--out", tmp_path / "z"], str(f), "nested more than", folder=tmp_path)


def test_a_set_value_nested_thousands_deep(capsys):
    fails(capsys, ["run", "--set", "origins.Morocco.border_control=" + "[" * 4000 + "]" * 4000], "nested")


def test_an_extends_chain_of_1200_files(capsys, tmp_path):
    for k in range(1200):
        write(tmp_path / f"s{k}.toml", f'extends = "s{k + 1}.toml"\n' if k < 1199 else 'extends = "baseline"\n')
    fails(capsys, ["run", tmp_path / "s0.toml"], "extends", "chain of more than", folder=tmp_path)


def test_a_circular_extends_chain(capsys, tmp_path):
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    fails(capsys, ["run", tmp_path / "a.toml"], "circular")


@pytest.mark.parametrize("value", ["5", '"x"', "{at = 1}"])
def test_timeline_that_is_not_an_array_of_tables(capsys, tmp_path, value):
    f = write(tmp_path / "t.toml", f'extends = "baseline"\ntimeline = {value}\n')
    fails(capsys, ["run", f], str(f), "timeline")


def test_a_targets_file_that_is_a_directory(capsys, tmp_path):
    fails(capsys, ["validate", "huelva", "--targets", tmp_path], str(tmp_path), "directory")


# --- keys and values ----------------------------------------------------------------------------

@pytest.mark.parametrize("setting,needles", [
    ("*=1", ["--set *", "unknown key"]),
    ("=3", ["''", "not a dotted key"]),
    ("..=1", ["'..'", "not a dotted key"]),
    (".years=2", ["'.years'", "not a dotted key"]),
    ("destinations.Spain.sectors.mining.wage=900", ["no sector 'mining'"]),
    ("origins.Atlantis.border_control=0.1", ["no origin 'Atlantis'"]),
    ("corridors.Morocco.Atlantis.visa_fee=1", ["no destination 'Atlantis'"]),
    ("origins.Morocco.communities.*.border_control=0.1", ["border_control is not a parameter of community"]),
    ("persons=1e3", ["--set", "persons = 1000.0"]),
    ("years=-5", ["--set", "years = -5"]),
    ("extends=\"x\"", ["unknown key"]),
    ("origins.Morocco.border_control", ["expected key=value"]),
])
def test_bad_set_keys_and_values(capsys, setting, needles):
    fails(capsys, ["run", "baseline", "--set", setting, "--years", "1"], *needles)


def test_set_value_checked_even_when_the_option_is_also_given(capsys):
    fails(capsys, ["run", "baseline", "--set", "years=-5", "--years", "2"], "years = -5")


@pytest.mark.parametrize("start", ["0001-01", "1677-01", "2262-01", "9999-12"])
def test_start_dates_whose_time_axis_would_not_read_back(capsys, start):
    fails(capsys, ["run", "baseline", "--set", f'start="{start}"'], "start", "1900 to 2200")


def test_a_run_that_would_end_after_the_time_axis_can_hold(capsys):
    fails(capsys, ["run", "baseline", "--set", 'start="2200-01"', "--years", "70"], "2262-03")


@pytest.mark.parametrize("seed,seeds", [("18446744073709551616", "1"), ("-1", "1"),
                                        (str(2**63 - 1), "2"), ("0", "100000")])
def test_seeds_out_of_range(capsys, seed, seeds):
    fails(capsys, ["run", "baseline", "--seed", seed, "--seeds", seeds], "--seed")


def test_option_click_refuses_is_one_line(capsys):
    fails(capsys, ["run", "baseline", "--seeds", "abc"], "--seeds")
    fails(capsys, ["run", "--no-such-option"], "no-such-option")


# --- where outputs go ---------------------------------------------------------------------------

@pytest.mark.parametrize("option", ["--out", "--summary", "--figure"])
def test_outputs_onto_a_directory_under_a_file_or_with_a_too_long_name(capsys, tmp_path, option):
    (tmp_path / "dir").mkdir()
    write(tmp_path / "file", "x")
    suffix = ".png" if option == "--figure" else ""
    for target, needle in [(tmp_path / "dir", "directory"), (tmp_path / "file" / f"x{suffix}", "is a file"),
                           (tmp_path / ("a" * 300 + suffix), "longer than")]:
        fails(capsys, ["run", "baseline", option, target], option, needle, folder=tmp_path)


def test_an_empty_out(capsys, tmp_path):
    fails(capsys, ["run", "baseline", "--out", ""], "--out", "file name")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only directories")
def test_out_into_a_read_only_directory(capsys, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    fails(capsys, ["run", "baseline", "--out", folder / "x.nc"], "--out", "cannot write", folder=tmp_path)


def test_a_figure_format_matplotlib_cannot_write(capsys, tmp_path):
    old = write(tmp_path / "out.nc", "previous results")
    fails(capsys, ["run", "baseline", "--out", old, "--figure", tmp_path / "f.xyz"], "--figure", ".png",
          folder=tmp_path)


def test_two_outputs_onto_the_same_file(capsys, tmp_path):
    fails(capsys, ["run", "baseline", "--out", tmp_path / "x", "--summary", tmp_path / "x"], "same file")


def test_a_failure_after_the_run_changes_no_output(capsys, tmp_path, monkeypatch):
    """The figure fails once the NetCDF is written: out.nc keeps its old contents, no temporary is left."""
    import circsim.plotting

    def broken(ds, path):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(circsim.plotting, "plot_run", broken)
    old = write(tmp_path / "out.nc", "previous results")
    before = files(tmp_path)
    with pytest.raises(RuntimeError):
        main(["run", "baseline", *TINY, "--out", str(old), "--summary", str(tmp_path / "new" / "s.csv"),
              "--figure", str(tmp_path / "f.png")])
    assert files(tmp_path) == before and sorted(tmp_path.iterdir()) == [old]


def test_outputs_appear_together_when_the_run_succeeds(capsys, tmp_path):
    out, fig, csv = tmp_path / "a" / "o.nc", tmp_path / "a" / "f.png", tmp_path / "b" / "s.csv"
    assert main(["run", "baseline", *TINY, "--out", str(out), "--figure", str(fig), "--summary", str(csv)]) == 0
    assert out.stat().st_size > 0 and fig.stat().st_size > 0 and csv.read_text().startswith("indicator")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "f.png", "o.nc", "s.csv"]


# --- sweeps ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seeds,vary,needles", [
    ("1000000000000", "", ["seeds = 1000000000000", "10,000"]),
    ("[-1]", "", ["seeds[0]"]),
    ("100", '[[vary]]\nkey = "behaviour.return_intercept"\nrange = [0, 1]\nlevels = 100\n'
            '[[vary]]\nkey = "behaviour.asc_seasonal"\nrange = [0, 1]\nlevels = 100\n', ["runs: at most"]),
])
def test_sweep_sizes(capsys, tmp_path, seeds, vary, needles):
    f = write(tmp_path / "sw.toml", f"seeds = {seeds}\n" + SWEEP + vary)
    fails(capsys, ["sweep", f, "--out", tmp_path / "z"], str(f), *needles, folder=tmp_path)


@pytest.mark.parametrize("vary,needles", [
    ('key = "origins.*.border_control"\nvalues = []\n', ["vary.1.values"]),
    ('key = "corridors.*.*.seasonal_permit_years"\nvalues = [1, 2.5]\n', ["2.5", "an integer"]),
    ('key = "destinations.Spain.sectors.mining.wage"\nvalues = [1]\n', ["vary[1].key", "no sector"]),
])
def test_sweep_values(capsys, tmp_path, vary, needles):
    f = write(tmp_path / "sw.toml", SWEEP + "[[vary]]\n" + vary)
    fails(capsys, ["sweep", f, "--out", tmp_path / "z"], str(f), *needles, folder=tmp_path)


@pytest.mark.parametrize("override,needles", [
    ("no_such_key = 1", ["overrides", "no_such_key", "unknown key"]),
    ("persons = 5", ["overrides", "persons = 5"]),
])
def test_sweep_overrides_are_named_in_the_sweep_file(capsys, tmp_path, override, needles):
    f = write(tmp_path / "sw.toml", SWEEP.replace("persons = 200\n", f"{override}\n"))
    line = fails(capsys, ["sweep", f, "--out", tmp_path / "z"], str(f), *needles, folder=tmp_path)
    assert "baseline.toml" not in line


def test_sweep_workers_out_of_range_fails_at_once(capsys, tmp_path):
    f = write(tmp_path / "sw.toml", SWEEP)
    fails(capsys, ["sweep", f, "--out", tmp_path / "z", "--workers", "-1"], "--workers", folder=tmp_path)


def test_sweep_resume_onto_a_regular_file(capsys, tmp_path):
    f = write(tmp_path / "sw.toml", SWEEP)
    store = write(tmp_path / "store", "not zarr")
    fails(capsys, ["sweep", f, "--out", store, "--resume"], "not the Zarr store", folder=tmp_path)


def test_unreachable_scheduler_fails_in_seconds_and_leaves_no_store(capsys, tmp_path, monkeypatch):
    """The connection timeout is honoured: shown with 2 s in place of the shipped 10 s (a wait of 10 s
    proves nothing more, and the shipped value is checked to stay 10 s at most)."""
    from circsim.scenario.limits import SCHEDULER_TIMEOUT

    assert SCHEDULER_TIMEOUT <= 10
    monkeypatch.setattr(sys.modules["circsim.sweep"], "SCHEDULER_TIMEOUT", 2)
    f = write(tmp_path / "sw.toml", SWEEP)
    start = time.monotonic()
    line = fails(capsys, ["sweep", f, "--out", tmp_path / "z", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler",
                 folder=tmp_path)
    assert "within 2 s" in line
    assert time.monotonic() - start < 8  # the 2 s timeout honoured (the shipped 10 s would fail this)
    assert not (tmp_path / "z").exists()


# --- calibration and targets ----------------------------------------------------------------------

def test_calibrate_with_an_unknown_method_creates_nothing(capsys, tmp_path):
    fails(capsys, ["calibrate", ROOT / "calibration" / "huelva.toml", "--method", "bogus", "--out", tmp_path / "r"],
          "--method bogus")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("values,needle", [
    ("observed = nan\ninterval = [0.1, 0.9]", "finite"),
    ("observed = 0.5\ninterval = [0.9, 0.1]", "low must be below high"),
    ("observed = 0.95\ninterval = [0.1, 0.9]", "within its interval"),
])
def test_inconsistent_targets(capsys, tmp_path, values, needle):
    f = write(tmp_path / "t.toml", TARGETS + values + "\n")
    fails(capsys, ["validate", "huelva", "--targets", f], str(f), needle)


def test_calibration_free_key_names_the_config(capsys, tmp_path):
    f = write(tmp_path / "c.toml", 'scenario = "huelva"\ntargets = ["t.toml"]\n[[free]]\n'
                                   'key = "origins.Atlantis.border_control"\nbounds = [0, 1]\n')
    write(tmp_path / "t.toml", TARGETS + "observed = 0.5\ninterval = [0.1, 0.9]\n")
    fails(capsys, ["calibrate", f, "--out", tmp_path / "r"], str(f), "free[0].key", "no origin")


# --- the real executable: no traceback on a real exit ----------------------------------------------

@pytest.mark.parametrize("args", [
    ["run", "baseline", "--seed", "18446744073709551616"],
    ["run", "baseline", "--set", "*=1"],
    ["run", "baseline", "--seeds", "abc"],
    ["validate", "huelva", "--targets", "/"],
])
def test_real_exit_has_no_traceback(args):
    cli = Path(sys.executable).parent / "circsim"
    done = subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")


def test_real_exit_with_undecodable_bytes_in_a_set_value(tmp_path):
    cli = os.fsencode(Path(sys.executable).parent / "circsim")
    done = subprocess.run([cli, b"run", b"--set", b"origins.Morocco.border_control=\xff"], capture_output=True,
                          timeout=120)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.startswith(b"error: ") and len(done.stderr.strip().splitlines()) == 1


# --- the first run: compiling is announced ------------------------------------------------------

def test_a_cold_cache_is_detected(tmp_path, monkeypatch):
    from circsim import _cache

    monkeypatch.setattr(_cache, "CACHE_DIR", tmp_path)
    assert _cache.is_cold()
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "engine.advance-40.py311.nbi", b"")
    assert not _cache.is_cold()


def test_the_first_run_announces_the_compile_before_the_progress_bar(capsys, monkeypatch):
    from circsim import _cache

    monkeypatch.setattr(_cache, "is_cold", lambda: True)
    assert main(["run", "baseline", "--persons", "200", "--years", "1", "--set", "burn_in_years=0"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("compiling simulation kernels, first run only, about 3 minutes")
    assert "0/12" not in err  # the bar starts after the first month, once the kernels are compiled
