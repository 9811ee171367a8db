"""The United States: patron of Ukraine; aid, sanctions threats and pressure.

Sources (full quotes in ``profiles/united_states.yaml`` and ``sim/scenario/data/presets.yaml``):
- 003_b310c964025fb84c.txt (Feb 2024): "would not speak about a ceasefire without Ukraine"
  (the 2024 red line); $60bn aid stalled; "did not want to pressure Kyiv".
- 002_874e2567e534d42f.txt (Mar 2025): brokered 30-day truce; "devastating financial
  consequences" if Russia refuses; aid and intelligence resumed; pressure on Kyiv.
"""

from __future__ import annotations

import numpy as np

from sim.engine.actors.base import Patron


class UnitedStates(Patron):
    key = "united_states"

    def set_policy(self) -> None:
        """Aid this week: the policy level, or nothing while a pause on Kyiv lasts."""
        m = self.model
        paused = m.week < m.us_pause_until
        level = m.choose("aid", self.key, m.p["united_states.military_aid_bn_per_year"])
        m.us_aid = np.where(paused, 0.0, level)
        before = m.threat_executed
        after = m.choose("sanctions", self.key, before)   # the model keeps them as they are
        if after is not before:        # a player in the US seat set them (sim.play): their cost and cut follow
            change = after.astype(float) - before
            m.threat_cost_done = m.threat_cost_done + change * m.p["united_states.sanctions_threat_cost_bn_per_year"]
            m.threat_cut_done = m.threat_cut_done + change * m.p["united_states.sanctions_threat_cut"]
            m.threat_executed = after

    def react_to_refusal(self, offer, russia_refused, ukraine_refused) -> None:
        """After a refused offer: its threats are carried out (:func:`sim.engine.threats.react`;
        a US-brokered offer written without ``threats`` carries sanctions on Russia and a pause on Kyiv)."""
        from sim.engine import threats

        threats.react(self.model, offer, russia_refused, ukraine_refused)
