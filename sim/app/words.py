"""Offer terms and parameter values in words, for the page (never code like ``army_cap_below: 400``).

A red line's ``when`` (see :func:`sim.engine.actors.base.red_line_hit`) is a mapping from a
term of :class:`sim.scenario.offers.Terms` (or one of the two special keys
``parties_exclude`` and ``army_cap_below``) to the values that trigger the veto; all
conditions must hold. :func:`describe_when` says the same in a sentence fragment:
``{monitoring: [none], duration_days: [null]}`` -> "no monitoring and no end date (an
indefinite ceasefire)".
"""

from __future__ import annotations

from typing import Any

from sim.output.labels import LABELS
from sim.scenario.distributions import Param

#: term -> value -> words (``None`` is YAML ``null``)
TERM_VALUES: dict[str, dict[Any, str]] = {
    "line": {"current": "the ceasefire line on the current front",
             "four_regions": "a line at the borders of the four annexed regions (Ukraine gives up land it holds)",
             "pre_2022": "a line at the pre-2022 front (Russia hands back land taken since 2022)",
             "pre_2014": "a line at the 2014 borders (Russia hands back Crimea too)"},
    "recognition": {"none": "no recognition of Russian control",
                    "de_facto": "de facto acceptance of Russian control behind the line",
                    "de_jure": "legal (de jure) recognition of Russian sovereignty behind the line"},
    "duration_days": {None: "no end date (an indefinite ceasefire)"},
    "extension": {True: "a truce that can be extended", False: "a truce that cannot be extended"},
    "scope": {"full": "a full ceasefire", "energy_strikes": "a halt to strikes on energy only",
              "maritime": "safe shipping in the Black Sea only"},
    "monitoring": {"none": "no monitoring", "bilateral": "monitoring by the two sides only",
                   "international": "international monitors"},
    "guarantees": {"none": "no security guarantees",
                   "bilateral_agreements": "bilateral security agreements as guarantees",
                   "foreign_troops": "foreign troops in Ukraine as guarantees"},
    "army_cap": {None: "no cap on the size of Ukraine's army"},
    "sanctions_relief": {"none": "no sanctions relief", "partial": "partial sanctions relief",
                         "full": "full sanctions relief"},
    "nato_renunciation": {True: "Ukraine renouncing NATO membership", False: "Ukraine keeping its NATO path"},
    "prisoner_exchange": {True: "an all-for-all prisoner exchange", False: "no prisoner exchange"},
}


def _term(key: str, value: Any) -> str:
    words = TERM_VALUES.get(key, {})
    if value in words:
        return words[value]
    if key == "duration_days":
        return f"a {value}-day truce"
    if key == "duration_hours":
        return f"a {value}-hour truce"
    if key == "army_cap":
        return f"Ukraine's army capped at {value:,} thousand soldiers"
    return f"{key.replace('_', ' ')} {value}"


def describe_condition(key: str, wanted: Any) -> str:
    """One condition of a red line in words."""
    if key == "parties_exclude":
        who = " or ".join(LABELS.get(a, a) for a in wanted)
        return f"{who} left out of the talks"
    if key == "army_cap_below":
        return f"a cap on Ukraine's army below {wanted:,} thousand soldiers"
    if key == "cedes_unheld":
        above = float((wanted or {}).get("above_pp", 0.0))
        return ("a line giving Russia land it does not hold" if above == 0
                else f"a line giving Russia more than {number(above)} points of Ukraine it does not hold")
    if key == "returns_held":
        above = float((wanted or {}).get("above_pp", 0.0))
        return ("a line handing back land Russia holds" if above == 0
                else f"a line handing back more than {number(above)} points of Ukraine Russia holds")
    values = wanted if isinstance(wanted, (list, tuple)) else [wanted]
    return " or ".join(_term(key, v) for v in values)


def describe_when(when: dict[str, Any]) -> str:
    """Every condition of a red line, joined by "and" (all must hold for the veto)."""
    return " and ".join(describe_condition(k, v) for k, v in when.items()) or "any offer"


def number(x: float, digits: int = 2) -> str:
    """``x`` with at most ``digits`` decimals and no trailing zeros (2.25, 2, 0.1)."""
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe_param(p: Param, unit: str = "", percent: bool = False, digits: int = 2) -> str:
    """A parameter's value for a reader: "0.1", "15–25 (uniform)", "2–2.5, most likely 2.25".

    ``percent`` shows a share in percent (0.1 -> "10%"); ``unit`` follows the value.
    """
    a = [v * (100.0 if percent else 1.0) for v in p.args]
    n = lambda v: number(v, digits) + ("%" if percent else "")  # noqa: E731
    note = ""
    if p.kind == "fixed":
        text = n(a[0])
    elif p.kind == "uniform":
        text, note = f"{n(a[0])}–{n(a[1])}", "uniform"
    elif p.kind == "triangular":
        text, note = f"{n(a[0])}–{n(a[2])}", f"most likely {n(a[1])}"
    elif p.kind == "normal":
        text, note = f"{n(a[0])} ± {n(a[1])}", "normal"
    elif p.kind == "lognormal":
        text, note = f"median {n(a[0])}", f"lognormal, σ {number(p.args[1], digits)}"
    else:
        text, note = " or ".join(n(v) for v in a), "equally likely"
    text = f"{text} {unit}".strip()
    return f"{text} ({note})" if note else text
