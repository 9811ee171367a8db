"""The margin's named parts add up to the margin the actor decides on."""

import numpy as np
import pytest

from sim.engine.decomposition import margin_parts
from sim.engine.model import CeasefireModel
from sim.scenario.schema import load_scenario


@pytest.mark.parametrize("path", ["scenarios/freeze.yaml", "scenarios/truce_30day.yaml", "scenarios/refusal.yaml"])
@pytest.mark.parametrize("actor", ["russia", "ukraine", "united_states"])
def test_parts_add_up_to_the_margin(path, actor):
    s = load_scenario(path).with_changes({"replications": 60})
    m = CeasefireModel(s)
    a = m.actors[actor]
    offer = s.offers[0]
    parts = margin_parts(a, offer)
    margin = a.evaluate(offer).margin
    assert np.allclose(parts.total(), margin, rtol=1e-9, atol=1e-9)
    assert {"territory", "casualties", "economic", "security"} <= set(parts.parts)
    assert all(p.shape == (m.n,) for p in parts.parts.values())
    assert np.all((parts.expected_breakdown_52 >= 0) & (parts.expected_breakdown_52 <= 1))


def test_a_deal_saves_casualties():
    s = load_scenario("scenarios/freeze.yaml").with_changes({"replications": 60})
    m = CeasefireModel(s)
    parts = margin_parts(m.ukraine, s.offers[0]).parts
    assert np.all(parts["casualties"] > 0)
    assert "term:recognition=de_facto" in parts
