"""Property-based fuzzing of sweep files through the real CLI (``sweep --dry-run``).

Every generated sweep file, valid or broken (mutated keys and values, wrong types, NaN/inf,
huge numbers, unknown parameters, hostile bytes, alias bombs), must be accepted (exit 0)
or rejected cleanly (exit 2, every error names the file and line), never a traceback or a
hang. ``--dry-run`` validates everything a real sweep validates (including each range end
and level applied to the base scenario) and runs nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import alias_bomb, check_rejection, dump, fuzz_settings, hostile_text, leaf_paths, mutated_scenario, run_cli

ROOT = Path(__file__).resolve().parents[2]
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))


def _base(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["scenario"] = str((path.parent / data["scenario"]).resolve())  # files are written elsewhere
    return data


BASES = [_base(p) for p in SWEEPS]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-sweeps")


def _check(work: Path, content: bytes | str) -> int:
    path = work / "sweep.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    rc, out, err = run_cli(["sweep", str(path), "--dry-run", "--quiet"], seconds=30)  # a hang guard, not a timing test: designs over 1M rows are refused
    assert rc in (0, 2), (rc, err)
    if rc == 2:
        check_rejection(err, str(path))
    return rc


def test_shipped_sweeps_pass_dry_run(work):
    assert len(BASES) >= 2
    for base in BASES:
        assert _check(work, dump(base)) == 0


@fuzz_settings(600)
@given(data=st.data())
def test_mutated_sweep_files_are_accepted_or_rejected_cleanly(work, data):
    index = data.draw(st.integers(0, len(BASES) - 1))
    base = BASES[index]
    mutated = data.draw(mutated_scenario(base, leaf_paths(base)))
    _check(work, dump(mutated))


@fuzz_settings(100)
@given(content=hostile_text())
def test_hostile_bytes_as_sweep_files(work, content):
    _check(work, content)  # asserts exit 0 or a clean exit-2 rejection with file:line


def test_alias_bomb_sweep(work):
    assert _check(work, alias_bomb(9, 9)) == 2
