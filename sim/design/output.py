"""A finished design as files: tables, front scenarios, the figure and the report.

``packages.parquet``/``.csv`` hold one row per package tried (its terms, every estimate
with its 95% interval, each party's acceptance and the red lines it crosses, whether it is
feasible and on the front); ``pareto.csv`` the front; ``pareto/P<id>.yaml`` one resolved
scenario per front package (``ceasefire-sim run`` on it reproduces the row exactly: same
package, seed, replications and horizon); ``figures/pareto.png``; ``report.html``.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from sim.design import search
from sim.output.results import atomic_write, sha256_file
from sim.pipeline.report import data_uri, e

TERM_PREFIX = "idx_"


def label(pid: int) -> str:
    return f"P{pid}"


def table(result):
    """The packages as a pandas DataFrame (one row per package, in the order tried)."""
    import pandas as pd

    c = result.config
    space = c.space
    shipped = space.index_of(space.shipped())
    rows = result.rows
    ok = search.feasible(rows, c.constraints)
    front = search.pareto_mask(search.oriented(rows, c.objectives), ok) if rows else np.zeros(0, bool)
    parties = space.base.offers[0].parties
    out = []
    for r, f, on in zip(rows, ok, front):
        idx = tuple(int(r[f"{TERM_PREFIX}{v.name}"]) for v in space.variables)
        d: dict[str, Any] = {"package": int(r["package"]), "label": label(int(r["package"])),
                             "shipped": idx == shipped}
        for v, i in zip(space.variables, idx):
            d[v.name] = v.text(v.levels[i])
        d["feasible"], d["on_front"] = bool(f), bool(on)
        for o in c.objectives:
            for s in ("", "_lo", "_hi"):
                d[o.metric + s] = r[o.metric + s]
        for a in parties:
            d[f"accept_{a}"] = r[f"p_accept_{a}"]
            d[f"red_lines_{a}"] = r[f"red_lines_{a}"]
        for k, v in r.items():
            if k not in d and not k.startswith(TERM_PREFIX) and k not in ("key",):
                d[k] = v
        out.append(d)
    return pd.DataFrame(out)


def _scenario_yaml(result, row) -> str:
    c = result.config
    space = c.space
    idx = tuple(int(row[f"{TERM_PREFIX}{v.name}"]) for v in space.variables)
    package = space.package(idx)
    lbl = label(int(row["package"]))
    s = space.scenario(package, label=f"<design {lbl}>")
    s = s.with_changes({"name": f"{space.base.name}-design-{lbl}", "replications": c.replications,
                        "seed": c.seed, "horizon_weeks": c.horizon_weeks,
                        "title": f"{space.base.title} - design package {lbl}",
                        "description": f"Package {lbl} of `ceasefire-sim design` on {space.base.name}: "
                                       + "; ".join(f"{v.name}={v.text(package[v.name])}" for v in space.variables)})
    return s.to_yaml()


def front_rows(result, df) -> list[dict]:
    raw = {int(r["package"]): r for r in result.rows}
    return [raw[int(p)] for p in df.loc[df["on_front"], "package"]]


def distance_text(result, df) -> str:
    """How far the shipped package is from the front, in words."""
    c = result.config
    names = c.space.names
    ship = df[df["shipped"]]
    if ship.empty:
        return ("The scenario's own package is not on the search grid (one of its terms has a value that is "
                "not a level of the design), so its distance from the front is not measured.")
    s = ship.iloc[0]
    if s["on_front"]:
        return f"The scenario's own package ({s['label']}) is on the front: no package tried beats it on every objective."
    front = df[df["on_front"]]
    if front.empty:
        return "No package meets the constraints, so there is no front to compare the scenario's package with."
    diffs = [(sum(f[n] != s[n] for n in names), i) for i, f in front.iterrows()]
    k, i = min(diffs)
    f = front.loc[i]
    changed = ", ".join(f"{n} {s[n]} -> {f[n]}" for n in names if f[n] != s[n])
    gains = "; ".join(f"{o.metric} {s[o.metric]:.3g} -> {f[o.metric]:.3g}" for o in c.objectives)
    why = "is dominated" if s["feasible"] else "breaks a constraint"
    return (f"The scenario's own package ({s['label']}) {why}. The nearest front package is {f['label']}, "
            f"{k} term{'s' if k != 1 else ''} away ({changed}): {gains}.")


def figure(result, df) -> bytes:
    from sim.figures.style import ACTOR_COLOURS, plt, style_axes

    c = result.config
    x = "p_agreed"
    years = max([int(n[8:-1]) for n in df.columns if n.startswith("p_holds_") and n.endswith("y")] or [0])
    panels = [(f"p_holds_{min(3, years)}y" if years else "ceasefire_weeks_mean", "durability"),
              ("territory_end_median", "territory")]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    front = df["on_front"].to_numpy()
    for ax, (y, what) in zip(axes, panels):
        if y not in df.columns:
            ax.set_visible(False)
            continue
        ax.scatter(df[x], df[y], s=14, color="#999999", alpha=0.6, label="package tried")
        ax.scatter(df.loc[front, x], df.loc[front, y], s=36, color=ACTOR_COLOURS["ukraine"], label="on the front")
        for _, r in df[front].head(25).iterrows():
            ax.annotate(r["label"], (r[x], r[y]), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ship = df[df["shipped"]]
        if not ship.empty:
            ax.scatter(ship[x], ship[y], marker="*", s=180, color=ACTOR_COLOURS["russia"], zorder=5,
                       label=f"the scenario's package ({ship.iloc[0]['label']})")
        style_axes(ax, f"Acceptance against {what}", "P(ceasefire agreed)",
                   {"territory_end_median": "territory held by Russia at the end, % (median)"}.get(y, f"P({y[2:]})"))
        ax.legend(fontsize=7, loc="best")
    fig.suptitle(f"{c.space.base.name}: {len(df)} packages, front on {', '.join(o.metric for o in c.objectives)}",
                 fontsize=11)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _pct(x: float) -> str:
    return "undefined" if x != x else f"{100 * x:.0f}%"


def package_words(result, row: dict, d) -> str:
    """One front package explained: terms, who accepts, what binds, how long, how sure."""
    c = result.config
    space = c.space
    parties = space.base.offers[0].parties
    terms = ", ".join(f"{v.name} <b>{e(d[v.name])}</b>" for v in space.variables)
    who = []
    for a in parties:
        p, lo, hi = row[f"p_accept_{a}"], row[f"p_accept_{a}_lo"], row[f"p_accept_{a}_hi"]
        lines = row[f"red_lines_{a}"]
        if lines:
            who.append(f"{e(a)} refuses it every time: it crosses its red line{'s' if ',' in lines else ''} "
                       f"<i>{e(lines.replace(',', ', '))}</i>")
        elif p == p:
            binds = "" if p >= 0.5 else " (it refuses on value: fighting on is worth more to it in most worlds)"
            who.append(f"{e(a)} accepts in {_pct(p)} of the replications where it is offered "
                       f"(95% interval {_pct(lo)}-{_pct(hi)}){binds}")
        else:
            who.append(f"{e(a)} is never asked (the war ended first)")
    holds = [m for m in row if m.startswith("p_holds_") and m.endswith("y") and not m.endswith(("_lo", "_hi"))]
    last = sorted(holds, key=lambda m: int(m[8:-1]))
    dur = "; ".join(f"holds {m[8:-1]} year{'s' if m[8:-1] != '1' else ''}: {_pct(row[m])} "
                    f"({_pct(row[m + '_lo'])}-{_pct(row[m + '_hi'])})" for m in last)
    return (f"<p><b>{e(label(int(row['package'])))}</b>{' (the scenario’s package)' if d['shipped'] else ''}: "
            f"{terms}.</p><ul><li>{'</li><li>'.join(who)}.</li>"
            f"<li>A ceasefire is agreed in {_pct(row['p_agreed'])} of the worlds "
            f"({_pct(row['p_agreed_lo'])}-{_pct(row['p_agreed_hi'])}); {e(dur) if dur else ''}.</li>"
            f"<li>Territory held by Russia at the end: median {row['territory_end_median']:.1f}% "
            f"({row['territory_end_median_lo']:.1f}-{row['territory_end_median_hi']:.1f}); casualties of both sides "
            f"{row['casualties_total_mean']:.0f}k on average.</li></ul>")


def binding_text(result, df) -> str:
    """Which red lines veto how many of the packages tried, party by party."""
    parts = []
    for a in result.config.space.base.offers[0].parties:
        counts: dict[str, int] = {}
        for lines in df[f"red_lines_{a}"]:
            for name in filter(None, str(lines).split(",")):
                counts[name] = counts.get(name, 0) + 1
        if counts:
            parts.append(f"{a} vetoes " + ", ".join(f"{n} packages on its red line '{k}'" for k, n in
                                                     sorted(counts.items(), key=lambda kv: -kv[1])))
        else:
            parts.append(f"no red line of {a} binds any package tried")
    return "What binds: " + "; ".join(p for p in parts if p) + f" (of {len(df)} packages)."


def report_html(result, df, png: bytes) -> str:
    c = result.config
    rows = front_rows(result, df)
    by_id = {int(r["package"]): r for _, r in df.iterrows()}
    best = sorted(rows, key=lambda r: -float(r[c.objectives[0].metric]) if c.objectives[0].sense == "max"
                  else float(r[c.objectives[0].metric]))
    text = "".join(package_words(result, r, by_id[int(r["package"])]) for r in best[:8])
    cons = "; ".join(x.text for x in c.constraints) or "none"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(c.space.base.name)}: offer design</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}}
img{{max-width:100%}} .note{{color:#555;font-size:.92em}}</style></head><body>
<h1>Which packages would both sides accept, and would they last?</h1>
<p>Design of the first offer of <b>{e(c.space.base.title)}</b>: {len(df)} packages tried ({e(c.method)} search),
each run for {c.replications:,} replications of {c.horizon_weeks} weeks on the same simulated worlds
(common random numbers, seed {c.seed}). Objectives: {e(', '.join(f'{o.metric} ({o.sense})' for o in c.objectives))};
constraints: {e(cons)}. {int(df['on_front'].sum())} packages are on the front (no other package tried is at least as good on
every objective and better on one).</p>
<p><b>The scenario's own package.</b> {e(distance_text(result, df))}</p>
<p>{e(binding_text(result, df))}</p>
<img src="{data_uri(png)}" alt="acceptance against durability and territory">
<h2>The front, best first on {e(c.objectives[0].metric)}</h2>{text}
<p class="note">How sure we are: every percentage comes with its 95% interval (Wilson for probabilities,
order statistics for medians). Two packages whose intervals overlap on every objective cannot be told apart at
this number of replications; run more (<code>--replications</code>) to separate them. The numbers are the model's,
under its stated assumptions (docs/model.md), not forecasts.</p>
</body></html>
"""


def write_all(result) -> dict[str, str]:
    """Write every output file; return ``{relative path: SHA-256}``."""
    folder = result.folder
    df = table(result)
    import pyarrow as pa

    from sim.sweeps.storage import parquet_bytes

    atomic_write(folder / "packages.parquet", parquet_bytes(pa.Table.from_pandas(df, preserve_index=False)))
    atomic_write(folder / "packages.csv", df.to_csv(index=False).encode("utf-8"))
    front = df[df["on_front"]]
    atomic_write(folder / "pareto.csv", front.to_csv(index=False).encode("utf-8"))
    for r in front_rows(result, df):
        atomic_write(folder / "pareto" / f"{label(int(r['package']))}.yaml",
                     _scenario_yaml(result, r).encode("utf-8"))
    png = figure(result, df)
    atomic_write(folder / "figures" / "pareto.png", png)
    atomic_write(folder / "report.html", report_html(result, df, png).encode("utf-8"))
    files = {}
    for f in sorted(folder.rglob("*")):
        if f.is_file() and f.name != "manifest.json" and not f.name.startswith("."):
            files[str(f.relative_to(folder))] = sha256_file(f)
    return files
