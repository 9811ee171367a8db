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

try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser, open_page, screenshot
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import have_browser, open_page, screenshot

from sim.engine.model import OUTCOME_CLASSES
from sim.scenario.offers import ACTORS

ROOT = Path(__file__).resolve().parents[2]
#: The results are on screen and no run is in flight or waiting (sliders re-run on release).
SETTLED = "body[data-idle=true] #results:not([hidden]) svg[data-chart=acceptance]"
DOCS_IMG = ROOT / "docs" / "img" / "app.png"

#: Set to 1 to refresh the documentation screenshot (docs/img/app.png) from this test.
UPDATE_DOCS = os.environ.get("UPDATE_SCREENSHOTS") == "1"


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
        # three shipped scenarios are pre-selected, numbered in the compare command's order
        for i, key in enumerate(("freeze", "truce_30day", "refusal"), start=1):
            assert page.is_checked(f"#sc-{key}") and page.text_content(f"#slot-{key}") == str(i)
        # unmoved sliders say where they stand
        assert page.text_content("#ctl-us_aid-out") == "as in each scenario: ×1.0"
        assert page.text_content("#ctl-exchange_ratio-out") == "as in each scenario: 2.25 : 1"
        assert "truce_30day: 2–10 EUR bn a year" in page.text_content("#ctl-us_aid-now")
        assert page.text_content("#ctl-europe_aid-now") == "As written, in every chosen scenario: 18–26 EUR bn a year (uniform)"
        page.fill("#ctl-europe_aid", "2")          # "what if Europe doubles its aid?"
        page.dispatch_event("#ctl-europe_aid", "input")
        page.select_option("#ctl-monitoring", "international")
        page.fill("#replications", "2000")
        page.fill("#seed", "11")
        assert page.text_content("#ctl-europe_aid-out") == "×2.0"
        assert page.is_checked("#ctl-monitoring-set")
        assert not page.is_checked("#ctl-us_aid-set")

        page.click("#run")
        page.wait_for_selector(SETTLED)
        assert page.query_selector_all("img") == []          # charts are SVG drawn in the page
        charts = page.eval_on_selector_all("#figures svg[data-chart]", "els => els.map(e => [e.dataset.chart, "
                                           "e.querySelector('title').textContent, e.getBoundingClientRect().width])")
        assert [c[0] for c in charts] == ["outcomes", "survival", "territory", "acceptance"]
        assert all(title and width > 300 for _n, title, width in charts), charts
        assert page.is_hidden("#errors")
        bars = page.eval_on_selector_all(
            "#figures svg[data-chart=outcomes] rect[data-run], #figures svg[data-chart=acceptance] rect[data-run]",
            "els => els.map(e => [e.closest('svg').dataset.chart, +e.dataset.run, +e.dataset.key, e.dataset.value])")
        assert len([b for b in bars if b[0] == "outcomes"]) == 3 * len(OUTCOME_CLASSES)
        curves = page.eval_on_selector_all("#figures svg[data-chart=survival] path[data-run]", "els => els.length")
        assert curves == 2                                    # refusal: no ceasefire, no curve
        when = page.text_content("[data-actor=ukraine][data-red-line=demilitarization] .rl-when")
        assert "a cap on Ukraine's army below 400 thousand soldiers" in when and "army cap below" not in when
        # issue 14: badges say whether a red line was crossed in this run; sources read as citations
        badges = page.eval_on_selector_all("[data-actor=ukraine][data-red-line=oversight] .badge",
                                           "els => els.map(e => e.textContent)")
        assert len(badges) == 3 and all("crossed" in b or "no offer put" in b for b in badges), badges
        quotes = page.eval_on_selector_all(".rl-source", "els => els.map(e => e.textContent)")
        assert quotes and not any(".txt" in q for q in quotes), quotes

        cells = page.eval_on_selector_all(
            "#tables [data-key]", "els => els.map(e => [e.dataset.run, e.dataset.key, e.dataset.value, e.textContent])")
        links = page.eval_on_selector_all(
            "a[data-download=yaml]", "els => els.map(e => [e.dataset.run, e.href])")
        n_reports = len(page.query_selector_all("a[data-download=report]"))
        assert n_reports == (4 if reports.available() else 0)      # one per scenario + the comparison
        heads = page.eval_on_selector_all("#tables table:first-of-type thead th.run-head", "els => els.map(e => e.textContent)")
        assert heads == ["freeze", "truce_30day", "refusal"]  # the order chosen, as `compare` takes them
        legend = page.eval_on_selector_all("#figures svg[data-chart=outcomes] .legend text", "els => els.map(e => e.textContent)")
        assert legend == heads

        shot = screenshot(page, tmp_path / "app.png")
        assert Path(shot).stat().st_size > 10_000
        if UPDATE_DOCS:
            DOCS_IMG.parent.mkdir(parents=True, exist_ok=True)
            from PIL import Image   # a matplotlib dependency: 256 colours keep the docs image small
            Image.open(shot).convert("RGB").quantize(256).save(DOCS_IMG, optimize=True)
        assert page.external_requests == []

        # a slider released re-runs without the button; unticking and reticking moves a scenario last
        page.uncheck("#sc-freeze")
        page.check("#sc-freeze")
        assert [page.text_content(f"#slot-{k}") for k in ("truce_30day", "refusal", "freeze")] == ["1", "2", "3"]
        page.wait_for_function("() => document.body.dataset.idle === 'true' && "
                               "document.querySelector('#tables th.run-head').textContent === 'truce_30day'")
        page.fill("#ctl-us_aid", "0")
        page.dispatch_event("#ctl-us_aid", "change")
        page.wait_for_function("() => document.querySelector('#run-summary').textContent.includes('US military aid ×0.0')"
                               " && document.body.dataset.idle === 'true'")
        heads = page.eval_on_selector_all("#tables table:first-of-type thead th.run-head", "els => els.map(e => e.textContent)")
        assert heads == ["truce_30day", "refusal", "freeze"]
        assert page.external_requests == []

    assert len(links) == 3 and len(cells) >= 3 * 20
    keys = {"outcomes": ("outcome_probabilities", OUTCOME_CLASSES), "acceptance": ("acceptance_probability", ACTORS)}
    for run, url in links:
        with urllib.request.urlopen(url) as resp:
            yaml_text = resp.read().decode("utf-8")
        assert "seed: 11" in yaml_text and "replications: 2000" in yaml_text
        assert "monitoring: international" in yaml_text
        cli = _cli_summary(yaml_text, tmp_path, f"run{run}")
        drawn = [b for b in bars if b[1] == int(run)]
        assert len(drawn) >= len(OUTCOME_CLASSES)
        for chart, _run, index, value in drawn:            # every bar is the CLI's number
            section, names = keys[chart]
            assert json.loads(value) == cli[section][names[index]], (chart, names[index])
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
        page.wait_for_selector(SETTLED)
        assert page.is_hidden("#errors")
        assert len(page.query_selector_all("#figures svg[data-chart]")) == 4
        # nothing chosen: pressing Run says so (unticking alone does not send anything)
        for key in ("freeze", "truce_30day", "refusal"):
            page.uncheck(f"#sc-{key}")
        page.wait_for_selector("body[data-idle=true]")
        page.click("#run")
        page.wait_for_selector("#errors:not([hidden])")
        assert "choose at least one scenario" in page.text_content("#errors")
        assert page.external_requests == []
