"""Fixtures shared by the app's browser tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.app.server import make_server, serve_in_thread, url_of

try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import have_browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app_url():
    """The app on an ephemeral port (one per test module); skip without a browser locally, fail on CI."""
    if not have_browser():
        reason = "browser tests need playwright and Debian chromium (run scripts/install-browser.sh)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no browser: {reason}")
        pytest.skip(reason)
    server = make_server(port=0, scenarios_folder=ROOT / "scenarios", quiet=True)
    serve_in_thread(server)
    yield url_of(server)
    server.shutdown()
    server.server_close()
    server.app.runner.stop()
