"""The app's HTTP server: static files shipped in the package and a small JSON API.

Standard library only (:class:`http.server.ThreadingHTTPServer`), bound to 127.0.0.1.
Every byte the page loads comes from this server: the page, ``app.js``, ``app.css``
(system fonts, no web fonts) and the PNG figures; a Content-Security-Policy of
``'self'`` makes the browser refuse anything else.

API
---
GET  /api/scenarios                      scenario files of the folder (with errors if invalid)
GET  /api/controls                       sliders, their bounds and mappings
GET  /api/actors                         each actor's red lines with the quoted source (`citation`: as shown)
POST /api/check    {"pasted": text}      validate a pasted YAML scenario
POST /api/run      {"scenarios": [...], "pasted": text|null, "controls": {...},
                    "replications": n, "seed": s}          -> 202 {"job": id}
GET  /api/jobs/<id>                      progress; when done, numbers and figure URLs
GET  /api/jobs/<id>/figures/<name>.png
GET  /api/jobs/<id>/runs/<i>/scenario.yaml   resolved scenario: `ceasefire-sim run` it
GET  /api/jobs/<id>/runs/<i>/summary.json    the summary the page shows
GET  /api/jobs/<id>/runs/<i>/report.html     HTML report of one scenario (sim.pipeline.report)
GET  /api/jobs/<id>/report.html              HTML report comparing all scenarios of the run

Bad input answers HTTP 400 with ``{"errors": ["<file>:<line>: key '...': message", ...]}``;
an unexpected failure answers 500 with a message; the server keeps serving either way.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sim import __version__
from sim.scenario import catalog
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS
from sim.scenario.sources import cite
from sim.output.labels import LABELS
from sim.output.results import json_bytes
from sim.app import controls, jobs, library, reports

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")
MAX_BODY = 1_000_000
REQUEST = "<app request>"

_JOB = re.compile(r"^/api/jobs/(\d+)$")
_FIG = re.compile(r"^/api/jobs/(\d+)/figures/([a-z_]+)\.png$")
_RUN = re.compile(r"^/api/jobs/(\d+)/runs/(\d+)/(scenario\.yaml|summary\.json|report\.html)$")
_REPORT = re.compile(r"^/api/jobs/(\d+)/report\.html$")


class App:
    """The state behind the server: the scenario library and the job runner."""

    def __init__(self, scenarios_folder: str | Path | None = None):
        folder = Path(scenarios_folder) if scenarios_folder is not None else library.default_folder()
        self.library = library.Library(folder)
        self.runner = jobs.Runner()

    # -- read-only data -----------------------------------------------------------------
    def scenarios(self) -> dict[str, Any]:
        folder = self.library.folder.resolve()
        try:
            shown = str(folder.relative_to(Path.cwd().resolve()))
        except ValueError:
            shown = str(folder)
        return {"folder": shown, "version": __version__,
                "scenarios": [e.to_json() for e in self.library.entries()]}

    @staticmethod
    def actors() -> dict[str, Any]:
        out = {}
        for a in ACTORS:
            prof = catalog.profile(a)
            out[a] = {
                "name": prof.get("name", LABELS[a]),
                "red_lines": [
                    {"key": k, "description": r.get("description", ""), "source": r.get("source", ""),
                     "citation": cite(r.get("source", "")),      # what a reader sees (sources.yaml labels)
                     "when": r.get("when", {}), "enabled_default": bool(r.get("enabled", True))}
                    for k, r in (prof.get("red_lines") or {}).items()
                ],
            }
        return {"actors": out, "order": list(ACTORS)}

    # -- requests ---------------------------------------------------------------------------
    def plan(self, body: Any) -> jobs.Plan:
        """Validate a run request into a :class:`~sim.app.jobs.Plan`.

        Raises
        ------
        InputError
            With every problem found (unknown scenarios, bad settings, invalid YAML,
            settings that take a scenario's parameter out of range).
        """
        if not isinstance(body, dict):
            raise InputError.single(REQUEST, None, "", "expected a JSON object")
        problems: list[Problem] = []
        keys = body.get("scenarios") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise InputError.single(REQUEST, None, "scenarios", "expected a list of scenario names")
        pasted = body.get("pasted")
        count = len(keys) + (1 if pasted else 0)
        if count == 0:
            problems.append(Problem(REQUEST, None, "scenarios", "choose at least one scenario (or paste one)"))
        elif count > controls.MAX_SCENARIOS:
            problems.append(Problem(REQUEST, None, "scenarios",
                                    f"choose at most {controls.MAX_SCENARIOS} scenarios, got {count}"))
        if len(set(keys)) != len(keys):
            problems.append(Problem(REQUEST, None, "scenarios", "a scenario is chosen twice"))
        settings = None
        try:
            settings = controls.parse_settings(body)
        except InputError as exc:
            problems.extend(exc.problems)
        chosen = []
        for key in keys:
            try:
                chosen.append((key, self.library.get(key)))
            except InputError as exc:
                problems.extend(exc.problems)
        if pasted:
            try:
                key = "pasted" if "pasted" not in keys else "pasted-text"
                chosen.append((key, library.parse_pasted(pasted)))
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        runs = []
        for key, scenario in chosen:
            try:
                runs.append(jobs.PlannedRun(key, controls.apply(scenario, settings)))
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        return jobs.Plan(tuple(runs), settings)

    def check(self, body: Any) -> dict[str, Any]:
        text = body.get("pasted") if isinstance(body, dict) else None
        s = library.parse_pasted(text)
        return {"ok": True, "name": s.name, "title": s.title, "offers": [o.preset for o in s.offers]}


class Handler(BaseHTTPRequestHandler):
    """Routes requests to :class:`App`; never lets an exception stop the server."""

    server_version = f"ceasefire-sim/{__version__}"
    app: App  # set by make_server
    quiet = False

    # -- plumbing -----------------------------------------------------------------------------
    def log_message(self, fmt, *args):  # noqa: D401 - keep the console readable
        if not self.quiet:
            sys.stderr.write(f"[app] {self.address_string()} {fmt % args}\n")

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json_bytes(obj), "application/json; charset=utf-8")

    def _errors(self, status: int, messages: list[str]) -> None:
        self._json(status, {"errors": messages})

    def _body(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            raise InputError.single(REQUEST, None, "", f"request body must be 0 to {MAX_BODY:,} bytes")
        raw = self.rfile.read(length) if length else b"{}"
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError.single(REQUEST, None, "", f"expected a JSON body: {exc}") from None

    def _guarded(self, route) -> None:
        try:
            route()
        except InputError as exc:
            self._errors(HTTPStatus.BAD_REQUEST, [str(p) for p in exc.problems])
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # the server keeps running
            traceback.print_exc(file=sys.stderr)
            try:
                self._errors(HTTPStatus.INTERNAL_SERVER_ERROR, [f"internal error: {type(exc).__name__}: {exc}"])
            except OSError:
                pass

    # -- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guarded(self._post)

    def _get(self) -> None:
        path = self.path.split("?", 1)[0]
        app = self.app
        if path in STATIC_FILES:
            name, ctype = STATIC_FILES[path]
            return self._send(200, (STATIC / name).read_bytes(), ctype)
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        if path == "/api/scenarios":
            return self._json(200, app.scenarios())
        if path == "/api/controls":
            return self._json(200, controls.describe())
        if path == "/api/actors":
            return self._json(200, app.actors())
        if m := _JOB.match(path):
            job = app.runner.get(m.group(1))
            return self._json(200, job.status()) if job else self._not_found("job")
        if m := _FIG.match(path):
            job = app.runner.get(m.group(1))
            png = job.images.get(m.group(2)) if job else None
            return self._send(200, png, "image/png") if png else self._not_found("figure")
        if m := _RUN.match(path):
            return self._download(m.group(1), int(m.group(2)), m.group(3))
        if m := _REPORT.match(path):
            job = app.runner.get(m.group(1))
            if job is None or job.state != "done":
                return self._not_found("run")
            return self._report(job, list(range(len(job.plan.runs))), "comparison-report.html")
        return self._not_found("page")

    def _report(self, job: jobs.Job, indices: list[int], fname: str) -> None:
        if not reports.available():
            return self._errors(HTTPStatus.NOT_IMPLEMENTED, ["the HTML report (sim.pipeline.report) is not installed"])
        try:
            body = reports.render(job, indices)
        except ValueError as exc:          # runs that cannot be paired
            raise InputError.single(REQUEST, None, "report", str(exc)) from None
        self._send(200, body, "text/html; charset=utf-8", {"Content-Disposition": f'attachment; filename="{fname}"'})

    def _download(self, job_id: str, index: int, what: str) -> None:
        job = self.app.runner.get(job_id)
        if job is None or job.state != "done" or index >= len(job.plan.runs):
            return self._not_found("run")
        s = job.plan.runs[index].scenario
        if what == "report.html":
            return self._report(job, [index], f"{s.name}-report.html")
        if what == "scenario.yaml":
            body, ctype, fname = s.to_yaml().encode("utf-8"), "application/x-yaml; charset=utf-8", f"{s.name}.yaml"
        else:
            body, ctype, fname = json_bytes(job.summaries[index]), "application/json; charset=utf-8", \
                f"{s.name}-summary.json"
        self._send(200, body, ctype, {"Content-Disposition": f'attachment; filename="{fname}"'})

    def _not_found(self, what: str) -> None:
        self._errors(HTTPStatus.NOT_FOUND, [f"no such {what}: {self.path[:200]}"])

    def _post(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/api/run":
            plan = self.app.plan(self._body())
            job = self.app.runner.submit(plan)
            return self._json(HTTPStatus.ACCEPTED, {"job": job.id, "status": f"/api/jobs/{job.id}"})
        if path == "/api/check":
            return self._json(200, self.app.check(self._body()))
        return self._not_found("endpoint")


def make_server(host: str = "127.0.0.1", port: int = 8765, scenarios_folder: str | Path | None = None,
                quiet: bool = False) -> ThreadingHTTPServer:
    """Build (not start) the server; ``port=0`` picks a free port (``server.server_address``)."""
    app = App(scenarios_folder)
    handler = type("BoundHandler", (Handler,), {"app": app, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.app = app  # type: ignore[attr-defined]
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (tests); stop with ``server.shutdown()``."""
    t = threading.Thread(target=server.serve_forever, name="ceasefire-sim-app", daemon=True)
    t.start()
    return t
