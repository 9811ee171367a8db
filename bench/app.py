"""App latency: from pressing Run (POST /api/run) to the chart numbers in hand, over real HTTP.

    python bench/app.py [--replications 2000] [--repeats 5]

The page's own path, measured side by side in one run: POST the request, long-poll
``GET /api/jobs/<id>?since=v`` until it is done, parse the JSON with the summaries and the
numbers of the four charts (the browser draws them as SVG in a few milliseconds; the
e2e test records that time in ``body[data-draw-ms]``). Reported next to it: the
simulation time the job records (the floor), and the time to download the four charts as
PNG (drawn on request, outside the interactive loop).
Target (issue 18): three scenarios x 2,000 replications within 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.app.server import make_server, serve_in_thread, url_of  # noqa: E402

TARGET_SECONDS = 0.5


def fetch(url: str, data: bytes | None = None) -> dict:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def request(base: str, scenarios: list[str], replications: int, seed: int) -> tuple[float, float, float]:
    """(Run -> chart numbers, simulation, PNG downloads) in seconds."""
    body = json.dumps({"scenarios": scenarios, "replications": replications, "seed": seed,
                       "controls": {"europe_aid": 2.0}}).encode()
    t0 = time.perf_counter()
    job = fetch(base + "api/run", body)["job"]
    version = 0
    while True:
        st = fetch(f"{base}api/jobs/{job}?since={version}")
        version = st["version"]
        if st["state"] in ("done", "error"):
            break
    wall = time.perf_counter() - t0
    if st["state"] != "done":
        raise SystemExit(f"run failed: {st['errors']}")
    assert len(st["result"]["charts"]["charts"]) == 4
    t1 = time.perf_counter()
    for f in st["result"]["figures"]:
        urllib.request.urlopen(base + f["url"].lstrip("/")).read()
    png = time.perf_counter() - t1
    return wall, st["result"]["seconds"]["simulate"], png


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    server = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
    serve_in_thread(server)
    base = url_of(server)
    request(base, ["freeze"], 200, 0)   # warm up
    cases = {"1 scenario": ["freeze"], "3 scenarios": ["freeze", "truce_30day", "refusal"]}
    print(f"{args.replications:,} replications per scenario, median of {args.repeats} runs (new seed each)")
    print(f"{'case':<12} {'Run -> charts':>14} {'simulation':>11} {'overhead':>9} {'vs 0.5 s':>9} {'4 PNGs':>8}")
    for label, keys in cases.items():
        rows = [request(base, keys, args.replications, seed) for seed in range(1, args.repeats + 1)]
        wall = statistics.median(r[0] for r in rows)
        sim = statistics.median(r[1] for r in rows)
        png = statistics.median(r[2] for r in rows)
        print(f"{label:<12} {wall:>12.3f} s {sim:>9.3f} s {wall - sim:>7.3f} s {wall / TARGET_SECONDS:>8.2f}x "
              f"{png:>6.2f} s")
    server.shutdown()
    server.app.runner.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
