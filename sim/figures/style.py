"""Shared look of every figure: the palette, axes style and PNG writing (matplotlib, Agg).

Colours (:mod:`sim.figures.palette`, which needs no matplotlib): the Okabe-Ito palette
(Okabe & Ito 2008), safe for colour-blind readers; each outcome class and each actor keeps
its colour in every figure.
"""

from __future__ import annotations

import textwrap
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


#: Slack (pixels) a text may touch the canvas edge by before it is wrapped.
EDGE_PX = 1.0


def _drawn_texts(fig, renderer):
    """The text artists that are drawn: titles, labels, legends, annotations, visible tick labels."""
    from matplotlib.text import Text

    ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks.update(id(t.label1) for t in axis.get_major_ticks() + axis.get_minor_ticks())
            ticks.update(id(t.label2) for t in axis.get_major_ticks() + axis.get_minor_ticks())
    drawn = [] if not fig.axes else [t for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
                                     for tick in axis._update_ticks() for t in (tick.label1, tick.label2)
                                     if t.get_visible()]
    others = [t for t in fig.findobj(Text) if id(t) not in ticks]
    return [t for t in others + drawn if t.get_visible() and t.get_text().strip()
            and t.get_figure(root=True) is fig]


def overflowing_texts(fig) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Texts whose extent leaves the canvas: ``(text, (x0, y0, x1, y1) in pixels)``."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    out = []
    for t in _drawn_texts(fig, renderer):
        bb = t.get_window_extent(renderer)
        if (bb.x0 < box.x0 - EDGE_PX or bb.x1 > box.x1 + EDGE_PX
                or bb.y0 < box.y0 - EDGE_PX or bb.y1 > box.y1 + EDGE_PX):
            out.append((t.get_text(), (bb.x0, bb.y0, bb.x1, bb.y1)))
    return out


def _overflow(bb, box) -> tuple[float, float]:
    return max(0.0, box.x0 - bb.x0), max(0.0, bb.x1 - box.x1)


def _narrow(t, ratio: float) -> bool:
    """Wrap ``t`` onto more lines, its longest line about ``ratio`` of what it is; False if it cannot."""
    lines = t.get_text().split("\n")
    longest = max(len(line) for line in lines)
    chars = max(6, min(longest - 1, int(longest * 0.95 * ratio)))
    wrapped = "\n".join(textwrap.fill(line, chars, break_long_words=False) if len(line) > chars else line
                         for line in lines)
    if wrapped == t.get_text():
        return False
    t.set_text(wrapped)
    return True


def _wrap(t, renderer, box) -> bool:
    """Wrap a text that sticks out of the canvas along its own direction (sideways; up or
    down for a vertical label, e.g. a colour bar's) so it fits."""
    bb = t.get_window_extent(renderer)
    vertical = abs(((t.get_rotation() + 45) % 180) - 45) > 45          # about 90 or 270 degrees
    if vertical:
        low, high = max(0.0, box.y0 - bb.y0), max(0.0, bb.y1 - box.y1)
        length = bb.height
    else:
        low, high = _overflow(bb, box)
        length = bb.width
    if low <= EDGE_PX and high <= EDGE_PX:
        return False
    centred = (t.get_verticalalignment() if vertical else t.get_horizontalalignment()) in ("center", "center_baseline")
    centred = centred or vertical                                   # rotated labels are centred on the axis
    allowed = length - (2 * max(low, high) if centred else low + high)
    return _narrow(t, max(allowed, 1.0) / max(length, 1.0))


def _wrap_legend(legend, renderer, box) -> bool:
    """Wrap every entry of a legend that sticks out sideways (the entries share its width)."""
    bb = legend.get_window_extent(renderer)
    left, right = _overflow(bb, box)
    if left <= EDGE_PX and right <= EDGE_PX:
        return False
    ratio = max(bb.width - 2 * max(left, right), 1.0) / max(bb.width, 1.0)
    return any([_narrow(t, ratio) for t in legend.get_texts() if t.get_text().strip()])


def _layout_without_rendering(fig):
    """Place every artist as a draw would (ticks, titles, axis labels), but rasterize nothing;
    return the renderer. The texts' extents are the same as after ``fig.canvas.draw()``, at a
    fraction of its cost (no glyph is rendered, no path filled; issue 18)."""
    renderer = fig.canvas.get_renderer()
    with renderer._draw_disabled():
        fig.draw(renderer)
    return renderer


def fit_text(fig, rounds: int = 8) -> None:
    """Lay ``fig`` out so every text fits the canvas: tight layout, then wrap whatever sticks
    out sideways (legends as a whole, titles, long labels) onto more lines and lay out again.

    The layout is measured without rendering (:func:`_layout_without_rendering`), and the
    figure is left with no layout engine: ``tight_layout`` leaves a placeholder engine behind,
    which makes ``savefig`` lay the figure out once more before it draws (it changes nothing).
    """
    import warnings

    for _ in range(rounds):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # "tight_layout not applied" on crowded figures
            fig.tight_layout()
        fig.set_layout_engine(None)
        renderer = _layout_without_rendering(fig)
        legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
        in_legends = {id(t) for lg in legends for t in lg.get_texts()}
        changed = [_wrap_legend(lg, renderer, fig.bbox) for lg in legends]
        if not any(changed):
            changed = [_wrap(t, renderer, fig.bbox) for t in _drawn_texts(fig, renderer) if id(t) not in in_legends]
        if not any(changed):
            return


#: zlib level of the PNG files: 1 writes the same pixels in about half the time of PIL's
#: default 6, in files about 7% larger (issue 18).
PNG_COMPRESS_LEVEL = 1


def save_png(fig, path: Path) -> Path:
    fit_text(fig)
    fig.savefig(path, dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    plt.close(fig)
    return path
