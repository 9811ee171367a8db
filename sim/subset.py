"""Views of a model restricted to some replications, so decisions cost O(k), not O(R).

In most weeks only a few replications hold a ceasefire; weighing "keep or break" for all R
would waste most of the week's time. :func:`view` returns a shallow copy of the model (and
of its actors) whose per-replication arrays are sliced to ``idx``. Every random number is
keyed by replication id (:mod:`sim.rng`), so a decision computed on a view is bit for bit
the decision computed on the full model. Static slices (drawn parameters) are cached for as
long as the subset does not change; the war state is sliced afresh each call.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np

from .rng import KeyedStreams
from .war import WarParams, WarState

#: Model attributes that change during a run (sliced on every call).
DYNAMIC = ("us_aid", "eu_aid", "us_pause_until", "threat_executed", "current_start")


def _cut(x, idx, n):
    if isinstance(x, np.ndarray) and x.ndim >= 1 and x.shape[0] == n:
        return x[idx]
    return x


class ViewCache:
    """Cache of the static part of a view, keyed by the subset."""

    def __init__(self):
        self.key: bytes | None = None
        self.static: dict | None = None


def _static_part(model, idx) -> dict:
    n = model.n
    cut = lambda x: _cut(x, idx, n)  # noqa: E731
    out = {
        "p": {k: cut(v) for k, v in model.p.items()},
        "wp": WarParams(**{f.name: cut(getattr(model.wp, f.name)) for f in fields(WarParams)}),
        "streams": KeyedStreams(model.streams.seed, model.replication_ids[idx]),
        "replication_ids": model.replication_ids[idx],
        "_survival_cache": {},
        "n": len(idx),
    }
    for name in ("delta", "horizon_plan", "decay", "s0", "s1", "rebuild_ru", "rebuild_ua", "threat_draw"):
        out[name] = cut(getattr(model, name))
    out["actor_arrays"] = {
        key: {k: (cut(v) if not isinstance(v, dict) else {kk: cut(vv) for kk, vv in v.items()})
              for k, v in vars(actor).items() if isinstance(v, (np.ndarray, dict)) and k != "profile"}
        for key, actor in model.actors.items()
    }
    return out


def view(model, idx: np.ndarray, cache: ViewCache):
    """A model restricted to replications ``idx`` (with its actors), for evaluating decisions."""
    key = idx.tobytes()
    if cache.key != key:
        cache.key, cache.static = key, _static_part(model, idx)
    static = cache.static
    v = copy.copy(model)
    for name, value in static.items():
        if name != "actor_arrays":
            setattr(v, name, value)
    n = model.n
    v.war = WarState(**{f.name: _cut(getattr(model.war, f.name), idx, n) for f in fields(WarState)})
    for name in DYNAMIC:
        setattr(v, name, _cut(getattr(model, name), idx, n))
    if getattr(model, "beliefs", None) is not None:     # learning (sim.beliefs): sliced afresh
        v.beliefs = model.beliefs.subset(idx)
    v.actors = {}
    for key_, actor in model.actors.items():
        a = copy.copy(actor)
        for k, value in static["actor_arrays"][key_].items():
            setattr(a, k, value)
        a.model = v
        v.actors[key_] = a
    v.russia, v.ukraine = v.actors["russia"], v.actors["ukraine"]
    v.united_states, v.europe = v.actors["united_states"], v.actors["europe"]
    return v
