"""The calibration file: which scenarios, which parameters (and their priors), which targets.

A calibration file (``scenarios/calibration/record_2024_2025.yaml`` is the worked example)::

    name: record_2024_2025          # results go to results/<name>-calibration/
    seed: 20240524
    replications: 48                # replications of each scenario per particle
    population: 100                 # particles per ABC-SMC generation
    generations: 8                  # at most this many generations (--budget may stop earlier)
    predictive_draws: 40            # posterior (and prior) predictive simulations
    parameters: default             # every assumption and derived parameter, its range as the prior
    targets:
      front_speed_year1:
        scenario: refusal           # scenarios/refusal.yaml (or a path to a .yaml file)
        statistic: territory_gain   # median gain of Russia's territory between two weeks
        weeks: [0, 52]
        observed: 0.7               # what the record says ...
        sd: 0.125                   # ... and its uncertainty (one standard deviation)
        source: "REFERENCES.md, ISW/DeepState: ~0.7% of Ukraine per year in 2024 and 2025"

``parameters`` is ``default``, a list of parameter paths (each with its default range as the
prior) or a mapping ``path: prior`` (``default`` or a distribution such as
``{uniform: [0.7, 0.9]}``). A target gives ``observed`` and ``sd``, or a ``band: [low, high]``
(the record states a range or a direction; ``null`` for an open end) with an optional ``sd``
(how fast the distance grows outside the band; default a quarter of the band's width).

Every problem is reported with file, line and key (:class:`~sim.scenario.errors.InputError`,
exit code 2). Nothing here imports pandas, pyabc or the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario import catalog, distributions
from sim.scenario.distributions import Param
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS
from sim.scenario.schema import NAME_RE, PROFILE_PARTS, Scenario, _suggest, load_scenario
from sim.scenario.yamlio import Located, dotted, load

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_SCENARIOS = ROOT / "scenarios"

TOP_KEYS = {
    "name": "short name; results go to results/<name>-calibration/",
    "title": "one-line title",
    "description": "what is calibrated and why",
    "seed": "root random seed",
    "replications": "replications of each scenario simulated per particle",
    "population": "particles per ABC-SMC generation",
    "generations": "largest number of ABC-SMC generations",
    "predictive_draws": "simulations for the prior and posterior predictive checks",
    "min_epsilon": "stop when the acceptance distance falls to this value",
    "parameters": "the parameters to infer and their priors (default: every assumption and derived parameter)",
    "targets": "the observed targets",
}

#: statistic -> (required options, optional options, what it measures)
STATISTICS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "territory_gain": (("weeks",), (), "median over replications of Russia's territory gain (pp) between two weeks"),
    "territory_at": (("week",), (), "median over replications of the territory held by Russia (%) at a week"),
    "casualty_ratio": ((), (), "median over replications of Russian / Ukrainian casualties at the horizon"),
    "acceptance": (("actor",), ("week",), "share of the replications an offer was put to in which the actor "
                                          "accepted (at the given week only, if one is given)"),
    "agreed_share": ((), (), "share of replications in which a ceasefire was agreed"),
    "breakdown_share": ((), (), "share of agreed ceasefires that ended before the horizon"),
    "hazard_difference": (("windows",), (), "breakdowns per ceasefire-year in the first age window minus "
                                            "in the second (Fortna: the risk falls with time)"),
}
TARGET_KEYS = ("scenario", "statistic", "observed", "sd", "band", "source", "claim", "unit", "horizon_weeks",
               "weeks", "week", "actor", "windows")
KINDS_INFERRED = ("assumption", "derived")


@dataclass(frozen=True)
class ParameterInfo:
    """A parameter the model can be calibrated on: its path, default range, bounds and kind."""

    path: str
    default: Param
    bounds: tuple[float, float]
    kind: str
    unit: str


@dataclass(frozen=True)
class Prior:
    """A parameter to infer with its prior (a :class:`Param` distribution)."""

    path: str
    param: Param
    bounds: tuple[float, float]
    kind: str
    unit: str

    @property
    def support(self) -> tuple[float, float]:
        lo, hi = self.param.support()
        return max(lo, self.bounds[0]), min(hi, self.bounds[1])


@dataclass(frozen=True)
class Target:
    """An observed target: the statistic measured on a scenario, and what the record says."""

    key: str
    scenario: str                 # as written in the file
    statistic: str
    options: dict[str, Any]
    observed: float | None
    sd: float
    band: tuple[float, float] | None
    source: str
    claim: str
    unit: str
    horizon_weeks: int | None

    def distance_term(self, value: float) -> float:
        """This target's share of the squared distance: ((value - observed) / sd)^2, or the squared
        distance outside the band in sd units. An unmeasurable value (NaN) counts as 3 sd away."""
        if value is None or not math.isfinite(value):
            return 9.0
        if self.band is not None:
            lo, hi = self.band
            gap = lo - value if value < lo else (value - hi if value > hi else 0.0)
            return (gap / self.sd) ** 2
        return ((value - self.observed) / self.sd) ** 2

    def observed_text(self) -> str:
        if self.band is not None:
            lo, hi = self.band
            if math.isinf(lo):
                return f"<= {hi:g}"
            if math.isinf(hi):
                return f">= {lo:g}"
            return f"{lo:g} to {hi:g}"
        return f"{self.observed:g} +/- {self.sd:g}"


@dataclass
class Calibration:
    """A validated calibration file."""

    name: str
    title: str
    description: str
    seed: int
    replications: int
    population: int
    generations: int
    predictive_draws: int
    min_epsilon: float
    priors: list[Prior]
    targets: list[Target]
    scenarios: dict[str, Scenario]        # as written in the targets -> the loaded scenario
    file: str = ""
    text: str = ""
    notes: list[str] = field(default_factory=list)

    def runs(self) -> list[tuple[str, int]]:
        """The distinct (scenario, horizon) simulations one particle needs, in target order."""
        out: list[tuple[str, int]] = []
        for t in self.targets:
            key = (t.scenario, t.horizon_weeks or self.scenarios[t.scenario].horizon_weeks)
            if key not in out:
                out.append(key)
        return out


# -- the parameters that can be calibrated ------------------------------------------------------
def parameter_catalog() -> dict[str, ParameterInfo]:
    """Every model parameter a calibration can infer: scenario parameters and actor settings."""
    out: dict[str, ParameterInfo] = {}
    for path, info in catalog.parameter_table().items():
        out[path] = ParameterInfo(path, info.default, info.bounds, info.kind, info.unit)
    for actor in ACTORS:
        prof = catalog.profile(actor)
        for part in PROFILE_PARTS:
            for key, entry in (prof.get(part) or {}).items():
                path = f"actors.{actor}.{part}.{key}"
                out[path] = ParameterInfo(path, catalog._param(entry["value"], where=path),
                                          (-math.inf, math.inf), str(entry.get("kind", "assumption")),
                                          str(entry.get("unit", "pp-years")))
        entry = prof["resolve_sd"]
        path = f"actors.{actor}.resolve_sd"
        out[path] = ParameterInfo(path, catalog._param(entry["value"], where=path), (0.0, math.inf),
                                  str(entry.get("kind", "assumption")), "pp-years")
    return out


# Parameters the model reads no more (kept so that old scenario files load): nothing can be learnt
# about them, so the default set leaves them out (docs/parameters.md says which are deprecated).
IGNORED_BY_MODEL = frozenset({"ceasefire.breakdown_hazard_belief"})


def default_priors() -> list[Prior]:
    """Every assumption and derived parameter drawn from a range, with that range as its prior
    (not those the model ignores, :data:`IGNORED_BY_MODEL`)."""
    return [Prior(p.path, p.default, p.bounds, p.kind, p.unit) for p in parameter_catalog().values()
            if p.kind in KINDS_INFERRED and p.default.is_random and p.default.kind != "choice"
            and p.path not in IGNORED_BY_MODEL]


# -- loading -------------------------------------------------------------------------------------
def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file (every problem at once, with its line)."""
    loc = load(path)
    cal = _Builder(loc, Path(path)).build()
    cal.text = Path(path).read_text(encoding="utf-8")
    return cal


def resolve_scenario_path(name: str, base: Path) -> list[Path]:
    """Where a target's ``scenario`` may live, in order: next to the calibration file, the current
    folder, the shipped ``scenarios/`` folder (a name without ``.yaml`` gets it added)."""
    file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    return [base.parent / file, Path(file), SHIPPED_SCENARIOS / file]


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x)


class _Builder:
    def __init__(self, loc: Located, path: Path):
        self.loc, self.path = loc, path
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.loc.file, self.loc.line(path), dotted(path), message))

    def integer(self, data: dict, key: str, lo: int, hi: int, default: int) -> int:
        v = data.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.problem((key,), f"expected a whole number between {lo:,} and {hi:,}, got {v!r:.60}")
            return default
        return v

    def text(self, data: dict, key: str, default: str, path: tuple = ()) -> str:
        v = data.get(key, default)
        if not isinstance(v, str):
            self.problem(path + (key,), f"expected text, got {type(v).__name__} {v!r:.60}")
            return default
        return v

    def build(self) -> Calibration:
        data = self.loc.data
        if not isinstance(data, dict):
            self.problem((), f"a calibration file is a mapping (name, parameters, targets, ...), got "
                             f"{type(data).__name__}")
            raise InputError(self.problems)
        for key in data:
            if key not in TOP_KEYS:
                self.problem((key,), f"unknown key{_suggest(key, TOP_KEYS)}; expected one of: {', '.join(TOP_KEYS)}")
        name = self.text(data, "name", self.path.stem)
        if not NAME_RE.match(name):
            self.problem(("name",), f"expected a short name of letters, digits, '_', '-', '.', got {name!r:.60}")
        cal = Calibration(
            name=name, title=self.text(data, "title", name), description=self.text(data, "description", ""),
            seed=self.integer(data, "seed", 0, 2**63 - 1, 20240524),
            replications=self.integer(data, "replications", 2, 100_000, 48),
            population=self.integer(data, "population", 10, 100_000, 100),
            generations=self.integer(data, "generations", 1, 100, 8),
            predictive_draws=self.integer(data, "predictive_draws", 2, 100_000, 40),
            min_epsilon=0.0, priors=[], targets=[], scenarios={}, file=str(self.path))
        eps = data.get("min_epsilon", 0.0)
        if _number(eps) is None or not 0 <= eps < math.inf:
            self.problem(("min_epsilon",), f"expected a distance >= 0, got {eps!r:.60}")
        else:
            cal.min_epsilon = float(eps)
        cal.priors = self.build_priors(data.get("parameters", "default"))
        cal.targets, cal.scenarios = self.build_targets(data.get("targets"))
        if self.problems:
            raise InputError(self.problems)
        if not cal.priors:
            raise InputError.single(self.loc.file, self.loc.line(("parameters",)), "parameters",
                                    "no parameter to infer")
        return cal

    # parameters ------------------------------------------------------------------------------
    def build_priors(self, raw: Any) -> list[Prior]:
        known = parameter_catalog()
        if raw == "default" or raw is None:
            return default_priors()
        if isinstance(raw, list):
            raw = {p: "default" for p in raw} if all(isinstance(p, str) for p in raw) else raw
        if isinstance(raw, list):
            self.problem(("parameters",), "expected a list of parameter paths, e.g. [attrition.stalemate_threshold]")
            return []
        if not isinstance(raw, dict):
            self.problem(("parameters",), f"expected 'default', a list of parameter paths or a mapping path: prior, "
                                          f"got {raw!r:.60}")
            return []
        out = []
        for path, value in raw.items():
            where = ("parameters", path)
            info = known.get(str(path))
            if info is None:
                self.problem(where, f"unknown parameter{_suggest(path, known)} (`ceasefire-sim explain "
                                    f"--parameters` lists them; actor settings are actors.<actor>.<part>.<key>)")
                continue
            if value == "default" or value is None:
                param = info.default
                if not param.is_random:
                    self.problem(where, f"its default is the fixed value {param}: give a prior, e.g. "
                                        f"{{uniform: [low, high]}}")
                    continue
            else:
                param, err = distributions.parse(value, info.bounds)
                if err:
                    self.problem(where, err)
                    continue
                if not param.is_random:
                    self.problem(where, f"a prior is a distribution such as {{uniform: [low, high]}}, got the fixed "
                                        f"value {param}")
                    continue
            if param.kind == "choice":
                self.problem(where, "a 'choice' prior cannot be inferred continuously: give {uniform: [low, high]}")
                continue
            out.append(Prior(info.path, param, info.bounds, info.kind, info.unit))
        return out

    # targets ---------------------------------------------------------------------------------
    def build_targets(self, raw: Any) -> tuple[list[Target], dict[str, Scenario]]:
        if not isinstance(raw, dict) or not raw:
            self.problem(("targets",), "expected a mapping of targets (name: {scenario, statistic, observed, sd, "
                                       "source})")
            return [], {}
        targets, scenarios = [], {}
        for key, spec in raw.items():
            path = ("targets", key)
            if not isinstance(spec, dict):
                self.problem(path, f"expected a target mapping (scenario, statistic, observed, sd, ...), got "
                                   f"{spec!r:.60}")
                continue
            for k in spec:
                if k not in TARGET_KEYS:
                    self.problem(path + (k,), f"unknown target key{_suggest(k, TARGET_KEYS)}; expected one of: "
                                              f"{', '.join(TARGET_KEYS)}")
            t = self.build_target(str(key), spec, path, scenarios)
            if t is not None:
                targets.append(t)
        return targets, scenarios

    def scenario(self, name: Any, path: tuple, cache: dict[str, Scenario]) -> str | None:
        if not isinstance(name, str) or not name:
            self.problem(path, f"expected a scenario name (refusal, history/freeze_312w) or a .yaml path, got "
                               f"{name!r:.60}")
            return None
        if name in cache:
            return name
        tried = resolve_scenario_path(name, self.path)
        found = next((p for p in tried if p.is_file()), None)
        if found is None:
            self.problem(path, f"no scenario file {name!r}; looked for " + ", ".join(str(p) for p in tried))
            return None
        try:
            cache[name] = load_scenario(found)
        except InputError as exc:
            for p in exc.problems:
                self.problems.append(p)
            return None
        return name

    def build_target(self, key: str, spec: dict, path: tuple, cache: dict[str, Scenario]) -> Target | None:
        ok = True
        scen = self.scenario(spec.get("scenario"), path + ("scenario",), cache)
        ok &= scen is not None
        stat = spec.get("statistic")
        if stat not in STATISTICS:
            self.problem(path + ("statistic",), f"unknown statistic {stat!r:.60}{_suggest(stat, STATISTICS)}; "
                                                f"expected one of: {', '.join(STATISTICS)}")
            return None
        required, optional, _ = STATISTICS[stat]
        for k in required:
            if k not in spec:
                self.problem(path, f"the statistic {stat} needs '{k}'")
                ok = False
        for k in ("weeks", "week", "actor", "windows"):
            if k in spec and k not in required + optional:
                self.problem(path + (k,), f"the statistic {stat} takes no '{k}'")
                ok = False
        horizon = spec.get("horizon_weeks")
        if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, int)
                                    or not 1 <= horizon <= 1040):
            self.problem(path + ("horizon_weeks",), f"expected a whole number of weeks between 1 and 1040, got "
                                                    f"{horizon!r:.60}")
            ok, horizon = False, None
        weeks_run = horizon or (cache[scen].horizon_weeks if scen else 1040)
        options: dict[str, Any] = {}
        if "weeks" in spec and stat == "territory_gain":
            w = spec["weeks"]
            if not (isinstance(w, list) and len(w) == 2 and all(isinstance(x, int) and not isinstance(x, bool)
                                                                 for x in w) and 0 <= w[0] < w[1] <= weeks_run):
                self.problem(path + ("weeks",), f"expected [from, to] weeks with 0 <= from < to <= {weeks_run} "
                                                f"(the simulated horizon), got {w!r:.60}")
                ok = False
            else:
                options["weeks"] = (w[0], w[1])
        if "week" in spec and stat in ("territory_at", "acceptance"):
            w = spec["week"]
            if isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= weeks_run:
                self.problem(path + ("week",), f"expected a week between 0 and {weeks_run}, got {w!r:.60}")
                ok = False
            else:
                options["week"] = w
        if "actor" in spec and stat == "acceptance":
            a = spec["actor"]
            if a not in ACTORS:
                self.problem(path + ("actor",), f"expected one of {', '.join(ACTORS)}, got {a!r:.60}"
                                                f"{_suggest(a, ACTORS)}")
                ok = False
            else:
                options["actor"] = a
        if "windows" in spec and stat == "hazard_difference":
            w = spec["windows"]
            good = (isinstance(w, list) and len(w) == 2 and all(
                isinstance(x, list) and len(x) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in x)
                and 0 <= x[0] < x[1] for x in w))
            if not good:
                self.problem(path + ("windows",), f"expected two age windows in weeks, e.g. [[0, 52], [52, 156]], "
                                                  f"got {w!r:.60}")
                ok = False
            else:
                options["windows"] = (tuple(w[0]), tuple(w[1]))
        observed, sd, band = self.observation(spec, path)
        if observed is None and band is None:
            ok = False
        source = spec.get("source")
        if not isinstance(source, str) or not source.strip():
            self.problem(path + ("source",), "every target cites its source (text: document and quote)")
            ok = False
        claim = spec.get("claim", key)
        unit = spec.get("unit", "")
        for k, v in (("claim", claim), ("unit", unit)):
            if not isinstance(v, str):
                self.problem(path + (k,), f"expected text, got {v!r:.60}")
                ok = False
        if not ok:
            return None
        return Target(key, scen, stat, options, observed, sd, band, source, claim, unit, horizon)

    def observation(self, spec: dict, path: tuple) -> tuple[float | None, float, tuple[float, float] | None]:
        has_obs, has_band = "observed" in spec, "band" in spec
        if has_obs == has_band:
            self.problem(path, "give either 'observed' with 'sd', or a 'band: [low, high]'")
            return None, 0.0, None
        sd = spec.get("sd")
        if sd is not None and (_number(sd) is None or not 0 < sd < math.inf):
            self.problem(path + ("sd",), f"expected a positive standard deviation, got {sd!r:.60}")
            return None, 0.0, None
        if has_obs:
            v = _number(spec["observed"])
            if v is None or not math.isfinite(v):
                self.problem(path + ("observed",), f"expected a number, got {spec['observed']!r:.60}")
                return None, 0.0, None
            if sd is None:
                self.problem(path, "an 'observed' value needs its uncertainty 'sd' (one standard deviation)")
                return None, 0.0, None
            return v, float(sd), None
        b = spec["band"]
        if not (isinstance(b, list) and len(b) == 2 and all(x is None or _number(x) is not None for x in b)):
            self.problem(path + ("band",), f"expected [low, high] (null for an open end), got {b!r:.60}")
            return None, 0.0, None
        lo = -math.inf if b[0] is None else float(b[0])
        hi = math.inf if b[1] is None else float(b[1])
        if not lo < hi:
            self.problem(path + ("band",), f"expected low < high, got {b!r:.60}")
            return None, 0.0, None
        if sd is None:
            if math.isinf(hi - lo):
                self.problem(path, "an open band needs 'sd': how fast the distance grows outside it")
                return None, 0.0, None
            sd = (hi - lo) / 4.0
        return None, float(sd), (lo, hi)
