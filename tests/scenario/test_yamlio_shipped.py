"""Shipped data files are read by libyaml's C parser (issue 18): the same data and lines as the
pure-Python parser that reads user files; user files never take the C path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.scenario import yamlio

DATA = Path(yamlio.__file__).parent / "data"
SHIPPED = sorted(DATA.rglob("*.yaml"))


@pytest.mark.skipif(yamlio._C_LOADER is None, reason="PyYAML without libyaml: the C path is not used")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(DATA)))
def test_the_c_parser_gives_the_same_data_and_lines(path):
    fast = yamlio.load(path, shipped=True)
    slow = yamlio.load(path)
    assert fast.data == slow.data
    assert fast.lines == slow.lines
    assert len(fast.lines) > 3


def test_there_are_shipped_files():
    assert {"parameters.yaml", "presets.yaml", "sources.yaml", "regions.yaml"} <= {p.name for p in SHIPPED}


def test_shipped_files_are_parsed_in_c_and_user_files_are_not(monkeypatch, tmp_path):
    used = []
    compose = yaml.compose

    def spy(text, Loader):
        used.append(Loader)
        return compose(text, Loader=Loader)

    monkeypatch.setattr(yamlio.yaml, "compose", spy)
    f = tmp_path / "user.yaml"
    f.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert yamlio.load(f).data == {"a": 1, "b": ["x", "y"]}
    assert used == [yamlio._DepthLimitedLoader]
    yamlio.load(DATA / "presets.yaml", shipped=True)
    assert used[1] is (yamlio._C_LOADER or yamlio._DepthLimitedLoader)


def test_a_shipped_file_with_a_fault_is_still_a_clean_error_with_its_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(yamlio.InputError) as exc:
        yamlio.load(f, shipped=True)
    assert "duplicate key" in str(exc.value) and ":2" in str(exc.value)
