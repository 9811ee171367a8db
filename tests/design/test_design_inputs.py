"""Bad design inputs are file:line (or did-you-mean) errors with exit code 2."""

from __future__ import annotations

import pytest

from sim.design import space as space_mod
from sim.design.objectives import parse_constraints, registry
from sim.scenario.offers import TERM_CHOICES, TERM_FIELDS
from sim.scenario.schema import load_scenario


def write(tmp_path, text, root):
    f = tmp_path / "d.yaml"
    f.write_text(text.replace("SCEN", str(root / "scenarios" / "freeze.yaml")))
    return f


@pytest.mark.parametrize("body,line,words", [
    ("scenario: SCEN\nvary:\n  line: [current]\n  monitorin: all\n", 4, "did you mean 'monitoring'"),
    ("scenario: SCEN\nvary:\n  line: [current, moscow]\n", 3, "rejected by the scenario"),
    ("scenario: SCEN\nvary:\n  army_cap: {range: [10, 5]}\n", 3, "low < high"),
    ("scenario: SCEN\nobjectives: [p_agreed, p_hold_3y]\n", 2, "did you mean 'p_holds_3y'"),
    ("scenario: SCEN\nconstraints:\n  - p_accept_ukraine > 0.5\n", 3, "expected '<metric> >= <number>'"),
    ("scenario: SCEN\nbudgt: 10\n", 2, "did you mean 'budget'"),
    ("scenario: SCEN\nreplications: 0\n", 2, "whole number"),
])
def test_bad_design_files_name_the_line(cli, tmp_path, root, body, line, words):
    f = write(tmp_path, body, root)
    code, out, err = cli("design", f, "--out", tmp_path / "o")
    assert code == 2
    assert f"{f}:{line}:" in err and words in err, err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_bad_vary_and_objective_names_suggest(cli, root, tmp_path):
    code, _, err = cli("design", root / "scenarios/freeze.yaml", "--vary", "line,guarnatees", "--out", tmp_path / "o")
    assert code == 2 and "did you mean 'guarantees'" in err
    code, _, err = cli("design", root / "scenarios/freeze.yaml", "--objective", "p_agred", "--out", tmp_path / "o")
    assert code == 2 and "did you mean 'p_agreed'" in err
    code, _, err = cli("design", root / "scenarios/freeze.yaml", "--constraint", "p_accept_ukrane >= 0.5",
                       "--out", tmp_path / "o")
    assert code == 2 and "did you mean 'p_accept_ukraine'" in err


def test_the_default_space_is_every_term_of_the_schema(root):
    base = load_scenario(root / "scenarios/freeze.yaml")
    s = space_mod.default_space(base)
    assert set(s.names) | {f.split()[0] for f in s.fixed} == set(TERM_FIELDS)
    for v in s.variables:
        if v.name in TERM_CHOICES:     # the proposer's own line is a mechanism, not a default level
            assert v.levels == tuple(c for c in TERM_CHOICES[v.name] if c != "proposer_optimal")
    assert s.index_of(s.shipped()) is not None


def test_every_package_of_the_default_levels_is_a_valid_scenario(root):
    """line x scope by default: no package the schema refuses (proposer_optimal needs scope: full)."""
    base = load_scenario(root / "scenarios/freeze.yaml")
    s = space_mod.parse_vary(base, "line,scope")
    for index in s.all_indices():
        s.scenario(s.package(index))           # raises InputError on a package the schema refuses


def test_a_design_file_sets_the_space_and_settings(tmp_path, root):
    f = write(tmp_path, "scenario: SCEN\nvary:\n  duration_days: {range: [30, 90], steps: 3, integer: true}\n"
                        "  nato_renunciation: all\nreplications: 50\nconstraints: ['p_accept_ukraine >= 0.5']\n", root)
    d = space_mod.load_design(f)
    assert [v.levels for v in d.space.variables] == [(30, 60, 90), (False, True)]
    assert d.settings["replications"] == 50
    c = parse_constraints(d.settings["constraints"], registry(156))
    assert c[0].holds(0.5) and not c[0].holds(0.49) and not c[0].holds(float("nan"))
