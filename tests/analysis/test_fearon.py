"""Fearon (1995): with complete information a proposer that picks its offer finds a bargain.

The freeze of May 2024 (``scenarios/freeze.yaml``) with ``line: proposer_optimal``: Russia
picks, per replication, the line it likes best among those Ukraine accepts as Russia sees
Ukraine (sim/engine/proposals.py). With ``information: complete``, a prohibitive violation
cost (no one breaks: no commitment problem of breaking) and no rebuilding in a ceasefire (no
shift of power: Powell's commitment problem is not an information problem), war is costly
for both and the first offer is agreed. With private information (the default) it is not,
always.
"""

from pathlib import Path

import numpy as np
import pytest

from sim.engine.model import CeasefireModel
from sim.engine.simulate import simulate
from sim.output.summary import summarize
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
PROHIBITIVE = {"ceasefire.violation_cost": 100.0,                 # the parameter's upper bound
               "ceasefire.russia_rebuild_share": 0.0, "ceasefire.ukraine_rebuild_share": 0.0}


#: The territorial red lines (Ukraine cedes no land it holds, Russia hands back none it holds:
#: sim/engine/lines.py) leave only the front as a line both can take, so there is nothing to
#: bargain over; Fearon's range is over every line, so the theory tests switch them off.
OPEN_RANGE = {"actors.ukraine.red_lines.cede_unoccupied": False, "actors.russia.red_lines.four_regions": False}


def chooser_scenario(information, replications=300, red_lines=False):
    s = load_scenario(ROOT / "scenarios" / "freeze.yaml")
    return s.with_changes({"offers[0].terms.line": "proposer_optimal", "information": information,
                           "replications": replications, "seed": 1, **PROHIBITIVE,
                           **({} if red_lines else OPEN_RANGE)})


@pytest.fixture(scope="module")
def complete():
    return simulate(chooser_scenario("complete"), record_trajectories=False)


@pytest.fixture(scope="module")
def private():
    return simulate(chooser_scenario("private"), record_trajectories=False)


@pytest.fixture(scope="module")
def with_red_lines():
    return [simulate(chooser_scenario(i, replications=200, red_lines=True), record_trajectories=False)
            for i in ("complete", "private")]


def test_complete_information_agrees_at_the_first_offer(complete):
    c = complete.columns
    first = c["ceasefire_start_week"] == 0
    assert first.mean() >= 0.98, first.mean()
    assert np.all(c["broken_by"][first] == "none")          # prohibitive cost: nobody breaks


def test_the_few_without_agreement_have_no_bargaining_range():
    """Where the first offer fails, no line is acceptable to both: the deal's joint surplus is negative."""
    m = CeasefireModel(chooser_scenario("complete"))
    offer = m.offers[0]
    m.diplomacy(0)
    failed = np.flatnonzero(~m.in_ceasefire)
    if failed.size == 0:
        return
    m2 = CeasefireModel(chooser_scenario("complete"), replication_ids=failed)
    surplus = []
    for line in (0.0, 10.0, 18.0, 30.0):      # territory is a transfer: the joint margin is flat in the line
        m2.proposal_line = np.full(m2.n, line)
        m2.decision_round += 1
        surplus.append(m2.russia.evaluate(offer).margin + m2.ukraine.evaluate(offer).margin)
    assert np.all(np.array(surplus) < 0)


def test_private_information_leaves_war_with_positive_probability(private):
    c = private.columns
    first = c["ceasefire_start_week"] == 0
    assert first.mean() < 0.9
    assert np.mean(c["outcome"] == "war_continues") > 0.05


def test_chosen_line_respects_red_lines_and_is_recorded(complete, with_red_lines):
    """With the territorial red lines on, the only line neither vetoes is the front itself."""
    for out in with_red_lines:
        c = out.columns
        line = c["chosen_line"]
        assert np.all(np.isfinite(line))
        assert np.all(c["vetoed_by_russia"] == "") and np.all(c["vetoed_by_ukraine"] == "")
    summary = summarize(complete)["chosen_line"]
    assert summary["offered_replications"] == complete.n
    assert 7.3 < summary["pct"]["q50"] < 22.5


def test_chosen_line_is_the_same_whatever_the_chunking():
    s = chooser_scenario("private", replications=24)
    a = simulate(s, record_trajectories=False).columns["chosen_line"]
    b = simulate(s, chunk_size=5, record_trajectories=False).columns["chosen_line"]
    np.testing.assert_array_equal(a, b)
