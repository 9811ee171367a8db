"""Expected durability comes from the keep-or-break rule (issue 12): Fortna, Powell."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import forecast
from sim.engine.model import CeasefireModel
from sim.engine.simulate import simulate
from sim.output.summary import expectations
from sim.scenario.schema import load_scenario

FREEZE = "scenarios/freeze.yaml"


def first_offer_agreed(changes, n=400):
    """Share of replications agreeing to the freeze at week 0 (common random numbers)."""
    s = load_scenario(FREEZE).with_changes({"replications": n, **changes})
    m = CeasefireModel(s, horizon_weeks=1)
    m.step()
    return float(np.mean(m.ceasefires > 0))


def test_acceptance_rises_with_the_violation_cost():
    shares = [first_offer_agreed({"ceasefire.violation_cost": v}) for v in (0.0, 1.0, 2.0, 8.0)]
    assert all(b >= a for a, b in zip(shares, shares[1:])), shares
    assert shares[-1] > shares[0] + 0.05, shares


@pytest.mark.parametrize("term,levels", [("monitoring", ("none", "bilateral", "international")),
                                         ("guarantees", ("none", "bilateral_agreements", "foreign_troops"))])
def test_acceptance_rises_with_monitoring_and_guarantees(term, levels):
    # Ukraine's oversight red line vetoes unmonitored offers; switch it off to see the value alone
    base = {"actors.ukraine.red_lines.oversight": False} if term == "monitoring" else \
        {"actors.russia.red_lines.foreign_troops": False}
    shares = [first_offer_agreed({**base, f"offers[0].terms.{term}": lvl}) for lvl in levels]
    assert all(b >= a for a, b in zip(shares, shares[1:])), shares
    assert shares[-1] > shares[0], shares


def test_reload_asymmetry_sinks_deals():
    """Powell (2006): the faster Russia rebuilds relative to Ukraine, the fewer deals are agreed."""
    shares = [first_offer_agreed({"ceasefire.russia_rebuild_share": r, "ceasefire.ukraine_rebuild_share": 0.4})
              for r in (0.4, 0.8, 1.2, 1.6)]
    assert all(b <= a for a, b in zip(shares, shares[1:])), shares
    assert shares[-1] < shares[0], shares


def test_believed_survival_matches_the_simulated_one_with_unbiased_beliefs():
    s = forecast.unbiased_beliefs(load_scenario(FREEZE)).with_changes({"offers[0].repeat_every_weeks": 0})
    out = simulate(s, replications=1500, seed=3, record_trajectories=False)
    exp = expectations(out)
    for side in ("russia", "ukraine"):
        e = exp[side]
        assert e["ceasefires"] > 200
        assert abs(e["believed_survival_52"] - e["simulated_survival_52"]) < 0.05, (side, e)


def test_collapse_is_the_collapsing_sides_worst_outcome():
    """With no Western aid and a high collapse threshold Ukraine sometimes collapses; its utility
    is then below the same worlds without collapse (no relief from costs)."""
    s = load_scenario(FREEZE).with_changes({"united_states.military_aid_bn_per_year": 0,
                                            "europe.military_aid_bn_per_year": 0, "europe.replacement_share": 0,
                                            "offers": [], "attrition.collapse_share": 0.95})
    out = simulate(s, replications=600, seed=1, record_trajectories=False)
    off = simulate(s.with_changes({"attrition.collapse_share": 0.0}), replications=600, seed=1,
                   record_trajectories=False)
    hit = out.columns["outcome"] == "ukraine_collapse"
    assert hit.sum() > 5
    assert np.all(out.columns["utility_ukraine"][hit] < off.columns["utility_ukraine"][hit])


def believed_survival(changes, actor="ukraine", n=300):
    from sim.engine import durability

    s = load_scenario(FREEZE).with_changes({"replications": n, **changes})
    m = CeasefireModel(s, horizon_weeks=1)
    a = m.actors[actor]
    return float(np.mean(durability.deal_value(m, a, s.offers[0].terms, a.current_bias())[1]))


@pytest.mark.parametrize("term,levels", [("monitoring", ("none", "bilateral", "international")),
                                         ("guarantees", ("none", "bilateral_agreements", "foreign_troops"))])
def test_monitoring_and_guarantees_lower_the_expected_breakdown(term, levels):
    risks = [1.0 - believed_survival({f"offers[0].terms.{term}": lvl}) for lvl in levels]
    assert all(b < a for a, b in zip(risks, risks[1:])), risks


def test_reload_fear_is_about_the_other_side():
    """Ukraine's fear of Russia's reload lowers the survival it expects; Russia's own reload does not scare it."""
    calm = believed_survival({"actors.ukraine.beliefs.reload_fear": 1.0})
    afraid = believed_survival({"actors.ukraine.beliefs.reload_fear": 2.0})
    assert afraid < calm - 0.01


def test_survive_steps_is_the_power_it_replaces():
    """``_survive_steps`` (repeated squaring) against ``x ** SURVIVAL_STEP``, over [0, 1]."""
    from sim.engine import durability

    x = np.concatenate([np.linspace(0.0, 1.0, 10_001), 1.0 - np.logspace(-12, -1, 500)])
    exact = x ** durability.SURVIVAL_STEP
    fast = durability._survive_steps(x)
    np.testing.assert_allclose(fast, exact, rtol=1e-14, atol=1e-300)     # ~26 ulp: rounding of 6 products


def test_survival_both_is_the_two_integrals_it_replaces():
    """A fixed-term truce's survival with and without its term from one integral: the same bytes
    as the two separate calls it replaces in ``deal_paths``."""
    from sim.engine import durability

    s = load_scenario("scenarios/truce_30day.yaml")
    m = CeasefireModel(s, replication_ids=list(range(64)), horizon_weeks=156)
    terms = m.offers[0].terms
    assert terms.duration_weeks is not None
    rng = np.random.default_rng(3)
    g0 = {k: rng.normal(0.0, 3.0, m.n) for k in durability.BELLIGERENTS}
    g1 = {k: rng.normal(0.0, 3.0, m.n) for k in durability.BELLIGERENTS}
    ages = [0, 26, 52, 78, 104, 130, 156, 52]
    actor = m.actors["russia"]
    termed, alone = durability.survival(m, actor, terms, g0, g1, ages, with_term="both")
    want_termed = durability.survival(m, actor, terms, g0, g1, ages)
    want_alone = durability.survival(m, actor, terms, g0, g1, ages[:-1], with_term=False)
    assert all(np.array_equal(a, b) for a, b in zip(termed, want_termed))
    assert all(np.array_equal(a, b) for a, b in zip(alone[:-1], want_alone))
    assert not np.array_equal(termed[-1], alone[-1])      # the term matters here
