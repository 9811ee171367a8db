"""End to end: start the app, drive headless Chromium, compare the page with a CLI run.

The server runs in a thread on an ephemeral port (``port=0``); the browser goes through
``browser_support.open_page()``, whose network guard records any request that leaves the
machine. The numbers shown in the page must equal ``summary.json`` of ``python -m sim run``
on the scenario YAML the page offers for download (same seed, same replications).
In CI a missing browser is a failure (``CI`` set); locally the test skips. The screenshot
goes to the test's tmp folder; ``UPDATE_SCREENSHOTS=1`` also copies it to docs/img/app.png.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sim.app import reports
from sim.app.server import make_server, serve_in_thread, url_of

try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser, images_rendered, open_page, screenshot
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import have_browser, images_rendered, open_page, screenshot

ROOT = Path(__file__).resolve().parents[2]
DOCS_IMG = ROOT / "docs" / "img" / "app.png"

#: Set to 1 to refresh the documentation screenshot (docs/img/app.png) from this test.
UPDATE_DOCS = os.environ.get("UPDATE_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def app_url():
    """The app on an ephemeral port; skip without a browser locally, fail on CI."""
    if not have_browser():
        reason = "browser tests need playwright and Debian chromium (run scripts/install-browser.sh)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no browser: {reason}")
        pytest.skip(reason)
    server = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
    serve_in_thread(server)
    yield url_of(server)
    server.shutdown()
    server.server_close()
    server.app.runner.stop()


def _lookup(summary: dict, dotted: str):
    node = summary
    for part in dotted.split("."):
        node = node[part]
    return node


def _cli_summary(yaml_text: str, tmp: Path, name: str) -> dict:
    src = tmp / f"{name}.yaml"
    src.write_text(yaml_text, encoding="utf-8")
    out = tmp / f"cli-{name}"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(src), "--out", str(out), "--no-figures"],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "summary.json").read_text())


def test_run_in_browser_matches_cli(app_url, tmp_path):
    with open_page(viewport=(1400, 1000), timeout_ms=60_000) as page:
        page.goto(app_url)
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("#sc-freeze")
        # three shipped scenarios are pre-selected; move three assumptions
        for key in ("freeze", "truce_30day", "refusal"):
            assert page.is_checked(f"#sc-{key}")
        page.fill("#ctl-europe_aid", "2")          # "what if Europe doubles its aid?"
        page.dispatch_event("#ctl-europe_aid", "input")
        page.select_option("#ctl-monitoring", "international")
        page.fill("#replications", "2000")
        page.fill("#seed", "11")
        assert page.text_content("#ctl-europe_aid-out") == "×2.0"
        assert page.is_checked("#ctl-monitoring-set")
        assert not page.is_checked("#ctl-us_aid-set")

        page.click("#run")
        page.wait_for_selector("#results:not([hidden]) img[data-figure=acceptance]")
        rendered = images_rendered(page)
        assert len(rendered) == 4
        assert all(width > 0 for _src, width in rendered), rendered
        assert page.is_hidden("#errors")

        cells = page.eval_on_selector_all(
            "#tables [data-key]", "els => els.map(e => [e.dataset.run, e.dataset.key, e.dataset.value, e.textContent])")
        links = page.eval_on_selector_all(
            "a[data-download=yaml]", "els => els.map(e => [e.dataset.run, e.href])")
        n_reports = len(page.query_selector_all("a[data-download=report]"))
        assert n_reports == (4 if reports.available() else 0)      # one per scenario + the comparison
        heads = page.eval_on_selector_all("#tables table:first-of-type thead th.run-head", "els => els.map(e => e.textContent)")
        assert heads == ["freeze", "refusal", "truce_30day"]  # folder order

        shot = screenshot(page, tmp_path / "app.png")
        assert Path(shot).stat().st_size > 10_000
        if UPDATE_DOCS:
            DOCS_IMG.parent.mkdir(parents=True, exist_ok=True)
            from PIL import Image   # a matplotlib dependency: 256 colours keep the docs image small
            Image.open(shot).convert("RGB").quantize(256).save(DOCS_IMG, optimize=True)
        assert page.external_requests == []

    assert len(links) == 3 and len(cells) >= 3 * 20
    for run, url in links:
        with urllib.request.urlopen(url) as resp:
            yaml_text = resp.read().decode("utf-8")
        assert "seed: 11" in yaml_text and "replications: 2000" in yaml_text
        assert "monitoring: international" in yaml_text
        cli = _cli_summary(yaml_text, tmp_path, f"run{run}")
        mine = [c for c in cells if c[0] == run]
        assert len(mine) >= 20
        for _run, key, value, text in mine:
            expected = _lookup(cli, key)
            assert json.loads(value) == expected, (run, key)
            if key.startswith(("outcome_probabilities", "acceptance_probability")) and expected is not None:
                shown = float(text.rstrip("%"))
                assert abs(shown - 100 * expected) <= 0.05 + 1e-9, (key, text, expected)


def test_bad_input_shows_message_and_server_keeps_serving(app_url):
    with open_page(timeout_ms=60_000) as page:
        page.goto(app_url)
        page.wait_for_selector("body[data-ready=true]")
        # invalid pasted YAML: a message in the page, with the line
        page.click("#paste-box summary")
        page.fill("#pasted", "name: broken\noffers:\n  - preset: freze\n")
        page.click("#check")
        page.wait_for_selector("#paste-status.problem")
        msg = page.text_content("#paste-status")
        assert "<pasted>:3" in msg and "did you mean 'freeze'" in msg
        # an impossible value sent to the server: HTTP 400, message in the page
        page.check("#use-pasted")
        page.eval_on_selector("#replications", "e => { e.min = 1; e.value = 5; }")
        page.click("#run")
        page.wait_for_selector("#errors:not([hidden])")
        errors = page.text_content("#errors")
        assert "replications" in errors and "between 100 and 20,000" in errors
        assert "unknown offer preset 'freze'" in errors
        # the server still answers, and a good run still works
        page.uncheck("#use-pasted")
        page.eval_on_selector("#replications", "e => { e.value = 300; }")
        page.click("#run")
        page.wait_for_selector("#results:not([hidden]) img[data-figure=outcomes]")
        assert page.is_hidden("#errors")
        assert all(w > 0 for _s, w in images_rendered(page))
        assert page.external_requests == []
