"""Views of a model restricted to some replications, so decisions cost O(k), not O(R).

In most weeks only a few replications hold a ceasefire; weighing "keep or break" for all R
would waste most of the week's time. :func:`view` returns a shallow copy of the model (and
of its actors) whose per-replication arrays are sliced to ``idx``. Every random number is
keyed by replication id (:mod:`sim.engine.rng`), so a decision computed on a view is bit for bit
the decision computed on the full model. Static slices (drawn parameters) are cached for as
long as the subset does not change; the war state is sliced afresh each call.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np

from sim.engine.rng import KeyedStreams
from sim.engine.war import WarParams, WarState

#: Model attributes that change during a run (sliced on every call).
DYNAMIC = ("us_aid", "eu_aid", "us_pause_until", "threat_executed", "current_start",
           "eu_pause_until", "threat_executed_europe", "threat_cost_done", "threat_cut_done", "proposal_line")


def _cut(x, idx, n):
    if isinstance(x, np.ndarray) and x.ndim >= 1 and x.shape[0] == n:
        return x[idx]
    return x


class ViewCache:
    """Cache of the static parts of a few views, keyed by their subsets.

    A decision on replications ``mask`` may reuse a cached subset that contains them all
    and is at most twice as large (results outside ``mask`` are discarded): ceasefires
    start only in offer weeks, so the set of replications holding one mostly shrinks and
    its view is rebuilt rarely.
    """

    SIZE = 3

    def __init__(self):
        self.entries: list[tuple[np.ndarray, dict]] = []

    def find(self, mask: np.ndarray, count: int) -> np.ndarray | None:
        """The smallest cached subset covering ``mask`` (``count`` members) and <= 2x it."""
        best = None
        for idx, _ in self.entries:
            if idx.size <= 2 * count and (best is None or idx.size < best.size) \
                    and np.count_nonzero(mask[idx]) == count:
                best = idx
        return best

    def static(self, model, idx: np.ndarray) -> dict:
        for cached, static in self.entries:
            if cached is idx or (cached.size == idx.size and np.array_equal(cached, idx)):
                return static
        static = _static_part(model, idx)
        self.entries.append((idx, static))
        if len(self.entries) > self.SIZE:
            self.entries.pop(0)
        return static


def _static_part(model, idx) -> dict:
    n = model.n
    cut = lambda x: _cut(x, idx, n)  # noqa: E731
    out = {
        "p": {k: cut(v) for k, v in model.p.items()},
        "wp": WarParams(**{f.name: cut(getattr(model.wp, f.name)) for f in fields(WarParams)}),
        "streams": KeyedStreams(model.streams.seed, model.replication_ids[idx]),
        "replication_ids": model.replication_ids[idx],
        "n": len(idx),
        "_forecast_cache": {},
        "_weights_cache": {},
        "_view_of": (model, idx),       # static per-replication weights are sliced from the model's
    }
    for name in ("delta", "horizon_plan", "s0", "s1", "rebuild_ru", "rebuild_ua", "threat_draw",
                 "threat_draw_europe"):
        out[name] = cut(getattr(model, name))
    out["actor_arrays"] = {
        key: {k: (cut(v) if not isinstance(v, dict) else {kk: cut(vv) for kk, vv in v.items()})
              for k, v in vars(actor).items() if isinstance(v, (np.ndarray, dict)) and k != "profile"}
        for key, actor in model.actors.items()
    }
    return out


def view(model, idx: np.ndarray, cache: ViewCache):
    """A model restricted to replications ``idx`` (with its actors), for evaluating decisions."""
    static = cache.static(model, idx)
    v = copy.copy(model)
    for name, value in static.items():
        if name != "actor_arrays":
            setattr(v, name, value)
    n = model.n
    v.war = WarState(**{f.name: _cut(getattr(model.war, f.name), idx, n) for f in fields(WarState)})
    for name in DYNAMIC:
        setattr(v, name, _cut(getattr(model, name), idx, n))
    if getattr(model, "beliefs", None) is not None:     # learning (sim.engine.beliefs): sliced afresh
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
