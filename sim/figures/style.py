"""Shared look of every figure: the palette, axes style and PNG writing (matplotlib, Agg).

Colours (:mod:`sim.figures.palette`, which needs no matplotlib): the Okabe-Ito palette
(Okabe & Ito 2008), safe for colour-blind readers; each outcome class and each actor keeps
its colour in every figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.figures.palette import ACTOR_COLOURS, CLASS_COLOURS, DPI, OKABE_ITO  # noqa: E402,F401


def style_axes(ax, title, xlabel, ylabel):
    ax.set_title(title, fontsize=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def save_png(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path
