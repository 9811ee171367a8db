"""Tests for sim.app.controls: bounds, validation and the scenario changes of each slider."""

from __future__ import annotations

import pytest

from sim.app import controls
from sim.scenario.errors import InputError
from sim.scenario.schema import load_scenario


@pytest.fixture(scope="module")
def freeze():
    return load_scenario("scenarios/freeze.yaml")


@pytest.fixture(scope="module")
def truce():
    return load_scenario("scenarios/truce_30day.yaml")


def test_unset_controls_change_only_run_size(freeze):
    s = controls.apply(freeze, controls.parse_settings({"replications": 500, "seed": 3}))
    assert s.replications == 500 and s.seed == 3
    assert s.params == freeze.params and s.offers == freeze.offers
    nulls = controls.parse_settings({"controls": {"us_aid": None}})
    assert nulls.controls == {}


def test_aid_factor_scales_each_scenarios_own_range(freeze, truce):
    st = controls.parse_settings({"controls": {"europe_aid": 2.0, "us_aid": 0.5}})
    f, t = controls.apply(freeze, st), controls.apply(truce, st)
    assert f.params["europe.military_aid_bn_per_year"].args == (36.0, 52.0)   # 2 x uniform(18, 26)
    assert f.params["united_states.military_aid_bn_per_year"].args == (7.5, 12.5)
    assert t.params["united_states.military_aid_bn_per_year"].args == (1.0, 5.0)  # policy_2025: 0.5 x (2, 10)
    zero = controls.apply(freeze, controls.parse_settings({"controls": {"us_aid": 0}}))
    p = zero.params["united_states.military_aid_bn_per_year"]
    assert p.kind == "fixed" and p.args == (0.0,)


def test_exchange_ratio_is_centre_of_triangular_range(freeze):
    s = controls.apply(freeze, controls.parse_settings({"controls": {"exchange_ratio": 3.0}}))
    p = s.params["attrition.exchange_ratio"]
    assert p.kind == "triangular" and p.args == (2.75, 3.0, 3.25)


def test_sanctions_reload_and_monitoring(freeze, truce):
    st = controls.parse_settings({"controls": {"sanctions": 0.4, "reload": 0.5, "monitoring": "international"}})
    s = controls.apply(truce, st)
    assert s.params["sanctions.production_cut"].args == (0.4,)
    assert s.params["ceasefire.russia_rebuild_share"].args == (0.35, 0.5)
    assert s.params["ceasefire.ukraine_rebuild_share"].args == (0.1, 0.3)
    assert all(o.terms.monitoring == "international" for o in s.offers)
    assert all(o.terms.monitoring == "none" for o in truce.offers)   # original untouched
    assumed = controls.assumptions(s)
    assert assumed["sanctions.production_cut"] == {"label": "Russian production lost to sanctions", "value": "40%"}
    assert assumed["ceasefire.russia_rebuild_share"]["value"] == "35%–50% of the wartime pace (uniform)"
    assert assumed["offers.terms.monitoring"]["value"] == "international"


@pytest.mark.parametrize("raw, key, fragment", [
    ({"controls": {"us_aid": 4.5}}, "controls.us_aid", "between 0 and 4"),
    ({"controls": {"us_aid": "lots"}}, "controls.us_aid", "expected a number"),
    ({"controls": {"us_aid": True}}, "controls.us_aid", "expected a number"),
    ({"controls": {"monitoring": "drones"}}, "controls.monitoring", "none, bilateral, international"),
    ({"controls": {"volume": 1}}, "controls.volume", "unknown control"),
    ({"replications": 50}, "replications", "between 100 and 20,000"),
    ({"replications": 1e9}, "replications", "between 100 and 20,000"),
    ({"replications": "many"}, "replications", "whole number"),
    ({"seed": -1}, "seed", "whole number"),
    ({"seed": 2.5}, "seed", "whole number"),
])
def test_bad_settings_name_the_key(raw, key, fragment):
    with pytest.raises(InputError) as exc:
        controls.parse_settings(raw)
    msgs = [str(p) for p in exc.value.problems]
    assert any(f"key '{key}'" in m and fragment in m for m in msgs), msgs


def test_seed_as_text_keeps_every_digit():
    assert controls.parse_settings({"seed": "9223372036854775807"}).seed == 2**63 - 1
    with pytest.raises(InputError, match="whole number"):
        controls.parse_settings({"seed": "9223372036854775808"})
    with pytest.raises(InputError, match="whole number"):
        controls.parse_settings({"seed": "12a"})


def test_all_problems_reported_at_once():
    with pytest.raises(InputError) as exc:
        controls.parse_settings({"controls": {"us_aid": -1, "reload": 9}, "seed": "x"})
    assert len(exc.value.problems) == 3


def test_change_out_of_a_parameters_bounds_is_an_input_error(freeze):
    high = freeze.with_changes({"ceasefire.russia_rebuild_share": {"uniform": [1.2, 1.5]}})
    with pytest.raises(InputError) as exc:
        controls.apply(high, controls.parse_settings({"controls": {"reload": 2.0}}))
    msg = str(exc.value)
    assert "ceasefire.russia_rebuild_share" in msg and "freeze" in msg


def test_describe_matches_server_bounds():
    d = controls.describe()
    assert [c["key"] for c in d["controls"]] == [c.key for c in controls.CONTROLS]
    for c in d["controls"]:
        if c["kind"] == "slider":
            assert c["lo"] <= c["start"] <= c["hi"]
            controls.parse_settings({"controls": {c["key"]: c["lo"]}})
            controls.parse_settings({"controls": {c["key"]: c["hi"]}})
    assert d["replications"]["lo"] == controls.REPLICATIONS_RANGE[0]
