"""Design benchmark: packages evaluated per second, 1 worker and 2, side by side in one run.

    python bench/design.py                      # 27 packages x 1,000 replications x 156 weeks
    python bench/design.py --replications 500 --repeat 2

The space is monitoring x guarantees x sanctions_relief of the freeze scenario (27
packages, exhaustive search). Wall clock of ``run_design`` with the pool start-up included
and output files skipped, best of ``--repeat``; 1 and 2 workers alternate so both see the
same machine load. Results go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    from sim.design.runner import make_config, run_design

    config = make_config(str(ROOT / "scenarios" / "freeze.yaml"), vary="monitoring,guarantees,sanctions_relief",
                         replications=args.replications, horizon_weeks=156, search_method="exhaustive")
    best: dict[int, float] = {}
    busy: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            for w in (1, 2):
                t0 = time.perf_counter()
                result = run_design(config, out=Path(tmp) / f"w{w}-{r}", workers=w, write_outputs=False)
                dt = time.perf_counter() - t0
                if dt < best.get(w, float("inf")):
                    best[w] = dt
                    m = json.loads((Path(tmp) / f"w{w}-{r}" / "manifest.json").read_text())
                    busy[w] = m["timings_s"]["worker_busy"]
                n = len(result.rows)
        startup = pool_startup()
    rate = {w: n / t for w, t in best.items()}
    print(json.dumps({"packages": n, "replications": args.replications, "horizon_weeks": 156,
                      "cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
                      "seconds": {w: round(t, 2) for w, t in best.items()},
                      "packages_per_s": {w: round(v, 2) for w, v in rate.items()},
                      "speedup_2_vs_1": round(rate[2] / rate[1], 2),
                      # compute summed over the batches, and the share of workers x wall time it fills
                      "worker_busy_s": {w: round(b, 2) for w, b in busy.items()},
                      "utilization": {w: round(busy[w] / (w * best[w]), 2) for w in best},
                      "pool_startup_s": round(startup, 2)}, indent=2))


PROBE = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
import sim.design.runner
from sim.sweeps.executors import open_executor
t0 = time.perf_counter()
with open_executor("local", 2) as (ex, _):
    list(ex.map(abs, range(2)))
    print(time.perf_counter() - t0)
"""


def pool_startup() -> float:
    """Wall time to open a 2-worker pool and get an answer from it, in a fresh process (the
    forkserver imports ``sim``'s engine once; a design pays this once per run)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
