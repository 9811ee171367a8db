"""Threats attached to offers: any patron against any belligerent that refuses or breaks it.

An offer's threats (:attr:`sim.scenario.offers.Offer.all_threats`; a US-brokered offer written
without ``threats:`` carries the US ones, as before issue 13) are carried out:

* against Russia: sanctions, if Russia refuses while Ukraine accepts, or breaks the ceasefire
  while Ukraine keeps it, with probability ``credibility`` (one keyed draw per patron and
  replication, ``<patron>:threat``). A patron's sanctions are carried out once: they add
  ``production_cut`` to the cut of Russian production and ``cost_bn_per_year`` to the cost
  of sanctions, for the rest of the run;
* against Ukraine: the patron pauses its aid for ``pause_weeks`` when Ukraine refuses while
  Russia accepts, or breaks the ceasefire (certain, as the US pause of policy_2025).

Values not written on the threat are the patron's parameters (``<patron>.threat_credibility``,
``<patron>.sanctions_threat_cost_bn_per_year``, ``<patron>.sanctions_threat_cut``,
``<patron>.aid_pause_weeks`` in parameters.yaml). A belligerent weighing an offer expects the
threats against it at their credibility (:func:`expected_sanctions`, :func:`expected_pause`).
"""

from __future__ import annotations

import numpy as np

from sim.scenario.quantities import US_DEFAULT

#: Model attributes holding each patron's state (arrays of shape (R,), sliced by views).
EXECUTED = {"united_states": "threat_executed", "europe": "threat_executed_europe"}
PAUSE_UNTIL = {"united_states": "us_pause_until", "europe": "eu_pause_until"}
DRAW = {"united_states": "threat_draw", "europe": "threat_draw_europe"}
PARAM = {"credibility": "threat_credibility", "cost_bn_per_year": "sanctions_threat_cost_bn_per_year",
         "production_cut": "sanctions_threat_cut", "pause_weeks": "aid_pause_weeks"}


def value(m, threat, key):
    """A threat's ``key`` (see :data:`PARAM`): as written, else the patron's parameter."""
    v = getattr(threat, key)
    return m.p[f"{threat.by}.{PARAM[key]}"] if v is None else v


def against(threats, side: str) -> tuple:
    """The threats of a list aimed at ``side``; ``True`` stands for the US defaults."""
    if threats is True:
        threats = US_DEFAULT
    return tuple(t for t in (threats or ()) if t.against == side)


def expected_sanctions(m, threats) -> tuple:
    """Extra (cost EUR bn/yr, production cut) Russia expects from ``threats`` not yet carried out."""
    cost, cut = 0.0, 0.0
    for t in against(threats, "russia"):
        pending = ~getattr(m, EXECUTED[t.by])
        cred = value(m, t, "credibility")
        cost = cost + pending * cred * value(m, t, "cost_bn_per_year")
        cut = cut + pending * cred * value(m, t, "production_cut")
    return cost, cut


def expected_pause(m, us, eu, threats):
    """US and European aid (EUR bn/yr) as Ukraine expects it if it refuses under ``threats``.

    A paused patron's aid is lost for ``pause_weeks`` of the planning horizon; Europe makes
    up ``replacement_share`` of a US pause (Kiel, REFERENCES.md), nobody makes up a European one.
    """
    for t in against(threats, "ukraine"):
        share = np.minimum(value(m, t, "pause_weeks") / m.horizon_plan, 1.0)
        if t.by == "united_states":
            lost = us * share
            us = us - lost
            eu = eu + m.p["europe.replacement_share"] * lost
        else:
            eu = eu - eu * share
    return us, eu


def react(m, offer, russia_out, ukraine_out) -> None:
    """Carry out ``offer``'s threats: ``russia_out`` / ``ukraine_out`` mark the replications
    where that side refused (or broke) it."""
    for t in offer.all_threats:
        if t.against == "russia":
            done = getattr(m, EXECUTED[t.by])
            only = russia_out & ~ukraine_out
            execute = only & ~done & (getattr(m, DRAW[t.by]) < value(m, t, "credibility"))
            if t.by == "united_states":       # a player in the US seat may decide (sim.play)
                execute = m.choose("sanctions_threat", t.by, execute, only) & only & ~done
            if execute.any():
                m.threat_cost_done = m.threat_cost_done + execute * value(m, t, "cost_bn_per_year")
                m.threat_cut_done = m.threat_cut_done + execute * value(m, t, "production_cut")
                setattr(m, EXECUTED[t.by], done | execute)
        else:
            pause = ukraine_out & ~russia_out
            if t.by == "united_states":
                pause = m.choose("aid_pause", t.by, pause, pause) & pause
            attr = PAUSE_UNTIL[t.by]
            setattr(m, attr, np.where(pause, m.week + 1 + np.round(value(m, t, "pause_weeks")), getattr(m, attr)))
