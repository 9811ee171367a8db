"""End to end (issue 15): the app's design view. Pick the terms, press Search, see the front,
click a package to see it run; the numbers are those of ``ceasefire-sim design``'s engine.

Also the bounds of the design requests (the app's job runner: bad input 400, too many packages
or too much work 400), checked without a browser.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sim.app.server import make_server, serve_in_thread, url_of
from sim.design import output as design_output
from sim.design.runner import make_config, run_design

try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser, open_page
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import have_browser, open_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server():
    srv = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
    serve_in_thread(srv)
    yield srv
    srv.shutdown()
    srv.server_close()
    srv.app.runner.stop()


def post(base: str, path: str, body) -> tuple[int, dict]:
    req = urllib.request.Request(base + path.lstrip("/"), data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("body,words", [
    ({"scenario": "freeze", "vary": ["monitorin"], "replications": 100}, "did you mean 'monitoring'"),
    ({"scenario": "freez", "vary": ["monitoring"], "replications": 100}, "freez"),
    ({"scenario": "freeze", "vary": [], "replications": 100}, "tick at least one term"),
    ({"scenario": "freeze", "vary": ["monitoring"], "replications": 50}, "between 100 and 2000"),
    ({"scenario": "freeze", "vary": ["line", "monitoring", "guarantees", "sanctions_relief"], "replications": 100},
     "at most 64"),
    ({"scenario": "freeze", "vary": ["monitoring", "guarantees", "sanctions_relief", "extension"],
      "replications": 2000}, "replication-weeks"),
])
def test_bad_or_too_large_design_requests_are_refused(server, body, words):
    code, answer = post(url_of(server), "/api/design", body)
    assert code == 400 and any(words in e for e in answer["errors"]), answer
    assert not any(j.plan.__class__.__name__ == "DesignPlan" and j.state == "queued" for j in server.app.runner.jobs())


def test_a_package_run_needs_a_finished_design(server):
    code, answer = post(url_of(server), "/api/design/999/run", {"package": 0})
    assert code == 400 and "no finished design search" in answer["errors"][0]


def test_design_view_in_the_browser(server, tmp_path):
    if not have_browser():
        reason = "browser tests need playwright and Debian chromium (run scripts/install-browser.sh)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no browser: {reason}")
        pytest.skip(reason)
    with open_page(viewport=(1400, 1000), timeout_ms=180_000) as page:
        page.goto(url_of(server))
        page.wait_for_selector("body[data-design-ready=true]")
        page.select_option("#design-scenario", "freeze")
        page.check("#dv-monitoring")
        page.check("#dv-guarantees")
        assert page.text_content("#design-size") == "9 packages"
        page.fill("#design-replications", "100")
        page.fill("#seed", "3")
        page.click("#design-search")
        page.wait_for_selector("svg[data-design-front] circle[data-package]")
        page.wait_for_selector("body[data-design-idle=true]")
        points = page.eval_on_selector_all("svg[data-design-front] circle[data-package]", """els => els.map(c =>
            [+c.dataset.package, c.dataset.front === "true", JSON.parse(c.dataset.x), JSON.parse(c.dataset.y)])""")
        distance = page.text_content("#design-distance")
        rows = page.eval_on_selector_all("#design-table tbody tr", "els => els.map(r => +r.dataset.package)")
        front = sorted(p for p, on, _x, _y in points if on)
        # click a front package: it runs like a scenario and shows under Results
        page.click(f"svg[data-design-front] circle[data-package='{front[0]}']")
        page.wait_for_function(f"() => document.body.dataset.designRun === 'P{front[0]}' && "
                               "document.body.dataset.designIdle === 'true'")
        heads = page.eval_on_selector_all("#tables table:first-of-type thead th.run-head", "els => els.map(e => e.textContent)")
        yaml_link = page.eval_on_selector("a[data-download=yaml]", "e => e.href")
        assert page.external_requests == []
    assert len(points) == 9 and front and set(front) <= set(rows)
    # the same search from the command line's engine: every point is its number, the same front
    c = make_config(str(ROOT / "scenarios" / "freeze.yaml"), vary="monitoring,guarantees", replications=100, seed=3,
                    search_method="exhaustive")
    result = run_design(c, out=tmp_path / "d", workers=1, write_outputs=False)
    df = design_output.table(result)
    for pid, on, x, y in points:
        row = df[df["package"] == pid].iloc[0]
        assert x == pytest.approx(row["p_agreed"], abs=1e-12) and y == pytest.approx(row["p_holds_3y"], abs=1e-12)
        assert on == bool(row["on_front"])
    assert distance == design_output.distance_text(result, df)
    # the package that ran is that package: its terms, the design's seed and replications
    assert heads == [f"P{front[0]}"]
    with urllib.request.urlopen(yaml_link) as resp:
        text = resp.read().decode()
    want = df[df["package"] == front[0]].iloc[0]
    assert f"monitoring: {want['monitoring']}" in text and "seed: 3" in text and "replications: 100" in text
