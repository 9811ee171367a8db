"""Scenario discovery: in which region of the parameter space does a condition hold?

Given a table with one row per *world* - a sweep's points (``points.parquet``: the swept
parameters and each point's statistics) or a single run's replications (``outcomes.*``:
each replication's drawn parameters are its ``param.*`` columns) - and a condition over its
columns (:mod:`sim.analysis.conditions`), three views answer "where does it hold?":

* **PRIM** (Patient Rule Induction Method; Friedman & Fisher 1999, "Bump hunting in
  high-dimensional data", Statistics and Computing 9:123-143), as used for scenario
  discovery by Bryant & Lempert (2010, "Thinking inside the box", Technological
  Forecasting & Social Change 77:34-49), via the ``prim`` package (the standalone version
  of the EMA Workbench's implementation). Peeling shrinks a box around the rows that meet
  the condition one small slice (``peel_alpha``) at a time; each step trades *coverage*
  (share of the rows meeting the condition that lie inside the box) for *density* (share
  of the rows inside the box that meet it). The chosen box is the densest one whose
  coverage is at least ``min_coverage`` (or a step picked by the user), with the
  quasi-p-value of each restriction (a one-sided binomial test of the density with and
  without that restriction; Bryant & Lempert 2010).
* **CART** (Breiman et al. 1984), scikit-learn's ``DecisionTreeClassifier``: a shallow tree
  of yes/no splits, a second, overlapping set of boxes.
* **Feature scores**: impurity importances of an extremely randomized forest (Geurts,
  Ernst & Wehenkel 2006; scikit-learn's ``ExtraTreesClassifier``), as in the EMA
  Workbench's feature scoring: how much each parameter helps separate the rows meeting the
  condition from the others, summing to one.

The heavy libraries are imported lazily; without them :func:`require` raises an
:class:`~sim.scenario.errors.InputError` naming the ``[discover]`` extra (exit code 2).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario import catalog
from sim.scenario.errors import InputError
from sim.engine.rng import stream_key
from sim.output.labels import parameter_label
from sim.output.results import atomic_write, json_bytes, sha256_file, staged_folder
from sim.analysis import conditions

EXTRA_HINT = 'pip install -e ".[discover]"'


def require() -> None:
    """Check that the ``[discover]`` libraries (prim, scikit-learn, pandas) import."""
    missing = []
    for module, dist in (("pandas", "pandas"), ("prim", "prim"), ("sklearn", "scikit-learn")):
        try:
            __import__(module)
        except ImportError:
            missing.append(dist)
    if missing:
        raise InputError.single("<environment>", None, "", f"scenario discovery needs {', '.join(missing)}: "
                                                           f"install the [discover] extra ({EXTRA_HINT})")


# -- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dimension:
    """One parameter of the table: its column, label, unit and the range it was drawn from."""

    column: str
    path: str
    unit: str
    low: float | None = None            # None for a parameter with levels
    high: float | None = None
    levels: tuple[str, ...] | None = None

    @property
    def label(self) -> str:
        """The parameter in words, from the catalogue (:func:`sim.output.labels.parameter_label`),
        with its unit: "Ukraine: value of de facto recognition (pp-years)"."""
        words = parameter_label(self.path)[0]
        return f"{words} ({self.unit})" if self.unit else words

    @property
    def categorical(self) -> bool:
        return self.levels is not None


@dataclass
class Table:
    """Rows (worlds), the parameter columns to explain, and where they came from."""

    folder: Path
    kind: str                  # "sweep" or "run"
    source: Path               # the file the rows were read from
    frame: Any                 # pandas DataFrame
    dimensions: list[Dimension]
    seed: int
    notes: list[str] = field(default_factory=list)

    @property
    def row_word(self) -> str:
        return "points" if self.kind == "sweep" else "replications"


def parameter_unit(path: str) -> str:
    """The unit of a parameter path from the catalog (parameters.yaml, actor profiles)."""
    table = catalog.parameter_table()
    if path in table:
        return table[path].unit
    parts = path.split(".")
    if len(parts) == 4 and parts[0] == "actors":
        try:
            entry = (catalog.profile(parts[1]).get(parts[2]) or {}).get(parts[3]) or {}
        except KeyError:
            return ""
        return str(entry.get("unit", ""))
    if len(parts) == 3 and parts[0] == "actors" and parts[2] == "resolve_sd":
        return "pp-years"
    return ""


def _unit(path: str) -> str:
    """:func:`parameter_unit`, else the unit of the parameter's label (term values: pp-years)."""
    return parameter_unit(path) or parameter_label(path)[1]


def _range(values: np.ndarray, low: float, high: float) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size:
        low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    return low, high


def table_from_sweep(folder: str | Path, spec: dict[str, Any], points) -> Table:
    """The points of a finished sweep (``sweep.json`` as a dict, ``points.parquet`` as a frame)."""
    folder = Path(folder)
    notes = []
    failed = int((points["status"] != "ok").sum())
    if failed:
        notes.append(f"{failed} failed point(s) left out")
        points = points[points["status"] == "ok"].reset_index(drop=True)
    dims = []
    for path, p in spec["parameters"].items():
        if "levels" in p:
            levels = tuple(sorted({str(v) for v in points[path].astype(object)}))
            dims.append(Dimension(path, path, parameter_unit(path), levels=levels))
        else:
            lo, hi = (float(v) for v in p["range"])
            lo, hi = _range(points[path].to_numpy(dtype=np.float64), lo, hi)
            dims.append(Dimension(path, path, parameter_unit(path), lo, hi))
    return Table(folder, "sweep", folder / "points.parquet", points, dims, int(spec["seed"]), notes)


def is_run_folder(folder: Path) -> bool:
    return (folder / "manifest.json").is_file() and any((folder / f).is_file()
                                                        for f in ("outcomes.parquet", "outcomes.csv"))


def load_run(folder: str | Path) -> Table:
    """The replications of a run folder (``outcomes.parquet``, else ``outcomes.csv``)."""
    import pandas as pd

    folder = Path(folder)
    if not is_run_folder(folder):
        raise InputError.single(str(folder), None, "", "not a run or sweep results folder (no manifest.json "
                                                       "with outcomes.csv, nor sweep.json)")
    source, frame = folder / "outcomes.parquet", None
    if source.is_file():
        try:
            frame = pd.read_parquet(source)
        except ImportError:                         # no pyarrow: the CSV has the same rows
            frame = None
    if frame is None:
        source = folder / "outcomes.csv"
        frame = pd.read_csv(source, keep_default_na=False, na_values=["nan", "NaN", ""])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    notes = []
    if source.name == "outcomes.csv" and manifest.get("csv_draws") is False:
        notes.append("outcomes.csv has no actor draws (param.actors.*): they are in outcomes.parquet, which "
                     "needs pyarrow to read, or run with --csv-draws")
    supports: dict[str, tuple[float, float]] = {}
    if (folder / "scenario.yaml").is_file():
        from sim.scenario.schema import load_scenario

        try:
            scenario = load_scenario(folder / "scenario.yaml")
            params = {**scenario.params, **scenario.actor_params()}      # the param.* columns' paths
            supports = {path: p.support() for path, p in params.items() if p.is_random}
        except InputError:
            pass                                    # ranges then come from the drawn values alone
    dims = []
    for col in frame.columns:
        if not str(col).startswith("param."):
            continue
        path = str(col)[len("param."):]
        values = frame[col].to_numpy(dtype=np.float64)
        lo, hi = supports.get(path, (math.inf, -math.inf))
        lo, hi = _range(values, lo, hi)
        dims.append(Dimension(str(col), path, _unit(path), lo, hi))
    if not dims:
        raise InputError.single(str(source), None, "", "no param.* columns: this run drew no parameter at "
                                                       "random, so there is nothing to discover")
    return Table(folder, "run", source, frame, dims, int(manifest.get("seed", 0)), notes)


# -- the three views ----------------------------------------------------------------------------
@dataclass
class Settings:
    peel_alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05
    min_coverage: float = 0.8
    step: int | None = None           # a trajectory step chosen by the user
    tree_depth: int = 3
    trees: int = 250


@dataclass
class Limit:
    """The chosen box along one parameter."""

    dimension: Dimension
    restricted: bool
    low: float | None = None
    high: float | None = None
    levels: tuple[str, ...] | None = None
    quasi_p: float | None = None


@dataclass
class Discovery:
    table: Table
    condition: str
    met: np.ndarray
    used_rows: int
    undefined_rows: int
    dimensions: list[Dimension]        # those analysed (constant columns left out)
    trajectory: Any                    # DataFrame: step, coverage, density, mass, res_dim, restricted
    chosen: int
    chosen_reason: str
    limits: list[Limit]
    tree_text: str
    tree_accuracy: float
    tree: Any                          # the fitted DecisionTreeClassifier
    feature_names: list[str]           # the tree's input columns (levels one-hot)
    scores: Any                        # DataFrame: parameter, label, importance, std
    oob_accuracy: float | None
    settings: Settings
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def box(self) -> dict[str, float]:
        return {k: float(self.trajectory.loc[self.chosen, k]) for k in ("coverage", "density", "mass")}


def _random_state(seed: int, name: str) -> int:
    """A scikit-learn seed from the keyed streams (:mod:`sim.engine.rng`), never ``seed + i``."""
    return int(stream_key(seed, f"discover:{name}") % np.uint64(2**32))


def _prim_frame(table: Table, rows: np.ndarray, dims: list[Dimension]):
    import pandas as pd

    cols = {}
    for d in dims:
        s = table.frame[d.column][rows].reset_index(drop=True)
        cols[d.column] = s.astype(str).astype(object) if d.categorical else s.astype(np.float64)
    return pd.DataFrame(cols)


def _box_limits(lims, init, dims: list[Dimension]) -> list[tuple[bool, Any, Any]]:
    out = []
    for d in dims:
        lo, hi = lims[d.column][0], lims[d.column][1]
        if d.categorical:
            kept = tuple(sorted(lo))
            out.append((set(kept) != set(init[d.column][0]), kept, None))
        else:
            out.append((bool(lo > init[d.column][0] or hi < init[d.column][1]), float(lo), float(hi)))
    return out


def run_prim(table: Table, rows: np.ndarray, y: np.ndarray, dims: list[Dimension], settings: Settings):
    """Peel a PRIM box; return (trajectory DataFrame, the box object, per-step limits).

    prim 1.0 keeps each step's limits in ``PrimBox._box_lims`` (its docstring calls them
    ``box_lims``); its ``limits`` property fails on categorical parameters under pandas 3,
    so the limits are read from there, and the quasi-p-values (Bryant & Lempert 2010: a
    one-sided binomial test of the box's density with each restriction dropped) from
    ``PrimBox._calculate_quasi_p``. ``prim`` is pinned below 2 in pyproject.toml.
    """
    import pandas as pd
    import prim

    x = _prim_frame(table, rows, dims)
    p = prim.Prim(x, y.astype(bool), peel_alpha=settings.peel_alpha, paste_alpha=settings.paste_alpha,
                  mass_min=settings.mass_min)
    box = p.find_box()
    lims = box._box_lims
    init = lims[0]
    traj = box.peeling_trajectory.reset_index(drop=True)
    restricted = []
    for i in range(len(traj)):
        names = [d.path for d, (r, _, _) in zip(dims, _box_limits(lims[i], init, dims)) if r]
        restricted.append(", ".join(names))
    frame = pd.DataFrame({"step": np.arange(len(traj)), "coverage": traj["coverage"].astype(float),
                          "density": traj["density"].astype(float), "mass": traj["mass"].astype(float),
                          "res_dim": traj["res dim"].astype(int), "restricted": restricted})
    return frame, box, lims


def choose_step(trajectory, min_coverage: float, step: int | None) -> tuple[int, str]:
    """The densest step whose coverage is at least ``min_coverage`` (ties: more coverage)."""
    if step is not None:
        if not 0 <= step < len(trajectory):
            raise InputError.single("<command line>", None, "--step",
                                    f"the peeling trajectory has steps 0-{len(trajectory) - 1}, not {step}")
        return step, "chosen with --step"
    ok = trajectory[trajectory["coverage"] >= min_coverage - 1e-12]
    best = ok.sort_values(["density", "coverage", "step"], ascending=[False, False, True]).iloc[0]
    return int(best["step"]), f"the densest box with coverage >= {100 * min_coverage:.0f}%"


def _design_matrix(table: Table, rows: np.ndarray, dims: list[Dimension]):
    """Numbers for scikit-learn: ranges as they are, levels one-hot (``name=level``)."""
    import pandas as pd

    cols, owner = {}, []
    for d in dims:
        s = table.frame[d.column][rows].reset_index(drop=True)
        if d.categorical:
            s = s.astype(str)
            for level in d.levels:
                cols[f"{d.path}={level}"] = (s == level).astype(np.float64)
                owner.append(d.path)
        else:
            cols[d.path] = s.astype(np.float64)
            owner.append(d.path)
    return pd.DataFrame(cols), owner


def run_tree(x, y: np.ndarray, depth: int, seed: int):
    from sklearn.tree import DecisionTreeClassifier, export_text

    leaf = max(5, int(0.02 * len(y)))
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf, random_state=_random_state(seed, "cart"))
    tree.fit(x.to_numpy(), y)
    text = export_text(tree, feature_names=list(x.columns), class_names=["no", "yes"], decimals=4,
                       show_weights=True)
    return tree, text, float(tree.score(x.to_numpy(), y))


def feature_scores(x, y: np.ndarray, owner: list[str], dims: list[Dimension], trees: int, seed: int):
    """Extra-trees impurity importance per parameter (one-hot levels summed), sums to one."""
    import pandas as pd
    from sklearn.ensemble import ExtraTreesClassifier

    forest = ExtraTreesClassifier(n_estimators=trees, max_features=0.6, bootstrap=True, oob_score=True,
                                  min_samples_leaf=max(1, int(0.01 * len(y))), n_jobs=1,
                                  random_state=_random_state(seed, "extra_trees"))
    forest.fit(x.to_numpy(), y)
    # as scikit-learn's feature_importances_: the mean over the trees that split at all
    per_tree = np.array([t.feature_importances_ for t in forest.estimators_ if t.tree_.node_count > 1]
                        or [np.zeros(x.shape[1])])
    names = [d.path for d in dims]
    index = {n: i for i, n in enumerate(names)}
    agg = np.zeros((per_tree.shape[0], len(names)))
    for j, o in enumerate(owner):
        agg[:, index[o]] += per_tree[:, j]
    mean = agg.mean(axis=0)
    total = mean.sum()
    df = pd.DataFrame({"parameter": names, "label": [d.label for d in dims],
                       "importance": mean / total if total > 0 else mean, "std": agg.std(axis=0)})
    df = df.sort_values(["importance", "parameter"], ascending=[False, True]).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df, float(forest.oob_score_)


def discover(table: Table, condition: str, settings: Settings | None = None) -> Discovery:
    """PRIM box, CART tree and feature scores of the rows of ``table`` that meet ``condition``."""
    require()
    settings = settings or Settings()
    ev = conditions.evaluate(condition, table.frame)
    rows = ~ev.undefined
    y = ev.met[rows]
    n = int(rows.sum())
    meets = int(y.sum())
    if meets == 0 or meets == n:
        what = "no" if meets == 0 else "every"
        hint = "; ".join(f"{text!r} never occurs in {col} (values: {', '.join(vals[:12])})"
                         for col, text, vals in ev.unknown_values)
        raise conditions.ConditionError.single(
            "<command line>", None, "condition",
            f"{condition!r} holds in {what} one of the {n:,} {table.row_word} with a defined value: there is "
            f"nothing to tell apart" + (f" ({hint})" if hint else ""))
    dims, notes = [], list(table.notes)
    for d in table.dimensions:
        values = table.frame[d.column][rows]
        if values.nunique(dropna=True) > 1:
            dims.append(d)
        else:
            notes.append(f"{d.path} is constant and left out")
    if not dims:
        raise InputError.single(str(table.source), None, "", "every parameter is constant: nothing to discover")
    traj, box, lims = run_prim(table, rows, y, dims, settings)
    chosen, reason = choose_step(traj, settings.min_coverage, settings.step)
    box.select(chosen)
    qp = {k: float(v) for k, v in box._calculate_quasi_p(chosen).items()}
    limits = [Limit(d, r, lo if not d.categorical else None, hi if not d.categorical else None,
                    lo if d.categorical else None, qp.get(d.column))
              for d, (r, lo, hi) in zip(dims, _box_limits(lims[chosen], lims[0], dims))]
    x, owner = _design_matrix(table, rows, dims)
    tree, text, acc = run_tree(x, y, settings.tree_depth, table.seed)
    scores, oob = feature_scores(x, y, owner, dims, settings.trees, table.seed)
    return Discovery(table, condition, ev.met, n, int(ev.undefined.sum()), dims, traj, chosen, reason, limits,
                     text, acc, tree, list(x.columns), scores, oob, settings, notes)


# -- text and files -----------------------------------------------------------------------------
def _num(v: float) -> str:
    return f"{v:.4g}"


def format_discovery(r: Discovery, every: int | None = None, top: int = 15) -> str:
    """The result as terminal text: counts, trajectory (about 12 steps), box, tree, top feature scores."""
    t = r.table
    meets = int(r.met.sum())
    lines = [f"{r.condition!r} holds in {meets:,} of {r.used_rows:,} {t.row_word} "
             f"({100 * meets / r.used_rows:.1f}%) of {t.source}"]
    if r.undefined_rows:
        lines.append(f"  ({r.undefined_rows:,} {t.row_word} left out: a column of the condition is undefined there)")
    for note in r.notes:
        lines.append(f"  note: {note}")
    lines += ["", "PRIM peeling trajectory (coverage: share of the rows meeting the condition inside the box; "
                  "density: share of the box's rows meeting it; mass: share of all rows inside the box)",
              f"  {'step':>4}  {'coverage':>8}  {'density':>8}  {'mass':>6}  {'restricted':>10}"]
    traj = r.trajectory
    every = every or max(1, math.ceil(len(traj) / 12))
    for i, row in traj.iterrows():
        if i % every and i != r.chosen and i != len(traj) - 1:
            continue
        mark = "*" if i == r.chosen else " "
        lines.append(f"{mark} {int(row['step']):>4}  {100 * row['coverage']:>7.1f}%  {100 * row['density']:>7.1f}%  "
                     f"{100 * row['mass']:>5.1f}%  {int(row['res_dim']):>10}")
    lines.append(f"  (every step, with the parameters each restricts: trajectory.csv; * = chosen)")
    b = r.box
    lines += ["", f"chosen box: step {r.chosen} ({r.chosen_reason}): coverage {100 * b['coverage']:.1f}%, "
                  f"density {100 * b['density']:.1f}%, {100 * b['mass']:.1f}% of the {t.row_word}"]
    width = max(len(lim.dimension.path) for lim in r.limits) + 2
    texts = []
    restricted = sorted((lim for lim in r.limits if lim.restricted), key=lambda lim: lim.quasi_p or 0.0)
    if not restricted:
        lines.append("  the box restricts no parameter")
    for lim in restricted:
        d = lim.dimension
        if d.categorical:
            texts.append(("{" + ", ".join(lim.levels) + "}", "{" + ", ".join(d.levels) + "}"))
        else:
            texts.append((f"{_num(lim.low)} - {_num(lim.high)}", f"{_num(d.low)} - {_num(d.high)}"))
    wb = max([len(b) for b, _ in texts] + [10]) + 2
    wr = max([len(g) for _, g in texts] + [10]) + 2
    if restricted:
        lines.append(f"  {'parameter':<{width}}{'box':<{wb}}   {'range':<{wr}}quasi-p  unit")
    for lim, (box, rng) in zip(restricted, texts):
        d = lim.dimension
        lines.append(f"  {d.path:<{width}}{box:<{wb}}of {rng:<{wr}}{lim.quasi_p:<7.2g}  {d.unit}".rstrip())
    base = 100 * max(meets, r.used_rows - meets) / r.used_rows
    lines += ["", f"CART tree (depth <= {r.settings.tree_depth}; accuracy on these rows {100 * r.tree_accuracy:.1f}%, "
                  f"against {base:.1f}% for always giving the commoner answer; 'class: yes' = meets the condition, "
                  f"weights = [rows not meeting, meeting])"]
    lines += ["  " + s for s in r.tree_text.rstrip().splitlines()]
    oob = f", out-of-bag accuracy {100 * r.oob_accuracy:.1f}% (commoner answer: {base:.1f}%)" \
        if r.oob_accuracy is not None else ""
    lines += ["", f"feature scores (extra-trees impurity importance, {r.settings.trees} trees{oob}; sum to 1)"]
    for _, row in r.scores.head(top).iterrows():
        lines.append(f"  {int(row['rank']):>2}. {row['parameter']:<{width}}{row['importance']:.3f} +/- {row['std']:.3f}")
    if len(r.scores) > top:
        lines.append(f"  ... {len(r.scores) - top} more in feature_scores.csv")
    return "\n".join(lines)


def box_records(r: Discovery) -> list[dict[str, Any]]:
    out = []
    for lim in r.limits:
        d = lim.dimension
        out.append({"parameter": d.path, "column": d.column, "unit": d.unit, "restricted": lim.restricted,
                    "box_low": lim.low, "box_high": lim.high,
                    "box_levels": "|".join(lim.levels) if lim.levels is not None else None,
                    "range_low": d.low, "range_high": d.high,
                    "range_levels": "|".join(d.levels) if d.levels is not None else None,
                    "quasi_p": lim.quasi_p})
    return out


def tree_labels(r: Discovery) -> list[str]:
    """The tree's input columns in words (a level's column ``path=level`` -> "label = level"),
    for the figure; ``tree.txt`` keeps the paths, which a condition can use."""
    words = {d.path: parameter_label(d.path)[0] for d in r.dimensions}
    out = []
    for name in r.feature_names:
        if name in words:
            out.append(words[name])
        else:
            path, _, level = name.rpartition("=")
            out.append(f"{words[path]} = {level}" if path in words else name)
    return out


def default_name(condition: str) -> str:
    """A folder name for a condition: ``p_ceasefire_holds > 0.5`` -> ``p_ceasefire_holds-gt-0.5``."""
    words = {"==": "-eq-", "!=": "-ne-", "<=": "-le-", ">=": "-ge-", "<": "-lt-", ">": "-gt-"}
    out = []
    for tok in conditions.tokenize(condition)[:-1]:
        if tok.kind == "op":
            out.append(words[tok.text])
        elif tok.kind == "string":
            out.append(tok.text[1:-1])
        elif tok.kind == "keyword":
            out.append(f"-{tok.text}-")
        elif tok.kind == "paren":
            continue
        else:
            out.append(tok.text)
    name = re.sub(r"[^A-Za-z0-9_.=+-]+", "_", "".join(out))
    name = re.sub(r"-{2,}", "-", name).strip("-_.")
    return name[:120] or "condition"


def default_folder(table_folder: Path, condition: str) -> Path:
    return Path(table_folder) / "discovery" / default_name(condition)


def write_discovery(r: Discovery, target: Path, *, force: bool = False, figures: bool = True,
                    command: str = "") -> list[str]:
    """Write the box, trajectory, tree, scores, figures and a manifest into ``target`` (atomically)."""
    import pandas as pd

    from sim import __version__
    import prim
    import sklearn

    from sim.figures import discovery as plots

    with staged_folder(target, force=force) as tmp:
        b = r.box
        box = {"condition": r.condition, "source": str(r.table.source), "rows": r.used_rows,
               "rows_meeting": int(r.met.sum()), "rows_undefined": r.undefined_rows,
               "step": r.chosen, "chosen_because": r.chosen_reason,
               "coverage": b["coverage"], "density": b["density"], "mass": b["mass"],
               "limits": box_records(r)}
        (tmp / "box.json").write_bytes(json_bytes(_clean(box)))
        pd.DataFrame(box_records(r)).to_csv(tmp / "box.csv", index=False)   # exact: limits are data values
        r.trajectory.to_csv(tmp / "trajectory.csv", index=False, float_format="%.6g")
        r.scores.to_csv(tmp / "feature_scores.csv", index=False, float_format="%.6g")
        (tmp / "tree.txt").write_text(r.tree_text, encoding="utf-8")
        (tmp / "discovery.txt").write_text(format_discovery(r) + "\n", encoding="utf-8")
        if figures:
            fig = tmp / "figures"
            fig.mkdir()
            plots.tradeoff(r.trajectory, r.chosen, r.condition, fig / "tradeoff.png")
            plots.box_limits(r.limits, b, r.condition, fig / "box_limits.png")
            plots.tree(r.tree, tree_labels(r), r.condition, fig / "tree.png")
            plots.feature_scores(r.scores, r.condition, fig / "feature_scores.png")
        files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "package": "ceasefire-sim", "version": __version__, "kind": "discovery",
            "condition": r.condition, "table": r.table.kind, "source": str(r.table.source),
            "source_sha256": sha256_file(r.table.source), "seed": r.table.seed,
            "settings": {k: getattr(r.settings, k) for k in r.settings.__dataclass_fields__},
            "libraries": {"prim": prim.__version__, "scikit-learn": sklearn.__version__, "pandas": pd.__version__},
            "command": command, "files": files + ["manifest.json"],
            "sha256": {f: sha256_file(tmp / f) for f in files},
        }
        atomic_write(tmp / "manifest.json", json_bytes(manifest))
    r.files = files + ["manifest.json"]
    return r.files


def _clean(obj):
    """JSON-safe: NaN/inf -> None, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj
