"""Figures of a calibration (:mod:`sim.calibration`): prior against posterior per parameter, a
pairs plot of the most-updated parameters, the predictive check of every target and the
ABC-SMC diagnostics.

The functions take plain arrays and dicts (figures sit below the calibration in the layout).
Same conventions as the other figures: Okabe-Ito colours, Agg backend, PNG without a timestamp.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np

from sim.figures.style import OKABE_ITO, save_png, style_axes, plt

PRIOR, POSTERIOR, OBSERVED = "#BBBBBB", OKABE_ITO[4], OKABE_ITO[5]


def _bins(prior: np.ndarray, post: np.ndarray, n: int = 30) -> np.ndarray:
    both = np.concatenate([prior, post])
    lo, hi = float(np.min(both)), float(np.max(both))
    if hi <= lo:
        hi = lo + 1e-9
    return np.linspace(lo, hi, n + 1)


def parameter(name: str, unit: str, prior: np.ndarray, post: np.ndarray, weights: np.ndarray,
              row: dict, path: Path) -> Path:
    """Prior (grey) against the weighted posterior (blue) of one parameter."""
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    bins = _bins(prior, post)
    ax.hist(prior, bins=bins, density=True, color=PRIOR, label="prior", alpha=0.9)
    ax.hist(post, bins=bins, weights=weights, density=True, histtype="stepfilled", color=POSTERIOR,
            alpha=0.55, label="posterior")
    ax.axvline(row["posterior_median"], color=POSTERIOR, lw=1.5)
    ax.legend(frameon=False, fontsize=8)
    style_axes(ax, "\n".join(textwrap.wrap(f"{name}: update {row['update']:.2f}, shrinkage "
                                           f"{row['shrinkage']:.2f}", 70)), unit or "value", "density")
    return save_png(fig, path)


def parameters_grid(rows: list[dict], prior: dict[str, np.ndarray], post: dict[str, np.ndarray],
                    weights: np.ndarray, path: Path, title: str) -> Path:
    """The most-updated parameters, prior against posterior, one small panel each."""
    k = len(rows)
    cols = min(4, k)
    nrows = math.ceil(k / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.4 * cols, 2.5 * nrows), squeeze=False)
    for ax in axes.flat[k:]:
        ax.axis("off")
    for ax, row in zip(axes.flat, rows):
        name = row["parameter"]
        bins = _bins(prior[name], post[name], 24)
        ax.hist(prior[name], bins=bins, density=True, color=PRIOR)
        ax.hist(post[name], bins=bins, weights=weights, density=True, color=POSTERIOR, alpha=0.55)
        ax.set_title("\n".join(textwrap.wrap(name, 34)) + f"\nupdate {row['update']:.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    fig.suptitle(title + " (grey: prior, blue: posterior)", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def pairs(names: list[str], values: np.ndarray, weights: np.ndarray, path: Path) -> Path:
    """Pairs plot of the posterior: histograms on the diagonal, weighted scatter below it."""
    k = len(names)
    fig, axes = plt.subplots(k, k, figsize=(2.2 * k + 0.6, 2.2 * k + 0.6), squeeze=False)
    size = 4 + 60 * weights / max(float(weights.max()), 1e-12)
    for i in range(k):
        for j in range(k):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(values[:, i], bins=20, weights=weights, color=POSTERIOR, alpha=0.8)
                ax.set_yticks([])
            else:
                ax.scatter(values[:, j], values[:, i], s=size, color=POSTERIOR, alpha=0.45, edgecolor="none")
            ax.tick_params(labelsize=6)
            if i == k - 1:
                ax.set_xlabel("\n".join(textwrap.wrap(names[j], 22)), fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel("\n".join(textwrap.wrap(names[i], 22)), fontsize=7)
    fig.suptitle("posterior of the most-updated parameters (dot size: particle weight)", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def predictive(rows: list[dict], prior: np.ndarray, post: np.ndarray, path: Path) -> Path:
    """Every target: the record (orange line or band) against the prior and posterior predictive."""
    k = len(rows)
    cols = min(3, k)
    nrows = math.ceil(k / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 2.6 * nrows), squeeze=False)
    for ax in axes.flat[k:]:
        ax.axis("off")
    for j, (ax, row) in enumerate(zip(axes.flat, rows)):
        a, b = prior[:, j], post[:, j]
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        pts = [v for v in (row["observed"], row["band_low"], row["band_high"]) if v is not None and math.isfinite(v)]
        both = np.concatenate([a, b, np.asarray(pts, dtype=float)])
        if both.size:
            bins = _bins(both, both, 24)
            if a.size:
                ax.hist(a, bins=bins, density=True, color=PRIOR, label="prior predictive")
            if b.size:
                ax.hist(b, bins=bins, density=True, color=POSTERIOR, alpha=0.6, label="posterior predictive")
        if row["observed"] is not None:
            ax.axvline(row["observed"], color=OBSERVED, lw=2, label="record")
            ax.axvspan(row["observed"] - 2 * row["sd"], row["observed"] + 2 * row["sd"], color=OBSERVED, alpha=0.12)
        else:
            lo = row["band_low"] if row["band_low"] is not None and math.isfinite(row["band_low"]) else ax.get_xlim()[0]
            hi = row["band_high"] if row["band_high"] is not None and math.isfinite(row["band_high"]) \
                else ax.get_xlim()[1]
            ax.axvspan(lo, hi, color=OBSERVED, alpha=0.2, label="record (band)")
        ax.set_title("\n".join(textwrap.wrap(row["target"], 40)), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
        if j == 0:
            ax.legend(frameon=False, fontsize=6)
    fig.suptitle("posterior predictive check of every target", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def diagnostics(generations: list[dict], population: int, path: Path) -> Path:
    """Epsilon, acceptance rate and effective sample size per ABC-SMC generation."""
    t = [g["generation"] for g in generations]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    axes[0].plot(t, [g["epsilon"] for g in generations], marker="o", color=POSTERIOR)
    style_axes(axes[0], "acceptance distance (epsilon)", "generation", "epsilon")
    axes[1].plot(t, [g["acceptance_rate"] for g in generations], marker="o", color=OKABE_ITO[2])
    style_axes(axes[1], "acceptance rate", "generation", "accepted / simulated")
    axes[2].plot(t, [g["ess"] for g in generations], marker="o", color=OKABE_ITO[6])
    axes[2].axhline(population, color="#999999", lw=0.8, ls="--")
    style_axes(axes[2], f"effective sample size (of {population})", "generation", "ESS")
    for ax in axes:
        ax.set_xticks(t)
    fig.tight_layout()
    return save_png(fig, path)
