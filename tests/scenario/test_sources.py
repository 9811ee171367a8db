"""The bibliography: validated on load, and every citation shown to a reader uses its labels."""

from __future__ import annotations

import re

import pytest

from sim.scenario import sources
from sim.scenario.errors import InputError
from sim.scenario.yamlio import loads

HASHED = re.compile(r"0\d\d_[0-9a-f]{16}|\.txt\b|REFERENCES\.md")


@pytest.mark.parametrize("source, shown", [
    ('001_3af3d05dba52c1d7.txt: Putin "is ready to halt the war in Ukraine"',
     'Reuters via Outside the Beltway, May 2024: Putin "is ready to halt the war in Ukraine"'),
    # one page, several documents: the entry whose passages hold the quotation is cited
    ('001_3af3d05dba52c1d7.txt: "We\'re nowhere near the point where Zelensky could sell that to his people."',
     'James Joyner, Outside the Beltway, May 2024: "We\'re nowhere near the point where Zelensky could sell '
     'that to his people."'),
    ('001 (comment): "A cease fire simply lets Putin reload his military"',
     'reader comment on Outside the Beltway, May 2024: "A cease fire simply lets Putin reload his military"'),
    ('seeds/002: "devastating financial consequences"',
     'ChainNews ABMedia, March 2025: "devastating financial consequences"'),
    ('REFERENCES.md, Kiel: Europe EUR 138bn', 'Kiel Institute, Ukraine Support Tracker: Europe EUR 138bn'),
    ('REFERENCES.md, Fortna 2004: "the risk"', "Fortna, 'Scraps of Paper?' (2003) and Peace Time (2004): \"the risk\""),
    ('assumption (Slantchev 2003, REFERENCES.md): how unsure', 'assumption (Slantchev (2003)): how unsure'),
    ('square law, Lanchester (REFERENCES.md)', 'square law, Lanchester (1916)'),
    # numbers are not seed files; unknown names stay as written
    ('~1,000-1,570 per day; 0.004/week; ~29,000 per bn; Fearon 1995', '~1,000-1,570 per day; 0.004/week; '
                                                                      '~29,000 per bn; Fearon 1995'),
])
def test_cite_replaces_file_names_by_labels(source, shown):
    assert sources.cite(source) == shown


def _shown_sources() -> list[tuple[str, str]]:
    from sim.analysis import provenance
    from sim.analysis.validation import TARGETS

    out = [(e.where, e.source) for e in provenance.entries()]
    return out + [(f"validation: {t.key}", t.source) for t in TARGETS]


def test_no_citation_shown_to_a_reader_names_a_file():
    for where, source in _shown_sources():
        shown = sources.cite(source)
        assert not HASHED.search(shown), (where, shown)
        for m in sources.mentions(source):
            assert m.documents, (where, source)          # every named document has an entry


def test_every_bibliography_entry_is_cited():
    texts = [s for _, s in _shown_sources()]
    cited = {d.key for s in texts for m in sources.mentions(s) for d in m.documents}
    for d in sources.bibliography().values():
        assert d.key in cited or any(a in s for a in d.aliases for s in texts), d.key


def test_the_shipped_bibliography_is_complete():
    bib = sources.bibliography()
    seeds = {d.seed for d in bib.values() if d.seed}
    assert seeds == {"000", "001", "002", "003", "004"}
    for d in bib.values():
        assert d.label and d.file
        assert d.date or d.seed in ("000",) or d.part or d.file == "REFERENCES.md", d.key
    page = bib["reuters-otb-2024-05"]
    assert (page.outlet, page.author, page.title) == ("Outside the Beltway", "James Joyner", "Putin Wants Ceasefire")


GOOD = {"label": "X, May 2024", "file": "001_3af3d05dba52c1d7.txt", "passages": ["a passage"]}


@pytest.mark.parametrize("entries, fragment", [
    ({"x": GOOD | {"colour": "red"}}, "unknown field"),
    ({"x": {"label": "X", "passages": []}}, "missing (required)"),
    ({"x": GOOD | {"date": "May 2024"}}, "expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ({"x": GOOD | {"file": "notes.txt"}}, "expected a seed file name"),
    ({"x": GOOD | {"url": "www.example.org"}}, "http(s) address"),
    ({"x": GOOD, "y": GOOD | {"label": "Y"}}, "exactly one entry without 'part'"),
    ({"x": GOOD | {"passages": "a passage"}}, "list of non-empty strings"),
    ({"x": {"label": "K", "file": "REFERENCES.md", "passages": []}}, "needs the names sources use"),
    ({"x": {"label": "K", "file": "REFERENCES.md", "passages": [], "aliases": ["Kiel"]},
      "y": {"label": "L", "file": "REFERENCES.md", "passages": [], "aliases": ["Kiel"]}}, "already used by x"),
    ({"Bad Key": GOOD}, "lower-case letters"),
])
def test_a_bad_bibliography_is_rejected_with_the_key(entries, fragment):
    with pytest.raises(InputError) as err:
        sources.parse({"documents": entries}, "sources.yaml")
    assert fragment in str(err.value)
    assert str(err.value).startswith("sources.yaml")


def test_a_bad_bibliography_file_names_the_line():
    text = ("documents:\n"
            "  x:\n"
            "    label: X\n"
            "    file: 001_3af3d05dba52c1d7.txt\n"
            "    date: '24 May'\n"
            "    passages: []\n")
    located = loads(text, "sources.yaml")
    with pytest.raises(InputError) as err:
        sources.parse(located.data, "sources.yaml", located.line)
    assert "sources.yaml:5: key 'documents.x.date'" in str(err.value)


def test_the_app_gets_each_red_line_citation_as_shown():
    from sim.app.server import App

    data = App.actors()["actors"]
    oversight = next(r for r in data["ukraine"]["red_lines"] if r["key"] == "oversight")
    assert oversight["citation"] == sources.cite(oversight["source"])
    assert oversight["citation"].startswith("Bloomberg headline")
    for actor in data.values():
        for rl in actor["red_lines"]:
            assert not HASHED.search(rl["citation"]), rl
