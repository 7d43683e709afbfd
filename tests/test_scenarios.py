"""Scenario files: extends, overrides, timeline, and clear errors for bad input."""

import numpy as np
import pytest
from typer.testing import CliRunner

import circsim
from circsim.cli import app
from circsim.scenario import ScenarioError
from circsim.scenario.pack import pack

runner = CliRunner()


def test_bundled_scenarios_load():
    for name in circsim.scenario.bundled_names():
        s = circsim.load_scenario(name)
        assert s.persons > 0 and s.origins and s.destinations


def test_extends_overrides_and_keeps_the_rest():
    base = circsim.load_scenario("baseline")
    multi = circsim.load_scenario("seasonal_multiannual")
    assert multi.data["corridors"]["Morocco"]["Spain"]["seasonal_permit_years"] == 4
    assert multi.data["corridors"]["Morocco"]["Spain"]["quota_seasonal"] == base.data["corridors"]["Morocco"]["Spain"]["quota_seasonal"]
    assert multi.data["origins"] == base.data["origins"]


def test_set_dotted_and_wildcards():
    s = circsim.load_scenario("baseline", overrides=["origins.*.border_control=0.5", "years=3"])
    assert all(o["border_control"] == 0.5 for o in s.data["origins"].values())
    assert s.data["years"] == 3


def test_timeline_changes_parameters_from_its_date(tmp_path):
    f = tmp_path / "partnership.toml"
    f.write_text('extends = "baseline"\nstart = "2008-01"\nburn_in_years = 1\n'
                 '[[timeline]]\nat = "2010-01"\norigins.Morocco.readmission_cooperation = 0.9\n'
                 '"corridors.*.Spain.seasonal_permit_years" = 3\n')
    s = circsim.load_scenario(f)
    pol = pack(s)
    o = s.origins.index("Morocco")
    t = 12 + 24  # burn-in year + two recorded years
    before = circsim.load_scenario("baseline").data["origins"]["Morocco"]["readmission_cooperation"]
    assert before != 0.9 and pol.origin.readmission_cooperation[t - 1, o] == before
    assert pol.origin.readmission_cooperation[t, o] == 0.9
    assert (pol.corridor.seasonal_permit_years[t:, :, 0] == 3).all()
    assert (pol.corridor.seasonal_permit_years[:t, :, 0] == 1).all()


def _error(tmp_path, text, name="bad.toml"):
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(ScenarioError) as info:
        circsim.load_scenario(f)
    return str(info.value), f


def test_unknown_key(tmp_path):
    msg, f = _error(tmp_path, 'extends = "baseline"\n[origins.Morocco]\nreadmision_cooperation = 0.5\n')
    assert str(f) in msg and "origins.Morocco.readmision_cooperation" in msg and "unknown key" in msg
    assert "readmission_cooperation" in msg  # did you mean


def test_wrong_type(tmp_path):
    msg, f = _error(tmp_path, 'extends = "baseline"\n[origins.Morocco]\nborder_control = "high"\n')
    assert str(f) in msg and "origins.Morocco.border_control" in msg and "0 to 1" in msg


def test_out_of_range(tmp_path):
    msg, f = _error(tmp_path, 'extends = "baseline"\n[corridors.Morocco.Spain]\nseasonal_permit_years = 7\n')
    assert "corridors.Morocco.Spain.seasonal_permit_years" in msg and "1 to 5" in msg and str(f) in msg


def test_timeline_value_out_of_range(tmp_path):
    msg, _ = _error(tmp_path, 'extends = "baseline"\n[[timeline]]\nat = "2010-01"\norigins.Morocco.border_control = 2.0\n')
    assert "timeline[0].origins.Morocco.border_control" in msg and "0 to 1" in msg


def test_unknown_entity_in_corridor(tmp_path):
    msg, _ = _error(tmp_path, 'extends = "baseline"\n[corridors.Atlantis.Spain]\nvisa_fee = 10\n')
    assert "corridors.Atlantis" in msg


def test_malformed_toml(tmp_path):
    msg, f = _error(tmp_path, 'extends = "baseline"\n[origins.Morocco\n')
    assert str(f) in msg and "malformed TOML" in msg


def test_missing_file():
    with pytest.raises(ScenarioError) as info:
        circsim.load_scenario("no/such/file.toml")
    assert "no/such/file.toml" in str(info.value) and "baseline" in str(info.value)


@pytest.mark.parametrize("args,needle", [
    (["run", "no_such_scenario"], "no such scenario"),
    (["run", "baseline", "--set", "origins.Morocco.border_control=3"], "0 to 1"),
    (["run", "baseline", "--set", "behaviour.no_such=1"], "unknown key"),
    (["run", "baseline", "--set", "origins.Morocco.border_control='x'"], "must be a number"),
])
def test_cli_bad_input_exits_2_with_one_clear_message(args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_cli_bad_file_exits_2(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('extends = "baseline"\nyears = 0\n')
    result = runner.invoke(app, ["run", str(f)])
    assert result.exit_code == 2 and str(f) in result.output and "years" in result.output


def test_timeline_changes_after_the_end_are_validated_but_do_not_apply(tmp_path):
    s = circsim.load_scenario("mobility_partnership", years=2)  # the partnership is signed in 2011
    assert s.changes == []
    msg, _ = _error(tmp_path, 'extends = "baseline"\nyears = 2\n[[timeline]]\nat = "2030-01"\n'
                              'origins.Morocco.border_control = 2.0\n')
    assert "timeline[0].origins.Morocco.border_control" in msg and "0 to 1" in msg


def test_overrides_may_be_nested_tables_or_dotted_keys():
    s = circsim.load_scenario("baseline", overrides={"persons": 300, "origins": {"Morocco": {"border_control": 0.33}},
                                                     "corridors.*.Spain.visa_fee": 5.0})
    assert s.persons == 300 and s.data["origins"]["Morocco"]["border_control"] == 0.33
    assert all(s.data["corridors"][o]["Spain"]["visa_fee"] == 5.0 for o in s.origins)
