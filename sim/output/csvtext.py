"""Columnar CSV text: a whole table formatted column by column, not row by row.

The text is exactly what :func:`sim.output.results.format_value` and ``csv.writer``
(``QUOTE_MINIMAL``, ``"\\n"`` line ends) give cell by cell - the format of ``outcomes.csv``
does not change, and the bytes do not depend on whether pyarrow is installed. Two engines
give the same bytes (``tests/output/test_csvtext.py``):

* ``"arrow"`` (when pyarrow is installed; issue 18): the cells are pyarrow string arrays made
  by Arrow's compiled casts, joined into rows by Arrow's CSV writer. A float is
  first rounded to ten significant digits in numpy (the ``m`` of the fast path below), and
  the nearest double of that decimal, ``m / 10**k`` (one correctly rounded division, both
  exact), is cast: Arrow's shortest round-trip text of it is exactly the ten digits without
  trailing zeros, which is ``.10g`` in its fixed-notation range. Arrow's CSV writer only
  joins these string cells (``quoting_style="none"``: written as they are); it does not
  format the numbers (it would format floats its own way) and refuses pre-quoted cells, so a
  block with one is joined by ``binary_join_element_wise``.
* ``"numpy"``: byte matrices, as described below (no optional library).

Both write, per cell:

* booleans ``true``/``false``; integers in decimal;
* floats as Python's ``format(x, ".10g")``: for the usual magnitudes (1e-4 <= |x| < 1e10)
  the ten significant digits are computed with one float multiplication by an exact power of
  ten and rounded; a value whose rounding is too close to call (within 2e-6 of a half), and
  every other value (scientific notation, nan, inf), is formatted by Python itself, so the
  result is always the correctly rounded one;
* text cells quoted only when they hold a comma, a quote or a newline.

Each column becomes a byte matrix (one row per cell, at most :data:`WIDTH` bytes) plus the
cell lengths; :func:`table_bytes` lays the matrices side by side with the separators and
drops the padding with one boolean mask, a block of :data:`BLOCK_ROWS` rows at a time.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

#: Widest cell of a numeric column: '-1.234567891e-100' (17 bytes).
WIDTH = 17
_POW10 = 10.0 ** np.arange(0, 23)
_ZERO = ord("0")


def _template(e: int) -> list[int]:
    """Where each byte of the fixed-notation text of ten digits d0..d9 with exponent ``e``
    comes from: 0-9 a digit, 10 a '0', 11 the '.', 12 padding (16 bytes in all)."""
    if e >= 0:
        t = list(range(e + 1)) + ([11] + list(range(e + 1, 10)) if e < 9 else [])
    else:
        t = [10, 11] + [10] * (-e - 1) + list(range(10))
    return t + [12] * (16 - len(t))


#: one gather template per exponent -4..9 (the fixed notation of ``.10g``)
_TEMPLATES = np.array([_template(e) for e in range(-4, 10)], dtype=np.int64)


def _from_strings(strings: list[str], width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Byte matrix and lengths of a list of (short) strings."""
    enc = [s.encode("utf-8") for s in strings]
    lens = np.fromiter((len(b) for b in enc), dtype=np.int64, count=len(enc))
    w = max(int(lens.max(initial=0)), 1) if width is None else width
    mat = np.frombuffer(b"".join(b.ljust(w, b"\0") for b in enc), dtype=np.uint8).reshape(len(enc), w) \
        if enc else np.zeros((0, w), dtype=np.uint8)
    return mat, lens


def _digits(n: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` decimal digits of non-negative integers ``n`` (ASCII, most significant first)."""
    out = np.empty((n.size, count), dtype=np.uint8)
    rest = n.copy()
    for j in range(count - 1, -1, -1):
        rest, d = np.divmod(rest, 10)
        out[:, j] = d + _ZERO
    return out


def int_cells(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``str(int(v))`` of every value."""
    v = col.astype(np.int64)
    neg = v < 0
    mag = np.abs(v).astype(np.uint64)            # |int64 min| still fits in uint64
    ndig = np.ones(v.size, dtype=np.int64)
    for k in range(1, 20):
        ndig += mag >= np.uint64(10) ** np.uint64(k)
    width = int(ndig.max(initial=1))
    digits = _digits(mag, width)                 # right-aligned in ``width`` columns
    ext = np.concatenate([digits, np.zeros((v.size, width), dtype=np.uint8)], axis=1)
    cell = np.take_along_axis(ext, (width - ndig)[:, None] + np.arange(width)[None, :], axis=1)
    mat = np.zeros((v.size, width + 1), dtype=np.uint8)
    mat[:, :width] = cell
    mat[neg, 1:] = cell[neg]
    mat[neg, 0] = ord("-")
    return mat, ndig + neg


def float_cells(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``format(float(v), ".10g")`` of every value, byte for byte."""
    x = col.astype(np.float64)
    n = x.size
    mat = np.zeros((n, WIDTH), dtype=np.uint8)
    lens = np.zeros(n, dtype=np.int64)
    ax = np.abs(x)
    fast = np.isfinite(x) & (ax >= 1e-4) & (ax < 1e10)
    e = np.zeros(n, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        e[fast] = np.floor(np.log10(ax[fast])).astype(np.int64)
    y = np.zeros(n)
    y[fast] = ax[fast] * _POW10[9 - e[fast]]                    # one rounding: the power of ten is exact
    m = np.rint(y)                                              # half to even, like Python's format
    frac = y - np.floor(y)
    fast &= np.abs(frac - 0.5) > 2e-6                           # a rounding too close to call: Python decides
    fast &= (m >= 1e9) & (m < 1e10)                             # log10 off by one near a power of ten
    idx = np.flatnonzero(fast)
    if idx.size:
        digits = _digits(m[idx].astype(np.int64), 10)
        ee = e[idx]
        neg = np.signbit(x[idx])
        # significant digits kept: drop trailing zeros, but never those before the decimal point
        nz = np.where(digits != _ZERO, np.arange(10), -1).max(axis=1)    # last non-zero digit
        keep = np.maximum(nz + 1, ee + 1)
        # the unsigned text with all ten digits, gathered through one template per exponent
        src = np.concatenate([digits, np.full((idx.size, 1), _ZERO, np.uint8),
                              np.full((idx.size, 1), ord("."), np.uint8), np.zeros((idx.size, 1), np.uint8)], axis=1)
        cell = np.take_along_axis(src, _TEMPLATES[ee + 4], axis=1)        # (cells, 16)
        unsigned = np.where(ee >= 0, np.where(keep > ee + 1, keep + 1, ee + 1), 1 - ee + keep)
        out = np.zeros((idx.size, WIDTH), dtype=np.uint8)
        out[:, :16] = cell
        out[neg, 1:] = cell[neg]
        out[neg, 0] = ord("-")
        mat[idx] = out
        lens[idx] = unsigned + neg
    zero = x == 0                                               # '0', or '-0' for negative zero
    mat[zero, 0] = np.where(np.signbit(x[zero]), ord("-"), _ZERO)
    mat[zero & np.signbit(x), 1] = _ZERO
    lens[zero] = 1 + np.signbit(x[zero])
    slow = np.flatnonzero(~fast & ~zero)
    if slow.size:
        smat, slens = _from_strings([format(v, ".10g") for v in x[slow].tolist()], WIDTH)
        mat[slow], lens[slow] = smat, slens
    return mat, lens


def _csv_field(text: str) -> str:
    """One text cell as ``csv.writer`` (QUOTE_MINIMAL, line terminator ``"\\n"``) writes it."""
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def text_cells(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``str(v)`` of every value, csv-quoted where needed (few distinct values: encoded once each)."""
    values = col.tolist()
    uniq: dict = {}
    codes = np.fromiter((uniq.setdefault(v, len(uniq)) for v in values), dtype=np.int64, count=len(values))
    table, tlens = _from_strings([_csv_field(_text(v)) for v in uniq]) if uniq else (np.zeros((0, 1), np.uint8),
                                                                                     np.zeros(0, np.int64))
    return table[codes], tlens[codes]


def _text(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return format(float(v), ".10g")
    return str(v)


def column_cells(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byte matrix and lengths of one column, by its dtype."""
    col = np.asarray(col)
    if col.dtype == np.bool_:
        table, tlens = _from_strings(["false", "true"])
        codes = col.astype(np.int64)
        return table[codes], tlens[codes]
    if col.dtype.kind in "iu":
        return int_cells(col)
    if col.dtype.kind == "f":
        return float_cells(col)
    return text_cells(col)


def have_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.compute  # noqa: F401
    except ImportError:
        return False
    return True


def table_bytes(columns: Mapping[str, np.ndarray], header: bool = True, engine: str = "auto") -> bytes:
    """The CSV text of a table of equal-length columns: header line (optional) and one line per row.

    ``engine``: ``"arrow"``, ``"numpy"`` or ``"auto"`` (arrow when pyarrow is installed);
    the bytes are the same.
    """
    if engine == "auto":
        engine = "arrow" if have_arrow() else "numpy"
    if engine not in ("arrow", "numpy"):
        raise ValueError(f"unknown CSV engine {engine!r}")
    block = _arrow_block if engine == "arrow" else _block
    names = list(columns)
    head = (",".join(_csv_field(k) for k in names) + "\n").encode("utf-8") if header else b""
    if not names:
        return head
    n = len(next(iter(columns.values())))
    if n == 0:
        return head
    parts = []
    for lo in range(0, n, BLOCK_ROWS):                                 # bounded memory: a block at a time
        parts.append(block({k: np.asarray(columns[k])[lo:lo + BLOCK_ROWS] for k in names}))
    return head + b"".join(parts)


#: Rows formatted at once (the byte matrices take about 1.5 kB per row).
BLOCK_ROWS = 20_000


def _block(columns: Mapping[str, np.ndarray]) -> bytes:
    """Rows of a block: every cell's bytes side by side, separators between, padding dropped."""
    mats, valid = [], []
    last = len(columns) - 1
    for j, col in enumerate(columns.values()):
        mat, ln = column_cells(col)
        mat = mat[:, :max(int(ln.max(initial=0)), 1)]                 # no wider than its longest cell
        rows = mat.shape[0]
        mats += [mat, np.full((rows, 1), ord("\n") if j == last else ord(","), dtype=np.uint8)]
        valid += [np.arange(mat.shape[1]) < ln[:, None], np.ones((rows, 1), dtype=bool)]
    return np.concatenate(mats, axis=1)[np.concatenate(valid, axis=1)].tobytes()


# -- the Arrow engine -----------------------------------------------------------------------------

def _float_strings(col: np.ndarray):
    """``format(float(v), ".10g")`` of every value, as a pyarrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    x = np.asarray(col, dtype=np.float64)
    with np.errstate(all="ignore"):                            # inf and nan take the exact path below
        ax = np.abs(x)
        fast = np.isfinite(x) & (ax >= 1e-4) & (ax < 1e10)
        e = np.floor(np.log10(np.where(fast, ax, 1.0))).astype(np.int64)
        scale = _POW10[9 - np.clip(e, -4, 9)]                   # exact powers of ten
        y = ax * scale                                          # one rounding, as in float_cells
        m = np.rint(y)
        fast &= np.abs(y - np.floor(y) - 0.5) > 2e-6            # too close to call: Python decides
        fast &= (m >= 1e9) & (m < 1e10)                         # log10 off by one near a power of ten
        zero = x == 0
        # the nearest double of the 10-digit decimal (one correctly rounded division); zeros keep their sign
        rounded = np.where(zero, x, np.copysign(m / scale, x))
    text = pc.cast(pa.array(rounded), pa.string())
    other = ~(fast | zero)
    if other.any():
        exact = pa.array([format(v, ".10g") for v in x[other].tolist()], pa.string())
        text = pc.replace_with_mask(text, pa.array(other), exact)
    return text


def _text_strings(col: np.ndarray):
    """Text cells, csv-quoted where needed (each distinct value quoted once)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(col, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = None
    if arr is None or arr.null_count:                           # not all str: Python's text of each value
        arr = pa.array([_text(v) for v in col.tolist()], pa.string())
    coded = pc.dictionary_encode(arr)
    quoted = pa.array([_csv_field(v) for v in coded.dictionary.to_pylist()], pa.string())
    return pc.take(quoted, coded.indices)


def arrow_strings(col: np.ndarray):
    """One column's CSV cells as a pyarrow string array, by its dtype."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = np.asarray(col)
    if col.dtype.kind == "f":
        return _float_strings(col)
    if col.dtype.kind in "iub":                                 # decimal integers, true/false
        return pc.cast(pa.array(col), pa.string())
    return _text_strings(col)


def _arrow_block(columns: Mapping[str, np.ndarray]) -> bytes:
    """Rows of a block: each column's cells as strings, joined with ',' and ended with a newline.

    The cells are joined by Arrow's CSV writer with ``quoting_style="none"``: it writes each
    string as it is, separated by ``,`` and ended by ``\n`` (about twice as fast as
    ``binary_join_element_wise``). It refuses a cell holding a comma, a quote or a line break
    (a text cell quoted here, or a bare ``\r``); such a block is joined by
    ``binary_join_element_wise`` instead. Both give the same bytes.
    """
    import pyarrow as pa

    cells = [arrow_strings(col) for col in columns.values()]
    try:
        return _writer_rows(cells)
    except pa.ArrowInvalid:                       # a comma, quote or line break in a cell
        return _joined_rows(cells)


def _writer_rows(cells: list) -> bytes:
    """The rows of string columns, joined by Arrow's CSV writer (unquoted)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    table = pa.Table.from_arrays(cells, names=[str(j) for j in range(len(cells))])
    sink = pa.BufferOutputStream()
    pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=False, quoting_style="none",
                                                  batch_size=max(table.num_rows, 1)))
    return sink.getvalue().to_pybytes()


def _joined_rows(cells: list) -> bytes:
    """The rows of string columns, joined by ``binary_join_element_wise``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = list(cells)
    cells[-1] = pc.binary_join_element_wise(cells[-1], pa.scalar("\n"), "")
    rows = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset:rows.offset + len(rows) + 1]
    return rows.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()
