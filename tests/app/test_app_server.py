"""Tests for sim.app.server and sim.app.jobs over real HTTP (no browser needed)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sim import simulate, summarize
from sim.app import controls, jobs, reports
from sim.app.server import STATIC, STATIC_FILES, make_server, serve_in_thread, url_of
from sim.cli import main as cli_main
from sim.scenario.schema import load_scenario, loads_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base():
    server = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
    serve_in_thread(server)
    yield url_of(server).rstrip("/")
    server.shutdown()
    server.server_close()
    server.app.runner.stop()


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def post(base, path, body, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait(base, job_id, timeout=120):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        status = json.loads(get(base, f"/api/jobs/{job_id}")[2])
        if status["state"] in ("done", "error"):
            return status
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_static_files_are_local_only(base):
    status, headers, body = get(base, "/")
    assert status == 200 and b"/static/app.js" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    shipped = sorted(p.name for p in STATIC.iterdir())
    # every shipped file is served, and nothing else is
    assert shipped == sorted({name for name, _ in STATIC_FILES.values()})
    assert {"app.css", "app.js", "charts.js", "index.html", "why.js", "play.html", "play.js"} <= set(shipped)
    for name in shipped:
        text = (STATIC / name).read_text().replace('"http://www.w3.org/2000/svg"', "")  # the SVG namespace: a name, not a fetch
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), name
        assert "@import" not in text and "@font-face" not in text
    for path in [p for p in STATIC_FILES if p.startswith("/static/")]:
        assert get(base, path)[0] == 200
    assert get(base, "/static/../server.py")[0] == 404
    assert get(base, "/api/nothing")[0] == 404


def test_catalog_endpoints(base):
    scen = json.loads(get(base, "/api/scenarios")[2])
    assert [s["key"] for s in scen["scenarios"]] == ["freeze", "refusal", "truce_30day"]
    assert all(s["valid"] for s in scen["scenarios"])
    actors = json.loads(get(base, "/api/actors")[2])["actors"]
    rl = {r["key"]: r for r in actors["ukraine"]["red_lines"]}
    assert "international oversight" in rl["oversight"]["source"]
    assert actors["europe"]["red_lines"] == []
    spec = json.loads(get(base, "/api/controls")[2])
    assert {c["key"] for c in spec["controls"]} == {c.key for c in controls.CONTROLS}


def test_run_matches_the_api_and_downloads_reproduce(base):
    body = {"scenarios": ["freeze", "truce_30day"], "replications": 400, "seed": 5,
            "controls": {"europe_aid": 2.0, "exchange_ratio": 2.8, "monitoring": "bilateral"}}
    status, reply = post(base, "/api/run", body)
    assert status == 202
    done = wait(base, reply["job"])
    assert done["state"] == "done", done["errors"]
    result = done["result"]
    settings = controls.parse_settings(body)
    for run in result["runs"]:
        scenario = controls.apply(load_scenario(ROOT / "scenarios" / f"{run['key']}.yaml"), settings)
        expected = json.loads(json.dumps(summarize(simulate(scenario), scenario.name)))
        assert run["summary"] == expected
        status, headers, yaml_bytes = get(base, run["downloads"]["yaml"])
        assert status == 200 and "attachment" in headers["Content-Disposition"]
        assert loads_scenario(yaml_bytes.decode(), "x").hash() == scenario.hash()
        assert json.loads(get(base, run["downloads"]["summary"])[2]) == expected
    assert [f["name"] for f in result["figures"]] == ["outcomes", "survival", "territory", "acceptance"]
    for f in result["figures"]:
        status, headers, png = get(base, f["url"])
        assert status == 200 and headers["Content-Type"] == "image/png" and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert result["runs"][0]["colour"] != result["runs"][1]["colour"]


def test_pasted_scenario_runs(base):
    text = "name: mine\noffers:\n  - preset: freeze\n    terms: {monitoring: international}\n"
    assert post(base, "/api/check", {"pasted": text}) == (200, {"ok": True, "name": "mine", "title": "mine",
                                                               "offers": ["freeze"]})
    status, reply = post(base, "/api/run", {"scenarios": ["refusal"], "pasted": text, "replications": 200})
    assert status == 202
    done = wait(base, reply["job"])
    assert [r["key"] for r in done["result"]["runs"]] == ["refusal", "pasted"]


@pytest.mark.parametrize("body, fragment", [
    ({"scenarios": ["freeze", "nope"]}, "unknown scenario 'nope'"),
    ({"scenarios": []}, "choose at least one"),
    ({"scenarios": ["freeze", "refusal", "truce_30day"], "pasted": "name: x\n"}, "at most 3"),
    ({"scenarios": ["freeze", "freeze"]}, "chosen twice"),
    ({"scenarios": "freeze"}, "list of scenario names"),
    ({"scenarios": ["freeze"], "controls": {"sanctions": 0.99}}, "between 0 and 0.9"),
    ({"scenarios": ["freeze"], "pasted": "offers:\n  - preset: freze\n"}, "<pasted>:2"),
    ([1, 2], "JSON object"),
])
def test_bad_run_requests_answer_400_and_server_keeps_serving(base, body, fragment):
    status, reply = post(base, "/api/run", body)
    assert status == 400
    assert any(fragment in m for m in reply["errors"]), reply
    assert get(base, "/api/scenarios")[0] == 200


def test_malformed_bodies(base):
    assert post(base, "/api/run", None, raw=b"{not json")[0] == 400
    assert post(base, "/api/run", None, raw=b"\xff\xfe")[0] == 400
    status, reply = post(base, "/api/check", {"pasted": "a: [1,\n"})
    assert status == 400 and reply["errors"][0].startswith("<pasted>:")
    assert get(base, "/api/jobs/999999")[0] == 404
    assert get(base, "/api/jobs/999999/figures/outcomes.png")[0] == 404


def test_worker_failure_is_reported_and_next_job_runs(base, monkeypatch):
    real = jobs.execute

    def boom(job):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(jobs, "execute", boom)
    status, reply = post(base, "/api/run", {"scenarios": ["freeze"], "replications": 100})
    failed = wait(base, reply["job"])
    assert failed["state"] == "error" and "simulated crash" in failed["errors"][0]
    monkeypatch.setattr(jobs, "execute", real)
    status, reply = post(base, "/api/run", {"scenarios": ["freeze"], "replications": 100})
    assert wait(base, reply["job"])["state"] == "done"


def test_progress_moves_through_chunks(monkeypatch):
    assert jobs.chunk_for(2000) == 2000 and jobs.chunk_for(20_000) == 2000
    monkeypatch.setattr(jobs, "chunk_for", lambda n: 100)
    s = controls.apply(load_scenario(ROOT / "scenarios" / "freeze.yaml"),
                       controls.parse_settings({"replications": 300}))
    job = jobs.Job("t", jobs.Plan((jobs.PlannedRun("a", s), jobs.PlannedRun("b", s)), controls.parse_settings({})))
    seen = []
    update = job.update
    job.update = lambda **kw: (seen.append(kw["progress"]) if "progress" in kw else None, update(**kw))
    jobs.execute(job)
    assert seen == sorted(seen) and len(set(seen)) >= 7 and seen[-1] == 1.0
    assert job.summaries[0] == job.summaries[1]           # same scenario, same seed: same numbers


def test_cli_app_bad_options(tmp_path, capsys):
    assert cli_main(["app", "--scenarios", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert cli_main(["app", "--port", str(busy.getsockname()[1])]) == 2
    assert "cannot listen" in capsys.readouterr().err
    assert cli_main(["app", "--port", "70000"]) == 2
    assert "between 0 and 65535" in capsys.readouterr().err


def test_cli_app_prints_url_and_serves(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", "0", "--quiet"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert m, line + proc.stderr.read()
        assert "sim/scenario/data/scenarios" in line      # no ./scenarios here: the packaged copies
        with urllib.request.urlopen(m.group(1) + "api/scenarios", timeout=30) as r:
            keys = [s["key"] for s in json.loads(r.read())["scenarios"]]
        assert keys == ["freeze", "refusal", "truce_30day"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_report_downloads(base):
    status, reply = post(base, "/api/run", {"scenarios": ["freeze", "truce_30day"], "replications": 200})
    result = wait(base, reply["job"])["result"]
    if not reports.available():
        assert result["report"] is None and result["runs"][0]["downloads"]["report"] is None
        assert get(base, f"/api/jobs/{reply['job']}/report.html")[0] == 501
        pytest.skip("sim.pipeline.report (the HTML report of issue 4) is not on this branch yet")
    for url in (result["report"], result["runs"][1]["downloads"]["report"]):
        status, headers, body = get(base, url)
        html = body.decode("utf-8")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert html.lstrip().lower().startswith("<!doctype html") and "truce_30day" in html
        assert not re.search(r'(src|href)="https?://', html)


def test_server_answers_while_a_job_runs(base, monkeypatch):
    import threading

    started, release = threading.Event(), threading.Event()
    real = jobs.execute

    def slow(job):
        job.update(state="running", message="held by the test")
        started.set()
        assert release.wait(60)
        real(job)

    monkeypatch.setattr(jobs, "execute", slow)
    status, reply = post(base, "/api/run", {"scenarios": ["freeze"], "replications": 100})
    assert status == 202 and started.wait(60)
    assert get(base, "/api/scenarios")[0] == 200                    # not blocked by the run
    queued_status, queued = post(base, "/api/run", {"scenarios": ["refusal"], "replications": 100})
    assert json.loads(get(base, f"/api/jobs/{reply['job']}")[2])["state"] == "running"
    assert json.loads(get(base, f"/api/jobs/{queued['job']}")[2])["state"] == "queued"
    release.set()
    assert wait(base, reply["job"])["state"] == "done"
    assert wait(base, queued["job"])["state"] == "done"


def test_runs_keep_the_order_chosen_with_one_colour_each(base):
    """As `compare truce_30day.yaml freeze.yaml` would: the order given, slot colours in that order."""
    status, reply = post(base, "/api/run", {"scenarios": ["truce_30day", "freeze"], "replications": 200, "seed": 2})
    result = wait(base, reply["job"])["result"]
    assert [r["key"] for r in result["runs"]] == ["truce_30day", "freeze"]
    slots = json.loads(get(base, "/api/controls")[2])["slots"]
    assert [r["colour"] for r in result["runs"]] == [s["colour"] for s in slots[:2]]
    charts = result["charts"]
    assert [r["label"] for r in charts["runs"]] == ["truce_30day", "freeze"]
    outcomes = next(c for c in charts["charts"] if c["name"] == "outcomes")
    assert outcomes["runs"][0]["values"][0] == result["runs"][0]["summary"]["outcome_probabilities"]["war_continues"]


def test_the_page_gets_words_and_current_values(base):
    actors = json.loads(get(base, "/api/actors")[2])["actors"]
    demil = {r["key"]: r for r in actors["ukraine"]["red_lines"]}["demilitarization"]
    assert demil["when_text"] == "a cap on Ukraine's army below 400 thousand soldiers"
    assert demil["when"] == {"army_cap_below": 400}                  # the data stays as it was
    scen = {s["key"]: s for s in json.loads(get(base, "/api/scenarios")[2])["scenarios"]}
    assert scen["truce_30day"]["controls"]["us_aid"]["text"] == "2–10 EUR bn a year (uniform)"
    assert scen["freeze"]["controls"]["exchange_ratio"]["value"] == 2.25


def test_no_png_is_drawn_until_one_is_downloaded(base):
    s = controls.apply(load_scenario(ROOT / "scenarios" / "freeze.yaml"), controls.parse_settings({"replications": 200}))
    job = jobs.Job("t", jobs.Plan((jobs.PlannedRun("freeze", s),), controls.parse_settings({})))
    jobs.execute(job)
    assert job.state == "done" and job.images == {} and set(job.seconds) == {"simulate", "charts"}
    png = job.png("survival")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and list(job.images) == ["survival"]
    assert job.png("survival") is png and job.png("nope") is None
    status, reply = post(base, "/api/run", {"scenarios": ["freeze"], "replications": 200})
    done = wait(base, reply["job"])
    status, headers, body = get(base, done["result"]["figures"][1]["url"])
    assert status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n" and "attachment" in headers["Content-Disposition"]
