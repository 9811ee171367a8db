"""The app's sliders: what each one changes in a scenario, and its server-side bounds.

Every assumption control starts *unset*: each scenario then keeps its own value (the
30-day truce has the 2025 US aid policy, the freeze the 2024 one). Once a student moves a
control, the same change is applied to every selected scenario through
:meth:`sim.scenario.schema.Scenario.with_changes`, so the result is validated exactly like a
scenario file and can be downloaded as a resolved YAML that ``ceasefire-sim run``
reproduces.

Mappings (shown in the page next to each control):

* casualty exchange ratio -> ``attrition.exchange_ratio`` = ``{triangular: [x-0.25, x, x+0.25]}``:
  the slider moves the *centre* of a range as wide as the sourced default (CSIS 2026:
  2.0-2.5, mode 2.25), so the uncertainty stays.
* US aid, European aid -> ``united_states.military_aid_bn_per_year`` and
  ``europe.military_aid_bn_per_year`` multiplied by the factor: "Europe doubles its aid"
  is x2 on whatever range the scenario has.
* sanctions strength -> ``sanctions.production_cut`` = a fixed share of Russia's artillery
  production lost to sanctions.
* reload during a ceasefire -> ``ceasefire.russia_rebuild_share`` and
  ``ceasefire.ukraine_rebuild_share`` multiplied by the factor: how fast both sides
  recruit while the guns are silent (0 = nobody rebuilds, 2 = twice the scenario's pace).
* monitoring -> ``offers[i].terms.monitoring`` for every offer.
* replications, seed -> the run's ``replications`` and ``seed`` (one seed for every
  selected scenario: common random numbers).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sim.scenario.distributions import Param
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import MONITORING
from sim.scenario.schema import MAX_REPLICATIONS, Scenario
from sim.app import words

LABEL = "<app settings>"

#: Half-width of the exchange-ratio range around the slider's centre (the sourced default
#: is triangular 2.0-2.25-2.5: half-width 0.25; REFERENCES.md, CSIS Jan 2026).
EXCHANGE_HALF_WIDTH = 0.25

#: Server-side bounds of the run size (the page's slider has the same ones).
REPLICATIONS_RANGE = (100, 20_000)
DEFAULT_REPLICATIONS = 2000
DEFAULT_SEED = 20240524
MAX_SCENARIOS = 3


@dataclass(frozen=True)
class Control:
    """One control of the page.

    Attributes
    ----------
    key : id used by the page and the JSON API
    label : what the page shows
    mapping : how the value changes the scenario (shown under the control)
    kind : 'slider' (a number) or 'choice' (one of ``choices``)
    lo, hi, step : slider range (server-side bounds)
    start : where the slider sits before a student moves it
    unit : unit shown after the value ('x' for a factor, '%' for a share shown as percent)
    targets : scenario parameters it changes
    """

    key: str
    label: str
    mapping: str
    kind: str = "slider"
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.1
    start: float | str = 1.0
    unit: str = ""
    choices: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


CONTROLS: tuple[Control, ...] = (
    Control("exchange_ratio", "Casualty exchange ratio",
            "centre of a triangular range ±0.25 for attrition.exchange_ratio "
            "(Russian casualties per Ukrainian casualty; sourced default 2.0–2.5)",
            lo=1.0, hi=4.0, step=0.05, start=2.25, unit=":1",
            targets=("attrition.exchange_ratio",)),
    Control("us_aid", "US military aid",
            "multiplies each scenario's united_states.military_aid_bn_per_year "
            "(x2 = twice the scenario's aid, 0 = none)",
            lo=0.0, hi=4.0, step=0.1, start=1.0, unit="x",
            targets=("united_states.military_aid_bn_per_year",)),
    Control("europe_aid", "European military aid",
            "multiplies each scenario's europe.military_aid_bn_per_year "
            "(x2 = Europe doubles its aid, 0 = none)",
            lo=0.0, hi=4.0, step=0.1, start=1.0, unit="x",
            targets=("europe.military_aid_bn_per_year",)),
    Control("sanctions", "Sanctions strength",
            "sets sanctions.production_cut: the fixed share of Russia's artillery "
            "production lost to sanctions (default: a range of 0–20%)",
            lo=0.0, hi=0.9, step=0.05, start=0.1, unit="%",
            targets=("sanctions.production_cut",)),
    Control("reload", "Reload during a ceasefire",
            "multiplies ceasefire.russia_rebuild_share and ceasefire.ukraine_rebuild_share: "
            "how fast both sides recruit while the guns are silent (0 = nobody rebuilds, "
            "2 = twice the scenario's pace, i.e. half the reload time)",
            lo=0.0, hi=2.0, step=0.1, start=1.0, unit="x",
            targets=("ceasefire.russia_rebuild_share", "ceasefire.ukraine_rebuild_share")),
    Control("monitoring", "Monitoring of the ceasefire",
            "sets offers[i].terms.monitoring for every offer of every scenario",
            kind="choice", choices=MONITORING, start="international",
            targets=("offers[*].terms.monitoring",)),
)
BY_KEY = {c.key: c for c in CONTROLS}


@dataclass(frozen=True)
class Settings:
    """Validated settings of one run: the controls a student moved, the run size, the seed."""

    controls: dict[str, Any]
    replications: int
    seed: int


def describe() -> dict[str, Any]:
    """The controls as plain data for the page (``GET /api/controls``)."""
    return {
        "controls": [asdict(c) for c in CONTROLS],
        "replications": {"lo": REPLICATIONS_RANGE[0], "hi": REPLICATIONS_RANGE[1], "step": 100,
                         "start": DEFAULT_REPLICATIONS},
        "seed": {"lo": 0, "hi": 2**63 - 1, "start": DEFAULT_SEED},
        "max_scenarios": MAX_SCENARIOS,
    }


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x and abs(x) != float("inf")


def _short(value: Any) -> str:
    """``value`` for a message, cut to 40 characters (a 5,000-digit seed is not echoed whole)."""
    text = repr(value) if not isinstance(value, int) or isinstance(value, bool) or abs(value) < 10**30 \
        else f"a number of {len(str(abs(value))):,} digits"
    return text if len(text) <= 40 else text[:37] + "..."


def _whole(value: Any, key: str, lo: int, hi: int, problems: list[Problem]) -> int | None:
    expected = f"expected a whole number between {lo:,} and {hi:,}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isdigit():   # the page sends the seed as typed (> 2**53)
        digits = value.strip()
        if len(digits) > len(str(hi)):                          # never int() thousands of digits
            problems.append(Problem(LABEL, None, key, f"{expected}, got a number of {len(digits):,} digits"))
            return None
        value = int(digits)
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(Problem(LABEL, None, key, f"{expected}, got {_short(value)}"))
        return None
    if not lo <= value <= hi:
        problems.append(Problem(LABEL, None, key, f"{expected}, got {_short(value) if abs(value) >= 10**30 else f'{value:,}'}"))
        return None
    return value


def parse_settings(raw: Any) -> Settings:
    """Validate the page's request: ``{"controls": {...}, "replications": n, "seed": s}``.

    Raises
    ------
    InputError
        Naming every bad key and what was expected (the page shows the messages).
    """
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise InputError.single(LABEL, None, "", "expected a JSON object of settings")
    controls_raw = raw.get("controls") or {}
    controls: dict[str, Any] = {}
    if not isinstance(controls_raw, dict):
        problems.append(Problem(LABEL, None, "controls", "expected a mapping of control -> value"))
        controls_raw = {}
    for key, value in controls_raw.items():
        c = BY_KEY.get(key)
        if c is None:
            problems.append(Problem(LABEL, None, f"controls.{key}",
                                    f"unknown control; expected one of: {', '.join(BY_KEY)}"))
            continue
        if value is None:          # unset: each scenario keeps its own value
            continue
        if c.kind == "choice":
            if value not in c.choices:
                problems.append(Problem(LABEL, None, f"controls.{key}",
                                        f"expected one of {', '.join(c.choices)}, got {value!r:.40}"))
                continue
        elif not _is_number(value) or not c.lo <= value <= c.hi:
            problems.append(Problem(LABEL, None, f"controls.{key}",
                                    f"expected a number between {c.lo:g} and {c.hi:g}, got {value!r:.40}"))
            continue
        controls[key] = value if c.kind == "choice" else float(value)
    reps = _whole(raw.get("replications", DEFAULT_REPLICATIONS), "replications",
                  REPLICATIONS_RANGE[0], min(REPLICATIONS_RANGE[1], MAX_REPLICATIONS), problems)
    seed = _whole(raw.get("seed", DEFAULT_SEED), "seed", 0, 2**63 - 1, problems)
    if problems:
        raise InputError(problems)
    return Settings(controls, reps, seed)


def scale(p: Param, factor: float) -> Any:
    """``p`` multiplied by ``factor``, as YAML data (a zero factor gives the fixed value 0)."""
    if factor == 0:
        return 0
    a = p.args
    if p.kind == "normal":
        args = [a[0] * factor, a[1] * factor]
    elif p.kind == "lognormal":
        args = [a[0] * factor, a[1]]
    else:
        args = [v * factor for v in a]
    return Param(p.kind, tuple(float(v) for v in args)).to_yaml()


def changes_for(scenario: Scenario, settings: Settings) -> dict[str, Any]:
    """The dotted-path changes that ``settings`` make to ``scenario``."""
    ch: dict[str, Any] = {"replications": settings.replications, "seed": settings.seed}
    for key, value in settings.controls.items():
        if key == "exchange_ratio":
            lo, hi = (max(0.1, value - EXCHANGE_HALF_WIDTH), min(10.0, value + EXCHANGE_HALF_WIDTH))
            ch["attrition.exchange_ratio"] = {"triangular": [round(lo, 6), round(value, 6), round(hi, 6)]}
        elif key == "sanctions":
            ch["sanctions.production_cut"] = round(value, 6)
        elif key == "monitoring":
            for i in range(len(scenario.offers)):
                ch[f"offers[{i}].terms.monitoring"] = value
        else:
            for target in BY_KEY[key].targets:
                ch[target] = scale(scenario.params[target], value)
    return ch


def apply(scenario: Scenario, settings: Settings) -> Scenario:
    """``scenario`` with the settings applied, validated like a scenario file.

    Raises
    ------
    InputError
        If a change takes a parameter outside its allowed range (e.g. a pasted scenario
        whose rebuild share, doubled, exceeds 2); the message names the scenario.
    """
    return scenario.with_changes(changes_for(scenario, settings), f"<app settings for {scenario.name}>")


#: How the page shows each controlled parameter: (label, unit, shown in percent).
SHOWN = {
    "attrition.exchange_ratio": ("Casualty exchange ratio", "Russian per Ukrainian casualty", False),
    "united_states.military_aid_bn_per_year": ("US military aid", "EUR bn a year", False),
    "europe.military_aid_bn_per_year": ("European military aid", "EUR bn a year", False),
    "sanctions.production_cut": ("Russian production lost to sanctions", "", True),
    "ceasefire.russia_rebuild_share": ("Russian recruitment in a ceasefire", "of the wartime pace", True),
    "ceasefire.ukraine_rebuild_share": ("Ukrainian mobilization in a ceasefire", "of the wartime pace", True),
}


def _shown(scenario: Scenario, target: str) -> str:
    _label, unit, percent = SHOWN[target]
    return words.describe_param(scenario.params[target], unit, percent)


def _monitoring(scenario: Scenario) -> str:
    return ", ".join(sorted({o.terms.monitoring for o in scenario.offers})) or "no offer"


def assumptions(scenario: Scenario) -> dict[str, dict[str, str]]:
    """The values a run used for every controlled parameter, in words (shown under the results).

    ``parameter -> {"label": what it is, "value": the value in words with its unit}``.
    """
    out = {}
    for c in CONTROLS:
        for target in c.targets:
            if target.startswith("offers"):
                out[target.replace("[*]", "")] = {"label": "Monitoring of the ceasefire",
                                                 "value": _monitoring(scenario)}
            else:
                out[target] = {"label": SHOWN[target][0], "value": _shown(scenario, target)}
    return out


def current(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Where each control stands for ``scenario`` when a student has not moved it.

    ``key -> {"value": the slider position (in the control's own units), "text": the
    scenario's parameter(s) in words}``. The exchange ratio and sanctions sliders set a
    value, so they stand at the scenario's central value (mode of a triangular, middle of
    a uniform); the multipliers stand at ×1 (the scenario's own aid or pace).
    """
    out: dict[str, dict[str, Any]] = {}
    for c in CONTROLS:
        if c.key == "monitoring":
            monitor = {o.terms.monitoring for o in scenario.offers}
            value = monitor.pop() if len(monitor) == 1 else None
            out[c.key] = {"value": value, "text": _monitoring(scenario)}
            continue
        texts = [_shown(scenario, t) for t in c.targets]
        if c.key in ("exchange_ratio", "sanctions"):
            value = round(scenario.params[c.targets[0]].central(), 6)
        else:
            value = 1.0
        out[c.key] = {"value": value, "text": "; ".join(texts)}
    return out
