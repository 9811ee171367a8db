"""Scenario files: YAML -> validated, fully resolved :class:`Scenario`.

A scenario names its offers, picks presets for the war and the patrons' policies, and may
override any parameter, preference weight or red line. Everything not written falls back to
the sourced defaults (``sim/scenario/data/parameters.yaml``, ``sim/scenario/data/profiles/*.yaml``). Errors
name the file, the line, the key and what was expected, with a "did you mean" for misspelt
keys; the CLI turns them into exit code 2.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.scenario import catalog, distributions
from sim.scenario.distributions import Param
from sim.scenario.errors import InputError, Problem
from sim.scenario import quantities
from sim.scenario.offers import ACTORS, PRESETS as OFFER_PRESETS, TERM_CHOICES, TERM_FIELDS, Offer, Terms
from sim.scenario.posterior import Posterior, load_posterior
from sim.scenario.yamlio import Located, dotted, load, loads

TOP_KEYS = {
    "name": "short name; results go to results/<name>/",
    "title": "one-line title",
    "description": "what the scenario shows",
    "replications": "number of Monte Carlo replications",
    "seed": "root random seed",
    "horizon_weeks": "weeks simulated",
    "information": "private (default: private resolve, weekly shocks, biased beliefs) or complete",
    "offers": "list of offers",
    "actors": "changes to actor preferences, red lines and beliefs",
    "design": "settings of `ceasefire-sim design` for this scenario's first offer (vary, objectives, ...); "
              "ignored by run (docs/design.md)",
    "priors": "a calibrated posterior.parquet to draw the parameters from (sim/scenario/posterior.py)",
}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_REPLICATIONS = 10_000_000
MAX_HORIZON = 1040
INFORMATION = ("private", "complete")      # sim.engine.information.CHOICES
PROFILE_PARTS = ("weights", "term_values", "beliefs")


@dataclass(frozen=True)
class RedLine:
    """A hard veto: the actor refuses any offer whose terms match ``when``."""

    name: str
    enabled: bool
    when: dict[str, list[Any]]
    description: str
    source: str


@dataclass(frozen=True)
class ActorProfile:
    """An actor's resolved preferences (values only; sources stay in the profile files)."""

    actor: str
    territory_sign: int
    weights: dict[str, Param]
    term_values: dict[str, Param]
    red_lines: dict[str, RedLine]
    beliefs: dict[str, Param]
    resolve_sd: Param


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: every default filled in. Treat as read-only."""

    name: str
    title: str
    description: str
    replications: int
    seed: int
    horizon_weeks: int
    presets: dict[str, str]
    params: dict[str, Param]
    offers: tuple[Offer, ...]
    actors: dict[str, ActorProfile]
    priors: Posterior | None = None
    source_file: str | None = field(default=None, compare=False)
    information: str = "private"      # sim.engine.information: private | complete

    def actor_params(self) -> dict[str, Param]:
        """Every actor setting drawn per replication, keyed by its catalog path:
        ``actors.<actor>.<part>.<key>`` (weights, term values, beliefs) and
        ``actors.<actor>.resolve_sd``, in actor and profile order (the ``param.*`` columns of
        ``outcomes.*`` follow this order; :mod:`sim.engine.outcomes`)."""
        out: dict[str, Param] = {}
        for actor, prof in self.actors.items():
            for part in PROFILE_PARTS:
                for key, param in getattr(prof, part).items():
                    out[f"actors.{actor}.{part}.{key}"] = param
            out[f"actors.{actor}.resolve_sd"] = prof.resolve_sd
        return out

    # -- serialisation ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario as plain data (what ``scenario.yaml`` in results holds)."""
        out: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "replications": self.replications,
            "seed": self.seed,
            "horizon_weeks": self.horizon_weeks,
            "information": self.information,
        }
        if self.priors is not None:
            out["priors"] = self.priors.to_yaml()
        for section in catalog.sections():
            sec: dict[str, Any] = {}
            if section in self.presets:
                sec["preset"] = self.presets[section]
            for path, p in self.params.items():
                s, name = path.split(".", 1)
                if s == section:
                    sec[name] = p.to_yaml()
            out[section] = sec
        out["offers"] = [o.to_yaml() for o in self.offers]
        out["actors"] = {
            a: {
                "weights": {k: v.to_yaml() for k, v in prof.weights.items()},
                "term_values": {k: v.to_yaml() for k, v in prof.term_values.items()},
                "red_lines": {k: r.enabled for k, r in prof.red_lines.items()},
                "beliefs": {k: v.to_yaml() for k, v in prof.beliefs.items()},
                "resolve_sd": prof.resolve_sd.to_yaml(),
            }
            for a, prof in self.actors.items()
        }
        return out

    def to_yaml(self) -> str:
        header = (
            "# Fully resolved scenario written by ceasefire-sim: every default is filled in.\n"
            "# Run it again with `ceasefire-sim run <this file>` for the same result.\n"
        )
        return header + yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    def hash(self) -> str:
        """SHA-256 of the resolved scenario (canonical JSON)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()

    def with_changes(self, changes: dict[str, Any], label: str = "<changes>") -> "Scenario":
        """A new scenario with dotted-path changes, validated like a file.

        ``s.with_changes({'attrition.exchange_ratio': 3.0, 'replications': 500,
        'offers[0].terms.monitoring': 'international'})``
        """
        data = self.to_dict()
        for path, value in changes.items():
            set_path(data, path, value, label)
        return from_data(data, label)


# -- paths ---------------------------------------------------------------------------
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``'offers[0].terms.line'`` -> ``['offers', 0, 'terms', 'line']``."""
    parts: list[str | int] = []
    for m in _PART.finditer(path):
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return parts


def set_path(data: dict, path: str, value: Any, label: str = "<changes>") -> None:
    """Set a dotted path in nested plain data, creating mappings as needed."""
    parts = split_path(path)
    if not parts:
        raise InputError.single(label, None, path, "empty parameter path")
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise InputError.single(label, None, path, f"no list item [{part}] here")
            node = node[part]
        else:
            if not isinstance(node, dict):
                raise InputError.single(label, None, path, f"'{part}' is not inside a mapping")
            if part not in node or node[part] is None:
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise InputError.single(label, None, path, f"no list item [{last}] here")
        node[last] = value
    else:
        if not isinstance(node, dict):
            raise InputError.single(label, None, path, f"'{last}' is not inside a mapping")
        node[last] = value


# -- loading ---------------------------------------------------------------------------
def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and resolve a scenario file."""
    loc = load(path)
    _refuse_sweep_file(loc)
    scenario = _Builder(loc).build()
    return _with_source(scenario, str(path))


def loads_scenario(text: str, file: str = "<string>") -> Scenario:
    return _Builder(loads(text, file)).build()


def from_data(data: dict[str, Any], label: str = "<data>") -> Scenario:
    """Validate plain data (no line numbers) into a scenario."""
    return _Builder(Located(copy.deepcopy(data), {}, label)).build()


#: Keys only a sweep file has (sim/sweeps/spec.py): a file with them is not a scenario.
SWEEP_ONLY_KEYS = ("sampler", "points", "chunk_points", "second_order", "morris_levels")


def _refuse_sweep_file(loc: Located) -> None:
    """A sweep file given where a scenario is expected: say so, instead of a wall of
    "unknown key" errors."""
    data = loc.data
    if not isinstance(data, dict):
        return
    marks = [k for k in SWEEP_ONLY_KEYS if k in data]
    if marks or ("parameters" in data and isinstance(data.get("scenario"), str)):
        key = marks[0] if marks else "parameters"
        raise InputError.single(loc.file, loc.line((key,)), key,
                                "this is a sweep file: use `ceasefire-sim sweep` to run it "
                                "(`run`, `validate` and the other commands take a scenario file)")


def _with_source(s: Scenario, source: str) -> Scenario:
    object.__setattr__(s, "source_file", source)
    return s


def _suggest(key: str, options) -> str:
    close = difflib.get_close_matches(str(key), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


#: Terms that take quantities as well as names: parsed by :mod:`sim.scenario.quantities`.
QUANTITY_TERMS = {"line": quantities.parse_line, "sanctions_relief": quantities.parse_relief,
                  "conditions": quantities.parse_conditions}


class _Builder:
    """Walks the parsed YAML, collects every problem, and builds the Scenario."""

    def __init__(self, loc: Located):
        self.loc = loc
        self.problems: list[Problem] = []

    # problems -------------------------------------------------------------------
    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.loc.file, self.loc.line(path), dotted(path), message))

    def unknown_keys(self, mapping: dict, allowed, path: tuple, what: str) -> None:
        for key in mapping:
            if key not in allowed:
                listing = ", ".join(sorted(map(str, allowed)))
                if len(listing) > 300:
                    listing = listing[:300] + ", ..."
                self.problem(path + (key,), f"unknown {what}{_suggest(key, allowed)}; expected one of: {listing}")

    def mapping(self, value: Any, path: tuple, what: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping of {what}, got {type(value).__name__} {value!r:.60}")
            return {}
        return value

    def integer(self, value: Any, path: tuple, lo: int, hi: int, default: int) -> int:
        if value is None:
            return default
        if not _is_int(value):
            self.problem(path, f"expected a whole number between {lo} and {hi}, got {value!r:.60}")
            return default
        if not lo <= value <= hi:
            self.problem(path, f"expected a whole number between {lo} and {hi}, got {value}")
            return default
        return value

    def text(self, value: Any, path: tuple, default: str) -> str:
        if value is None:
            return default
        if not isinstance(value, str):
            self.problem(path, f"expected text, got {type(value).__name__} {value!r:.60}")
            return default
        return value

    def choice(self, value: Any, path: tuple, options, default: str) -> str:
        if value is None:
            return default
        if not isinstance(value, str) or value not in options:
            self.problem(path, f"expected one of {', '.join(options)}, got {value!r:.60}{_suggest(value, options)}")
            return default
        return value

    def param(self, value: Any, path: tuple, bounds=(-1e12, 1e12)) -> Param | None:
        p, err = distributions.parse(value, bounds)
        if err:
            self.problem(path, err)
        return p

    # build ------------------------------------------------------------------------
    def build(self) -> Scenario:
        data = self.loc.data
        if not isinstance(data, dict):
            self.problem((), f"a scenario is a mapping of keys (name, offers, ...), got {type(data).__name__}")
            raise InputError(self.problems)
        sections = catalog.sections()
        self.unknown_keys(data, list(TOP_KEYS) + sections, (), "key")

        file_stem = Path(self.loc.file).stem if self.loc.file and not self.loc.file.startswith("<") else "scenario"
        name = self.text(data.get("name"), ("name",), file_stem)
        if not NAME_RE.match(name) or name in (".", ".."):
            self.problem(("name",), f"expected a short name of letters, digits, '_', '-', '.' (no '/' or '..'), got {name!r:.60}")
            name = "scenario"
        title = self.text(data.get("title"), ("title",), name)
        description = self.text(data.get("description"), ("description",), "")
        replications = self.integer(data.get("replications"), ("replications",), 1, MAX_REPLICATIONS, 2000)
        seed = self.integer(data.get("seed"), ("seed",), 0, 2**63 - 1, 20240524)
        horizon = self.integer(data.get("horizon_weeks"), ("horizon_weeks",), 1, MAX_HORIZON, 156)
        information = self.choice(data.get("information"), ("information",), INFORMATION, "private")

        if "design" in data and not isinstance(data["design"], dict):
            self.problem(("design",), "expected a mapping of design settings (vary, objectives, constraints, "
                                      f"replications, ...), got {type(data['design']).__name__} {data['design']!r:.60}")
        presets, params = self.build_params(data, sections)
        offers = self.build_offers(data.get("offers"), horizon)
        actors = self.build_actors(data.get("actors"))
        priors = self.build_priors(data.get("priors")) if data.get("priors") is not None else None
        if self.problems:
            raise InputError(self.problems)
        return Scenario(name=name, title=title, description=description, replications=replications,
                        seed=seed, horizon_weeks=horizon, presets=presets, params=params,
                        offers=tuple(offers), actors=actors, priors=priors, source_file=self.loc.file,
                        information=information)

    def build_priors(self, raw: Any) -> Posterior | None:
        """``priors: <posterior.parquet>`` or ``{file: ..., sha256: ...}`` (what a resolved scenario writes)."""
        sha = None
        if isinstance(raw, dict):
            self.unknown_keys(raw, ("file", "sha256"), ("priors",), "priors key")
            sha = raw.get("sha256")
            raw = raw.get("file")
            if sha is not None and not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)):
                self.problem(("priors", "sha256"), f"expected a SHA-256 (64 hex digits), got {sha!r:.60}")
                return None
        if not isinstance(raw, str) or not raw:
            self.problem(("priors",), f"expected the path of a posterior.parquet written by `ceasefire-sim "
                                      f"calibrate`, got {raw!r:.60}")
            return None
        try:
            return load_posterior(raw, self.loc.file, where=self.loc.file, line=self.loc.line(("priors",)),
                                  sha256=sha)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None

    def build_params(self, data: dict, sections: list[str]) -> tuple[dict[str, str], dict[str, Param]]:
        table = catalog.parameter_table()
        all_presets = catalog.presets()
        chosen: dict[str, str] = {}
        params: dict[str, Param] = {}
        for section in sections:
            sec = self.mapping(data.get(section), (section,), f"{section} parameters")
            names = [i.name for i in table.values() if i.section == section]
            allowed = names + (["preset"] if section in all_presets else [])
            self.unknown_keys(sec, allowed, (section,), f"{section} parameter")
            values: dict[str, Any] = {}
            if section in all_presets:
                preset = sec.get("preset", catalog.DEFAULT_PRESETS.get(section))
                if not isinstance(preset, str) or preset not in all_presets[section]:
                    self.problem((section, "preset"), f"unknown preset {preset!r}{_suggest(preset, all_presets[section])}; "
                                 f"expected one of: {', '.join(all_presets[section])}")
                else:
                    chosen[section] = preset
                    values.update(all_presets[section][preset].get("values") or {})
            values.update({k: v for k, v in sec.items() if k != "preset"})
            for name in names:
                info = table[f"{section}.{name}"]
                if name in values:
                    p = self.param(values[name], (section, name), info.bounds)
                    if p is not None:
                        params[info.path] = p
                else:
                    params[info.path] = info.default
        return chosen, params

    def build_offers(self, raw: Any, horizon: int) -> list[Offer]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(("offers",), f"expected a list of offers (each starting with '- preset: ...'), got {type(raw).__name__}")
            return []
        offers = []
        allowed = ("name", "preset", "proposer", "week", "repeat_every_weeks", "parties", "terms", "source",
                   "threats", "unilateral")
        for i, item in enumerate(raw):
            path = ("offers", i)
            if not isinstance(item, dict):
                self.problem(path, f"expected an offer mapping (preset, week, terms, ...), got {item!r:.60}")
                continue
            self.unknown_keys(item, allowed, path, "offer key")
            preset = item.get("preset", "custom")
            if not isinstance(preset, str) or preset not in OFFER_PRESETS:
                self.problem(path + ("preset",), f"unknown offer preset {preset!r}{_suggest(preset, OFFER_PRESETS)}; "
                             f"expected one of: {', '.join(OFFER_PRESETS)}")
                continue
            base = OFFER_PRESETS[preset]
            proposer = item.get("proposer", base["proposer"])
            if proposer not in ACTORS:
                self.problem(path + ("proposer",), f"expected one of {', '.join(ACTORS)}, got {proposer!r:.60}{_suggest(proposer, ACTORS)}")
                proposer = base["proposer"]
            week = self.integer(item.get("week"), path + ("week",), 0, horizon - 1, 0)
            repeat = self.integer(item.get("repeat_every_weeks"), path + ("repeat_every_weeks",), 0, MAX_HORIZON, 0)
            parties = item.get("parties", ["russia", "ukraine"])
            if not isinstance(parties, list) or not parties or any(p not in ACTORS for p in parties) \
                    or len(set(parties)) != len(parties):
                wrong = [x for x in parties if x not in ACTORS] if isinstance(parties, list) else []
                hint = _suggest(wrong[0], ACTORS) if wrong else ""
                self.problem(path + ("parties",), f"expected a list of distinct actors from {', '.join(ACTORS)}, "
                                                  f"got {parties!r:.80}{hint}")
                parties = ["russia", "ukraine"]
            terms = self.build_terms(item.get("terms"), path + ("terms",), base["terms"])
            name = self.text(item.get("name"), path + ("name",), preset)
            source = self.text(item.get("source"), path + ("source",), base["source"])
            threats = None
            if "threats" in item:
                threats, err = quantities.parse_threats(item["threats"])
                if err:
                    self.problem(path + ("threats",), err)
            unilateral = self.unilateral(item, path, parties, terms)
            offers.append(Offer(name=name, proposer=proposer, week=week, terms=terms, parties=tuple(parties),
                                repeat_every_weeks=repeat, preset=preset, source=source, threats=threats,
                                unilateral=unilateral))
        return offers

    def unilateral(self, item: dict, path: tuple, parties: list, terms: Terms) -> bool:
        """``unilateral: true``: one declaring belligerent (``parties: [russia]``), a full truce."""
        value = item.get("unilateral", False)
        if not isinstance(value, bool):
            self.problem(path + ("unilateral",), f"expected true or false, got {value!r:.60}")
            return False
        if not value:
            return False
        if len(parties) != 1 or parties[0] not in ("russia", "ukraine"):
            self.problem(path + ("parties",), "a unilateral truce has one declaring party, russia or ukraine "
                                              f"(e.g. parties: [russia]), got {parties!r:.80}")
            return False
        if terms.scope != "full":
            self.problem(path + ("terms", "scope"), "a unilateral truce holds fire on the whole front: expected "
                                                    f"scope: full, got {terms.scope!r}")
            return False
        return True

    def build_terms(self, raw: Any, path: tuple, base: Terms) -> Terms:
        raw = self.mapping(raw, path, "terms")
        self.unknown_keys(raw, TERM_FIELDS, path, "term")
        values = {}
        for key, value in raw.items():
            if key not in TERM_FIELDS:
                continue
            p = path + (key,)
            parser = QUANTITY_TERMS.get(key)
            if parser is not None:      # line, sanctions_relief, conditions (sim.scenario.quantities)
                value, err = parser(value)
                if err:
                    self.problem(p, err + (_suggest(raw[key], TERM_CHOICES.get(key, ())) if isinstance(raw[key], str) else ""))
                    continue
            elif key in TERM_CHOICES:
                if value not in TERM_CHOICES[key]:
                    self.problem(p, f"expected one of {', '.join(TERM_CHOICES[key])}, got {value!r:.60}{_suggest(value, TERM_CHOICES[key])}")
                    continue
            elif key in ("extension", "nato_renunciation", "prisoner_exchange"):
                if not isinstance(value, bool):
                    self.problem(p, f"expected true or false, got {value!r:.60}")
                    continue
            elif key == "duration_days":
                if value is not None and (not _is_int(value) or not 1 <= value <= 36500):
                    self.problem(p, f"expected a whole number of days between 1 and 36500, or null for indefinite, got {value!r:.60}")
                    continue
            elif key == "duration_hours":
                if value is not None and (not _is_int(value) or not 1 <= value <= 876000):
                    self.problem(p, f"expected a whole number of hours between 1 and 876000, or null, got {value!r:.60}")
                    continue
            elif key == "army_cap":
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                          or not 0 <= value <= 5000):
                    self.problem(p, f"expected a cap in thousand soldiers between 0 and 5000, or null for none, got {value!r:.60}")
                    continue
                value = None if value is None else float(value)
            values[key] = value
        # one duration: written in days or in hours (the one written replaces the preset's other)
        if raw.get("duration_days") is not None and raw.get("duration_hours") is not None:
            self.problem(path + ("duration_hours",), "give the duration once: duration_days or duration_hours, "
                                                     "not both (set the other to null or leave it out)")
            values.pop("duration_hours", None)
        if values.get("duration_hours") is not None:
            values["duration_days"] = None
        elif values.get("duration_days") is not None:
            values["duration_hours"] = None
        terms = Terms(**{**base.__dict__, **values})
        if terms.line == "proposer_optimal" and terms.scope != "full":
            self.problem(path + ("line",) if "line" in raw else path,
                         "line: proposer_optimal needs scope: full (the line of a strikes-only truce is the front)")
        return terms

    def build_actors(self, raw: Any) -> dict[str, ActorProfile]:
        raw = self.mapping(raw, ("actors",), "actors")
        self.unknown_keys(raw, ACTORS, ("actors",), "actor")
        out = {}
        for actor in ACTORS:
            prof = catalog.profile(actor)
            path = ("actors", actor)
            changes = self.mapping(raw.get(actor), path, f"{actor} preferences")
            self.unknown_keys(changes, PROFILE_PARTS + ("red_lines", "resolve_sd"), path, "actor setting")
            parts: dict[str, dict[str, Param]] = {}
            for part in PROFILE_PARTS:
                defaults = prof.get(part) or {}
                given = self.mapping(changes.get(part), path + (part,), part)
                self.unknown_keys(given, defaults, path + (part,), part[:-1] if part != "beliefs" else "belief")
                resolved = {}
                for key, entry in defaults.items():
                    if key in given:
                        p = self.param(given[key], path + (part, key))
                        if p is not None:
                            resolved[key] = p
                    else:
                        resolved[key] = catalog._param(entry["value"], where=f"{actor}.{part}.{key}")
                parts[part] = resolved
            lines_given = self.mapping(changes.get("red_lines"), path + ("red_lines",), "red lines")
            self.unknown_keys(lines_given, prof.get("red_lines") or {}, path + ("red_lines",), "red line")
            red_lines = {}
            for key, entry in (prof.get("red_lines") or {}).items():
                enabled = entry["enabled"]
                if key in lines_given:
                    v = lines_given[key]
                    if isinstance(v, dict):
                        self.unknown_keys(v, ("enabled",), path + ("red_lines", key), "red line setting")
                        v = v.get("enabled", enabled)
                    if not isinstance(v, bool):
                        self.problem(path + ("red_lines", key), f"expected true (veto on) or false (veto off), got {v!r:.60}")
                    else:
                        enabled = v
                red_lines[key] = RedLine(key, enabled, entry["when"], entry["description"], entry["source"])
            resolve = prof["resolve_sd"]["value"]
            if "resolve_sd" in changes:
                p = self.param(changes["resolve_sd"], path + ("resolve_sd",), (0, 1e6))
                resolve_sd = p if p is not None else catalog._param(resolve)
            else:
                resolve_sd = catalog._param(resolve)
            out[actor] = ActorProfile(actor=actor, territory_sign=int(prof["territory_sign"]),
                                      weights=parts["weights"], term_values=parts["term_values"],
                                      red_lines=red_lines, beliefs=parts["beliefs"], resolve_sd=resolve_sd)
        return out
