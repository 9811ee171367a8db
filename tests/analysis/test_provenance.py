"""Every default has a source; assumptions are ranges; seed quotations really occur."""

from __future__ import annotations

import pytest

from sim.scenario import catalog
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


def test_every_seed_quotation_occurs_in_the_cited_file():
    shared = provenance.SHARED_DIR
    if not (shared / "seeds").is_dir():
        pytest.skip(f"seed documents not found at {shared}/seeds (the shared folder sits beside "
                    "the repository as ../shared in CI); quotations cannot be checked")
    docs = provenance.documents(shared)
    assert {"000", "001", "002", "003", "004", "REFERENCES.md"} <= set(docs)
    n = sum(len(provenance.quotations(e.source)) for e in provenance.entries())
    assert n >= 50      # the profiles and parameters quote the seeds throughout
    assert provenance.quote_problems(shared) == []


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
