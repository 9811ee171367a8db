"""A small, safe expression language for "cases of interest" over a table's columns.

``ceasefire-sim discover`` marks the rows (sweep points, or replications of a run) that
meet a condition such as ``p_ceasefire_holds > 0.5`` or
``outcome == 'ceasefire_holds' and not ceasefire_censored``. The text is tokenized and
parsed here by a recursive-descent parser into a tiny tree that is evaluated column-wise
with numpy; user text is never passed to ``eval``.

Grammar (lowest precedence first)::

    condition  := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := "(" or_expr ")" | operand [op operand]     # a bare operand must be a true/false column
    op         := "==" | "!=" | "<" | "<=" | ">" | ">="
    operand    := column | number | 'text' | "text" | true | false

A column name may contain letters, digits, ``_``, ``.`` and ``[ ]``
(``offers[0].terms.monitoring``), and one ``=`` followed by a letter, as an actor's term value
has (``actors.ukraine.term_values.recognition=de_facto``; ``==`` is always the operator); in a
run's table a parameter can be written without its ``param.`` prefix. Rows where a column used by the condition is undefined (NaN, e.g. an
acceptance probability at a point where no offer was put) are *undefined*, not "false":
:func:`evaluate` returns them separately so that the caller can leave them out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.errors import InputError

WHERE = "<command line>"
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
KEYWORDS = ("and", "or", "not", "true", "false")

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![A-Za-z_])
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op>==|!=|<=|>=|<|>)
  | (?P<paren>[()])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.\[\]]*(?:=[A-Za-z_][A-Za-z0-9_.]*)?)
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str      # number, string, op, paren, name, keyword, end
    text: str
    pos: int       # 0-based column in the condition


# -- the tree --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: Any     # float, str or bool


@dataclass(frozen=True)
class Column:
    name: str
    pos: int


@dataclass(frozen=True)
class Compare:
    left: Any
    op: str
    right: Any
    pos: int


@dataclass(frozen=True)
class Not:
    operand: Any


@dataclass(frozen=True)
class BoolOp:
    op: str        # and / or
    operands: tuple


@dataclass(frozen=True)
class Truth:       # a bare column used as a condition: it must hold true/false
    column: Column


class ConditionError(InputError):
    """A condition that cannot be read or does not fit the table (exit code 2)."""


def _error(text: str, pos: int | None, message: str) -> ConditionError:
    where = ""
    if pos is not None:
        where = f"\n    {text}\n    {' ' * pos}^"
    return ConditionError.single(WHERE, None, "condition", f"{message} in condition {text!r}{where}")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            ch = text[i]
            hint = " (use == to compare)" if ch == "=" else (" (quote text with ' or \")" if ch in "'\"" else "")
            raise _error(text, i, f"unexpected character {ch!r}{hint}")
        kind = m.lastgroup
        if kind != "space":
            value = m.group()
            if kind == "name" and value.lower() in KEYWORDS:
                kind, value = "keyword", value.lower()
            tokens.append(Token(kind, value, i))
        i = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def parse(self):
        if self.peek().kind == "end":
            raise _error(self.text, None, "empty condition; expected e.g. \"p_ceasefire_holds > 0.5\"")
        node = self.or_expr()
        t = self.peek()
        if t.kind != "end":
            raise _error(self.text, t.pos, f"unexpected {t.text!r} (expected 'and', 'or' or the end)")
        return node

    def or_expr(self):
        parts = [self.and_expr()]
        while self.peek().kind == "keyword" and self.peek().text == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self):
        parts = [self.not_expr()]
        while self.peek().kind == "keyword" and self.peek().text == "and":
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self):
        if self.peek().kind == "keyword" and self.peek().text == "not":
            self.take()
            return Not(self.not_expr())
        return self.comparison()

    def comparison(self):
        t = self.peek()
        if t.kind == "paren" and t.text == "(":
            self.take()
            node = self.or_expr()
            close = self.take()
            if close.kind != "paren" or close.text != ")":
                raise _error(self.text, close.pos, "missing ')'")
            return node
        left = self.operand()
        if self.peek().kind != "op":
            if isinstance(left, Column):
                return Truth(left)
            raise _error(self.text, self.peek().pos, "expected a comparison operator (==, !=, <, <=, >, >=)")
        op = self.take()
        right = self.operand()
        if not isinstance(left, Column) and not isinstance(right, Column):
            raise _error(self.text, t.pos, "a comparison needs a column on one side")
        if self.peek().kind == "op":
            raise _error(self.text, self.peek().pos, "chained comparisons are not supported; "
                                                     "write 'a < x and x < b'")
        return Compare(left, op.text, right, op.pos)

    def operand(self):
        t = self.take()
        if t.kind == "number":
            return Literal(float(t.text))
        if t.kind == "string":
            return Literal(t.text[1:-1])
        if t.kind == "keyword" and t.text in ("true", "false"):
            return Literal(t.text == "true")
        if t.kind == "name":
            return Column(t.text, t.pos)
        what = "the end of the condition" if t.kind == "end" else repr(t.text)
        raise _error(self.text, t.pos, f"expected a column, a number or a quoted text, found {what}")


def parse(text: str):
    """The condition's tree (raises :class:`ConditionError` on a syntax error)."""
    return _Parser(text).parse()


# -- evaluation ------------------------------------------------------------------------------
@dataclass
class Evaluation:
    """The rows that meet a condition, and those where it is undefined."""

    met: np.ndarray        # bool, one per row
    undefined: np.ndarray  # bool: a column used is NaN in that row
    columns: list[str]     # the table's columns the condition reads
    unknown_values: list[tuple[str, str, list[str]]]  # (column, text, the column's values)


def _resolve(name: str, frame, text: str, pos: int) -> str:
    cols = [str(c) for c in frame.columns]
    if name in cols:
        return name
    if f"param.{name}" in cols:
        return f"param.{name}"
    close = difflib.get_close_matches(name, cols, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    if "=" in name:                     # not a term value's column: a comparison written with '='?
        hint += " (to compare, use ==)"
    raise _error(text, pos, f"unknown column {name!r}{hint} (the table's columns are listed by "
                            f"--list-columns)")


def _is_text(values: np.ndarray) -> bool:
    return values.dtype.kind in "OUS"


class _Evaluator:
    def __init__(self, frame, text: str):
        self.frame = frame
        self.text = text
        self.n = len(frame)
        self.used: list[str] = []
        self.unknown: list[tuple[str, str, list[str]]] = []

    def column(self, node: Column) -> np.ndarray:
        name = _resolve(node.name, self.frame, self.text, node.pos)
        if name not in self.used:
            self.used.append(name)
        series = self.frame[name]
        if series.dtype.kind in "biuf":
            return series.to_numpy()
        return series.astype(object).to_numpy()

    def value(self, node) -> tuple[np.ndarray, np.ndarray]:
        """(values, undefined mask) of one side of a comparison."""
        if isinstance(node, Column):
            v = self.column(node)
            undefined = np.zeros(self.n, dtype=bool)
            if v.dtype.kind == "f":
                undefined = np.isnan(v)
            elif v.dtype == object:
                undefined = np.array([x is None or (isinstance(x, float) and np.isnan(x)) for x in v], dtype=bool)
            return v, undefined
        return np.full(self.n, node.value, dtype=object if isinstance(node.value, str) else None), \
            np.zeros(self.n, dtype=bool)

    def run(self, node) -> tuple[np.ndarray, np.ndarray]:
        """(met, undefined) for a node."""
        if isinstance(node, BoolOp):
            results = [self.run(o) for o in node.operands]
            met = np.logical_and.reduce if node.op == "and" else np.logical_or.reduce
            return met([r[0] for r in results]), np.logical_or.reduce([r[1] for r in results])
        if isinstance(node, Not):
            met, undefined = self.run(node.operand)
            return ~met, undefined
        if isinstance(node, Truth):
            v = self.column(node.column)
            if v.dtype.kind == "b":
                return v.astype(bool), np.zeros(self.n, dtype=bool)
            name = _resolve(node.column.name, self.frame, self.text, node.column.pos)
            raise _error(self.text, node.column.pos, f"column {name!r} is not true/false; compare it, "
                                                     f"e.g. '{name} > 0.5'")
        return self.compare(node)

    def compare(self, node: Compare) -> tuple[np.ndarray, np.ndarray]:
        left, lu = self.value(node.left)
        right, ru = self.value(node.right)
        text_l, text_r = _is_text(left), _is_text(right)
        names = [n.name for n in (node.left, node.right) if isinstance(n, Column)]
        if text_l != text_r:
            col = node.left if isinstance(node.left, Column) else node.right
            raise _error(self.text, node.pos, f"column {col.name!r} and the value it is compared with are of "
                                              f"different kinds (text vs number); quote text, e.g. "
                                              f"outcome == 'ceasefire_holds'")
        if text_l and node.op not in ("==", "!="):
            raise _error(self.text, node.pos, f"text can only be compared with == or != ({', '.join(names)})")
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, Literal) and isinstance(side.value, str) and isinstance(other, Column):
                values = sorted({str(x) for x in self.column(other) if x is not None})
                if side.value not in values:
                    self.unknown.append((other.name, side.value, values))
        undefined = lu | ru
        with np.errstate(invalid="ignore"):
            if node.op == "==":
                met = left == right
            elif node.op == "!=":
                met = left != right
            elif node.op == "<":
                met = left < right
            elif node.op == "<=":
                met = left <= right
            elif node.op == ">":
                met = left > right
            else:
                met = left >= right
        met = np.asarray(met, dtype=bool) & ~undefined
        return met, undefined


def evaluate(text: str, frame) -> Evaluation:
    """Evaluate ``text`` on every row of a pandas DataFrame (never with ``eval``)."""
    tree = parse(text)
    ev = _Evaluator(frame, text)
    met, undefined = ev.run(tree)
    return Evaluation(np.asarray(met, dtype=bool) & ~undefined, np.asarray(undefined, dtype=bool), ev.used,
                      ev.unknown)
