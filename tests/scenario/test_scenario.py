"""Scenario files: validation errors point at file, line and key; exit code 2; round trip."""

import textwrap

import pytest

from sim.scenario.schema import from_data, load_scenario

GOOD = """\
name: t
replications: 50
offers:
  - preset: freeze
    week: 0
    terms:
      monitoring: bilateral
attrition:
  preset: baseline
  exchange_ratio: {uniform: [2.0, 2.5]}
"""

# (what is wrong, file text, line, key, fragment of the message)
BAD = [
    ("unknown top-level key (misspelt)", "name: t\nreplicatons: 5\n", 2, "replicatons", "did you mean 'replications'"),
    ("wrong type", "name: t\nreplications: many\n", 2, "replications", "whole number"),
    ("out of range", "name: t\nhorizon_weeks: 0\n", 2, "horizon_weeks", "between 1 and 1040"),
    ("unknown parameter", "attrition:\n  exchange_raito: 2\n", 2, "attrition.exchange_raito", "did you mean 'exchange_ratio'"),
    ("parameter out of bounds", "attrition:\n  exchange_ratio: -3\n", 2, "attrition.exchange_ratio", "between 0.1 and 10"),
    ("bad distribution", "attrition:\n  exchange_ratio: {triangle: [1, 2, 3]}\n", 2, "attrition.exchange_ratio", "did you mean 'triangular'"),
    ("distribution arity", "attrition:\n  exchange_ratio: {uniform: [1]}\n", 2, "attrition.exchange_ratio", "takes 2 numbers"),
    ("unknown preset", "attrition:\n  preset: baseline2\n", 2, "attrition.preset", "did you mean 'baseline'"),
    ("unknown term value", "offers:\n  - preset: freeze\n    terms:\n      monitoring: internatonal\n", 4,
     "offers[0].terms.monitoring", "did you mean 'international'"),
    ("unknown term", "offers:\n  - preset: truce\n    terms:\n      durations_days: 30\n", 4,
     "offers[0].terms.durations_days", "did you mean 'duration_days'"),
    ("unknown offer preset", "offers:\n  - preset: frieze\n", 2, "offers[0].preset", "did you mean 'freeze'"),
    ("offer week beyond horizon", "horizon_weeks: 10\noffers:\n  - preset: freeze\n    week: 12\n", 4, "offers[0].week", "between 0 and 9"),
    ("bad proposer", "offers:\n  - preset: freeze\n    proposer: china\n", 3, "offers[0].proposer", "expected one of"),
    ("offers not a list", "offers:\n  preset: freeze\n", 1, "offers", "list of offers"),
    ("unknown actor", "actors:\n  rusia: {}\n", 2, "actors.rusia", "did you mean 'russia'"),
    ("unknown red line", "actors:\n  russia:\n    red_lines:\n      foreign_troop: false\n", 4,
     "actors.russia.red_lines.foreign_troop", "did you mean 'foreign_troops'"),
    ("red line not a bool", "actors:\n  ukraine:\n    red_lines:\n      recognition: maybe\n", 4,
     "actors.ukraine.red_lines.recognition", "true"),
    ("bad weight", "actors:\n  ukraine:\n    weights:\n      casualties: {uniform: [3, 1]}\n", 4,
     "actors.ukraine.weights.casualties", "low < high"),
    ("name escapes results folder", "name: ../../etc\n", 1, "name", "no '/' or '..'"),
    ("duplicate key", "name: a\nseed: 1\nseed: 2\n", 3, "seed", "duplicate key"),
    ("python tag", "name: !!python/object:os.system x\n", 1, "name", "not allowed"),
    ("unknown information", "name: t\ninformation: compelte\n", 2, "information", "did you mean 'complete'"),
    ("information not text", "name: t\ninformation: [complete]\n", 2, "information", "expected one of private, complete"),
    ("unknown line", "offers:\n  - preset: freeze\n    terms:\n      line: proposer_optimum\n", 4,
     "offers[0].terms.line", "did you mean 'proposer_optimal'"),
    ("chosen line needs a full ceasefire", "offers:\n  - preset: freeze\n    terms:\n      scope: energy_strikes\n"
     "      line: proposer_optimal\n", 5, "offers[0].terms.line", "needs scope: full"),
    ("army cap type", "offers:\n  - preset: freeze\n    terms:\n      army_cap: lots\n", 4, "offers[0].terms.army_cap", "thousand soldiers"),
]


def _write(tmp_path, text, name="bad.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("what,text,line,key,fragment", BAD, ids=[b[0] for b in BAD])
def test_validation_errors_name_file_line_key(tmp_path, cli, what, text, line, key, fragment):
    path = _write(tmp_path, text)
    code, out, err = cli("validate", path)
    assert code == 2
    assert f"{path}:{line}:" in err, err
    assert f"key '{key}'" in err, err
    assert fragment in err, err
    assert "Traceback" not in err
    code, out, err = cli("run", path, "--out", tmp_path / "out")
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "out").exists(), "no half-written result"


@pytest.mark.parametrize("text,fragment", [
    ("", "empty"),
    ("- just\n- a list\n", "mapping"),
    ("name: [unclosed\n", "invalid YAML"),
])
def test_file_level_errors(tmp_path, cli, text, fragment):
    code, _, err = cli("validate", _write(tmp_path, text))
    assert code == 2 and fragment in err and "Traceback" not in err


def test_non_utf8_and_missing_file(tmp_path, cli):
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"name: t\ntitle: caf\xe9\n")
    code, _, err = cli("validate", p)
    assert code == 2 and f"{p}:2:" in err and "UTF-8" in err
    code, _, err = cli("validate", tmp_path / "nope.yaml")
    assert code == 2 and "not found" in err


def test_all_problems_reported_at_once(tmp_path, cli):
    code, _, err = cli("validate", _write(tmp_path, "replications: -1\nhorizon_weeks: 0\nfoo: 1\n"))
    assert code == 2 and err.count("error:") == 3


def test_good_file_and_defaults(tmp_path):
    s = load_scenario(_write(tmp_path, GOOD))
    assert s.replications == 50 and s.horizon_weeks == 156
    assert s.params["attrition.exchange_ratio"].kind == "uniform"
    assert s.params["attrition.russia_recruits_per_month"].kind == "uniform"  # default filled in
    assert s.offers[0].terms.monitoring == "bilateral" and s.offers[0].terms.recognition == "de_facto"
    assert s.actors["russia"].red_lines["foreign_troops"].enabled


def test_resolved_yaml_round_trips(tmp_path, root):
    for name in ("freeze", "truce_30day", "refusal"):
        s = load_scenario(root / "scenarios" / f"{name}.yaml")
        again = load_scenario(_write(tmp_path, s.to_yaml(), f"{name}.resolved.yaml"))
        assert again == s and again.hash() == s.hash()


def test_presets_apply_and_overrides_win():
    s = from_data({"united_states": {"preset": "policy_2025", "aid_pause_weeks": 3}})
    assert s.params["united_states.aid_pause_weeks"].args == (3.0,)
    assert s.params["united_states.sanctions_threat_cut"].kind == "uniform"


def test_with_changes_validates():
    from sim.scenario.errors import InputError

    s = from_data({"offers": [{"preset": "freeze"}]})
    t = s.with_changes({"attrition.exchange_ratio": 3.0, "offers[0].terms.monitoring": "international"})
    assert t.params["attrition.exchange_ratio"].args == (3.0,) and t.offers[0].terms.monitoring == "international"
    with pytest.raises(InputError, match="did you mean 'exchange_ratio'"):
        s.with_changes({"attrition.exchange_rato": 3.0})


def test_shipped_scenarios_validate(root, cli):
    files = sorted((root / "scenarios").glob("*.yaml"))
    assert len(files) >= 3
    code, out, err = cli("validate", *files)
    assert code == 0, err
    assert out.count("ok:") == len(files)


def test_did_you_mean_for_a_list_element(tmp_path):
    # issue 19: a misspelt actor inside a list gets a suggestion too
    from sim.scenario.errors import InputError
    from sim.scenario.schema import load_scenario as _load

    f = tmp_path / "s.yaml"
    f.write_text("name: s\noffers:\n  - preset: freeze\n    parties: [russia, ukriane]\n")
    try:
        _load(f)
    except InputError as exc:
        text = str(exc)
    else:
        raise AssertionError("a misspelt party was accepted")
    assert ":4:" in text and "did you mean 'ukraine'" in text
