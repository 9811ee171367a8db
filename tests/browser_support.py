"""Helpers for headless-browser tests (Playwright + Debian Chromium).

This is a support module, not a test file.  It drives the system Chromium
(``/usr/bin/chromium``, installed by ``scripts/install-browser.sh``) through
Playwright for Python; Playwright's own browser download is never used.

Examples
--------
>>> from browser_support import have_browser, open_page  # doctest: +SKIP
>>> if have_browser():                                   # doctest: +SKIP
...     with open_page() as page:
...         page.goto("file:///tmp/report.html")
...         assert page.external_requests == []
"""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import Iterator
from urllib.parse import urlsplit

__all__ = [
    "CHROMIUM_ARGS",
    "chromium_path",
    "have_browser",
    "open_page",
    "images_rendered",
    "screenshot",
]

#: Command-line flags passed to Chromium.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_LOCAL_SCHEMES = {"file", "data", "blob", "about"}
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def chromium_path() -> str | None:
    """Locate the Chromium executable.

    Returns
    -------
    str or None
        ``$CHROMIUM_PATH`` if set and executable, else ``/usr/bin/chromium``
        (or ``chromium`` on ``PATH``) if present, else ``None``.
    """
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium",
                  shutil.which("chromium")]
    for cand in candidates:
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None


def have_browser() -> bool:
    """Report whether browser tests can run.

    Returns
    -------
    bool
        True if ``playwright`` is importable and Chromium is installed.
    """
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def is_local_url(url: str) -> bool:
    """Tell whether `url` stays on this machine.

    Parameters
    ----------
    url : str
        Request URL.

    Returns
    -------
    bool
        True for ``file:``, ``data:``, ``blob:``, ``about:`` URLs and for
        hosts ``127.0.0.1``, ``localhost`` or ``::1``.
    """
    parts = urlsplit(url)
    if parts.scheme in _LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in _LOCAL_HOSTS


@contextlib.contextmanager
def open_page(viewport: tuple[int, int] = (1280, 900),
              timeout_ms: float = 15_000) -> Iterator["object"]:
    """Open a page in headless Chromium with a network guard.

    Every request that is not local (see `is_local_url`) is aborted and its
    URL appended to ``page.external_requests``.

    Parameters
    ----------
    viewport : tuple of int, default (1280, 900)
        Viewport ``(width, height)`` in CSS pixels.
    timeout_ms : float, default 15000
        Default timeout for page operations, in milliseconds.

    Yields
    ------
    playwright.sync_api.Page
        The page, with an extra ``external_requests`` attribute (list of str).

    Raises
    ------
    RuntimeError
        If Chromium is not installed.
    """
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium not found; run scripts/install-browser.sh")

    external: list[str] = []

    def guard(route):
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            external.append(url)
            route.abort("blockedbyclient")

    with sync_playwright() as pw:
        # Plain launch(): Playwright uses a fresh temporary user data dir.
        browser = pw.chromium.launch(executable_path=exe, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]},
                service_workers="block",  # else SW fetches bypass routing
            )
            context.set_default_timeout(timeout_ms)
            context.route("**/*", guard)
            page = context.new_page()
            page.external_requests = external
            yield page
            context.close()
        finally:
            browser.close()


def images_rendered(page, prefix_len: int = 40,
                    timeout_ms: float = 10_000) -> list[tuple[str, int]]:
    """List every ``<img>`` once all images have finished loading.

    Parameters
    ----------
    page : playwright.sync_api.Page
        Page to inspect.
    prefix_len : int, default 40
        Number of leading characters of ``src`` to report.
    timeout_ms : float, default 10000
        How long to wait for all images to be ``complete``.

    Returns
    -------
    list of (str, int)
        ``(src[:prefix_len], naturalWidth)`` per image in document order; a
        width of 0 means the image failed to load (e.g. it was blocked).
    """
    page.wait_for_function(
        "() => Array.from(document.images).every(i => i.complete)",
        timeout=timeout_ms,
    )
    rows = page.evaluate(
        "() => Array.from(document.images)"
        ".map(i => [i.currentSrc || i.src || '', i.naturalWidth])"
    )
    return [(src[:prefix_len], int(width)) for src, width in rows]


def screenshot(page, path) -> str:
    """Write a full-page PNG screenshot.

    Parameters
    ----------
    page : playwright.sync_api.Page
        Page to capture.
    path : str or os.PathLike
        Destination file.

    Returns
    -------
    str
        The path written.
    """
    path = os.fspath(path)
    page.screenshot(path=path, full_page=True, type="png")
    return path
