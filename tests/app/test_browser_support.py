"""Tests for the headless-browser helpers in ``browser_support``."""

from __future__ import annotations

import base64
import functools
import http.server
import os
import struct
import threading
import zlib

import pytest

try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser, images_rendered, open_page, screenshot
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import (have_browser, images_rendered,
                                       open_page, screenshot)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def require_browser():
    """Skip without a browser locally; fail on CI, where it must exist."""
    if not have_browser():
        reason = ("browser tests need playwright and Debian chromium "
                  "(run scripts/install-browser.sh)")
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no browser: {reason}")
        pytest.skip(reason)


def tiny_png(width: int = 4, height: int = 3, rgb=(200, 30, 30)) -> bytes:
    """Return a solid-colour RGB PNG built with zlib/struct only."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width  # filter byte 0 + pixels
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def html_page(img_src: str, title: str = "t") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h1>{title}</h1><img src='{img_src}' alt='x'></body></html>")


def test_tiny_png_is_valid():
    data = tiny_png()
    assert data.startswith(PNG_SIGNATURE)
    assert struct.unpack(">II", data[16:24]) == (4, 3)


@pytest.mark.usefixtures("require_browser")
def test_self_contained_page_makes_no_external_requests(tmp_path):
    uri = "data:image/png;base64," + base64.b64encode(tiny_png()).decode()
    f = tmp_path / "inline.html"
    f.write_text(html_page(uri, "inline"), encoding="utf-8")
    with open_page() as page:
        page.goto(f.as_uri())
        imgs = images_rendered(page)
        assert page.external_requests == []
    assert len(imgs) == 1
    src, width = imgs[0]
    assert src.startswith("data:image/png")
    assert width == 4


@pytest.mark.usefixtures("require_browser")
def test_external_image_is_blocked_and_recorded(tmp_path):
    url = "https://example.com/x.png"
    f = tmp_path / "external.html"
    f.write_text(html_page(url, "external"), encoding="utf-8")
    with open_page() as page:
        page.goto(f.as_uri())
        imgs = images_rendered(page)
        assert page.external_requests == [url]
    assert imgs == [(url, 0)]


@pytest.fixture
def local_server(tmp_path):
    """Serve `tmp_path` over HTTP on 127.0.0.1 with an ephemeral port."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.usefixtures("require_browser")
def test_localhost_page_loads_and_screenshots(tmp_path, local_server):
    (tmp_path / "logo.png").write_bytes(tiny_png(8, 8, (20, 90, 200)))
    (tmp_path / "index.html").write_text(html_page("logo.png", "served"), encoding="utf-8")
    with open_page(viewport=(800, 600)) as page:
        response = page.goto(local_server + "/index.html")
        assert response is not None and response.ok
        assert page.title() == "served"
        imgs = images_rendered(page)
        assert page.external_requests == []
        out = screenshot(page, tmp_path / "shot.png")
    assert imgs == [(local_server + "/logo.png", 8)]
    data = open(out, "rb").read()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 1000
    width, height = struct.unpack(">II", data[16:24])
    assert width == 800 and height >= 600
