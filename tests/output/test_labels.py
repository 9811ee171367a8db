"""Parameter labels in words (sim.output.labels), as discovery and sweep figures show them."""

from __future__ import annotations

import pytest

from sim.output.labels import parameter_label, term_words
from sim.scenario.schema import load_scenario


@pytest.mark.parametrize("key, words", [
    ("recognition=de_facto", "de facto recognition"),
    ("sanctions_relief=partial", "partial sanctions relief"),
    ("nato_renunciation=true", "NATO renunciation"),
    ("army_cap=set", "army cap"),
    ("proposer=united_states", "US proposer"),
])
def test_term_values_read_as_words(key, words):
    assert term_words(key) == words


def test_actor_draws_have_labels_in_words(root):
    assert parameter_label("actors.ukraine.term_values.recognition=de_facto") == \
        ("Ukraine: value of de facto recognition", "pp-years")
    assert parameter_label("actors.russia.resolve_sd") == ("Russia: spread of private resolve", "pp-years")
    scenario = load_scenario(root / "scenarios" / "freeze.yaml")
    for path in scenario.actor_params():
        label, _ = parameter_label(path)
        assert "." not in label and "=" not in label and "_" not in label, (path, label)
