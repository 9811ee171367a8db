"""Progress bars for long work: a tqdm bar on a terminal, nothing on a pipe or when quiet.

Library functions take a plain callback (``progress(done, total)`` or ``progress(n)``) and
know nothing of terminals; the commands turn it into a bar with :func:`bar`. A future
command (``design``, say) gets the same behaviour with::

    with progress.bar(total, "design", enabled=not quiet) as update:
        for i, point in enumerate(points):
            ...
            update(i + 1)                 # absolute count done (or update.advance(1))

The bar is drawn on ``stream`` (standard error by default) only when ``enabled`` and the
stream is a terminal (``isatty()``): a pipe, a file, CI logs or ``-q`` see nothing, so
the bytes of standard output never depend on it.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import IO, Iterator


def wanted(enabled: bool = True, stream: IO | None = None) -> bool:
    """Whether a bar would be shown: ``enabled`` and ``stream`` (stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    if not enabled:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):     # a closed or unusual stream
        return False


class Updater:
    """``update(done)`` sets the count done; ``update.advance(n)`` adds to it; ``.total`` may grow."""

    def __init__(self, tqdm_bar=None):
        self._bar = tqdm_bar
        self.done = 0

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None and self._bar is not None and total != self._bar.total:
            self._bar.total = total
        self.advance(done - self.done)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None and n:
            self._bar.update(n)

    def describe(self, text: str) -> None:
        """Change the label in front of the bar (e.g. the stage: 'simulating', 'figures')."""
        if self._bar is not None:
            self._bar.set_description_str(text, refresh=True)

    @property
    def shown(self) -> bool:
        return self._bar is not None


@contextmanager
def bar(total: int, desc: str, *, enabled: bool = True, unit: str = "run", stream: IO | None = None,
        unit_scale: bool = False) -> Iterator[Updater]:
    """Yield an :class:`Updater`; a tqdm bar on ``stream`` when :func:`wanted`, else a silent one.

    The bar is removed when the block ends (``leave=False``), so the command's own output
    follows on a clean line.
    """
    stream = sys.stderr if stream is None else stream
    if not wanted(enabled, stream):
        yield Updater()
        return
    from tqdm import tqdm

    t = tqdm(total=total, desc=desc, unit=unit, unit_scale=unit_scale, file=stream, dynamic_ncols=True,
             leave=False, smoothing=0.1, mininterval=0.2)
    try:
        yield Updater(t)
    finally:
        t.close()
