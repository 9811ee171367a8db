"""``information: complete`` (sim/engine/information.py): no private resolve, no weekly shock,
correct beliefs; decisions then follow the valuation exactly."""

from pathlib import Path

import numpy as np
import pytest

from sim.engine.model import CeasefireModel
from sim.scenario.schema import load_scenario, loads_scenario


@pytest.fixture(scope="module")
def freeze():
    root = Path(__file__).resolve().parents[2]
    return load_scenario(root / "scenarios" / "freeze.yaml").with_changes({"replications": 300, "seed": 3})


def test_default_is_private_and_round_trips(freeze):
    assert freeze.information == "private"
    complete = freeze.with_changes({"information": "complete"})
    assert complete.information == "complete"
    assert loads_scenario(complete.to_yaml()).information == "complete"
    assert complete.hash() != freeze.hash()


def test_private_information_has_private_parts(freeze):
    m = CeasefireModel(freeze)
    assert np.all(m.russia.resolve != 0) and np.all(m.p["ceasefire.weekly_noise_sd"] > 0)
    assert np.any(m.russia.bias() != 1.0) and m.beliefs is not None


def test_complete_information_makes_beliefs_correct(freeze):
    private = CeasefireModel(freeze)
    m = CeasefireModel(freeze.with_changes({"information": "complete"}))
    for key in ("russia", "ukraine"):
        a = m.actors[key]
        np.testing.assert_array_equal(a.resolve, 0.0)
        np.testing.assert_array_equal(a.resolve_sd, 0.0)
        np.testing.assert_array_equal(a.bias(), 1.0)          # believed multiplier = the true one
        np.testing.assert_array_equal(a.reload_fear, 1.0)     # believed rebuilding = the true one
        # everything else is drawn as under private information (common random numbers)
        np.testing.assert_array_equal(a.w_cas, private.actors[key].w_cas)
    np.testing.assert_array_equal(m.p["ceasefire.weekly_noise_sd"], 0.0)
    np.testing.assert_array_equal(m.p["attrition.exchange_ratio"], private.p["attrition.exchange_ratio"])
    assert m.beliefs is None                                    # nothing to learn: beliefs stay correct
    m.run()
    for key in ("russia", "ukraine"):
        np.testing.assert_array_equal(m.actors[key].current_bias(), 1.0)


def test_complete_information_decisions_follow_the_valuation(freeze):
    """Accept iff V_deal - V_war > 0 exactly: no resolve, no shock."""
    m = CeasefireModel(freeze.with_changes({"information": "complete"}))
    offer = m.offers[0]
    for key in ("russia", "ukraine"):
        accept, ev = m.actors[key].decide(offer, 0)
        np.testing.assert_array_equal(accept, ev.margin > 0)
        assert 0 < accept.mean() < 1 or key == "russia"
