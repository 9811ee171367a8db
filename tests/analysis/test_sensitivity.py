"""One-at-a-time sensitivity: factors, common random numbers, directions, CLI and tornado."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.analysis import sensitivity as S
from sim.api import simulate
from sim.cli import main as cli
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"
REFUSAL = ROOT / "scenarios" / "refusal.yaml"


@pytest.fixture(scope="module")
def freeze():
    return load_scenario(FREEZE)


def test_factors_are_every_random_input_with_its_range(freeze):
    fs = {f.path: f for f in S.factors(freeze)}
    # every random scenario parameter, none of the fixed ones
    for path, p in freeze.params.items():
        assert (path in fs) == p.is_random
    assert "attrition.reference_aid_bn_per_year" not in fs          # fixed (derived)
    er = fs["attrition.exchange_ratio"]
    assert (er.low, er.high) == (2.0, 2.5) and er.kind == "sourced"
    # actor preferences, beliefs and resolve spreads are factors too
    assert fs["actors.ukraine.term_values.recognition=de_facto"].low == -4.0
    assert "actors.russia.beliefs.optimism" in fs and "actors.europe.resolve_sd" in fs
    assert all(f.low < f.high for f in fs.values())


def test_fixing_a_factor_keeps_common_random_numbers(freeze):
    """Only the fixed factor changes: every other draw is identical replication by replication."""
    base = freeze.with_changes({"replications": 300})
    a = simulate(base, record_trajectories=False)
    b = simulate(base.with_changes({"attrition.exchange_ratio": 2.5}), record_trajectories=False)
    assert np.all(b.columns["param.attrition.russia_casualties_per_day"]
                  == a.columns["param.attrition.russia_casualties_per_day"])
    assert "param.attrition.exchange_ratio" not in b.columns        # fixed: no longer drawn
    assert not np.array_equal(a.columns["casualties_ukraine_k"], b.columns["casualties_ukraine_k"])


@pytest.fixture(scope="module")
def small(freeze):
    only = ["attrition.exchange_ratio", "actors.ukraine.weights.casualties",
            "actors.ukraine.term_values.recognition=de_facto", "europe.replacement_share"]
    return S.one_at_a_time(freeze, replications=600, only=only)


def test_directions_follow_the_model_logic(small):
    rows = {r.factor.path: r for r in small.rows}
    # a Ukraine that weighs its losses more, or minds de facto recognition less, accepts more
    assert rows["actors.ukraine.weights.casualties"].swing("accept_ukraine") > \
        rows["actors.ukraine.weights.casualties"].noise["accept_ukraine"]
    assert rows["actors.ukraine.term_values.recognition=de_facto"].swing("p_agreed") > \
        rows["actors.ukraine.term_values.recognition=de_facto"].noise["p_agreed"]
    # a higher exchange ratio (Russia loses more per Ukrainian loss) slows the front
    assert rows["attrition.exchange_ratio"].swing("territory_end_median") < 0
    # ranking puts the biggest swing first
    ranked = small.ranked("p_agreed")
    swings = [abs(r.swing("p_agreed")) for r in ranked]
    assert swings == sorted(swings, reverse=True)


def test_baseline_equals_a_plain_run(freeze, small):
    out = simulate(freeze.with_changes({"replications": 600}), record_trajectories=False)
    assert S.metrics(out) == small.baseline


def test_same_inputs_give_the_same_table(freeze, small):
    again = S.one_at_a_time(freeze, replications=600, only=[r.factor.path for r in small.rows])
    assert again.to_json() == small.to_json()


def test_unknown_factor_is_refused(freeze):
    with pytest.raises(KeyError, match="attrition.nope"):
        S.one_at_a_time(freeze, replications=10, only=["attrition.nope"])


def test_tables_and_main_outcome(small):
    text = S.format_table(small, "p_agreed", top=2)
    assert "P(ceasefire agreed)" in text and "2 more factors" in text
    md = S.markdown_table(small, top=3)
    assert md.count("\n") == 2 + 3 and "*baseline (defaults)*" in md
    assert small.main_outcome() == "p_agreed"


def test_refusal_ranks_by_territory_when_no_deal_is_possible():
    s = load_scenario(REFUSAL)
    res = S.one_at_a_time(s, replications=200, only=["attrition.advance_pp_per_year", "decision.weekly_discount"])
    assert res.baseline["p_agreed"] == 0.0
    assert res.main_outcome() == "territory_end_median"
    top = res.ranked("territory_end_median")[0]
    assert top.factor.path == "attrition.advance_pp_per_year" and top.swing("territory_end_median") > 0


def test_cli_writes_table_and_tornados_atomically(tmp_path, capsys):
    out = tmp_path / "sens"
    args = [ "sensitivity", str(FREEZE), "-n", "100", "--factor", "attrition.exchange_ratio",
             "--factor", "ceasefire.breakdown_hazard_belief", "--out", str(out)]
    assert cli(args) == 0
    printed = capsys.readouterr().out
    assert "breakdown_hazard_belief" in printed
    files = sorted(p.name for p in out.iterdir())
    assert "sensitivity.csv" in files and "sensitivity.json" in files
    assert {"figures", "manifest.json", "scenario.yaml"} <= set(files)
    assert {f"tornado_{k}.png" for k in S.OUTCOMES} <= {p.name for p in (out / "figures").iterdir()}
    data = json.loads((out / "sensitivity.json").read_text())
    assert {f["factor"] for f in data["factors"]} == {"attrition.exchange_ratio", "ceasefire.breakdown_hazard_belief"}
    assert (out / "figures" / "tornado_p_agreed.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # never over an existing folder without --force; nothing half-written
    assert cli(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_cli_bad_input_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nattrition:\n  exchange_ratio: {uniform: [3, 2]}\n")
    assert cli(["sensitivity", str(bad), "--no-write"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3" in err and "exchange_ratio" in err
    assert cli(["sensitivity", str(FREEZE), "--no-write", "-n", "10", "--factor", "attrition.nope"]) == 2
    assert "--factor" in capsys.readouterr().err


def test_factor_names_get_a_suggestion(capsys):
    assert cli(["sensitivity", str(FREEZE), "-n", "10", "--no-write", "--factor", "attrition.exchange_ratoi"]) == 2
    assert "did you mean 'attrition.exchange_ratio'" in capsys.readouterr().err
