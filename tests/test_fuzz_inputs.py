"""Property-based fuzzing of scenario files through the real CLI (``validate`` and ``run``).

Every generated file, valid or broken, must be accepted (exit 0, finite results) or
rejected cleanly (exit 2, every error names the file and line), never a traceback, never a
hang (each example has a time limit), never a NumPy floating-point warning. Example counts:
see ``tests/fuzz_support.py`` (``HYPOTHESIS_PROFILE``).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fuzz_support import (alias_bomb, base_scenario, check_rejection, check_results, dump, freeze_text,
                          fuzz_settings, hostile_text, leaf_paths, mutated_scenario, plausible_scenario, run_cli)

BASE = base_scenario()
PATHS = leaf_paths(BASE)
RUN_ARGS = ["--replications", "20", "--horizon-weeks", "4", "--no-figures"]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(work: Path, content: bytes | str) -> Path:
    path = work / "scenario.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _validate(path: Path) -> None:
    rc, out, err = run_cli(["validate", str(path)], seconds=20)
    assert rc in (0, 2), (rc, err)
    if rc == 0:
        assert out.startswith("ok:") and not err, (out, err)
    else:
        check_rejection(err, str(path))


def _run(work: Path, path: Path, args=RUN_ARGS) -> int:
    out_dir = work / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    rc, out, err = run_cli(["run", str(path), *args, "--out", str(out_dir)], seconds=60)
    assert rc in (0, 2), (rc, err)
    if rc == 0:
        check_results(out_dir)
    else:
        check_rejection(err, str(path))
        assert not out_dir.exists(), "a rejected run left a results folder"
    leftovers = [p.name for p in work.iterdir() if p.name.startswith(".out.")]
    assert not leftovers, leftovers
    return rc


@fuzz_settings(600)
@given(data=mutated_scenario(BASE, PATHS))
def test_validate_mutated_scenarios(work, data):
    _validate(_write(work, dump(data)))


@fuzz_settings(600)
@given(content=hostile_text())
def test_validate_hostile_files(work, content):
    _validate(_write(work, content))


@fuzz_settings(150)
@given(data=mutated_scenario(BASE, PATHS))
@example(data=BASE)
def test_run_mutated_scenarios(work, data):
    _run(work, _write(work, dump(data)))


@fuzz_settings(100)
@given(content=hostile_text())
def test_run_hostile_files(work, content):
    _run(work, _write(work, content))


@fuzz_settings(200)
@given(data=plausible_scenario(BASE))
def test_run_plausible_scenarios_gives_finite_results(work, data):
    """Values anywhere in their allowed ranges, extremes included, over 30 weeks with the
    offers actually played: accepted runs must give finite numbers without FP warnings."""
    from hypothesis import event

    rc = _run(work, _write(work, dump(data)), ["--replications", "16", "--horizon-weeks", "30", "--no-figures"])
    event(f"exit {rc}")


# -- specific hostile inputs ------------------------------------------------------------
def test_alias_bomb_is_rejected_quickly_with_a_line(work):
    path = _write(work, alias_bomb(12, 10))  # 10**11 nodes if expanded
    t0 = time.perf_counter()
    rc, _, err = run_cli(["validate", str(path)], seconds=20)
    assert rc == 2 and time.perf_counter() - t0 < 20
    (problem,) = check_rejection(err, str(path))
    assert problem["line"] is not None and "values" in problem["rest"]


@pytest.mark.parametrize("text, words", [
    ("name: !!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
    ("!!python/object:sim.scenario.schema.Scenario {}\n", "not allowed"),
    ("offers: !!set {a, b}\n", "not allowed"),
    ("name: a\nname: b\n", "duplicate key"),
    ("", "empty"),
    ("offers: " + "[" * 100 + "]" * 100 + "\n", "nesting deeper"),
    ("offers: " + "[" * 5000 + "]" * 5000 + "\n", "nesting deeper"),
    ("replications: .nan\n", "whole number"),
    ("attrition:\n  exchange_ratio: .inf\n", "between"),
    ("attrition:\n  exchange_ratio: {uniform: [.nan, 2]}\n", "finite"),
    ("name: ../../etc\n", "no '/'"),
    ("name: /tmp/x\n", "no '/'"),
    ("name: ..\n", "no '/'"),
])
def test_hostile_documents_are_clean_errors(work, text, words):
    path = _write(work, text)
    rc, _, err = run_cli(["validate", str(path)])
    assert rc == 2
    problems = check_rejection(err, str(path))
    assert any(words in p["rest"] for p in problems), err
    assert all(p["line"] for p in problems), err


def test_non_utf8_names_the_line(work):
    path = _write(work, b"name: a\ntitle: caf\xe9\n")
    rc, _, err = run_cli(["validate", str(path)])
    assert rc == 2
    (problem,) = check_rejection(err, str(path))
    assert problem["line"] == "2" and "UTF-8" in problem["rest"]


def test_missing_file_and_directory_are_file_level_errors(work):
    for target in (work / "nope.yaml", work):
        rc, _, err = run_cli(["validate", str(target)])
        assert rc == 2
        (problem,) = check_rejection(err, str(target))
        assert problem["line"] is None


def test_huge_file_is_refused_without_reading_it_as_yaml(work):
    path = _write(work, b"# " + b"x" * 2_100_000 + b"\n")
    rc, _, err = run_cli(["validate", str(path)])
    assert rc == 2 and "at most" in err
    rc, _, err = run_cli(["validate", "/dev/zero"], seconds=10)  # endless: read up to the limit only
    assert rc == 2 and "at most" in err


# -- weird but valid: must run and give finite numbers ------------------------------------
WEIRD_VALID = [
    {"replications": 1, "horizon_weeks": 1},
    {"united_states": {"military_aid_bn_per_year": 0}, "europe": {"military_aid_bn_per_year": 0}},
    {"attrition": {"russia_shells_per_year": 0}},
    {"attrition": {"russia_shells_per_year": 0, "ukraine_own_shells_per_year": 0},
     "united_states": {"military_aid_bn_per_year": 0}, "europe": {"military_aid_bn_per_year": 0}},
    {"actors": {a: {"red_lines": {k: False for k in BASE["actors"][a]["red_lines"]}}
                for a in BASE["actors"]}},
    {"actors": {a: {"red_lines": {k: True for k in BASE["actors"][a]["red_lines"]}}
                for a in BASE["actors"]}},
    {"offers": []},
    {"offers": [{"preset": "truce", "week": 0, "terms": {"duration_days": 1}}]},
    {"offers": [{"preset": "custom", "week": 3, "repeat_every_weeks": 1, "terms": {"army_cap": 0}}]},
    {"actors": {a: {"resolve_sd": 0} for a in BASE["actors"]}},
]


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for k, v in changes.items():
        out[k] = _merge(out.get(k) or {}, v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@pytest.mark.parametrize("changes", WEIRD_VALID)
def test_weird_but_valid_scenarios_run_with_finite_outputs(work, changes):
    import yaml

    data = _merge(yaml.safe_load(freeze_text()), changes)
    path = _write(work, dump(data))
    out_dir = work / "weird"
    shutil.rmtree(out_dir, ignore_errors=True)
    args = ["run", str(path), "--out", str(out_dir), "--no-figures"]
    if "replications" not in changes:
        args += ["--replications", "60", "--horizon-weeks", "30"]
    rc, out, err = run_cli(args)
    assert rc == 0, err
    check_results(out_dir)


def test_one_replication_one_week_with_figures(work):
    out_dir = work / "tiny"
    shutil.rmtree(out_dir, ignore_errors=True)
    rc, _, err = run_cli(["run", str(Path(__file__).parents[1] / "scenarios" / "truce_30day.yaml"),
                          "--replications", "1", "--horizon-weeks", "1", "--out", str(out_dir)])
    assert rc == 0, err
    check_results(out_dir)
    assert (out_dir / "figures" / "territory_fan.png").is_file()


@given(st.sampled_from(["--replications", "--horizon-weeks", "--seed", "--max-memory", "--chunk-size"]),
       st.one_of(st.integers(-(2**70), 2**70).filter(lambda v: not 5000 < v <= 10_000_000).map(str), st.text(max_size=8),
                 st.sampled_from(["nan", "inf", "-1", "0", "1e9", "2G", "0.5K", "99999999999999999999"])))
@fuzz_settings(100)
def test_command_line_numbers_never_crash(work, option, value):
    out_dir = work / "cli"
    shutil.rmtree(out_dir, ignore_errors=True)
    args = ["run", str(Path(__file__).parents[1] / "scenarios" / "refusal.yaml"), "--no-figures",
            "--out", str(out_dir), "--replications", "20", "--horizon-weeks", "4", option, value]
    rc, _, err = run_cli(args, seconds=60)
    assert rc in (0, 2), err
    assert "Traceback" not in err
    if rc == 0:
        check_results(out_dir)
