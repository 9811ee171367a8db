"""The debrief of a finished game: the player's path against the model alone.

* **Same world**: the model's own run of the game's replication (the same draws: the player's
  world as the model's actors play it), via :func:`sim.engine.simulate.simulate` with
  ``first_replication``: exactly ``run``'s row for that replication.
* **Ensemble**: ``ensemble`` replications of the same scenario and seed, played by the model
  alone: the distribution of outcome classes, the territory fan, each seat's utility.
* **Utility**: each seat's realized utility (the actor's own weights, as ``run`` records it)
  against the model actor's in the same world, and its rank in the ensemble.
* **Choices**: every decision of the seats, with what the model's actor would have chosen at
  that point of the player's world and the margin that explains it
  (:meth:`sim.play.world.Decider.margin`); the ones that differ are listed first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from sim.engine.model import OUTCOME_CLASSES
from sim.engine.simulate import simulate
from sim.output.labels import LABELS, part_label
from sim.play.game import Game
from sim.play.world import Decision, outcome_row, replay
from sim.scenario.errors import InputError

DEFAULT_ENSEMBLE = 500
MAX_ENSEMBLE = 20_000
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

VERBS = {
    "accept": ("accepted offer {o}", "refused offer {o}"),
    "extend": ("extended the truce of offer {o}", "let the truce of offer {o} lapse"),
    "break": ("broke the ceasefire of offer {o}", "kept the ceasefire of offer {o}"),
    "sanctions_threat": ("executed the sanctions threat", "did not execute the sanctions threat"),
    "aid_pause": ("paused aid to Kyiv", "did not pause aid to Kyiv"),
}


def choice_text(kind: str, value, offer) -> str:
    if kind == "aid":
        return f"set aid to EUR {value:g}bn/yr"
    if kind == "sanctions":
        return "imposed the threatened sanctions" if value else "lifted the threatened sanctions"
    yes, no = VERBS[kind]
    return (yes if value else no).format(o=offer)


def margin_text(d: Decision) -> str:
    """The model actor's rule at this decision, as a sum (its sign is the model's choice)."""
    if d.kind == "aid":
        return f"the model's policy level was EUR {d.model:g}bn/yr"
    if d.kind == "sanctions":
        return ("the model's United States imposes them only after Russia alone refuses its offer, with the "
                "threat's credibility")
    if d.kind == "aid_pause":
        return "the model's United States pauses aid whenever Ukraine alone refuses its offer (the 2025 policy)"
    if not d.margin:
        return d.note
    if d.note.startswith("vetoed"):
        return f"{d.note}: the model's actor refuses whatever the margin"
    if d.kind == "sanctions_threat":
        return (f"executes iff its credibility draw is below the threat's credibility "
                f"({-d.margin['draw']:.3f} vs {d.margin['credibility']:.3f})")
    total = sum(d.margin.values())
    parts = " ".join(f"{'+' if v >= 0 else '-'} {abs(v):.3f} ({part_label(k)})" for k, v in d.margin.items())
    rule = {"accept": "accepts if > 0", "extend": "extends if > 0", "break": "breaks if > 0"}[d.kind]
    return f"{parts.lstrip('+ ')} = {total:+.3f} ({rule})"


def _quantiles(x: np.ndarray) -> dict[str, float]:
    return {f"q{int(round(q * 100)):02d}": float(np.quantile(x, q)) for q in QUANTILES}


def debrief(game: Game, file: str = "<game>", ensemble: int = DEFAULT_ENSEMBLE) -> dict[str, Any]:
    """Everything the debrief shows for one finished game (JSON-able)."""
    if not 1 <= ensemble <= MAX_ENSEMBLE:
        raise InputError.single("<command line>", None, "--ensemble", f"expected 1 to {MAX_ENSEMBLE:,} replications")
    played = replay(game, file)
    if not played.finished:
        raise InputError.single(file, None, "weeks_played", f"the game stopped at week {game.weeks_played} of "
                                f"{game.horizon}: finish it (or `play --autopilot`) before the debrief")
    scenario = replace(game.scenario, seed=game.seed)
    world = simulate(scenario, replications=1, first_replication=game.replication)
    ens = simulate(scenario, replications=ensemble)
    player, alone = played.outcome(), outcome_row(world)
    classes = ens.columns["outcome"]
    seats = {}
    for seat in game.seats:
        u = ens.columns[f"utility_{seat}"]
        mine = player[f"utility_{seat}"]
        seats[seat] = {"player": mine, "model_same_world": alone[f"utility_{seat}"],
                       "ensemble": _quantiles(u), "player_rank": float(np.mean(u < mine)),
                       "model_rank": float(np.mean(u < alone[f"utility_{seat}"]))}
    paths = ens.territory_path.astype(np.float64)
    decisions = [d for d in played.decisions if d.note != "own proposal"]
    differing = [d for d in decisions if d.differs]
    return {
        "scenario": game.scenario.name, "title": game.scenario.title, "seed": game.seed,
        "replication": game.replication, "seats": list(game.seats), "horizon": game.horizon,
        "moves": len(game.moves), "proposals": len(game.proposals()),
        "player": player, "model_same_world": alone,
        "ensemble": {"replications": ensemble,
                     "outcome_probabilities": {c: float(np.mean(classes == c)) for c in OUTCOME_CLASSES},
                     "territory_end": _quantiles(ens.columns["territory_end_pct"]),
                     "player_territory_rank": float(np.mean(ens.columns["territory_end_pct"] < player["territory_end_pct"]))},
        "paths": {"player": [round(float(x), 4) for x in played.model.territory_path[:, 0]],
                  "model_same_world": [round(float(x), 4) for x in world.territory_path[:, 0]],
                  "ensemble": {k: [round(float(x), 4) for x in np.quantile(paths, q, axis=1)]
                               for k, q in zip(("q05", "q25", "q50", "q75", "q95"), QUANTILES)}},
        "utility": seats,
        "decisions": {"total": len(decisions), "differing": len(differing),
                      "by_kind": {k: sum(d.kind == k for d in decisions) for k in dict.fromkeys(d.kind for d in decisions)}},
        "differences": [dict(d.to_json(), player_text=choice_text(d.kind, d.player, d.offer),
                             model_text=choice_text(d.kind, d.model, d.offer), why=margin_text(d))
                        for d in differing],
    }


def format_debrief(report: dict[str, Any], limit: int = 12) -> str:
    """The debrief in plain words (what ``ceasefire-sim debrief`` prints)."""
    p, a, e = report["player"], report["model_same_world"], report["ensemble"]
    seats = ", ".join(LABELS.get(s, s) for s in report["seats"])
    lines = [f"Debrief: {report['title']}; you played {seats} (seed {report['seed']}, replication "
             f"{report['replication']}, {report['moves']} moves)",
             f"  your game:        {LABELS.get(p['outcome'], p['outcome'])}; Russia holds {p['territory_end_pct']:.2f}% at "
             f"the end; casualties Russia {p['casualties_russia_k']:.0f}k, Ukraine {p['casualties_ukraine_k']:.0f}k",
             f"  the model alone:  {LABELS.get(a['outcome'], a['outcome'])}; Russia holds {a['territory_end_pct']:.2f}% "
             f"(same world, same draws)",
             f"  the ensemble ({e['replications']:,} worlds): "
             + ", ".join(f"{LABELS.get(c, c)} {v:.0%}" for c, v in e["outcome_probabilities"].items() if v > 0)
             + f"; territory at the end {e['territory_end']['q05']:.2f}-{e['territory_end']['q95']:.2f}% (5-95%)"]
    for seat, u in report["utility"].items():
        lines.append(f"  utility of {LABELS.get(seat, seat)} (its own weights, pp-years): yours {u['player']:.3f}, the "
                     f"model's {u['model_same_world']:.3f}; yours beats {u['player_rank']:.0%} of the ensemble")
    d = report["decisions"]
    kinds = {"break": "keep or break", "sanctions_threat": "sanctions threat", "aid_pause": "aid pause"}
    lines.append(f"  your decisions: {d['total']} ({', '.join(f'{kinds.get(k, k)} {v}' for k, v in d['by_kind'].items())}); "
                 f"{d['differing']} differ from what the model's actor would have done")
    for x in report["differences"][:limit]:
        lines.append(f"    week {x['week']}: you {x['player_text']}; the model's {LABELS.get(x['actor'], x['actor'])} "
                     f"would have {x['model_text']}" + (f": {x['why']}" if x["why"] else ""))
    if len(report["differences"]) > limit:
        lines.append(f"    ... and {len(report['differences']) - limit} more (report.html lists them all)")
    return "\n".join(lines)
