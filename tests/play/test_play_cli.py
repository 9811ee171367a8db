"""``play --autopilot``, terminal ``play`` (scripted stdin), ``replay`` and ``debrief``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import yaml

from sim.engine.simulate import simulate
from sim.play.world import outcome_row
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"


def test_autopilot_game_is_the_runs_row_and_replays_to_the_same_bytes(cli, tmp_path):
    game = tmp_path / "g.yaml"
    code, out, err = cli("play", FREEZE, "--seat", "russia", "--autopilot", "--seed", 5, "--replication", 3,
                         "--out", game)
    assert code == 0, err
    data = yaml.safe_load(game.read_text())
    s = load_scenario(FREEZE).with_changes({"seed": 5})
    assert data["outcome"] == outcome_row(simulate(s, replications=4), 3)
    for name in ("again.yaml", "again.json"):
        code, out, err = cli("replay", game, "--out", tmp_path / name)
        assert code == 0, err
        assert "the same outcome as recorded" in out
    assert (tmp_path / "again.yaml").read_bytes() == game.read_bytes()
    code, _, err = cli("replay", tmp_path / "again.json", "--out", tmp_path / "third.yaml")
    assert code == 0, err
    assert (tmp_path / "third.yaml").read_bytes() == game.read_bytes()     # JSON and YAML: the same game
    code, _, err = cli("play", FREEZE, "--seat", "russia", "--autopilot", "--out", game)
    assert code == 2 and "--force" in err                                 # never overwritten silently


def test_replay_refuses_an_edited_outcome_and_bad_files(cli, tmp_path):
    game = tmp_path / "g.yaml"
    assert cli("play", FREEZE, "--seat", "ukraine", "--autopilot", "--out", game, "--horizon-weeks", 30)[0] == 0
    data = yaml.safe_load(game.read_text())
    data["outcome"]["territory_end_pct"] += 1.0
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out, _ = cli("replay", edited)
    assert code == 1 and "territory_end_pct" in out
    data = yaml.safe_load(game.read_text())
    data["moves"][0]["value"] = "maybe"
    data["moves"].append({"week": 3, "actor": "russia", "kind": "break", "offer": 0, "value": True})
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = cli("replay", bad)
    assert code == 2 and "Traceback" not in err
    assert "key 'moves[0].value': expected true or false" in err
    assert "key 'moves[1].actor': russia is not a seat" in err
    assert f"{bad}:" in err and ":None:" not in err
    data = yaml.safe_load(game.read_text())
    data["moves"] = []                                         # the seat's answer to offer 0 is missing
    short = tmp_path / "short.yaml"
    short.write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = cli("replay", short)
    assert code == 2 and "no move answers week 0: ukraine accept offer 0" in err
    data["moves"] = yaml.safe_load(game.read_text())["moves"] + [
        {"week": 2, "actor": "ukraine", "kind": "extend", "offer": 0, "value": True}]   # no truce ends in week 2
    stray = tmp_path / "stray.yaml"
    stray.write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = cli("replay", stray)
    assert code == 2 and "no extend decision of ukraine in week 2 on offer 0" in err
    data["moves"] = [{"week": 5, "actor": "ukraine", "kind": "accept", "offer": 0, "value": True}] + \
        yaml.safe_load(game.read_text())["moves"]
    unordered = tmp_path / "unordered.yaml"
    unordered.write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = cli("replay", unordered)
    assert code == 2 and "week order" in err


def test_terminal_play_from_a_script(cli, tmp_path, monkeypatch):
    # turn 0: advance; both seats accept the freeze; week 21: Russia breaks; week 26: Russia
    # proposes, both refuse the repeated freeze, Ukraine accepts Russia's proposal
    script = "\n".join(["n", "y", "y", "show", "n 20", "break", "n 5", "frobnicate",
                        "propose monitoring=international line=current", "n 100", "n", "n", "y"]) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    game = tmp_path / "t.json"
    code, out, err = cli("play", FREEZE, "--seat", "russia", "--seat", "ukraine", "--horizon-weeks", 40,
                         "--out", game)
    assert code == 0, err
    assert "accept or refuse the offer on the table" in out and "Your red lines:" in out
    assert "unknown command 'frobnicate'" in out and "Game over at week 40" in out
    data = json.loads(game.read_text())
    kinds = [(m["week"], m["actor"], m["kind"]) for m in data["moves"]]
    assert kinds == [(0, "russia", "accept"), (0, "ukraine", "accept"), (21, "russia", "break"),
                     (26, "russia", "propose"), (26, "russia", "accept"), (26, "ukraine", "accept"),
                     (26, "ukraine", "accept")]
    assert data["weeks_played"] == 40 and data["outcome"]["ceasefire_start_week"] == 0
    assert data["outcome"]["ceasefires"] == 2 and data["outcome"]["outcome"] == "ceasefire_holds"
    code, out, err = cli("replay", game, "--out", tmp_path / "again.json")
    assert code == 0, err
    assert (tmp_path / "again.json").read_bytes() == game.read_bytes()


def test_terminal_play_stopped_early_keeps_the_game(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\nn\nn 3\nquit\n"))  # advance, refuse, 3 weeks more
    game = tmp_path / "early.yaml"
    code, out, err = cli("play", FREEZE, "--seat", "ukraine", "--out", game)
    assert code == 0, err
    data = yaml.safe_load(game.read_text())
    assert data["weeks_played"] == 4 and "outcome" not in data
    code, out, err = cli("replay", game)
    assert code == 0 and "unfinished" in out
    code, _, err = cli("debrief", game, "--out", tmp_path / "d")
    assert code == 2 and "finish it" in err


def test_debrief_writes_a_self_contained_report(cli, tmp_path):
    games = tmp_path / "class"
    games.mkdir()
    for seat in ("russia", "ukraine"):
        assert cli("play", FREEZE, "--seat", seat, "--autopilot", "--out", games / f"{seat}.yaml",
                   "--horizon-weeks", 40)[0] == 0
    code, out, err = cli("debrief", games, "--ensemble", 50, "--out", tmp_path / "deb")
    assert code == 0, err
    assert "0 differ from what the model's actor would have done" in out
    html = (tmp_path / "deb" / "report.html").read_text()
    assert "russia.yaml" in html and "ukraine.yaml" in html and "<svg" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    report = json.loads((tmp_path / "deb" / "debrief.json").read_text())
    for g in report["games"]:
        assert g["player"] == g["model_same_world"]          # autopilot: the model alone, bit for bit
        assert g["decisions"]["differing"] == 0
    assert (tmp_path / "deb" / "manifest.json").exists()
    code, _, err = cli("debrief", tmp_path / "nothing-here")
    assert code == 2 and "file not found" in err
