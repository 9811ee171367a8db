"""The shipped data: parameter table, presets and actor profiles (read once, cached).

All three live as YAML next to the code (``sim/scenario/data/``, ``sim/scenario/data/profiles/``) so that
every default carries its source and ``docs/parameters.md`` is generated from the same
files the model reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.scenario import distributions
from sim.scenario.offers import ACTORS
from sim.scenario.yamlio import load

HERE = Path(__file__).parent
PARAMETERS_FILE = HERE / "data" / "parameters.yaml"
PRESETS_FILE = HERE / "data" / "presets.yaml"
PROFILES_DIR = HERE / "data" / "profiles"

KINDS = ("sourced", "derived", "assumption")


@dataclass(frozen=True)
class ParamInfo:
    """One row of the parameter table."""

    section: str
    name: str
    default: distributions.Param
    bounds: tuple[float, float]
    unit: str
    kind: str
    source: str
    doc: str

    @property
    def path(self) -> str:
        return f"{self.section}.{self.name}"


def _param(value: Any, bounds=(-float("inf"), float("inf")), where: str = "") -> distributions.Param:
    p, err = distributions.parse(value, bounds)
    if err:
        raise ValueError(f"{where}: {err}")
    return p


@lru_cache(maxsize=1)
def parameter_table() -> dict[str, ParamInfo]:
    """``'section.name' -> ParamInfo`` for every model parameter."""
    data = load(PARAMETERS_FILE, shipped=True).data
    table: dict[str, ParamInfo] = {}
    for section, entries in data.items():
        for name, e in entries.items():
            bounds = (float(e["bounds"][0]), float(e["bounds"][1]))
            table[f"{section}.{name}"] = ParamInfo(
                section=section, name=name,
                default=_param(e["default"], bounds, f"{section}.{name}"),
                bounds=bounds, unit=e["unit"], kind=e["kind"], source=e["source"], doc=e["doc"],
            )
    return table


def sections() -> list[str]:
    """Parameter sections in table order (attrition, sanctions, united_states, ...)."""
    out: list[str] = []
    for info in parameter_table().values():
        if info.section not in out:
            out.append(info.section)
    return out


@lru_cache(maxsize=1)
def presets() -> dict[str, dict[str, dict[str, Any]]]:
    """``section -> preset name -> {description, source, values}``."""
    return load(PRESETS_FILE, shipped=True).data


DEFAULT_PRESETS = {"attrition": "baseline", "united_states": "policy_2024", "europe": "europe_2024"}


@lru_cache(maxsize=None)
def profile(actor: str) -> dict[str, Any]:
    """The raw profile of an actor (weights, term values, red lines, beliefs, with sources)."""
    if actor not in ACTORS:
        raise KeyError(actor)
    return load(PROFILES_DIR / f"{actor}.yaml", shipped=True).data
