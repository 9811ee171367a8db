"""Both collapses are outcomes the model can reach (issue 12).

Every parameter at the end of its default range (sim/scenario/data/parameters.yaml) that
favours one side, war only (no offers). Ukraine's army collapses in every replication within
ten years: its mobilization pool runs dry (the sourced demographic limit). Russia's does not,
at any corner of the default ranges (64 corners of the front's parameters checked, 1,040
weeks): its recruitment is constant and unlimited, and a weakening side stops attacking, so
its losses fall below its recruitment (a defender loses 1/attacker_loss_ratio of the
attacker's losses). Russia's collapse needs values outside the ranges, e.g. 10,000 recruits a
month and 2,500 casualties a day; the test checks it happens there, so the outcome is
reachable by the model, and that it is not reached inside the ranges (a range matter,
reported in changes/i12a.md, not widened without a source).
"""

import copy

import numpy as np

from sim.engine.simulate import simulate
from sim.scenario.schema import from_data

UKRAINE_WEAK = {
    "attrition": {"collapse_share": 0.6, "ukraine_force_start": 600, "russia_force_start": 700,
                  "russia_casualties_per_day": 1570, "exchange_ratio": 2.0, "ukraine_mobilized_per_month": 15000,
                  "ukraine_mobilization_pool": 600, "permanent_loss_share": 0.75, "russia_recruits_per_month": 37000,
                  "russia_shells_per_year": 4500000, "ukraine_own_shells_per_year": 300000,
                  "shells_per_aid_bn": 22000, "materiel_elasticity": 0.7, "attacker_loss_ratio": 3},
    "united_states": {"military_aid_bn_per_year": 15}, "europe": {"military_aid_bn_per_year": 18},
    "sanctions": {"production_cut": 0},
}
RUSSIA_WEAK = {
    "attrition": {"collapse_share": 0.6, "ukraine_force_start": 850, "russia_force_start": 550,
                  "russia_casualties_per_day": 1570, "exchange_ratio": 2.5, "ukraine_mobilized_per_month": 30000,
                  "ukraine_mobilization_pool": 1500, "permanent_loss_share": 0.75, "russia_recruits_per_month": 30000,
                  "russia_shells_per_year": 3000000, "ukraine_own_shells_per_year": 800000,
                  "shells_per_aid_bn": 36000, "materiel_elasticity": 0.7, "attacker_loss_ratio": 2},
    "united_states": {"military_aid_bn_per_year": 25}, "europe": {"military_aid_bn_per_year": 26},
    "sanctions": {"production_cut": 0.2},
}


def outcomes(sections, horizon, replications=100):
    s = from_data({"name": "collapse", "replications": replications, "seed": 1, "horizon_weeks": horizon,
                   "offers": [], **sections})
    return simulate(s, record_trajectories=False).columns


def test_ukraine_collapses_at_the_ends_of_the_ranges():
    c = outcomes(UKRAINE_WEAK, 520)
    down = c["outcome"] == "ukraine_collapse"
    assert down.mean() > 0.5
    np.testing.assert_array_equal(c["territory_end_pct"][down], 100.0)     # the winner's terminal line


def test_russia_collapse_is_reachable_but_not_inside_the_default_ranges():
    inside = outcomes(RUSSIA_WEAK, 1040)
    assert not np.any(inside["outcome"] == "russia_collapse")
    outside = copy.deepcopy(RUSSIA_WEAK)
    outside["attrition"].update({"russia_recruits_per_month": 10000, "russia_casualties_per_day": 2500})
    c = outcomes(outside, 1040)
    down = c["outcome"] == "russia_collapse"
    assert down.mean() > 0.2
    np.testing.assert_array_equal(c["territory_end_pct"][down], 0.0)       # Russia's worst outcome
