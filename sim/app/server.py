"""The app's HTTP server: static files shipped in the package and a small JSON API.

Standard library only (:class:`http.server.ThreadingHTTPServer`), bound to 127.0.0.1.
Every byte the page loads comes from this server: the page, ``app.js``, ``app.css``
(system fonts, no web fonts) and the numbers the page draws its SVG charts from; a
Content-Security-Policy of ``'self'`` makes the browser refuse anything else.

Defences of a server that any web page the student visits could try to reach (the
checks Jupyter makes):

* **Host check**: every request must name this server in its ``Host`` header
  (``127.0.0.1:<port>`` or ``localhost:<port>``), else 403; a DNS-rebinding page's
  requests carry its own host name.
* **Origin check**: a POST that carries an ``Origin`` must come from the app's own origin
  (``http://127.0.0.1:<port>`` or ``http://localhost:<port>``), else 403, so a cross-site
  form or script cannot start runs. Scripts that send no ``Origin`` (curl, urllib) pass.
* **Bounded work**: at most :data:`sim.app.jobs.MAX_PENDING` runs waiting (else 429), at
  most :data:`sim.app.jobs.MAX_WORK` replication-weeks per run (else 400), a body of at
  most :data:`MAX_BODY` bytes, finished jobs released beyond
  :data:`sim.app.jobs.MAX_FINISHED`.
* **Timeouts**: a connection must deliver its whole request within
  :data:`REQUEST_SECONDS` (idle or trickling, it is closed), and at most
  :data:`MAX_CONNECTIONS` connections are served at once (the next ones get 503).

API
---
GET  /api/scenarios                      scenario files of the folder (with errors if invalid)
GET  /api/controls                       sliders, their bounds and mappings; each scenario slot's colour
GET  /api/actors                         each actor's red lines with the quoted source (`citation`: as shown)
POST /api/check    {"pasted": text}      validate a pasted YAML scenario
POST /api/run      {"scenarios": [...], "pasted": text|null, "controls": {...},
                    "replications": n, "seed": s}          -> 202 {"job": id}
GET  /api/jobs/<id>[?since=v]             progress; when done, numbers and chart data
                                         (with ``since``: wait up to 10 s for a change after version v)
GET  /api/jobs/<id>/figures/<name>.png   a chart as PNG, drawn on request (downloads)
GET  /api/jobs/<id>/runs/<i>/scenario.yaml   resolved scenario: `ceasefire-sim run` it
GET  /api/jobs/<id>/runs/<i>/summary.json    the summary the page shows
GET  /api/jobs/<id>/runs/<i>/report.html     HTML report of one scenario (sim.pipeline.report)
GET  /api/jobs/<id>/report.html              HTML report comparing all scenarios of the run
POST /api/play     {"scenario": key, "seats": [...], "seed": s, "replication": i}  -> 201 {"game": id, "state"}
POST /api/play/<id> {"action": "advance"|"answer"|"propose"|"aid"|"sanctions"|"break"|"autopilot", ...}  -> the new state
GET  /api/play/<id>                      the game's state (each seat's situation, the question waiting)
GET  /api/play/<id>/game.yaml|game.json  the game file (`ceasefire-sim replay` it)
GET  /api/play/<id>/debrief              a finished game against the model alone (sim.play.debrief)
GET  /api/play/<id>/report.html          the same as a self-contained HTML report
POST /api/play/teacher {"games": [{"name", "text"}]}  several game files side by side (rows + report html)

Role-play games (:mod:`sim.app.games`) are keyed by a random id (tabs never share one), at
most :data:`sim.app.games.MAX_GAMES` live and :data:`sim.app.games.MAX_BUSY` computing at once.
GET  /api/design/terms                   the terms the design view may vary, with their levels
POST /api/design   {"scenario": key, "vary": [terms], "replications": n, "seed": s}
                                         -> 202 {"job": id}: an exhaustive search (sim.app.design)
POST /api/design/<id>/run {"package": p} -> 202 {"job": id}: run one package of a finished search

Bad input answers HTTP 400 with ``{"errors": ["<file>:<line>: key '...': message", ...]}``
(malformed, too deeply nested or oversized JSON included); a refused host or origin 403,
a full queue 429; an unexpected failure answers 500 with a message; the server keeps
serving in every case.
"""

from __future__ import annotations

import json
import re
import socket
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
from sim.app import controls, games, jobs, library, reports, words
from sim.app import design as app_design
from sim.figures import app as app_figures

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/charts.js": ("charts.js", "text/javascript; charset=utf-8"),
    "/static/why.js": ("why.js", "text/javascript; charset=utf-8"),
    "/static/design.js": ("design.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
    "/play.html": ("play.html", "text/html; charset=utf-8"),
    "/static/play.js": ("play.js", "text/javascript; charset=utf-8"),
    "/static/play.css": ("play.css", "text/css; charset=utf-8"),
}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")
MAX_BODY = 1_000_000
#: Seconds a connection has to deliver its request line, headers and body.
REQUEST_SECONDS = 10.0
#: Connections served at once (each has a thread); more are answered 503 and closed.
MAX_CONNECTIONS = 32
#: Deepest nesting of a JSON body (the page sends 3 levels).
MAX_JSON_DEPTH = 20
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
REQUEST = "<app request>"

_JOB = re.compile(r"^/api/jobs/(\d+)$")
_FIG = re.compile(r"^/api/jobs/(\d+)/figures/([a-z_]+)\.png$")
_RUN = re.compile(r"^/api/jobs/(\d+)/runs/(\d+)/(scenario\.yaml|summary\.json|report\.html)$")
_REPORT = re.compile(r"^/api/jobs/(\d+)/report\.html$")
_PLAY = re.compile(r"^/api/play/([0-9a-f]{16})(?:/(game\.yaml|game\.json|debrief|report\.html))?$")
_DESIGN_RUN = re.compile(r"^/api/design/(\d+)/run$")


class App:
    """The state behind the server: the scenario library and the job runner."""

    def __init__(self, scenarios_folder: str | Path | None = None):
        folder = Path(scenarios_folder) if scenarios_folder is not None else library.default_folder()
        self.library = library.Library(folder)
        self.runner = jobs.Runner()
        self.games = games.Games(self.library)

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
                     "when": r.get("when", {}), "when_text": words.describe_when(r.get("when", {})),
                     "enabled_default": bool(r.get("enabled", True))}
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
        work = jobs.work_of(runs)
        if work > jobs.MAX_WORK:
            raise InputError.single(REQUEST, None, "replications", (
                f"this run asks for {work:,} replication-weeks (replications x weeks, summed over the "
                f"scenarios); at most {jobs.MAX_WORK:,} are allowed in the app: choose fewer replications "
                "or run it from the command line"))
        return jobs.Plan(tuple(runs), settings)

    def check(self, body: Any) -> dict[str, Any]:
        text = body.get("pasted") if isinstance(body, dict) else None
        s = library.parse_pasted(text)
        return {"ok": True, "name": s.name, "title": s.title, "offers": [o.preset for o in s.offers]}


def json_depth(obj: Any) -> int:
    """Nesting depth of parsed JSON (a scalar is 0), without recursion."""
    deepest, stack = 0, [(obj, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def parse_json(raw: bytes) -> Any:
    """A request body as JSON; anything malformed, too deep or too large is an :class:`InputError`."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise InputError.single(REQUEST, None, "", f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except (UnicodeDecodeError, ValueError) as exc:   # JSONDecodeError, or an integer of > 4,300 digits
        raise InputError.single(REQUEST, None, "", f"expected a JSON body: {str(exc)[:200]}") from None
    if json_depth(obj) > MAX_JSON_DEPTH:
        raise InputError.single(REQUEST, None, "", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return obj


class Refused(Exception):
    """A request refused before routing: ``status`` and the message to send."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class Handler(BaseHTTPRequestHandler):
    """Routes requests to :class:`App`; never lets an exception stop the server."""

    server_version = f"ceasefire-sim/{__version__}"
    app: App  # set by make_server
    quiet = False
    request_seconds = REQUEST_SECONDS

    # -- plumbing -----------------------------------------------------------------------------
    def setup(self) -> None:
        """Arm the request deadline: idle reads time out, and the whole request must arrive in time."""
        super().setup()
        self.connection.settimeout(self.request_seconds)
        self._deadline = threading.Timer(self.request_seconds, self._expire)
        self._deadline.daemon = True
        self._deadline.start()

    def _expire(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)   # the handler's read returns: the thread ends
        except OSError:
            pass

    def _request_read(self) -> None:
        """The whole request is in: no deadline while the answer is computed and sent."""
        self._deadline.cancel()

    def finish(self) -> None:
        self._deadline.cancel()
        super().finish()

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

    def _errors(self, status: int, messages: list[str], extra: dict[str, str] | None = None) -> None:
        self._send(status, json_bytes({"errors": messages}), "application/json; charset=utf-8", extra)

    def _own_hosts(self) -> set[str]:
        port = self.server.server_address[1]
        hosts = {f"{name}:{port}" for name in LOOPBACK_NAMES}
        return hosts | (set(LOOPBACK_NAMES) if port == 80 else set())

    def _check_host(self) -> None:
        """403 unless ``Host`` names this server (a DNS-rebinding page sends its own name)."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self._own_hosts():
            url = url_of(self.server)
            raise Refused(HTTPStatus.FORBIDDEN, f"refused: the Host header {host[:100]!r} is not this app; "
                                                f"open {url} (or http://localhost:{self.server.server_address[1]}/)")

    def _check_origin(self) -> None:
        """403 for a POST from another origin (a cross-site form or script)."""
        origin = self.headers.get("Origin")
        if origin is None:
            return
        if origin.strip().lower() not in {f"http://{h}" for h in self._own_hosts()}:
            raise Refused(HTTPStatus.FORBIDDEN, f"refused: a request from another web page ({origin[:100]!r}); "
                                                "only the app's own page may start runs")

    def _body(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._request_read()
            raise InputError.single(REQUEST, None, "", f"request body must be 0 to {MAX_BODY:,} bytes")
        raw = self.rfile.read(length) if length else b"{}"
        self._request_read()
        if len(raw) < length:
            raise InputError.single(REQUEST, None, "", "the request body ended early")
        return parse_json(raw)

    def _guarded(self, route) -> None:
        answer: tuple[int, list[str], dict[str, str] | None] | None = None
        try:
            self._check_host()
            if self.command == "POST":
                self._check_origin()
            else:
                self._request_read()
            route()
        except Refused as exc:
            self._request_read()
            self.close_connection = True
            answer = (exc.status, [exc.message], exc.headers)
        except InputError as exc:
            answer = (HTTPStatus.BAD_REQUEST, [str(p)[:2000] for p in exc.problems], None)
        except jobs.Busy as exc:
            answer = (HTTPStatus.TOO_MANY_REQUESTS, [str(exc)], {"Retry-After": "2"})
        except (ConnectionError, TimeoutError):     # the client went away, or its request timed out
            self.close_connection = True
        except Exception as exc:  # the server keeps running
            traceback.print_exc(file=sys.stderr)
            answer = (HTTPStatus.INTERNAL_SERVER_ERROR, [f"internal error: {type(exc).__name__}: {exc}"[:500]], None)
        if answer is not None:
            try:
                self._errors(*answer)
            except OSError:
                self.close_connection = True

    # -- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guarded(self._post)

    def _get(self) -> None:
        path, _, query = self.path.partition("?")
        app = self.app
        if path in STATIC_FILES:
            name, ctype = STATIC_FILES[path]
            return self._send(200, (STATIC / name).read_bytes(), ctype)
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        if path == "/api/scenarios":
            return self._json(200, app.scenarios())
        if path == "/api/controls":
            return self._json(200, {**controls.describe(), "slots": app_figures.slots()})
        if path == "/api/actors":
            return self._json(200, app.actors())
        if path == "/api/design/terms":
            return self._json(200, app_design.terms())
        if m := _JOB.match(path):
            job = app.runner.get(m.group(1))
            if job is None:
                return self._not_found("job")
            since = _since(query)
            if since is not None:
                job.wait_change(since, jobs.MAX_WAIT)
            return self._json(200, job.status())
        if m := _FIG.match(path):
            job = app.runner.get(m.group(1))
            png = job.png(m.group(2)) if job else None
            return self._send(200, png, "image/png", {"Content-Disposition": f'attachment; filename="{m.group(2)}.png"'}) \
                if png else self._not_found("figure")
        if m := _RUN.match(path):
            return self._download(m.group(1), int(m.group(2)), m.group(3))
        if m := _PLAY.match(path):
            return self._play_get(m.group(1), m.group(2))
        if m := _REPORT.match(path):
            job = app.runner.get(m.group(1))
            if job is None or job.state != "done" or not job.plan.runs:
                return self._not_found("run")
            return self._report(job, list(range(len(job.plan.runs))), "comparison-report.html")
        return self._not_found("page")

    def _play_get(self, game_id: str, what: str | None) -> None:
        g = self.app.games
        if what is None:
            state = g.state(game_id)
            return self._json(200, state) if state is not None else self._not_found("game")
        if what in ("game.yaml", "game.json"):
            fmt = what.split(".")[1]
            body = g.file(game_id, fmt)
            if body is None:
                return self._not_found("game")
            ctype = "application/json; charset=utf-8" if fmt == "json" else "application/x-yaml; charset=utf-8"
            return self._send(200, body, ctype, {"Content-Disposition": f'attachment; filename="game-{game_id}.{fmt}"'})
        report = g.debrief(game_id)
        if report is None:
            return self._not_found("game")
        if what == "debrief":
            return self._json(200, report)
        from sim.play.report import render

        self._send(200, render([(f"game-{game_id}", report)]).encode("utf-8"), "text/html; charset=utf-8",
                   {"Content-Disposition": f'attachment; filename="debrief-{game_id}.html"'})

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
        body = self._body()
        if path == "/api/run":
            plan = self.app.plan(body)
            job = self.app.runner.submit(plan)
            return self._json(HTTPStatus.ACCEPTED, {"job": job.id, "status": f"/api/jobs/{job.id}"})
        if path == "/api/check":
            return self._json(200, self.app.check(body))
        if path == "/api/play":
            game_id, state = self.app.games.start(body)
            return self._json(HTTPStatus.CREATED, {"game": game_id, "state": state})
        if path == "/api/play/teacher":
            return self._json(200, self.app.games.teacher(body))
        if m := _PLAY.match(path):
            if m.group(2) is None:
                state = self.app.games.act(m.group(1), body)
                return self._json(200, state) if state is not None else self._not_found("game")
        if path == "/api/design":
            job = self.app.runner.submit(app_design.plan(self.app.library, body))
            return self._json(HTTPStatus.ACCEPTED, {"job": job.id, "status": f"/api/jobs/{job.id}"})
        if m := _DESIGN_RUN.match(path):
            job = self.app.runner.submit(app_design.package_plan(self.app.runner.get(m.group(1)), body))
            return self._json(HTTPStatus.ACCEPTED, {"job": job.id, "status": f"/api/jobs/{job.id}"})
        return self._not_found("endpoint")


def _since(query: str) -> int | None:
    """The ``since=<version>`` of a status request, or None (answer at once)."""
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key == "since" and value.isdigit() and len(value) <= 12:
            return int(value)
    return None


class AppServer(ThreadingHTTPServer):
    """A threading HTTP server that serves at most ``max_connections`` connections at once."""

    daemon_threads = True

    def __init__(self, address, handler, max_connections: int = MAX_CONNECTIONS):
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            body = json_bytes({"errors": ["the app is busy: too many open connections; try again"]})
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                b"Retry-After: 1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def make_server(host: str = "127.0.0.1", port: int = 8765, scenarios_folder: str | Path | None = None,
                quiet: bool = False, request_seconds: float = REQUEST_SECONDS,
                max_connections: int = MAX_CONNECTIONS) -> AppServer:
    """Build (not start) the server; ``port=0`` picks a free port (``server.server_address``)."""
    app = App(scenarios_folder)
    handler = type("BoundHandler", (Handler,), {"app": app, "quiet": quiet, "request_seconds": request_seconds})
    server = AppServer((host, port), handler, max_connections)
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
