"""Terms written as quantities (issue 13): lines, conditions, threats, a share of sanctions relief.

* ``line``: ``current``, a named line (``four_regions``, ``pre_2022``, ``pre_2014``), a number
  (% of Ukraine held by Russia on the line) or ``{current_plus_withdrawal: [donetsk, ...]}``:
  the current front plus Ukraine's withdrawal from the rest of the named regions
  (:class:`Withdrawal`; areas and held shares in ``sim/scenario/data/regions.yaml``).
* ``conditions``: what holds while the ceasefire lasts (:class:`Conditions`): a halt of
  Western military aid to Ukraine, a halt of Ukraine's mobilization.
* ``sanctions_relief``: ``none``/``partial``/``full`` or a share 0..1 (:func:`relief_share`).
* ``threats`` on an offer: ``[{by: europe, against: russia}, ...]`` (:class:`Threat`); a patron
  carries out its threat against a belligerent that refuses (while the other accepts) or breaks it.

Each ``parse_*`` returns ``(value, error)``: the error is the message schema.py reports with
the file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

NAMED_LINES = ("current", "four_regions", "pre_2022", "pre_2014", "proposer_optimal")   # the last: sim.engine.proposals
RELIEF_NAMES = {"none": 0.0, "partial": 0.5, "full": 1.0}
PATRONS = ("united_states", "europe")
BELLIGERENTS = ("russia", "ukraine")
REGIONS_FILE = Path(__file__).parent / "data" / "regions.yaml"
THREAT_KEYS = ("by", "against", "credibility", "cost_bn_per_year", "production_cut", "pause_weeks")
CONDITION_KEYS = ("halt_western_aid", "halt_mobilization")


@lru_cache(maxsize=1)
def regions() -> dict[str, Any]:
    """The table of ``regions.yaml``: ``{ukraine_area_km2, regions: {key: {...}}}``."""
    from sim.scenario.yamlio import load

    return load(REGIONS_FILE, shipped=True).data


def region_names() -> tuple[str, ...]:
    return tuple(regions()["regions"])


def area_pct(region: str) -> float:
    """The region's share of Ukraine's territory, in % (official areas)."""
    data = regions()
    return 100.0 * data["regions"][region]["area_km2"] / data["ukraine_area_km2"]


@dataclass(frozen=True)
class Withdrawal:
    """The line ``current_plus_withdrawal``: the front now, plus the rest of ``regions``."""

    regions: tuple[str, ...]

    def to_yaml(self) -> dict[str, list[str]]:
        return {"current_plus_withdrawal": list(self.regions)}

    def __str__(self) -> str:
        return "current+" + "+".join(self.regions)


@dataclass(frozen=True)
class Conditions:
    """Conditions that hold while the ceasefire lasts (Russia's demands of March 2025)."""

    halt_western_aid: bool = False
    halt_mobilization: bool = False

    def to_yaml(self) -> dict[str, bool]:
        return {"halt_western_aid": self.halt_western_aid, "halt_mobilization": self.halt_mobilization}


@dataclass(frozen=True)
class Threat:
    """A patron's threat against a belligerent that refuses or breaks the offer.

    Against Russia: sanctions (a production cut and an economic cost, carried out with
    probability ``credibility``). Against Ukraine: a pause of the patron's aid for
    ``pause_weeks``. A value left None is the patron's parameter (``<patron>.threat_credibility``,
    ``<patron>.sanctions_threat_cost_bn_per_year``, ``<patron>.sanctions_threat_cut``,
    ``<patron>.aid_pause_weeks``): sourced values or stated ranges.
    """

    by: str
    against: str
    credibility: float | None = None
    cost_bn_per_year: float | None = None
    production_cut: float | None = None
    pause_weeks: float | None = None

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"by": self.by, "against": self.against}
        for key in THREAT_KEYS[2:]:
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


#: The threats of a US-brokered offer written without ``threats:`` (the behaviour before
#: issue 13: sanctions on a refusing Russia, an aid pause on a refusing Ukraine).
US_DEFAULT = (Threat("united_states", "russia"), Threat("united_states", "ukraine"))


def line_to_yaml(line) -> Any:
    return line.to_yaml() if isinstance(line, Withdrawal) else line


def relief_share(value) -> float:
    """Sanctions relief as a share 0..1 (``partial`` = 0.5)."""
    return RELIEF_NAMES[value] if isinstance(value, str) else float(value)


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def parse_line(value) -> tuple[Any, str | None]:
    if isinstance(value, str):
        if value in NAMED_LINES:
            return value, None
        return None, f"expected one of {', '.join(NAMED_LINES)}, a number (% of Ukraine held by Russia) " \
                     f"or {{current_plus_withdrawal: [{', '.join(region_names())}]}}, got {value!r:.60}"
    if _number(value):
        if not 0 <= value <= 100:
            return None, f"expected a share of Ukraine held by Russia between 0 and 100 (%), got {value}"
        return float(value), None
    if isinstance(value, dict):
        if set(value) != {"current_plus_withdrawal"}:
            return None, "expected {current_plus_withdrawal: [region, ...]}, got keys " + ", ".join(map(str, value))
        names = value["current_plus_withdrawal"]
        if isinstance(names, str):
            names = [names]
        known = region_names()
        if not isinstance(names, list) or not names or any(n not in known for n in names) \
                or len(set(names)) != len(names):
            return None, f"current_plus_withdrawal: expected a list of distinct regions from {', '.join(known)}, " \
                         f"got {names!r:.80}"
        return Withdrawal(tuple(names)), None
    return None, f"expected a line name, a number or {{current_plus_withdrawal: [...]}}, got {value!r:.60}"


def parse_relief(value) -> tuple[Any, str | None]:
    if isinstance(value, str) and value in RELIEF_NAMES:
        return value, None
    if _number(value) and 0 <= value <= 1:
        return float(value), None
    return None, f"expected none, partial, full or a share between 0 and 1, got {value!r:.60}"


def parse_conditions(value) -> tuple[Conditions | None, str | None]:
    if value is None:
        return Conditions(), None
    if not isinstance(value, dict):
        return None, f"expected a mapping {{halt_western_aid: true|false, halt_mobilization: true|false}}, got {value!r:.60}"
    for key, v in value.items():
        if key not in CONDITION_KEYS:
            return None, f"unknown condition {key!r}; expected one of: {', '.join(CONDITION_KEYS)}"
        if not isinstance(v, bool):
            return None, f"{key}: expected true or false, got {v!r:.60}"
    return Conditions(**value), None


def parse_threats(value) -> tuple[tuple[Threat, ...] | None, str | None]:
    if not isinstance(value, list):
        return None, f"expected a list of threats such as [{{by: europe, against: russia}}], got {value!r:.60}"
    out = []
    for i, item in enumerate(value):
        where = f"threat [{i}]: "
        if not isinstance(item, dict):
            return None, where + f"expected a mapping {{by: <patron>, against: <belligerent>}}, got {item!r:.60}"
        unknown = [k for k in item if k not in THREAT_KEYS]
        if unknown:
            return None, where + f"unknown key {unknown[0]!r}; expected one of: {', '.join(THREAT_KEYS)}"
        if item.get("by") not in PATRONS:
            return None, where + f"by: expected one of {', '.join(PATRONS)}, got {item.get('by')!r:.60}"
        if item.get("against") not in BELLIGERENTS:
            return None, where + f"against: expected one of {', '.join(BELLIGERENTS)}, got {item.get('against')!r:.60}"
        limits = {"credibility": (0, 1), "production_cut": (0, 0.9), "cost_bn_per_year": (0, 2000),
                  "pause_weeks": (0, 520)}
        for key, (lo, hi) in limits.items():
            if key in item and (not _number(item[key]) or not lo <= item[key] <= hi):
                return None, where + f"{key}: expected a number between {lo} and {hi}, got {item[key]!r:.60}"
        out.append(Threat(**{k: (float(v) if _number(v) else v) for k, v in item.items()}))
    return tuple(out), None
