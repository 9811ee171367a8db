"""Where every default comes from: the audit behind ``docs/parameters.md``.

Every default of the model - parameter, preference weight, term value, belief, resolve
shock, red line, preset and offer preset - carries a ``source``. This module walks them all
(:func:`entries`), states the rules they must meet (:func:`problems`) and checks every
quotation twice: against the passages of the bibliography shipped in the repository
(``sim/scenario/data/sources.yaml``, :func:`bibliography_problems`, needs nothing else), and,
where the shared folder ``../shared/seeds/`` exists, against the full texts
(:func:`quote_problems`; :func:`passage_problems` checks the bibliography's passages too).

Rules (issue 8, "model credibility"):

* ``kind`` is one of ``sourced``, ``derived``, ``assumption`` (red lines are sourced: each
  quotes the statement it encodes);
* ``source`` is not empty;
* an ``assumption`` is a stated *range*: its default is a distribution, never a fixed
  number (a fixed value computed from cited figures is ``derived`` and shows the
  computation in its source).

A quotation is any ``"..."`` in a source. It is attributed to the last document named
before it: a seed file (``001_3af3d05dba52c1d7.txt`` or its short form ``001``) or
``REFERENCES.md`` with the alias of an entry (:func:`sim.scenario.sources.mentions`). Matching ignores case, whitespace runs and typographic quotes/dashes;
``...`` and editorial brackets (``remain[s]``) split a quotation into pieces that must occur
in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sim.scenario import catalog, sources
from sim.scenario.offers import ACTORS, PRESETS as OFFER_PRESETS

#: The shared folder beside the repository (``../shared``) holds the seeds and REFERENCES.md.
SHARED_DIR = Path(__file__).resolve().parents[3] / "shared"
REFERENCES = sources.REFERENCES

_QUOTE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Entry:
    """One sourced default: where it lives, its kind, value and source."""

    where: str          # e.g. "parameters.yaml: attrition.exchange_ratio"
    kind: str
    value: Any          # raw YAML value (number or distribution); None when not a number
    source: str
    needs_kind: bool = True

    @property
    def is_range(self) -> bool:
        p = catalog._param(self.value) if self.value is not None else None
        return p is not None and p.is_random


def entries() -> Iterator[Entry]:
    """Every default of the shipped data, with its kind and source."""
    raw = catalog.load(catalog.PARAMETERS_FILE).data
    for section, items in raw.items():
        for name, e in items.items():
            yield Entry(f"parameters.yaml: {section}.{name}", e.get("kind", ""), e.get("default"),
                        e.get("source", "") or "")
    for actor in ACTORS:
        prof = catalog.profile(actor)
        for part in ("weights", "term_values", "beliefs"):
            for key, e in (prof.get(part) or {}).items():
                yield Entry(f"profiles/{actor}.yaml: {part}.{key}", e.get("kind", ""), e.get("value"),
                            e.get("source", "") or "")
        r = prof["resolve_sd"]
        yield Entry(f"profiles/{actor}.yaml: resolve_sd", r.get("kind", ""), r.get("value"),
                    r.get("source", "") or "")
        for key, e in (prof.get("red_lines") or {}).items():
            yield Entry(f"profiles/{actor}.yaml: red_lines.{key}", "sourced", None,
                        e.get("source", "") or "", needs_kind=False)
    for section, presets in catalog.presets().items():
        for name, p in presets.items():
            yield Entry(f"presets.yaml: {section}.{name}", "sourced", None, p.get("source", "") or "",
                        needs_kind=False)
    for name, p in OFFER_PRESETS.items():
        if name != "custom":
            yield Entry(f"offers.PRESETS: {name}", "sourced", None, p.get("source", "") or "",
                        needs_kind=False)


def problems(items: list[Entry] | None = None) -> list[str]:
    """Entries that break the rules of the module docstring (empty list = all good)."""
    out = []
    for e in entries() if items is None else items:
        if not e.source.strip():
            out.append(f"{e.where}: empty source")
        if e.needs_kind and e.kind not in catalog.KINDS:
            out.append(f"{e.where}: kind {e.kind!r} is not one of {', '.join(catalog.KINDS)}")
        if e.source.strip().lower().startswith("assumption") and e.kind != "assumption":
            out.append(f"{e.where}: the source says 'assumption' but kind is {e.kind!r}")
        if e.kind == "assumption" and e.value is not None and not e.is_range:
            out.append(f"{e.where}: an assumption must be a stated range (a distribution), "
                       f"got the fixed value {e.value!r}")
    return out


# -- quotations --------------------------------------------------------------------------
normalise = sources.normalise
quote_in = sources.quote_in


def _attributed(source: str) -> list[tuple[sources.Mention | None, str]]:
    """``(mention, quote)`` pairs: each quotation with the last document named before it."""
    return [(m, q) for m, q, _ in _attributed_cited(source)]


def _attributed_cited(source: str) -> list[tuple[sources.Mention | None, str, sources.Document | None]]:
    """``(mention, quote, entry)``: the entry is the one :func:`sources.cite` shows for the mention."""
    found = sources.mentions(source)
    chosen = [sources.choose(x, sources.quoted_after(source, found, i)) for i, x in enumerate(found)]
    out = []
    for m in _QUOTE.finditer(source):
        before = [i for i, x in enumerate(found) if x.start < m.start()]
        i = before[-1] if before else None
        out.append((found[i] if i is not None else None, m.group(1), chosen[i] if i is not None else None))
    return out


def quotations(source: str) -> list[tuple[str | None, str]]:
    """``(document, quote)`` pairs of a source; document is a seed prefix ('001'),
    ``'REFERENCES.md'`` or None when no document is named before the quote."""
    return [(m.name if m else None, q) for m, q in _attributed(source)]


def bibliography_problems(items: list[Entry] | None = None) -> list[str]:
    """Sources whose documents or quotations the bibliography (``sources.yaml``) lacks.

    Needs nothing outside the repository: every named document must have an entry, and
    every quotation must occur in the passages of the entry the citation shows (for a page
    with several parts, the part its first quotation comes from: :func:`sources.choose`).
    """
    out = []
    for e in entries() if items is None else items:
        for m in sources.mentions(e.source):
            if not m.documents:
                what = (f"{REFERENCES} without the alias of a sources.yaml entry next to it"
                        if m.name == REFERENCES else f"seed {m.name}, which has no sources.yaml entry")
                out.append(f"{e.where}: names {what}")
        for m, quote, cited in _attributed_cited(e.source):
            if m is None:
                out.append(f"{e.where}: quote \"{quote}\" names no seed file or {REFERENCES} before it")
            elif cited is not None and not any(quote_in(quote, p) for p in cited.passages):
                out.append(f"{e.where}: quote \"{quote}\" is not among the passages of {cited.key} in "
                           "sources.yaml (the entry the citation shows)")
    return out


def documents(shared: Path = SHARED_DIR) -> dict[str, str]:
    """``{'000': text, ..., 'REFERENCES.md': text}`` from the shared folder."""
    docs = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))}
    refs = shared / REFERENCES
    if refs.exists():
        docs[REFERENCES] = refs.read_text(encoding="utf-8")
    return docs


def full_texts_available(shared: Path = SHARED_DIR) -> bool:
    """Is the shared folder with the seed texts beside the repository (``../shared/seeds``)?"""
    return (shared / "seeds").is_dir()


def passage_problems(shared: Path = SHARED_DIR, bib: dict | None = None) -> list[str]:
    """Bibliography passages that do not occur in their document's full text."""
    docs = documents(shared)
    out = []
    for d in (sources.bibliography() if bib is None else bib).values():
        name = d.seed or REFERENCES
        if name not in docs:
            out.append(f"sources.yaml: {d.key}: {d.file} is not in {shared}")
            continue
        for p in d.passages:
            if not quote_in(p, docs[name]):
                out.append(f"sources.yaml: {d.key}: passage \"{p}\" does not occur in {d.file}")
    return out


def quote_problems(shared: Path = SHARED_DIR, items: list[Entry] | None = None) -> list[str]:
    """Quotations that do not occur in the full text of the document they are attributed to."""
    docs = documents(shared)
    out = []
    for e in entries() if items is None else items:
        for doc, quote in quotations(e.source):
            if doc is None:
                out.append(f"{e.where}: quote \"{quote}\" names no seed file or {REFERENCES} before it")
            elif doc not in docs:
                out.append(f"{e.where}: quote \"{quote}\" cites {doc}, which is not in {shared}")
            elif not quote_in(quote, docs[doc]):
                out.append(f"{e.where}: quote \"{quote}\" does not occur in {doc}")
    return out
