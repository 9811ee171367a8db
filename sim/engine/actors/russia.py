"""Russia: fights for territory, fears Ukraine's reload, vetoes lines that hand land back.

Sources (full quotes in ``profiles/russia.yaml``):
- 001_3af3d05dba52c1d7.txt (Reuters, May 2024): ready to freeze on current lines, "prepared
  to fight on"; gains "sellable" as victory; Peskov: four regions never handed back.
- 000_42f988c6d41ea246.txt (ISW, Jul 2024): demands "irreversible" "demilitarization"; a
  ceasefire would let Ukraine reconstitute.
- 002_874e2567e534d42f.txt (Mar 2025): a truce is a "breather"; no foreign troops or bases;
  "Moscow's conditions, not Washington's".
"""

from __future__ import annotations

from sim.engine.actors.base import Belligerent


class Russia(Belligerent):
    key = "russia"
    believes_in_reload_of = "ukraine"

    def bias(self):
        return 1.0 + self.optimism

    def own_casualties(self, c_ru, c_ua):
        return c_ru

    def threat(self, ru_force, ua_force):
        return ua_force

    def econ(self, model, peace, relief=0.0, expect_threat=()):
        p = model.p
        war_cost = p["attrition.russia_war_cost_bn_per_year"]
        sanctions = model.sanctions_cost_per_year(expect_threat=expect_threat)
        if peace:
            return (war_cost * p["attrition.ceasefire_cost_share"] + sanctions * (1.0 - relief)) / 52.0
        return (war_cost + sanctions) / 52.0
