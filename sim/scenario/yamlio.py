"""Read YAML safely and remember the line of every key, so errors can point at it.

Only plain YAML is accepted: mappings, sequences, strings, numbers, booleans and null.
Python tags (``!!python/object``), non-UTF-8 bytes, duplicate keys and alias bombs are
clean :class:`~sim.scenario.errors.InputError`s with the line where they occur.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import InputError

#: Node budget when expanding anchors/aliases ("billion laughs" guard).
MAX_NODES = 200_000
#: Largest input file accepted.
MAX_BYTES = 2_000_000
#: Deepest nesting accepted.
MAX_DEPTH = 40

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

Path_ = tuple  # a key path: ('offers', 0, 'terms', 'line')


def dotted(path: Path_) -> str:
    """``('offers', 0, 'week')`` -> ``'offers[0].week'``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class Located:
    """Parsed YAML data plus the line of each key path."""

    def __init__(self, data: Any, lines: dict[Path_, int], file: str):
        self.data = data
        self.lines = lines
        self.file = file

    def line(self, path: Path_) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_text(path: str | Path) -> str:
    """Read a file as UTF-8 text; bad bytes are an error with their line."""
    p = Path(path)
    try:
        with open(p, "rb") as f:  # never read more than the limit (e.g. /dev/zero)
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError.single(str(path), None, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(str(path), None, "", "is a directory, expected a YAML file") from None
    except OSError as exc:
        raise InputError.single(str(path), None, "", f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise InputError.single(str(path), None, "", f"file is over {MAX_BYTES} bytes; at most {MAX_BYTES} accepted")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(
            str(path), line, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None


def load(path: str | Path, shipped: bool = False) -> Located:
    """Load a YAML file into plain Python data with a line map.

    ``shipped``: a data file of this package (the parameter table, presets, profiles, sources),
    not user input: parsed by libyaml's C parser where PyYAML has it (the same nodes, so the
    same data and lines, about 20 times faster: ~0.25 s of every ``run`` was spent reading
    these files with the pure-Python parser; issue 18). User files always go through the
    pure-Python parser, whose composer stops nesting bombs before it recurses too deep.
    """
    return loads(read_text(path), str(path), shipped=shipped)


class _TooDeep(Exception):
    def __init__(self, line: int | None):
        self.line = line


class _DepthLimitedLoader(yaml.SafeLoader):
    """SafeLoader whose composer stops at :data:`MAX_DEPTH` levels (before Python's recursion
    limit, and before scanning the rest of a ``[[[[...`` bomb), at the line where it happens."""

    def compose_node(self, parent, index):
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH + 1:
                mark = self.peek_event().start_mark
                raise _TooDeep(mark.line + 1 if mark else None)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: libyaml's composer, for :func:`load` of shipped files (None where PyYAML was built without it).
_C_LOADER = getattr(yaml, "CSafeLoader", None)


def loads(text: str, file: str = "<string>", shipped: bool = False) -> Located:
    """Parse YAML text (see :func:`load`)."""
    try:
        node = yaml.compose(text, Loader=_C_LOADER if shipped and _C_LOADER is not None else _DepthLimitedLoader)
    except _TooDeep as exc:
        raise InputError.single(file, exc.line, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InputError.single(file, line, "", f"invalid YAML: {msg}") from None
    except yaml.reader.ReaderError as exc:  # control characters such as NUL
        line = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise InputError.single(file, line, "", f"invalid YAML: character #x{code:04x} is not allowed "
                                f"({exc.reason})") from None
    except yaml.YAMLError as exc:  # pragma: no cover - other scanner errors
        raise InputError.single(file, None, "", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError.single(file, None, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    if node is None:
        raise InputError.single(file, 1, "", "file is empty; expected a mapping of keys")
    _check_expanded_size(node, file)
    builder = _Builder(file)
    data = builder.build(node, (), 0)
    return Located(data, builder.lines, file)


def _check_expanded_size(root: yaml.Node, file: str) -> None:
    """Reject alias bombs before expanding anything: the expanded size of every node is
    counted once (aliases share node objects), so ``10**11`` values cost microseconds."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise InputError.single(file, node.start_mark.line + 1, "", "an alias refers to itself (recursive anchor)")
        active.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        active.discard(key)
        if total > MAX_NODES:
            raise InputError.single(file, node.start_mark.line + 1, "",
                                    f"more than {MAX_NODES} values once anchors/aliases are expanded "
                                    f"({total:,}); write the values out or use fewer aliases")
        sizes[key] = total
        return total

    size(root)


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, path: Path_, message: str):
        raise InputError.single(self.file, node.start_mark.line + 1, dotted(path), message)

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, path, f"more than {MAX_NODES} values (anchors/aliases expanding too far?)")
        if depth > MAX_DEPTH:
            self.fail(node, path, f"nesting deeper than {MAX_DEPTH} levels")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _PLAIN_TAGS:
                self.fail(node, path, f"tag {node.tag!r} is not allowed; use plain values")
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:
                self.fail(node, path, f"cannot read value {node.value!r}: {exc}")
            return value
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.fail(node, path, f"tag {node.tag!r} is not allowed; use a plain list")
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self.fail(node, path, f"tag {node.tag!r} is not allowed; use a plain mapping")
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(key_node, path, "keys must be plain words")
                key = key_node.value
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, path, "merge keys ('<<') are not supported; write the keys out")
                if key in out:
                    self.fail(key_node, path + (key,), "duplicate key")
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        self.fail(node, path, "unsupported YAML node")  # pragma: no cover
