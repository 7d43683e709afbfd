"""The policy lab: the variant file it writes, its checks, its numbers, and the page in a real browser.

The browser test serves the page with ``circsim lab`` on localhost, changes one lever, runs a small
world, checks that the effect table and a plot appear, downloads the variant and runs it through the
command line (``circsim compare`` and ``circsim run``): the numbers must be the page's. Its
screenshot is ``docs/lab_page.png``. It needs Debian's chromium, ``playwright`` and ``solara`` with
``solara-assets`` (the viz extra), and is skipped with the reason when they are absent.
"""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import circsim
from circsim.engine import ResolutionWarning
from conftest import free_port, wait_until_served
from circsim.lab import check_levers, compare, load_variant, value_at, variant_toml

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"persons": 600, "years": 2}


def test_variant_file_loads_with_the_levers_and_the_run_size():
    text = variant_toml("baseline", {"origins.*.readmission_cooperation": 0.8, "corridors.*.*.seasonal_permit_years": 3},
                        **SMALL, start="2009-01")
    s = load_variant(text)
    assert 'extends = "baseline"' in text and s.persons == SMALL["persons"] and s.data["years"] == SMALL["years"]
    before = value_at(circsim.load_scenario("baseline"), "origins.*.readmission_cooperation")
    assert value_at(s, "origins.*.readmission_cooperation", "2008-12") == before   # the baseline's, before the start
    for origin in s.origins:
        assert value_at(s, f"origins.{origin}.readmission_cooperation", "2009-01") == 0.8
    for origin in s.origins:
        for dest in s.destinations:
            assert value_at(s, f"corridors.{origin}.{dest}.seasonal_permit_years", "2009-06") == 3


def test_variant_holds_its_value_where_the_scenario_changes_the_lever_later():
    # mobility_partnership sets readmission cooperation to 0.6 in 2011-01: the variant keeps its 0.3
    size = {"persons": 600, "years": 6}
    text = variant_toml("mobility_partnership", {"origins.*.readmission_cooperation": 0.3}, **size)
    assert 'at = "2011-01"' in text
    assert value_at(circsim.load_scenario("mobility_partnership", **size), "origins.*.readmission_cooperation",
                    "2012-01") == 0.6
    assert value_at(load_variant(text), "origins.*.readmission_cooperation", "2012-01") == 0.3
    # the file holds the value whatever the run's length: the entry is written when the run ends before it
    assert 'at = "2011-01"' in variant_toml("mobility_partnership", {"origins.*.readmission_cooperation": 0.3},
                                            **SMALL)


def test_a_lever_outside_its_range_names_the_key_and_the_range():
    with pytest.raises(circsim.ScenarioError, match=r"origins\.\*\.readmission_cooperation = 1\.5: must be a number "
                                                     r"from 0 to 1 share"):
        check_levers({"origins.*.readmission_cooperation": 1.5})
    with pytest.raises(circsim.ScenarioError, match=r"seasonal_permit_years = 2\.5: must be an integer from 1 to 5"):
        check_levers({"corridors.*.*.seasonal_permit_years": 2.5})
    with pytest.raises(circsim.ScenarioError, match="not a lever of the lab"):
        check_levers({"behaviour.beta_income": 1.0})
    with pytest.raises(circsim.ScenarioError, match=r"corridors\.\*\.\*\.visa_fee = -1: must be a number from 0 to 10000"):
        variant_toml("baseline", {"corridors.*.*.visa_fee": -1}, **SMALL)
    with pytest.raises(circsim.ScenarioError, match="start = '2009-13': must be a month 'YYYY-MM'"):
        variant_toml("baseline", {}, **SMALL, start="2009-13")


def test_the_bench_gives_compare_seeds_numbers_and_consistent_trips():
    a = circsim.load_scenario("baseline", **SMALL)
    b = load_variant(variant_toml("baseline", {"origins.*.readmission_cooperation": 0.9}, **SMALL))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        expected = circsim.compare_seeds(a, b, [0, 1])
    got = compare(a, b, [0, 1])
    effects = got.effects()
    pd.testing.assert_frame_equal(effects.drop(columns="unit"), expected)
    # the distribution of legal trips counts the headline's ever-migrants, and its low bins give its circular share
    ds, trips = got.runs_a[0], got.trips_a[0]
    assert trips.sum() == pytest.approx(float(ds.ever_migrants.isel(time=-1).sum()))
    assert trips[2:].sum() / trips.sum() == pytest.approx(circsim.headline(ds)["circular_share"])
    assert got.yearly("irregular_stock_end").sizes == {"scenario": 2, "seed": 2, "year": SMALL["years"]}
    assert len(got.by_community()) == len(a.communities)


# --- the page in a real browser ---------------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE = {"persons": 2000, "years": 3, "seeds": 2}


@pytest.fixture(scope="module")
def server():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (viz extra)")
    pytest.importorskip("solara_assets", reason="solara-assets is not installed (viz extra)")
    # compile (or load) the kernels here first, so the server does not start on a cold cache
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        circsim.run(circsim.load_scenario("baseline", persons=500, years=1, burn_in_years=0), 0)
    port = free_port()
    circsim_cli = [sys.executable, "-m", "circsim.cli"]
    proc = subprocess.Popen(circsim_cli + ["lab", "--port", str(port), "--persons", str(PAGE["persons"]),
                                           "--years", str(PAGE["years"]), "--seeds", str(PAGE["seeds"])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy(),
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    wait_until_served(url, lambda: os.killpg(proc.pid, 15), "circsim lab")
    yield url
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)


def _cli(*args, cwd) -> None:
    done = subprocess.run([sys.executable, "-m", "circsim.cli", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_lab_page_runs_a_variant_whose_file_reproduces_its_numbers(server, tmp_path):
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        page.goto(server, wait_until="networkidle", timeout=120_000)
        heading = page.get_by_role("heading", name="circsim policy lab")
        heading.wait_for(timeout=120_000)
        # change one lever: the seasonal permit's validity, 1 -> 4 years, by the keyboard on its slider
        slider = page.locator(".lab-lever", has_text="Seasonal permit validity").get_by_role("slider")
        slider.focus()
        for _ in range(3):
            slider.press("ArrowRight")
        page.get_by_text("corridors.*.*.seasonal_permit_years = 4").wait_for(timeout=30_000)
        page.get_by_role("button", name="Run A and B").click()
        table = page.locator("table.lab-effects")
        table.wait_for(timeout=300_000)
        page.locator(".lab-results img").first.wait_for(timeout=60_000)
        assert page.locator(".lab-results img").count() >= 2        # effects and yearly series (costs if priced)
        rows = {}
        for row in table.locator("tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            rows[cells[0]] = [float("nan") if c == "n/a" else float(c) for c in cells[2:]]
        with page.expect_download() as info:
            page.get_by_text("Download the variant").click()
        variant = tmp_path / "variant.toml"
        info.value.save_as(variant)
        heading.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        page.screenshot(path=ROOT / "docs" / "lab_page.png")
        browser.close()
    text = variant.read_text()
    assert '"corridors.*.*.seasonal_permit_years" = 4' in text
    n = str(PAGE["seeds"])
    _cli("compare", "baseline", str(variant), "--seeds", n, "--persons", str(PAGE["persons"]), "--years",
         str(PAGE["years"]), "--out", str(tmp_path / "effect.csv"), cwd=tmp_path)
    _cli("run", str(variant), "--seeds", n, "--summary", str(tmp_path / "variant.csv"), "--no-progress", cwd=tmp_path)
    effect = pd.read_csv(tmp_path / "effect.csv", index_col=0)
    summary = pd.read_csv(tmp_path / "variant.csv", index_col=0)
    assert len(rows) >= 10
    for name, (a, b, mean, low, high) in rows.items():
        expected = effect.loc[name, ["a", "b", "mean", "low", "high"]].to_numpy(dtype=float)
        np.testing.assert_allclose([a, b, mean, low, high], expected, rtol=1e-5, atol=1e-9, err_msg=name)
        np.testing.assert_allclose(b, summary.loc[name, "mean"], rtol=1e-5, atol=1e-9, err_msg=name)
    assert (effect.loc[list(rows), "mean"] != 0).any()   # the lever changed something
