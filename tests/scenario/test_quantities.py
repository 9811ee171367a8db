"""Terms written as quantities (issue 13): parsing, errors with file/line/key, the regions table."""

import pytest

from sim.scenario import catalog, quantities
from sim.scenario.errors import InputError
from sim.scenario.quantities import Conditions, Threat, Withdrawal
from sim.scenario.schema import from_data, loads_scenario


def _offer(text):
    return loads_scenario(text, "x.yaml").offers[0]


def test_lines_take_names_numbers_and_withdrawals():
    assert _offer("offers:\n  - terms: {line: four_regions}\n").terms.line == "four_regions"
    assert _offer("offers:\n  - terms: {line: 21.5}\n").terms.line == 21.5
    o = _offer("offers:\n  - terms: {line: {current_plus_withdrawal: [donetsk, luhansk]}}\n")
    assert o.terms.line == Withdrawal(("donetsk", "luhansk"))


@pytest.mark.parametrize("value, needle", [
    ("{current_plus_withdrawal: [donetsk, kharkiv]}", "distinct regions from donetsk"),
    ("{current_plus_withdrawal: []}", "distinct regions"),
    ("{plus: [donetsk]}", "current_plus_withdrawal"),
    ("130", "between 0 and 100"),
    ("four_region", "did you mean 'four_regions'"),
])
def test_bad_lines_name_the_line_and_key(value, needle):
    with pytest.raises(InputError) as err:
        loads_scenario(f"name: x\noffers:\n  - preset: freeze\n    terms:\n      line: {value}\n", "bad.yaml")
    text = str(err.value)
    assert "bad.yaml:5" in text and "offers[0].terms.line" in text and needle in text


def test_relief_share_conditions_and_threats_parse_and_round_trip():
    s = loads_scenario("""
offers:
  - preset: freeze
    terms: {sanctions_relief: 0.3, conditions: {halt_western_aid: true, halt_mobilization: true},
            line: {current_plus_withdrawal: [donetsk]}}
    threats: [{by: europe, against: russia, credibility: 0.5}]
""")
    o = s.offers[0]
    assert o.terms.sanctions_relief == 0.3 and quantities.relief_share("partial") == 0.5
    assert o.terms.conditions == Conditions(True, True)
    assert o.threats == (Threat("europe", "russia", credibility=0.5),)
    again = from_data(s.to_dict())          # the resolved scenario.yaml loads back to the same offer
    assert again.offers[0] == o and again.hash() == s.hash()


def test_us_offers_without_threats_keep_the_us_threats_and_an_empty_list_removes_them():
    us = _offer("offers:\n  - preset: truce\n")
    assert us.threats is None and {t.against for t in us.all_threats} == {"russia", "ukraine"}
    assert _offer("offers:\n  - preset: truce\n    threats: []\n").all_threats == ()
    assert _offer("offers:\n  - preset: freeze\n").all_threats == ()


@pytest.mark.parametrize("text, needle", [
    ("threats: [{by: nato, against: russia}]", "by: expected one of united_states, europe"),
    ("threats: [{by: europe, against: belarus}]", "against: expected one of russia, ukraine"),
    ("threats: [{by: europe, against: russia, credibility: 2}]", "credibility: expected a number between 0 and 1"),
    ("threats: {by: europe}", "expected a list of threats"),
    ("terms: {sanctions_relief: 1.5}", "a share between 0 and 1"),
    ("terms: {conditions: {halt_aid: true}}", "unknown condition 'halt_aid'"),
    ("terms: {conditions: {halt_mobilization: 1}}", "expected true or false"),
])
def test_bad_threats_relief_and_conditions_are_clear_errors(text, needle):
    with pytest.raises(InputError) as err:
        loads_scenario(f"offers:\n  - preset: freeze\n    {text}\n", "bad.yaml")
    assert needle in str(err.value) and "bad.yaml:" in str(err.value)


def test_regions_table_is_sourced_and_matches_the_held_share_parameters():
    data = quantities.regions()
    assert data["ukraine_area_km2"] == 603550 and "State Statistics Service of Ukraine" in data["area_source"]
    table = catalog.parameter_table()
    for key, r in data["regions"].items():
        assert r["held_source"].startswith("REFERENCES.md, ISW/DeepState") and r["held_dates"]
        info = table[f"lines.{key}_held_share"]
        assert info.default == catalog._param(r["held_share"]), key
    # the four oblasts are ~18% of Ukraine (REFERENCES.md)
    assert 17.9 < sum(quantities.area_pct(k) for k in data["regions"]) < 18.1
    assert abs(quantities.area_pct("donetsk") - 4.39) < 0.01


def test_every_example_scenario_validates_and_is_commented(root):
    from sim.scenario.schema import load_scenario

    files = sorted((root / "scenarios" / "examples").glob("*.yaml"))
    assert len(files) >= 6
    for f in files:
        s = load_scenario(f)
        assert s.name == "example_" + f.stem
        assert f.read_text(encoding="utf-8").startswith("# ----"), f.name     # a commented header
