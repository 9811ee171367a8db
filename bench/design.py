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
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            for w in (1, 2):
                t0 = time.perf_counter()
                result = run_design(config, out=Path(tmp) / f"w{w}-{r}", workers=w, write_outputs=False)
                dt = time.perf_counter() - t0
                best[w] = min(best.get(w, dt), dt)
                n = len(result.rows)
    rate = {w: n / t for w, t in best.items()}
    print(json.dumps({"packages": n, "replications": args.replications, "horizon_weeks": 156,
                      "cores": os.cpu_count(), "seconds": {w: round(t, 2) for w, t in best.items()},
                      "packages_per_s": {w: round(v, 2) for w, v in rate.items()},
                      "speedup_2_vs_1": round(rate[2] / rate[1], 2)}, indent=2))


if __name__ == "__main__":
    main()
