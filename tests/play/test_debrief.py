"""The debrief: a game against the model alone (same world, ensemble), choices that differed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from sim.engine.simulate import simulate
from sim.play.debrief import debrief, format_debrief
from sim.play.game import new_game
from sim.play.session import Session
from sim.play.world import outcome_row
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_a_refusal_the_model_would_not_make_is_explained():
    s = replace(load_scenario(ROOT / "scenarios" / "freeze.yaml"), horizon_weeks=60)
    ref = simulate(s, replications=3)
    r = next(i for i in range(3) if ref.columns["accept_week_ukraine"][i] == 0)
    ses = Session(new_game(s, ["ukraine"], replication=r))
    ses.advance(1)
    ses.answer("ukraine", False)
    ses.autopilot_rest()
    d = debrief(ses.game, ensemble=40)
    assert d["model_same_world"] == outcome_row(ref, r)              # the model alone: run's row
    assert d["player"] != d["model_same_world"]
    first = d["differences"][0]
    assert (first["week"], first["kind"], first["player"], first["model"]) == (0, "accept", False, True)
    assert sum(first["margin"].values()) > 0 and "accepts if > 0" in first["why"]
    assert d["decisions"]["differing"] == len(d["differences"]) >= 1
    assert abs(sum(d["ensemble"]["outcome_probabilities"].values()) - 1.0) < 1e-12
    assert len(d["paths"]["player"]) == len(d["paths"]["model_same_world"]) == 61
    u = d["utility"]["ukraine"]
    assert u["player"] == d["player"]["utility_ukraine"] and u["model_same_world"] == ref.columns["utility_ukraine"][r]
    ens = simulate(s, replications=40).columns["utility_ukraine"]
    assert u["player_rank"] == np.mean(ens < u["player"])
    text = format_debrief(d)
    assert "week 0: you refused offer 0; the model's Ukraine would have accepted offer 0" in text


def test_a_patrons_aid_is_compared_with_the_models_policy():
    s = replace(load_scenario(ROOT / "scenarios" / "truce_30day.yaml"), horizon_weeks=20)
    ses = Session(new_game(s, ["europe"], replication=0))
    ses.set_aid("europe", 5.0)
    ses.advance(20)
    d = debrief(ses.game, ensemble=20)
    aid = [x for x in d["differences"] if x["kind"] == "aid"]
    assert aid and aid[0]["player"] == 5.0 and aid[0]["model"] > 5.0
    assert d["player"]["aid_europe_bn"] < d["model_same_world"]["aid_europe_bn"]
