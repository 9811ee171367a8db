"""Every term acts in the war (issue 13): lines as quantities, conditions, army caps, threats
from any patron, a share of sanctions relief, and per-offer records."""

import numpy as np
import pytest

from sim.api import simulate
from sim.engine import durability, lines, threats
from sim.engine.model import CeasefireModel
from sim.output.summary import summarize
from sim.scenario.quantities import Withdrawal, area_pct
from sim.scenario.schema import loads_scenario

R = 200


def _scenario(offer: str, extra: str = "", r: int = R, **top):
    head = "".join(f"{k}: {v}\n" for k, v in top.items())
    return loads_scenario(f"name: t\nreplications: {r}\nseed: 7\nhorizon_weeks: 60\n{head}"
                          f"offers:\n{offer}\n{extra}", "t.yaml")


def _model(offer: str, extra: str = "", r: int = R, **top) -> CeasefireModel:
    return CeasefireModel(_scenario(offer, extra, r, **top))


FREEZE = "  - preset: freeze\n    terms: {monitoring: bilateral}"


# -- 1. lines as quantities -----------------------------------------------------------------
def test_current_plus_withdrawal_adds_what_ukraine_holds_of_the_named_regions():
    m = _model(FREEZE)
    t0 = m.p["attrition.territory_start_pct"]
    w = Withdrawal(("donetsk", "kherson"))
    terms = m.offers[0].terms.__class__(line=w)
    expected = t0 + area_pct("donetsk") * (1 - m.p["lines.donetsk_held_share"]) \
        + area_pct("kherson") * (1 - m.p["lines.kherson_held_share"])
    assert np.allclose(m.line_of(terms), expected)
    # Russia's gains since the start come out of the named regions: the line stays put
    m.war.territory = t0 + 0.5
    assert np.allclose(m.line_of(terms), expected)
    m.war.territory = t0 + 50.0            # beyond the named regions: nothing is ceded
    assert np.allclose(lines.ceded_pp(m, terms), 0.0)
    assert np.allclose(m.line_of(terms.__class__(line=30.0)), 30.0)


def test_ukraine_vetoes_a_line_by_how_much_it_cedes_not_by_its_name():
    """cede_unoccupied is written `cedes_unheld: {above_pp: 0}`: a number just above the front
    is vetoed everywhere, the front itself nowhere."""
    m = _model(FREEZE)
    prof = m.ukraine.profile
    terms = m.offers[0].terms
    above = terms.__class__(line=float(np.max(m.war.territory)) + 0.2, monitoring="bilateral")
    below = terms.__class__(line=float(np.min(m.war.territory)) - 0.2, monitoring="bilateral")
    offer = m.offers[0]
    from dataclasses import replace
    assert lines.quantity_vetoes(prof, replace(offer, terms=above), m)["cede_unoccupied"].all()
    assert not lines.quantity_vetoes(prof, offer, m)["cede_unoccupied"].any()
    assert not lines.quantity_vetoes(prof, replace(offer, terms=below), m)["cede_unoccupied"].any()
    # Russia's four_regions red line (`returns_held`) vetoes the line below the front
    assert lines.quantity_vetoes(m.russia.profile, replace(offer, terms=below), m)["four_regions"].all()
    # the threshold is a quantity: above 1 pp, a withdrawal from the rest of Luhansk (<0.1 pp) passes,
    # one from the rest of Kherson (~1.2-1.4 pp) does not
    when = {"cedes_unheld": {"above_pp": 1.0}}
    assert not lines.quantity_hit(when, m, terms.__class__(line=Withdrawal(("luhansk",)))).any()
    assert lines.quantity_hit(when, m, terms.__class__(line=Withdrawal(("kherson",)))).all()


def test_a_withdrawal_offer_is_vetoed_in_the_run_and_recorded():
    s = _scenario("  - preset: freeze\n    terms: {monitoring: bilateral, line: {current_plus_withdrawal: [donetsk]}}")
    out = simulate(s)
    c = out.columns
    assert not c["accepted_ukraine"].any()
    assert all("cede_unoccupied" in cell for cell in c["vetoed_by_ukraine"])
    assert summarize(out)["vetoes"]["ukraine"]["cede_unoccupied"] == 1.0
    assert summarize(out)["vetoes"]["russia"]["four_regions"] == 0.0


# -- 2. conditions during the ceasefire ------------------------------------------------------
def _rest(offer: str, weeks: int = 26):
    m = _model(offer)
    m.start_ceasefire(np.ones(m.n, dtype=bool), 0, 0)
    for t in range(weeks):
        m.fight(t)
    return m


def test_halting_aid_and_mobilization_slow_ukraines_rebuilding_in_the_model():
    base = _rest(FREEZE)
    halted = _rest("  - preset: freeze\n    terms: {monitoring: bilateral, conditions: {halt_western_aid: true}}")
    nomob = _rest("  - preset: freeze\n    terms: {monitoring: bilateral, conditions: {halt_mobilization: true}}")
    assert np.all(halted.war.ua_stock < base.war.ua_stock)
    assert np.allclose(halted.war.ru_stock, base.war.ru_stock)
    assert np.all(nomob.war.ua_force < base.war.ua_force)
    assert np.allclose(nomob.war.ua_force, _model(FREEZE).war.ua_force)      # nobody mobilized
    assert np.allclose(nomob.war.ru_force, base.war.ru_force)


def test_the_forecast_of_a_ceasefire_with_conditions_matches_the_model():
    """What an actor projects of the halt is what the model does (unbiased, no fear)."""
    text = "  - preset: freeze\n    terms: {monitoring: bilateral, conditions: {halt_western_aid: true, halt_mobilization: true}}"
    m = _model(text)
    terms = m.offers[0].terms
    path = durability.hold_path(m, m.war.copy(), terms, 1.0, (1.0, 1.0), 26)
    rest = _rest(text, 26)
    end = path["states"][1]
    assert np.allclose(end.ua_force, rest.war.ua_force, rtol=1e-6)
    assert np.allclose(end.ua_stock, rest.war.ua_stock, rtol=1e-6)


def test_actors_value_the_conditions_through_their_effect():
    """A halt of Ukraine's mobilization weakens Ukraine while the ceasefire holds: Russia's
    territory and security parts gain, the ceasefire is believed more likely to break (Russia is
    tempted to resume against a weaker army, which costs it casualties), and Ukraine loses."""
    from sim.engine.decomposition import margin_parts

    plain = _model(FREEZE)
    cond = _model("  - preset: freeze\n    terms: {monitoring: bilateral, conditions: "
                  "{halt_western_aid: true, halt_mobilization: true}}")
    ru0, ru1 = margin_parts(plain.russia, plain.offers[0]), margin_parts(cond.russia, cond.offers[0])
    ua0, ua1 = margin_parts(plain.ukraine, plain.offers[0]), margin_parts(cond.ukraine, cond.offers[0])
    assert np.mean(ru1.parts["security"] - ru0.parts["security"]) > 0
    assert np.mean(ru1.parts["territory"] - ru0.parts["territory"]) > 0
    assert np.mean(ru1.expected_breakdown_52) > np.mean(ru0.expected_breakdown_52) + 0.05
    assert np.mean(ua1.total() - ua0.total()) < 0
    assert not any(k.startswith("conditions") for k in cond.russia.term_values)      # no lump sum


# -- 3. army caps through their effect -----------------------------------------------------
def test_an_army_cap_binds_while_the_ceasefire_holds():
    m = _rest("  - preset: freeze\n    terms: {monitoring: bilateral, army_cap: 300}")
    assert np.all(m.war.ua_force <= 300.0 + 1e-9)
    free = _rest(FREEZE)
    assert np.all(free.war.ua_force > 300.0)
    tiny = _rest("  - preset: freeze\n    terms: {monitoring: bilateral, army_cap: 50}")
    assert not tiny.ended.any() and np.all(tiny.war.ua_force <= 50.0)   # no collapse while it holds


def test_russia_values_a_smaller_cap_more_and_the_caps_differ():
    margins = []
    for cap in (50, 600, 800):
        m = _model(f"  - preset: freeze\n    terms: {{monitoring: bilateral, army_cap: {cap}}}")
        margins.append(float(np.mean(m.russia.evaluate(m.offers[0]).margin)))
    assert margins[0] > margins[1] > margins[2]
    m = _model(FREEZE)
    assert "army_cap=set" not in m.russia.term_values and np.all(m.ukraine.term_values["army_cap=set"] == 0)


# -- 4. threats from any patron ---------------------------------------------------------------
EU_THREAT = ("  - preset: freeze\n    terms: {monitoring: bilateral}\n"
             "    threats: [{by: europe, against: russia, credibility: 1, cost_bn_per_year: 40, production_cut: 0.1}]")


def test_a_european_threat_is_carried_out_when_russia_refuses_and_ukraine_accepts():
    m = _model(EU_THREAT)
    russia_out = np.arange(m.n) % 2 == 0
    ukraine_out = np.arange(m.n) % 4 == 0
    before = m.sanctions_cost_per_year().copy()
    threats.react(m, m.offers[0], russia_out, ukraine_out)
    hit = russia_out & ~ukraine_out
    assert np.array_equal(m.threat_executed_europe, hit)
    assert np.allclose(m.sanctions_cost_per_year() - before, np.where(hit, 40.0, 0.0))
    assert not m.threat_executed.any()          # the US did not threaten
    threats.react(m, m.offers[0], russia_out, ukraine_out)      # carried out once
    assert np.allclose(m.sanctions_cost_per_year() - before, np.where(hit, 40.0, 0.0))


def test_russia_expects_a_european_threat_and_defaults_come_from_the_parameters():
    plain, threatened = _model(FREEZE), _model(EU_THREAT)
    gain = threatened.russia.evaluate(threatened.offers[0]).margin - plain.russia.evaluate(plain.offers[0]).margin
    assert np.all(gain > 0)         # refusing now costs Russia the expected sanctions
    m = _model("  - preset: freeze\n    threats: [{by: europe, against: russia}]")
    t = m.offers[0].threats[0]
    assert np.array_equal(threats.value(m, t, "credibility"), m.p["europe.threat_credibility"])
    assert np.all(m.p["europe.threat_credibility"] > 0)


def test_a_threat_is_carried_out_when_its_target_breaks_the_ceasefire():
    m = _model(EU_THREAT)
    m.start_ceasefire(np.ones(m.n, dtype=bool), 0, 0)
    m.russia.resolve = np.full(m.n, 1e6)       # Russia breaks whatever it gains
    m.ukraine.resolve = np.full(m.n, -1e6)     # Ukraine keeps it
    m.keep_or_break(1)
    assert not m.in_ceasefire.any()
    assert m.threat_executed_europe.all()


def test_us_threats_keep_working_without_a_threats_key(root):
    from sim.scenario.schema import load_scenario

    s = load_scenario(root / "scenarios" / "truce_30day.yaml")
    m = CeasefireModel(s.with_changes({"replications": 300, "horizon_weeks": 2}))
    m.run()
    refused = m.offer_put[0] & (m.first_accept[0]["russia"] == 0) & (m.first_accept[0]["ukraine"] == 1)
    expected = refused & (m.threat_draw < m.p["united_states.threat_credibility"])
    assert expected.any() and np.array_equal(m.threat_executed, expected)
    assert not m.threat_executed_europe.any()


# -- 5. a share of sanctions relief -----------------------------------------------------------
def test_a_share_of_relief_lies_between_none_and_partial():
    values = []
    for relief in ("none", 0.3, "partial", "full"):
        m = _model(f"  - preset: freeze\n    terms: {{monitoring: bilateral, sanctions_relief: {relief}}}")
        values.append(float(np.mean(m.russia.evaluate(m.offers[0]).margin)))
    assert values[0] < values[1] < values[2] < values[3]
    m = _model("  - preset: freeze\n    terms: {monitoring: bilateral, sanctions_relief: 0.3}")
    m.start_ceasefire(np.ones(m.n, dtype=bool), 0, 0)
    assert np.allclose(m._relief(), 0.3)


# -- 6. per-offer results -----------------------------------------------------------------------
def test_per_offer_first_acceptance_and_agreement_shares():
    s = _scenario("  - preset: freeze\n    terms: {monitoring: bilateral}\n    repeat_every_weeks: 13\n"
                  "  - preset: freeze\n    name: later\n    week: 26\n    terms: {monitoring: international}",
                  r=400).with_changes({"horizon_weeks": 156})
    out = simulate(s)
    c = out.columns
    # offer 0 is first put in week 0 to every replication: its first decision is the week-0 one
    first = c["offer_0_first_accept_russia"]
    assert set(np.unique(first)) <= {0, 1} and (first == 1).any() and (first == 0).any()
    assert np.array_equal(first == 1, c["accept_week_russia"] == 0)
    later = c["offer_1_first_accept_ukraine"]
    assert np.array_equal(later >= 0, c["offered_offer_1"])
    sm = summarize(out)
    rows = sm["offers"]
    assert [r["offer"] for r in rows] == [0, 1]
    agreed = [int(np.sum(c[f"offer_{i}_agreed"])) for i in range(2)]
    assert [r["agreements"] for r in rows] == agreed and sum(agreed) == int(np.sum(c["ceasefires"]))
    assert (c["offer_0_agreed"] > 1).any()        # a repeated offer may start several ceasefires
    assert abs(sum(r["agreement_share"] for r in rows) - 1.0) < 1e-6
    assert rows[0]["first_accept_probability"]["russia"] == pytest.approx(np.mean(first == 1), abs=1e-6)
