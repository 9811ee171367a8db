"""The bibliography (``sim/scenario/data/sources.yaml``) and citations a reader can open.

The data cite documents by file (``001_3af3d05dba52c1d7.txt``, short ``001``, ``seeds/001``)
or as ``REFERENCES.md, <alias>``. :func:`cite` rewrites a source for a reader: every named
document becomes its entry's label ("Reuters via Outside the Beltway, May 2024"), so no
hashed file name or file outside the repository is ever shown. :func:`mentions` finds the
documents a source names; :mod:`sim.analysis.provenance` uses it to check each quotation
against the entry's passages.

Usage::

    >>> from sim.scenario.sources import cite
    >>> cite('001_3af3d05dba52c1d7.txt: "Putin can fight for as long as it takes"')
    'Reuters via Outside the Beltway, May 2024: "Putin can fight for as long as it takes"'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.scenario.errors import InputError, Problem
from sim.scenario.yamlio import load

SOURCES_FILE = Path(__file__).parent / "data" / "sources.yaml"
REFERENCES = "REFERENCES.md"

FIELDS = ("label", "file", "part", "outlet", "author", "date", "title", "via", "url", "note",
          "aliases", "passages")
REQUIRED = ("label", "file", "passages")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE = re.compile(r"^0\d\d_[0-9a-f]{16}\.txt$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: A seed file named in a source: the full name, ``seeds/001`` or the short ``001``.
SEED_MENTION = re.compile(r"(?:seeds/)?(?<![\d.,~])\b(0\d\d)(?:_[0-9a-f]{16}\.txt)?\b(?![.,]\d)")
_QUOTE = re.compile(r'"([^"]+)"')
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_COMMENT = re.compile(r"^\s*\(?comments?\)?")


@dataclass(frozen=True)
class Document:
    """One entry of the bibliography."""

    key: str
    label: str
    file: str
    passages: tuple[str, ...]
    part: str = ""
    outlet: str = ""
    author: str = ""
    date: str = ""
    title: str = ""
    via: str = ""
    url: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def seed(self) -> str | None:
        """The seed prefix ('001') of a seed document; None for REFERENCES.md entries."""
        return self.file[:3] if _FILE.match(self.file) else None


@dataclass(frozen=True)
class Mention:
    """A document named in a source: the span of text that names it and the candidates."""

    start: int
    end: int
    documents: tuple[Document, ...]   # entries it may mean (several parts of one page)
    name: str                          # the file prefix ('001') or 'REFERENCES.md'


def normalise(text: str) -> str:
    """Case-folded text with typographic quotes/dashes made plain, sentence punctuation
    (``. , ; : ! ?``) dropped and whitespace collapsed."""
    text = re.sub(r"[.,;:!?]", "", text.translate(_TRANSLATE))
    return re.sub(r"\s+", " ", text).strip().casefold()


def quote_in(quote: str, text: str) -> bool:
    """Does ``quote`` occur in ``text`` (normalised; '...' and [brackets] split it)?"""
    hay = normalise(text)
    pieces = [normalise(p) for p in re.split(r"\.\.\.|\u2026|\[[^\]]*\]", quote)]
    pos = 0
    for piece in pieces:
        if not piece:
            continue
        found = hay.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def parse(data: Any, file: str = str(SOURCES_FILE), line=lambda path: None) -> dict[str, Document]:
    """Validate the bibliography's YAML data; raise :class:`InputError` with every problem."""
    problems: list[Problem] = []

    def bad(path: tuple, message: str) -> None:
        problems.append(Problem(file, line(path), ".".join(str(p) for p in path), message))

    docs: dict[str, Document] = {}
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise InputError.single(file, 1, "documents", "expected a mapping 'documents:' of bibliography entries")
    for key, e in entries.items():
        where = ("documents", key)
        if not isinstance(key, str) or not _KEY.match(key):
            bad(where, "an entry key is lower-case letters, digits and '-' (e.g. 'reuters-2024-05')")
            continue
        if not isinstance(e, dict):
            bad(where, "expected a mapping of fields (label, file, passages, ...)")
            continue
        for f in e:
            if f not in FIELDS:
                bad(where + (f,), f"unknown field; expected one of {', '.join(FIELDS)}")
        for f in REQUIRED:
            if f not in e:
                bad(where + (f,), "missing (required)")
        values = {f: ("" if e.get(f) is None else str(e[f]))
                  for f in FIELDS if f not in ("aliases", "passages") and f in e}
        fname = values.get("file", "")
        if fname and fname != REFERENCES and not _FILE.match(fname):
            bad(where + ("file",), f"expected a seed file name like 001_3af3d05dba52c1d7.txt or {REFERENCES}")
        if values.get("date") and not _DATE.match(values["date"]):
            bad(where + ("date",), "expected YYYY, YYYY-MM or YYYY-MM-DD")
        if values.get("url") and not values["url"].startswith(("https://", "http://")):
            bad(where + ("url",), "expected an http(s) address")
        lists = {}
        for f in ("aliases", "passages"):
            v = e.get(f, [])
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                bad(where + (f,), "expected a list of non-empty strings")
                v = []
            lists[f] = tuple(v)
        if fname == REFERENCES and not lists["aliases"]:
            bad(where + ("aliases",), f"a {REFERENCES} entry needs the names sources use for it")
        if "label" in values and "file" in values:
            docs[key] = Document(key=key, **values, **lists)
    primaries: dict[str, list[str]] = {}
    for d in docs.values():
        if d.seed and not d.part:
            primaries.setdefault(d.file, []).append(d.key)
    for d in docs.values():
        if d.seed and len(primaries.get(d.file, [])) != 1:
            bad(("documents", d.key, "part"),
                f"{d.file} needs exactly one entry without 'part' (the page itself), found "
                f"{len(primaries.get(d.file, []))}")
    seen: dict[str, str] = {}
    for d in docs.values():
        for a in d.aliases:
            if a in seen:
                bad(("documents", d.key, "aliases"), f"alias {a!r} is already used by {seen[a]}")
            seen[a] = d.key
    if problems:
        raise InputError(problems)
    return docs


@lru_cache(maxsize=1)
def bibliography() -> dict[str, Document]:
    """``key -> Document`` for every entry of ``sources.yaml`` (validated, cached)."""
    located = load(SOURCES_FILE, shipped=True)
    return parse(located.data, str(SOURCES_FILE), located.line)


def _by_seed(docs: dict[str, Document]) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {}
    for d in docs.values():
        if d.seed:
            out.setdefault(d.seed, []).append(d)
    for entries in out.values():
        entries.sort(key=lambda d: bool(d.part))      # the page itself first
    return out


def _aliases(docs: dict[str, Document]) -> list[tuple[str, Document]]:
    """Every alias with its entry, longest first (so 'Fortna 2004' wins over 'Fortna')."""
    return sorted(((a, d) for d in docs.values() for a in d.aliases), key=lambda x: -len(x[0]))


def mentions(source: str, docs: dict[str, Document] | None = None) -> list[Mention]:
    """The documents a source names, in order of appearance.

    A ``REFERENCES.md`` mention takes the alias written right after it (``REFERENCES.md,
    Kiel:``) or right before it (``Slantchev 2003, REFERENCES.md``); with neither, its
    candidates are empty (:mod:`sim.analysis.provenance` reports it).
    """
    docs = bibliography() if docs is None else docs
    seeds, aliases = _by_seed(docs), _aliases(docs)
    found: list[Mention] = []
    for m in SEED_MENTION.finditer(source):
        found.append(Mention(m.start(), m.end(), tuple(seeds.get(m.group(1), ())), m.group(1)))
    for m in re.finditer(re.escape(REFERENCES), source):
        start, end, match = m.start(), m.end(), None
        after = re.match(r"[,:]?\s*", source[end:])
        tail = source[end + after.end():]
        for alias, d in aliases:
            if tail.startswith(alias) and not tail[len(alias):len(alias) + 1].isalnum():
                match, end = d, end + after.end() + len(alias)
                break
        if match is None:
            for alias, d in aliases:
                before = re.search(re.escape(alias) + r"(, | \(|; | )$", source[:start])
                if before:
                    match, start = d, before.start()
                    if before.group(1) == " (" and source[end:end + 1] == ")":
                        end += 1
                    break
        found.append(Mention(start, end, (match,) if match else (), REFERENCES))
    found.sort(key=lambda m: m.start)
    return found


def quoted_after(source: str, found: list[Mention], i: int) -> list[str]:
    """The quotations between mention ``i`` and the next mention."""
    stop = found[i + 1].start if i + 1 < len(found) else len(source)
    return _QUOTE.findall(source[found[i].end:stop])


def choose(mention: Mention, quotes: list[str]) -> Document | None:
    """The entry a mention means: the one whose passages hold its first quotation, else the page."""
    if not mention.documents:
        return None
    for q in quotes[:1]:
        for d in mention.documents:
            if any(quote_in(q, p) for p in d.passages):
                return d
    return mention.documents[0]


def cite(source: str, docs: dict[str, Document] | None = None) -> str:
    """The source as a reader sees it: each named document replaced by its entry's label.

    A mention followed by ``(comment)`` that resolves to a comments entry drops the marker
    (the label says so). Names the bibliography does not know are left as written.
    """
    docs = bibliography() if docs is None else docs
    found = mentions(source, docs)
    out, pos = [], 0
    for i, m in enumerate(found):
        if m.start < pos:
            continue
        d = choose(m, quoted_after(source, found, i))
        if d is None:
            continue
        out.append(source[pos:m.start])
        out.append(d.label)
        pos = m.end
        if d.part == "comments":
            c = _COMMENT.match(source[pos:])
            if c and c.end():
                pos += c.end()
    out.append(source[pos:])
    return "".join(out)

