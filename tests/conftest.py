"""Shared fixtures: small scenarios built in code, and the CLI runner."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def cli(capsys):
    """Run ``ceasefire-sim`` in-process: returns (exit code, stdout, stderr)."""
    from sim.cli import main

    def run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
