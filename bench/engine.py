"""Engine benchmark: replications/s of the full model, vectorized vs one model per replication.

    python bench/engine.py [--scenario scenarios/freeze.yaml] [--replications 10000] [--singles 200]

Both are measured side by side in one run, pinned to one core. Targets (DESIGN.md):
10,000 replications x 156 weeks in <= 0.5 s, and >= 100x faster than running the same
model one replication per Mesa model (what ``mesa.batch_run`` would do).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.api import simulate  # noqa: E402
from sim.engine.model import CeasefireModel  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "freeze.yaml"))
    ap.add_argument("--replications", type=int, default=10_000)
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--singles", type=int, default=200, help="one-replication models to time")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    s = load_scenario(args.scenario)
    simulate(s, replications=200, horizon_weeks=args.weeks)  # warm up imports and caches

    vec = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        simulate(s, replications=args.replications, horizon_weeks=args.weeks, record_trajectories=True)
        vec.append(time.perf_counter() - t)
    t_vec = statistics.median(vec)

    t = time.perf_counter()
    for i in range(args.singles):
        CeasefireModel(s, replication_ids=[i], horizon_weeks=args.weeks).run()
    t_single = (time.perf_counter() - t) / args.singles

    rate_vec = args.replications / t_vec
    rate_single = 1.0 / t_single
    print(f"scenario            {Path(args.scenario).name}, {args.weeks} weeks, one core")
    print(f"platform            Python {platform.python_version()}, {platform.machine()}")
    print(f"vectorized          {args.replications:,} replications in {t_vec:.3f} s "
          f"(median of {args.repeats}; min {min(vec):.3f} s) = {rate_vec:,.0f} replications/s")
    print(f"one model per rep.  {t_single * 1000:.1f} ms per replication = {rate_single:,.1f} replications/s "
          f"({args.singles} models)")
    print(f"ratio               {rate_vec / rate_single:,.0f}x")
    print(f"targets             <= 0.5 s for 10,000: {'met' if t_vec <= 0.5 else 'NOT met'}; "
          f">= 100x: {'met' if rate_vec / rate_single >= 100 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
