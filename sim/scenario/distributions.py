"""Uncertain parameters: a number, or a distribution drawn once per replication.

YAML forms (a student writes one of these wherever a parameter is expected)::

    exchange_ratio: 2.25                          # a fixed number
    exchange_ratio: {uniform: [2.0, 2.5]}         # low, high
    exchange_ratio: {triangular: [2.0, 2.25, 2.5]}  # low, mode, high
    exchange_ratio: {normal: [2.25, 0.15]}        # mean, sd (clipped to the parameter's bounds)
    exchange_ratio: {lognormal: [2.25, 0.1]}      # median, sigma of log
    exchange_ratio: {choice: [2.0, 2.25, 2.5]}    # equally likely values

Draws use inverse CDFs of keyed uniforms (:mod:`sim.engine.rng`), so replication ``i`` draws the
same value whatever ``R`` is, and common random numbers come for free across scenarios.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("uniform", "triangular", "normal", "lognormal", "choice")
_ARITY = {"uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2}


@dataclass(frozen=True)
class Param:
    """A parameter value: ``kind == 'fixed'`` or a named distribution with its arguments."""

    kind: str
    args: tuple[float, ...]

    @property
    def is_random(self) -> bool:
        return self.kind != "fixed"

    def sample(self, u: np.ndarray, bounds: tuple[float, float] = (-math.inf, math.inf)) -> np.ndarray:
        """Map uniforms ``u`` in (0, 1) to draws (clipped to ``bounds``)."""
        a = self.args
        if self.kind == "fixed":
            x = np.full(u.shape, a[0], dtype=np.float64)
        elif self.kind == "uniform":
            x = a[0] + (a[1] - a[0]) * u
        elif self.kind == "triangular":
            low, mode, high = a
            span = high - low
            if span <= 0:
                x = np.full(u.shape, mode)
            else:
                c = (mode - low) / span
                left = low + np.sqrt(u * span * (mode - low))
                right = high - np.sqrt((1.0 - u) * span * (high - mode))
                x = np.where(u < c, left, right)
        elif self.kind == "normal":
            from scipy.special import ndtri     # here, not at the top: `validate` never draws

            x = a[0] + a[1] * ndtri(u)
        elif self.kind == "lognormal":
            from scipy.special import ndtri

            x = a[0] * np.exp(a[1] * ndtri(u))
        elif self.kind == "choice":
            idx = np.minimum((u * len(a)).astype(np.int64), len(a) - 1)
            x = np.asarray(a, dtype=np.float64)[idx]
        else:  # pragma: no cover - guarded by parse()
            raise ValueError(self.kind)
        return np.clip(x, bounds[0], bounds[1])

    def support(self) -> tuple[float, float]:
        """The range a student should read: ends of the distribution (2.5/97.5% for unbounded)."""
        a = self.args
        if self.kind == "fixed":
            return (a[0], a[0])
        if self.kind in ("uniform",):
            return (a[0], a[1])
        if self.kind == "triangular":
            return (a[0], a[2])
        if self.kind == "normal":
            return (a[0] - 1.96 * a[1], a[0] + 1.96 * a[1])
        if self.kind == "lognormal":
            return (a[0] * math.exp(-1.96 * a[1]), a[0] * math.exp(1.96 * a[1]))
        return (min(a), max(a))

    def central(self) -> float:
        """A central value (mode of a triangular, median otherwise)."""
        a = self.args
        if self.kind in ("fixed", "normal", "lognormal"):
            return a[0]
        if self.kind == "uniform":
            return 0.5 * (a[0] + a[1])
        if self.kind == "triangular":
            return a[1]
        return float(np.median(a))

    def to_yaml(self) -> Any:
        if self.kind == "fixed":
            v = self.args[0]
            return int(v) if float(v).is_integer() and abs(v) < 2**53 else v
        return {self.kind: [int(v) if float(v).is_integer() else v for v in self.args]}

    def __str__(self) -> str:
        if self.kind == "fixed":
            return f"{self.args[0]:g}"
        return f"{self.kind}(" + ", ".join(f"{v:g}" for v in self.args) + ")"


def fixed(value: float) -> Param:
    return Param("fixed", (float(value),))


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def parse(value: Any, bounds: tuple[float, float]) -> tuple[Param | None, str | None]:
    """Parse a YAML value into a :class:`Param`; return ``(None, message)`` if invalid."""
    lo, hi = bounds
    rng = f"between {lo:g} and {hi:g}"
    n = _number(value)
    if n is not None:
        if not lo <= n <= hi:
            return None, f"expected a number {rng}, got {value!r}"
        return fixed(n), None
    if not isinstance(value, dict):
        return None, (
            f"expected a number {rng} or a distribution such as {{uniform: [low, high]}}, got {value!r}"
        )
    if len(value) != 1:
        return None, f"a distribution has exactly one of {', '.join(KINDS)}; got keys {sorted(value)}"
    kind, args = next(iter(value.items()))
    if kind not in KINDS:
        import difflib

        close = difflib.get_close_matches(str(kind), KINDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return None, f"unknown distribution {kind!r}{hint}; expected one of {', '.join(KINDS)}"
    if not isinstance(args, list) or not args:
        return None, f"{kind} takes a list of numbers, e.g. {{{kind}: [...]}}"
    nums = [_number(a) for a in args]
    if any(a is None for a in nums):
        return None, f"{kind} arguments must be finite numbers, got {args!r}"
    if kind in _ARITY and len(nums) != _ARITY[kind]:
        names = {"uniform": "[low, high]", "triangular": "[low, mode, high]",
                 "normal": "[mean, sd]", "lognormal": "[median, sigma]"}[kind]
        return None, f"{kind} takes {_ARITY[kind]} numbers {names}, got {len(nums)}"
    if kind == "uniform" and not nums[0] < nums[1]:
        return None, f"uniform needs low < high, got {nums}"
    if kind == "triangular" and not nums[0] <= nums[1] <= nums[2] or kind == "triangular" and nums[0] == nums[2]:
        return None, f"triangular needs low <= mode <= high with low < high, got {nums}"
    if kind in ("normal", "lognormal") and nums[1] <= 0:
        return None, f"{kind} needs a positive spread, got {nums[1]}"
    if kind == "lognormal" and nums[0] <= 0:
        return None, f"lognormal needs a positive median, got {nums[0]}"
    p = Param(kind, tuple(nums))
    if kind in ("uniform", "triangular", "choice"):
        s_lo, s_hi = p.support()
        if s_lo < lo or s_hi > hi:
            return None, f"{kind} range {s_lo:g}..{s_hi:g} goes outside the allowed {rng}"
    elif not lo <= p.central() <= hi:
        return None, f"{kind} centre {p.central():g} is outside the allowed {rng}"
    return p, None
