"""``ceasefire-sim why SCENARIO``: why did an offer fail, and what would change that?

Prints, per actor, the parts of its accept decision at the offer's first week (median and
5-95% range across replications, :func:`sim.output.summary.margins`), draws a waterfall
figure per actor (:mod:`sim.figures.why`) and, for each actor who refuses in most
replications, the smallest single change found with the simulator that makes it accept in at
least half of them (:mod:`sim.analysis.flip`). Writes ``results/<name>-why/`` atomically.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from sim.commands.common import positive_int, seed_int
from sim.output.labels import LABELS, part_label
from sim.scenario.errors import InputError
from sim.scenario.offers import ACTORS

CLI = "<command line>"


def register(sub) -> None:
    p = sub.add_parser("why", help="why did an offer fail? the parts of each actor's decision, and what would flip it",
                       description="Decompose each actor's accept decision on an offer at its first week "
                                   "(V_deal - V_war by territory, own casualties, economic cost, security, "
                                   "term values; private resolve; the week's shock), draw a waterfall per actor, "
                                   "and for actors who refuse in most replications find the smallest single "
                                   "change of a term or an assumption that makes them accept in half. Writes "
                                   "results/<name>-why/ (why.json, figures/, scenario.yaml).")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/freeze.yaml")
    p.add_argument("--actor", default=None, help="only this actor (russia, ukraine, united_states, europe)")
    p.add_argument("--offer", type=int, default=0, metavar="I", help="index of the offer (default 0, the first)")
    p.add_argument("--replications", "-n", type=positive_int, default=1000,
                   help="replications for the decomposition (default 1,000)")
    p.add_argument("--flip-replications", type=positive_int, default=300, metavar="N",
                   help="replications per candidate change in the flip search (default 300)")
    p.add_argument("--no-flip", action="store_true", help="skip the what-would-flip-it search")
    p.add_argument("--seed", type=seed_int, default=None, help="root random seed (default: the scenario's)")
    p.add_argument("--out", default=None, help="results folder (default: results/<scenario name>-why)")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.set_defaults(handler=main)


def check_actor(name: str | None) -> list[str]:
    if name is None:
        return list(ACTORS)
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key in ACTORS:
        return [key]
    close = difflib.get_close_matches(key, ACTORS, n=1, cutoff=0.5)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise InputError.single(CLI, None, "--actor", f"unknown actor {name!r}; expected one of {', '.join(ACTORS)}{hint}")


def check_offer(index: int, scenario) -> int:
    k = len(scenario.offers)
    if not 0 <= index < k:
        hint = f" (did you mean --offer {min(max(index, 0), k - 1)}?)" if k else ""
        raise InputError.single(CLI, None, "--offer", f"offer index {index} out of range: the scenario has "
                                f"{k} offer{'s' if k != 1 else ''} (0 to {k - 1}){hint}")
    return index


def format_table(row: dict, actor: str) -> str:
    """One actor's decomposition in plain words: part, median, 5-95% range (pp-years)."""
    lines = [f"{LABELS.get(actor, actor)}: accepts in {row['total_positive_share']:.1%} where no red line vetoes "
             f"(parts of V_deal - V_war - resolve - shock, pp-years)",
             f"  {'part':<40} {'median':>9}  {'5-95% range':>20}"]
    for name, q in list(row["parts"].items()) + [("= margin V_deal - V_war", row["margin"]),
                                                 ("= total (accepts if > 0)", row["total"])]:
        label = name if name.startswith("=") else part_label(name)
        lines.append(f"  {label:<40} {q['q50']:>9.3f}  {q['q05']:>9.3f} to {q['q95']:<9.3f}")
    b = row.get("expected_breakdown_52")
    if b:
        lines.append(f"  {'expected breakdown within 52 weeks':<40} {b['q50']:>9.1%}  {b['q05']:>9.1%} to {b['q95']:<9.1%}")
    once = row.get("would_break_at_once")
    if once:
        lines.append(f"  refuses whatever the total in {once:.1%}: it would break the deal at once")
    return "\n".join(lines)


def format_flip(actor: str, found: dict) -> str:
    lines = [f"What would flip {LABELS.get(actor, actor)} (accepts {found['baseline']:.0%} of "
             f"{found['replications']} replications now; {found['tried']} single changes tried):"]
    for kind in ("term", "term_value", "red_line", "assumption"):
        f = found.get(kind)
        if f is not None:
            lines.append(f"  {f['kind']:<11} {f['change']}  -> accepts {f['accept_share']:.0%}")
    if found.get("vetoed_by"):
        lines.append(f"  (no assumption tried: red line {', '.join(found['vetoed_by'])} vetoes whatever the valuation)")
    if len(lines) == 1:
        lines.append("  no single change tried makes it accept in half of the replications")
    return "\n".join(lines)


def quantity_vetoes_everywhere(out, scenario, actor: str, index: int) -> list[str]:
    """Red lines written in quantities (sim.engine.lines) that vetoed the offer in every
    replication it was put to (they veto per replication, by how much a line cedes)."""
    from sim.engine.lines import is_quantity
    from sim.output.summary import vetoes, vetoes_by_offer

    by_offer = vetoes_by_offer(out)
    shares = by_offer[index]["vetoes"][actor] if by_offer else vetoes(out)[actor]
    return [name for name, rl in scenario.actors[actor].red_lines.items()
            if rl.enabled and is_quantity(rl.when) and shares.get(name) == 1.0]


def decompose(scenario, actors: list[str], index: int, replications: int = 1000, flip: bool = True,
              flip_replications: int = 300) -> tuple[dict, list[str], dict]:
    """The decomposition (and flips) of ``why``: ``(report, texts, margins row)``; the report is
    what ``why.json`` holds, the texts what the command prints per actor."""
    from sim.analysis.flip import find_flips              # the model: imported on use
    from sim.engine.actors.base import vetoing_red_lines
    from sim.engine.simulate import simulate
    from sim.output.summary import margins

    offer = scenario.offers[index]
    out = simulate(scenario, replications=replications, horizon_weeks=offer.week + 1,
                   record_trajectories=False)
    row = margins(out)[index]
    report = {"scenario": scenario.name, "offer": index, "week": row["week"], "seed": scenario.seed,
              "replications": replications, "margins": {}, "vetoed_by": {}, "flips": {}}
    texts = []
    for a in actors:
        part = row["actors"].get(a)
        if not part:
            continue
        crossed = vetoing_red_lines(scenario.actors[a], offer)
        crossed += quantity_vetoes_everywhere(out, scenario, a, index)
        report["margins"][a], report["vetoed_by"][a] = part, crossed
        text = format_table(part, a)
        if crossed:
            text += f"\n  vetoed by red line{'s' if len(crossed) > 1 else ''}: {', '.join(crossed)} (refuses whatever the margin)"
        texts.append(text)
        accepts = 0.0 if crossed else part["total_positive_share"]
        if flip and accepts < 0.5:
            found = find_flips(scenario, a, index, replications=flip_replications)
            flat = {k: (v.to_json() if hasattr(v, "to_json") else v) for k, v in found.items()}
            flat["replications"] = flip_replications
            report["flips"][a] = flat
            texts.append(format_flip(a, flat))
    return report, texts, row


def main(args) -> int:
    from sim.figures.why import waterfall                  # figures: imported on use
    from sim.output import results
    from sim.scenario.schema import load_scenario

    actors = check_actor(args.actor)
    scenario = load_scenario(args.scenario)
    index = check_offer(args.offer, scenario)
    target = Path(args.out) if args.out else Path("results") / f"{scenario.name}-why"
    results.check_target(target, args.force)
    if args.seed is not None:
        scenario = scenario.with_changes({"seed": args.seed})
    report, texts, row = decompose(scenario, actors, index, args.replications, not args.no_flip,
                                   args.flip_replications)
    print(f"Why: {scenario.title}, offer {index} at week {row['week']} ({row['replications']} replications)\n")
    print("\n\n".join(texts))
    with results.staged_folder(target, args.force) as tmp:
        (tmp / "scenario.yaml").write_text(scenario.to_yaml(), encoding="utf-8")
        (tmp / "why.json").write_bytes(results.json_bytes(report))
        figs = tmp / "figures"
        figs.mkdir()
        for a in report["margins"]:
            waterfall(report["margins"][a], a, f"offer {index} at week {row['week']}", figs / f"why_{a}.png")
        results.write_manifest(tmp, {"kind": "why", "scenario": scenario.name, "seed": scenario.seed,
                                     "replications": scenario.replications, "offer": index,
                                     "command": results.command_line()})
    print(f"\nwrote {target}/ (why.json, figures/why_<actor>.png)")
    return 0

