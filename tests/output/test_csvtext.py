"""The columnar CSV writer gives the bytes of ``csv.writer`` + :func:`format_value`, cell by cell."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.output.csvtext import BLOCK_ROWS, have_arrow, table_bytes
from sim.output.results import format_value


def reference(columns: dict, header: bool = True) -> bytes:
    """What the row-by-row writer (before issue 18) produced."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header:
        w.writerow(list(columns))
    for row in zip(*columns.values()):
        w.writerow([format_value(v) for v in row])
    return buf.getvalue().encode("utf-8")


EDGES = [0.0, -0.0, 1.0, -1.0, 10.0, 100.5, 0.5, 2.5, 1.25, 1e-4, -1e-4, 9.9999999995e-5, 0.00012345678915,
         0.001, 99.99999999995, 123456789.05, 9999999999.5, 1e10, 5e-324, 1e300, -1e-300, 0.1 + 0.2,
         float("nan"), float("inf"), float("-inf"), 2.0 / 3.0, 1234567890.0, 1234567890.5, 0.30000000005]


ENGINES = ["numpy", pytest.param("arrow", marks=pytest.mark.skipif(not have_arrow(), reason="needs pyarrow"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_edge_values_and_every_dtype(engine):
    rng = np.random.default_rng(3)
    n = 5_000
    floats = np.concatenate([EDGES, rng.normal(0, 1, n), rng.lognormal(0, 6, n), rng.uniform(-1e-3, 1e-3, n),
                             np.round(rng.normal(0, 100, n), 3), rng.integers(-1000, 1000, n).astype(float)])
    m = floats.size
    ints = rng.integers(-10**15, 10**15, m)
    ints[:4] = [0, -1, np.iinfo(np.int64).min, np.iinfo(np.int64).max]
    with np.errstate(over="ignore"):
        f32 = floats.astype(np.float32)
    cols = {"f": floats, "f32": f32, "i": ints, "small": rng.integers(0, 156, m),
            "b": rng.random(m) < 0.3,
            "s": np.array(rng.choice(["war_continues", "a,b", 'say "no"', "two\nlines", ""], m), dtype=object)}
    with np.errstate(over="ignore"):
        assert table_bytes(cols, engine=engine) == reference(cols)
        assert table_bytes(cols, header=False, engine=engine) == reference(cols, header=False)


@pytest.mark.parametrize("engine", ENGINES)
def test_blocks_do_not_change_the_bytes(engine):
    rng = np.random.default_rng(4)
    n = 2 * BLOCK_ROWS + 17
    cols = {"x": rng.normal(50, 20, n), "k": rng.integers(0, 9, n)}
    whole = table_bytes(cols, engine=engine)
    assert whole == reference(cols)
    halves = table_bytes({k: v[:1000] for k, v in cols.items()}, engine=engine) + \
        table_bytes({k: v[1000:] for k, v in cols.items()}, header=False, engine=engine)
    assert halves == whole


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=60),
       st.lists(st.integers(-2**63, 2**63 - 1), min_size=60, max_size=60),
       st.lists(st.text(max_size=6), min_size=60, max_size=60))
def test_any_value_is_written_as_python_writes_it(floats, ints, texts):
    n = len(floats)
    cols = {"f": np.array(floats), "i": np.array(ints[:n], dtype=np.int64),
            "t": np.array(texts[:n], dtype=object)}
    assert table_bytes(cols, engine="numpy") == reference(cols)
    if have_arrow():
        assert table_bytes(cols, engine="arrow") == reference(cols)


@pytest.mark.skipif(not have_arrow(), reason="needs pyarrow")
def test_arrow_engine_text_cells_that_are_not_strings():
    cols = {"o": np.array([None, 3, 2.5, True, "a,b"], dtype=object), "u": np.array([0, 2**64 - 1, 7, 8, 9], np.uint64),
            "single": np.array([1.5, -0.0, 1e-7, float("nan"), 0.1])}
    assert table_bytes(cols, engine="arrow") == reference(cols)
    assert table_bytes({"only": cols["single"]}, engine="arrow") == reference({"only": cols["single"]})
