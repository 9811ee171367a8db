"""The Play endpoints over real HTTP: games keyed by random ids, the server's defences apply,
the number of live games is bounded, and a downloaded game file replays to the same bytes."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest

from sim.app import games
from sim.app.server import make_server, serve_in_thread
from sim.play.game import loads_game
from sim.play.world import replay

ROOT = Path(__file__).resolve().parents[2]


class Served:
    def __init__(self):
        self.server = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
        self.port = self.server.server_address[1]
        serve_in_thread(self.server)

    def request(self, method, path, body=None, headers=None, host=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            data = json.dumps(body).encode() if body is not None else b""
            for k, v in {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}.items():
                conn.putheader(k, v)
            conn.endheaders(data)
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, dict(resp.getheaders()), (json.loads(raw) if raw[:1] in (b"{", b"[") else raw)
        finally:
            conn.close()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.server.app.runner.stop()


@pytest.fixture
def served():
    s = Served()
    yield s
    s.close()


def test_two_tabs_play_two_games_without_interfering(served):
    st, _, a = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["ukraine"], "replication": 0})
    assert st == 201, a
    st, _, b = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["russia"], "replication": 1})
    assert st == 201 and a["game"] != b["game"] and len(a["game"]) == 16
    st, _, sa = served.request("POST", f"/api/play/{a['game']}", {"action": "advance", "weeks": 1})
    assert st == 200 and sa["pending"]["actor"] == "ukraine" and sa["pending"]["kind"] == "accept"
    st, _, sb = served.request("GET", f"/api/play/{b['game']}")
    assert sb["pending"] is None and sb["turn"] == 0                 # the other tab's game did not move
    st, _, sa = served.request("POST", f"/api/play/{a['game']}", {"action": "answer", "actor": "ukraine", "value": False})
    assert st == 200 and sa["turn"] == 1 and sa["decisions"][0]["model"] is None    # no spoiler during the game
    st, _, sa = served.request("POST", f"/api/play/{a['game']}", {"action": "autopilot"})
    assert st == 200 and sa["finished"]
    st, _, raw = served.request("GET", f"/api/play/{a['game']}/game.yaml")
    assert st == 200
    game = loads_game(raw.decode())
    assert game.moves[0].value is False and game.outcome == sa["outcome"]
    again = replay(game)
    game.outcome = again.outcome()
    assert game.to_bytes() == raw
    st, _, d = served.request("GET", f"/api/play/{a['game']}/debrief")
    assert st == 200 and d["player"] == sa["outcome"]
    assert d["differences"][0]["week"] == 0 and d["differences"][0]["player"] is False
    st, h, html = served.request("GET", f"/api/play/{a['game']}/report.html")
    assert st == 200 and b"<svg" in html and "attachment" in h["Content-Disposition"]
    st, _, t = served.request("POST", "/api/play/teacher", {"games": [{"name": "a.yaml", "text": raw.decode()}]})
    assert st == 200 and t["rows"][0]["file"] == "a.yaml" and "<table>" in t["html"]


def test_play_goes_through_the_servers_defences(served):
    st, _, body = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["ukraine"]},
                                 headers={"Origin": "http://evil.example"})
    assert st == 403
    st, _, body = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["ukraine"]}, host="evil.example")
    assert st == 403
    st, _, body = served.request("GET", "/api/play/0123456789abcdef")
    assert st == 404
    st, _, body = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["tsar"]})
    assert st == 400 and "seats" in body["errors"][0]
    st, _, g = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["ukraine"]})
    st, _, body = served.request("POST", f"/api/play/{g['game']}", {"action": "teleport"})
    assert st == 400 and "action" in body["errors"][0]
    st, _, body = served.request("POST", f"/api/play/{g['game']}", {"action": "propose", "actor": "ukraine",
                                                                   "terms": {"line": "moscow"}})
    assert st == 400 and "terms.line" in body["errors"][0] and "expected one of" in body["errors"][0]
    st, _, body = served.request("POST", f"/api/play/{g['game']}", {"action": "break", "actor": "ukraine"})
    assert st == 400 and "no ceasefire" in body["errors"][0]
    st, _, body = served.request("GET", f"/api/play/{g['game']}/debrief")
    assert st == 400 and "finish the game" in body["errors"][0]


def test_the_number_of_live_games_is_bounded(served, monkeypatch):
    monkeypatch.setattr(games, "MAX_GAMES", 2)
    ids = [served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["europe"]})[2]["game"] for _ in range(2)]
    st, h, body = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["europe"]})
    assert st == 429 and "Retry-After" in h
    monkeypatch.setattr(games, "IDLE_SECONDS", 0.0)               # idle games make room, oldest first
    st, _, body = served.request("POST", "/api/play", {"scenario": "freeze", "seats": ["europe"]})
    assert st == 201
    assert served.request("GET", f"/api/play/{ids[0]}")[0] == 404
    assert served.request("GET", f"/api/play/{ids[1]}")[0] == 200
    assert len(served.server.app.games) == 2
