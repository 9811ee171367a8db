"""The calibration file: the shipped example loads; every mistake is an error with its line."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.calibration.spec import default_priors, load_calibration, parameter_catalog
from sim.scenario.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "calibration" / "record_2024_2025.yaml"

GOOD = """\
name: tiny
replications: 8
population: 10
parameters:
  attrition.stalemate_threshold: default
  actors.russia.weights.casualties: {uniform: [0.01, 0.02]}
targets:
  speed:
    scenario: refusal
    statistic: territory_gain
    weeks: [0, 52]
    observed: 0.7
    sd: 0.1
    source: "ISW"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cal.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_example_names_every_validation_target_with_a_source():
    cal = load_calibration(EXAMPLE)
    keys = {t.key for t in cal.targets}
    assert {"front_speed_year1", "territory_jan_2026", "casualty_ratio_year1", "russia_accepts_own_freeze",
            "ukraine_rejects_freeze", "russia_rejects_truce", "ukraine_accepts_truce",
            "freeze_breakdown_share_3y", "hazard_falls_with_time"} <= keys
    assert all(t.source.strip() for t in cal.targets)
    # default: every assumption and derived parameter drawn from a range, actors included
    paths = {p.path for p in cal.priors}
    assert "attrition.stalemate_threshold" in paths and "actors.ukraine.weights.casualties" in paths
    assert "attrition.advance_pp_per_year" not in paths          # sourced: not inferred by default
    assert all(p.kind in ("assumption", "derived") for p in cal.priors)


def test_default_priors_are_the_stated_ranges():
    table = parameter_catalog()
    for p in default_priors():
        assert p.param == table[p.path].default and p.param.is_random


def test_a_list_and_a_mapping_of_parameters(tmp_path):
    cal = load_calibration(write(tmp_path, GOOD))
    assert [p.path for p in cal.priors] == ["attrition.stalemate_threshold", "actors.russia.weights.casualties"]
    assert cal.priors[1].param.args == (0.01, 0.02)
    t = cal.targets[0]
    assert t.distance_term(0.9) == pytest.approx(4.0) and t.distance_term(math.nan) == 9.0


def test_a_band_counts_only_outside_it(tmp_path):
    text = GOOD.replace("    observed: 0.7\n    sd: 0.1\n", "    band: [0.5, null]\n    sd: 0.1\n")
    t = load_calibration(write(tmp_path, text)).targets[0]
    assert t.distance_term(3.0) == 0.0 and t.distance_term(0.3) == pytest.approx(4.0)


@pytest.mark.parametrize("change, line, key, words", [
    (("replications: 8", "replications: -3"), 2, "replications", "whole number"),
    (("attrition.stalemate_threshold: default", "attrition.stalemate_treshold: default"), 5,
     "parameters.attrition.stalemate_treshold", "did you mean 'attrition.stalemate_threshold'"),
    (("{uniform: [0.01, 0.02]}", "{uniform: [0.02, 0.01]}"), 6, "parameters.actors.russia.weights.casualties",
     "low < high"),
    (("scenario: refusal", "scenario: nowhere"), 9, "targets.speed.scenario", "no scenario file"),
    (("statistic: territory_gain", "statistic: territory_gane"), 10, "targets.speed.statistic",
     "did you mean 'territory_gain'"),
    (("weeks: [0, 52]", "weeks: [0, 900]"), 11, "targets.speed.weeks", "horizon"),
    (("    sd: 0.1\n", ""), 8, "targets.speed", "needs its uncertainty"),
    (('    source: "ISW"\n', ""), 8, "targets.speed.source", "cites its source"),
    (("population: 10", "populaton: 10"), 3, "populaton", "did you mean 'population'"),
])
def test_errors_name_the_line_and_key(tmp_path, change, line, key, words):
    with pytest.raises(InputError) as exc:
        load_calibration(write(tmp_path, GOOD.replace(*change)))
    probs = exc.value.problems
    assert any(p.line == line and p.key == key and words in p.message for p in probs), [str(p) for p in probs]


def test_a_fixed_default_needs_a_prior(tmp_path):
    fixed = next(p for p, info in parameter_catalog().items() if not info.default.is_random)
    text = GOOD.replace("attrition.stalemate_threshold: default", f"{fixed}: default")
    with pytest.raises(InputError, match="give a prior"):
        load_calibration(write(tmp_path, text))


def test_cli_error_exit_2_with_file_and_line(tmp_path, cli):
    p = write(tmp_path, GOOD.replace("statistic: territory_gain", "statistic: nope"))
    code, _, err = cli("calibrate", p, "--budget", "10", "--out", tmp_path / "out")
    assert code == 2 and f"{p}:10: key 'targets.speed.statistic'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
