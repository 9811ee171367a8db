"""Helper processes die with the driver, however it dies (sim/sweeps/lifeline.py).

Real SIGKILLs, bounded in time: a ``sweep`` driver killed with ``kill -9`` must leave no
forkserver, worker or resource tracker running (issue 19).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from proc_support import alive as _alive, descendants as _descendants, ppid as _ppid

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _wait_gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.1)
    return {p for p in pids if _alive(p)}


def _kill_all(pids: set[int]) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def test_a_process_that_watches_its_parent_exits_when_the_parent_is_killed(tmp_path):
    child = textwrap.dedent("""
        import os, subprocess, sys, time
        code = ("import sys; from sim.sweeps.lifeline import watch_parent; "
                "watch_parent(expected_parent=int(sys.argv[1])); import time; time.sleep(120)")
        subprocess.Popen([sys.executable, "-c", code, str(os.getpid())])
        time.sleep(120)
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    parent = subprocess.Popen([sys.executable, "-c", child], env=env)
    try:
        deadline = time.monotonic() + 30
        while not _descendants(parent.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        grandchild = _descendants(parent.pid)
        assert grandchild
        # killed at once, maybe before the grandchild has started watching: it still knows
        # which parent it should have, and exits at its first look
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        left = _wait_gone(grandchild, 10)
        assert not left, f"still running after its parent was killed: {left}"
    finally:
        _kill_all(_descendants(parent.pid) | {parent.pid})


def test_kill_9_of_a_sweep_driver_leaves_no_process_running(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    driver = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(ROOT / "scenarios" / "sweeps" / "attrition.yaml"),
                               "--workers", "2", "--out", str(tmp_path / "sw"), "-q"],
                              env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    helpers: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and driver.poll() is None:
            helpers = _descendants(driver.pid)
            if len(helpers) >= 4:            # resource tracker, forkserver, two workers
                break
            time.sleep(0.1)
        assert driver.poll() is None and len(helpers) >= 4, f"the sweep did not start its workers: {helpers}"
        time.sleep(0.5)
        helpers = _descendants(driver.pid)
        driver.send_signal(signal.SIGKILL)
        driver.wait(timeout=10)
        left = _wait_gone(helpers, 15)
        assert not left, f"left running after kill -9 of the driver: {left}"
    finally:
        _kill_all(_descendants(driver.pid) | helpers)
        if driver.poll() is None:
            driver.kill()
