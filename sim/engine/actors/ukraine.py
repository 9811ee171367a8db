"""Ukraine: defends its land, fears Russia's reload, vetoes recognition and surrender terms.

Sources (full quotes in ``profiles/ukraine.yaml``):
- 003_b310c964025fb84c.txt (Feb 2024): Zelensky "will never accept Russia controlling any
  part of Ukraine"; population down ~25%; bilateral security agreements.
- 000_42f988c6d41ea246.txt (Jul 2024): talks "require transparent international oversight".
- 001_3af3d05dba52c1d7.txt (May 2024): "nowhere near the point where Zelensky could sell that".
"""

from __future__ import annotations

from sim.engine.actors.base import Belligerent


class Ukraine(Belligerent):
    key = "ukraine"
    believes_in_reload_of = "russia"

    def bias(self):
        return 1.0 / (1.0 + self.optimism)

    def own_casualties(self, c_ru, c_ua):
        return c_ua

    def threat(self, ru_force, ua_force):
        return ru_force

    def econ(self, model, peace, relief=0.0, expect_threat=()):
        p = model.p
        cost = p["attrition.ukraine_war_cost_bn_per_year"] / 52.0
        return cost * p["attrition.ceasefire_cost_share"] if peace else cost
