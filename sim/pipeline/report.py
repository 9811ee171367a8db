"""One self-contained HTML report for one run or a comparison of runs.

The report is a single file that opens in any browser with no network: figures are
embedded as base64 PNG ``data:`` URIs, the CSS is inline (with a print stylesheet, so
printing gives a clean handout) and there is no script. Every piece of text that comes
from a scenario file, a profile or a label is escaped with :func:`html.escape`.

Usage (one run, e.g. a "download report" button)::

    from sim.report import ReportRun, render_report
    html = render_report([ReportRun(scenario, outcomes)], "My scenario")

Usage (a comparison; the first run is the reference of the paired differences)::

    html = render_report([ReportRun(s1, o1), ReportRun(s2, o2)], "Freeze vs truce")

Runs of a comparison must share seed and replication ids (common random numbers: see
:mod:`sim.analysis.compare`); :func:`render_report` checks this.
"""

from __future__ import annotations

import base64
import html
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim import __version__
from sim.scenario import catalog
from sim.engine.actors.base import red_line_hit
from sim.engine.lines import is_quantity
from sim.analysis.compare import (Row, comparison_table, fmt_interval, fmt_value, parameter_diff, table_header, unique_labels)
from sim.scenario.offers import ACTORS, Offer
from sim.engine.outcomes import Outcomes
from sim.figures.palette import ACTOR_COLOURS, RUN_FIGURES, Figure, scenario_colour
from sim.output.labels import LABELS, part_label
from sim.output.summary import summarize
from sim.output.tables import why_rows
from sim.scenario.schema import Scenario
from sim.scenario.sources import cite


@dataclass
class ReportRun:
    """One scenario's run for the report.

    Attributes
    ----------
    scenario : the resolved scenario that was run (``RunResult.scenario``)
    outcomes : its outcomes (``sim.engine.simulate.simulate`` / ``RunResult.outcomes``)
    summary : ``sim.output.summary.summarize(outcomes)``; computed when None
    label : short name in tables and legends; the scenario's name when None
    """

    scenario: Scenario
    outcomes: Outcomes
    summary: dict | None = None
    label: str | None = None

    @classmethod
    def from_result(cls, result: Any) -> "ReportRun":
        """From a :class:`sim.pipeline.runner.RunResult`."""
        return cls(result.scenario, result.outcomes, result.summary)


def e(text: Any) -> str:
    """Escape any value for HTML text or attributes."""
    return html.escape(str(text), quote=True)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# -- figures ---------------------------------------------------------------------------------
def single_run_figures(run: ReportRun, folder: Path | None = None) -> list[Figure]:
    """The figures of one run (:data:`sim.figures.run.RUN_FIGURES`), as the report embeds them.

    With ``folder`` (a run's ``figures/``, already written by :func:`sim.figures.run.all_figures`)
    the PNG files are read, not drawn again: the report embeds the very bytes of
    ``figures/*.png``. Without it they are drawn once, in memory.
    """
    if folder is None or not folder.is_dir():
        from sim.figures import run as plots          # matplotlib only when figures are drawn here

        with tempfile.TemporaryDirectory() as tmp:
            plots.all_figures(run.outcomes, run.summary, run.scenario.title, Path(tmp))
            return single_run_figures(run, Path(tmp))
    return [Figure(name, caption, (folder / name).read_bytes())
            for name, caption in RUN_FIGURES if (folder / name).is_file()]


# -- sections ---------------------------------------------------------------------------------
def _swatch(i: int) -> str:
    return f'<span class="swatch" style="background:{scenario_colour(i)}"></span>'


def _offer_text(o: Offer) -> str:
    when = f"week {o.week}" + (f", again every {o.repeat_every_weeks} weeks" if o.repeat_every_weeks else "")
    t = o.terms
    terms = [f"line: {t.line}", f"recognition: {t.recognition}",
             "duration: indefinite" if t.duration_weeks is None else
             (f"duration: {t.duration_hours} hours" if t.duration_hours is not None
              else f"duration: {t.duration_days} days") + (" (extendable)" if t.extension else ""),
             f"scope: {t.scope}", f"monitoring: {t.monitoring}", f"guarantees: {t.guarantees}",
             "army cap: none" if t.army_cap is None else f"army cap: {t.army_cap:,.0f} thousand",
             f"sanctions relief: {t.sanctions_relief}"]
    if o.unilateral:
        terms.append(f"unilateral: declared by {o.declarer}")
    if t.nato_renunciation:
        terms.append("Ukraine renounces NATO")
    if t.prisoner_exchange:
        terms.append("prisoner exchange")
    who = LABELS.get(o.proposer, o.proposer)
    parties = " and ".join(LABELS.get(p, p) for p in o.parties)
    return (f"<li><strong>{e(o.preset or o.name)}</strong> proposed by {e(who)} at {e(when)}; "
            f"{e(parties)} must accept.<br><span class=\"terms\">{e('; '.join(terms))}</span></li>")


def scenarios_section(runs: list[ReportRun], labels: list[str]) -> str:
    parts = [f'<section><h2>{"The scenario" if len(runs) == 1 else "The scenarios"}</h2>']
    for i, (run, label) in enumerate(zip(runs, labels)):
        s = run.scenario
        src = f' <span class="file">({e(s.source_file)})</span>' if s.source_file else ""
        offers = "".join(_offer_text(o) for o in s.offers) or "<li>no offer</li>"
        parts.append(
            f'<div class="scenario" style="border-left-color:{scenario_colour(i)}">'
            f'<h3>{_swatch(i)}{e(label)}: {e(s.title)}{src}</h3>'
            f'<p>{e(s.description.strip())}</p>'
            f'<ul class="offers">{offers}</ul>'
            f'<p class="meta">{s.replications:,} replications &middot; {s.horizon_weeks} weeks &middot; '
            f'seed {s.seed}</p></div>')
    parts.append("</section>")
    return "".join(parts)


def diff_section(runs: list[ReportRun], labels: list[str]) -> str:
    if len(runs) < 2:
        return ""
    rows = parameter_diff([r.scenario for r in runs])
    table = catalog.parameter_table()
    head = "".join(f"<th>{_swatch(i)}{e(label)}</th>" for i, label in enumerate(labels))
    if not rows:
        body = f'<tr><td colspan="{len(labels) + 1}">The scenarios are identical (apart from name, title, description and seed).</td></tr>'
    else:
        body = ""
        for path, vals in rows:
            info = table.get(path)
            unit = f'<div class="unit">{e(info.unit)}</div>' if info is not None and info.unit else ""
            cells = "".join(f"<td>{e(v)}</td>" for v in vals)
            body += f"<tr><th scope=\"row\"><code>{e(path)}</code>{unit}</th>{cells}</tr>"
    return ('<section><h2>What differs between the scenario files</h2>'
            '<p class="note">Every setting of the resolved scenarios (defaults filled in) whose value is not the '
            'same in all of them. Name, title, description and seed are left out; a distribution such as '
            '<code>uniform(17.5, 18.5)</code> is drawn once per replication.</p>'
            f'<table class="diff"><thead><tr><th>setting</th>{head}</tr></thead><tbody>{body}</tbody></table></section>')


def results_section(rows: list[Row], labels: list[str], header: str) -> str:
    paired = len(labels) > 1
    head = "".join(f"<th>{_swatch(i)}{e(label)}</th>" for i, label in enumerate(labels))
    body, current = "", None
    by_measure: dict[str, list[Row]] = {}
    for r in rows:
        by_measure.setdefault(r.measure.key, []).append(r)
    for key, group in by_measure.items():
        m = group[0].measure
        if m.kind == "mean" and current != "mean":
            body += f'<tr class="group"><th colspan="{len(labels) + 1}">Means over replications</th></tr>'
        elif m.kind == "probability" and key.startswith("accepts:") and current != "accepts":
            body += f'<tr class="group"><th colspan="{len(labels) + 1}">Acceptance</th></tr>'
        elif key.startswith("outcome:") and current is None:
            body += f'<tr class="group"><th colspan="{len(labels) + 1}">Outcome at the horizon</th></tr>'
        current = "mean" if m.kind == "mean" else ("accepts" if key.startswith("accepts:") else "outcome")
        unit = "" if m.kind == "probability" else f' <span class="unit">({e(m.unit)})</span>'
        cells = ""
        for i, r in enumerate(group):
            cell = (f'<span class="est">{e(fmt_value(r.estimate, m.kind))}</span>'
                    f'<span class="ci">{e(fmt_interval(r.low, r.high, m.kind))}</span>')
            if paired and i > 0:
                diff_unit = " pp" if m.kind == "probability" else ""
                d = fmt_value(r.diff, m.kind, True).replace("%", diff_unit)
                ci = fmt_interval(r.diff_low, r.diff_high, m.kind, True).replace("%", diff_unit)
                cells += f'<td>{cell}<span class="delta">{e(d)} <span class="ci">({e(ci)})</span></span></td>'
            else:
                cells += f"<td>{cell}</td>"
        body += f'<tr><th scope="row">{e(m.label)}{unit}</th>{cells}</tr>'
    note = (f'<p class="note">{e(header)}.'
            + (f' In each cell: estimate, its 95% interval and, in bold, the difference from '
               f'<strong>{e(labels[0])}</strong> (pp = percentage points) with its 95% interval.'
               if paired else "")
            + ' An actor\'s acceptance is the share of all replications in which it accepts an offer at least '
              'once.</p>')
    return (f'<section class="results"><h2>Results</h2>{note}<table class="results"><thead><tr><th>measure</th>{head}</tr>'
            f'</thead><tbody>{body}</tbody></table></section>')


def figures_section(figures: list[Figure]) -> str:
    items = "".join(
        f'<figure><img src="{data_uri(f.png)}" alt="{e(f.caption)}"><figcaption>{e(f.caption)}</figcaption></figure>'
        for f in figures)
    return f"<section><h2>Figures</h2>{items}</section>"


def _summary(run: ReportRun) -> dict:
    """The run's summary, with the veto shares (computed when the run carries none)."""
    if run.summary is None or "decisions" not in run.summary or "margins" not in run.summary:
        return summarize(run.outcomes, run.scenario.name)
    return run.summary


def why_section(summaries: list[dict], labels: list[str]) -> str:
    """Per actor and run: which red line vetoed, in what share; otherwise the valuation's verdict."""
    rows = [why_rows(sm) for sm in summaries]
    head = "".join(f"<th>{_swatch(i)}{e(label)}</th>" for i, label in enumerate(labels))
    body = ""
    for k, a in enumerate(ACTORS):
        cells = ""
        for run_rows in rows:
            _, vetoed, verdict = run_rows[k]
            veto = "" if vetoed == "none" else f'<span class="veto">vetoed by {e(vetoed)}</span>'
            valued = "" if verdict in ("", "-") else f"{e(verdict)} on the valuation"
            cells += f"<td>{veto}{'<br>' if veto and valued else ''}{valued or ('' if veto else e(vetoed))}</td>"
        body += f'<tr><th scope="row">{e(LABELS[a])}</th>{cells}</tr>'
    return ('<section class="why"><h2>Why each actor decided as it did</h2>'
            '<p class="note">Shares of the replications in which an offer was put to the actor. A red line '
            'vetoes whatever the valuation says; where none fired, the actor weighed the deal against '
            'fighting on (docs/model.md, "How an actor values a choice").</p>'
            f'<table class="rl"><thead><tr><th>actor</th>{head}</tr></thead><tbody>{body}</tbody></table></section>')


def margins_section(summaries: list[dict], labels: list[str]) -> str:
    """Per run and offer: the median (5-95%) of each part of every actor's accept decision."""
    tables = []
    for i, (sm, label) in enumerate(zip(summaries, labels)):
        for row in sm.get("margins") or []:
            actors = [a for a in ACTORS if a in row["actors"]]
            if not actors:
                continue
            names = list(dict.fromkeys(k for a in actors for k in row["actors"][a]["parts"]))
            head = "".join(f"<th>{e(LABELS[a])}</th>" for a in actors)

            def cell(q):
                return "<td>-</td>" if not q else f"<td>{q['q50']:.2f} <small>({q['q05']:.2f} to {q['q95']:.2f})</small></td>"

            body = "".join(f'<tr><th scope="row">{e(part_label(k))}</th>'
                           + "".join(cell(row["actors"][a]["parts"].get(k)) for a in actors) + "</tr>"
                           for k in names)
            body += ('<tr class="total"><th scope="row">total (accepts if &gt; 0)</th>'
                     + "".join(cell(row["actors"][a]["total"]) for a in actors) + "</tr>")
            body += ('<tr><th scope="row">share with total &gt; 0</th>'
                     + "".join(f"<td>{row['actors'][a]['total_positive_share']:.1%}</td>" for a in actors) + "</tr>")
            caption = f"{_swatch(i)}{e(label)}: offer {row['offer']} at week {row['week']}, {row['replications']:,} replications"
            tables.append(f'<table class="rl margins"><caption>{caption}</caption><thead><tr><th>part</th>{head}'
                          f"</tr></thead><tbody>{body}</tbody></table>")
    if not tables:
        return ""
    return ('<section class="margins"><h2>What decided: the parts of each decision</h2>'
            '<p class="note">Each actor accepts an offer, where no red line vetoes, iff V_deal - V_war - '
            'resolve - shock &gt; 0 at the week the offer is first put. The table splits that quantity into '
            'its parts (pp-years: one percentage point of territory for a year): median and 5-95% range across '
            'the replications. Positive parts favour the deal. <code>ceasefire-sim why</code> draws them as '
            'a waterfall and searches for the smallest change that would flip a refusal.</p>'
            + "".join(tables) + "</section>")


def red_lines_section(runs: list[ReportRun], labels: list[str], summaries: list[dict]) -> str:
    parts = ['<section class="redlines"><h2>Red lines and their sources</h2>'
             '<p class="note">A red line is a hard veto: the actor refuses any offer whose terms cross it, '
             'whatever the war looks like. <em>vetoes</em> = switched on and crossed by an offer of that scenario, '
             'in the share of the replications the offer was put to; <em>on, not crossed</em> = no offer crosses it.</p>']
    head = "".join(f"<th>{_swatch(i)}{e(label)}</th>" for i, label in enumerate(labels))
    for a in ACTORS:
        raw = catalog.profile(a).get("red_lines", {}) or {}
        names = list(dict.fromkeys(list(raw) + [n for r in runs for n in r.scenario.actors[a].red_lines]))
        if not names:
            continue
        body = ""
        for name in names:
            info = raw.get(name, {})
            cells = ""
            for r, sm in zip(runs, summaries):
                rl = r.scenario.actors[a].red_lines.get(name)
                if rl is None or not rl.enabled:
                    cells += '<td class="off">off</td>'
                    continue
                share = sm["vetoes"][a].get(name)
                if is_quantity(rl.when):       # vetoes per replication (how much a line cedes)
                    hit = [o.preset or o.name for o in r.scenario.offers if red_line_hit(rl.when, o)] if share else []
                else:
                    hit = [o.preset or o.name for o in r.scenario.offers if red_line_hit(rl.when, o)]
                crossed = "" if share is None else f" in {100 * share:.1f}% of the replications it was put to"
                cells += (f'<td class="veto">vetoes {e(", ".join(hit))}{e(crossed)}</td>' if hit
                          else '<td class="on">on, not crossed</td>')
            desc = info.get("description") or name
            source = cite(info.get("source", ""))
            body += (f'<tr><th scope="row">{e(desc)}<div class="source">{e(source)}</div></th>{cells}</tr>')
        parts.append(f'<div class="actor" style="border-left-color:{ACTOR_COLOURS[a]}"><h3>{e(LABELS[a])}</h3>'
                     f'<table class="rl"><thead><tr><th>red line (source)</th>{head}</tr></thead>'
                     f'<tbody>{body}</tbody></table></div>')
    parts.append("</section>")
    return "".join(parts)


CSS = """
:root { --ink:#1a1a1a; --muted:#555; --rule:#d0d0d0; --band:#f3f5f8; }
* { box-sizing: border-box; }
body { font: 16px/1.45 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
main { max-width: 1060px; margin: 0 auto; padding: 0 28px 40px; }
header { background: #0b3a60; color: #fff; padding: 26px 28px 20px; }
header .inner { max-width: 1060px; margin: 0 auto; padding: 0 28px; }
header h1 { margin: 0 0 6px; font-size: 30px; line-height: 1.2; }
header p { margin: 2px 0; color: #dce6f0; }
h2 { font-size: 23px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #0b3a60; }
h3 { font-size: 18px; margin: 0 0 6px; }
.note { color: var(--muted); font-size: 14.5px; }
.disclaimer { background: #fff6e0; border-left: 5px solid #E69F00; padding: 8px 14px; margin-top: 18px; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; margin-right: 7px;
          vertical-align: -1px; border: 1px solid rgba(0,0,0,.35); }
.scenario, .actor { border-left: 6px solid #999; background: var(--band); padding: 12px 16px; margin: 12px 0;
                    border-radius: 0 6px 6px 0; }
.scenario p { margin: 4px 0; }
.file { font-weight: normal; color: var(--muted); font-size: 14px; }
.offers { margin: 6px 0; padding-left: 20px; }
.terms { color: var(--muted); font-size: 14px; }
.meta { color: var(--muted); font-size: 14px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 15px; }
th, td { border-bottom: 1px solid var(--rule); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: #e6ebf1; border-bottom: 2px solid #9aa7b5; white-space: nowrap; }
tbody th { font-weight: 600; }
tr.group th { background: #fafafa; color: #0b3a60; font-size: 14px; text-transform: uppercase;
              letter-spacing: .04em; padding-top: 12px; }
.results td { white-space: nowrap; }
.est { font-weight: 700; font-size: 16px; margin-right: 6px; }
.ci { color: var(--muted); font-size: 13px; font-weight: normal; }
.delta { display: block; font-weight: 700; color: #0b3a60; font-size: 14px; }
.unit { font-weight: normal; color: var(--muted); font-size: 13px; }
code { font-size: 13.5px; }
table.diff td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 14px; }
figure { margin: 22px 0; page-break-inside: avoid; break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: var(--muted); font-size: 14.5px; margin-top: 4px; }
.source { font-weight: normal; color: var(--muted); font-size: 13px; font-style: italic; margin-top: 2px; }
td.off { color: #888; }
td.on { color: #0b3a60; }
td.veto, span.veto { color: #a33c00; font-weight: 700; }
.rl th:first-child { width: 55%; }
footer { color: var(--muted); font-size: 13.5px; margin-top: 34px; border-top: 1px solid var(--rule);
         padding-top: 10px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  header { background: none; color: #000; padding: 0 0 6px; border-bottom: 3px solid #000; }
  header .inner, main { padding: 0; max-width: none; }
  header p { color: #333; }
  h2 { font-size: 15pt; margin-top: 18px; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 12pt; }
  table { font-size: 9.5pt; }
  thead { display: table-header-group; }
  tr, .scenario, .actor { break-inside: avoid; page-break-inside: avoid; }
  .scenario, .actor { background: none; border: 1px solid #bbb; border-left-width: 6px; }
  thead th, tr.group th { background: none; }
  figure img { border: none; max-height: 120mm; width: auto; }
  .swatch, .scenario, .actor { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def render_report(runs: list[ReportRun], title: str | None = None, *, figures: list[Figure] | None = None,
                  seed_from: str | None = None, command: str | None = None) -> str:
    """The self-contained HTML report of one run or a comparison of runs.

    Parameters
    ----------
    runs : one :class:`ReportRun` per scenario; with two or more, the first is the
        reference of the paired differences, and all must share the seed and the
        replication ids (common random numbers, :mod:`sim.analysis.compare`)
    title : heading of the report; the scenario's title (one run) or the scenario names
    figures : pre-rendered figures (e.g. the PNGs just written to ``figures/``); drawn
        when None (:func:`single_run_figures` or :func:`sim.figures.compare.comparison_figures`)
    seed_from : where the common seed came from, for the table's header
    command : the command that produced the runs, shown under "Reproduce"

    Returns
    -------
    str
        A complete HTML document (UTF-8): no network request, no script, figures as data URIs.

    Raises
    ------
    ValueError
        No run, or runs that cannot be paired (different seeds or replication ids).
    """
    if not runs:
        raise ValueError("render_report needs at least one run")
    labels = unique_labels(r.label or r.scenario.name for r in runs)
    outs = [r.outcomes for r in runs]
    summaries = [_summary(r) for r in runs]
    rows = comparison_table(labels, outs)
    first = runs[0].scenario
    if title is None:
        title = first.title if len(runs) == 1 else "Comparison: " + " vs ".join(labels)
    if figures is None:
        if len(runs) == 1:
            figures = single_run_figures(runs[0])
        else:
            from sim.figures.compare import comparison_figures

            figures = comparison_figures(labels, outs)
    seed = outs[0].seed
    seed_text = seed_from or ("the scenario's seed" if len(runs) == 1 else "common to all scenarios")
    header = table_header(labels, seed, seed_text, outs[0].n, outs[0].horizon_weeks)
    what = ("one scenario" if len(runs) == 1 else f"{len(runs)} scenarios under the same assumptions, "
            "paired replication by replication (common random numbers)")
    reproduce = command or (f"ceasefire-sim run {first.source_file or first.name + '.yaml'} --seed {seed} "
                            f"--replications {outs[0].n}" if len(runs) == 1 else "")
    footer = (f"<footer>Made by ceasefire-sim {e(__version__)}. Seed {seed}, {outs[0].n:,} replications, "
              f"{outs[0].horizon_weeks} weeks."
              + (f" Reproduce: <code>{e(reproduce)}</code>." if reproduce else "")
              + " Probabilities: Wilson 95% intervals; means: normal 95% intervals"
              + ("; paired differences: normal approximation on the per-replication differences." if len(runs) > 1
                 else ".") + "</footer>")
    body = "".join([
        f'<header><div class="inner"><h1>{e(title)}</h1>'
        f'<p>{e(what)}: {outs[0].n:,} simulated wars of {outs[0].horizon_weeks} weeks each, seed {seed}.</p></div></header>',
        "<main>",
        '<p class="disclaimer">This simulator explores the logic of ceasefire offers under stated, sourced '
        'assumptions. It is not a forecast: read every number as "if the assumptions below hold".</p>',
        scenarios_section(runs, labels),
        diff_section(runs, labels),
        results_section(rows, labels, header),
        why_section(summaries, labels),
        margins_section(summaries, labels),
        figures_section(figures),
        red_lines_section(runs, labels, summaries),
        footer,
        "</main>",
    ])
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")

