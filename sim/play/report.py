"""The teacher's report: several games side by side, one self-contained HTML file.

Inline CSS and inline SVG only (no script, no external file, no web font): the file opens
offline, from a USB stick, in any browser. One table compares the games (seats, outcome,
territory, utility against the model's in the same world, choices that differed); then each
game's front line against the model alone (same world and the ensemble's 5-95% band) and
its differing choices with the margins that explain the model's.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sim import __version__
from sim.output.labels import LABELS

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}.hint{color:#666;font-size:.9rem}
section.game{border-top:2px solid #444;margin-top:2rem;padding-top:.5rem}svg{background:#fafafa;border:1px solid #ddd}
.legend span{margin-right:1rem}.sw{display:inline-block;width:1.2rem;height:.6rem;margin-right:.3rem;vertical-align:middle}
"""
COLORS = {"player": "#c0392b", "model": "#1f4e9c", "band": "#9db4dc"}


def _svg_paths(paths: dict[str, Any], width: int = 640, height: int = 220) -> str:
    band = paths["ensemble"]
    series = [paths["player"], paths["model_same_world"], band["q05"], band["q95"]]
    lo = min(min(s) for s in series)
    hi = max(max(s) for s in series)
    if hi - lo < 0.5:
        lo, hi = lo - 0.25, hi + 0.25
    n = len(paths["player"])
    pad = 36

    def xy(i, v):
        x = pad + (width - pad - 8) * i / max(n - 1, 1)
        y = 8 + (height - 8 - 24) * (hi - v) / (hi - lo)
        return f"{x:.1f},{y:.1f}"

    def line(values, color, w=2):
        return f'<polyline fill="none" stroke="{color}" stroke-width="{w}" points="{" ".join(xy(i, v) for i, v in enumerate(values))}"/>'

    polygon = " ".join([xy(i, v) for i, v in enumerate(band["q95"])] +
                       [xy(i, v) for i, v in reversed(list(enumerate(band["q05"])))])
    ticks = "".join(f'<text x="2" y="{8 + (height - 32) * (hi - v) / (hi - lo) + 4:.1f}" font-size="10">{v:.1f}%</text>'
                    for v in (lo, (lo + hi) / 2, hi))
    weeks = "".join(f'<text x="{pad + (width - pad - 8) * w / max(n - 1, 1) - 6:.1f}" y="{height - 6}" font-size="10">{w}</text>'
                    for w in range(0, n, max(13, (n // 6 // 13) * 13 or 13)))
    return (f'<svg role="img" aria-label="territory held by Russia, week by week" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><polygon fill="{COLORS["band"]}" fill-opacity="0.5" points="{polygon}"/>'
            f'{line(band["q50"], COLORS["band"], 1)}{line(paths["model_same_world"], COLORS["model"])}'
            f'{line(paths["player"], COLORS["player"])}{ticks}{weeks}</svg>')


def _legend() -> str:
    return ('<p class="legend"><span><i class="sw" style="background:#c0392b"></i>your game</span>'
            '<span><i class="sw" style="background:#1f4e9c"></i>the model alone, same world</span>'
            '<span><i class="sw" style="background:#9db4dc"></i>the model alone, 5-95% of the ensemble</span></p>')


def render(reports: list[tuple[str, dict[str, Any]]], title: str = "Role-play debrief") -> str:
    """``reports``: (label of the game file, :func:`sim.play.debrief.debrief`) in order."""
    rows = []
    for name, r in reports:
        p, a = r["player"], r["model_same_world"]
        util = "<br>".join(f"{LABELS.get(s, s)}: {u['player']:.3f} vs {u['model_same_world']:.3f} "
                           f"(beats {u['player_rank']:.0%})" for s, u in r["utility"].items())
        rows.append(
            f"<tr><td>{escape(name)}</td><td>{escape(r['scenario'])}</td>"
            f"<td>{escape(', '.join(LABELS.get(s, s) for s in r['seats']))}</td>"
            f"<td class=num>{r['seed']} / {r['replication']}</td>"
            f"<td>{escape(LABELS.get(p['outcome'], p['outcome']))}</td><td>{escape(LABELS.get(a['outcome'], a['outcome']))}</td>"
            f"<td class=num>{p['territory_end_pct']:.2f}% vs {a['territory_end_pct']:.2f}%</td><td>{util}</td>"
            f"<td class=num>{r['decisions']['differing']} of {r['decisions']['total']}</td>"
            f"<td class=num>{r['proposals']}</td></tr>")
    sections = []
    for name, r in reports:
        e = r["ensemble"]
        probs = ", ".join(f"{escape(LABELS.get(c, c))} {v:.0%}" for c, v in e["outcome_probabilities"].items() if v > 0)
        diffs = "".join(
            f"<tr><td class=num>{x['week']}</td><td>{escape(LABELS.get(x['actor'], x['actor']))}</td>"
            f"<td>{escape(x['player_text'])}</td><td>{escape(x['model_text'])}</td><td>{escape(x['why'])}</td></tr>"
            for x in r["differences"])
        table = (f"<table><tr><th>week</th><th>seat</th><th>you</th><th>the model's actor</th>"
                 f"<th>why the model chose so (its rule's parts, pp-years)</th></tr>{diffs}</table>"
                 if diffs else "<p>Every choice was the one the model's actor would have made.</p>")
        sections.append(
            f'<section class="game"><h2>{escape(name)}: {escape(r["title"])}</h2>'
            f"<p>Seats: {escape(', '.join(LABELS.get(s, s) for s in r['seats']))}; seed {r['seed']}, replication "
            f"{r['replication']}; {r['moves']} moves. The model alone in {e['replications']:,} worlds: {probs}.</p>"
            f"{_legend()}{_svg_paths(r['paths'])}<h3>Where your choices differed</h3>{table}</section>")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>"
            f"<p class=hint>{len(reports)} game{'s' if len(reports) != 1 else ''}; each replayed from its file "
            f"(scenario + seed + replication + moves) by ceasefire-sim {escape(__version__)}. Utility is each seat's "
            f"realized utility by the actor's own weights (pp-years), yours against the model actor's in the same world; "
            f"'beats' is the share of the model-alone ensemble it exceeds.</p>"
            f"<table><tr><th>game file</th><th>scenario</th><th>seats</th><th>seed / replication</th><th>your outcome</th>"
            f"<th>model alone</th><th>territory at the end (you vs model)</th><th>utility (you vs model)</th>"
            f"<th>choices differing</th><th>proposals</th></tr>{''.join(rows)}</table>"
            f"{''.join(sections)}</body></html>\n")
