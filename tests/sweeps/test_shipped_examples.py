"""Every example command in the headers of ``scenarios/sweeps/*.yaml`` runs (small N) and
draws figures worth seeing: no heatmap all one value, no index chart of zeros, labels in
words with units rather than dotted paths and internal keys (issue 19: the shipped heatmap
showed every cell 0.00)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

ROOT = Path(__file__).resolve().parents[2]
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
#: Small budgets: (points, replications) per sampler, so the examples run in seconds.
SMALL = {"sobol": 4, "morris": 2, "grid": None, "lhs": 40}
REPLICATIONS = 30    # the file's horizon is kept: what is degenerate depends on it
CODE_LIKE = re.compile(r"offers\[\d\]|\b[a-z]+_[a-z_]+\.[a-z_]+|\bp_[a-z_]+\b|_median\b")


def header_commands(path: Path) -> list[list[str]]:
    """The ``ceasefire-sim ...`` commands of a file's comment header (continuations and && joined)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    text = "\n".join(lines).replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        for part in line.split("&&"):
            m = re.search(r"ceasefire-sim\s+(.*)$", part.strip())
            if m:
                commands.append(shlex.split(m.group(1)))
    return commands


def small_copy(path: Path, folder: Path) -> Path:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["scenario"] = str((path.parent / data["scenario"]).resolve())
    data["replications"] = REPLICATIONS
    if SMALL[data["sampler"]]:
        data["points"] = SMALL[data["sampler"]]
    out = folder / "scenarios" / "sweeps" / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


@pytest.fixture
def figures(monkeypatch):
    seen: list[dict] = []
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        images = [a for ax in self.axes for a in ax.get_images() if isinstance(a, AxesImage)]
        main = [ax for ax in self.axes if ax.get_label() != "<colorbar>"]
        seen.append({
            "name": Path(str(fname)).name,
            "images": [np.ma.filled(np.ma.masked_invalid(im.get_array()).astype(float), np.nan) for im in images],
            "norms": [(im.norm.vmin, im.norm.vmax) for im in images],
            "cells": [t.get_text() for ax in main for t in ax.texts],
            "bars": [p.get_width() for ax in main for p in ax.patches if hasattr(p, "get_width")],
            "labels": [ax.get_xlabel() for ax in main] + [ax.get_ylabel() for ax in main]
                      + [ax.get_title() for ax in main]
                      + [t.get_text() for ax in main for t in ax.get_yticklabels() + ax.get_xticklabels()]})
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen


def test_every_shipped_sweep_has_example_commands():
    assert len(SWEEPS) >= 3
    for path in SWEEPS:
        cmds = header_commands(path)
        assert cmds and cmds[0][:2] == ["sweep", f"scenarios/sweeps/{path.name}"], path.name
        assert any(c[0] == "sweep-analyze" for c in cmds), path.name


@pytest.mark.parametrize("path", SWEEPS, ids=lambda p: p.stem)
def test_the_example_commands_draw_figures_worth_seeing(path, tmp_path, cli, figures, monkeypatch):
    small_copy(path, tmp_path)
    monkeypatch.chdir(tmp_path)                  # the commands' relative paths land in tmp_path
    for args in header_commands(path):
        if args[0] == "sweep":
            args = [*args, "--workers", "1", "--quiet"]
        code, out, err = cli(*args)
        assert code == 0, (args, err)
    drawn = [f for f in figures if f["name"].endswith(".png")]
    assert drawn, "the examples drew no figure"
    for f in drawn:
        for img, (vmin, vmax) in zip(f["images"], f["norms"]):
            finite = img[np.isfinite(img)]
            assert finite.size and np.ptp(finite) > 0, f"{f['name']}: every cell the same"
            tol = 1e-9 * (1 + abs(finite).max())
            assert finite.min() - tol <= vmin and vmax <= finite.max() + tol, \
                f"{f['name']}: colours span {vmin}..{vmax}, the cells {finite.min()}..{finite.max()}"
        if f["images"] and f["cells"]:
            assert len(set(f["cells"])) > 1, f"{f['name']}: every cell reads {f['cells'][0]!r}"
        if f["name"].startswith("indices_"):
            assert max(f["bars"]) > 0, f"{f['name']}: all bars zero"
        code_like = [t for t in f["labels"] if CODE_LIKE.search(t)]
        assert not code_like, f"{f['name']}: labels in code: {code_like}"
