"""``ceasefire-sim calibrate`` stops promptly on SIGTERM and Ctrl-C (issue 16).

Real signals to a real ``calibrate`` subprocess, in the middle of a vectorized round that
would take minutes: the command must exit with its message (143 / 130, no traceback), kill
its worker processes, and leave no results folder, no staging folder and no temporary pyabc
database behind. The bounds (``timeout=``) only keep a broken build from hanging the suite:
the work the signal interrupts would take several minutes to finish.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from proc_support import alive as _alive, descendants as _descendants, ppid as _ppid

pytest.importorskip("pyabc")

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

# the first round: 5 tasks x 13 look-ahead particles x 20,000 replications per worker, minutes of work
SLOW = """\
name: slow
seed: 5
replications: 20000
population: 10
generations: 3
predictive_draws: 2
parameters: [attrition.advance_pp_per_year]
targets:
  speed:
    scenario: refusal
    statistic: territory_gain
    weeks: [0, 26]
    horizon_weeks: 26
    observed: 0.35
    sd: 0.1
    source: "synthetic"
"""


def _busy(pid: int) -> bool:
    """The process has used CPU time in the last half second (a worker inside a round)."""
    def ticks():
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    try:
        a = ticks()
        time.sleep(0.5)
        return ticks() > a
    except OSError:
        return False


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("sig, code, words", [(signal.SIGTERM, 143, b"terminated"),
                                               (signal.SIGINT, 130, b"interrupted")])
def test_a_signal_stops_calibrate_at_once_and_leaves_nothing(tmp_path, workers, sig, code, words):
    f = tmp_path / "slow.yaml"
    f.write_text(SLOW, encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "results" / "slow-calibration"
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp))
    proc = subprocess.Popen([sys.executable, "-m", "sim", "calibrate", str(f), "--budget", "100000",
                             "--workers", str(workers), "--out", str(out)],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    helpers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while True:     # wait until the inference runs: its database exists and the simulating process is busy
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "calibrate did not start its inference"
            helpers = _descendants(proc.pid)
            simulating = [proc.pid] if workers == 1 else [p for p in helpers if _ppid(p) in helpers]
            if list(tmp.glob("ceasefire-calibrate-*")) and len(simulating) >= workers and all(_busy(p) for p in simulating):
                break
            time.sleep(0.2)
        helpers = _descendants(proc.pid)
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)          # Ctrl-C in a terminal: the whole process group
        else:
            proc.send_signal(sig)             # kill PID: the driver only
        _, err = proc.communicate(timeout=45)
        assert proc.returncode == code, err.decode()
        assert words in err and b"Traceback" not in err, err.decode()
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in helpers if _alive(p)], "worker processes left running"
        assert not out.exists()
        assert not out.parent.exists() or list(out.parent.iterdir()) == [], "a staging folder left behind"
        assert list(tmp.glob("ceasefire-calibrate-*")) == [], "temporary pyabc database left behind"
    finally:
        for p in _descendants(proc.pid) | helpers | {proc.pid}:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
