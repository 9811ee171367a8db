"""App latency: from pressing Run (POST /api/run) to the finished job, over real HTTP.

    python bench/app.py [--replications 2000] [--repeats 5]

Measures, side by side in one run, the wall time the page waits for one and for three
scenarios (simulation + summaries + four PNG figures), and how much of it is simulation.
Target (issue 6): 2,000 replications answer within a couple of seconds.
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


def request(base: str, scenarios: list[str], replications: int) -> tuple[float, dict]:
    body = json.dumps({"scenarios": scenarios, "replications": replications, "seed": 1,
                       "controls": {"europe_aid": 2.0}}).encode()
    t0 = time.perf_counter()
    req = urllib.request.Request(base + "api/run", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        job = json.loads(r.read())["job"]
    while True:
        with urllib.request.urlopen(f"{base}api/jobs/{job}") as r:
            st = json.loads(r.read())
        if st["state"] in ("done", "error"):
            break
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    if st["state"] != "done":
        raise SystemExit(f"run failed: {st['errors']}")
    for f in st["result"]["figures"]:
        urllib.request.urlopen(base + f["url"].lstrip("/")).read()
    return wall, st["result"]["seconds"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    server = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
    serve_in_thread(server)
    base = url_of(server)
    request(base, ["freeze"], 200)   # warm up
    cases = {"1 scenario": ["freeze"], "3 scenarios": ["freeze", "refusal", "truce_30day"]}
    print(f"{args.replications:,} replications per scenario, median of {args.repeats} runs")
    print(f"{'case':<12} {'Run -> done':>12} {'simulate':>9} {'figures':>8}")
    for label, keys in cases.items():
        rows = [request(base, keys, args.replications) for _ in range(args.repeats)]
        wall = statistics.median(r[0] for r in rows)
        sim = statistics.median(r[1]["simulate"] for r in rows)
        fig = statistics.median(r[1]["figures"] for r in rows)
        print(f"{label:<12} {wall:>10.2f} s {sim:>7.2f} s {fig:>6.2f} s")
    server.shutdown()
    server.app.runner.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
