"""The documentation site (``make docs-site``): mkdocs builds docs/ in strict mode (a broken
link or anchor fails), every page is in it, and it loads nothing from the network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("mkdocs")
pytest.importorskip("material")
#: A reference the browser would fetch: <link href>, <script src>, <img src>, CSS @import / url().
FETCHED = re.compile(r"<(?:link|script|img|iframe)\b[^>]*\b(?:href|src)=\"(https?:)?//[^\"]+\"|@import\s+url\(\s*['\"]?https?:")


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = build(ROOT / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    return site


def test_every_page_is_built_and_in_the_navigation(site):
    import yaml

    pages = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
    assert "index" in pages
    for page in pages:
        assert (site / f"{page}.html").is_file(), page
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]

    def files(entry):
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for v in entry.values():
                yield from files(v)
        else:
            for v in entry:
                yield from files(v)

    assert sorted(Path(f).stem for f in files(nav)) == pages          # no page left out of the menu
    assert (site / "img" / "sweep_heatmap.png").is_file()             # figures are copied with the pages


def test_the_site_loads_nothing_from_the_network(site):
    fetched = []
    for page in list(site.glob("*.html")) + list((site / "assets").rglob("*.css")):
        for m in FETCHED.finditer(page.read_text(encoding="utf-8", errors="replace")):
            fetched.append((page.name, m.group(0)[:120]))
    assert fetched == []


def test_a_broken_link_fails_the_build(tmp_path):
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    page = tmp_path / "docs" / "figures.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the missing page](no-such-page.md).\n",
                    encoding="utf-8")
    done = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0 and "no-such-page.md" in done.stderr
