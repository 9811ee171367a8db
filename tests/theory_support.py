"""Constructed scenarios for the theory checks: every actor parameter fixed.

Complete information by default: no optimism, no learning, no reload fear, no private
resolve, no weekly political noise, nobody rebuilds in a ceasefire.
"""

from __future__ import annotations

from sim.scenario.schema import from_data

CURRENT_LINE_OFFER = {"preset": "custom", "proposer": "russia", "week": 0,
                      "terms": {"line": "current", "monitoring": "international"}}


def theory_scenario(replications=300, horizon=104, beliefs=None, ceasefire=None, offers=None,
                    resolve_sd=0.0, **sections):
    b = {"optimism": 0, "reload_fear": 1, "learning": 0}
    b.update(beliefs or {})
    cf = {"weekly_noise_sd": 0, "russia_rebuild_share": 0, "ukraine_rebuild_share": 0}
    cf.update(ceasefire or {})
    data = {"name": "theory", "replications": replications, "seed": 11, "horizon_weeks": horizon,
            "ceasefire": cf, "offers": [CURRENT_LINE_OFFER] if offers is None else offers,
            "actors": {a: {"beliefs": b, "resolve_sd": resolve_sd} for a in ("russia", "ukraine")}}
    data.update(sections)
    return from_data(data)
