"""No link in README.md or docs/*.md points outside the repository, and every link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: ``[text](target)`` and ``![alt](target)``, and HTML ``src=``/``href=`` attributes.
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|(?:src|href)=\"([^\"]+)\"")
WEB = ("http://", "https://", "mailto:")


def links(text: str) -> list[str]:
    text = re.sub(r"```.*?```", "", text, flags=re.S)          # code blocks are not links
    return [a or b for a, b in LINK.findall(text)]


def outside(page: Path, target: str) -> str | None:
    """Why ``target`` (a link on ``page``) is not a file of the repository; None if it is."""
    if target.startswith(WEB) or target.startswith("#"):
        return None
    if target.startswith(("/", "file:", "~")) or re.match(r"^[a-zA-Z]:[\\/]", target):
        return "an absolute path"
    path = (page.parent / target.split("#")[0]).resolve()
    if ROOT.resolve() not in path.parents and path != ROOT.resolve():
        return "outside the repository"
    if not path.exists():
        return "a file that does not exist"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_stays_in_the_repository(page):
    bad = [(t, why) for t in links(page.read_text(encoding="utf-8")) if (why := outside(page, t))]
    assert bad == [], f"{page.name}: {bad}"


def test_the_checker_catches_links_out_of_the_repository(tmp_path):
    page = ROOT / "docs" / "model.md"
    assert links("see [x](../../shared/REFERENCES.md) and ![f](img/a.png)") == \
        ["../../shared/REFERENCES.md", "img/a.png"]
    assert outside(page, "../../shared/REFERENCES.md") == "outside the repository"
    assert outside(page, "/work/shared/REFERENCES.md") == "an absolute path"
    assert outside(page, "missing.md") == "a file that does not exist"
    assert outside(page, "sources.md#reuters") is None
    assert outside(page, "https://mesa.readthedocs.io") is None
