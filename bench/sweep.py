"""Sweep benchmark: 2 workers vs 1 on the same sweep, and peak memory for 100 vs 1,000 points.

    python bench/sweep.py                 # both parts (a few minutes on a quiet 2-core machine)
    python bench/sweep.py --speedup-only
    python bench/sweep.py --memory-only

Targets (DESIGN.md): 2 workers >= 1.7x one worker; memory flat in the number of points.
Speed is measured side by side in one run (wall clock of ``run_sweep``, pool start-up
included, best of ``--repeat``); memory is the peak RSS (``ru_maxrss``) of a fresh
process that runs the whole sweep in-process (driver and worker in one process: the
strictest case). Results go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sweep_file(folder: Path, name: str, points: int, replications: int, horizon: int) -> Path:
    f = folder / f"{name}.yaml"
    f.write_text(f"""name: {name}
scenario: {ROOT / 'scenarios' / 'freeze.yaml'}
sampler: lhs
points: {points}
replications: {replications}
horizon_weeks: {horizon}
seed: 1
parameters:
  attrition.exchange_ratio: {{range: [1.5, 3.5]}}
  united_states.military_aid_bn_per_year: {{range: [0, 40]}}
  sanctions.production_cut: {{range: [0.0, 0.4]}}
  offers[0].terms.monitoring: {{levels: [none, bilateral, international]}}
outcomes: [p_accept_russia, p_accept_ukraine, p_ceasefire_holds, territory_end_median]
""")
    return f


def speedup(points: int, replications: int, repeat: int) -> dict:
    from sim.sweeps import load_sweep, run_sweep

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        spec = load_sweep(sweep_file(tmp, "speed", points, replications, 156))
        times = {1: [], 2: []}
        busy = {1: [], 2: []}
        cpu = os.cpu_count()
        for r in range(repeat):
            for w in (1, 2):  # alternate, so both see the same machine load
                t0 = time.perf_counter()
                res = run_sweep(spec, out=tmp / f"w{w}-{r}", workers=w)
                times[w].append(time.perf_counter() - t0)
                busy[w].append(res.busy_s)
                assert res.points_failed == 0
        same = (tmp / "w1-0" / "points.parquet").read_bytes() == (tmp / "w2-0" / "points.parquet").read_bytes()
    t1, t2 = min(times[1]), min(times[2])
    b1, b2 = busy[1][times[1].index(t1)], busy[2][times[2].index(t2)]
    return {"points": points, "replications": replications, "runs": points * replications, "cores": cpu,
            "load_avg_1min": round(os.getloadavg()[0], 2), "t1_s": round(t1, 2), "t2_s": round(t2, 2),
            "speedup": round(t1 / t2, 2), "busy1_s": round(b1, 2), "busy2_s": round(b2, 2),
            "utilization2": round(b2 / (2 * t2), 2), "all_t1": [round(x, 2) for x in times[1]],
            "all_t2": [round(x, 2) for x in times[2]], "same_bytes": same}


def memory_child(points: int) -> None:
    """Run a sweep of ``points`` in-process and print the peak RSS (MB) as JSON."""
    from sim.sweeps import load_sweep, run_sweep

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        spec = load_sweep(sweep_file(tmp, "mem", points, 100, 52))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        res = run_sweep(spec, out=tmp / "out", workers=1, chunk_points=5)
        elapsed = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"points": points, "chunks": res.plan.n_chunks, "rss_after_imports_mb": round(before, 1),
                      "peak_rss_mb": round(peak, 1), "elapsed_s": round(elapsed, 2)}))


def memory(sizes=(100, 1000)) -> list[dict]:
    out = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for n in sizes:
        r = subprocess.run([sys.executable, __file__, "--memory-child", str(n)], capture_output=True, text=True,
                           env=env, check=True)
        out.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speedup-only", action="store_true")
    ap.add_argument("--memory-only", action="store_true")
    ap.add_argument("--points", type=int, default=160)
    ap.add_argument("--replications", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.memory_child:
        memory_child(a.memory_child)
        return
    if not a.memory_only:
        s = speedup(a.points, a.replications, a.repeat)
        print(f"speed-up: {s['points']} points x {s['replications']} replications x 156 weeks "
              f"({s['runs']:,} runs), {s['cores']} cores, load average {s['load_avg_1min']}")
        print(f"  1 worker  {s['t1_s']:7.2f} s   (all: {s['all_t1']})")
        print(f"  2 workers {s['t2_s']:7.2f} s   (all: {s['all_t2']})")
        print(f"  speed-up  {s['speedup']:.2f}x (target >= 1.7x); identical points.parquet: {s['same_bytes']}")
        print(f"  compute time summed over chunks: {s['busy1_s']:.2f} s with 1 worker, {s['busy2_s']:.2f} s with 2 "
              f"(the same work: more means the two workers did not get two free cores); "
              f"2-worker utilization {s['utilization2']:.0%} of 2 x wall time")
    if not a.speedup_only:
        m = memory()
        print("peak memory, whole sweep in one process (100 replications x 52 weeks per point, chunks of 5):")
        for r in m:
            print(f"  {r['points']:>5} points ({r['chunks']:>3} chunks): peak RSS {r['peak_rss_mb']:7.1f} MB "
                  f"(after imports {r['rss_after_imports_mb']:.1f} MB), {r['elapsed_s']:.1f} s")
        print(f"  ratio 1,000 / 100 points: {m[1]['peak_rss_mb'] / m[0]['peak_rss_mb']:.3f} (flat = 1.0)")


if __name__ == "__main__":
    main()
