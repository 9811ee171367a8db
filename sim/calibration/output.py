"""The calibration results folder ``results/<name>-calibration/``, written atomically.

Files:

* ``posterior.parquet`` - the final generation's particles: ``particle``, ``weight`` (sums to
  one) and one column per inferred parameter path. A scenario uses it with
  ``priors: <this file>`` (:mod:`sim.scenario.posterior`).
* ``posterior_summary.csv`` - per parameter: prior and posterior mean, sd, 5/50/95%, shrinkage
  and ``update`` (1-Wasserstein distance prior -> posterior, in prior sds), ranked by update.
* ``predictive.csv`` - per target: the record, and the prior and posterior predictive median
  with a 90% interval and the share within 2 sd of the record.
* ``generations.csv`` - per ABC-SMC generation: epsilon, accepted, simulations, acceptance
  rate, effective sample size.
* ``calibration.json`` - settings, budget, simulations used, ESS, why it stopped, the most
  updated parameters; ``calibration.yaml`` - the file as given.
* ``figures/`` - ``parameters/<path>.png`` (prior vs posterior, every parameter),
  ``most_updated.png``, ``pairs.png``, ``predictive.png``, ``diagnostics.png``;
  ``report.html`` embeds them; ``manifest.json`` lists every file with its SHA-256.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.inference import (Inference, posterior_rows, predictive, prior_draws,
                                       summarize_parameters, summarize_predictive)
from sim.output.results import atomic_write, json_bytes, staged_folder, write_manifest

PRIOR_SAMPLE = 4000
PAIRS = 5
GRID = 12


def default_folder(name: str) -> Path:
    return Path("results") / f"{name}-calibration"


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def posterior_table(inf: Inference):
    """The posterior as an Arrow table (no pandas metadata: the bytes depend on the values only)."""
    import pyarrow as pa

    cols = {"particle": pa.array(np.arange(len(inf.weights), dtype=np.int64)),
            "weight": pa.array(inf.weights.astype(np.float64))}
    for j, path in enumerate(inf.paths):
        cols[path] = pa.array(inf.values[:, j].astype(np.float64))
    return pa.table(cols)


def _csv(rows: list[dict], path: Path) -> None:
    import pandas as pd

    pd.DataFrame(rows).to_csv(path, index=False, float_format="%.6g")


def fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def write_calibration(inf: Inference, target: Path, *, force: bool = False, figures: bool = True,
                      map_=map, command: str = "", timings: dict | None = None) -> dict[str, Any]:
    """Predictive checks, tables, figures, report and manifest; returns what calibration.json holds."""
    import pyarrow.parquet as pq

    cal = inf.cal
    prior = prior_draws(cal, PRIOR_SAMPLE)
    params = summarize_parameters(inf, prior)
    n = cal.predictive_draws
    prior_pred = predictive(cal, prior_draws(cal, n, "calibrate:prior_predictive"), "prior_predictive", map_,
                            groups=inf.workers)
    post_pred = predictive(cal, inf.values[posterior_rows(inf, n)], "posterior_predictive", map_,
                           groups=inf.workers)
    checks = summarize_predictive(cal, prior_pred, post_pred)
    gens = [{"generation": g.t, "epsilon": g.epsilon, "accepted": g.accepted, "simulations": g.simulations,
             "acceptance_rate": g.acceptance_rate, "ess": g.ess} for g in inf.generations]
    top = [r["parameter"] for r in params[:PAIRS]]
    info = {
        "name": cal.name, "title": cal.title, "file": cal.file, "seed": cal.seed,
        "method": "ABC-SMC (pyabc) on the probit scale of each prior, independent normal proposal (weighted mean, diagonal variance), median epsilon, "
                  "keyed deterministic sampler",
        "settings": {"replications": cal.replications, "population": cal.population,
                     "generations": cal.generations, "predictive_draws": cal.predictive_draws,
                     "min_epsilon": cal.min_epsilon},
        "budget": inf.budget, "simulations": inf.simulations, "predictive_simulations": 2 * n,
        "generations_run": len(inf.generations), "stopped_because": inf.stopped_because,
        "effective_sample_size": inf.ess, "particles": int(len(inf.weights)),
        "final_epsilon": inf.generations[-1].epsilon if inf.generations else None,
        "workers": inf.workers, "batch": inf.batch, "simulated_with_look_ahead": inf.simulated,
        "vectorized_rounds": inf.rounds, "parameters": len(cal.priors), "targets": [t.key for t in cal.targets],
        "most_updated": [{k: r[k] for k in ("parameter", "update", "shrinkage", "prior_mean", "posterior_mean")}
                         for r in params[:10]],
        "libraries": {"pyabc": inf.pyabc_version},
        "notes": cal.notes,
    }
    with staged_folder(target, force=force) as tmp:
        pq.write_table(posterior_table(inf), tmp / "posterior.parquet", compression="zstd")
        _csv(params, tmp / "posterior_summary.csv")
        _csv(checks, tmp / "predictive.csv")
        _csv(gens, tmp / "generations.csv")
        atomic_write(tmp / "calibration.json", json_bytes(_clean(info)))
        atomic_write(tmp / "calibration.yaml", cal.text.encode("utf-8"))
        figs: list[tuple[str, str]] = []
        if figures:
            from sim.figures import calibration as plots

            fig = tmp / "figures"
            (fig / "parameters").mkdir(parents=True)
            col = {p: j for j, p in enumerate(inf.paths)}
            for r in params:
                j = col[r["parameter"]]
                plots.parameter(r["parameter"], r["unit"], prior[:, j], inf.values[:, j], inf.weights, r,
                                fig / "parameters" / f"{r['parameter']}.png")
            grid = params[:GRID]
            plots.parameters_grid(grid, {r["parameter"]: prior[:, col[r["parameter"]]] for r in grid},
                                  {r["parameter"]: inf.values[:, col[r["parameter"]]] for r in grid},
                                  inf.weights, fig / "most_updated.png", f"the {len(grid)} most-updated parameters")
            figs.append(("most_updated.png", "Prior and posterior of the most-updated parameters"))
            if len(top) >= 2:
                plots.pairs(top, inf.values[:, [col[p] for p in top]], inf.weights, fig / "pairs.png")
                figs.append(("pairs.png", "Pairs plot of the most-updated parameters"))
            plots.predictive(checks, prior_pred, post_pred, fig / "predictive.png")
            figs.append(("predictive.png", "Posterior predictive check of every target"))
            plots.diagnostics(gens, cal.population, fig / "diagnostics.png")
            figs.append(("diagnostics.png", "ABC-SMC diagnostics per generation"))
        atomic_write(tmp / "report.html", report_html(info, params, checks, gens, tmp / "figures", figs).encode())
        write_manifest(tmp, {"kind": "calibration", "name": cal.name, "seed": cal.seed,
                             "calibration_file": cal.file, "budget": inf.budget, "simulations": inf.simulations,
                             "timings_s": {k: round(v, 3) for k, v in (timings or {}).items()},
                             "command": command})
    info["files"] = sorted(str(p.relative_to(target)) for p in Path(target).rglob("*") if p.is_file())
    info["parameter_rows"], info["predictive_rows"] = params, checks
    return info


def report_html(info: dict, params: list[dict], checks: list[dict], gens: list[dict], figdir: Path,
                figs: list[tuple[str, str]]) -> str:
    """One self-contained page: settings, diagnostics, the most-updated parameters, the checks."""
    import base64

    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(info['title'])}</title>",
           "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
           "table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;"
           "text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:100%}"
           ".note{color:#555;font-size:14px}</style></head><body>",
           f"<h1>Calibration: {e(info['title'])}</h1>",
           f"<p class='note'>{e(info['method'])}. Calibration file <code>{e(info['file'])}</code>, seed "
           f"{e(info['seed'])}. {e(info['parameters'])} parameters inferred from {len(info['targets'])} targets. "
           f"{e(info['simulations'])} simulations (budget {e(info['budget'])}) in {e(info['generations_run'])} "
           f"generations; stopped: {e(info['stopped_because'])}. Effective sample size of the posterior: "
           f"{info['effective_sample_size']:.1f} of {e(info['particles'])} particles; final epsilon "
           f"{fmt(info['final_epsilon'])}.</p>",
           "<p class='note'>How to read it: a parameter the targets do not inform keeps its prior (update near 0). "
           "<b>update</b> is the 1-Wasserstein distance between prior and posterior in prior standard deviations; "
           "<b>shrinkage</b> = 1 - posterior sd / prior sd. The predictive check re-simulates the targets at draws "
           "from the prior and from the posterior: a calibrated model puts the record inside the posterior "
           "predictive interval. See docs/calibration.md.</p>",
           "<h2>Posterior predictive check</h2><table><tr><th>target</th><th>scenario</th><th>record</th>"
           "<th>prior predictive median (90%)</th><th>posterior predictive median (90%)</th>"
           "<th>posterior within 2 sd</th></tr>"]
    for c in checks:
        out.append(f"<tr><td>{e(c['target'])}</td><td>{e(c['scenario'])}</td><td>{e(c['observed_text'])}</td>"
                   f"<td>{fmt(c['prior_median'])} ({fmt(c['prior_q05'])}-{fmt(c['prior_q95'])})</td>"
                   f"<td>{fmt(c['posterior_median'])} ({fmt(c['posterior_q05'])}-{fmt(c['posterior_q95'])})</td>"
                   f"<td>{100 * c['posterior_within_2sd']:.0f}%</td></tr>")
    out.append("</table><h2>Most-updated parameters</h2><table><tr><th>parameter</th><th>kind</th><th>prior</th>"
               "<th>posterior median (90%)</th><th>update</th><th>shrinkage</th></tr>")
    for r in params[:20]:
        out.append(f"<tr><td>{e(r['parameter'])}</td><td>{e(r['kind'])}</td><td>{e(r['prior'])}</td>"
                   f"<td>{fmt(r['posterior_median'])} ({fmt(r['posterior_q05'])}-{fmt(r['posterior_q95'])})</td>"
                   f"<td>{fmt(r['update'])}</td><td>{fmt(r['shrinkage'])}</td></tr>")
    out.append(f"</table><p class='note'>All {len(params)} parameters: posterior_summary.csv and "
               "figures/parameters/.</p><h2>Diagnostics</h2><table><tr><th>generation</th><th>epsilon</th>"
               "<th>accepted</th><th>simulations</th><th>acceptance rate</th><th>ESS</th></tr>")
    for g in gens:
        out.append(f"<tr><td>{g['generation']}</td><td>{fmt(g['epsilon'])}</td><td>{g['accepted']}</td>"
                   f"<td>{g['simulations']}</td><td>{fmt(g['acceptance_rate'])}</td><td>{fmt(g['ess'])}</td></tr>")
    out.append("</table>")
    for name, caption in figs:
        data = base64.b64encode((figdir / name).read_bytes()).decode("ascii")
        out.append(f"<h2>{e(caption)}</h2><img alt='{e(caption)}' src='data:image/png;base64,{data}'>")
    out.append("</body></html>\n")
    return "\n".join(out)
