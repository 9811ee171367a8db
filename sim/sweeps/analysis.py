"""Sensitivity analysis of a finished sweep: which assumptions drive which outcomes.

* ``sobol`` sweeps: first-order (S1) and total (ST) Sobol' indices with bootstrap 95%
  confidence intervals (Sobol' 2001; estimators of Saltelli et al. 2010, via SALib's
  ``sobol.analyze``). S1 is the share of the outcome's variance due to a parameter alone,
  ST includes all its interactions; ST - S1 large means interactions matter.
* ``morris`` sweeps: mu* (mean absolute elementary effect, Campolongo et al. 2007), mu and
  sigma (Morris 1991), via SALib's ``morris.analyze``; effects are per unit of the
  normalized range [0, 1] of each parameter, so they compare across parameters.
* Any sweep: a heatmap of an outcome's mean across two parameters (binned ranges or levels).

Output goes to ``<sweep folder>/analysis/`` (written atomically, replaced on each run):
``indices.csv``, ``indices.json`` and ``figures/*.png``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario.errors import InputError
from sim.output.results import command_line, json_bytes, staged_folder, write_manifest
from sim.sweeps import statistics

SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu", "mu_star", "mu_star_conf", "sigma")


# -- indices ------------------------------------------------------------------------------
def _problem(names: list[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sobol_indices(names: list[str], y: np.ndarray, *, second_order: bool = False, seed: int = 0,
                  num_resamples: int = 200):
    """S1, ST and their 95% bootstrap half-widths, one row per parameter (pandas DataFrame).

    ``y`` holds the model output of each row of a Saltelli design, in design order.
    """
    import pandas as pd
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=np.float64)
    if np.ptp(y) == 0:
        zeros = {c: [0.0] * len(names) for c in SOBOL_COLUMNS}
        return pd.DataFrame({"parameter": list(names), **zeros, "note": "outcome constant across points"})
    res = sobol.analyze(_problem(names), y, calc_second_order=second_order, num_resamples=num_resamples,
                        conf_level=0.95, seed=seed)
    df = pd.DataFrame({"parameter": list(names), **{c: np.asarray(res[c], dtype=float) for c in SOBOL_COLUMNS},
                       "note": ""})
    if second_order:  # S2[i, j] for i < j, as one text column "other=S2 +/- conf; ..."
        s2, s2c = np.asarray(res["S2"]), np.asarray(res["S2_conf"])
        df["S2"] = ["; ".join(f"{names[j]}={s2[i, j]:.3g} +/- {s2c[i, j]:.2g}" for j in range(len(names)) if j > i)
                    for i in range(len(names))]
    return df


def morris_indices(names: list[str], x: np.ndarray, y: np.ndarray, *, num_levels: int = 4, seed: int = 0,
                   num_resamples: int = 200):
    """mu, mu*, the 95% bootstrap half-width of mu*, and sigma, one row per parameter."""
    import pandas as pd
    from SALib.analyze import morris

    res = morris.analyze(_problem(names), np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64),
                         num_resamples=num_resamples, conf_level=0.95, num_levels=num_levels, seed=seed)
    return pd.DataFrame({"parameter": list(names), **{c: np.asarray(res[c], dtype=float) for c in MORRIS_COLUMNS},
                         "note": ""})


# -- reading a sweep folder ---------------------------------------------------------------------
@dataclass
class SweepData:
    folder: Path
    spec: dict[str, Any]
    points: Any  # pandas DataFrame, one row per point, in point order
    design: np.ndarray

    @property
    def names(self) -> list[str]:
        return list(self.spec["parameters"])


def load(folder: str | Path) -> SweepData:
    """Read a sweep's ``sweep.json``, ``design.parquet`` and ``points.parquet``."""
    import pandas as pd

    folder = Path(folder)
    for f in ("sweep.json", "design.parquet"):
        if not (folder / f).is_file():
            raise InputError.single(str(folder), None, "", f"not a sweep results folder (no {f})")
    if not (folder / "points.parquet").is_file():
        raise InputError.single(str(folder), None, "", "the sweep has not finished (no points.parquet); "
                                                       "run `ceasefire-sim sweep FILE --resume` first")
    spec = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    points = pd.read_parquet(folder / "points.parquet").sort_values("point").reset_index(drop=True)
    design_df = pd.read_parquet(folder / "design.parquet").sort_values("point")
    design = design_df[list(spec["parameters"])].to_numpy(dtype=np.float64)
    return SweepData(folder, spec, points, design)


def _outcome_values(data: SweepData, outcome: str) -> np.ndarray:
    if outcome not in data.points.columns:
        raise InputError.single("<command line>", None, "--outcome",
                                f"outcome {outcome!r} was not recorded by this sweep; recorded: "
                                f"{', '.join(data.spec['outcomes'])}")
    y = data.points[outcome].to_numpy(dtype=np.float64)
    failed = int((data.points["status"] != "ok").sum())
    if failed:
        raise InputError.single(str(data.folder), None, "", f"{failed} point(s) failed; indices need every point: "
                                                            f"run `ceasefire-sim sweep FILE --resume` to retry them")
    if len(y) != len(data.design):
        raise InputError.single(str(data.folder), None, "", f"points.parquet has {len(y)} rows, the design "
                                                            f"{len(data.design)}")
    return y


def indices(data: SweepData, outcomes: list[str] | None = None):
    """Long table of sensitivity indices: one row per (outcome, parameter)."""
    import pandas as pd

    method = data.spec["sampler"]
    if method not in ("sobol", "morris"):
        return pd.DataFrame()
    rows = []
    for outcome in outcomes or data.spec["outcomes"]:
        y = _outcome_values(data, outcome)
        if np.isnan(y).any():
            n = int(np.isnan(y).sum())
            df = pd.DataFrame({"parameter": data.names, "note": f"undefined at {n} point(s) (e.g. no offer put)"})
        elif method == "sobol":
            df = sobol_indices(data.names, y, second_order=data.spec["second_order"], seed=data.spec["seed"] % 2**32)
        else:
            df = morris_indices(data.names, data.design, y, num_levels=data.spec["morris_levels"],
                                seed=data.spec["seed"] % 2**32)
        df.insert(0, "method", method)
        df.insert(0, "outcome", outcome)
        rows.append(df)
    return pd.concat(rows, ignore_index=True)


def ranking_column(method: str) -> str:
    return "ST" if method == "sobol" else "mu_star"


# -- heatmaps -----------------------------------------------------------------------------------
def heatmap_table(data: SweepData, x: str, y: str, outcome: str, bins: int = 8):
    """Mean of ``outcome`` over the cells of two parameters; returns (xlabels, ylabels, mean, count).

    A levels parameter (or one with at most ``bins`` distinct values, as on a grid) keeps its
    values; a range is cut into ``bins`` equal-width bins.
    """
    for name in (x, y):
        if name not in data.names:
            raise InputError.single("<command line>", None, "--heatmap",
                                    f"{name!r} is not a parameter of this sweep; parameters: {', '.join(data.names)}")
    if x == y:
        raise InputError.single("<command line>", None, "--heatmap", "expected two different parameters")
    pts = data.points[data.points["status"] == "ok"]
    if outcome not in pts.columns:
        _outcome_values(data, outcome)
    vals = pts[outcome].to_numpy(dtype=np.float64)
    ix, xl = _cells(data, x, pts[x], bins)
    iy, yl = _cells(data, y, pts[y], bins)
    total = np.zeros((len(yl), len(xl)))
    count = np.zeros((len(yl), len(xl)), dtype=np.int64)
    ok = ~np.isnan(vals)
    np.add.at(total, (iy[ok], ix[ok]), vals[ok])
    np.add.at(count, (iy[ok], ix[ok]), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return xl, yl, mean, count


def effect_ranking(data: SweepData, outcome: str, bins: int = 8) -> list[str]:
    """Parameters by the spread of the outcome's mean across their values (levels, grid steps
    or bins), largest first; ties keep the file's order. Picks the heatmap axes of grid and
    LHS sweeps, which have no indices: the two parameters along which the outcome moves most."""
    pts = data.points[data.points["status"] == "ok"]
    if outcome not in pts.columns:
        return list(data.names)
    vals = pts[outcome].to_numpy(dtype=np.float64)
    ok = np.isfinite(vals)
    spread = []
    for name in data.names:
        idx, labels = _cells(data, name, pts[name], bins)
        means = [vals[ok & (idx == i)].mean() for i in range(len(labels)) if (ok & (idx == i)).any()]
        spread.append(float(np.ptp(means)) if len(means) > 1 else 0.0)
    order = sorted(range(len(data.names)), key=lambda i: -spread[i])
    return [data.names[i] for i in order]


def _cells(data: SweepData, name: str, column, bins: int) -> tuple[np.ndarray, list[str]]:
    p = data.spec["parameters"][name]
    if "levels" in p:
        from sim.sweeps.spec import SweepParameter
        from sim.sweeps.storage import level_text

        as_text = SweepParameter(name, levels=tuple(p["levels"])).column_type() == "string"
        labels = [level_text(v) if as_text else v for v in p["levels"]]
        lookup = {str(v): i for i, v in enumerate(labels)}
        return np.array([lookup[str(v)] for v in column], dtype=np.int64), [level_text(v) for v in labels]
    values = column.to_numpy(dtype=np.float64)
    uniq = np.unique(values)
    if len(uniq) <= bins:
        idx = np.searchsorted(uniq, values)
        return idx, [number_text(v) for v in uniq]
    lo, hi = p["range"]
    edges = nice_edges(lo, hi, bins)
    idx = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    return idx, [f"{number_text(edges[i])}–{number_text(edges[i + 1])}" for i in range(len(edges) - 1)]


def number_text(v: float) -> str:
    """A number for a tick label: at most 4 significant digits, thousands separated (20,000; 1.75; 0.005)."""
    v = float(f"{float(v):.12g}")
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.4g}"


def nice_edges(lo: float, hi: float, bins: int) -> np.ndarray:
    """At most ``bins`` (+1) bin edges on round numbers (steps of 1, 2, 2.5 or 5 x 10^k)
    covering [lo, hi]; the outer edges are ``lo`` and ``hi`` themselves."""
    if hi <= lo:
        return np.array([lo, hi if hi > lo else lo + 1.0])
    raw = (hi - lo) / bins
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(f * mag for f in (1.0, 2.0, 2.5, 5.0, 10.0) if f * mag >= raw * (1 - 1e-9))
    inner = np.arange(math.floor(lo / step + 1e-9) + 1, math.ceil(hi / step - 1e-9)) * step
    edges = np.concatenate([[lo], inner[(inner > lo) & (inner < hi)], [hi]])
    return np.array([float(f"{e:.12g}") for e in edges])


# -- figures ------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


def plot_indices(df, outcome: str, method: str, path: Path) -> Path:
    """Horizontal bars of S1 and ST (or mu* and sigma) with 95% intervals; parameters by their
    catalogue labels and units."""
    from sim.figures.style import OKABE_ITO, save_png, style_axes, plt
    from sim.output.labels import axis_label, outcome_label

    df = df.sort_values(ranking_column(method), ascending=True)
    names = list(df["parameter"])
    pos = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.5 * len(names)))
    what = outcome_label(outcome)[0]
    if method == "sobol":
        h = 0.38
        ax.barh(pos + h / 2, df["ST"], h, xerr=df["ST_conf"], color=OKABE_ITO[4], label="total (ST)", capsize=3)
        ax.barh(pos - h / 2, df["S1"], h, xerr=df["S1_conf"], color=OKABE_ITO[0], label="first order (S1)", capsize=3)
        style_axes(ax, f"Sobol' indices: {what}", "share of the outcome's variance (95% bootstrap interval)", "")
    else:
        h = 0.38
        ax.barh(pos + h / 2, df["mu_star"], h, xerr=df["mu_star_conf"], color=OKABE_ITO[4], label="mu*", capsize=3)
        ax.barh(pos - h / 2, df["sigma"], h, color=OKABE_ITO[0], label="sigma (interactions)")
        unit = outcome_label(outcome)[1]
        style_axes(ax, f"Morris screening: {what}",
                   f"elementary effect per unit of normalized range{f' [{unit}]' if unit else ''}", "")
    ax.set_yticks(pos)
    ax.set_yticklabels([axis_label(n) for n in names], fontsize=9)
    ax.axvline(0, color="black", lw=0.8)
    ax.legend(loc="lower right", frameon=False)
    return save_png(fig, path)


def colour_range(mean: np.ndarray, probability: bool) -> tuple[float, float]:
    """The colour scale of a heatmap: the cells' own range (auto-scaled, so a probability that
    tops out at 1% is not drawn all one colour on a fixed 0-1 scale)."""
    finite = mean[np.isfinite(mean)]
    if not finite.size:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-12:
        pad = max(abs(hi) * 0.05, 0.005 if probability else 0.5)
        lo, hi = lo - pad, hi + pad
    if probability:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    return lo, hi


def cell_text(v: float, probability: bool, span: float) -> str:
    """A cell's value, with as many digits as the colour range needs to tell cells apart."""
    if probability:
        return f"{100 * v:.0f}%" if span >= 0.1 else f"{100 * v:.1f}%" if span >= 0.01 else f"{100 * v:.2f}%"
    decimals = 2 if span <= 0 else int(min(3, max(0, -math.floor(math.log10(span)))))
    return f"{v:,.{decimals}f}"


def plot_heatmap(xl, yl, mean, count, x: str, y: str, outcome: str, path: Path) -> Path:
    from matplotlib.colors import Normalize

    from sim.figures.style import save_png, plt
    from sim.output.labels import axis_label, outcome_label

    xw = max(len(str(v)) for v in xl)
    yw = max(len(str(v)) for v in yl)
    width = 3.2 + 0.09 * yw + max(4, len(xl)) * max(0.75, 0.085 * xw)
    fig, ax = plt.subplots(figsize=(min(16, width), min(12, 2.6 + 0.55 * max(4, len(yl)))))
    prob = outcome.startswith("p_")
    lo, hi = colour_range(mean, prob)
    norm = Normalize(lo, hi)
    im = ax.imshow(np.ma.masked_invalid(mean), origin="lower", aspect="auto", cmap="viridis", norm=norm)
    cb = fig.colorbar(im, ax=ax)
    what, unit = outcome_label(outcome)
    if prob:
        import matplotlib.ticker

        cb.ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=None))
    cb.set_label(f"{what}{f' [{unit}]' if unit and not prob else ''}\n(mean of the points in a cell;\n"
                 f"colours span the cells' range)")
    ax.set_xticks(range(len(xl)))
    tilt = len(xl) * xw > 40
    ax.set_xticklabels([str(v).replace("_", " ") for v in xl], rotation=30 if tilt else 0,
                       ha="right" if tilt else "center")
    ax.set_yticks(range(len(yl)))
    ax.set_yticklabels([str(v).replace("_", " ") for v in yl])
    ax.set_xlabel(axis_label(x))
    ax.set_ylabel(axis_label(y))
    finite = mean[np.isfinite(mean)]
    same = finite.size > 0 and np.ptp(finite) == 0
    ax.set_title(what + (f": {cell_text(float(finite[0]), prob, 1.0)} in every cell, nothing varies" if same else ""),
                 fontsize=12)
    if mean.size <= 144:
        for (i, j), v in np.ndenumerate(mean):
            if not math.isnan(v):
                ax.text(j, i, cell_text(v, prob, hi - lo), ha="center", va="center", fontsize=8,
                        color="white" if norm(v) < 0.5 else "black")
    return save_png(fig, path)


# -- the whole analysis -------------------------------------------------------------------------
@dataclass
class Analysis:
    folder: Path
    method: str
    indices: Any  # DataFrame
    heatmaps: list[tuple[str, str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The indices as a terminal table, most influential parameter first."""
        if self.indices is None or self.indices.empty:
            return (f"sampler '{self.method}': no sensitivity indices (use a sobol or morris sweep); "
                    f"heatmaps written")
        lines = []
        width = max(len(p) for p in self.indices["parameter"]) + 2
        for outcome, df in self.indices.groupby("outcome", sort=False):
            lines.append("")
            if self.method == "sobol":
                lines.append(f"{outcome}: Sobol' indices (95% interval)")
                lines.append(f"  {'parameter':<{width}}{'first order S1':>22}{'total ST':>22}")
            else:
                lines.append(f"{outcome}: Morris screening (95% interval of mu*)")
                lines.append(f"  {'parameter':<{width}}{'mu*':>22}{'mu':>10}{'sigma':>10}")
            if df["note"].astype(str).str.len().gt(0).all() and ranking_column(self.method) not in df:
                lines.append(f"  {df['note'].iloc[0]}")
                continue
            for _, r in df.sort_values(ranking_column(self.method), ascending=False).iterrows():
                if self.method == "sobol":
                    lines.append(f"  {r['parameter']:<{width}}{r['S1']:>9.3f} +/- {r['S1_conf']:<8.3f}"
                                 f"{r['ST']:>9.3f} +/- {r['ST_conf']:<8.3f}")
                else:
                    lines.append(f"  {r['parameter']:<{width}}{r['mu_star']:>9.4g} +/- {r['mu_star_conf']:<8.3g}"
                                 f"{r['mu']:>10.4g}{r['sigma']:>10.4g}")
            if str(df["note"].iloc[0]):
                lines.append(f"  note: {df['note'].iloc[0]}")
        return "\n".join(lines).lstrip("\n")


def analyze(folder: str | Path, *, outcomes: list[str] | None = None,
            heatmaps: list[tuple[str, str]] | None = None, heatmap_outcome: str | None = None,
            bins: int = 8, figures: bool = True) -> Analysis:
    """Indices per outcome, bar charts and heatmaps into ``<folder>/analysis/``.

    Without ``heatmaps``, one heatmap per outcome across its two most influential
    parameters (for grid and LHS sweeps: the two along which its mean moves most, :func:`effect_ranking`).
    """
    data = load(folder)
    for o in outcomes or []:
        if o not in data.spec["outcomes"]:
            hint = "" if o in statistics.STATISTICS else " (not an outcome name)"
            raise InputError.single("<command line>", None, "--outcome",
                                    f"{o!r}{hint} was not recorded by this sweep; recorded: {', '.join(data.spec['outcomes'])}")
    outcomes = list(outcomes or data.spec["outcomes"])
    method = data.spec["sampler"]
    table = indices(data, outcomes)
    pairs: list[tuple[str, str, str]] = []
    if heatmaps:
        for x, y in heatmaps:
            pairs.append((heatmap_outcome or outcomes[0], x, y))
    elif len(data.names) >= 2:
        for o in outcomes:
            names = None
            if not table.empty:
                sub = table[table["outcome"] == o]
                col = ranking_column(method)
                if col in sub and sub[col].notna().all():
                    names = list(sub.sort_values(col, ascending=False)["parameter"][:2])
            pairs.append((o, *(names or effect_ranking(data, o, bins)[:2])))
    result = Analysis(Path(folder), method, table, pairs)
    # the sweep folder was checked by load(); its analysis/ is ours even if older than manifests
    with staged_folder(Path(folder) / "analysis", force=True, foreign_ok=True) as tmp:
        if not table.empty:
            table.to_csv(tmp / "indices.csv", index=False, float_format="%.6g")
            (tmp / "indices.json").write_bytes(json_bytes(json.loads(table.to_json(orient="records"))))
        (tmp / "figures").mkdir()
        if figures:
            if not table.empty:
                for o, df in table.groupby("outcome", sort=False):
                    if ranking_column(method) in df and df[ranking_column(method)].notna().all():
                        plot_indices(df, o, method, tmp / "figures" / f"indices_{_slug(o)}.png")
            for o, x, y in pairs:
                xl, yl, mean, count = heatmap_table(data, x, y, o, bins)
                plot_heatmap(xl, yl, mean, count, x, y, o, tmp / "figures" / f"heatmap_{_slug(o)}__{_slug(x)}__{_slug(y)}.png")
        written = write_manifest(tmp, {"kind": "sweep-analysis", "method": method, "outcomes": outcomes,
                                       "heatmaps": [list(p) for p in pairs], "bins": bins,
                                       "command": command_line()})
        result.files = written["files"]
    return result
