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
        m.threat_executed = m.choose("sanctions", self.key, m.threat_executed)   # the model keeps them as they are

    def react_to_refusal(self, offer, russia_refused, ukraine_refused) -> None:
        """After a refused US-brokered offer: sanctions on Russia, a pause on Kyiv."""
        m = self.model
        if offer.proposer != self.key:
            return
        p = m.p
        only_russia, only_ukraine = russia_refused & ~ukraine_refused, ukraine_refused & ~russia_refused
        execute = m.choose("sanctions_threat", self.key, only_russia & (m.threat_draw < p["united_states.threat_credibility"]),
                           only_russia) & only_russia
        m.threat_executed = m.threat_executed | execute
        pause = m.choose("aid_pause", self.key, only_ukraine, only_ukraine) & only_ukraine
        m.us_pause_until = np.where(pause, m.week + 1 + np.round(p["united_states.aid_pause_weeks"]),
                                    m.us_pause_until)
