"""End to end (issue 14): the app draws the margin waterfall, as SVG, beside the acceptance bars.

Each bar of the waterfall must be the number of the run's ``summary.json`` (the page's own
download, which tests/app/test_app_e2e.py ties to ``ceasefire-sim run``): a part starts where
the previous one ended, and the total bar is the summary's total, where the parts end.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pytest


try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser, open_page
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import have_browser, open_page

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTLED = "body[data-idle=true] #results:not([hidden]) svg[data-chart=acceptance]"


def test_waterfall_beside_the_acceptance_bars(app_url):
    with open_page(viewport=(1400, 1000), timeout_ms=120_000) as page:
        page.goto(app_url)
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#replications", "1000")
        page.fill("#seed", "5")
        page.click("#run")
        page.wait_for_selector(SETTLED)
        page.wait_for_selector("svg[data-waterfall]")
        runs = page.eval_on_selector_all("a[data-download=summary]", "els => els.map(e => [+e.dataset.run, e.href])")
        assert len(runs) == 3
        # beside: the acceptance chart and the waterfalls share a row, bars left, waterfall right
        acc = page.eval_on_selector("svg[data-chart=acceptance]", "e => e.getBoundingClientRect().toJSON()")
        why = page.eval_on_selector("figure[data-figure=why]", "e => e.getBoundingClientRect().toJSON()")
        assert abs(acc["top"] - why["top"]) < 40 and why["left"] >= acc["right"] - 1, (acc, why)
        # the charts of tests/app/test_app_e2e.py are still the four, in their order
        assert page.eval_on_selector_all("#figures svg[data-chart]", "els => els.map(e => e.dataset.chart)") == \
            ["outcomes", "survival", "territory", "acceptance"]
        drawn = page.eval_on_selector_all("svg[data-waterfall]", """els => els.map(s => ({
            run: +s.dataset.waterfall,
            actors: [...s.querySelectorAll('g[data-actor]')].map(g => ({
                actor: g.dataset.actor,
                parts: [...g.querySelectorAll('rect[data-part]')].map(r => [r.dataset.part, JSON.parse(r.dataset.mean),
                                                                            JSON.parse(r.dataset.start), r.getAttribute('fill')]),
                total: JSON.parse(g.querySelector('rect[data-total]').dataset.total),
                end: JSON.parse(g.querySelector('rect[data-total]').dataset.partsEnd),
                labels: [...g.querySelectorAll('text')].map(t => t.textContent)}))}))""")
        assert page.external_requests == []
    assert sorted(d["run"] for d in drawn) == [0, 1, 2]
    checked = 0
    for run, url in runs:
        with urllib.request.urlopen(url) as resp:
            summary = json.loads(resp.read())
        shown = next(d for d in drawn if d["run"] == run)
        margins = summary["margins"][0]["actors"] if summary.get("margins") else {}
        assert [a["actor"] for a in shown["actors"]] == [a for a in ("russia", "ukraine", "united_states", "europe")
                                                         if a in margins]
        for a in shown["actors"]:
            row = margins[a["actor"]]
            assert [p[0] for p in a["parts"]] == list(row["parts"])
            level = 0.0
            for name, mean, start, fill in a["parts"]:
                assert mean == row["parts"][name]["mean"] and start == pytest.approx(level, abs=1e-12)
                assert fill == ("#009E73" if mean >= 0 else "#D55E00")
                level += mean
            assert a["total"] == row["total"]["mean"]
            assert a["end"] == pytest.approx(level, abs=1e-12)
            assert a["total"] == pytest.approx(level, abs=1e-4)      # means add up (6 significant digits)
            assert "total (accepts if > 0)" in a["labels"] and "own casualties" in a["labels"]
            checked += 1
    assert checked >= 4          # at least both parties of two offers
