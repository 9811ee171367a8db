"""Whole-program benchmark: the command line against its floors, each figure a ratio of one run.

    python bench/program.py                       # all parts (about 2-3 minutes on a quiet 2-core machine)
    python bench/program.py --only help,run       # some parts: help, run, tables, sensitivity, engine

Every figure is a ratio of two things measured side by side in the same run, so a loaded
machine slows both (targets from issue 18):

* ``help``: start-up of ``ceasefire-sim --help`` (and ``validate``, ``explain``) against
  ``python -c "import numpy"``; target <= 2.5x.
* ``run``: whole-process wall time of ``ceasefire-sim run refusal -n 10000`` against its
  floor, the start-up of ``python -c "import mesa"`` plus the simulation time the run's
  ``manifest.json`` records; target <= 2x.
* ``tables``: at 200,000 replications with ``--no-trajectories``, the time spent writing
  ``outcomes.csv``/``.parquet`` against the simulation time (both from the manifest);
  target <= 0.25.
* ``sensitivity``: ``sensitivity freeze`` with ``--workers 1`` and ``--workers 2``
  (wall time, and whether the bytes are the same).
* ``engine``: ``bench/engine.py`` (10,000 replications x 156 weeks <= 0.5 s on one core).

Start-up times are the median of ``--repeats`` fresh processes, alternating the command
and its reference so both see the same load. Results go to a temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = [str(BIN / "ceasefire-sim")] if (BIN / "ceasefire-sim").exists() else [sys.executable, "-m", "sim"]
PARTS = ("help", "run", "tables", "sensitivity", "engine")


def wall(cmd: list[str], cwd: Path | None = None) -> float:
    """Wall time of one fresh process (output discarded: a pipe, so no progress bar)."""
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def side_by_side(cmd: list[str], ref: list[str], repeats: int) -> tuple[float, float]:
    """Medians of ``repeats`` alternating runs of ``cmd`` and ``ref`` (after one warm-up each)."""
    wall(cmd), wall(ref)
    a, b = [], []
    for _ in range(repeats):
        a.append(wall(cmd))
        b.append(wall(ref))
    return statistics.median(a), statistics.median(b)


def load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:  # pragma: no cover
        return "load average n/a"


def part_help(repeats: int, tmp: Path) -> None:
    numpy = [sys.executable, "-c", "import numpy"]
    print(f"\n== start-up ({load()}) ==")
    rows = [("--help", CLI + ["--help"]),
            ("validate freeze.yaml", CLI + ["validate", str(ROOT / "scenarios" / "freeze.yaml")]),
            ("explain russia", CLI + ["explain", "russia"])]
    for name, cmd in rows:
        t_cmd, t_ref = side_by_side(cmd, numpy, repeats)
        verdict = f"  (target <= 2.5x: {'met' if t_cmd <= 2.5 * t_ref else 'NOT met'})" if name == "--help" else ""
        print(f"{name:<22} {t_cmd:6.3f} s   import numpy {t_ref:6.3f} s   ratio {t_cmd / t_ref:5.2f}x{verdict}")


def _run(tmp: Path, name: str, args: list[str]) -> tuple[float, dict]:
    out = tmp / name
    t = wall(CLI + ["run", str(ROOT / "scenarios" / "refusal.yaml"), "--out", str(out), "--force", *args])
    manifest = json.loads((out / "manifest.json").read_text())
    return t, manifest


def part_run(repeats: int, tmp: Path) -> None:
    print(f"\n== run refusal -n 10000, whole process ({load()}) ==")
    mesa = [sys.executable, "-c", "import mesa"]
    wall(mesa)
    _run(tmp, "warm", ["-n", "10000"])
    rows = []
    for i in range(repeats):
        t_mesa = wall(mesa)
        t_run, m = _run(tmp, f"run{i}", ["-n", "10000"])
        rows.append((t_run, t_mesa, m["timings_s"]))
    t_run = statistics.median(r[0] for r in rows)
    t_mesa = statistics.median(r[1] for r in rows)
    sim_s = statistics.median(r[2]["simulate"] for r in rows)
    floor = t_mesa + sim_s
    keys = sorted({k for r in rows for k in r[2]})
    parts = ", ".join(f"{k} {statistics.median(r[2].get(k, 0.0) for r in rows):.2f} s" for k in keys)
    print(f"whole process          {t_run:6.3f} s (median of {repeats})")
    print(f"floor                  {floor:6.3f} s = import mesa {t_mesa:.3f} s + simulation {sim_s:.3f} s")
    print(f"ratio                  {t_run / floor:5.2f}x  (target <= 2x: {'met' if t_run <= 2 * floor else 'NOT met'})")
    print(f"manifest timings       {parts}")


def part_tables(replications: int, tmp: Path) -> None:
    print(f"\n== run refusal -n {replications:,} --no-trajectories ({load()}) ==")
    t_run, m = _run(tmp, "big", ["-n", str(replications), "--no-trajectories"])
    t = m["timings_s"]
    ratio = t["write_tables"] / t["simulate"]
    print(f"whole process          {t_run:6.2f} s")
    print(f"simulation             {t['simulate']:6.2f} s")
    print(f"writing the tables     {t['write_tables']:6.2f} s   ratio {ratio:.3f}  "
          f"(target <= 0.25: {'met' if ratio <= 0.25 else 'NOT met'})")


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("sensitivity.csv", "sensitivity.json"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()[:16]


def part_sensitivity(replications: int, tmp: Path) -> None:
    print(f"\n== sensitivity freeze -n {replications} ({load()}) ==")
    base = CLI + ["sensitivity", str(ROOT / "scenarios" / "freeze.yaml"), "-n", str(replications), "--force"]
    times, digests = {}, {}
    for workers in (1, 2):
        out = tmp / f"sens{workers}"
        try:
            times[workers] = wall(base + ["--out", str(out), "--workers", str(workers)])
        except SystemExit as exc:  # before issue 18: no --workers
            if workers == 1 and "--workers" in str(exc):
                times[workers] = wall(base + ["--out", str(out)])
                print(f"one process            {times[1]:6.2f} s   (this version has no --workers)")
                return
            raise
        digests[workers] = _digest(out)
    same = "same bytes" if digests[1] == digests[2] else "DIFFERENT bytes"
    print(f"--workers 1            {times[1]:6.2f} s")
    print(f"--workers 2            {times[2]:6.2f} s   speed-up {times[1] / times[2]:.2f}x  ({same})")


def part_engine(tmp: Path) -> None:
    print(f"\n== engine: bench/engine.py ({load()}) ==", flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "engine.py"), "--repeats", "3", "--singles", "100"],
                   check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts: {', '.join(PARTS)}")
    ap.add_argument("--repeats", type=int, default=5, help="fresh processes per start-up figure (median)")
    ap.add_argument("--big", type=int, default=200_000, help="replications of the table-writing figure")
    ap.add_argument("--sensitivity-replications", type=int, default=1000)
    args = ap.parse_args()
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown parts: {', '.join(sorted(unknown))}")
    print(f"ceasefire-sim program benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "help" in parts:
            part_help(args.repeats, tmp)
        if "run" in parts:
            part_run(args.repeats, tmp)
        if "tables" in parts:
            part_tables(args.big, tmp)
        if "sensitivity" in parts:
            part_sensitivity(args.sensitivity_replications, tmp)
        if "engine" in parts:
            part_engine(tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
