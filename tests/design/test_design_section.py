"""A ``design:`` section inside a scenario file (issue 15): used by ``design``, ignored by
``run``, validated with file:line errors."""

from __future__ import annotations

import pytest

from sim.design.runner import make_config
from sim.scenario.schema import load_scenario


def scenario_with(tmp_path, root, section: str):
    """freeze.yaml with a design section appended (its own lines stay where they are)."""
    base = (root / "scenarios" / "freeze.yaml").read_text()
    f = tmp_path / "freeze_design.yaml"
    f.write_text(base.rstrip("\n") + "\n" + section)
    return f, base.rstrip("\n").count("\n") + 2          # the line of 'design:'


GOOD = """design:
  vary:
    monitoring: all
    guarantees: [none, foreign_troops]
  objectives: [p_agreed, p_holds_1y]
  constraints: ["p_accept_ukraine >= 0.2"]
  replications: 40
  horizon_weeks: 52
  seed: 7
"""


def test_design_uses_the_section_and_run_ignores_it(tmp_path, root):
    f, _ = scenario_with(tmp_path, root, GOOD)
    c = make_config(str(f))
    assert c.space.names == ["monitoring", "guarantees"] and c.space.size == 6
    assert [o.metric for o in c.objectives] == ["p_agreed", "p_holds_1y"]
    assert [k.text for k in c.constraints] == ["p_accept_ukraine >= 0.2"]
    assert (c.replications, c.horizon_weeks, c.seed) == (40, 52, 7)
    # the command line still wins over the section
    assert make_config(str(f), vary="line", replications=10).space.names == ["line"]
    # for run, the section changes nothing: the same scenario (and hash) as without it
    plain = load_scenario(root / "scenarios" / "freeze.yaml")
    assert load_scenario(f) == plain and load_scenario(f).hash() == plain.hash()


def test_design_command_runs_the_section(cli, tmp_path, root):
    f, _ = scenario_with(tmp_path, root, GOOD)
    code, out, err = cli("design", f, "--out", tmp_path / "o", "--workers", "1")
    assert code == 0, err
    assert "6 packages in the space" in out and (tmp_path / "o" / "pareto.csv").is_file()


@pytest.mark.parametrize("section,offset,words", [
    ("design:\n  vary:\n    monitorin: all\n", 2, "did you mean 'monitoring'"),
    ("design:\n  vary:\n    line: [current, moscow]\n", 2, "rejected by the scenario"),
    ("design:\n  budgt: 10\n", 1, "did you mean 'budget'"),
    ("design:\n  scenario: other.yaml\n", 1, "remove 'scenario'"),
    ("design:\n  replications: 0\n", 1, "whole number"),
    ("design:\n  objectives: [p_agreed, p_hold_3y]\n", 1, "did you mean 'p_holds_3y'"),
    ("design:\n  constraints:\n    - p_accept_ukraine > 0.5\n", 2, "expected '<metric> >= <number>'"),
])
def test_bad_sections_name_the_file_line_and_key(cli, tmp_path, root, section, offset, words):
    f, line = scenario_with(tmp_path, root, section)
    code, out, err = cli("design", f, "--out", tmp_path / "o")
    assert code == 2
    assert f"{f}:{line + offset}:" in err and words in err and "key 'design." in err, err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_a_section_that_is_not_a_mapping_is_a_scenario_error(cli, tmp_path, root):
    f, line = scenario_with(tmp_path, root, "design: [monitoring]\n")
    for command in ("validate", "run"):
        code, _, err = cli(command, f, *(["--out", str(tmp_path / "r")] if command == "run" else []))
        assert code == 2 and f"{f}:{line}:" in err and "key 'design'" in err, err
