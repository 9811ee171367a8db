"""The app as a server facing a hostile web page or a careless burst (issue 19), over real HTTP.

Host and Origin checks (DNS rebinding, cross-site forms), the bounded queue and work per
request, finished jobs released, request deadlines and the connection cap, the scenario
folder read no further than its own regular files, and malformed JSON answered 400.
"""

from __future__ import annotations

import gc
import http.client
import json
import os
import select
import socket
import threading
import weakref
from pathlib import Path

import pytest

from sim.app import jobs
from sim.app.server import MAX_JSON_DEPTH, make_server, serve_in_thread

ROOT = Path(__file__).resolve().parents[2]


class Served:
    """A server on an ephemeral port, with raw HTTP helpers that set any header."""

    def __init__(self, folder=ROOT / "scenarios", **kw):
        self.server = make_server(port=0, scenarios_folder=folder, quiet=True, **kw)
        self.port = self.server.server_address[1]
        serve_in_thread(self.server)

    def request(self, method, path, body=None, headers=None, host=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
            hdrs = {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders(data)
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, dict(resp.getheaders()), (json.loads(raw) if raw[:1] in (b"{", b"[") else raw)
        finally:
            conn.close()

    def run(self, body, **kw):
        return self.request("POST", "/api/run", body, **kw)

    def wait(self, job_id):
        status, _h, st = self.request("GET", f"/api/jobs/{job_id}?since=0")
        while st["state"] not in ("done", "error"):
            status, _h, st = self.request("GET", f"/api/jobs/{job_id}?since={st['version']}")
        return st

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.server.app.runner.stop()


@pytest.fixture
def served():
    s = Served()
    yield s
    s.close()


SMALL = {"scenarios": ["freeze"], "replications": 100, "seed": 1}


# -- Host and Origin ------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost.evil.example:{port}",
                                  ""])
def test_foreign_host_is_refused(served, host):
    status, _h, reply = served.request("GET", "/api/scenarios", host=host.format(port=served.port))
    assert status == 403 and "Host header" in reply["errors"][0]
    status, _h, reply = served.run(SMALL, host=host.format(port=served.port))
    assert status == 403
    assert served.server.app.runner.jobs() == []             # nothing was queued


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_own_host_is_served(served, host):
    assert served.request("GET", "/api/scenarios", host=host.format(port=served.port))[0] == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}"])
def test_post_from_another_origin_is_refused(served, origin):
    status, _h, reply = served.run(SMALL, headers={"Origin": origin.format(port=served.port)})
    assert status == 403 and "another web page" in reply["errors"][0]
    status, _h, reply = served.request("POST", "/api/check", {"pasted": "name: x\n"},
                                       headers={"Origin": origin.format(port=served.port)})
    assert status == 403
    assert served.server.app.runner.jobs() == []


def test_post_from_the_apps_own_origin_runs(served):
    for origin in (f"http://127.0.0.1:{served.port}", f"http://localhost:{served.port}"):
        status, _h, reply = served.run(SMALL, headers={"Origin": origin})
        assert status == 202, reply
        assert served.wait(reply["job"])["state"] == "done"


# -- bounded queue, bounded work, finished jobs released ----------------------------------------------
@pytest.fixture
def held(monkeypatch):
    """The worker waits for ``release`` before each job (the queue fills up)."""
    release = threading.Event()
    real = jobs.execute

    def slow(job):
        assert release.wait(60)
        real(job)

    monkeypatch.setattr(jobs, "execute", slow)
    yield release
    release.set()


def test_a_burst_beyond_the_queue_is_refused_with_429(served, held):
    answers = [served.run(SMALL) for _ in range(jobs.MAX_PENDING + 6)]
    accepted = [r for s, _h, r in answers if s == 202]
    refused = [(h, r) for s, h, r in answers if s == 429]
    assert len(accepted) == jobs.MAX_PENDING and len(refused) == 6
    assert "busy" in refused[0][1]["errors"][0] and refused[0][0]["Retry-After"]
    held.set()
    assert all(served.wait(r["job"])["state"] == "done" for r in accepted)
    assert served.run(SMALL)[0] == 202                        # room again once they are done


def test_finished_jobs_are_released_even_while_others_wait(served, held):
    runner = served.server.app.runner
    first = [served.run(SMALL)[2]["job"] for _ in range(jobs.MAX_PENDING)]
    refs = [weakref.ref(runner.get(j)) for j in first]
    held.set()
    for j in first:
        served.wait(j)
    rounds = []
    for _ in range(3):                                           # bounded bursts, each fully accepted
        ids = [served.run(SMALL)[2]["job"] for _ in range(jobs.MAX_PENDING)]
        for j in ids:
            served.wait(j)
        kept = runner.jobs()
        rounds.append((len(kept), sum(j.held_bytes() for j in kept)))
    per_job = max(j.held_bytes() for j in runner.jobs())
    assert all(n <= jobs.MAX_FINISHED for n, _b in rounds), rounds
    assert all(b <= jobs.MAX_FINISHED * per_job for _n, b in rounds), rounds
    gc.collect()
    assert all(r() is None for r in refs)                      # the first jobs' outcomes are freed


def test_released_while_a_job_is_queued(monkeypatch):
    """Old bug: eviction stopped at the first queued job, so finished ones piled up behind it."""
    release = threading.Event()
    real = jobs.execute
    calls = []

    def first_waits(job):
        calls.append(job.id)
        if len(calls) == 1:
            assert release.wait(60)
        real(job)

    monkeypatch.setattr(jobs, "execute", first_waits)
    s = Served()
    try:
        s.server.app.runner.stop()
        s.server.app.runner = runner = jobs.Runner(max_pending=50, max_finished=2)
        blocker = s.run(SMALL)[2]["job"]
        others = [s.run(SMALL)[2]["job"] for _ in range(6)]
        assert len(runner.jobs()) == 7
        release.set()
        assert s.wait(others[-1])["state"] == "done"          # one worker, in order: all are done
        assert [j.id for j in runner.jobs()] == others[-2:]
    finally:
        release.set()
        s.close()


def test_work_per_request_is_bounded(served, monkeypatch):
    ran = []
    # the bound is checked before a job is queued; the accepted job is not run (3 x 20,000
    # replications would keep the worker busy for half a minute after the test)
    monkeypatch.setattr(jobs, "execute", lambda job: (ran.append(job), job.update(state="error", errors=["not run"])))
    long = "name: long\nhorizon_weeks: 1040\noffers:\n  - preset: freeze\n"
    status, _h, reply = served.run({"scenarios": ["freeze", "refusal"], "pasted": long, "replications": 20_000})
    assert status == 400
    assert any("replication-weeks" in m and f"{jobs.MAX_WORK:,}" in m for m in reply["errors"]), reply
    assert served.server.app.runner.jobs() == []
    status, _h, reply = served.run({"scenarios": ["freeze", "refusal", "truce_30day"], "replications": 20_000,
                                    "seed": 1})
    assert status == 202                                         # the largest shipped request still runs
    served.wait(reply["job"])
    assert len(ran) == 1


# -- timeouts and connections -----------------------------------------------------------------------------
def _closed_by_server(sock, trickle: bytes = b"", rounds: int = 600) -> bool:
    """Wait (sending ``trickle`` now and then) until the server closes the connection."""
    for _ in range(rounds):
        if trickle:
            try:
                sock.send(trickle)
            except OSError:
                return True
        ready, _w, _x = select.select([sock], [], [], 0.1)
        if ready:
            try:
                if sock.recv(4096) == b"":
                    return True
            except OSError:
                return True
    return False


@pytest.mark.parametrize("trickle", [b"", b"x"], ids=["idle", "trickling"])
def test_a_request_that_never_finishes_is_closed(trickle):
    s = Served(request_seconds=0.5)
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
            sock.sendall(f"GET /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\nX-Slow: ".encode())
            assert _closed_by_server(sock, trickle)
        assert s.request("GET", "/api/scenarios")[0] == 200     # and the server still serves
    finally:
        s.close()


def test_a_body_that_never_arrives_is_closed():
    s = Served(request_seconds=0.5)
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
            sock.sendall(f"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\nContent-Length: 500\r\n\r\n{{".encode())
            assert _closed_by_server(sock)
        assert s.server.app.runner.jobs() == []
    finally:
        s.close()


def test_connections_beyond_the_cap_get_503():
    s = Served(request_seconds=30, max_connections=3)
    idle = [socket.create_connection(("127.0.0.1", s.port), timeout=30) for _ in range(3)]
    try:
        for sock in idle:
            sock.sendall(b"GET / HTTP/1.1\r\n")          # open, unfinished: each holds a slot
        status, _h, reply = s.request("GET", "/api/scenarios")
        assert status == 503 and "too many open connections" in reply["errors"][0]
    finally:
        for sock in idle:
            sock.close()
    try:
        for _ in range(200):                                 # the slots come back as they close
            if s.request("GET", "/api/scenarios")[0] == 200:
                break
        assert s.request("GET", "/api/scenarios")[0] == 200
    finally:
        s.close()


# -- the scenarios folder --------------------------------------------------------------------------------
def test_folder_links_fifos_and_big_files_are_refused_unread(tmp_path):
    folder = tmp_path / "scen"
    folder.mkdir()
    (folder / "freeze.yaml").write_bytes((ROOT / "scenarios" / "freeze.yaml").read_bytes())
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nsecret-line: 1\n")
    os.symlink(secret, folder / "outside.yaml")
    os.symlink(folder / "freeze.yaml", folder / "inside.yaml")       # a link within the folder is fine
    os.mkfifo(folder / "pipe.yaml")
    (folder / "huge.yaml").write_text("name: huge\n" + "# padding\n" * 30_000)
    s = Served(folder=folder)
    try:
        result = {}
        t = threading.Thread(target=lambda: result.update(r=s.request("GET", "/api/scenarios")), daemon=True)
        t.start()
        t.join(60)
        assert not t.is_alive(), "listing blocked on the FIFO"
        status, _h, reply = result["r"]
        entries = {e["key"]: e for e in reply["scenarios"]}
        assert status == 200 and entries["freeze"]["valid"] and entries["inside"]["valid"]
        assert "leads outside" in entries["outside"]["errors"][0] and not entries["outside"]["valid"]
        assert "not a regular file" in entries["pipe"]["errors"][0]
        assert "larger than" in entries["huge"]["errors"][0]
        text = json.dumps(reply)
        assert "root:x" not in text and "secret-line" not in text and "/bin/bash" not in text
        status, _h, reply = s.run({"scenarios": ["outside"], "replications": 100})
        assert status == 400 and "root:x" not in json.dumps(reply)
        status, _h, reply = s.run({"scenarios": ["pipe"], "replications": 100})
        assert status == 400 and "not a regular file" in json.dumps(reply)
    finally:
        s.close()


# -- malformed JSON -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, fragment", [
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
    (json.dumps(json.loads("{\"a\":" * (MAX_JSON_DEPTH + 5) + "1" + "}" * (MAX_JSON_DEPTH + 5))).encode(), "nested deeper"),
    (b'{"scenarios": ["freeze"], "seed": ' + b"7" * 5000 + b"}", "expected a JSON body"),
    (b'{"scenarios": ["freeze"], "seed": "' + b"7" * 5000 + b'"}', "5,000 digits"),
    (b'{"scenarios": ["freeze"], "seed": ' + b"7" * 40 + b"}", "40 digits"),
    (b'{"scenarios": ["freeze"], "replications": 1e400}', "replications"),
])
def test_malformed_json_answers_400(served, raw, fragment):
    status, _h, reply = served.run(raw)
    assert status == 400, reply
    assert any(fragment in m for m in reply["errors"]), reply
    assert all(len(m) < 600 for m in reply["errors"])           # no 5,000 digits echoed back
    assert served.request("GET", "/api/scenarios")[0] == 200


def test_status_waits_for_the_next_change(served, held):
    job_id = served.run(SMALL)[2]["job"]
    job = served.server.app.runner.get(job_id)
    _s, _h, first = served.request("GET", f"/api/jobs/{job_id}")
    seen = {}
    t = threading.Thread(target=lambda: seen.update(
        st=served.request("GET", f"/api/jobs/{job_id}?since={first['version']}")[2]))
    t.start()
    for _ in range(3000):                    # the request is parked on the job (nothing changes while held)
        if len(job.lock._waiters) == 1:
            break
        t.join(0.01)
    assert len(job.lock._waiters) == 1 and t.is_alive() and not seen
    held.set()
    t.join(60)
    assert seen["st"]["version"] > first["version"]
