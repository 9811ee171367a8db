"""The design space: which terms of the scenario's first offer vary, and over which values.

Every term of :class:`~sim.scenario.offers.Terms` is a design variable, read from the offer
schema itself so that a new term is picked up without touching this module:

* a term with named choices (``TERM_CHOICES``: line, monitoring, ...) takes every choice;
* a true/false term (its default is a ``bool``) takes ``false`` and ``true``;
* a numeric term takes the levels of :data:`NUMERIC_LEVELS` (``null`` = not set). These are
  search grid points, not model inputs: a design file may give any other levels or a
  ``range`` with ``steps``. A numeric term not listed there (a new one) is kept at its
  scenario value unless a design file gives its levels.

``proposer`` and ``parties`` of the offer are kept unless varied (``--vary proposer``).

A design file names the scenario and may set anything the command line sets (a scenario
file may instead hold the same settings, without ``scenario:``, in a ``design:`` section:
``ceasefire-sim design that-scenario.yaml`` then uses them, ``run`` ignores them)::

    scenario: ../freeze.yaml          # relative to this file
    vary:
      line: [current, four_regions]                     # levels
      army_cap: {levels: [null, 100, 50]}
      duration_days: {range: [30, 360], steps: 4, integer: true}
      monitoring: all                                   # every choice of the schema
    objectives: [p_agreed, p_holds_3y, territory_end_median]
    constraints: ["p_accept_ukraine >= 0.5"]
    replications: 500
    budget: 300
    seed: 7

Every level is checked against the scenario schema (``Scenario.with_changes``) before
anything runs, with the sweep files' checks (:mod:`sim.sweeps.spec`), so a bad value is
an error naming the design file, line and key (exit 2).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS, TERM_CHOICES, TERM_FIELDS, Terms
from sim.scenario.schema import NAME_RE, Scenario
from sim.scenario.yamlio import Located, load, loads
from sim.sweeps import spec as sweep_spec

#: Search levels of the numeric terms when no design file gives them (``None`` = unset).
#: Grid points chosen to span the seed offers (30-day truce, indefinite freeze; the 50k
#: cap of the refusal preset), not estimates.
NUMERIC_LEVELS: dict[str, tuple[Any, ...]] = {
    "duration_days": (None, 30, 90, 365),
    "army_cap": (None, 250.0, 100.0, 50.0),
}
#: Offer fields (not terms) that may be varied, with their levels.
OFFER_LEVELS: dict[str, tuple[Any, ...]] = {
    "proposer": ACTORS,
    "parties": (("russia", "ukraine"), ("russia", "ukraine", "united_states"),
                ("russia", "ukraine", "united_states", "europe")),
}
DESIGN_KEYS = ("name", "scenario", "vary", "objectives", "constraints", "replications", "budget", "seed",
               "horizon_weeks", "search", "batch_packages")
DEFAULT_REPLICATIONS = 300
DEFAULT_BUDGET = 400
SEARCHES = ("auto", "exhaustive", "nsga2")


@dataclass(frozen=True)
class Variable:
    """One varied part of the offer: a name (term or offer field), its path, its levels."""

    name: str
    path: str
    levels: tuple[Any, ...]

    def text(self, value: Any) -> str:
        """A level as a short word (for tables and labels)."""
        if value is None:
            return "none"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, (tuple, list)):
            return "+".join(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


@dataclass(frozen=True)
class DesignSpace:
    """The base scenario and the variables of its first offer."""

    base: Scenario
    variables: tuple[Variable, ...]
    fixed: tuple[str, ...] = field(default=())   # terms kept at the scenario's value, and why

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    @property
    def size(self) -> int:
        return math.prod(len(v.levels) for v in self.variables)

    def shipped(self) -> dict[str, Any]:
        """The scenario's own package, as values of the variables (None where off-grid)."""
        offer = self.base.offers[0]
        out = {}
        for v in self.variables:
            value = getattr(offer.terms, v.name) if v.name in TERM_FIELDS else getattr(offer, v.name)
            out[v.name] = value
        return out

    def index_of(self, package: dict[str, Any]) -> tuple[int, ...] | None:
        """Level indices of a package, or None if a value is not one of the levels."""
        out = []
        for v in self.variables:
            value = package[v.name]
            match = [i for i, lv in enumerate(v.levels) if _same(lv, value)]
            if not match:
                return None
            out.append(match[0])
        return tuple(out)

    def package(self, index: tuple[int, ...]) -> dict[str, Any]:
        return {v.name: v.levels[i] for v, i in zip(self.variables, index)}

    def all_indices(self) -> Iterator[tuple[int, ...]]:
        return itertools.product(*(range(len(v.levels)) for v in self.variables))

    def changes(self, package: dict[str, Any]) -> dict[str, Any]:
        """Dotted-path changes for ``Scenario.with_changes``."""
        return {v.path: (list(package[v.name]) if isinstance(package[v.name], tuple) else package[v.name])
                for v in self.variables}

    def scenario(self, package: dict[str, Any], label: str = "<design package>") -> Scenario:
        return self.base.with_changes(self.changes(package), label=label)

    def describe(self) -> str:
        lines = [f"  {v.name}: {', '.join(v.text(x) for x in v.levels)}" for v in self.variables]
        lines += [f"  ({f})" for f in self.fixed]
        return "\n".join(lines)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and tuple(a) == tuple(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def term_kind(name: str) -> str:
    """'choice', 'bool' or 'numeric', from the offer schema."""
    if name in TERM_CHOICES:
        return "choice"
    default = {f.name: f.default for f in dataclasses.fields(Terms)}[name]
    return "bool" if isinstance(default, bool) else "numeric"


def default_levels(name: str) -> tuple[Any, ...] | None:
    """The schema's levels of a term or offer field (None: a numeric term without defaults)."""
    if name in OFFER_LEVELS:
        return OFFER_LEVELS[name]
    kind = term_kind(name)
    if kind == "choice":
        # the proposer's own choice of line (sim.engine.proposals) is a mechanism, not a package
        # term, and needs scope: full: give it in `levels` to compare it
        return tuple(c for c in TERM_CHOICES[name] if c != "proposer_optimal")
    if kind == "bool":
        return (False, True)
    return NUMERIC_LEVELS.get(name)


def variable_names() -> tuple[str, ...]:
    return tuple(TERM_FIELDS) + tuple(OFFER_LEVELS)


def _path(name: str) -> str:
    return f"offers[0].terms.{name}" if name in TERM_FIELDS else f"offers[0].{name}"


class _Builder(sweep_spec._Builder):
    """Validates ``vary`` entries with the sweep files' parameter checks (file:line errors)."""

    def variable(self, name: Any, entry: Any, path: tuple, base: Scenario) -> Variable | None:
        known = variable_names()
        if name not in known:
            self.problem(path, f"unknown term{sweep_spec._suggest(name, known)}; expected one of: {', '.join(known)}")
            return None
        if entry is None or entry == "all":
            levels = default_levels(name)
            if levels is None:
                self.problem(path, f"'{name}' is numeric with no default levels: give "
                                   f"{{levels: [...]}} or {{range: [low, high], steps: N}}")
                return None
        else:
            if isinstance(entry, list):          # a bare list is levels here (a range in sweep files)
                entry = {"levels": entry}
            p = self.parameter(_path(name), entry, path, "grid")
            if p is None:
                return None
            if p.is_levels:
                levels = p.levels
            else:
                levels = tuple(p.value(u) for u in p.grid_units(5))
            if name in OFFER_LEVELS or term_kind(name) == "numeric":
                levels = tuple(float(x) if isinstance(x, int) and not isinstance(x, bool)
                               and name == "army_cap" else x for x in levels)
            levels = tuple(tuple(x) if isinstance(x, list) else x for x in levels)
        var = Variable(name, _path(name), tuple(levels))
        for value in var.levels:
            try:
                base.with_changes({var.path: list(value) if isinstance(value, tuple) else value}, label=self.loc.file)
            except InputError as exc:
                self.problem(path, f"value {value!r} rejected by the scenario: {exc.problems[0].message}")
                return None
        return var

    def variables(self, raw: Any, base: Scenario, path: tuple = ("vary",)) -> list[Variable]:
        if isinstance(raw, list):
            raw = {k: None for k in raw}
        if not isinstance(raw, dict) or not raw:
            self.problem(path, "expected a mapping of terms to levels, e.g. 'line: [current, four_regions]', "
                               "or a list of term names")
            return []
        out = []
        for key, entry in raw.items():
            v = self.variable(key, entry, path + (key,), base)
            if v is not None:
                out.append(v)
        return out


def default_space(base: Scenario) -> DesignSpace:
    """Every term with schema levels; numeric terms without defaults are kept fixed."""
    variables, fixed = [], []
    for name in TERM_FIELDS:
        levels = default_levels(name)
        if levels is None:
            fixed.append(f"{name} kept at {getattr(base.offers[0].terms, name)!r}: numeric, give its levels "
                         f"in a design file to vary it")
            continue
        variables.append(Variable(name, _path(name), levels))
    return DesignSpace(base, tuple(variables), tuple(fixed))


def parse_vary(base: Scenario, vary: str | list[str] | dict | None, label: str = "--vary") -> DesignSpace:
    """A space from ``--vary line,monitoring`` (or a list / mapping from the Python API)."""
    _check_offer(base, label)
    if vary is None:
        return default_space(base)
    if isinstance(vary, str):
        vary = [v.strip() for v in vary.split(",") if v.strip()]
    b = _Builder(Located({"vary": vary}, {}, "<command line>"), Path("."))
    if isinstance(vary, list) and len(set(vary)) != len(vary):
        b.problem((), f"{label}: a term is listed twice: {', '.join(vary)}")
    variables = b.variables(vary, base)
    if b.problems:
        raise InputError([Problem(p.file, None, label if p.key == "vary" else
                                  f"{label} {p.key.removeprefix('vary.')}", p.message) for p in b.problems])
    return DesignSpace(base, tuple(variables))


def _check_offer(base: Scenario, label: str) -> None:
    if not base.offers:
        raise InputError.single(base.source_file or "<scenario>", None, "offers",
                                "the scenario has no offer to design from: add one under 'offers:'")


@dataclass(frozen=True)
class DesignFile:
    """A validated design file: the space and the settings it gives (None = not given)."""

    name: str | None
    space: DesignSpace
    settings: dict[str, Any]
    file: str


def is_design_file(path: str | Path) -> bool:
    """A design file names its scenario; a scenario file does not."""
    loc = load(path)
    return isinstance(loc.data, dict) and "scenario" in loc.data


def has_design_section(path: str | Path) -> bool:
    """A scenario file with a ``design:`` section (the settings of a design of its first offer)."""
    loc = load(path)
    return isinstance(loc.data, dict) and "scenario" not in loc.data and "design" in loc.data


def load_design(path: str | Path) -> DesignFile:
    """A design file, or the ``design:`` section of a scenario file (errors name the file's lines)."""
    if has_design_section(path):
        from sim.scenario.schema import load_scenario

        return design_section(load(path), load_scenario(path), Path(path).parent)
    return _design(load(path), Path(path).parent)


def loads_design(text: str, file: str = "<design>", base_dir: str | Path = ".") -> DesignFile:
    return _design(loads(text, file), Path(base_dir))


SECTION = "design"


def design_section(loc: Located, base: Scenario, base_dir: Path) -> DesignFile:
    """The ``design:`` section of the scenario file ``loc`` (already loaded as ``base``): the keys
    of a design file except ``scenario``; problems name the section's lines (``design.vary...``)."""
    raw = loc.data.get(SECTION)
    if not isinstance(raw, dict):
        raise InputError(Problem(loc.file, loc.line((SECTION,)), SECTION, "expected a mapping of design settings "
                                 "(vary, objectives, constraints, replications, ...)"))
    lines = {path[1:]: line for path, line in loc.lines.items() if path[:1] == (SECTION,) and len(path) > 1}
    lines[()] = loc.line((SECTION,))
    try:
        d = _design(Located(raw, lines, loc.file), base_dir, base=base)
        d.settings["key_prefix"] = f"{SECTION}."
        return d
    except InputError as exc:
        raise InputError([Problem(p.file, p.line, f"{SECTION}.{p.key}" if p.key else SECTION, p.message)
                          for p in exc.problems]) from None


def _design(loc: Located, base_dir: Path, base: Scenario | None = None) -> DesignFile:
    b = _Builder(loc, base_dir)
    data = loc.data
    if not isinstance(data, dict):
        raise InputError(Problem(loc.file, 1, "", "a design file is a mapping (scenario, vary, objectives, ...)"))
    for key in data:
        if base is not None and key == "scenario":
            b.problem((key,), "a design section designs the scenario it is in: remove 'scenario' (or move the "
                              "settings to a design file that names its scenario)")
        elif key not in DESIGN_KEYS:
            keys = DESIGN_KEYS if base is None else tuple(k for k in DESIGN_KEYS if k != "scenario")
            b.problem((key,), f"unknown key{sweep_spec._suggest(key, keys)}; expected one of: "
                              f"{', '.join(keys)}")
    if base is None:
        base = b.base_scenario(data.get("scenario"))
        if data.get("scenario") is None:
            b.problem(("scenario",) if "scenario" in data else (), "missing required key 'scenario'")
    space = None
    if base is not None:
        if not base.offers:
            b.problem(("scenario",) if "scenario" in data else (), "the scenario has no offer to design from")
        elif "vary" in data:
            space = DesignSpace(base, tuple(b.variables(data["vary"], base)))
        else:
            space = default_space(base)
    settings: dict[str, Any] = {}
    for key, lo, hi in (("replications", 1, 10_000_000), ("budget", 1, 10_000_000), ("seed", 0, 2**63 - 1),
                        ("horizon_weeks", 1, 1040), ("batch_packages", 1, 100_000)):
        if key in data:
            settings[key] = b.integer(data, key, lo, hi, None)
    for key in ("objectives", "constraints"):
        if key in data:
            raw = data[key]
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                b.problem((key,), f"expected a list of {key}, e.g. "
                                  + ("[p_agreed, p_holds_3y]" if key == "objectives" else "['p_accept_ukraine >= 0.5']"))
            else:
                settings[key] = list(raw)
                settings[f"{key}_lines"] = [loc.line((key, i)) or loc.line((key,)) for i in range(len(raw))]
    if "search" in data:
        if data["search"] not in SEARCHES:
            b.problem(("search",), f"expected one of {', '.join(SEARCHES)}, got {data['search']!r:.40}"
                                   f"{sweep_spec._suggest(data['search'], SEARCHES)}")
        else:
            settings["search"] = data["search"]
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or not NAME_RE.match(name)):
        b.problem(("name",), f"expected a short name of letters, digits, '_', '-', '.', got {name!r:.60}")
    if b.problems:
        raise InputError(b.problems)
    return DesignFile(name, space, settings, loc.file)
