"""``design`` shows a progress bar on a terminal only (never on a pipe or with -q), and
``run_design`` reports its progress after every batch."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

from sim.design.runner import make_config, planned_packages, run_design

ROOT = Path(__file__).resolve().parents[2]


def run_with_stderr(args: list[str], tty: bool) -> tuple[int, str, str]:
    """``python -m sim ARGS`` with stdout on a pipe and stderr on a pty (``tty``) or a pipe
    (as tests/commands/test_progress.py)."""
    cmd = [sys.executable, "-m", "sim", *args]
    if not tty:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        err += data
    out = proc.stdout.read()
    proc.wait(timeout=300)
    os.close(master)
    return proc.returncode, out, err.decode("utf-8", "replace")

DESIGN = ["design", "scenarios/freeze.yaml", "--vary", "monitoring,guarantees", "-n", "20", "--horizon-weeks", "12",
          "--search", "exhaustive", "--workers", "1", "--force"]


def test_design_progress_bar_on_a_terminal_only(tmp_path):
    args = DESIGN + ["--out", str(tmp_path / "d")]
    code, out, err = run_with_stderr(args, tty=True)
    assert code == 0, err
    assert "design" in err and "%|" in err and "/9" in err and "package" in err   # a bar of the 9 packages
    assert "%|" not in out
    code, out_pipe, err_pipe = run_with_stderr(args, tty=False)
    assert code == 0 and err_pipe == ""                                 # a pipe: nothing extra
    code, out_q, err_q = run_with_stderr(args + ["-q"], tty=True)
    assert code == 0 and "%|" not in err_q and out_q == ""


def test_run_design_reports_progress_after_each_batch(tmp_path):
    c = make_config(str(ROOT / "scenarios" / "freeze.yaml"), vary="monitoring,guarantees", replications=20, horizon_weeks=12,
                    search_method="exhaustive")
    seen = []
    run_design(c, out=tmp_path / "d", workers=1, batch_packages=2, write_outputs=False,
               progress=lambda done, total: seen.append((done, total)))
    assert planned_packages(c) == c.space.size == 9
    assert seen[-1] == (9, 9)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 5   # batches of 2 packages
