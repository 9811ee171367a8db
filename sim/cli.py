"""The ``ceasefire-sim`` command (also ``python -m sim``).

Each sub-command lives in its own module under :mod:`sim.commands` with two functions,
``register(subparsers)`` and ``main(args) -> int``; add one to :data:`COMMANDS` to plug it
in. A command module imports only argparse-level modules at the top (``--help`` must not
load Mesa, matplotlib, pandas or SciPy: ``tests/commands/test_imports.py``); the rest is
imported inside ``main``. Every command gets ``-q/--quiet`` and ``-v/--verbose``
(:func:`sim.commands.common.add_verbosity`). Input errors print ``file:line: key '...': message`` and exit with code 2, never a
traceback; Ctrl-C exits 130 leaving no half-written results.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import signal
import sys
import threading

from sim import __version__
from sim.commands.common import add_verbosity
from sim.scenario.errors import InputError, RunExistsError

#: OSErrors that mean "that path cannot be used" (bad input, exit 2); others (disk full...) exit 1.
_BAD_PATH_ERRNOS = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EEXIST,
                    errno.EROFS, errno.ENAMETOOLONG, errno.ELOOP}

#: Sub-command modules in the order ``--help`` lists them.
COMMANDS = ["run", "validate", "explain", "compare", "app", "analyze", "sensitivity", "rerun", "sweep", "sweep_analyze",
            "discover", "calibrate", "design", "why", "play", "replay", "debrief", "completion"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: exit 2 with a one-line message
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ceasefire-sim", description=(
        "Negotiation game-theory simulator of Russia-Ukraine ceasefire offers: plays offers "
        "(freeze, 30-day truce, refusal, custom packages) against a war of attrition, "
        "thousands of times, and shows the distribution of outcomes."))
    parser.add_argument("--version", action="version", version=f"ceasefire-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:  # command modules import their heavy modules inside main(), not here
        module = importlib.import_module(f"sim.commands.{name}")
        module.register(sub)
    for p in {id(p): p for p in sub.choices.values()}.values():
        add_verbosity(p)                    # -q/--quiet, -v/--verbose: every command, defined once
    parser.set_defaults(root_parser=parser)  # `completion` describes the whole parser
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else 0
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    previous = _on_sigterm()
    try:
        return int(args.handler(args) or 0)
    except SystemExit as exc:  # a command's own usage error
        return exc.code if isinstance(exc.code, int) else 2
    except Terminated:
        print("\nterminated (SIGTERM): stopped cleanly; no partial results were written", file=sys.stderr)
        return 143
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except RunExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: stopped cleanly; no partial results were written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("error: out of memory; try fewer --replications, --no-trajectories or a lower --max-memory "
              "(smaller chunks); no partial results were written", file=sys.stderr)
        return 1
    except OSError as exc:  # a folder that cannot be written (permissions, a file in the way, disk full)
        where = exc.filename if exc.filename is not None else "<output>"
        print(f"error: {where}: cannot write: {exc.strerror or exc}; no partial results were written",
              file=sys.stderr)
        return 2 if exc.errno in _BAD_PATH_ERRNOS else 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C so the staging folder is removed."""


def _raise_terminated(signum, frame):
    raise Terminated()


def _on_sigterm():
    """Turn SIGTERM (``kill``, ``docker stop``, batch schedulers) into a clean stop; return the
    previous handler, or None where signals cannot be set (not the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError):  # pragma: no cover
        return None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
