"""Europe: patron of Ukraine whose aid grows as US aid falls; worried for its own frontier.

Sources (full quotes in ``profiles/europe.yaml`` and ``sim/scenario/data/parameters.yaml``):
- REFERENCES.md, Kiel: Europe EUR 138bn vs US EUR 115bn to Feb 2025; +67% military aid in 2025.
- 002_874e2567e534d42f.txt: "Europe must act quickly to help Ukraine reduce its dependence
  on the United States".
- 004_8e2108904c7ded15.txt: Russian build-up near Finland and Estonia.
- 003_b310c964025fb84c.txt: bilateral security agreements on the UK 10-year model.
"""

from __future__ import annotations

import numpy as np

from sim.engine.actors.base import Patron


class Europe(Patron):
    key = "europe"

    def set_policy(self) -> None:
        """Aid this week: own level plus a share of the US shortfall (nothing while a pause lasts)."""
        m = self.model
        p = m.p
        shortfall = np.maximum(p["europe.us_reference_bn_per_year"] - m.us_aid, 0.0)
        aid = p["europe.military_aid_bn_per_year"] + p["europe.replacement_share"] * shortfall
        aid = m.choose("aid", self.key, aid)
        m.eu_aid = np.where(m.week < m.eu_pause_until, 0.0, aid)     # a European threat on Kyiv (sim.engine.threats)
