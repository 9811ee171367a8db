"""The keys of issue 13 (duration_hours, scope, unilateral): file:line errors, old files, round trip."""

import pytest

from sim.scenario.schema import from_data, loads_scenario

OFFER = "name: t\noffers:\n  - preset: custom\n"

BAD = [
    ("both durations", OFFER + "    terms:\n      duration_days: 30\n      duration_hours: 30\n", 6,
     "offers[0].terms.duration_hours", "not both"),
    ("hours not whole", OFFER + "    terms:\n      duration_hours: 1.5\n", 5,
     "offers[0].terms.duration_hours", "whole number of hours"),
    ("hours zero", OFFER + "    terms:\n      duration_hours: 0\n", 5,
     "offers[0].terms.duration_hours", "between 1 and 876000"),
    ("misspelt hours", OFFER + "    terms:\n      duration_hour: 30\n", 5,
     "offers[0].terms.duration_hour", "did you mean 'duration_hours'"),
    ("bad scope", OFFER + "    terms:\n      scope: maritme\n", 5, "offers[0].terms.scope", "did you mean 'maritime'"),
    ("unilateral not bool", OFFER + "    unilateral: yes please\n", 4, "offers[0].unilateral", "true or false"),
    ("unilateral two parties", OFFER + "    unilateral: true\n    parties: [russia, ukraine]\n", 5,
     "offers[0].parties", "one declaring party"),
    ("unilateral patron", OFFER + "    unilateral: true\n    parties: [united_states]\n", 5,
     "offers[0].parties", "russia or ukraine"),
    ("unilateral limited scope", OFFER + "    unilateral: true\n    parties: [russia]\n    terms:\n"
                                         "      scope: energy_strikes\n", 7, "offers[0].terms.scope", "scope: full"),
]


def _write(tmp_path, text):
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("what,text,line,key,fragment", BAD, ids=[b[0] for b in BAD])
def test_new_keys_are_validated_with_file_line_key(tmp_path, cli, what, text, line, key, fragment):
    path = _write(tmp_path, text)
    code, _, err = cli("validate", path)
    assert code == 2 and "Traceback" not in err
    assert f"{path}:{line}:" in err and f"key '{key}'" in err and fragment in err, err


def test_old_duration_days_files_keep_working():
    s = loads_scenario(OFFER + "    terms:\n      duration_days: 30\n      extension: true\n")
    t = s.offers[0].terms
    assert t.duration_days == 30 and t.duration_hours is None and t.duration_weeks == 30 / 7
    assert "duration_hours" not in s.to_dict()["offers"][0]["terms"]     # resolved files unchanged


def test_hours_replace_a_presets_days_and_round_trip():
    s = loads_scenario("name: t\noffers:\n  - preset: truce\n    terms:\n      duration_hours: 30\n")
    t = s.offers[0].terms
    assert t.duration_hours == 30 and t.duration_days is None and t.duration_weeks == 30 / 168
    again = from_data(s.to_dict())
    assert again.offers[0].terms == t and again.hash() == s.hash()
    # days written again replace the hours
    back = s.with_changes({"offers[0].terms.duration_hours": None, "offers[0].terms.duration_days": 10})
    assert back.offers[0].terms.duration_weeks == 10 / 7


def test_unilateral_and_scopes_round_trip():
    s = loads_scenario(OFFER + "    unilateral: true\n    parties: [ukraine]\n    terms:\n      duration_hours: 30\n")
    o = s.offers[0]
    assert o.unilateral and o.declarer == "ukraine" and o.responder == "russia"
    assert from_data(s.to_dict()).offers[0] == o
    for scope in ("full", "energy_strikes", "maritime"):
        t = loads_scenario(OFFER + f"    terms:\n      scope: {scope}\n").offers[0]
        assert t.terms.scope == scope and not t.unilateral
        assert "unilateral" not in t.to_yaml()


def test_a_truce_in_hours_is_not_open_ended_to_red_lines():
    from sim.engine.actors.base import red_line_hit, term_matches

    hours = loads_scenario(OFFER + "    terms:\n      duration_hours: 30\n").offers[0]
    open_ended = loads_scenario(OFFER).offers[0]
    when = {"monitoring": ["none"], "duration_days": [None]}      # Ukraine's 'oversight' red line
    assert red_line_hit(when, open_ended) and not red_line_hit(when, hours)
    assert term_matches("duration_days=fixed", hours) and not term_matches("duration_days=fixed", open_ended)
