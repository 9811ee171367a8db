"""The information structure of a scenario: ``information: private`` (default) or ``complete``.

With private information (Fearon 1995) each belligerent knows its own resolve ``e`` but
only the spread of the other's, decisions carry a weekly political shock, and each side
plans with a biased view of the war (optimism, reload fear) that it corrects by learning.

``information: complete`` switches all of that off, so every actor's believed parameters are
the true drawn ones:

* private resolve: ``e = 0`` and its spread ``resolve_sd = 0`` (nothing left to integrate);
* weekly shock: ``ceasefire.weekly_noise_sd = 0`` (accept, extend and break are deterministic
  given the state, and the durability an actor forecasts integrates no shock either);
* belief biases: ``optimism = 0`` (the believed multiplier on Russia's relative power is 1,
  the truth), ``reload_fear = 1`` (each side believes the other rebuilds at its true rate)
  and ``learning = 0`` (a correct belief is not moved by noisy battlefield news).

The other drawn parameters (the war's coefficients, weights, term values) are already known
to every actor in the model, so nothing else changes. The switch is applied to the draws,
not to the scenario, so the drawn values of everything else are those of ``private``
(common random numbers between the two).
"""

from __future__ import annotations

import numpy as np

PRIVATE = "private"
COMPLETE = "complete"
CHOICES = (PRIVATE, COMPLETE)
#: Belief parameters and their correct values under complete information.
CORRECT_BELIEFS = {"optimism": 0.0, "reload_fear": 1.0, "learning": 0.0}
NOISE_KEY = "ceasefire.weekly_noise_sd"


def is_complete(scenario) -> bool:
    return getattr(scenario, "information", PRIVATE) == COMPLETE


def apply_to_parameters(scenario, params: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Drawn scenario parameters, with no weekly shock under complete information (in place)."""
    if is_complete(scenario) and NOISE_KEY in params:
        params[NOISE_KEY] = np.zeros(n)
    return params


def apply_to_actor(scenario, draws: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """An actor's draws, with no private resolve and correct beliefs under complete information."""
    if not is_complete(scenario):
        return draws
    draws["resolve"] = np.zeros(n)
    draws["resolve_sd"] = np.zeros(n)
    for key, value in CORRECT_BELIEFS.items():
        if f"beliefs.{key}" in draws:
            draws[f"beliefs.{key}"] = np.full(n, value)
    return draws
