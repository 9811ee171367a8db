"""``ceasefire-sim why``: the decomposition table, the waterfall figures, flips, bad input."""

import json

import pytest

from sim.analysis.flip import accept_share, find_flips
from sim.cli import main
from sim.engine.simulate import simulate
from sim.output.summary import margins
from sim.scenario.errors import InputError
from sim.scenario.schema import load_scenario


def test_unknown_actor_exits_2_with_a_suggestion(tmp_path, capsys):
    code = main(["why", "scenarios/freeze.yaml", "--actor", "ukrane", "--out", str(tmp_path / "w")])
    assert code == 2
    err = capsys.readouterr().err
    assert "did you mean 'ukraine'" in err and "Traceback" not in err
    assert not (tmp_path / "w").exists()


def test_offer_out_of_range_exits_2(tmp_path, capsys):
    code = main(["why", "scenarios/freeze.yaml", "--offer", "3", "--out", str(tmp_path / "w")])
    assert code == 2
    assert "out of range" in capsys.readouterr().err


def test_why_writes_table_figures_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "w"
    assert main(["why", "scenarios/freeze.yaml", "-n", "200", "--no-flip", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "own casualties" in text and "private resolve" in text and "total (accepts if > 0)" in text
    data = json.loads((out / "why.json").read_text())
    assert set(data["margins"]) == {"russia", "ukraine", "united_states", "europe"}
    for a in data["margins"]:
        assert (out / "figures" / f"why_{a}.png").stat().st_size > 1000
    assert main(["why", "scenarios/freeze.yaml", "-n", "200", "--no-flip", "--out", str(out)]) == 2
    assert main(["why", "scenarios/freeze.yaml", "-n", "200", "--no-flip", "--actor", "russia",
                 "--out", str(out), "--force"]) == 0
    assert set(json.loads((out / "why.json").read_text())["margins"]) == {"russia"}


def _first_week_share(scenario, actor):
    """Acceptance at the first offer week read from the run's summary margins (another path)."""
    row = margins(simulate(scenario, horizon_weeks=scenario.offers[0].week + 1))[0]["actors"][actor]
    return row["total_positive_share"]


@pytest.fixture(scope="module")
def freeze_ukraine():
    s = load_scenario("scenarios/freeze.yaml").with_changes({"replications": 300})
    return s, find_flips(s, "ukraine", 0, replications=300)


def test_the_flip_found_makes_the_actor_accept_in_half(freeze_ukraine):
    s, found = freeze_ukraine
    assert found["baseline"] < 0.5
    assert found["baseline"] == pytest.approx(_first_week_share(s, "ukraine"), abs=1e-5)
    for kind in ("term", "assumption"):
        flip = found[kind]
        assert flip is not None, kind
        changed = s.with_changes({flip.path: _value(s, flip)})
        assert _first_week_share(changed, "ukraine") >= 0.5
        assert accept_share(changed, "ukraine", 0) == flip.accept_share


def _value(s, flip):
    from sim.analysis.flip import assumption_params, scaled, term_candidates

    if flip.kind == "term":
        return next(v for p, v, text in term_candidates(s, 0) if p == flip.path and text == flip.description)
    factor = float(flip.description.split(" x ")[1].split(" ")[0])
    return scaled(assumption_params(s, "ukraine")[flip.path], factor).to_yaml()


def test_a_vetoed_offer_is_flipped_by_a_term_not_an_assumption():
    s = load_scenario("scenarios/freeze.yaml").with_changes({"offers[0].terms.monitoring": "none"})
    found = find_flips(s, "ukraine", 0, replications=200)
    assert found["baseline"] == 0.0 and found["vetoed_by"] == ["oversight"]
    assert found["assumption"] is None
    assert found["term"].path == "offers[0].terms.monitoring"
    changed = s.with_changes({"replications": 200, found["term"].path: found["term"].description.split("-> ")[1]})
    assert accept_share(changed, "ukraine", 0) >= 0.5


def test_the_assumption_flip_is_the_smallest_one_step_nearer_does_not_flip(freeze_ukraine):
    """Bisection: the factor reported flips (re-simulated), one thousandth nearer 1 does not,
    and no assumption flips at the coarse level before it (x 0.9 / x 1.1 when the answer is
    further)."""
    from sim.analysis.flip import SCALE_LEVELS, assumption_params, scaled

    s, found = freeze_ukraine
    flip = found["assumption"]
    factor = float(flip.description.split(" x ")[1].split(" ")[0])
    param = assumption_params(s, "ukraine")[flip.path]
    at = accept_share(s.with_changes({flip.path: scaled(param, factor).to_yaml()}), "ukraine", 0)
    nearer = factor + 0.001 if factor < 1 else factor - 0.001
    before = accept_share(s.with_changes({flip.path: scaled(param, nearer).to_yaml()}), "ukraine", 0)
    assert at >= 0.5 > before
    assert abs(factor - 1) < 0.25                               # the old grid's x 0.75 step, beaten
    inner = [lv for lv in SCALE_LEVELS if abs(lv[0] - 1) < abs(factor - 1)]
    for low, high in inner:                                     # nothing flips nearer than the answer
        for path, p in assumption_params(s, "ukraine").items():
            if p.kind == "fixed" and p.args[0] == 0:
                continue
            for f in (low, high):
                try:
                    changed = s.with_changes({path: scaled(p, f).to_yaml()})
                except InputError:                              # out of the parameter's bounds
                    continue
                share = accept_share(changed, "ukraine", 0)
                assert share is None or share < 0.5, (path, f)


def test_a_numeric_term_is_bisected_to_the_red_line_threshold():
    """Ukraine's demilitarization red line vetoes an army cap below 400 thousand (profile):
    from a cap of 300 the smallest raise that flips is exactly 400; 399 still vetoes."""
    s = load_scenario("scenarios/freeze.yaml").with_changes({"offers[0].terms.army_cap": 300, "replications": 200})
    found = find_flips(s, "ukraine", 0, replications=200, target=0.1)
    assert found["vetoed_by"] == ["demilitarization"]
    flip = found["term_value"]
    assert flip.path == "offers[0].terms.army_cap" and flip.description == "army cap: 300 -> 400 thousand soldiers"
    assert accept_share(s.with_changes({flip.path: 400}), "ukraine", 0) == flip.accept_share >= 0.1
    assert accept_share(s.with_changes({flip.path: 399}), "ukraine", 0) == 0.0
