"""Plain-text tables for the terminal."""

from __future__ import annotations

from sim.engine.model import OUTCOME_CLASSES
from sim.scenario.offers import ACTORS
from sim.output.labels import LABELS, part_label

#: Parts shown per actor in the run summary's margins (the largest medians in size).
MARGIN_TOP = 3


def _pct(x) -> str:
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def format_summary(summary: dict, title: str = "") -> str:
    """The summary of a run as a table a student can read."""
    lines = []
    head = title or summary.get("scenario", "")
    lines.append(f"{head}: {summary['replications']:,} replications, {summary['horizon_weeks']} weeks, seed {summary['seed']}")
    lines.append("")
    lines.append(f"{'outcome at the horizon':<26}{'probability':>12}   95% interval")
    for c in OUTCOME_CLASSES:
        p = summary["outcome_probabilities"][c]
        lo, hi = summary["outcome_intervals_95"][c]
        lines.append(f"{LABELS[c]:<26}{_pct(p):>12}   {_pct(lo)} - {_pct(hi)}")
    lines.append("")
    lines.append(f"{'accepts an offer':<26}{'probability':>12}   95% interval")
    for a in ACTORS:
        p = summary["acceptance_probability"][a]
        iv = summary["acceptance_intervals_95"][a]
        rng = f"{_pct(iv[0])} - {_pct(iv[1])}" if iv else "(no offer made)"
        lines.append(f"{LABELS[a]:<26}{_pct(p):>12}   {rng}")
    if "decisions" in summary:
        lines.append("")
        lines += why_table(summary)
    if summary.get("margins"):
        lines.append("")
        lines += margin_lines(summary)
    d = summary["ceasefire_duration"]
    lines.append("")
    med = d["median_weeks_km"]
    med_s = "no ceasefire" if d["agreed_replications"] == 0 else (
        f"{med:.0f} weeks" if med is not None else f"> {d['censored_at_weeks']} weeks (most still holding)")
    lines.append(f"ceasefire agreed in {_pct(d['agreed_probability']).strip()} of replications; median duration {med_s}")
    lines.append("")
    lines.append(f"{'quantiles':<34}{'5%':>9}{'25%':>9}{'50%':>9}{'75%':>9}{'95%':>9}")
    rows = [("territory held by Russia, %", "territory_end_pct"),
            ("change in territory, pp", "territory_change_pp"),
            ("Russian casualties, thousand", "casualties_russia_k"),
            ("Ukrainian casualties, thousand", "casualties_ukraine_k")]
    for label, key in rows:
        q = summary[key]
        lines.append(f"{label:<34}" + "".join(f"{q[k]:>9.1f}" for k in ("q05", "q25", "q50", "q75", "q95")))
    return "\n".join(lines)


def why_rows(summary: dict) -> list[tuple[str, str, str]]:
    """Per actor: (actor, the red lines that vetoed and in what share, the valuation's verdict).

    Shares are of the replications in which an offer was put to the actor
    (``summary["vetoes"]`` and ``summary["decisions"]``, :mod:`sim.output.summary`).
    """
    rows = []
    for a in ACTORS:
        dec = summary["decisions"][a]
        if dec["accepted"] is None:
            rows.append((LABELS[a], "(no offer made)", ""))
            continue
        fired = [f"{name} {_pct(share).strip()}" for name, share in summary["vetoes"][a].items() if share]
        vetoed = "; ".join(fired) or "none"
        valued = 1.0 - dec["vetoed"]
        if valued <= 0:
            verdict = "-"
        else:
            verdict = f"accepted {_pct(dec['accepted']).strip()}, refused {_pct(dec['refused_on_valuation']).strip()}"
        rows.append((LABELS[a], vetoed, verdict))
    return rows


def why_table(summary: dict) -> list[str]:
    """The "why" table of the CLI summary: vetoes by red line, otherwise the valuation."""
    rows = why_rows(summary)
    w = max(len("vetoed by a red line"), *(len(r[1]) for r in rows)) + 3
    out = [f"{'why':<26}{'vetoed by a red line':<{w}}decided on the valuation"]
    out += [f"{actor:<26}{vetoed:<{w}}{verdict}" for actor, vetoed, verdict in rows]
    return out


def margin_lines(summary: dict, top: int = MARGIN_TOP) -> list[str]:
    """The first offer's decision margins, short: per actor the median total of
    ``V_deal - V_war - resolve - shock`` (pp-years, > 0 accepts) and its largest parts' medians.

    Medians of parts need not add up to the median total; ``ceasefire-sim why`` shows all parts.
    """
    row = summary["margins"][0]
    out = [f"margins at offer 0 (week {row['week']}), medians in pp-years (> 0 favours accepting); "
           f"all parts: ceasefire-sim why"]
    for a in ACTORS:
        m = row["actors"].get(a)
        if not m or m["total"]["q50"] is None:
            continue
        parts = sorted(m["parts"].items(), key=lambda kv: -abs(kv[1]["q50"] or 0.0))[:top]
        largest = ", ".join(f"{part_label(name).split(' (')[0]} {q['q50']:+.2f}" for name, q in parts)
        out.append(f"{LABELS[a]:<15}total {m['total']['q50']:+7.2f}   largest: {largest}")
    if len(summary["margins"]) > 1:
        out.append(f"({len(summary['margins']) - 1} later offer(s): ceasefire-sim why SCENARIO --offer I)")
    return out
