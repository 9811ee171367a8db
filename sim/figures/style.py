"""Shared look of every figure: the palette, axes style and PNG writing (matplotlib, Agg).

Colours: the Okabe-Ito palette (Okabe & Ito 2008), safe for colour-blind readers; each
outcome class and each actor keeps its colour in every figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.engine.model import OUTCOME_CLASSES  # noqa: E402

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
CLASS_COLOURS = dict(zip(OUTCOME_CLASSES, ["#D55E00", "#009E73", "#E69F00", "#F0E442", "#0072B2", "#CC79A7"]))
ACTOR_COLOURS = {"russia": "#D55E00", "ukraine": "#0072B2", "united_states": "#56B4E9", "europe": "#009E73"}
DPI = 110


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
