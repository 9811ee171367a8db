"""Paths: a scenario's name cannot escape the results folder; symlinked targets are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import fuzz_settings, run_cli
from sim.scenario.errors import InputError, RunExistsError
from sim.pipeline.runner import run_scenario
from sim.scenario.schema import loads_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"

names = st.one_of(
    st.text(max_size=70),
    st.text(alphabet="./\\-_aZ09~$:\x00 ", max_size=20),
    st.sampled_from(["..", ".", "../x", "a/../../b", "/etc/passwd", "~root", "a\\..\\b", "x/", "-rf", ".hidden",
                     "a..b", "...", "a" * 64, "a" * 65, "con", "nul.txt", "results", "\u2024\u2024"]),
)


@fuzz_settings(300)
@given(name=names)
def test_any_accepted_name_stays_inside_the_results_folder(tmp_path_factory, name):
    import json

    root = Path("/srv/results")
    try:
        s = loads_scenario("name: " + json.dumps(name) + "\n", "n.yaml")
    except InputError as exc:
        assert all(p.key == "name" or p.line for p in exc.problems)
        return
    target = root / s.name
    assert os.path.normpath(target).startswith(str(root) + os.sep)
    assert target.parent == root and s.name not in (".", "..") and "/" not in s.name and "\x00" not in s.name


def test_symlinked_target_is_refused_even_with_force(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    root = tmp_path / "results"
    root.mkdir()
    (root / "freeze").symlink_to(outside, target_is_directory=True)
    for force in (False, True):
        with pytest.raises(RunExistsError, match="symbolic link"):
            run_scenario(FREEZE, results_root=root, replications=10, horizon_weeks=3, figures=False, force=force)
    assert [p.name for p in outside.iterdir()] == ["precious.txt"]
    assert (root / "freeze").is_symlink()


def test_dangling_symlink_target_is_refused(tmp_path):
    (tmp_path / "out").symlink_to(tmp_path / "does-not-exist")
    rc, _, err = run_cli(["run", str(FREEZE), "--out", str(tmp_path / "out"), "--replications", "10",
                          "--horizon-weeks", "3", "--no-figures", "--force"])
    assert rc == 2 and "symbolic link" in err
    assert not (tmp_path / "does-not-exist").exists()


def test_symlinked_results_root_is_the_users_choice(tmp_path):
    real = tmp_path / "big-disk"
    real.mkdir()
    (tmp_path / "results").symlink_to(real, target_is_directory=True)
    r = run_scenario(FREEZE, results_root=tmp_path / "results", replications=10, horizon_weeks=3, figures=False)
    assert (real / "freeze" / "manifest.json").is_file() and r.folder == tmp_path / "results" / "freeze"


def test_out_may_point_anywhere_the_user_chooses(tmp_path):
    out = tmp_path / "deep" / "er" / "run"
    rc, _, err = run_cli(["run", str(FREEZE), "--out", str(out), "--replications", "10", "--horizon-weeks", "3",
                          "--no-figures"])
    assert rc == 0, err
    assert (out / "outcomes.csv").is_file()
