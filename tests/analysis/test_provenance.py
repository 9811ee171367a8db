"""Every default has a source; assumptions are ranges; seed quotations really occur."""

from __future__ import annotations

import pytest

from sim.scenario import catalog, sources
from sim.analysis import provenance
from sim.analysis.provenance import Entry


def test_every_default_has_a_source_a_valid_kind_and_assumptions_are_ranges():
    items = list(provenance.entries())
    # the walk reaches every part of the data: parameters, 4 profiles, presets, offer presets
    assert len([e for e in items if e.where.startswith("parameters.yaml")]) == len(catalog.parameter_table())
    assert {e.where.split(":")[0] for e in items} >= {
        "parameters.yaml", "profiles/russia.yaml", "profiles/ukraine.yaml",
        "profiles/united_states.yaml", "profiles/europe.yaml", "presets.yaml", "offers.PRESETS"}
    assert any(": red_lines." in e.where for e in items)
    assert provenance.problems(items) == []


@pytest.mark.parametrize("entry, fragment", [
    (Entry("x: empty", "sourced", 1.0, "  "), "empty source"),
    (Entry("x: kind", "guess", 1.0, "REFERENCES.md"), "kind 'guess'"),
    (Entry("x: fixed assumption", "assumption", 0.5, "assumption: a guess"), "stated range"),
    (Entry("x: mislabelled", "sourced", {"uniform": [0, 1]}, "assumption: a guess"), "says 'assumption'"),
])
def test_the_rules_catch_bad_entries(entry, fragment):
    found = provenance.problems([entry])
    assert found and fragment in found[0]


def test_an_assumption_given_as_a_range_passes():
    ok = Entry("x", "assumption", {"uniform": [0.2, 0.5]}, "assumption: stated range")
    assert provenance.problems([ok]) == []


def test_quotations_are_attributed_to_the_last_document_named():
    src = ('REFERENCES.md, Fortna: "almost half"; 003_b310c964025fb84c.txt: "never accept" and '
           '001 (comment): "reload"; "x" EUR 130/267')
    assert provenance.quotations(src) == [
        ("REFERENCES.md", "almost half"), ("003", "never accept"), ("001", "reload"), ("001", "x")]
    assert provenance.quotations('"orphan" then 002') == [(None, "orphan")]


def test_quote_matching_normalises_quotes_case_space_and_editing():
    text = "He said the ceasefire may  only give the army a \u2018breather.\u2019 The\nfate remain murky."
    assert provenance.quote_in("may only give the army a 'breather'", text)
    assert provenance.quote_in("the fate remain[s] murky", text)
    assert provenance.quote_in("He said ... a 'breather'", text)
    assert not provenance.quote_in("may only give the navy a breather", text)
    assert not provenance.quote_in("breather ... He said", text)   # pieces must come in order


def _validation_entries() -> list[Entry]:
    from sim.analysis.validation import TARGETS

    return [Entry(f"validation: {t.key}", "sourced", None, t.source, needs_kind=False) for t in TARGETS]


def test_every_quotation_is_in_the_bibliography_and_in_the_full_texts_where_present():
    """Never skipped: the bibliography ships in the repository; the full texts are checked
    too when the shared folder (../shared/seeds) sits beside the repository."""
    items = list(provenance.entries()) + _validation_entries()
    n = sum(len(provenance.quotations(e.source)) for e in items)
    assert n >= 50      # the profiles and parameters quote the seeds throughout
    assert provenance.bibliography_problems(items) == []
    if provenance.full_texts_available():
        docs = provenance.documents()
        assert {"000", "001", "002", "003", "004", "REFERENCES.md"} <= set(docs)
        assert provenance.passage_problems() == []
        assert provenance.quote_problems(items=items) == []


def test_a_clean_clone_still_checks_the_quotations(tmp_path, monkeypatch):
    """Without ../shared the bibliography check runs all the same (and catches a bad quote)."""
    monkeypatch.setattr(provenance, "SHARED_DIR", tmp_path / "absent")
    assert not provenance.full_texts_available(provenance.SHARED_DIR)
    bad = Entry("x", "sourced", 1.0, '001_3af3d05dba52c1d7.txt: "Putin will never fight"')
    found = provenance.bibliography_problems([bad])
    assert len(found) == 1 and "not among the passages of reuters-otb-2024-05" in found[0]


@pytest.mark.parametrize("source, fragment", [
    ('001_3af3d05dba52c1d7.txt: "Putin can fight for as long as it takes"', None),
    ('001 (comment): "A cease fire simply lets Putin reload"', None),           # the comments part
    ('REFERENCES.md, Fortna 2004: "the risk of renewed war falls with time since the ceasefire"', None),
    ('005_0123456789abcdef.txt: "anything"', "seed 005, which has no sources.yaml entry"),
    ('REFERENCES.md, Nobody 2020: figures', "without the alias of a sources.yaml entry"),
    ('REFERENCES.md, Kiel: "almost half"', "not among the passages of kiel-support-tracker"),
    ('"orphan" then 002', "names no seed file"),
])
def test_the_bibliography_check_names_what_is_missing(source, fragment):
    found = provenance.bibliography_problems([Entry("x", "sourced", 1.0, source)])
    if fragment is None:
        assert found == []
    else:
        assert found and fragment in found[0], found


def test_a_missing_quotation_is_reported(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "001_3af3d05dba52c1d7.txt").write_text("Putin can fight for as long as it takes")
    good = Entry("x", "sourced", 1.0, '001_3af3d05dba52c1d7.txt: "Putin can fight for as long as it takes"')
    bad = Entry("y", "sourced", 1.0, '001_3af3d05dba52c1d7.txt: "Putin will never fight"')
    other = Entry("z", "sourced", 1.0, '004_8e2108904c7ded15.txt: "monitoring"')
    found = provenance.quote_problems(tmp_path, [good, bad, other])
    assert len(found) == 2
    assert found[0].startswith("y:") and "does not occur in 001" in found[0]
    assert found[1].startswith("z:") and "not in" in found[1]


def test_a_bibliography_passage_missing_from_the_full_text_is_reported(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "001_3af3d05dba52c1d7.txt").write_text(
        "\u201cPutin can fight for as long as it takes, but Putin is also ready for a ceasefire \u2013 to freeze")
    bib = {k: d for k, d in sources.bibliography().items() if k in ("reuters-otb-2024-05", "abmedia-2025-03")}
    found = provenance.passage_problems(tmp_path, bib)
    assert any("abmedia-2025-03: 002_874e2567e534d42f.txt is not in" in f for f in found)
    missing = [f for f in found if f.startswith("sources.yaml: reuters-otb-2024-05: passage")]
    assert len(missing) == len(bib["reuters-otb-2024-05"].passages) - 1   # only one passage is in the text


def test_explain_parameters_lists_every_parameter_preference_and_red_line():
    from sim.scenario.docgen import explain_parameters
    from sim.scenario.sources import cite

    text = explain_parameters()
    for e in provenance.entries():
        file, _, key = e.where.partition(": ")
        if file == "parameters.yaml":
            assert f"\n{key} = " in "\n" + text, key
        elif file.startswith("profiles/"):
            actor = file[len("profiles/"):-len(".yaml")]
            assert f"actors.{actor}.{key}" in text, e.where
        assert cite(e.source) in text or not file.startswith(("parameters", "profiles")), e.where
    assert ".txt" not in text and "REFERENCES.md" not in text    # documents by label, never a file


def test_quotations_from_two_parts_of_one_page_need_two_mentions():
    """A citation shows one entry per mention, so every quote after it must be that entry's."""
    mixed = Entry("x", "sourced", 1.0, '001: "Putin can fight for as long as it takes"; '
                                       '"A cease fire simply lets Putin reload his military"')
    found = provenance.bibliography_problems([mixed])
    assert len(found) == 1 and "reload" in found[0] and "reuters-otb-2024-05" in found[0]
    split = Entry("y", "sourced", 1.0, '001: "Putin can fight for as long as it takes"; 001 (comment): '
                                       '"A cease fire simply lets Putin reload his military"')
    assert provenance.bibliography_problems([split]) == []
