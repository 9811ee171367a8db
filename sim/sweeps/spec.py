"""Sweep files: YAML -> validated :class:`SweepSpec`.

A sweep names a base scenario, the parameters to vary (dotted paths into the scenario,
each with a range or levels), a sampler, the number of points, the replications per point
and the outcomes of interest::

    name: attrition
    scenario: ../freeze.yaml            # relative to this file
    sampler: sobol                      # grid | lhs | sobol | morris
    points: 64                          # see SAMPLER_POINTS
    replications: 300                   # per point
    seed: 7                             # root seed
    parameters:
      attrition.exchange_ratio: {range: [1.5, 3.5]}
      decision.planning_horizon_weeks: {range: [26, 104], integer: true}
      offers[0].terms.monitoring: {levels: [none, bilateral, international]}
    outcomes: [p_ceasefire_holds, p_accept_russia, territory_end_median]

Every value a point can take is checked against the scenario schema before anything runs
(``Scenario.with_changes`` at both ends of each range and at every level), so a misspelt
path or an out-of-bounds range is an error naming the sweep file, line and key (exit 2).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario.errors import InputError, Problem
from sim.scenario.schema import NAME_RE, Scenario, load_scenario
from sim.scenario.yamlio import Located, dotted, load
from sim.sweeps.statistics import STATISTICS

SAMPLERS = ("grid", "lhs", "sobol", "morris")
#: What ``points`` means for each sampler, and its default.
SAMPLER_POINTS = {
    "grid": ("steps per range parameter (levels parameters use all their levels)", 5),
    "lhs": ("points of the Latin hypercube", 100),
    "sobol": ("base samples N; N*(D+2) points, N*(2D+2) with second_order", 64),
    "morris": ("trajectories r; r*(D+1) points", 10),
}
TOP_KEYS = ("name", "title", "description", "scenario", "sampler", "points", "replications", "seed",
            "horizon_weeks", "common_random_numbers", "chunk_points", "second_order", "morris_levels",
            "parameters", "outcomes")
#: Scenario keys a sweep sets itself, so they cannot be varied.
RESERVED = ("name", "title", "description", "replications", "seed", "horizon_weeks")
MAX_POINTS = 10_000_000
#: Largest expanded design (rows = points of the sweep) a sweep may have: a million points
#: already take hours at 100 replications each, and drawing a 10-million-row Sobol' design
#: alone took ~30 s and gigabytes before any war was played (issue 19). An assumption, not
#: a source: split a larger study into several sweeps.
MAX_DESIGN_ROWS = 1_000_000


def design_rows(sampler: str, points: int, parameters, second_order: bool = False) -> int:
    """Rows of the expanded design: the sweep's points (the run budget is this x replications)."""
    d = len(parameters)
    if sampler == "grid":
        return math.prod(p.grid_size(points) for p in parameters)
    if sampler == "lhs":
        return points
    if sampler == "sobol":
        return points * ((2 * d + 2) if second_order else (d + 2))
    return points * (d + 1)  # morris


MAX_REPLICATIONS = 10_000_000
DEFAULT_REPLICATIONS = 200


@dataclass(frozen=True)
class SweepParameter:
    """One varied parameter: a numeric range or a list of levels.

    A point's unit coordinate ``u`` in [0, 1] maps to a value: ``low + u (high - low)``
    (rounded for ``integer``), or ``levels[floor(u K)]`` for K levels.
    """

    path: str
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] | None = None
    integer: bool = False
    steps: int | None = None

    @property
    def is_levels(self) -> bool:
        return self.levels is not None

    def value(self, u: float) -> Any:
        if self.levels is not None:
            k = len(self.levels)
            return self.levels[min(int(math.floor(u * k)), k - 1)]
        x = self.low + float(u) * (self.high - self.low)
        return int(round(x)) if self.integer else float(x)

    def grid_size(self, default_steps: int) -> int:
        """Number of values on this parameter's grid axis (without building it)."""
        if self.levels is not None:
            return len(self.levels)
        return max(self.steps or default_steps, 1)

    def grid_units(self, default_steps: int) -> np.ndarray:
        """Unit coordinates of this parameter's grid axis."""
        if self.levels is not None:
            return (np.arange(len(self.levels)) + 0.5) / len(self.levels)
        steps = self.steps or default_steps
        return np.linspace(0.0, 1.0, steps) if steps > 1 else np.array([0.5])

    def trial_values(self) -> list[Any]:
        """Values checked against the scenario schema before running."""
        if self.levels is not None:
            return list(self.levels)
        return [self.value(0.0), self.value(1.0), self.value(0.5)]

    def column_type(self) -> str:
        """Arrow type of this parameter's column: float64, int64, bool or string."""
        if self.levels is None:
            return "int64" if self.integer else "float64"
        if all(isinstance(v, bool) for v in self.levels):
            return "bool"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in self.levels):
            return "int64"
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in self.levels):
            return "float64"
        return "string"

    def to_dict(self) -> dict[str, Any]:
        if self.levels is not None:
            return {"levels": list(self.levels)}
        d: dict[str, Any] = {"range": [self.low, self.high]}
        if self.integer:
            d["integer"] = True
        if self.steps:
            d["steps"] = self.steps
        return d


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep. ``base`` is the resolved base scenario."""

    name: str
    title: str
    description: str
    base: Scenario
    sampler: str
    points: int
    replications: int
    seed: int
    horizon_weeks: int
    parameters: tuple[SweepParameter, ...]
    outcomes: tuple[str, ...]
    common_random_numbers: bool = True
    chunk_points: int | None = None
    second_order: bool = False
    morris_levels: int = 4
    file: str | None = field(default=None, compare=False)
    scenario_file: str | None = field(default=None, compare=False)

    @property
    def names(self) -> list[str]:
        return [p.path for p in self.parameters]

    def to_dict(self) -> dict[str, Any]:
        """Normalized plain data (``sweep.json`` in the results folder)."""
        return {
            "name": self.name, "title": self.title, "description": self.description,
            "scenario": self.scenario_file, "scenario_sha256": self.base.hash(),
            "sampler": self.sampler, "points": self.points, "replications": self.replications,
            "seed": self.seed, "horizon_weeks": self.horizon_weeks,
            "common_random_numbers": self.common_random_numbers, "chunk_points": self.chunk_points,
            "second_order": self.second_order, "morris_levels": self.morris_levels,
            "parameters": {p.path: p.to_dict() for p in self.parameters},
            "outcomes": list(self.outcomes),
        }

    def hash(self) -> str:
        """SHA-256 of everything that determines the points' results (not chunking or titles)."""
        d = self.to_dict()
        for k in ("title", "description", "scenario", "chunk_points"):
            d.pop(k)
        return hashlib.sha256(json.dumps(d, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file (the base scenario path is relative to it)."""
    loc = load(path)
    data = loc.data
    if isinstance(data, dict) and "sampler" not in data and "scenario" not in data and (
            "parties" in data or "offers" in data or "actors" in data):
        key = next(k for k in ("offers", "parties", "actors") if k in data)
        raise InputError.single(loc.file, loc.line((key,)), key,
                                "this is a scenario file: use `ceasefire-sim run` (or `validate`); a sweep file "
                                "names its base scenario (`scenario: ../freeze.yaml`), a `sampler` and `parameters`")
    return _Builder(loc, Path(path).parent).build()


def sweep_from_data(data: dict[str, Any], file: str = "<sweep>", base_dir: str | Path = ".") -> SweepSpec:
    """Validate a sweep given as plain data (Python API); ``scenario`` may be a Scenario."""
    return _Builder(Located(data, {}, file), Path(base_dir)).build()


def _suggest(key: str, options) -> str:
    close = difflib.get_close_matches(str(key), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


class _Builder:
    def __init__(self, loc: Located, base_dir: Path):
        self.loc = loc
        self.base_dir = base_dir
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.loc.file, self.loc.line(path), dotted(path), message))

    def integer(self, data: dict, key: str, lo: int, hi: int, default: int) -> int:
        v = data.get(key)
        if v is None:
            return default
        if not _is_int(v) or not lo <= v <= hi:
            self.problem((key,), f"expected a whole number between {lo:,} and {hi:,}, got {v!r:.60}")
            return default
        return v

    def boolean(self, data: dict, key: str, default: bool) -> bool:
        v = data.get(key, default)
        if not isinstance(v, bool):
            self.problem((key,), f"expected true or false, got {v!r:.60}")
            return default
        return v

    def build(self) -> SweepSpec:
        data = self.loc.data
        if not isinstance(data, dict):
            raise InputError(Problem(self.loc.file, 1, "", "a sweep file is a mapping of keys (scenario, sampler, "
                                                            "parameters, outcomes, ...)"))
        for key in data:
            if key not in TOP_KEYS:
                self.problem((key,), f"unknown key{_suggest(key, TOP_KEYS)}; expected one of: {', '.join(TOP_KEYS)}")
        for key in ("scenario", "sampler", "parameters", "outcomes"):
            if data.get(key) is None:
                self.problem((key,) if key in data else (), f"missing required key '{key}'")
        base = self.base_scenario(data.get("scenario"))

        stem = Path(self.loc.file).stem if not self.loc.file.startswith("<") else "sweep"
        name = data.get("name", stem)
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.problem(("name",), f"expected a short name of letters, digits, '_', '-', '.', got {name!r:.60}")
            name = "sweep"
        title = data.get("title", name)
        description = data.get("description", "")
        for key, v in (("title", title), ("description", description)):
            if not isinstance(v, str):
                self.problem((key,), f"expected text, got {v!r:.60}")

        sampler = data.get("sampler", "sobol")
        if sampler not in SAMPLERS:
            self.problem(("sampler",), f"unknown sampler {sampler!r:.40}{_suggest(sampler, SAMPLERS)}; "
                                       f"expected one of: {', '.join(SAMPLERS)}")
            sampler = "sobol"
        points = self.integer(data, "points", 1, MAX_POINTS, SAMPLER_POINTS[sampler][1])
        if sampler in ("sobol", "morris") and points < 2:
            self.problem(("points",), f"{sampler} needs at least 2 ({SAMPLER_POINTS[sampler][0]})")
        replications = self.integer(data, "replications", 1, MAX_REPLICATIONS, DEFAULT_REPLICATIONS)
        seed = self.integer(data, "seed", 0, 2**63 - 1, base.seed if base else 0)
        horizon = self.integer(data, "horizon_weeks", 1, 1040, base.horizon_weeks if base else 156)
        crn = self.boolean(data, "common_random_numbers", True)
        chunk = data.get("chunk_points")
        if chunk is not None:
            chunk = self.integer(data, "chunk_points", 1, 100_000, 1)
        second = self.boolean(data, "second_order", False)
        levels = self.integer(data, "morris_levels", 2, 100, 4)
        if levels % 2:
            self.problem(("morris_levels",), f"expected an even number of levels (SALib's Morris design), got {levels}")
        if "second_order" in data and sampler != "sobol":
            self.problem(("second_order",), "only used with sampler: sobol")
        if "morris_levels" in data and sampler != "morris":
            self.problem(("morris_levels",), "only used with sampler: morris")

        params = self.parameters(data.get("parameters"), base, sampler, horizon)
        outcomes = self.outcomes(data.get("outcomes"))
        raw_params = data.get("parameters")
        if sampler in ("sobol", "morris") and isinstance(raw_params, dict) and len(raw_params) == 1:
            self.problem(("parameters",), f"{sampler} sensitivity analysis needs at least 2 parameters")
        if not self.problems and (rows := design_rows(sampler, points, params, second)) > MAX_DESIGN_ROWS:
            how = {"grid": "the product of the parameters' grid steps and levels",
                   "lhs": "points", "sobol": f"points x {2 * len(params) + 2 if second else len(params) + 2}",
                   "morris": f"points x {len(params) + 1}"}[sampler]
            self.problem(("points",), f"the design would have {rows:,} points ({how}); at most "
                                      f"{MAX_DESIGN_ROWS:,}: lower `points` (or the grid steps) or split the sweep")
        if self.problems:
            raise InputError(self.problems)
        return SweepSpec(name=name, title=title, description=description, base=base, sampler=sampler,
                         points=points, replications=replications, seed=seed, horizon_weeks=horizon,
                         parameters=tuple(params), outcomes=tuple(outcomes), common_random_numbers=crn,
                         chunk_points=chunk, second_order=second, morris_levels=levels,
                         file=self.loc.file, scenario_file=self._scenario_label(data.get("scenario")))

    def _scenario_label(self, raw) -> str | None:
        if isinstance(raw, Scenario):
            return raw.source_file
        return str(self.base_dir / raw) if isinstance(raw, str) else None

    def base_scenario(self, raw: Any) -> Scenario | None:
        if raw is None:
            return None
        if isinstance(raw, Scenario):
            return raw
        if not isinstance(raw, str):
            self.problem(("scenario",), f"expected the path of a scenario file, got {raw!r:.60}")
            return None
        path = self.base_dir / raw
        if not path.is_file():
            self.problem(("scenario",), f"scenario file {str(path)!r} not found (paths are relative to the sweep file)")
            return None
        try:
            return load_scenario(path)
        except InputError as exc:
            self.problems.extend(exc.problems)
            self.problem(("scenario",), "the base scenario has errors (above)")
            return None

    def parameters(self, raw: Any, base: Scenario | None, sampler: str, horizon: int) -> list[SweepParameter]:
        if raw is None:
            return []
        if not isinstance(raw, dict) or not raw:
            self.problem(("parameters",), "expected a mapping of dotted paths to {range: [low, high]} or "
                                          "{levels: [...]}, e.g. 'attrition.exchange_ratio: {range: [1.5, 3.5]}'")
            return []
        out = []
        for key, entry in raw.items():
            path = ("parameters", key)
            p = self.parameter(str(key), entry, path, sampler)
            if p is None:
                continue
            if str(key).split(".")[0].split("[")[0] in RESERVED:
                self.problem(path, f"'{key}' is set by the sweep itself (replications, seed, horizon_weeks keys "
                                   f"of the sweep file), it cannot be varied")
                continue
            if base is not None and not self.check_values(p, base, horizon, path):
                continue
            out.append(p)
        return out

    def parameter(self, key: str, entry: Any, path: tuple, sampler: str) -> SweepParameter | None:
        if isinstance(entry, list):
            entry = {"range": entry}
        if not isinstance(entry, dict):
            self.problem(path, f"expected {{range: [low, high]}} or {{levels: [a, b, ...]}}, got {entry!r:.60}")
            return None
        for k in entry:
            if k not in ("range", "levels", "integer", "steps"):
                self.problem(path + (k,), f"unknown setting{_suggest(k, ('range', 'levels', 'integer', 'steps'))}; "
                                          f"expected range, levels, integer or steps")
                return None
        if ("range" in entry) == ("levels" in entry):
            self.problem(path, "expected exactly one of 'range: [low, high]' or 'levels: [a, b, ...]'")
            return None
        if "levels" in entry:
            levels = entry["levels"]
            if not isinstance(levels, list) or not levels or any(isinstance(v, (dict, list)) for v in levels):
                self.problem(path + ("levels",), f"expected a non-empty list of plain values, got {levels!r:.60}")
                return None
            if len({json.dumps(v) for v in levels}) != len(levels):
                self.problem(path + ("levels",), "levels must be distinct")
                return None
            if any(k in entry for k in ("integer", "steps")):
                self.problem(path, "'integer' and 'steps' apply to a range, not to levels")
                return None
            return SweepParameter(key, levels=tuple(levels))
        rng = entry["range"]
        if not (isinstance(rng, list) and len(rng) == 2 and all(_is_num(v) for v in rng)) or rng[0] >= rng[1]:
            self.problem(path + ("range",), f"expected [low, high] with low < high, got {rng!r:.60}")
            return None
        integer = entry.get("integer", False)
        if not isinstance(integer, bool):
            self.problem(path + ("integer",), f"expected true or false, got {integer!r:.60}")
            return None
        steps = entry.get("steps")
        if steps is not None:
            if not _is_int(steps) or not 1 <= steps <= 10_000:
                self.problem(path + ("steps",), f"expected a whole number of grid steps between 1 and 10,000, got {steps!r:.60}")
                return None
            if sampler != "grid":
                self.problem(path + ("steps",), "only used with sampler: grid")
                return None
        return SweepParameter(key, low=float(rng[0]), high=float(rng[1]), integer=integer, steps=steps)

    def check_values(self, p: SweepParameter, base: Scenario, horizon: int, path: tuple) -> bool:
        """Apply each trial value to the base scenario; report the first rejection at ``path``."""
        from sim.engine.simulate import resolve_run

        base = resolve_run(base, horizon_weeks=horizon)
        for value in p.trial_values():
            try:
                base.with_changes({p.path: value}, label=self.loc.file)
            except InputError as exc:
                msg = exc.problems[0].message
                if msg.startswith("unknown") or "no list item" in msg or "not inside a mapping" in msg:
                    self.problem(path, f"not a path in the scenario: {msg}")
                else:
                    self.problem(path, f"value {value!r} rejected by the scenario: {msg}")
                return False
        return True

    def outcomes(self, raw: Any) -> list[str]:
        if raw is None:
            return []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.problem(("outcomes",), "expected a list of outcome names, e.g. [p_ceasefire_holds, p_accept_russia]")
            return []
        out = []
        for i, name in enumerate(raw):
            if not isinstance(name, str):
                self.problem(("outcomes", i), f"expected an outcome name, got {type(name).__name__} {name!r:.60}")
            elif name not in STATISTICS:
                self.problem(("outcomes", i), f"unknown outcome {name!r:.60}{_suggest(name, STATISTICS)}; "
                                              f"expected one of: {', '.join(STATISTICS)}")
            elif name in out:
                self.problem(("outcomes", i), f"outcome {name!r} listed twice")
            else:
                out.append(name)
        return out
