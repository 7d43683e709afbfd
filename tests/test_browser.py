"""The SolaraViz page in a real browser: served on localhost, stepped, screenshot, plots checked.

Needs Debian's chromium (``.ci/run`` installs it), the ``playwright`` Python package (driver
only: it uses /usr/bin/chromium, no browser download) and ``solara`` with ``solara-assets``
(the page's JavaScript served locally, without a CDN). Skipped with the reason when absent.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port, wait_until_served

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (viz extra)")
pytest.importorskip("solara_assets", reason="solara-assets is not installed (viz extra)")

APP = '''from circsim.mesa_model import make_page

page = make_page("baseline", persons=20000, years=3, burn_in_years=1)
'''
BLUE = np.array([31, 119, 180]) / 255  # matplotlib tab:blue: temporary workers, shortage, circular share


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import circsim

    # compile (or load) the kernels here first, so the server does not start on a cold cache
    circsim.run(circsim.load_scenario("baseline", persons=500, years=1, burn_in_years=0), 0)
    folder = tmp_path_factory.mktemp("viz")
    (folder / "app.py").write_text(APP)
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    proc = subprocess.Popen([str(solara), "run", "app.py", "--host", "127.0.0.1", "--port", str(port),
                             "--production", "--no-open"], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}/"
    wait_until_served(url, proc.kill, "the solara server")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def _line_pixels(path) -> int:
    """Pixels of the colour of the lines drawn in three of the four plots."""
    import matplotlib.image

    rgb = matplotlib.image.imread(path)[..., :3]
    return int((np.abs(rgb - BLUE).max(axis=-1) < 0.08).sum())


def test_page_shows_sliders_and_plots_that_grow_as_the_model_steps(server, tmp_path):
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="networkidle", timeout=120_000)
        page.get_by_text("Model Parameters").wait_for(timeout=120_000)
        assert page.get_by_text("Readmission cooperation (all origins)").count() == 1
        page.wait_for_timeout(2000)
        page.screenshot(path=tmp_path / "before.png")
        for _ in range(8):
            page.get_by_role("button", name="Step").click()
            page.wait_for_timeout(400)
        page.get_by_text("Step: 8").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=tmp_path / "after.png")
        browser.close()
    before, after = _line_pixels(tmp_path / "before.png"), _line_pixels(tmp_path / "after.png")
    assert after > before + 500, (before, after)  # the lines were drawn over the eight months
