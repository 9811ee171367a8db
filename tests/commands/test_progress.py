"""Progress bars on a terminal only (never on a pipe, never with -q); -q/-v on every command;
``sensitivity --workers`` gives the same bytes for any number of workers."""

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

import pytest

from sim.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
SENS = ["sensitivity", "scenarios/freeze.yaml", "-n", "60", "--horizon-weeks", "30", "--no-write",
        "--factor", "attrition.exchange_ratio", "--factor", "sanctions.production_cut", "--workers", "1"]


def run_with_stderr(args: list[str], tty: bool) -> tuple[int, str, str]:
    """Run ``python -m sim ARGS`` with stdout on a pipe and stderr on a pty (``tty``) or a pipe."""
    cmd = [sys.executable, "-m", "sim", *args]
    if not tty:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))   # a 100-column terminal
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:          # the child closed the pty
            break
        if not data:
            break
        err += data
    out = proc.stdout.read()
    proc.wait(timeout=300)
    os.close(master)
    return proc.returncode, out, err.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only():
    code, out, err = run_with_stderr(SENS, tty=True)
    assert code == 0, err
    assert "sensitivity (1 worker" in err and "it/s" not in out and "%|" in err   # a tqdm bar, on stderr
    assert "attrition.exchange_ratio" in out and "%|" not in out
    code, out_pipe, err_pipe = run_with_stderr(SENS, tty=False)
    assert code == 0 and err_pipe == "" and out_pipe == out                     # a pipe: nothing extra
    code, out_q, err_q = run_with_stderr(SENS + ["-q"], tty=True)
    assert code == 0 and "%|" not in err_q and out_q == out                     # -q: no bar


def test_run_shows_progress_on_a_terminal(tmp_path):
    args = ["run", "scenarios/refusal.yaml", "-n", "3000", "--chunk-size", "1000", "--horizon-weeks", "20",
            "--no-figures", "--out", str(tmp_path / "r")]
    code, out, err = run_with_stderr(args, tty=True)
    assert code == 0, err
    assert "refusal" in err and "%|" in err and "results written to" in out
    code, out, err = run_with_stderr(args + ["--force", "-q"], tty=True)
    assert code == 0 and "%|" not in err and out == ""                        # -q: nothing but errors


def test_every_command_takes_quiet_and_verbose():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, p in sub.choices.items():
        opts = p._option_string_actions
        for flag in ("-q", "--quiet", "-v", "--verbose"):
            assert flag in opts, (name, flag)


def test_verbose_prints_the_timings(tmp_path, cli, root):
    code, out, err = cli("run", root / "scenarios" / "refusal.yaml", "-n", 50, "--no-figures",
                         "--out", tmp_path / "v", "-v")
    assert code == 0 and "simulate" in err and "write_tables" in err
    code, out, err = cli("run", root / "scenarios" / "refusal.yaml", "-n", 50, "--no-figures",
                         "--out", tmp_path / "q", "-q", "-v")
    assert code == 2                                                             # -q and -v exclude each other


@pytest.mark.parametrize("workers", [2])
def test_sensitivity_same_bytes_for_any_workers(tmp_path, cli, root, workers):
    base = ["sensitivity", root / "scenarios" / "freeze.yaml", "-n", 80, "--horizon-weeks", 40,
            "--factor", "attrition.exchange_ratio", "--factor", "sanctions.production_cut",
            "--factor", "actors.russia.weights.casualties"]
    code, out1, err = cli(*base, "--workers", 1, "--out", tmp_path / "w1")
    assert code == 0, err
    code, outn, err = cli(*base, "--workers", workers, "--out", tmp_path / f"w{workers}")
    assert code == 0, err
    for name in ("sensitivity.csv", "sensitivity.json"):
        assert (tmp_path / "w1" / name).read_bytes() == (tmp_path / f"w{workers}" / name).read_bytes(), name
    assert out1.replace(str(tmp_path / "w1"), "OUT") == outn.replace(str(tmp_path / f"w{workers}"), "OUT")
