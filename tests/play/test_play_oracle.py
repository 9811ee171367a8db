"""The oracle of role-play: a game whose seats make the model's own choices is the model's run.

* autopilot (the model's actor decides for the seat, its choices recorded as moves) gives,
  column for column and bit for bit, the row of ``simulate`` for that replication;
* the same moves made turn by turn through a :class:`~sim.play.session.Session` (answering
  each question, breaking where the model broke) give the same row;
* a move that differs from the model's choice changes the world (the hook is live);
* the margins the debrief shows explain the model's choice (their sign is its decision).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sim.engine.outcomes import Outcomes
from sim.engine.simulate import simulate
from sim.play.game import Move, loads_game, new_game
from sim.play.session import Session
from sim.play.world import build_model, outcome_row, play, replay
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
REPS = 5


@pytest.fixture(scope="module")
def worlds():
    out = {}
    for name in ("freeze", "truce_30day"):
        s = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        out[name] = (s, simulate(s, replications=REPS))
    return out


def _same_row(a: dict, b: dict) -> list[str]:
    return [k for k in b if k not in a or repr(a[k]) != repr(b[k])]


@pytest.mark.parametrize("name", ["freeze", "truce_30day"])
@pytest.mark.parametrize("seat", ["russia", "ukraine", "united_states", "europe"])
def test_autopilot_is_the_run_bit_for_bit(worlds, name, seat):
    s, out = worlds[name]
    for r in range(REPS):
        game = new_game(s, [seat], replication=r)
        played = play(game, autopilot=True)
        got = Outcomes.from_model(played.model)
        for k, col in out.columns.items():
            assert got.columns[k].tobytes() == col[r:r + 1].tobytes() if col.dtype != object \
                else list(got.columns[k]) == [col[r]], (name, seat, r, k)
        assert got.territory_path[:, 0].tobytes() == out.territory_path[:, r].tobytes()


def test_autopilot_records_the_models_choices_and_replays_to_the_same_bytes(worlds):
    s, out = worlds["freeze"]
    kinds = set()
    for r in range(REPS):
        game = new_game(s, ["russia"], replication=r)
        played = play(game, autopilot=True)
        kinds |= {m.kind for m in game.moves}
        game.weeks_played, game.outcome = game.horizon, played.outcome()
        for fmt in ("yaml", "json"):
            data = game.to_bytes(fmt)
            again = loads_game(data.decode("utf-8"), f"game.{fmt}")
            replayed = replay(again)
            again.outcome = replayed.outcome()
            assert again.to_bytes(fmt) == data
            assert again.outcome == outcome_row(out, r)
    assert {"accept", "break"} <= kinds        # the sample exercises both kinds of move


def _play_turn_by_turn(s, seat, r, script):
    """Play through a Session, answering from ``script`` (moves) and breaking where it breaks."""
    game = new_game(s, [seat], replication=r)
    ses = Session(game)
    breaks = {m.week for m in script if m.kind == "break"}
    answers = {m.key(): m.value for m in script if m.kind != "break"}
    asked = 0
    while not ses.finished:
        if ses.pending is not None:
            p = ses.pending
            ses.answer(seat, answers[(p["week"], p["kind"], p["actor"], p["offer"])])
            asked += 1
            continue
        if ses.turn in breaks:
            ses.break_ceasefire(seat)
        step = min([w for w in breaks if w > ses.turn], default=game.horizon) - ses.turn
        ses.advance(min(step, 13))                 # steps of several weeks
    return ses, asked


@pytest.mark.parametrize("seat", ["russia", "ukraine"])
def test_turn_by_turn_with_the_models_choices_reproduces_the_run(worlds, seat):
    for name in ("freeze", "truce_30day"):
        s = replace(worlds[name][0], horizon_weeks=60)      # every game replays from week 0: keep it short
        out = simulate(s, replications=3)
        for r in range(3):
            auto = new_game(s, [seat], replication=r)
            play(auto, autopilot=True)
            ses, asked = _play_turn_by_turn(s, seat, r, auto.moves)
            assert asked == sum(m.kind != "break" for m in auto.moves)
            assert _same_row(ses.played.outcome(), outcome_row(out, r)) == []
            assert ses.game.weeks_played == s.horizon_weeks and ses.game.outcome == outcome_row(out, r)


def test_a_different_choice_changes_the_world(worlds):
    s, out = worlds["freeze"]
    r = next(i for i in range(REPS) if out.columns["ceasefire_start_week"][i] == 0)
    game = new_game(s, ["ukraine"], replication=r)
    ses = Session(game)
    ses.advance(1)
    assert ses.pending["kind"] == "accept" and ses.pending["offer"] == 0
    ses.answer("ukraine", False)                  # the model's Ukraine accepted in this world
    row = ses.played.outcome()
    assert out.columns["accept_week_ukraine"][r] == 0
    assert row["accept_week_ukraine"] == -1 and row["ceasefire_start_week"] == -1 and not row["accepted_ukraine"]


def test_two_seats_answer_both(worlds):
    s, out = worlds["freeze"]
    game = new_game(s, ["russia", "ukraine"], replication=0)
    ses = Session(game)
    ses.advance(1)
    assert ses.pending["actor"] == "russia"
    ses.answer("russia", True)
    assert ses.pending["actor"] == "ukraine"
    ses.answer("ukraine", True)
    assert ses.pending is None and ses.state()["situations"]["ukraine"]["ceasefire"]["holding"]


def test_margins_explain_the_models_choice(worlds):
    checked = {"accept": 0, "break": 0}
    for name in ("freeze", "truce_30day"):
        s, _ = worlds[name]
        for r in range(REPS):
            for seat in ("russia", "ukraine"):
                played = play(new_game(s, [seat], replication=r), autopilot=True)
                for d in played.decisions:
                    if d.note.startswith("vetoed"):
                        assert d.model is False
                    elif d.kind in checked and d.margin:
                        total = sum(d.margin.values())
                        assert (total > 0) == d.model, (name, r, seat, d)
                        checked[d.kind] += 1
    assert checked["accept"] > 5 and checked["break"] > 50


def test_a_proposal_is_put_and_the_proposer_accepts_it(worlds):
    s, _ = worlds["truce_30day"]
    game = new_game(s, ["ukraine"], replication=1)
    ses = Session(game)
    ses.advance(1)
    ses.answer("ukraine", False)
    ses.propose("ukraine", {"line": "current", "monitoring": "international", "guarantees": "bilateral_agreements"})
    ses.advance(2)
    offers = ses.state()["offers"]
    assert offers[-1]["proposer"] == "ukraine" and offers[-1]["week"] == ses.game.moves[-1].week
    played = ses.played
    own = [d for d in played.decisions if d.offer == len(offers) - 1]
    assert own and own[0].player is True and own[0].note == "own proposal"
    model = build_model(ses.game)
    assert len(model.offers) == len(s.offers) + 1


def test_patron_aid_holds_from_its_week(worlds):
    s, _ = worlds["freeze"]
    base = play(new_game(s, ["united_states"], replication=0))
    game = new_game(s, ["united_states"], replication=0)
    game.moves.append(Move(3, "united_states", "aid", None, 0.0))
    played = play(game)
    assert played.outcome()["aid_us_bn"] < base.outcome()["aid_us_bn"]
    # the week's record counts the aid just set for the next week: weeks 0-2 at the policy level
    assert played.outcome()["aid_us_bn"] == pytest.approx(base.model.us_aid[0] / 52.0 * 3, rel=1e-9)
    assert np.all(played.model.us_aid == 0.0)


def test_us_sanctions_hold_from_their_week(worlds):
    s, _ = worlds["truce_30day"]           # the 2025 policy: the threatened sanctions have a cost
    for r in range(REPS):
        base_game = new_game(s, ["united_states"], replication=r)
        base = play(base_game, autopilot=True)
        if not base.model.threat_executed[0]:
            break
    assert not base.model.threat_executed[0]
    game = new_game(s, ["united_states"], replication=r)
    game.moves = list(base_game.moves) + [Move(2, "united_states", "sanctions", None, True)]
    played = play(game)
    assert played.model.threat_executed[0]
    assert played.outcome()["utility_russia"] < base.outcome()["utility_russia"]    # the sanctions' cost
    assert [d.kind for d in played.decisions if d.kind == "sanctions"] == ["sanctions"]
