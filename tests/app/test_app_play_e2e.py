"""End to end: headless Chromium plays a short game through the Play page.

Choose a seat, make an offer through the form, answer the question on the table, let the
model play the rest, read the debrief, download the game file; ``ceasefire-sim replay`` of
that file gives the same outcome and writes the same bytes. Two tabs play two games at once.
In CI a missing browser is a failure (``CI`` set); locally the test skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


try:
    from browser_support import have_browser, open_page
except ImportError:
    from tests.browser_support import have_browser, open_page

ROOT = Path(__file__).resolve().parents[2]


def _replay(path: Path, tmp: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "sim", "replay", str(path), "--out", str(tmp / "replayed.yaml")],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=300)


def test_play_a_short_game_in_the_browser_and_replay_it(app_url, tmp_path):
    with open_page(viewport=(1400, 1000), timeout_ms=60_000) as page:
        page.goto(app_url + "play.html")
        page.wait_for_selector("body[data-ready=true]")
        page.select_option("#play-scenario", "freeze")
        page.check("#seat-ukraine")
        page.fill("#play-seed", "11")
        page.click("#play-start")
        page.wait_for_selector("#board:not([hidden]) .situation[data-seat=ukraine]")
        assert "Your red lines" in page.inner_text(".situation")
        assert "CROSSED" not in page.inner_text(".situation")
        # an offer of Ukraine's own, through the form: current lines, international monitoring, guarantees
        page.click("#propose-box summary")
        page.select_option("#term-monitoring", "international")
        page.select_option("#term-guarantees", "bilateral_agreements")
        page.click("#propose")
        page.wait_for_selector("body[data-idle=true]")
        page.click("#advance")                                 # week 0: the freeze is on the table
        page.wait_for_selector("#question:not([hidden])")
        assert "accept or refuse" in page.inner_text("#question-text")
        assert "On the table: offer 0 by Russia: line: current, recognition de facto" in page.inner_text(".situation")
        page.click("#answer-no")
        page.wait_for_selector("body[data-idle=true]")
        while page.is_visible("#question"):                     # any other question this week
            page.click("#answer-no")
            page.wait_for_selector("body[data-idle=true]")
        page.click("#autopilot")
        page.wait_for_selector("body[data-finished=true] #differences")
        debrief = page.inner_text("#debrief")
        assert "The model alone in your world" in debrief
        with page.expect_download() as info:
            page.click("#download-yaml")
        path = tmp_path / "game.yaml"
        info.value.save_as(path)
        assert page.external_requests == []
    data = yaml.safe_load(path.read_text())
    kinds = [(m["week"], m["actor"], m["kind"]) for m in data["moves"]]
    assert kinds[0] == (0, "ukraine", "propose") and (0, "ukraine", "accept") in kinds
    assert data["seed"] == 11 and data["moves"][0]["terms"]["monitoring"] == "international"
    done = _replay(path, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "the same outcome as recorded" in done.stdout
    assert (tmp_path / "replayed.yaml").read_bytes() == path.read_bytes()


def test_two_tabs_play_at_once(app_url):
    with open_page(timeout_ms=60_000) as page:
        other = page.context.new_page()
        for p, seat in ((page, "russia"), (other, "ukraine")):
            p.goto(app_url + "play.html")
            p.wait_for_selector("body[data-ready=true]")
            p.select_option("#play-scenario", "freeze")
            p.uncheck("#seat-ukraine")
            p.check(f"#seat-{seat}")
            p.click("#play-start")
            p.wait_for_selector("#board:not([hidden])")
        page.click("#advance")
        page.wait_for_selector("#question:not([hidden])")
        assert "Russia, week 0" in page.inner_text("#question-text")
        assert other.get_attribute("body", "data-turn") == "0" and other.is_hidden("#question")
        other.fill("#weeks", "1")
        other.click("#advance")
        other.wait_for_selector("#question:not([hidden])")
        assert "Ukraine, week 0" in other.inner_text("#question-text")
