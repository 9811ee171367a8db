"""Calibration benchmark: CPU seconds per particle, one at a time vs in vectorized batches.

    python bench/calibration.py [--file scenarios/calibration/record_2024_2025.yaml] [--batches 1 16 64 128]

Times :func:`sim.calibration.targets.simulate_batch` (every scenario of the file, its
replications, particles drawn from the priors) and reports CPU time per particle, so that a
loaded machine distorts it less than wall time. A batch of K particles is one vectorized run
per scenario with K x replications replications (docs/calibration.md, "Batches"). The model's
cost only: pyabc's proposal step is not included.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.calibration.inference import prior_draws  # noqa: E402
from sim.calibration.spec import load_calibration  # noqa: E402
from sim.calibration.targets import simulate_batch  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(ROOT / "scenarios" / "calibration" / "record_2024_2025.yaml"))
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 16, 64, 128])
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cal = load_calibration(args.file)
    paths = [p.path for p in cal.priors]
    print(f"{cal.file}: {len(cal.runs())} simulations of {cal.replications} replications per particle, "
          f"load average {os.getloadavg()[0]:.1f}")
    base = None
    for k in args.batches:
        rows = prior_draws(cal, k, f"bench:{k}")
        particles = [(dict(zip(paths, map(float, r))), (i + 1) * 2**40) for i, r in enumerate(rows)]
        c0, w0 = time.process_time(), time.perf_counter()
        simulate_batch(cal, particles)
        cpu, wall = (time.process_time() - c0) / k, (time.perf_counter() - w0) / k
        base = base or cpu
        print(f"batch {k:>4}: {cpu:6.3f} s CPU per particle ({wall:6.3f} s wall), {base / cpu:5.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
