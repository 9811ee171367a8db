"""Tests for sim.app.library: the scenario folder, packaged copies and pasted text."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app import library
from sim.scenario.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_scenarios_are_copies_of_the_shipped_ones():
    shipped = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    packaged = sorted(p.name for p in library.PACKAGED.glob("*.yaml"))
    assert shipped == packaged and shipped
    for name in shipped:
        assert (ROOT / "scenarios" / name).read_bytes() == (library.PACKAGED / name).read_bytes(), name


def test_default_folder(tmp_path):
    assert library.default_folder(tmp_path) == library.PACKAGED
    (tmp_path / "scenarios").mkdir()
    assert library.default_folder(tmp_path) == tmp_path / "scenarios"


def test_folder_lists_valid_and_invalid_files(tmp_path):
    (tmp_path / "good.yaml").write_text("name: good\noffers:\n  - preset: freeze\n    terms: {monitoring: bilateral}\n")
    (tmp_path / "bad.yaml").write_text("name: bad\noffers:\n  - preset: freze\n")
    (tmp_path / "notes.txt").write_text("ignored")
    lib = library.Library(tmp_path)
    entries = {e.key: e for e in lib.entries()}
    assert set(entries) == {"good", "bad"}
    assert entries["good"].scenario is not None and entries["good"].to_json()["valid"]
    bad = entries["bad"].to_json()
    assert not bad["valid"] and "bad.yaml:3" in bad["errors"][0] and "freeze" in bad["errors"][0]
    assert lib.get("good").name == "good"
    with pytest.raises(InputError, match="does not validate"):
        lib.get("bad")
    with pytest.raises(InputError, match="unknown scenario 'nope'; expected one of: bad, good"):
        lib.get("nope")


@pytest.mark.parametrize("text, fragment", [
    ("", "empty"),
    (None, "expected the text"),
    ("name: x\noffers: [\n", "<pasted>:"),
    ("name: x\nreplications: -5\n", "<pasted>:2: key 'replications'"),
    ("x" * (library.MAX_PASTED_BYTES + 1), "larger than"),
])
def test_pasted_errors(text, fragment):
    with pytest.raises(InputError) as exc:
        library.parse_pasted(text)
    assert fragment in str(exc.value)


def test_pasted_ok():
    s = library.parse_pasted("name: mine\noffers:\n  - preset: truce\n")
    assert s.name == "mine" and s.offers[0].preset == "truce"
