"""``analyze``: the bargaining range over time and the offer game's equilibria, as a report.

:func:`analyze_scenario` runs the two analyses of :mod:`sim.analysis.game` on a scenario and returns
a plain-data report (what ``analysis.json`` holds); :func:`format_analysis` prints it;
:func:`write_analysis` writes the results folder atomically (``analysis.json`` and the
figures), like ``run``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from sim.analysis import game
from sim.output import results
from sim.engine.simulate import resolve_run
from sim.scenario.errors import InputError
from sim.output.labels import LABELS
from sim.scenario.schema import Scenario

REPORT_WEEKS = (0, 13, 26, 52, 78, 104, 130, 156, 208, 260)


@dataclass
class Analysis:
    report: dict
    path: game.BargainingPath


def _clean(x):
    """Plain JSON: NaN -> None, numpy scalars -> float/int, rounded to 6 significant digits."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if not math.isfinite(float(x)) else float(f"{float(x):.6g}")
    return x


def _quantiles(x: np.ndarray) -> dict:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {}
    q = np.quantile(x.astype(np.float64), [0.05, 0.25, 0.5, 0.75, 0.95])
    return dict(zip(("q05", "q25", "q50", "q75", "q95"), q))


def analyze_scenario(scenario: Scenario, *, offer_index: int = 0, violate_after: int = 52,
                     replications: int | None = None, seed: int | None = None,
                     horizon_weeks: int | None = None,
                     progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Bargaining range over time, belief gap, and the offer game of one scenario offer.

    ``progress(done, total)`` is called after each of the two stages (the bargaining path,
    then the offer game, which plays the simulator once per strategy profile).
    """
    scenario = resolve_run(scenario, replications, seed, horizon_weeks)
    if not scenario.offers:
        raise InputError.single(scenario.source_file or "<scenario>", None, "offers",
                                "analyze needs at least one offer (e.g. '- preset: freeze')")
    if not 0 <= offer_index < len(scenario.offers):
        raise InputError.single("<command line>", None, "--offer",
                                f"expected an offer index from 0 to {len(scenario.offers) - 1}, got {offer_index}")
    timings = {}
    t0 = time.perf_counter()
    bp = game.bargaining_path(scenario, offer_index)
    timings["bargaining_path"] = time.perf_counter() - t0
    if progress is not None:
        progress(1, 2)
    t1 = time.perf_counter()
    played = game.game_payoffs(scenario, offer_index, violate_after=violate_after)
    first = bp.outcomes.columns["ceasefire_start_week"] == bp.offer.week
    solved = game.solve_offer_game(played, simulated_agreed=first)
    timings["offer_game"] = time.perf_counter() - t1
    if progress is not None:
        progress(2, 2)
    wk = bp.weekly()
    gap = None
    if bp.beliefs:
        gap = bp.beliefs["russia"].astype(np.float64) - bp.beliefs["ukraine"].astype(np.float64)
    exists0, width0 = game.bargaining_range({"russia": bp.russia[0].astype(np.float64),
                                             "ukraine": bp.ukraine[0].astype(np.float64)})
    over_time = []
    for w in REPORT_WEEKS:
        if w > scenario.horizon_weeks:
            continue
        row = {"week": w, "at_war": int(wk["at_war"][w]), "range_share": wk["range_share"][w],
               "russia_reservation_median": wk["russia_median"][w],
               "ukraine_reservation_median": wk["ukraine_median"][w],
               "width_median": wk["width_median"][w], "current_line_median": wk["territory_median"][w]}
        if gap is not None:
            row["belief_gap_median"] = float(np.median(gap[w]))
            row["belief_gap_abs_mean"] = float(np.mean(np.abs(gap[w])))
        over_time.append(row)
    offer = bp.offer
    report = {
        "scenario": scenario.name, "title": scenario.title, "replications": scenario.replications,
        "seed": scenario.seed, "horizon_weeks": scenario.horizon_weeks,
        "offer": {"index": offer_index, "name": offer.name, "proposer": offer.proposer, "week": offer.week,
                  "terms": offer.terms.to_yaml()},
        "start": {"russia_reservation": _quantiles(bp.russia[0]), "ukraine_reservation": _quantiles(bp.ukraine[0]),
                  "range_share": float(np.mean(exists0)), "width": _quantiles(width0),
                  "current_line": _quantiles(bp.territory[0])},
        "over_time": over_time,
        "game": solved,
        "simulated": dict(game.simulated_frequencies(bp.outcomes), agreed_at_offer_week=float(np.mean(first))),
        "timings_s": timings,
    }
    return Analysis(_clean(report), bp)


def default_folder(scenario: Scenario, results_root: str | Path = "results") -> Path:
    return Path(results_root) / f"{scenario.name}-analysis"


def write_analysis(analysis: Analysis, target: Path, force: bool = False, figures: bool = True) -> Path:
    """Write ``analysis.json`` (and ``figures/``) into ``target``, atomically."""
    from sim.figures import game as plots_game

    title = analysis.report["title"]
    with results.staged_folder(target, force) as tmp:
        (tmp / "analysis.json").write_bytes(results.json_bytes(analysis.report))
        if figures:
            (tmp / "figures").mkdir()
            plots_game.bargaining_range_figure(analysis.path, title, tmp / "figures" / "bargaining_range.png")
            plots_game.belief_gap_figure(analysis.path.beliefs, title, tmp / "figures" / "belief_gap.png")
        r = analysis.report
        results.write_manifest(tmp, {"kind": "analysis", "scenario": r.get("scenario"), "seed": r.get("seed"),
                                     "replications": r.get("replications"), "horizon_weeks": r.get("horizon_weeks"),
                                     "command": results.command_line()})
    return target


def _f(x, fmt="{:.2f}", none="  n/a") -> str:
    return none if x is None else fmt.format(x)


def _pct(x) -> str:
    return "  n/a" if x is None else f"{100 * x:4.0f}%"


def format_analysis(report: dict) -> str:
    """The report as text a student can read next to the run summary."""
    out = []
    o = report["offer"]
    out.append(f"{report['title']}: {report['replications']:,} replications, {report['horizon_weeks']} weeks, "
               f"seed {report['seed']}")
    out.append(f"offer analysed: '{o['name']}' by {LABELS.get(o['proposer'], o['proposer'])} in week {o['week']} "
               f"(line: {o['terms']['line']})")
    s = report["start"]
    out.append("")
    out.append("Bargaining range at the start (reservation lines, % of Ukraine held by Russia)")
    out.append(f"  {'':<36}{'5%':>8}{'25%':>8}{'50%':>8}{'75%':>8}{'95%':>8}")
    for label, key in (("Russia accepts a line above", "russia_reservation"),
                       ("Ukraine accepts a line below", "ukraine_reservation"),
                       ("width of the range (pp)", "width"), ("current line", "current_line")):
        q = s[key]
        out.append(f"  {label:<36}" + "".join(f"{_f(q.get(k)):>8}" for k in ("q05", "q25", "q50", "q75", "q95")))
    out.append(f"  a bargaining range exists in {_pct(s['range_share']).strip()} of replications")
    out.append("")
    out.append("Over time (replications still at war)")
    has_gap = any("belief_gap_median" in r for r in report["over_time"])
    head = f"  {'week':>5}{'at war':>8}{'range':>8}{'Russia':>9}{'Ukraine':>9}{'width':>8}{'line':>8}"
    out.append(head + (f"{'belief gap':>12}" if has_gap else ""))
    for r in report["over_time"]:
        row = (f"  {r['week']:>5}{r['at_war']:>8}{_pct(r['range_share']):>8}{_f(r['russia_reservation_median']):>9}"
               f"{_f(r['ukraine_reservation_median']):>9}{_f(r['width_median']):>8}{_f(r['current_line_median']):>8}")
        if has_gap:
            row += f"{_f(r.get('belief_gap_median'), '{:+.3f}'):>12}"
        out.append(row)
    out.append("  (Russia/Ukraine: median reservation lines; range: share with Russia's <= Ukraine's; "
               "belief gap: Russia's minus Ukraine's believed multiplier on Russian power)")

    g = report["game"]
    sim = report["simulated"]
    w = g["worlds"]
    pro, res = LABELS[g["proposer"]], LABELS[g["responder"]]
    out.append("")
    out.append(f"Offer game, solved in each of the {report['replications']:,} worlds (replications): "
               f"{pro} proposes, {res} responds;")
    out.append(f"  both then comply or violate (a violating side breaks in week {g['violate_week']}). "
               "In each world the players know")
    out.append("  that world's payoffs (realized discounted utility, pp-years); shares are of worlds +- standard error")
    out.append(f"  {'offer':<26}{'vetoed by':<17}{'chosen':>7}{'accepted':>10}{'accept - reject':>18}"
               f"{'Russia':>9}{'Ukraine':>9}{'both':>7}")
    out.append(f"  {'':<26}{'':<17}{'':>7}{'if made':>10}{'(mean +- se)':>18}{'complies':>9}{'complies':>9}"
               f"{'comply':>7}")
    for r in g["offers"]:
        d = r["accept_minus_reject"]
        comp = r["compliance"]
        margin = f"{_f(d[0], '{:+.2f}')} +- {_f(d[1])}"
        vetoed = ", ".join(r["vetoed_by"]) or "-"
        out.append(f"  {r['offer']:<26}{vetoed:<17}{_pct(r['chosen'][0]):>7}{_pct(r['responder_accepts'][0]):>10}"
                   f"{margin:>18}{_pct(comp['russia_complies'][0]):>9}{_pct(comp['ukraine_complies'][0]):>9}"
                   f"{_pct(comp['hold_probability'][0]):>7}")
    out.append("")
    out.append("  Equilibrium paths (share of worlds):")
    for name, (share, se) in sorted(w["paths"].items(), key=lambda kv: -kv[1][0]):
        out.append(f"    {name:<52}{100 * share:6.1f}% +- {100 * se:.1f}")
    acc = sim["acceptance"]
    out.append("")
    out.append(f"  {'':<34}{'game, per world':>16}{'simulated':>11}")
    out.append(f"  {pro + ' makes / accepts the offer':<34}{_pct(w['proposer_offers'][0]):>16}"
               f"{_pct(acc[g['proposer']]):>11}")
    base = next((r for r in g["offers"] if r["offer"] == o["name"]), g["offers"][0])
    out.append(f"  {res + ' accepts ' + repr(base['offer']):<34}{_pct(base['responder_accepts'][0]):>16}"
               f"{_pct(acc[g['responder']]):>11}")
    out.append(f"  {'ceasefire agreed':<34}{_pct(w['agreed'][0]):>16}{_pct(sim['agreed']):>11}")
    out.append(f"  {'  of which at the offer week':<34}{'':>16}{_pct(sim['agreed_at_offer_week']):>11}")
    out.append(f"  {'agreed: both comply / still holds':<34}{_pct(w['hold_given_agreed'][0]):>16}"
               f"{_pct(sim['holds_given_agreed']):>11}")
    out.append("  (game: one offer at its week, the proposer's choice of line, violation at one fixed week;")
    out.append("   simulated: the full model, through each side's beliefs and private resolve, with repeated")
    out.append("   offers, weekly noise and the keep-or-break rule; the proposer accepting its own offer;")
    out.append("   holding at the horizon)")
    vs = w.get("versus_simulation")
    if vs:
        out.append(f"  world by world (agreed at the offer week): both {_pct(vs['both_agree']).strip()}, "
                   f"game only {_pct(vs['game_only']).strip()}, model only {_pct(vs['simulation_only']).strip()}, "
                   f"neither {_pct(vs['neither']).strip()}")
    nf = base["normal_form"]
    out.append(f"  Normal form of '{base['offer']}': share of worlds in which a pure profile is a Nash equilibrium")
    for i, row in enumerate(nf["rows"]):
        for j, col in enumerate(nf["cols"]):
            share = nf["pure_nash_share"][i][j]
            if share > 0:
                out.append(f"    {pro} {row:<16} {res} {col:<18}{_pct(share):>6}")
    return "\n".join(out)
