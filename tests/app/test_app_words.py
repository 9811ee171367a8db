"""Tests for sim.app.words and the controls' "where it stands now": terms in words, not code."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app import controls, words
from sim.scenario import catalog
from sim.scenario.distributions import Param
from sim.scenario.offers import ACTORS
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("when, text", [
    ({"army_cap_below": 400}, "a cap on Ukraine's army below 400 thousand soldiers"),
    ({"monitoring": ["none"], "duration_days": [None]}, "no monitoring and no end date (an indefinite ceasefire)"),
    ({"parties_exclude": ["ukraine"]}, "Ukraine left out of the talks"),
    ({"line": ["pre_2022", "pre_2014"]}, "a line at the pre-2022 front (Russia hands back land taken since 2022) "
                                         "or a line at the 2014 borders (Russia hands back Crimea too)"),
    ({"army_cap": [None]}, "no cap on the size of Ukraine's army"),
    ({"duration_days": [30]}, "a 30-day truce"),
])
def test_conditions_in_words(when, text):
    assert words.describe_when(when) == text


def test_every_shipped_red_line_reads_as_words():
    for actor in ACTORS:
        for key, rl in (catalog.profile(actor).get("red_lines") or {}).items():
            text = words.describe_when(rl["when"])
            assert "_" not in text and "None" not in text and ":" not in text, (actor, key, text)


@pytest.mark.parametrize("param, kw, text", [
    (Param("uniform", (15.0, 25.0)), {"unit": "EUR bn a year"}, "15–25 EUR bn a year (uniform)"),
    (Param("triangular", (2.0, 2.25, 2.5)), {}, "2–2.5 (most likely 2.25)"),
    (Param("fixed", (0.4,)), {"percent": True}, "40%"),
    (Param("uniform", (0.7, 1.0)), {"percent": True, "unit": "of the wartime pace"}, "70%–100% of the wartime pace (uniform)"),
])
def test_parameter_values_in_words(param, kw, text):
    assert words.describe_param(param, **kw) == text


def test_unchanged_controls_stand_at_each_scenarios_value():
    freeze = load_scenario(ROOT / "scenarios" / "freeze.yaml")
    truce = load_scenario(ROOT / "scenarios" / "truce_30day.yaml")
    now = controls.current(freeze)
    assert now["exchange_ratio"]["value"] == freeze.params["attrition.exchange_ratio"].central() == 2.25
    assert now["sanctions"]["value"] == pytest.approx(0.1)
    assert now["us_aid"]["value"] == 1.0 and now["us_aid"]["text"] == "15–25 EUR bn a year (uniform)"
    assert now["monitoring"]["value"] == "bilateral"
    assert controls.current(truce)["us_aid"]["text"] == "2–10 EUR bn a year (uniform)"
    moved = controls.apply(freeze, controls.parse_settings({"controls": {"exchange_ratio": 3.0, "sanctions": 0.4}}))
    assert controls.current(moved)["exchange_ratio"]["value"] == 3.0
    assert controls.current(moved)["sanctions"]["value"] == 0.4
    for key in ("exchange_ratio", "sanctions"):                    # the slider can stand there
        c = controls.BY_KEY[key]
        assert c.lo <= now[key]["value"] <= c.hi
